import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { FlowfixError } from '../../src/errors.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegion, readRegions, roleOf, type Inventory, type RegionInventory } from '../../src/inventory/types.js';
import { errorsOf } from '../../src/report/plan-report.js';
import { openSnapshot } from '../../src/snapshot/snapshot-clients.js';
import { SnapshotError } from '../../src/snapshot/snapshot-error.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ESTATE = path.join(repoRoot, 'examples/estate');
const COMPLIANT = path.join(repoRoot, 'examples/compliant');

const SHARED_VPC = 'vpc-05393d7c23f8cf33c';
const PROD_DATA_VPC = 'vpc-07504c99feb869075';
const ANALYTICS_VPC = 'vpc-0e611e06e8da1c780';

function region(inventory: Inventory, name: string): RegionInventory {
  const found = readRegion(inventory, name);
  if (found === undefined) throw new Error(`region ${name} not in inventory`);
  return found;
}

/** What `flowfix plan --snapshot` does: the snapshot's clients through the live collectInventory. */
async function loadSnapshot(dir: string, settings: Settings): Promise<Inventory> {
  return collectInventory(await openSnapshot(dir, settings), settings);
}

async function loadError(dir: string, settings: Settings = DEFAULT_SETTINGS): Promise<SnapshotError> {
  try {
    await loadSnapshot(dir, settings);
  } catch (error) {
    if (error instanceof SnapshotError) return error;
    throw error;
  }
  throw new Error(`loadSnapshot(${dir}) did not fail`);
}

