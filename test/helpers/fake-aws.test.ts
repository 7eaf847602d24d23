// Proves the fake against the real SDK clients, the way production code talks to AWS.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  paginateDescribeFlowLogs,
  paginateDescribeNetworkInterfaces,
  paginateDescribeVpcs,
  type CreateFlowLogsCommandInput,
} from '@aws-sdk/client-ec2';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

import { errorOf } from './error-of.js';
import { FAKE_ACCOUNT, FakeAws, mutatingOperations } from './fake-aws.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const ec2 = (region = 'us-east-1') => new EC2Client({ region, credentials });
const iam = (region = 'us-east-1') => new IAMClient({ region, credentials });
const logs = (region = 'us-east-1') => new CloudWatchLogsClient({ region, credentials });
const s3 = () => new S3Client({ region: 'us-east-1', credentials });

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT}:role/flowfix-delivery`;

function cwlInput(resourceIds: string[], extra: Partial<CreateFlowLogsCommandInput> = {}): CreateFlowLogsCommandInput {
  return {
    ResourceIds: resourceIds,
    ResourceType: 'VPC',
    TrafficType: 'REJECT',
    LogGroupName: '/flowfix/vpc-flow-logs',
    DeliverLogsPermissionArn: ROLE_ARN,
    ...extra,
  };
}

let fake: FakeAws;
afterEach(() => fake.restore());

describe('identity and regions', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false, regions: ['us-east-1', 'eu-west-1'], disabledRegions: ['af-south-1'] }).install();
  });

  test('GetCallerIdentity answers with the fake account', async () => {
    // WHEN
    const id = await new STSClient({ region: 'us-east-1', credentials }).send(new GetCallerIdentityCommand({}));
    // THEN
    expect(id.Account).toBe(FAKE_ACCOUNT);
    expect(id.Arn).toBe(`arn:aws:iam::${FAKE_ACCOUNT}:user/tester`);
  });

  test('DescribeRegions lists disabled regions only with AllRegions, and they refuse other calls', async () => {
    // WHEN
    const plain = await ec2().send(new DescribeRegionsCommand({}));
    const all = await ec2().send(new DescribeRegionsCommand({ AllRegions: true }));
    const err = await errorOf(ec2('af-south-1').send(new DescribeVpcsCommand({})));
    // THEN
    expect(plain.Regions?.map((r) => r.RegionName)).toEqual(['us-east-1', 'eu-west-1']);
    expect(all.Regions?.map((r) => [r.RegionName, r.OptInStatus])).toEqual([
      ['us-east-1', 'opt-in-not-required'],
      ['eu-west-1', 'opt-in-not-required'],
      ['af-south-1', 'not-opted-in'],
    ]);
    expect(err.name).toBe('OptInRequired');
    expect(err.$metadata.httpStatusCode).toBe(401);
  });

  test('ARNs use the partition of the region the client is in', async () => {
    // GIVEN a China fake with a role
    fake.restore();
    fake = new FakeAws({ checkOperatorPolicy: false, regions: ['cn-north-1'] }).install();
    fake.addRole('r', TRUST);
    // WHEN
    const role = await iam('cn-north-1').send(new GetRoleCommand({ RoleName: 'r' }));
    const id = await new STSClient({ region: 'cn-north-1', credentials }).send(new GetCallerIdentityCommand({}));
    // THEN
    expect(role.Role?.Arn).toBe(`arn:aws-cn:iam::${FAKE_ACCOUNT}:role/r`);
    expect(id.Arn).toBe(`arn:aws-cn:iam::${FAKE_ACCOUNT}:user/tester`);
  });
});

describe('EC2 listings', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false, pageSize: 2 }).install();
  });

  test('DescribeNetworkInterfaces: vpc-id and subnet-id filters (values OR-ed), paged by NextToken; MaxResults 5–1000 and not with ids; over 200 values is FilterLimitExceeded', async () => {
    const vpc = fake.addVpc('us-east-1');
    const [a, b] = [fake.addSubnet('us-east-1', vpc), fake.addSubnet('us-east-1', vpc)];
    const other = fake.addVpcWithInterface('us-east-1');
    const enis = [
      fake.addNetworkInterface('us-east-1', a),
      fake.addNetworkInterface('us-east-1', a, { status: 'available' }),
      fake.addNetworkInterface('us-east-1', b),
    ];
    const list = async (input: object) => {
      const ids: string[] = [];
      for await (const page of paginateDescribeNetworkInterfaces({ client: ec2(), pageSize: 1000 }, input))
        ids.push(...(page.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId!));
      return ids;
    };
    expect(await list({ Filters: [{ Name: 'vpc-id', Values: [vpc] }] })).toEqual(enis);
    expect(await list({ Filters: [{ Name: 'vpc-id', Values: [vpc, other.vpcId] }] })).toEqual([other.interfaceId, ...enis]);
    expect(await list({ Filters: [{ Name: 'subnet-id', Values: [b] }] })).toEqual([enis[2]]);
    const page = await ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }], MaxResults: 5 }));
    expect(page.NetworkInterfaces).toHaveLength(2);
    expect(page.NextToken).toEqual(expect.any(String));
    expect(page.NetworkInterfaces?.[1]).toMatchObject({ VpcId: vpc, SubnetId: a, Status: 'available' });
    const tooMany = await errorOf(
      ec2().send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: Array.from({ length: 201 }, (_, i) => `vpc-${i}`) }] })),
    );
    const both = await errorOf(ec2().send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [enis[0]!], MaxResults: 5 })));
    const small4 = await errorOf(ec2().send(new DescribeNetworkInterfacesCommand({ MaxResults: 4 })));
    expect([tooMany.name, both.name, small4.name]).toEqual(['FilterLimitExceeded', 'InvalidParameterCombination', 'InvalidParameterValue']);
  });

  test('DescribeVpcs pages through every VPC with the SDK paginator, per region', async () => {
    // GIVEN five VPCs in us-east-1 and one in eu-west-1
    const ids = [1, 2, 3, 4, 5].map((n) => fake.addVpc('us-east-1', { name: `vpc ${n}` }));
    fake.addVpc('eu-west-1');
    // WHEN
    const pages = [];
    for await (const page of paginateDescribeVpcs({ client: ec2() }, { MaxResults: 1000 })) pages.push(page);
    // THEN three pages of at most two, in order, with the Name tag
    expect(pages.map((p) => p.Vpcs?.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.Vpcs ?? []).map((v) => v.VpcId)).toEqual(ids);
    expect(pages[0]?.Vpcs?.[0]).toMatchObject({ OwnerId: FAKE_ACCOUNT, IsDefault: false, State: 'available', Tags: [{ Key: 'Name', Value: 'vpc 1' }] });
  });

  test('seeded tags come back as Tags after Name, and tag filters match them', async () => {
    // GIVEN a VPC and a subnet with tags, and an untagged VPC
    const tagged = fake.addVpc('us-east-1', { name: 'legacy', tags: { Legacy: '', Team: 'net' } });
    fake.addSubnet('us-east-1', tagged, { tags: { Tier: 'pci' } });
    const bare = fake.addVpc('us-east-1');
    // WHEN
    const vpcs = (await ec2().send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    const subnets = (await ec2().send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    const byTag = await ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Team', Values: ['net'] }] }));
    // THEN
    expect(vpcs.find((v) => v.VpcId === tagged)?.Tags).toEqual([
      { Key: 'Name', Value: 'legacy' },
      { Key: 'Legacy', Value: '' },
      { Key: 'Team', Value: 'net' },
    ]);
    expect(vpcs.find((v) => v.VpcId === bare)).not.toHaveProperty('Tags');
    expect(subnets[0]?.Tags).toEqual([{ Key: 'Tier', Value: 'pci' }]);
    expect(byTag.Vpcs?.map((v) => v.VpcId)).toEqual([tagged]);
  });

  test('DescribeSubnets filters by vpc-id and rejects unknown ids', async () => {
    // GIVEN two VPCs with subnets
    const a = fake.addVpc('us-east-1');
    const b = fake.addVpc('us-east-1');
    const [s1, s2] = [fake.addSubnet('us-east-1', a), fake.addSubnet('us-east-1', a)];
    fake.addSubnet('us-east-1', b);
    // WHEN
    const out = await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [a] }] }));
    const err = await errorOf(ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-missing'] })));
    // THEN
    expect(out.Subnets?.map((s) => s.SubnetId)).toEqual([s1, s2]);
    expect(out.Subnets?.[0]).toMatchObject({ VpcId: a, OwnerId: FAKE_ACCOUNT, AvailabilityZone: 'us-east-1a' });
    expect(err.name).toBe('InvalidSubnetID.NotFound');
  });

  test('DescribeFlowLogs honours Filter across pages; S3 flow logs have no LogGroupName', async () => {
    // GIVEN three flow logs on one VPC and one on another
    const vpc = fake.addVpc('us-east-1');
    const other = fake.addVpc('us-east-1');
    fake.addFlowLog('us-east-1', { resourceId: vpc, logGroupName: 'g1' });
    fake.addFlowLog('us-east-1', { resourceId: vpc, destinationType: 's3', destination: 'arn:aws:s3:::bucket/p/' });
    fake.addFlowLog('us-east-1', { resourceId: vpc, trafficType: 'REJECT', deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Access error' });
    fake.addFlowLog('us-east-1', { resourceId: other });
    // WHEN
    const found = [];
    for await (const page of paginateDescribeFlowLogs({ client: ec2() }, { Filter: [{ Name: 'resource-id', Values: [vpc] }] })) {
      found.push(...(page.FlowLogs ?? []));
    }
    // THEN
    expect(found).toHaveLength(3);
    expect(found.every((f) => f.ResourceId === vpc)).toBe(true);
    const s3 = found.find((f) => f.LogDestinationType === 's3');
    expect(s3?.LogGroupName).toBeUndefined();
    expect(found.find((f) => f.DeliverLogsStatus === 'FAILED')?.DeliverLogsErrorMessage).toBe('Access error');
  });
});

describe('CreateFlowLogs', () => {
  let vpc: string;
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false }).install();
    fake.addRole('flowfix-delivery', TRUST);
    vpc = fake.addVpc('us-east-1');
  });

  test('creates a flow log, then reports the identical one as FlowLogAlreadyExists in Unsuccessful', async () => {
    // WHEN the same flow log is asked for twice
    const first = await ec2().send(
      new CreateFlowLogsCommand(cwlInput([vpc], { TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'managed-by', Value: 'flowfix' }] }] })),
    );
    const second = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc])));
    // THEN the first creates it, the second is a per-resource failure in a successful response
    expect(first.FlowLogIds).toHaveLength(1);
    expect(first.FlowLogIds?.[0]).toMatch(/^fl-[0-9a-f]{17}$/);
    expect(first.Unsuccessful).toEqual([]);
    expect(second.FlowLogIds).toEqual([]);
    expect(second.Unsuccessful).toEqual([{ ResourceId: vpc, Error: { Code: 'FlowLogAlreadyExists', Message: 'FlowLogAlreadyExists' } }]);
    expect(fake.flowLogs('us-east-1')).toEqual([
      expect.objectContaining({
        ResourceId: vpc,
        TrafficType: 'REJECT',
        LogGroupName: '/flowfix/vpc-flow-logs',
        LogDestinationType: 'cloud-watch-logs',
        DeliverLogsPermissionArn: ROLE_ARN,
        DeliverLogsStatus: 'SUCCESS',
        Tags: [{ Key: 'managed-by', Value: 'flowfix' }],
      }),
    ]);
  });

  test('a different traffic type to the same log group is not a duplicate', async () => {
    // GIVEN an existing REJECT flow log
    fake.addFlowLog('us-east-1', { resourceId: vpc, trafficType: 'REJECT', logGroupName: '/flowfix/vpc-flow-logs' });
    // WHEN an ALL flow log is created
    const out = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { TrafficType: 'ALL' })));
    // THEN
    expect(out.FlowLogIds).toHaveLength(1);
    expect(fake.flowLogs('us-east-1')).toHaveLength(2);
  });

  test('another LogFormat to the same log group is another configuration, not a duplicate (the default rule)', async () => {
    // GIVEN an existing flow log in the default format
    fake.addFlowLog('us-east-1', { resourceId: vpc, trafficType: 'REJECT', logGroupName: '/flowfix/vpc-flow-logs' });
    // WHEN the same one with one more field is created, then the same format once more
    const other = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { LogFormat: '${version} ${srcaddr} ${tcp-flags}' })));
    const again = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { LogFormat: '${version} ${srcaddr} ${tcp-flags}' })));
    // THEN the first is created beside it, the second is a duplicate of the first
    expect(other.FlowLogIds).toHaveLength(1);
    expect(again.Unsuccessful).toEqual([{ ResourceId: vpc, Error: { Code: 'FlowLogAlreadyExists', Message: 'FlowLogAlreadyExists' } }]);
    expect(fake.flowLogs('us-east-1')).toHaveLength(2);
  });

  test("duplicateFlowLogsBy('destination'): any flow log to the same resource and destination is a duplicate, whatever its configuration (moto's rule)", async () => {
    fake.duplicateFlowLogsBy('destination');
    fake.addFlowLog('us-east-1', { resourceId: vpc, trafficType: 'REJECT', logGroupName: '/flowfix/vpc-flow-logs' });
    const out = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { TrafficType: 'ALL', LogFormat: '${version} ${tcp-flags}' })));
    expect(out.Unsuccessful).toEqual([{ ResourceId: vpc, Error: { Code: 'FlowLogAlreadyExists', Message: 'FlowLogAlreadyExists' } }]);
    // Another destination is still another flow log.
    const elsewhere = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { LogGroupName: '/team/flow-logs' })));
    expect(elsewhere.FlowLogIds).toHaveLength(1);
  });

  test('unknown and shared resources fail per resource; others succeed', async () => {
    // GIVEN a VPC shared from another account
    const shared = fake.addVpc('us-east-1', { ownerId: '222222222222' });
    // WHEN
    const out = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc, 'vpc-nope', shared])));
    // THEN
    expect(out.FlowLogIds).toHaveLength(1);
    expect(out.Unsuccessful?.map((u) => [u.ResourceId, u.Error?.Code])).toEqual([
      ['vpc-nope', 'InvalidVpcID.NotFound'],
      [shared, 'UnauthorizedOperation'],
    ]);
  });

  test('the same ClientToken with the same parameters returns the first answer and creates nothing more', async () => {
    // WHEN the call is retried with its token, then the token is reused for another request
    const first = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { ClientToken: 'tok-1' })));
    const retry = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { ClientToken: 'tok-1' })));
    const mismatch = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { ClientToken: 'tok-1', TrafficType: 'ALL' }))));
    // THEN
    expect(retry.FlowLogIds).toEqual(first.FlowLogIds);
    expect(retry.ClientToken).toBe('tok-1');
    expect(retry.Unsuccessful).toEqual([]);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
  });

  test('DryRun answers DryRunOperation (or UnauthorizedOperation without iam:PassRole) and changes nothing', async () => {
    // WHEN
    const allowed = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DryRun: true }))));
    fake.denyPassRole();
    const denied = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DryRun: true }))));
    const real = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc]))));
    // THEN
    expect(allowed.name).toBe('DryRunOperation');
    expect(allowed.$metadata.httpStatusCode).toBe(412);
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(denied.message).toContain('iam:PassRole');
    expect(real.name).toBe('UnauthorizedOperation');
    expect(fake.flowLogs('us-east-1')).toEqual([]);
  });

  test('rejects invalid parameter combinations as InvalidParameter', async () => {
    // WHEN
    const s3WithRole = await errorOf(
      ec2().send(
        new CreateFlowLogsCommand({
          ResourceIds: [vpc],
          ResourceType: 'VPC',
          TrafficType: 'ALL',
          LogDestinationType: 's3',
          LogDestination: 'arn:aws:s3:::flow-bucket',
          DeliverLogsPermissionArn: ROLE_ARN,
        }),
      ),
    );
    const cwlWithoutRole = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DeliverLogsPermissionArn: undefined }))));
    const tooMany = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput(Array.from({ length: 1001 }, (_, i) => `vpc-${i}`)))));
    const s3 = await ec2().send(
      new CreateFlowLogsCommand({
        ResourceIds: [vpc],
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 's3',
        LogDestination: 'arn:aws:s3:::flow-bucket/flows/',
      }),
    );
    // THEN
    expect(s3WithRole.name).toBe('InvalidParameter');
    expect(s3WithRole.message).toMatch(/not applicable for s3/);
    expect(cwlWithoutRole.name).toBe('InvalidParameter');
    expect(tooMany.name).toBe('InvalidParameter');
    expect(s3.FlowLogIds).toHaveLength(1);
  });

  test('a role that does not trust vpc-flow-logs cannot be assumed', async () => {
    // GIVEN a role trusting EC2 instead
    fake.addRole('wrong-trust', { ...TRUST, Statement: [{ ...TRUST.Statement[0], Principal: { Service: 'ec2.amazonaws.com' } }] });
    // WHEN
    const out = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DeliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/wrong-trust` })));
    // THEN
    expect(out.Unsuccessful).toEqual([
      { ResourceId: vpc, Error: { Code: 'InvalidParameter', Message: `Unable to assume given IAM role: 'arn:aws:iam::${FAKE_ACCOUNT}:role/wrong-trust'` } },
    ]);
  });

  test('confused-deputy conditions are evaluated against the account and region', async () => {
    // GIVEN a role whose SourceArn condition names another region
    const conditioned = (region: string) => ({
      ...TRUST,
      Statement: [
        {
          ...TRUST.Statement[0],
          Condition: {
            StringEquals: { 'aws:SourceAccount': FAKE_ACCOUNT },
            ArnLike: { 'aws:SourceArn': `arn:aws:ec2:${region}:${FAKE_ACCOUNT}:vpc-flow-log/*` },
          },
        },
      ],
    });
    fake.addRole('right', conditioned('us-east-1'));
    fake.addRole('wrong', conditioned('eu-west-1'));
    // WHEN
    const ok = await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DeliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/right` })));
    const bad = await ec2().send(
      new CreateFlowLogsCommand(cwlInput([vpc], { TrafficType: 'ALL', DeliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/wrong` })),
    );
    // THEN
    expect(ok.FlowLogIds).toHaveLength(1);
    expect(bad.Unsuccessful?.[0]?.Error?.Message).toMatch(/^Unable to assume given IAM role/);
  });

  test('trust conditions follow IAM: ArnLike matches each ARN part, aws:SourceOrgID is absent (no organization), Not operators hold on it', async () => {
    // GIVEN roles whose conditions only IAM's real semantics tell apart
    const conditioned = (Condition: object) => ({ ...TRUST, Statement: [{ ...TRUST.Statement[0], Condition }] });
    fake.addRole('star-spans-colons', conditioned({ ArnLike: { 'aws:SourceArn': `arn:aws:ec2:*:vpc-flow-log/*` } }));
    fake.addRole('org-only', conditioned({ StringEquals: { 'aws:SourceOrgID': 'o-abc123' } }));
    fake.addRole(
      'not-other-org',
      conditioned({ StringNotEquals: { 'aws:SourceOrgID': 'o-abc123' }, 'ForAnyValue:StringLike': { 'aws:SourceArn': 'arn:aws:ec2:us-east-1:*' } }),
    );
    const send = (role: string, TrafficType: 'ALL' | 'REJECT' | 'ACCEPT') =>
      ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { TrafficType, DeliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${role}` })));
    // WHEN
    const spans = await send('star-spans-colons', 'ALL');
    const org = await send('org-only', 'ACCEPT');
    const notOrg = await send('not-other-org', 'REJECT');
    // THEN
    expect(spans.Unsuccessful?.[0]?.Error?.Message).toMatch(/^Unable to assume given IAM role/);
    expect(org.Unsuccessful?.[0]?.Error?.Message).toMatch(/^Unable to assume given IAM role/);
    expect(notOrg.FlowLogIds).toHaveLength(1);
  });

  test('roleAssumableAfter: a freshly created role fails the first N calls, then works', async () => {
    // GIVEN a role created through IAM while propagation takes two attempts
    fake.roleAssumableAfter(2);
    await iam().send(new CreateRoleCommand({ RoleName: 'fresh', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    const input = cwlInput([vpc], { DeliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/fresh` });
    // WHEN the call is retried three times
    const attempts = [];
    for (let i = 0; i < 3; i++) attempts.push(await ec2().send(new CreateFlowLogsCommand(input)));
    // THEN
    const refused = `Unable to assume given IAM role: 'arn:aws:iam::${FAKE_ACCOUNT}:role/fresh'`;
    expect(attempts.map((a) => a.Unsuccessful?.[0]?.Error?.Message ?? 'created')).toEqual([refused, refused, 'created']);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
  });
});

