// The in-memory AwsClients answers the way the rest of flowfix expects AWS to: these pin the few
// behaviours the unit tests rely on.
import { classifyAwsError, isAwsOrNetworkError } from '../../src/aws/errors.js';
import { ACCOUNT } from './builders.js';
import { awsError, MemoryAws } from './memory-aws.js';

const VPC = 'vpc-0a000001';
const flowLogInput = {
  ResourceIds: [VPC],
  ResourceType: 'VPC' as const,
  TrafficType: 'REJECT' as const,
  LogDestinationType: 'cloud-watch-logs' as const,
  LogGroupName: '/flowfix/g',
  DeliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`,
  TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
};
const account = () => new MemoryAws({ regions: { 'us-east-1': { vpcs: [{ vpcId: VPC, ownerId: ACCOUNT, isDefault: false }] }, 'eu-west-1': {} } });

describe('MemoryAws', () => {
  test('GIVEN an existing log group WHEN it is created again THEN the error is an AWS error classified already-exists', async () => {
    const aws = account();
    await aws.logs('us-east-1').createLogGroup({ logGroupName: '/flowfix/g', tags: { ManagedBy: 'flowfix' } });

    const err = await aws
      .logs('us-east-1')
      .createLogGroup({ logGroupName: '/flowfix/g', tags: {} })
      .catch((e: unknown) => e);

    expect(isAwsOrNetworkError(err)).toBe(true);
    expect(classifyAwsError(err)).toMatchObject({ kind: 'already-exists', code: 'ResourceAlreadyExistsException' });
    expect(await aws.logs('us-east-1').describeLogGroups(['/flowfix/g', '/other'])).toEqual({
      '/flowfix/g': { name: '/flowfix/g', arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flowfix/g:*` },
    });
  });

  test('GIVEN a flow log was created WHEN an identical one is asked for THEN Unsuccessful says FlowLogAlreadyExists and nothing is added', async () => {
    const ec2 = account().ec2('us-east-1');
    const first = await ec2.createFlowLogs(flowLogInput);

    const second = await ec2.createFlowLogs(flowLogInput);

    expect(first.flowLogIds).toHaveLength(1);
    expect(second).toEqual({ flowLogIds: [], unsuccessful: [{ resourceId: VPC, code: 'FlowLogAlreadyExists', message: expect.any(String) }] });
    expect(await ec2.listFlowLogs()).toHaveLength(1);
  });

  test('GIVEN DryRun WHEN CreateFlowLogs is called THEN it throws DryRunOperation and creates nothing', async () => {
    const ec2 = account().ec2('us-east-1');

    const err = await ec2.createFlowLogs({ ...flowLogInput, DryRun: true }).catch((e: unknown) => e);

    expect(classifyAwsError(err).kind).toBe('dry-run-ok');
    expect(await ec2.listFlowLogs()).toEqual([]);
  });

  test('GIVEN a failure injected twice in one region WHEN called three times there and once elsewhere THEN only the first two there fail', async () => {
    const aws = account().fail('DescribeVpcs', awsError('Throttling', 'Rate exceeded'), { region: 'us-east-1', times: 2 });

    const results = await Promise.allSettled([
      aws.ec2('us-east-1').listVpcs(),
      aws.ec2('us-east-1').listVpcs(),
      aws.ec2('us-east-1').listVpcs(),
      aws.ec2('eu-west-1').listVpcs(),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(aws.callsOf('DescribeVpcs')).toHaveLength(4);
  });

  test('GIVEN a read WHEN its answer is changed by the caller THEN the estate is not', async () => {
    const aws = account();
    const vpcs = await aws.ec2('us-east-1').listVpcs();

    vpcs.pop();

    expect(await aws.ec2('us-east-1').listVpcs()).toHaveLength(1);
  });
});
