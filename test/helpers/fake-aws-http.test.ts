// FakeAws over HTTP must say exactly what FakeAws says through the SDK mock: every answer the HTTP
// server encodes is read back by the real SDK clients and compared with FakeAws's direct answer.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type CreateFlowLogsCommandInput,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

import { decodeQuery, serveFakeAws, type FakeAwsServer } from './fake-aws-http.js';
import { FakeAws, type Service } from './fake-aws.js';

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const REGION = 'eu-west-1';

function seed(fake: FakeAws): { vpc: string; subnet: string; eni: string } {
  const vpc = fake.addVpc(REGION, { name: 'prod & <main>' });
  const subnet = fake.addSubnet(REGION, vpc, { name: 'a' });
  const eni = fake.addNetworkInterface(REGION, subnet);
  fake.addNetworkInterface(REGION, subnet, { status: 'available' });
  fake.addFlowLog(REGION, {
    resourceId: vpc,
    trafficType: 'ALL',
    logGroupName: '/org/flow',
    deliverLogsStatus: 'FAILED',
    deliverLogsErrorMessage: 'Access error',
  });
  fake.addFlowLog(REGION, { resourceId: subnet, trafficType: 'REJECT', destinationType: 's3', destination: 'arn:aws:s3:::bucket/', tags: { team: 'net' } });
  fake.addLogGroup(REGION, '/org/flow', { retentionInDays: 90, kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/k' });
  fake.addLogStream(REGION, '/org/flow', `${eni}-all`, { createdAt: 1_700_000_000_000, lastEventAt: 1_700_000_060_000 });
  fake.addVpc(REGION, { name: 'second' });
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  fake.addRole('delivery', trust, { publish: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } });
  return { vpc, subnet, eni };
}

describe('FakeAws over HTTP', () => {
  let fake: FakeAws;
  let server: FakeAwsServer;
  let config: { region: string; endpoint: string; credentials: typeof credentials; maxAttempts: number };
  beforeEach(async () => {
    fake = new FakeAws({ regions: ['us-east-1', REGION], disabledRegions: ['af-south-1'], pageSize: 1, checkOperatorPolicy: false });
    server = await serveFakeAws(fake);
    config = { region: REGION, endpoint: server.url, credentials, maxAttempts: 1 };
  });
  afterEach(() => server.close());

  /** The answer through HTTP and the SDK's parser, and FakeAws's own answer to the same input. */
  async function both(service: Service, client: { send(c: unknown): Promise<unknown> }, command: { input: object }) {
    const viaHttp = (await client.send(command)) as Record<string, unknown>;
    const operation = command.constructor.name.replace(/Command$/, '');
    const { $metadata: _a, ...direct } = (await fake.answer(service, operation, config.region, command.input)) as Record<string, unknown>;
    const { $metadata: _b, ...parsed } = viaHttp;
    return { parsed, direct };
  }

  test('GIVEN a seeded estate WHEN every read flowfix sends goes over HTTP THEN the SDK parses what FakeAws answers directly', async () => {
    const { vpc, eni } = seed(fake);
    const ec2 = new EC2Client(config);
    const logs = new CloudWatchLogsClient(config);
    const iam = new IAMClient({ ...config, region: 'us-east-1' });
    const sts = new STSClient({ ...config, region: 'us-east-1' });
    const reads: [Service, { send(c: unknown): Promise<unknown> }, { input: object }][] = [
      ['ec2', ec2, new DescribeRegionsCommand({ AllRegions: true })],
      ['ec2', ec2, new DescribeVpcsCommand({ MaxResults: 5 })],
      ['ec2', ec2, new DescribeSubnetsCommand({ MaxResults: 5 })],
      ['ec2', ec2, new DescribeFlowLogsCommand({ MaxResults: 1000 })],
      ['ec2', ec2, new DescribeFlowLogsCommand({ Filter: [{ Name: 'traffic-type', Values: ['REJECT'] }] })],
      ['ec2', ec2, new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc, 'vpc-0000000000000000f'] }], MaxResults: 5 })],
      ['logs', logs, new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/org/flow', '/missing'] })],
      ['logs', logs, new DescribeLogStreamsCommand({ logGroupName: '/org/flow', logStreamNamePrefix: eni, limit: 50 })],
      ['iam', iam, new GetRoleCommand({ RoleName: 'delivery' })],
      ['iam', iam, new ListRolePoliciesCommand({ RoleName: 'delivery', MaxItems: 1000 })],
      ['iam', iam, new GetRolePolicyCommand({ RoleName: 'delivery', PolicyName: 'publish' })],
      ['sts', sts, new GetCallerIdentityCommand({})],
    ];
    for (const [service, client, command] of reads) {
      const { parsed, direct } = await both(service, client, command);
      expect({ command: command.constructor.name, ...parsed }).toEqual({ command: command.constructor.name, ...direct });
    }
    // The page size of 1 made every listing paged: the token went over the wire and back.
    expect(await ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }))).toHaveProperty('NextToken');
  });

  test('GIVEN writes WHEN sent over HTTP THEN FakeAws receives the SDK input shapes and its state changes', async () => {
    const { vpc, subnet } = seed(fake);
    const ec2 = new EC2Client(config);
    const input: CreateFlowLogsCommandInput = {
      ResourceIds: [vpc, subnet],
      ResourceType: 'VPC',
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: '/flowfix/vpc-flow-logs',
      DeliverLogsPermissionArn: 'arn:aws:iam::111111111111:role/delivery',
      MaxAggregationInterval: 600,
      TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
      ClientToken: 'token-1',
    };
    const created = await ec2.send(new CreateFlowLogsCommand(input));
    const call = fake.calls.find((c) => c.operation === 'CreateFlowLogs');
    expect(call?.input).toEqual(input);
    // The subnet id given with ResourceType VPC fails per resource, in Unsuccessful.
    expect(created.FlowLogIds).toHaveLength(1);
    expect(created.Unsuccessful?.[0]?.ResourceId).toBe(subnet);
    expect(created.Unsuccessful?.[0]?.Error?.Code).toEqual(expect.any(String));
    expect(fake.flowLogs(REGION).filter((f) => f.ResourceId === vpc && f.TrafficType === 'REJECT')).toHaveLength(1);

    const iam = new IAMClient({ ...config, region: 'us-east-1' });
    await iam.send(
      new CreateRoleCommand({ RoleName: 'new-role', AssumeRolePolicyDocument: '{"Statement":[]}', Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }),
    );
    expect(fake.role('new-role')?.tags).toEqual({ ManagedBy: 'flowfix' });

    const logs = new CloudWatchLogsClient(config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/new', tags: { ManagedBy: 'flowfix' } }));
    const tags = await logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:${REGION}:111111111111:log-group:/new` }));
    expect(tags.tags).toEqual({ ManagedBy: 'flowfix' });
  });

  test('GIVEN FakeAws errors WHEN they go over HTTP THEN the SDK throws the same codes, and a disabled region refuses', async () => {
    const iam = new IAMClient({ ...config, region: 'us-east-1' });
    await expect(iam.send(new GetRoleCommand({ RoleName: 'nobody' }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    fake.failNext('DescribeVpcs', { name: 'UnauthorizedOperation', message: 'no' });
    await expect(new EC2Client(config).send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'UnauthorizedOperation', message: 'no' });
    const disabled = { ...config, region: 'af-south-1' };
    await expect(new CloudWatchLogsClient(disabled).send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    await expect(new EC2Client(config).send(new CreateFlowLogsCommand({ ResourceIds: ['vpc-1'], ResourceType: 'VPC', DryRun: true }))).rejects.toMatchObject({
      name: expect.stringMatching(/DryRunOperation|InvalidParameter|MissingParameter/),
    });
  });

  test('GIVEN nested query parameters WHEN decoded THEN lists are renamed to the SDK members and scalars typed', () => {
    const params = new URLSearchParams(
      'Action=DescribeVpcs&Filter.1.Name=a&Filter.1.Value.1=b&Filter.1.Value.2=c&MaxResults=5&Tags.member.1.Key=k&DryRun=true',
    );
    expect(decodeQuery('DescribeVpcs', params)).toEqual({ Filters: [{ Name: 'a', Values: ['b', 'c'] }], MaxResults: 5, Tags: [{ Key: 'k' }], DryRun: true });
    expect(decodeQuery('DescribeFlowLogs', new URLSearchParams('Filter.1.Name=a&Filter.1.Value.1=b'))).toEqual({ Filter: [{ Name: 'a', Values: ['b'] }] });
  });
});