describe('IAM', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false }).install();
  });

  test('DeleteRole answers DeleteConflict while inline policies, attached managed policies or instance profiles remain, as IAM does', async () => {
    // GIVEN a role with all three
    fake.addRole('r', TRUST, { inline: { Statement: [] } }, {}, { attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'], instanceProfiles: ['web'] });
    const attempt = async () => errorOf(iam().send(new DeleteRoleCommand({ RoleName: 'r' })));
    // THEN each refusal names what must go first, until nothing is left
    expect(await attempt()).toMatchObject({
      Code: 'DeleteConflict',
      message: 'Cannot delete entity, must delete policies first.',
      $metadata: { httpStatusCode: 409 },
    });
    await iam().send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'inline' }));
    expect(await attempt()).toMatchObject({ Code: 'DeleteConflict', message: 'Cannot delete entity, must detach all policies first.' });
    const attached = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam(), pageSize: 1 }, { RoleName: 'r' }))
      attached.push(...(page.AttachedPolicies ?? []));
    expect(attached).toEqual([{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }]);
    const profiles = [];
    for await (const page of paginateListInstanceProfilesForRole({ client: iam() }, { RoleName: 'r' }))
      profiles.push(...(page.InstanceProfiles ?? []).map((p) => p.InstanceProfileName));
    expect(profiles).toEqual(['web']);
    expect(fake.role('r')).toBeDefined();
  });

  test('GetPolicy/GetPolicyVersion answer the default boundary (URL-encoded), and NoSuchEntity once it is removed; CreateRole refuses a boundary that does not exist', async () => {
    const arn = `arn:aws:iam::${FAKE_ACCOUNT}:policy/flowfix-delivery-boundary`;
    const policy = await iam().send(new GetPolicyCommand({ PolicyArn: arn }));
    const version = await iam().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy!.DefaultVersionId! }));
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)).Statement[0].Action).toContain('logs:PutLogEvents');
    fake.removeManagedPolicy(arn);
    expect(await errorOf(iam().send(new GetPolicyCommand({ PolicyArn: arn })))).toMatchObject({
      Code: 'NoSuchEntity',
      message: `Policy ${arn} does not exist or is not attachable.`,
    });
    expect(
      await errorOf(iam().send(new CreateRoleCommand({ RoleName: 'b', AssumeRolePolicyDocument: JSON.stringify(TRUST), PermissionsBoundary: arn }))),
    ).toMatchObject({ Code: 'NoSuchEntity' });
  });

  test('GetRole of a missing role throws NoSuchEntity the way the SDK does', async () => {
    // WHEN
    const err = await errorOf(iam().send(new GetRoleCommand({ RoleName: 'absent' })));
    // THEN the SDK's modelled class: name NoSuchEntityException, query code NoSuchEntity
    expect(err).toBeInstanceOf(NoSuchEntityException);
    expect(err.name).toBe('NoSuchEntityException');
    expect(err.Code).toBe('NoSuchEntity');
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.$fault).toBe('client');
  });

  test("a role's inline policies share 10,240 characters, whitespace not counted; past it PutRolePolicy is LimitExceeded", async () => {
    // GIVEN a role with a 6,000-character inline policy, pretty-printed (its whitespace is free)
    const sized = (chars: number) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: `arn:aws:logs:*:*:log-group:/${'a'.repeat(chars - 128)}` }],
    });
    expect(JSON.stringify(sized(6000)).length).toBe(6000);
    await iam().send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    await iam().send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'big', PolicyDocument: JSON.stringify(sized(6000), null, 8) }));
    // WHEN a second one brings the role to exactly 10,240, then a third to 10,241
    await iam().send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'fits', PolicyDocument: JSON.stringify(sized(4240)) }));
    const err = await errorOf(iam().send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'fits', PolicyDocument: JSON.stringify(sized(4241)) })));
    // THEN replacing a policy counts its new size only, and the quota error is IAM's
    expect(err.name).toBe('LimitExceededException');
    expect(err.Code).toBe('LimitExceeded');
    expect(err.message).toMatch(/Maximum policy size of 10240 bytes exceeded/);
  });

  test('policy documents come back URL-encoded and decode to what was stored', async () => {
    // GIVEN a role created and given an inline policy through IAM
    const trust = JSON.stringify(TRUST);
    const publish = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] };
    await iam().send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'managed-by', Value: 'flowfix' }] }));
    await iam().send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'publish', PolicyDocument: JSON.stringify(publish) }));
    // WHEN
    const role = await iam().send(new GetRoleCommand({ RoleName: 'r' }));
    const policy = await iam().send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'publish' }));
    // THEN
    expect(role.Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust));
    expect(role.Role?.AssumeRolePolicyDocument).not.toContain('{');
    expect(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? ''))).toEqual(publish);
    expect(role.Role?.Arn).toBe(`arn:aws:iam::${FAKE_ACCOUNT}:role/r`);
    expect(role.Role?.Tags).toEqual([{ Key: 'managed-by', Value: 'flowfix' }]);
    expect(fake.role('r')).toMatchObject({ trustPolicy: TRUST, inlinePolicies: { publish }, tags: { 'managed-by': 'flowfix' } });
  });

  test('CreateRole refuses duplicates and malformed trust documents; GetRolePolicy misses are NoSuchEntity', async () => {
    // GIVEN
    fake.addRole('r', TRUST);
    // WHEN
    const dup = await errorOf(iam().send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: JSON.stringify(TRUST) })));
    const malformed = await errorOf(iam().send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: '{not json' })));
    const noPolicy = await errorOf(iam().send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'none' })));
    // THEN
    expect([dup.name, dup.Code, dup.$metadata.httpStatusCode]).toEqual(['EntityAlreadyExistsException', 'EntityAlreadyExists', 409]);
    expect(malformed.Code).toBe('MalformedPolicyDocument');
    expect(noPolicy.Code).toBe('NoSuchEntity');
    expect(fake.role('other')).toBeUndefined();
  });

  test('ListRolePolicies pages with Marker and IsTruncated', async () => {
    // GIVEN a role with three inline policies and a page size of two
    fake.restore();
    fake = new FakeAws({ checkOperatorPolicy: false, pageSize: 2 }).install();
    fake.addRole('r', TRUST, { c: {}, a: {}, b: {} });
    // WHEN
    const first = await iam().send(new ListRolePoliciesCommand({ RoleName: 'r' }));
    const second = await iam().send(new ListRolePoliciesCommand({ RoleName: 'r', Marker: first.Marker }));
    // THEN
    expect([first.PolicyNames, first.IsTruncated]).toEqual([['a', 'b'], true]);
    expect([second.PolicyNames, second.IsTruncated, second.Marker]).toEqual([['c'], false, undefined]);
  });
});