// Temp dirs: each test gets a copy of a snapshot it can break.
const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flowfix-snapshot-'));
  tempDirs.push(dir);
  return dir;
}
async function copyOf(source: string): Promise<string> {
  const dir = await tempDir();
  await cp(source, dir, { recursive: true });
  return dir;
}
async function writeJsonText(dir: string, relative: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
  await writeFile(path.join(dir, relative), text);
}
async function readJson(dir: string, relative: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(dir, relative), 'utf8')) as Record<string, unknown>;
}
const VPCS_US = 'regions/us-east-1/ec2-describe-vpcs.json';

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('loadSnapshot on examples/estate', () => {
  let inventory: Inventory;

  beforeAll(async () => {
    // GIVEN the bundled estate and default settings
    // WHEN it is loaded
    inventory = await loadSnapshot(ESTATE, DEFAULT_SETTINGS);
  });

  test('reads the account, partition and sorted regions', () => {
    // THEN the caller identity and region directories drive the top-level facts
    expect(inventory.accountId).toBe('123456789012');
    expect(inventory.partition).toBe('aws');
    expect(inventory.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    // No global calls in a snapshot: the default region of the caller's partition stands in.
    expect(inventory.homeRegion).toBe('us-east-1');
    expect(errorsOf(inventory)).toEqual([]);
  });

  test('counts VPCs, subnets and flow logs per region', () => {
    const counts = readRegions(inventory).map((r) => [r.region, r.vpcs.length, r.subnets.length, r.flowLogs.length]);
    expect(counts).toEqual([
      ['eu-west-1', 6, 15, 7],
      ['us-east-1', 6, 16, 5],
    ]);
  });

  test('takes names from the Name tag, keeps every tag and marks default VPCs', () => {
    const us = region(inventory, 'us-east-1');
    expect(us.vpcs.find((vpc) => vpc.name === 'prod-core')).toEqual({
      vpcId: 'vpc-05fdcce6458222719',
      ownerId: '123456789012',
      isDefault: false,
      cidrBlock: '10.10.0.0/16',
      name: 'prod-core',
      tags: { Name: 'prod-core', Environment: 'prod', Team: 'platform' },
    });
    const defaults = us.vpcs.filter((vpc) => vpc.isDefault);
    expect(defaults).toEqual([{ vpcId: 'vpc-7ca7d61f', ownerId: '123456789012', isDefault: true, cidrBlock: '172.31.0.0/16' }]);
    expect(us.subnets.find((subnet) => subnet.subnetId === 'subnet-0caf0c65e04b72e5d')).toEqual({
      subnetId: 'subnet-0caf0c65e04b72e5d',
      vpcId: 'vpc-05fdcce6458222719',
      ownerId: '123456789012',
      availabilityZone: 'us-east-1a',
      cidrBlock: '10.10.0.0/20',
      name: 'prod-core-private-a',
      tags: { Name: 'prod-core-private-a' },
    });
  });

  test('keeps the shared VPC with its owner account and its subnets', () => {
    const eu = region(inventory, 'eu-west-1');
    const shared = eu.vpcs.find((vpc) => vpc.vpcId === SHARED_VPC);
    expect(shared?.ownerId).toBe('999999999999');
    expect(shared?.name).toBeUndefined(); // owner tags are not shared with participants
    const sharedSubnets = eu.subnets.filter((subnet) => subnet.vpcId === SHARED_VPC);
    expect(sharedSubnets.map((subnet) => subnet.ownerId)).toEqual(['999999999999', '999999999999']);
  });

  test('an S3 flow log has a destination but no log group name', () => {
    const flowLog = region(inventory, 'us-east-1').flowLogs.find((f) => f.resourceId === PROD_DATA_VPC);
    expect(flowLog).toMatchObject({ trafficType: 'REJECT', destinationType: 's3', destination: 'arn:aws:s3:::acme-flow-logs/vpc/' });
    expect(flowLog).not.toHaveProperty('logGroupName');
    expect(flowLog).not.toHaveProperty('deliverLogsPermissionArn');
  });

  test('a failing flow log keeps AWS delivery status and message', () => {
    const flowLog = region(inventory, 'us-east-1').flowLogs.find((f) => f.resourceId === ANALYTICS_VPC);
    expect(flowLog).toMatchObject({
      status: 'ACTIVE',
      trafficType: 'ALL',
      deliverLogsStatus: 'FAILED',
      deliverLogsErrorMessage: 'Access error',
      logGroupName: '/vpc/analytics-flow-logs',
      deliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/analytics-flow-logs-role',
      tags: { Name: 'analytics-all' },
    });
  });

  test('keeps only the log groups flow logs point at, with retention and ARN without :*', () => {
    const us = region(inventory, 'us-east-1');
    expect(Object.keys(us.logGroups).sort()).toEqual(['/vpc/analytics-flow-logs', '/vpc/prod-flow-logs', '/vpc/staging-flow-logs']);
    expect(us.logGroups['/vpc/prod-flow-logs']).toEqual({
      name: '/vpc/prod-flow-logs',
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/vpc/prod-flow-logs',
      retentionInDays: 30,
      storedBytes: 48213379021,
    });
    const eu = region(inventory, 'eu-west-1');
    expect(Object.keys(eu.logGroups)).toEqual(['/vpc/eu-prod-flow-logs']);
    expect(eu.logGroups['/vpc/eu-prod-flow-logs']?.retentionInDays).toBe(400);
    // flowfix's own group does not exist in either region: a missing key
    expect(us.logGroups['/flowfix/vpc-flow-logs']).toBeUndefined();
  });

  test('parses the role trust policy and inline policy documents', () => {
    expect(inventory.role.status).toBe('found');
    expect(roleOf(inventory)?.roleName).toBe('flowfix-vpc-flow-logs');
    expect(roleOf(inventory)?.arn).toBe('arn:aws:iam::123456789012:role/flowfix-vpc-flow-logs');
    expect(roleOf(inventory)?.trustPolicy.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(Object.keys(roleOf(inventory)?.inlinePolicies ?? {})).toEqual(['flowfix-publish-flow-logs']);
    expect(roleOf(inventory)?.tags).toEqual({ Owner: 'platform-team', CostCenter: 'cc-4410' });
  });
});

describe('loadSnapshot settings', () => {
  test('settings.regions selects regions', async () => {
    // GIVEN settings asking for us-east-1 only
    const settings: Settings = { ...DEFAULT_SETTINGS, regions: ['us-east-1'] };
    // WHEN the estate is loaded
    const inventory = await loadSnapshot(ESTATE, settings);
    // THEN only us-east-1 is read
    expect(inventory.regions.map((r) => r.region)).toEqual(['us-east-1']);
  });

  test('the configured destination log group is kept when it exists', async () => {
    // GIVEN the compliant example, whose VPCs log to /flowfix/vpc-flow-logs, and no role file
    // WHEN it is loaded
    const inventory = await loadSnapshot(COMPLIANT, DEFAULT_SETTINGS);
    // THEN
    expect(inventory.role).toEqual({ status: 'missing' });
    expect(inventory.regions.map((r) => r.region)).toEqual(['eu-central-1']);
    expect(readRegions(inventory)[0]?.logGroups).toEqual({
      '/flowfix/vpc-flow-logs': {
        name: '/flowfix/vpc-flow-logs',
        arn: 'arn:aws:logs:eu-central-1:123456789012:log-group:/flowfix/vpc-flow-logs',
        retentionInDays: 365,
        storedBytes: 1180224301,
      },
    });
    expect(readRegions(inventory)[0]?.flowLogs.map((f) => [f.trafficType, f.status, f.deliverLogsStatus])).toEqual([
      ['REJECT', 'ACTIVE', 'SUCCESS'],
      ['REJECT', 'ACTIVE', 'SUCCESS'],
    ]);
  });

  test('a log group in the file but unreferenced is dropped when the destination is S3', async () => {
    // GIVEN S3 as flowfix's destination and a compliant snapshot whose flow logs point at the group
    const settings: Settings = { ...DEFAULT_SETTINGS, destination: { type: 's3', bucket: 'b', prefix: 'p/' } };
    const dir = await copyOf(COMPLIANT);
    await writeJsonText(dir, 'regions/eu-central-1/ec2-describe-flow-logs.json', '{"FlowLogs": []}');
    // WHEN loaded
    const inventory = await loadSnapshot(dir, settings);
    // THEN no group is kept
    expect(readRegions(inventory)[0]?.logGroups).toEqual({});
  });
});

describe('loadSnapshot accepts AWS CLI variants', () => {
  test('URL-encoded policy documents (as the IAM API returns them) are decoded', async () => {
    // GIVEN the estate with both policy documents URL-encoded
    const dir = await copyOf(ESTATE);
    const role = await readJson(dir, 'iam-get-role.json');
    const roleBody = role.Role as Record<string, unknown>;
    const trust = roleBody.AssumeRolePolicyDocument;
    roleBody.AssumeRolePolicyDocument = encodeURIComponent(JSON.stringify(trust));
    await writeJsonText(dir, 'iam-get-role.json', JSON.stringify(role));
    const policyFile = 'iam-get-role-policy-flowfix-publish-flow-logs.json';
    const policy = await readJson(dir, policyFile);
    const permissions = policy.PolicyDocument;
    policy.PolicyDocument = encodeURIComponent(JSON.stringify(permissions));
    await writeJsonText(dir, policyFile, JSON.stringify(policy));
    // WHEN loaded
    const inventory = await loadSnapshot(dir, DEFAULT_SETTINGS);
    // THEN the documents are the same objects as the decoded originals
    expect(roleOf(inventory)?.trustPolicy).toEqual(trust);
    expect(roleOf(inventory)?.inlinePolicies['flowfix-publish-flow-logs']).toEqual(permissions);
  });

  test('a UTF-8 BOM and a transit gateway flow log without TrafficType are tolerated', async () => {
    // GIVEN a flow-logs file written with a BOM that includes a transit gateway flow log
    const dir = await copyOf(COMPLIANT);
    const file = 'regions/eu-central-1/ec2-describe-flow-logs.json';
    const flowLogs = await readJson(dir, file);
    (flowLogs.FlowLogs as unknown[]).push({
      FlowLogId: 'fl-0123456789abcdef0',
      ResourceId: 'tgw-0a1b2c3d4e5f60718',
      FlowLogStatus: 'ACTIVE',
      LogDestinationType: 's3',
      LogDestination: 'arn:aws:s3:::acme-tgw-logs/',
    });
    await writeJsonText(dir, file, `\uFEFF${JSON.stringify(flowLogs)}`);
    // WHEN loaded
    const inventory = await loadSnapshot(dir, DEFAULT_SETTINGS);
    // THEN the transit gateway flow log is left out (it never covers a VPC)
    expect(readRegions(inventory)[0]?.flowLogs.map((f) => f.resourceId)).not.toContain('tgw-0a1b2c3d4e5f60718');
    expect(readRegions(inventory)[0]?.flowLogs).toHaveLength(2);
  });

  test('a flow log given only a log-group ARN gets its log group name from it', async () => {
    // GIVEN a CloudWatch flow log without LogGroupName
    const dir = await copyOf(COMPLIANT);
    const file = 'regions/eu-central-1/ec2-describe-flow-logs.json';
    const flowLogs = await readJson(dir, file);
    delete (flowLogs.FlowLogs as Record<string, unknown>[])[0]?.LogGroupName;
    await writeJsonText(dir, file, JSON.stringify(flowLogs));
    // WHEN loaded
    const inventory = await loadSnapshot(dir, DEFAULT_SETTINGS);
    // THEN
    expect(readRegions(inventory)[0]?.flowLogs[0]?.logGroupName).toBe('/flowfix/vpc-flow-logs');
  });
});

describe('loadSnapshot rejects bad input with one actionable line', () => {
  test('missing snapshot directory', async () => {
    // GIVEN a path that does not exist
    const dir = path.join(await tempDir(), 'nope');
    // WHEN loaded
    const error = await loadError(dir);
    // THEN the message names the directory and what a snapshot holds
    expect(error.message).toContain(`${dir}: cannot read the snapshot directory (ENOENT: no such file or directory) — check the path`);
    expect(error.message).toContain('sts-get-caller-identity.json');
    expect(error).toBeInstanceOf(FlowfixError);
    expect(error.code).toBe('SnapshotInvalid');
    expect(error.message).not.toContain('\n');
  });

  test('malformed JSON names the file and the line and column', async () => {
    // GIVEN a describe-vpcs file with a missing colon on line 3
    const dir = await copyOf(ESTATE);
    await writeJsonText(dir, VPCS_US, '{\n  "Vpcs": [\n    {"VpcId" "vpc-1"}\n  ]\n}\n');
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain(`${path.join(dir, VPCS_US)}: not valid JSON: Expected ':' after property name in JSON at line 3 column 14`);
    expect(error.message).toContain(`regenerate it with \`aws ec2 describe-vpcs --region us-east-1 --output json > ${path.join(dir, VPCS_US)}\``);
    expect(error.message).not.toContain('\n');
  });

  test('truncated JSON says the file ends early', async () => {
    // GIVEN the first 500 bytes of a real describe-vpcs output
    const dir = await copyOf(ESTATE);
    const full = await readFile(path.join(dir, VPCS_US), 'utf8');
    await writeJsonText(dir, VPCS_US, full.slice(0, 500));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain(`${path.join(dir, VPCS_US)}: not valid JSON: the file ends in the middle of the JSON (truncated?)`);
  });

  test('an empty role file (failed `aws iam get-role` redirected) says so', async () => {
    // GIVEN an empty iam-get-role.json
    const dir = await copyOf(ESTATE);
    await writeJsonText(dir, 'iam-get-role.json', '');
    // WHEN loaded
    const error = await loadError(dir);
    // THEN it suggests regenerating or deleting the file
    expect(error.message).toContain('iam-get-role.json: the file is empty');
    expect(error.message).toContain('aws iam get-role --role-name flowfix-vpc-flow-logs --output json');
    expect(error.message).toContain('or delete the file if the role does not exist');
  });

  test('Vpcs not an array', async () => {
    // GIVEN Vpcs as an object
    const dir = await copyOf(ESTATE);
    await writeJsonText(dir, VPCS_US, '{"Vpcs": {"VpcId": "vpc-1"}}');
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain(`${path.join(dir, VPCS_US)}: Vpcs: expected array, got object — regenerate it with`);
  });

  test('a missing VpcId and a wrong OwnerId type are reported together', async () => {
    // GIVEN the third VPC without VpcId and the first with a numeric OwnerId
    const dir = await copyOf(ESTATE);
    const vpcs = await readJson(dir, VPCS_US);
    const list = vpcs.Vpcs as Record<string, unknown>[];
    delete list[2]?.VpcId;
    (list[0] as Record<string, unknown>).OwnerId = 123456789012;
    await writeJsonText(dir, VPCS_US, JSON.stringify(vpcs));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN both problems are in the one line, with their JSON paths
    expect(error.message).toContain(
      `${path.join(dir, VPCS_US)}: Vpcs[0].OwnerId: expected string, got number 123456789012; Vpcs[2].VpcId: expected string, but it is missing`,
    );
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.issues).toHaveLength(2);
  });

  test('a bad TrafficType value and a subnet flow log without one', async () => {
    // GIVEN two broken flow logs
    const dir = await copyOf(ESTATE);
    const file = 'regions/eu-west-1/ec2-describe-flow-logs.json';
    const flowLogs = await readJson(dir, file);
    const list = flowLogs.FlowLogs as Record<string, unknown>[];
    (list[0] as Record<string, unknown>).TrafficType = 'all';
    delete list[1]?.TrafficType;
    await writeJsonText(dir, file, JSON.stringify(flowLogs));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain('FlowLogs[0].TrafficType: expected one of ACCEPT | REJECT | ALL, got "all"');
    expect(error.message).toContain(
      'FlowLogs[1].TrafficType: expected one of ACCEPT | REJECT | ALL, but it is missing (required for subnet-0ab5ea3e31c8016f8)',
    );
  });

  test('problems in several files are all reported', async () => {
    // GIVEN a missing subnets file in one region and a bad log-groups file in the other
    const dir = await copyOf(ESTATE);
    await rm(path.join(dir, 'regions/eu-west-1/ec2-describe-subnets.json'));
    await writeJsonText(dir, 'regions/us-east-1/logs-describe-log-groups.json', '{"logGroups": [{"retentionInDays": "30"}]}');
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toMatch(/^2 snapshot files have problems: /);
    expect(error.message).toContain('regions/eu-west-1/ec2-describe-subnets.json: required file is missing');
    expect(error.message).toContain(
      'regions/us-east-1/logs-describe-log-groups.json: logGroups[0].logGroupName: expected string, but it is missing; logGroups[0].retentionInDays: expected number, got string "30"',
    );
    expect(error.message).not.toContain('\n');
  });

  test('a requested region without a directory is named with the available ones', async () => {
    // GIVEN settings asking for a region the snapshot lacks
    const settings: Settings = { ...DEFAULT_SETTINGS, regions: ['us-east-1', 'ap-south-1'] };
    // WHEN loaded
    const error = await loadError(ESTATE, settings);
    // THEN
    expect(error.message).toContain(`${path.join(ESTATE, 'regions')}: has no data for requested region ap-south-1 (available: eu-west-1, us-east-1)`);
    expect(error.message).toContain('drop it from --regions');
  });

  test('a role file for another role name is refused', async () => {
    // GIVEN settings for a different role name than the snapshot holds
    const settings: Settings = { ...DEFAULT_SETTINGS, roleName: 'custom-delivery-role' };
    // WHEN loaded
    const error = await loadError(ESTATE, settings);
    // THEN
    expect(error.message).toContain(
      'iam-get-role.json: Role.RoleName: the snapshot holds role "flowfix-vpc-flow-logs" but flowfix is configured for "custom-delivery-role"',
    );
  });

  test('subnets captured in the wrong region are caught', async () => {
    // GIVEN us-east-1 subnets copied into eu-west-1
    const dir = await copyOf(ESTATE);
    await cp(path.join(dir, 'regions/us-east-1/ec2-describe-subnets.json'), path.join(dir, 'regions/eu-west-1/ec2-describe-subnets.json'));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain('Subnets[0].AvailabilityZone: "us-east-1a" is not in eu-west-1');
    expect(error.message).toContain('aws ec2 describe-subnets --region eu-west-1');
  });

  test('a directory under regions/ that is not a region name', async () => {
    // GIVEN a stray directory
    const dir = await copyOf(COMPLIANT);
    await mkdir(path.join(dir, 'regions/backup'));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain('"backup" is not an AWS region name');
  });

  test('an undecodable policy string names its path', async () => {
    // GIVEN a trust policy that is neither JSON nor URL-encoded JSON
    const dir = await copyOf(ESTATE);
    const role = await readJson(dir, 'iam-get-role.json');
    (role.Role as Record<string, unknown>).AssumeRolePolicyDocument = '%7B%22Version';
    await writeJsonText(dir, 'iam-get-role.json', JSON.stringify(role));
    // WHEN loaded
    const error = await loadError(dir);
    // THEN
    expect(error.message).toContain('iam-get-role.json: Role.AssumeRolePolicyDocument: a policy document string must be URL-encoded JSON');
  });
});
