// collectInventory over the in-memory AwsClients: what a read of the account holds when parts of it
// cannot be read, and which calls it makes to get there.
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegion } from '../../src/inventory/types.js';
import { ACCOUNT, flowLog, role, settings, vpcWithSubnets } from '../helpers/builders.js';
import { awsError, MemoryAws } from '../helpers/memory-aws.js';

const GROUP = '/flowfix/vpc-flow-logs';
const groupArn = (region: string, name: string) => `arn:aws:logs:${region}:${ACCOUNT}:log-group:${name}:*`;

function twoRegions() {
  return new MemoryAws({
    regions: {
      'us-east-1': { ...vpcWithSubnets('vpc-0a000001', 1) },
      'eu-west-1': { ...vpcWithSubnets('vpc-0b000001', 1) },
    },
    role: role(),
  });
}

describe('collectInventory over in-memory clients', () => {
  test('GIVEN eu-west-1 refuses DescribeVpcs WHEN collecting THEN eu-west-1 is an unreadable member with the error and us-east-1 is read', async () => {
    const aws = twoRegions().fail('DescribeVpcs', awsError('UnauthorizedOperation', 'You are not authorized to perform: ec2:DescribeVpcs', 403), {
      region: 'eu-west-1',
    });

    const inventory = await collectInventory(aws, settings());

    expect(inventory.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(inventory.regions[0]).toEqual({
      status: 'unreadable',
      region: 'eu-west-1',
      error: { code: 'UnauthorizedOperation', message: 'You are not authorized to perform: ec2:DescribeVpcs', action: 'ec2:DescribeVpcs' },
    });
    expect(inventory.regions[1]).toMatchObject({ status: 'read', region: 'us-east-1', vpcs: [{ vpcId: 'vpc-0a000001' }] });
  });

  test('GIVEN DescribeFlowLogs throttled in one region WHEN collecting THEN only that region is unreadable, with the throttling code', async () => {
    const aws = twoRegions().fail('DescribeFlowLogs', awsError('Throttling', 'Rate exceeded'), { region: 'us-east-1' });

    const inventory = await collectInventory(aws, settings());

    expect(inventory.regions.map((r) => [r.region, r.status])).toEqual([
      ['eu-west-1', 'read'],
      ['us-east-1', 'unreadable'],
    ]);
    expect(inventory.regions[1]).toMatchObject({ error: { code: 'Throttling', message: 'Rate exceeded' } });
  });

  test('GIVEN a region fails with an error that is not from AWS WHEN collecting THEN it propagates instead of being recorded', async () => {
    const aws = twoRegions().fail('DescribeSubnets', new TypeError('cannot read properties of undefined'), { region: 'eu-west-1' });

    await expect(collectInventory(aws, settings())).rejects.toThrow(TypeError);
  });

  test('GIVEN GetRole is denied WHEN collecting THEN the role is unreadable with the error and every region is still read', async () => {
    const aws = twoRegions().fail('GetRole', awsError('AccessDenied', 'User is not authorized to perform: iam:GetRole', 403));

    const inventory = await collectInventory(aws, settings());

    expect(inventory.role).toEqual({
      status: 'unreadable',
      error: { code: 'AccessDenied', message: 'User is not authorized to perform: iam:GetRole', action: 'iam:GetRole' },
    });
    expect(inventory.regions.every((r) => r.status === 'read')).toBe(true);
  });

  test('GIVEN the role exists WHEN collecting THEN it is found, with its trust policy, and read once', async () => {
    const aws = twoRegions();

    const inventory = await collectInventory(aws, settings());

    expect(inventory.role).toEqual({ status: 'found', role: role() });
    expect(aws.callsOf('GetRole')).toEqual([{ service: 'iam', operation: 'GetRole', region: 'global', input: { RoleName: 'flowfix-vpc-flow-logs' } }]);
  });

  test('GIVEN no role by that name WHEN collecting THEN the role is missing', async () => {
    const aws = twoRegions();

    const inventory = await collectInventory(aws, settings({ roleName: 'another-role' }));

    expect(inventory.role).toEqual({ status: 'missing' });
  });

  test('GIVEN an S3 destination WHEN collecting THEN the role is not-read and IAM is not called', async () => {
    const aws = twoRegions().fail('GetRole', awsError('AccessDenied', 'denied', 403));

    const inventory = await collectInventory(aws, settings({ destination: { type: 's3', bucket: 'logs-bucket', prefix: '' } }));

    expect(inventory.role).toEqual({ status: 'not-read' });
    expect(aws.calls.filter((c) => c.service === 'iam')).toEqual([]);
  });

  test('GIVEN an S3 destination and no CloudWatch flow logs WHEN collecting THEN no log group is looked up', async () => {
    const aws = twoRegions();

    const inventory = await collectInventory(aws, settings({ destination: { type: 's3', bucket: 'logs-bucket', prefix: '' } }));

    expect(aws.callsOf('DescribeLogGroups')).toEqual([]);
    expect(readRegion(inventory, 'us-east-1')?.logGroups).toEqual({});
  });

  test("GIVEN flowfix's own group has no retention WHEN collecting THEN its tags are read and kept", async () => {
    const aws = new MemoryAws({
      regions: { 'us-east-1': { logGroups: { [GROUP]: { name: GROUP, arn: groupArn('us-east-1', GROUP), tags: { ManagedBy: 'flowfix' } } } } },
    });

    const inventory = await collectInventory(aws, settings());

    expect(readRegion(inventory, 'us-east-1')?.logGroups[GROUP]).toEqual({ name: GROUP, arn: groupArn('us-east-1', GROUP), tags: { ManagedBy: 'flowfix' } });
    expect(aws.callsOf('ListTagsForResource').map((c) => c.input)).toEqual([{ resourceArn: groupArn('us-east-1', GROUP) }]);
  });

  test("GIVEN flowfix's own group has a retention WHEN collecting THEN its tags are not read", async () => {
    const aws = new MemoryAws({
      regions: {
        'us-east-1': { logGroups: { [GROUP]: { name: GROUP, arn: groupArn('us-east-1', GROUP), retentionInDays: 365, tags: { ManagedBy: 'flowfix' } } } },
      },
    });

    const inventory = await collectInventory(aws, settings());

    expect(aws.callsOf('ListTagsForResource')).toEqual([]);
    expect(readRegion(inventory, 'us-east-1')?.logGroups[GROUP]).toEqual({ name: GROUP, arn: groupArn('us-east-1', GROUP), retentionInDays: 365 });
  });

  test("GIVEN a flow-log destination group (not flowfix's own) without retention WHEN collecting THEN it is looked up but its tags are not read", async () => {
    const other = '/team/flow-logs';
    const aws = new MemoryAws({
      regions: {
        'us-east-1': {
          ...vpcWithSubnets('vpc-0a000001', 0),
          flowLogs: [flowLog('vpc-0a000001', { logGroupName: other })],
          logGroups: { [other]: { name: other, arn: groupArn('us-east-1', other), tags: { ManagedBy: 'flowfix' } } },
        },
      },
    });

    const inventory = await collectInventory(aws, settings());

    expect(aws.callsOf('DescribeLogGroups').map((c) => c.input)).toEqual([{ logGroupIdentifiers: [other, GROUP] }]);
    expect(readRegion(inventory, 'us-east-1')?.logGroups).toEqual({ [other]: { name: other, arn: groupArn('us-east-1', other) } });
    expect(aws.callsOf('ListTagsForResource')).toEqual([]);
  });

  test("GIVEN reading the own group's tags fails WHEN collecting THEN the region is still read and the tags are empty (not known to be flowfix's)", async () => {
    const aws = new MemoryAws({
      regions: { 'us-east-1': { logGroups: { [GROUP]: { name: GROUP, arn: groupArn('us-east-1', GROUP), tags: { ManagedBy: 'flowfix' } } } } },
    }).fail('ListTagsForResource', awsError('AccessDeniedException', 'denied', 400));

    const inventory = await collectInventory(aws, settings());

    expect(inventory.regions[0]?.status).toBe('read');
    expect(readRegion(inventory, 'us-east-1')?.logGroups[GROUP]?.tags).toEqual({});
  });
});