describe('CloudWatch Logs', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false, pageSize: 2 }).install();
  });

  test('CreateLogGroup stores kms key and tags; a second create is ResourceAlreadyExistsException', async () => {
    // WHEN
    fake.addKmsKey('arn:aws:kms:us-east-1:111111111111:key/k');
    await logs().send(new CreateLogGroupCommand({ logGroupName: '/flowfix/vpc', kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', tags: { a: 'b' } }));
    const dup = await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: '/flowfix/vpc' })));
    const reserved = await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: 'aws/mine' })));
    // THEN
    expect(dup).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(dup.name).toBe('ResourceAlreadyExistsException');
    expect(dup.$metadata.httpStatusCode).toBe(400);
    expect(reserved.name).toBe('InvalidParameterException');
    expect(fake.logGroup('us-east-1', '/flowfix/vpc')).toMatchObject({ kmsKeyId: 'arn:aws:kms:us-east-1:111111111111:key/k', tags: { a: 'b' } });
    expect(fake.logGroup('eu-west-1', '/flowfix/vpc')).toBeUndefined();
  });

  test('CreateLogGroup with a KMS key the Logs service may not use (unknown, other region, or key policy) is AccessDeniedException naming the group ARN', async () => {
    fake.addKmsKey('arn:aws:kms:us-east-1:111111111111:key/closed', { logsMayUse: false });
    fake.addKmsKey('arn:aws:kms:eu-west-1:111111111111:key/elsewhere');
    for (const key of ['closed', 'unknown']
      .map((k) => `arn:aws:kms:us-east-1:111111111111:key/${k}`)
      .concat('arn:aws:kms:eu-west-1:111111111111:key/elsewhere')) {
      const err = await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: '/flowfix/vpc', kmsKeyId: key })));
      expect([key, err.name, err.message]).toEqual([
        key,
        'AccessDeniedException',
        "The specified KMS key does not exist or is not allowed to be used with Arn 'arn:aws:logs:us-east-1:111111111111:log-group:/flowfix/vpc'",
      ]);
    }
    expect(fake.logGroup('us-east-1', '/flowfix/vpc')).toBeUndefined();
  });

  test('DescribeLogStreams: none before delivery; newest first by LastEventTime; a prefix cannot go with LastEventTime; a missing group is ResourceNotFoundException', async () => {
    fake.addLogGroup('us-east-1', '/flowfix/vpc');
    const newest = () => logs().send(new DescribeLogStreamsCommand({ logGroupName: '/flowfix/vpc', orderBy: 'LastEventTime', descending: true, limit: 1 }));
    expect((await newest()).logStreams).toEqual([]);
    const bad = await errorOf(
      logs().send(new DescribeLogStreamsCommand({ logGroupName: '/flowfix/vpc', orderBy: 'LastEventTime', logStreamNamePrefix: 'eni-' })),
    );
    const missing = await errorOf(logs().send(new DescribeLogStreamsCommand({ logGroupName: '/absent' })));
    expect(bad.name).toBe('InvalidParameterException');
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  test('DescribeLogStreams with logStreamNamePrefix: only the streams whose names start with it, in name order; delivery names them <eni>-<traffic type>', async () => {
    const { vpcId, interfaceId } = fake.addVpcWithInterface('us-east-1');
    const idle = fake.addVpcWithInterface('us-east-1', { idle: true });
    fake.addLogGroup('us-east-1', '/flowfix/vpc');
    fake.addRole(
      'r',
      { Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      { p: { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } },
    );
    for (const [resourceId, trafficType] of [
      [vpcId, 'ALL'],
      [vpcId, 'REJECT'],
      [idle.vpcId, 'ALL'],
    ] as const) {
      fake.addFlowLog('us-east-1', { resourceId, trafficType, logGroupName: '/flowfix/vpc', deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/r` });
    }
    fake.deliverFlowLogs('us-east-1', 1_700_000_000_000);
    const named = (prefix: string) => logs().send(new DescribeLogStreamsCommand({ logGroupName: '/flowfix/vpc', logStreamNamePrefix: prefix }));
    const busy = await named(interfaceId);
    expect(busy.logStreams?.map((s) => [s.logStreamName, s.lastEventTimestamp])).toEqual([
      [`${interfaceId}-all`, 1_700_000_000_000],
      [`${interfaceId}-reject`, 1_700_000_000_000],
    ]);
    expect((await named(idle.interfaceId)).logStreams).toEqual([]);
    expect((await named('eni-')).logStreams).toHaveLength(2);
  });

  test('ListObjectsV2: keys in order under a prefix, paged by continuation token; a missing bucket is NoSuchBucket', async () => {
    fake.addBucket('b');
    const { vpcId: vpc } = fake.addVpcWithInterface('us-east-1');
    for (const at of [Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 1)]) {
      fake.addFlowLog('us-east-1', { resourceId: vpc, destinationType: 's3', destination: 'arn:aws:s3:::b/p' });
      fake.deliverFlowLogs('us-east-1', at);
    }
    const first = await s3().send(new ListObjectsV2Command({ Bucket: 'b', Prefix: `p/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/`, MaxKeys: 2 }));
    const rest = await s3().send(
      new ListObjectsV2Command({
        Bucket: 'b',
        Prefix: `p/AWSLogs/${FAKE_ACCOUNT}/vpcflowlogs/us-east-1/`,
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    const missing = await errorOf(s3().send(new ListObjectsV2Command({ Bucket: 'absent' })));
    const keys = [...(first.Contents ?? []), ...(rest.Contents ?? [])].map((o) => o.Key);
    expect(keys).toEqual(fake.objects('b'));
    expect(keys).toHaveLength(3); // the first flow log delivered twice, the second once
    expect(first.IsTruncated).toBe(true);
    expect(keys[0]).toMatch(/\/2026\/01\/01\//);
    expect(missing.name).toBe('NoSuchBucket');
  });

  test('S3 bucket configuration as S3 answers it: NoSuchBucketPolicy, OwnershipControlsNotFoundError, ServerSideEncryptionConfigurationNotFoundError, NoSuchBucket, AccessDenied for another expected owner, MalformedPolicy, the policy text kept verbatim', async () => {
    fake.addBucket('bare', { ownership: null, encryption: null });
    fake.addBucket('set', {
      policy: '{ "Version": "2012-10-17",\n "Statement": [ {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::set"} ] }',
      encryption: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'k' },
    });
    const send = (command: unknown) => s3().send(command as never) as Promise<any>;

    expect((await errorOf(send(new GetBucketPolicyCommand({ Bucket: 'bare' })))).name).toBe('NoSuchBucketPolicy');
    expect((await errorOf(send(new GetBucketOwnershipControlsCommand({ Bucket: 'bare' })))).name).toBe('OwnershipControlsNotFoundError');
    expect((await errorOf(send(new GetBucketEncryptionCommand({ Bucket: 'bare' })))).name).toBe('ServerSideEncryptionConfigurationNotFoundError');
    expect((await errorOf(send(new GetBucketPolicyCommand({ Bucket: 'absent' })))).name).toBe('NoSuchBucket');
    const otherOwner = await errorOf(send(new GetBucketPolicyCommand({ Bucket: 'set', ExpectedBucketOwner: '222222222222' })));
    expect([otherOwner.name, otherOwner.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);

    const policy = (await send(new GetBucketPolicyCommand({ Bucket: 'set', ExpectedBucketOwner: FAKE_ACCOUNT }))).Policy;
    expect(policy).toBe('{ "Version": "2012-10-17",\n "Statement": [ {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::set"} ] }');
    expect((await send(new GetBucketOwnershipControlsCommand({ Bucket: 'set' }))).OwnershipControls.Rules).toEqual([
      { ObjectOwnership: 'BucketOwnerEnforced' },
    ]);
    expect(
      (await send(new GetBucketEncryptionCommand({ Bucket: 'set' }))).ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault,
    ).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: 'k',
    });

    for (const bad of ['not json', '{"Version":"2012-10-17","Statement":[]}', `{"Statement":[{"Sid":"${'x'.repeat(20 * 1024)}"}]}`]) {
      expect((await errorOf(send(new PutBucketPolicyCommand({ Bucket: 'bare', Policy: bad })))).name).toBe('MalformedPolicy');
    }
    await send(new PutBucketPolicyCommand({ Bucket: 'bare', Policy: ' {"Statement":{"Effect":"Deny"}} ' }));
    expect(fake.bucketPolicy('bare')).toBe(' {"Statement":{"Effect":"Deny"}} ');
    await send(new DeleteBucketPolicyCommand({ Bucket: 'bare' }));
    expect(fake.bucketPolicy('bare')).toBeNull();
  });

  test("Flow logs to another account's bucket: CreateFlowLogs fails per resource without the owner's bucket policy for this account, and delivery never works with the aws/s3 key", async () => {
    const archive = fake.account('999999999999');
    archive.addBucket('central');
    const vpc = fake.addVpc('us-east-1');
    const create = () =>
      ec2().send(
        new CreateFlowLogsCommand({
          ResourceType: 'VPC',
          ResourceIds: [vpc],
          TrafficType: 'REJECT',
          LogDestinationType: 's3',
          LogDestination: 'arn:aws:s3:::central/p/',
        }),
      );
    expect((await create()).Unsuccessful).toEqual([
      { ResourceId: vpc, Error: { Code: '400', Message: 'Access Denied for LogDestination: central. Please check LogDestination permission' } },
    ]);

    const grant = {
      Effect: 'Allow',
      Principal: { Service: 'delivery.logs.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::central/p/AWSLogs/${FAKE_ACCOUNT}/*`,
      Condition: { StringEquals: { 'aws:SourceAccount': FAKE_ACCOUNT, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    };
    archive.addBucket('central', { policy: { Statement: [grant] }, encryption: { SSEAlgorithm: 'aws:kms' } });
    expect((await create()).FlowLogIds).toHaveLength(1);
    fake.addSubnet('us-east-1', vpc);
    fake.deliverFlowLogs('us-east-1');
    expect(fake.flowLogs('us-east-1')[0]).toMatchObject({ DeliverLogsStatus: 'FAILED' });
  });

  test('PutRetentionPolicy accepts only the documented values and needs the group', async () => {
    // GIVEN
    fake.addLogGroup('us-east-1', 'g');
    // WHEN
    const bad = await errorOf(logs().send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 10 })));
    const missing = await errorOf(logs().send(new PutRetentionPolicyCommand({ logGroupName: 'nope', retentionInDays: 30 })));
    await logs().send(new PutRetentionPolicyCommand({ logGroupName: 'g', retentionInDays: 365 }));
    // THEN
    expect(bad.name).toBe('InvalidParameterException');
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(fake.logGroup('us-east-1', 'g')?.retentionInDays).toBe(365);
  });

  test('DescribeLogGroups filters by prefix, pages, and gives both ARN forms', async () => {
    // GIVEN
    for (const name of ['/flowfix/c', '/flowfix/a', '/other', '/flowfix/b']) fake.addLogGroup('us-east-1', name, { retentionInDays: 30 });
    // WHEN
    const first = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/flowfix/' }));
    const second = await logs().send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/flowfix/', nextToken: first.nextToken }));
    // THEN
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/flowfix/a', '/flowfix/b']);
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/flowfix/c']);
    expect(second.nextToken).toBeUndefined();
    expect(first.logGroups?.[0]).toMatchObject({
      arn: `arn:aws:logs:us-east-1:${FAKE_ACCOUNT}:log-group:/flowfix/a:*`,
      logGroupArn: `arn:aws:logs:us-east-1:${FAKE_ACCOUNT}:log-group:/flowfix/a`,
      retentionInDays: 30,
    });
  });
});

describe('fault injection and recording', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false }).install();
  });

  test('denyAction refuses an action (optionally in one region) with a message naming it', async () => {
    // GIVEN
    fake.denyAction('DescribeFlowLogs', { region: 'eu-west-1' });
    fake.denyAction('CreateLogGroup');
    // WHEN
    const denied = await errorOf(ec2('eu-west-1').send(new DescribeFlowLogsCommand({})));
    const allowed = await ec2('us-east-1').send(new DescribeFlowLogsCommand({}));
    const logsDenied = await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: 'g' })));
    // THEN
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(denied.message).toMatch(/not authorized to perform: ec2:DescribeFlowLogs/);
    expect(allowed.FlowLogs).toEqual([]);
    expect(logsDenied.name).toBe('AccessDeniedException');
    expect(logsDenied.message).toMatch(/not authorized to perform: logs:CreateLogGroup/);
  });

  test('failNext throws the given error the given number of times, then the call works', async () => {
    // GIVEN two throttles on DescribeVpcs in us-east-1 only
    fake.failNext('DescribeVpcs', { name: 'RequestLimitExceeded', message: 'Request limit exceeded.' }, { region: 'us-east-1', times: 2 });
    // WHEN
    const e1 = await errorOf(ec2().send(new DescribeVpcsCommand({})));
    const other = await ec2('eu-west-1').send(new DescribeVpcsCommand({}));
    const e2 = await errorOf(ec2().send(new DescribeVpcsCommand({})));
    const ok = await ec2().send(new DescribeVpcsCommand({}));
    // THEN
    expect([e1.name, e1.$metadata.httpStatusCode, e1.$fault]).toEqual(['RequestLimitExceeded', 503, 'server']);
    expect(e2.name).toBe('RequestLimitExceeded');
    expect(other.Vpcs).toEqual([]);
    expect(ok.Vpcs).toEqual([]);
  });

  test('failNext with afterEffect carries the call out, then loses the answer the way Node does (a code, no metadata)', async () => {
    // GIVEN
    fake.failNext('CreateLogGroup', { name: 'ECONNRESET' }, { afterEffect: true });
    // WHEN
    const dropped = await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: '/g' })));
    // THEN
    expect([dropped.code, dropped.$metadata]).toEqual(['ECONNRESET', undefined]);
    expect(fake.logGroup('us-east-1', '/g')).toBeDefined();
  });

  test('mutatingCalls keeps writes (failed ones too) and drops reads and DryRun', async () => {
    // GIVEN
    fake.addRole('flowfix-delivery', TRUST);
    const vpc = fake.addVpc('us-east-1');
    fake.failNext('CreateLogGroup', { name: 'ThrottlingException' });
    // WHEN
    await ec2().send(new DescribeVpcsCommand({}));
    await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc], { DryRun: true }))));
    await errorOf(logs().send(new CreateLogGroupCommand({ logGroupName: '/flowfix/vpc-flow-logs' })));
    await ec2().send(new CreateFlowLogsCommand(cwlInput([vpc])));
    await iam().send(new GetRoleCommand({ RoleName: 'flowfix-delivery' }));
    // THEN
    expect(fake.calls.map((c) => c.operation)).toEqual(['DescribeVpcs', 'CreateFlowLogs', 'CreateLogGroup', 'CreateFlowLogs', 'GetRole']);
    expect(fake.mutatingCalls().map((c) => `${c.service}:${c.operation}@${c.region}`)).toEqual([
      'logs:CreateLogGroup@us-east-1',
      'ec2:CreateFlowLogs@us-east-1',
    ]);
    expect(mutatingOperations(fake.calls)).toEqual(fake.mutatingCalls());
  });

  test('onCall runs before the call is served, so throwing from it leaves state untouched', async () => {
    // GIVEN a hook that kills the run at the first write
    fake.addRole('flowfix-delivery', TRUST);
    const vpc = fake.addVpc('us-east-1');
    fake.onCall = (call) => {
      if (call.operation === 'CreateFlowLogs') throw new Error('killed');
    };
    // WHEN
    const err = await errorOf(ec2().send(new CreateFlowLogsCommand(cwlInput([vpc]))));
    // THEN
    expect(err.message).toBe('killed');
    expect(fake.calls).toHaveLength(1);
    expect(fake.flowLogs('us-east-1')).toEqual([]);
  });

  test('a command the fake does not model fails loudly, naming it', async () => {
    // WHEN
    const err = await errorOf(ec2().send(new DescribeInstancesCommand({})));
    // THEN
    expect(err.message).toMatch(/DescribeInstances/);
    expect(fake.calls.at(-1)?.operation).toBe('DescribeInstances');
  });
});

