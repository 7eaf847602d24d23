// applyPlan carrying out a replacement (missing-fields) over the in-memory AWS: the old flow log is deleted
// only where its replacement was created and then read back with the fields; a failed create or check
// keeps it, per flow log, while the others go ahead.
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyReport } from '../../src/apply/types.js';
import type { Settings } from '../../src/config/settings.js';
import { DEFAULT_LOG_FORMAT } from '../../src/facts/flow-log-format.js';
import type { FlowLogFacts, VpcFacts } from '../../src/facts/resources.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { renderPublishPolicy } from '../../src/policy/publish-policy.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { assessInventory } from '../../src/workflow/assess.js';
import { ACCOUNT, role, settings } from '../helpers/builders.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { awsError, MemoryAws } from '../helpers/memory-aws.js';

const VPC_A = 'vpc-0a000001';
const VPC_B = 'vpc-0a000002';
const GROUP = '/flowfix/vpc-flow-logs';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`;
const FORMAT = `${DEFAULT_LOG_FORMAT} \${tcp-flags}`;
const REQUIRE: Settings = settings({ requireFields: ['tcp-flags'], logFormat: FORMAT });
const templates = loadPolicyTemplates();

const vpc = (vpcId: string): VpcFacts => ({ vpcId, ownerId: ACCOUNT, isDefault: false });
const flowfixs = (flowLogId: string, resourceId: string): FlowLogFacts => ({
  flowLogId,
  resourceId,
  status: 'ACTIVE',
  trafficType: 'REJECT',
  deliverLogsStatus: 'SUCCESS',
  destinationType: 'cloud-watch-logs',
  logGroupName: GROUP,
  deliverLogsPermissionArn: ROLE_ARN,
  tags: { ManagedBy: 'flowfix' },
});

/** Two VPCs, each with a flow log flowfix made in AWS's default format; role, policy and group in place. */
const estate = () =>
  new MemoryAws({
    regions: {
      'us-east-1': {
        vpcs: [vpc(VPC_A), vpc(VPC_B)],
        flowLogs: [flowfixs('fl-0000000000000000a', VPC_A), flowfixs('fl-0000000000000000b', VPC_B)],
        logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365, tags: { ManagedBy: 'flowfix' } } },
      },
    },
    role: role({
      inlinePolicies: { 'flowfix-publish-flow-logs': renderPublishPolicy(templates.publish, { Partition: 'aws', AccountId: ACCOUNT }, [GROUP]) },
      tags: { ManagedBy: 'flowfix' },
    }),
  });

async function planAndApply(aws: MemoryAws, before: () => void = () => {}, dryRun = false): Promise<ApplyReport> {
  const { plan } = assessInventory(await collectInventory(aws, REQUIRE), REQUIRE, templates, new Date(0));
  expect(plan.actions.map((a) => a.kind)).toEqual(['create-flow-logs', 'check-flow-logs', 'delete-flow-logs']);
  const live = await collectInventory(aws, REQUIRE);
  before();
  return applyPlan(plan, { clients: aws, live, dryRun, clock: new FakeClock() });
}

const statusOf = (report: ApplyReport) => report.outcomes.map((o) => `${o.kind} ${o.resourceId} ${o.status}`);
const flowLogsNow = (aws: MemoryAws) => aws.regions['us-east-1']!.flowLogs.map((f) => `${f.resourceId} ${f.logFormat ?? 'default'}`).sort();

describe('applyPlan: replacing flowfix flow logs that lack required fields', () => {
  test('GIVEN both replacements are created WHEN applied THEN each is checked, then both old flow logs are deleted', async () => {
    const aws = estate();
    const report = await planAndApply(aws);
    expect(statusOf(report)).toEqual([
      `create-flow-logs ${VPC_A} applied`,
      `create-flow-logs ${VPC_B} applied`,
      'check-flow-logs fl-0000000000000000a applied',
      'check-flow-logs fl-0000000000000000b applied',
      'delete-flow-logs fl-0000000000000000a deleted',
      'delete-flow-logs fl-0000000000000000b deleted',
    ]);
    expect(flowLogsNow(aws)).toEqual([`${VPC_A} ${FORMAT}`, `${VPC_B} ${FORMAT}`]);
  });

  test("GIVEN CreateFlowLogs refuses one VPC THEN that VPC's check fails and its old flow log is kept; the other is replaced", async () => {
    const aws = estate().rejectResource('us-east-1', VPC_B, 'InvalidParameter', 'refused for the test');
    const report = await planAndApply(aws);
    expect(statusOf(report)).toEqual([
      `create-flow-logs ${VPC_A} applied`,
      `create-flow-logs ${VPC_B} failed`,
      'check-flow-logs fl-0000000000000000a applied',
      'check-flow-logs fl-0000000000000000b failed',
      // The stopped one is settled first, then the rest are sent.
      'delete-flow-logs fl-0000000000000000b skipped',
      'delete-flow-logs fl-0000000000000000a deleted',
    ]);
    const check = report.outcomes.find((o) => o.kind === 'check-flow-logs' && o.status === 'failed');
    expect(check).toMatchObject({
      code: 'ReplacementNotFound',
      message: expect.stringContaining('fl-0000000000000000b is kept, so the resource stays logged'),
    });
    expect(report.outcomes.find((o) => o.kind === 'delete-flow-logs' && o.status === 'skipped')!.detail).toMatch(
      /replacement could not be shown in place, so fl-0000000000000000b is kept/,
    );
    expect(aws.callsOf('DeleteFlowLogs').map((c) => c.input.FlowLogIds)).toEqual([['fl-0000000000000000a']]);
    expect(flowLogsNow(aws)).toEqual([`${VPC_A} ${FORMAT}`, `${VPC_B} default`]);
  });

  test('GIVEN the check cannot read the flow logs THEN nothing is deleted: both old flow logs stay beside their replacements', async () => {
    const aws = estate();
    const report = await planAndApply(aws, () => aws.fail('DescribeFlowLogs', awsError('UnauthorizedOperation', 'You are not authorized'), { times: 1 }));
    expect(statusOf(report).filter((s) => !s.startsWith('create'))).toEqual([
      'check-flow-logs fl-0000000000000000a failed',
      'check-flow-logs fl-0000000000000000b failed',
      'delete-flow-logs fl-0000000000000000a skipped',
      'delete-flow-logs fl-0000000000000000b skipped',
    ]);
    expect(aws.callsOf('DeleteFlowLogs')).toEqual([]);
    expect(flowLogsNow(aws)).toHaveLength(4);
  });

  test('GIVEN a dry run THEN the three calls are only shown; nothing is created or deleted', async () => {
    const aws = estate();
    const report = await planAndApply(aws, () => {}, true);
    expect(new Set(report.outcomes.map((o) => o.status))).toEqual(new Set(['dry-run']));
    expect(report.dryRunCalls.map((c) => c.call)).toEqual(['ec2:CreateFlowLogs', 'ec2:DescribeFlowLogs', 'ec2:DeleteFlowLogs']);
    expect(aws.callsOf('DeleteFlowLogs')).toEqual([]);
    expect(flowLogsNow(aws)).toEqual([`${VPC_A} default`, `${VPC_B} default`]);
  });
});
