// Live and offline must read an account the same way: one estate on the stateful fake is read live
// (collectInventory over createAwsClients) and dumped as AWS CLI JSON, then read back as a snapshot.
// Every case where the two paths once drifted apart is in the estate.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_SETTINGS, MANAGED_BY_TAG, type Settings } from '../../src/config/settings.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegion, roleOf, type Inventory } from '../../src/inventory/types.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { errorsOf } from '../../src/report/plan-report.js';
import { openSnapshot } from '../../src/snapshot/snapshot-clients.js';
import { assessInventory } from '../../src/workflow/assess.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { testAwsClients } from '../helpers/mock-aws-sdk.js';
import { writeSnapshotOf } from '../helpers/snapshot-dump.js';

const US = 'us-east-1';
const EU = 'eu-west-1';
const OTHER_ACCOUNT = '999999999999';
const OWN_GROUP = '/flowfix/vpc-flow-logs';
const settings: Settings = { ...DEFAULT_SETTINGS };
const TGW = 'tgw-0a1b2c3d4e5f60718';

function seedEstate(fake: FakeAws): void {
  const account = fake.accountId;
  // us-east-1: a flow log known only by a log group ARN with `:*`, ACCEPT-only, FAILED, a transit gateway.
  const core = fake.addVpc(US, { name: 'core' });
  fake.addSubnet(US, core, { name: 'core-a' });
  fake.addFlowLog(US, { resourceId: core, trafficType: 'ALL', destination: `arn:aws:logs:${US}:${account}:log-group:/team/flows:*` });
  fake.addLogGroup(US, '/team/flows', { retentionInDays: 7 });
  const staging = fake.addVpc(US, { name: 'staging' });
  fake.addFlowLog(US, { resourceId: staging, trafficType: 'ACCEPT', destinationType: 's3', destination: 'arn:aws:s3:::logs/staging/' });
  const analytics = fake.addVpc(US, { name: 'analytics', isDefault: true });
  fake.addFlowLog(US, {
    resourceId: analytics,
    trafficType: 'ALL',
    deliverLogsStatus: 'FAILED',
    deliverLogsErrorMessage: 'Access error',
    logGroupName: '/vpc/analytics',
    tags: { Name: 'analytics-all' },
  });
  const tgwLog = fake.addFlowLog(US, { resourceId: TGW, destinationType: 's3', destination: 'arn:aws:s3:::logs/tgw/' });
  fake.updateFlowLogs(US, (flowLog) => {
    if (flowLog.FlowLogId === tgwLog) delete flowLog.TrafficType; // AWS sends none for transit gateways
  });

  // eu-west-1: a shared VPC with a shared subnet, subnet-level REJECT flow logs, an ENI flow log.
  const shared = fake.addVpc(EU, { ownerId: OTHER_ACCOUNT });
  fake.addSubnet(EU, shared);
  const payments = fake.addVpc(EU, { name: 'payments' });
  for (const name of ['pay-a', 'pay-b']) {
    const subnet = fake.addSubnet(EU, payments, { name });
    fake.addFlowLog(EU, { resourceId: subnet, trafficType: 'REJECT', destinationType: 's3', destination: 'arn:aws:s3:::logs/pay/' });
  }
  fake.addFlowLog(EU, { resourceId: 'eni-00ba41d234814c0ef', trafficType: 'ALL', destinationType: 's3' });
  fake.addVpc(EU, { name: 'bare' });

  // global: the delivery role, hand-made, with an inline policy flowfix will replace.
  fake.addRole(
    DEFAULT_SETTINGS.roleName,
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    { 'flowfix-publish-flow-logs': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] } },
    { Owner: 'platform-team' },
  );
}

describe('a snapshot of an account reads exactly like the account', () => {
  let fake: FakeAws;
  let dir: string;
  let live: Inventory;
  let offline: Inventory;

  beforeAll(async () => {
    fake = new FakeAws().install();
    seedEstate(fake);
    const clients = await testAwsClients({ homeRegion: US });
    // An apply that stopped after CreateLogGroup: flowfix's group, tagged, without retention.
    await clients.logs(EU).createLogGroup({ logGroupName: OWN_GROUP, tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } });

    live = await collectInventory(clients, settings);
    dir = await mkdtemp(path.join(os.tmpdir(), 'flowfix-parity-'));
    await writeSnapshotOf(dir, { homeRegion: US, roleName: settings.roleName, logGroupName: OWN_GROUP });
    offline = await collectInventory(await openSnapshot(dir, settings), settings);
  });

  afterAll(async () => {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  test('the estate holds every case the two readers once disagreed on', () => {
    const us = readRegion(live, US);
    const eu = readRegion(live, EU);
    expect(errorsOf(live)).toEqual([]);
    expect(us?.flowLogs.map((flowLog) => flowLog.resourceId)).not.toContain(TGW);
    expect(us?.flowLogs.find((flowLog) => flowLog.destination?.endsWith('/team/flows:*'))?.logGroupName).toBe('/team/flows');
    expect(us?.flowLogs.map((flowLog) => flowLog.trafficType).sort()).toEqual(['ACCEPT', 'ALL', 'ALL']);
    expect(us?.flowLogs.map((flowLog) => flowLog.deliverLogsStatus)).toContain('FAILED');
    expect(eu?.subnets.filter((subnet) => subnet.ownerId === OTHER_ACCOUNT)).toHaveLength(1);
    expect(eu?.logGroups[OWN_GROUP]).toMatchObject({ tags: { [MANAGED_BY_TAG.key]: MANAGED_BY_TAG.value } });
    expect(eu?.logGroups[OWN_GROUP]?.retentionInDays).toBeUndefined();
    expect(Object.keys(roleOf(live)?.inlinePolicies ?? {})).toEqual(['flowfix-publish-flow-logs']);
  });

  test('the inventories are identical', () => {
    expect(offline).toStrictEqual(live);
  });

  test('the plan reports are identical', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    const templates = loadPolicyTemplates();
    const liveReport = assessInventory(live, settings, templates, now).report;
    expect(assessInventory(offline, settings, templates, now).report).toStrictEqual(liveReport);
    // The unfinished group is finished (retention set), not created again.
    const actions = liveReport.plan.actions.filter((action) => action.region === EU).map((action) => action.kind);
    expect(actions).toContain('put-retention-policy');
    expect(actions).not.toContain('create-log-group');
  });
});