describe('request-rate throttling and the call timeline', () => {
  /** The error a call failed with, or undefined when it succeeded. */
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: any) => err,
    );

  test('GIVEN a bucket of 2 WHEN three DescribeVpcs go to one region at once THEN the third gets RequestLimitExceeded, other regions and operations keep their own buckets', async () => {
    // GIVEN: refilled so slowly that no token comes back during the test
    fake = new FakeAws({ checkOperatorPolicy: false, regions: ['us-east-1', 'eu-west-1'], rateLimit: { burst: 2, perSecond: 0.001 } }).install();
    const client = ec2('us-east-1');
    // WHEN
    const answers = await Promise.all([1, 2, 3].map(() => outcome(client.send(new DescribeVpcsCommand({})))));
    const otherRegion = await outcome(ec2('eu-west-1').send(new DescribeVpcsCommand({})));
    const otherOperation = await outcome(client.send(new DescribeSubnetsCommand({})));
    const logsThrottled = await Promise.all([1, 2, 3].map(() => outcome(logs().send(new DescribeLogGroupsCommand({})))));
    // THEN
    expect(answers.map((e) => e?.name ?? 'ok').sort()).toEqual(['RequestLimitExceeded', 'ok', 'ok']);
    expect(answers.find((e) => e)).toMatchObject({ $metadata: { httpStatusCode: 503 }, message: 'Request limit exceeded.' });
    expect(otherRegion).toBeUndefined();
    expect(otherOperation).toBeUndefined();
    expect(logsThrottled.map((e) => e?.name ?? 'ok').sort()).toEqual(['ThrottlingException', 'ok', 'ok']);
    expect(fake.throttledCalls()).toBe(2);
  });

  test('WHEN calls run THEN the timeline holds each with its start and end, answered after the latency', async () => {
    // GIVEN
    fake = new FakeAws({ checkOperatorPolicy: false, latencyMs: 5 }).install();
    // WHEN
    await ec2().send(new DescribeVpcsCommand({}));
    await ec2().send(new DescribeSubnetsCommand({}));
    // THEN
    expect(fake.timeline.map((span) => span.call.operation)).toEqual(['DescribeVpcs', 'DescribeSubnets']);
    const [first, second] = fake.timeline;
    expect(first!.endMs! - first!.startMs).toBeGreaterThanOrEqual(4);
    expect(second!.startMs).toBeGreaterThanOrEqual(first!.endMs!);
  });
});
