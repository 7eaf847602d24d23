// The snapshot as AwsClients: what it adds to the files (log group tags), what it refuses (writes), and
// the one field the live mapper needs that hand-written snapshots used to leave out (subnet OwnerId).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { AwsClients } from '../../src/aws/api.js';
import { DEFAULT_SETTINGS, MANAGED_BY_TAG } from '../../src/config/settings.js';
import { FlowfixError } from '../../src/errors.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegions, type Inventory } from '../../src/inventory/types.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { logGroupTagsFile } from '../../src/snapshot/read-snapshot.js';
import { openSnapshot } from '../../src/snapshot/snapshot-clients.js';
import { SnapshotError } from '../../src/snapshot/snapshot-error.js';
import { assessInventory } from '../../src/workflow/assess.js';

const COMPLIANT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples/compliant');
const REGION = 'regions/eu-central-1';
const OWN_GROUP = '/flowfix/vpc-flow-logs';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'flowfix-snapshot-clients-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyOfCompliant(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(COMPLIANT, dir, { recursive: true });
  return dir;
}

async function editJson(file: string, edit: (json: any) => void): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8'));
  edit(json);
  await writeFile(file, JSON.stringify(json));
}

const load = async (dir: string): Promise<Inventory> => collectInventory(await openSnapshot(dir, DEFAULT_SETTINGS), DEFAULT_SETTINGS);

/** The compliant example after an apply that stopped before PutRetentionPolicy: its group keeps no retention. */
async function withoutRetention(name: string): Promise<string> {
  const dir = await copyOfCompliant(name);
  await editJson(path.join(dir, REGION, 'logs-describe-log-groups.json'), (json) => {
    for (const group of json.logGroups) if (group.logGroupName === OWN_GROUP) delete group.retentionInDays;
  });
  return dir;
}

describe('log group tags from logs-list-tags-<name>.json', () => {
  test('GIVEN flowfix group without retention, tagged ManagedBy=flowfix THEN it is read as unfinished and the plan finishes it', async () => {
    const dir = await withoutRetention('unfinished');
    expect(logGroupTagsFile(OWN_GROUP)).toBe('logs-list-tags-%2Fflowfix%2Fvpc-flow-logs.json');
    await writeFile(path.join(dir, REGION, logGroupTagsFile(OWN_GROUP)), JSON.stringify({ tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } }));

    const inventory = await load(dir);

    expect(readRegions(inventory)[0]?.logGroups[OWN_GROUP]?.tags).toEqual({ [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value });
    const plan = assessInventory(inventory, DEFAULT_SETTINGS, loadPolicyTemplates(), new Date('2025-06-01T00:00:00Z')).plan;
    expect(plan.actions.map((action) => [action.kind, action.region])).toEqual([['put-retention-policy', 'eu-central-1']]);
  });

  test('GIVEN no tags file THEN the tags are unknown and the never-expire group is left alone', async () => {
    const dir = await withoutRetention('no-tags-file');

    const inventory = await load(dir);

    expect(readRegions(inventory)[0]?.logGroups[OWN_GROUP]?.tags).toEqual({});
    const plan = assessInventory(inventory, DEFAULT_SETTINGS, loadPolicyTemplates(), new Date('2025-06-01T00:00:00Z')).plan;
    expect(plan.actions).toEqual([]);
  });

  test('GIVEN a malformed tags file THEN it is named with the command that regenerates it', async () => {
    const dir = await withoutRetention('bad-tags');
    await writeFile(path.join(dir, REGION, logGroupTagsFile(OWN_GROUP)), JSON.stringify({ tags: { ManagedBy: 7 } }));

    const error = await load(dir).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toContain(
      `${path.join(dir, REGION, logGroupTagsFile(OWN_GROUP))}: tags.ManagedBy: expected string, got number 7 — regenerate it with \`aws logs list-tags-for-resource --region eu-central-1 --resource-arn arn:aws:logs:eu-central-1:123456789012:log-group:${OWN_GROUP} --output json`,
    );
  });
});

describe('a snapshot is read-only', () => {
  test.each([
    ['ec2:CreateFlowLogs', (clients: AwsClients) => clients.ec2('eu-central-1').createFlowLogs({ ResourceIds: ['vpc-1'], ResourceType: 'VPC' })],
    ['logs:CreateLogGroup', (clients: AwsClients) => clients.logs('eu-central-1').createLogGroup({ logGroupName: OWN_GROUP })],
    ['logs:PutRetentionPolicy', (clients: AwsClients) => clients.logs('eu-central-1').putRetentionPolicy({ logGroupName: OWN_GROUP, retentionInDays: 365 })],
    ['iam:CreateRole', (clients: AwsClients) => clients.iam().createRole({ RoleName: 'r', AssumeRolePolicyDocument: '{}' })],
    ['iam:PutRolePolicy', (clients: AwsClients) => clients.iam().putRolePolicy({ RoleName: 'r', PolicyName: 'p', PolicyDocument: '{}' })],
  ])('GIVEN %s THEN it throws a FlowfixError saying so', async (action, write) => {
    const clients = await openSnapshot(COMPLIANT, DEFAULT_SETTINGS);

    const error = await write(clients).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(error).toBeInstanceOf(FlowfixError);
    expect(error).toMatchObject({ code: 'SnapshotReadOnly', message: `${action}: a snapshot is read-only, flowfix cannot change it` });
  });
});

describe('the snapshot serves what the files hold', () => {
  test('GIVEN the compliant example THEN regions, identity and the absent role come from the files', async () => {
    const clients = await openSnapshot(COMPLIANT, DEFAULT_SETTINGS);

    expect(await clients.listEnabledRegions()).toEqual({ enabled: ['eu-central-1'], disabled: [] });
    expect(await clients.callerIdentity()).toMatchObject({ accountId: '123456789012' });
    expect(clients.homeRegion).toBe('us-east-1');
    expect(await clients.iam().getRole(DEFAULT_SETTINGS.roleName)).toBeNull();
  });

  test('GIVEN a subnet without OwnerId THEN it is refused (AWS always prints it; without it the subnet would look shared)', async () => {
    const dir = await copyOfCompliant('no-subnet-owner');
    await editJson(path.join(dir, REGION, 'ec2-describe-subnets.json'), (json) => delete json.Subnets[1].OwnerId);

    const error = await load(dir).catch((err: unknown) => err);

    expect((error as Error).message).toContain('Subnets[1].OwnerId: expected string, but it is missing');
  });
});
