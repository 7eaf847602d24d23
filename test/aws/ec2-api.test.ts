import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeRegionsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';

import { classifyAwsError } from '../../src/aws/errors.js';
import { awsError, mockAwsSdk, pagedResponder, testAwsClients } from '../helpers/mock-aws-sdk.js';

const sdk = mockAwsSdk();
beforeEach(() => sdk.reset());
afterAll(() => sdk.restore());

describe('Ec2Api listings', () => {
  it('GIVEN VPCs over three pages WHEN listing THEN every VPC is returned with its tags, asking for 1000 per page', async () => {
    const vpcPages = pagedResponder(
      [
        [{ VpcId: 'vpc-1', OwnerId: '111', IsDefault: true, CidrBlock: '172.31.0.0/16' }],
        [
          {
            VpcId: 'vpc-2',
            OwnerId: '222',
            Tags: [
              { Key: 'Name', Value: 'shared' },
              { Key: 'team', Value: 'net' },
            ],
          },
        ],
        [{ VpcId: 'vpc-3', OwnerId: '111' }],
      ],
      (Vpcs, NextToken) => ({ Vpcs, NextToken }),
    );
    sdk.ec2.on(DescribeVpcsCommand).callsFake(vpcPages);
    const clients = await testAwsClients();

    const vpcs = await clients.ec2('eu-west-1').listVpcs();

    expect(vpcs).toEqual([
      { vpcId: 'vpc-1', ownerId: '111', isDefault: true, cidrBlock: '172.31.0.0/16' },
      { vpcId: 'vpc-2', ownerId: '222', isDefault: false, name: 'shared', tags: { Name: 'shared', team: 'net' } },
      { vpcId: 'vpc-3', ownerId: '111', isDefault: false },
    ]);
    expect(vpcPages.requests).toEqual([{ MaxResults: 1000 }, { MaxResults: 1000, NextToken: 'page-1' }, { MaxResults: 1000, NextToken: 'page-2' }]);
  });

  it('GIVEN subnets over two pages WHEN listing THEN every subnet is returned with its facts and tags', async () => {
    const subnetPages = pagedResponder(
      [
        [{ SubnetId: 'subnet-1', VpcId: 'vpc-1', OwnerId: '111', AvailabilityZone: 'eu-west-1a', CidrBlock: '10.0.0.0/24' }],
        [
          {
            SubnetId: 'subnet-2',
            VpcId: 'vpc-1',
            OwnerId: '111',
            Tags: [
              { Key: 'Name', Value: 'private' },
              { Key: 'flowfix', Value: '' },
            ],
          },
        ],
      ],
      (Subnets, NextToken) => ({ Subnets, NextToken }),
    );
    sdk.ec2.on(DescribeSubnetsCommand).callsFake(subnetPages);
    const clients = await testAwsClients();

    const subnets = await clients.ec2('eu-west-1').listSubnets();

    expect(subnets).toEqual([
      { subnetId: 'subnet-1', vpcId: 'vpc-1', ownerId: '111', availabilityZone: 'eu-west-1a', cidrBlock: '10.0.0.0/24' },
      { subnetId: 'subnet-2', vpcId: 'vpc-1', ownerId: '111', name: 'private', tags: { Name: 'private', flowfix: '' } },
    ]);
    expect(subnetPages.requests).toEqual([{ MaxResults: 1000 }, { MaxResults: 1000, NextToken: 'page-1' }]);
  });

  it('GIVEN flow logs over two pages, one to S3 WHEN listing THEN all are returned and the S3 one has no log group', async () => {
    const flowLogPages = pagedResponder(
      [
        [
          {
            FlowLogId: 'fl-1',
            ResourceId: 'vpc-1',
            FlowLogStatus: 'ACTIVE',
            TrafficType: 'ALL',
            DeliverLogsStatus: 'FAILED',
            DeliverLogsErrorMessage: 'Access error',
            LogDestinationType: 'cloud-watch-logs',
            LogDestination: 'arn:aws:logs:eu-west-1:111:log-group:/vpc/flow',
            LogGroupName: '/vpc/flow',
            DeliverLogsPermissionArn: 'arn:aws:iam::111:role/r',
            Tags: [{ Key: 'team', Value: 'net' }],
          },
        ],
        [
          {
            FlowLogId: 'fl-2',
            ResourceId: 'subnet-1',
            FlowLogStatus: 'ACTIVE',
            TrafficType: 'REJECT',
            LogDestinationType: 's3',
            LogDestination: 'arn:aws:s3:::bucket/prefix/',
          },
        ],
      ],
      (FlowLogs, NextToken) => ({ FlowLogs, NextToken }),
    );
    sdk.ec2.on(DescribeFlowLogsCommand).callsFake(flowLogPages);
    const clients = await testAwsClients();

    const flowLogs = await clients.ec2('eu-west-1').listFlowLogs();

    expect(flowLogs).toEqual([
      {
        flowLogId: 'fl-1',
        resourceId: 'vpc-1',
        status: 'ACTIVE',
        trafficType: 'ALL',
        deliverLogsStatus: 'FAILED',
        deliverLogsErrorMessage: 'Access error',
        destinationType: 'cloud-watch-logs',
        destination: 'arn:aws:logs:eu-west-1:111:log-group:/vpc/flow',
        logGroupName: '/vpc/flow',
        deliverLogsPermissionArn: 'arn:aws:iam::111:role/r',
        tags: { team: 'net' },
      },
      {
        flowLogId: 'fl-2',
        resourceId: 'subnet-1',
        status: 'ACTIVE',
        trafficType: 'REJECT',
        destinationType: 's3',
        destination: 'arn:aws:s3:::bucket/prefix/',
        tags: {},
      },
    ]);
    expect(flowLogPages.requests).toEqual([{ MaxResults: 1000 }, { MaxResults: 1000, NextToken: 'page-1' }]);
  });

  it('GIVEN a denied DescribeVpcs WHEN listing THEN the error keeps its AWS code and names the action', async () => {
    sdk.ec2.on(DescribeVpcsCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    const clients = await testAwsClients();

    const failure = await clients
      .ec2('eu-west-1')
      .listVpcs()
      .catch((err: unknown) => err);

    expect(classifyAwsError(failure)).toMatchObject({ kind: 'access-denied', code: 'UnauthorizedOperation', action: 'ec2:DescribeVpcs' });
  });
});

describe('listEnabledRegions', () => {
  it('GIVEN regions with every opt-in status WHEN listing THEN they split into enabled and disabled, sorted', async () => {
    sdk.ec2.on(DescribeRegionsCommand, { AllRegions: true }).resolves({
      Regions: [
        { RegionName: 'us-west-2', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'ap-east-1', OptInStatus: 'opted-in' },
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
      ],
    });
    const clients = await testAwsClients();

    await expect(clients.listEnabledRegions()).resolves.toEqual({
      enabled: ['ap-east-1', 'eu-west-1', 'us-west-2'],
      disabled: ['af-south-1', 'me-south-1'],
    });
  });

  it('GIVEN an emulator that sends no OptInStatus WHEN listing THEN every listed region counts as enabled', async () => {
    sdk.ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    const clients = await testAwsClients();

    await expect(clients.listEnabledRegions()).resolves.toEqual({ enabled: ['eu-west-1', 'us-east-1'], disabled: [] });
  });
});

describe('createFlowLogs', () => {
  const input = {
    ResourceIds: ['vpc-1', 'vpc-2'],
    ResourceType: 'VPC' as const,
    TrafficType: 'REJECT' as const,
    LogDestinationType: 'cloud-watch-logs' as const,
    LogGroupName: '/flowfix/vpc-flow-logs',
    DeliverLogsPermissionArn: 'arn:aws:iam::111:role/flowfix',
    ClientToken: 'token-1',
    TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
  };

  it('GIVEN one success and one per-resource failure WHEN creating THEN both are reported and the input is passed as is', async () => {
    sdk.ec2.on(CreateFlowLogsCommand).resolves({
      FlowLogIds: ['fl-new'],
      Unsuccessful: [{ ResourceId: 'vpc-2', Error: { Code: 'FlowLogAlreadyExists', Message: 'exists' } }],
    });
    const clients = await testAwsClients();

    const result = await clients.ec2('eu-west-1').createFlowLogs(input);

    expect(result).toEqual({
      flowLogIds: ['fl-new'],
      unsuccessful: [{ resourceId: 'vpc-2', code: 'FlowLogAlreadyExists', message: 'exists' }],
    });
    expect(sdk.ec2.commandCalls(CreateFlowLogsCommand)[0]!.args[0].input).toEqual(input);
  });

  it('GIVEN DryRun WHEN AWS answers DryRunOperation THEN the error reaches the caller and classifies as dry-run-ok', async () => {
    sdk.ec2.on(CreateFlowLogsCommand).rejects(awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412));
    const clients = await testAwsClients();

    const failure = await clients
      .ec2('eu-west-1')
      .createFlowLogs({ ...input, DryRun: true })
      .catch((err: unknown) => err);

    expect(classifyAwsError(failure).kind).toBe('dry-run-ok');
  });
});
