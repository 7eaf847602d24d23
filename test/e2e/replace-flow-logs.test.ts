// --require-fields end to end, over the stateful fake: flowfix's own flow logs lacking the fields are
// replaced (CreateFlowLogs, then DescribeFlowLogs to check the new one, then DeleteFlowLogs of the old one),
// never leaving the VPC unlogged; dry run, saved plans, rollback and a second run behave; an endpoint that
// refuses a second flow log to the same destination leaves the old one in place.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_LOG_FORMAT } from '../../src/facts/flow-log-format.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const REQUIRE = ['--regions', 'us-east-1', '--require-fields', 'tcp-flags,pkt-srcaddr'];
const NEW_FORMAT = `${DEFAULT_LOG_FORMAT} \${tcp-flags} \${pkt-srcaddr}`;
let dir: string;
let fake: FakeAws;
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-replace-'));
  fake = new FakeAws().install();
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

/** A VPC with a flow log flowfix created in AWS's default format; returns the VPC and that flow log's id. */
async function flowfixFlowLogWithoutFields() {
  const vpc = fake.addVpc('us-east-1');
  expect((await run(['apply', '--yes', '--regions', 'us-east-1'])).code).toBe(0);
  const [old] = fake.flowLogs('us-east-1');
  expect(old?.LogFormat).toBe(DEFAULT_LOG_FORMAT);
  return { vpc, oldId: old!.FlowLogId! };
}

describe('replacing flowfix flow logs that lack required fields', () => {
  test('GIVEN flowfix made a flow log without the fields WHEN apply --require-fields --yes THEN create, check, delete in that order; the VPC ends with one flow log with the fields; a second run plans nothing', async () => {
    const { vpc, oldId } = await flowfixFlowLogWithoutFields();
    const before = fake.calls.length;

    const planned = JSON.parse((await run(['plan', '--format', 'json', ...REQUIRE])).stdout);
    expect(planned.findings).toEqual([expect.objectContaining({ kind: 'missing-fields', resourceId: vpc, remediable: true, flowLogIds: [oldId] })]);
    expect(planned.plan.actions.map((a: { operation: string }) => a.operation)).toEqual(['CreateFlowLogs', 'DescribeFlowLogs', 'DeleteFlowLogs']);

    const applied = await run(['apply', '--yes', ...REQUIRE]);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const flowLogs = fake.flowLogs('us-east-1');
    expect(flowLogs).toEqual([expect.objectContaining({ ResourceId: vpc, LogFormat: NEW_FORMAT, FlowLogStatus: 'ACTIVE', TrafficType: 'REJECT' })]);
    expect(flowLogs[0]!.FlowLogId).not.toBe(oldId);
    // The old one goes only after the new one exists and was read back.
    const sequence = fake.calls
      .slice(before)
      .map((c) => c.operation)
      .filter((op) => ['CreateFlowLogs', 'DescribeFlowLogs', 'DeleteFlowLogs'].includes(op));
    const created = sequence.lastIndexOf('CreateFlowLogs');
    expect(sequence.indexOf('DescribeFlowLogs', created)).toBeGreaterThan(created);
    expect(sequence.lastIndexOf('DeleteFlowLogs')).toBeGreaterThan(sequence.indexOf('DescribeFlowLogs', created));
    expect(fake.mutatingCalls().find((c) => c.operation === 'DeleteFlowLogs')?.input).toMatchObject({ FlowLogIds: [oldId] });

    const again = JSON.parse((await run(['plan', '--format', 'json', ...REQUIRE])).stdout);
    expect(again.findings).toEqual([]);
    expect(again.plan.actions).toEqual([]);
  });

  test('GIVEN the same WHEN apply --dry-run THEN each call is shown, nothing is sent, and the old flow log stays', async () => {
    const { oldId } = await flowfixFlowLogWithoutFields();
    const mutationsBefore = fake.mutatingCalls().length;
    const dry = await run(['apply', '--dry-run', '--format', 'json', ...REQUIRE]);
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout);
    expect(report.outcomes.map((o: { kind: string; status: string }) => `${o.kind}:${o.status}`)).toEqual([
      'create-flow-logs:dry-run',
      'check-flow-logs:dry-run',
      'delete-flow-logs:dry-run',
    ]);
    expect(fake.mutatingCalls().length).toBe(mutationsBefore);
    expect(fake.flowLogs('us-east-1').map((f) => f.FlowLogId)).toEqual([oldId]);
  });

  test('GIVEN a saved plan with the replacement WHEN apply FILE --yes THEN it is carried out; with another --require-fields it is refused before any write', async () => {
    const { vpc, oldId } = await flowfixFlowLogWithoutFields();
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', ...REQUIRE, '--out', file])).code).toBe(2);

    const conflicting = await run(['apply', file, '--yes', '--require-fields', 'tcp-flags']);
    expect(conflicting.code).toBe(1);
    expect(conflicting.stderr).toMatch(/--require-fields differs from the settings saved in/);
    expect(fake.flowLogs('us-east-1').map((f) => f.FlowLogId)).toEqual([oldId]);

    const applied = await run(['apply', file, '--yes']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(fake.flowLogs('us-east-1')).toEqual([expect.objectContaining({ ResourceId: vpc, LogFormat: NEW_FORMAT })]);
  });

  test("GIVEN the replacement was made WHEN rollback --yes THEN the new flow log (flowfix's) is deleted like any other", async () => {
    await flowfixFlowLogWithoutFields();
    expect((await run(['apply', '--yes', ...REQUIRE])).code).toBe(0);
    const [fresh] = fake.flowLogs('us-east-1');
    const rolledBack = await run(['rollback', '--yes', '--regions', 'us-east-1', '--format', 'json']);
    expect(rolledBack.code).toBe(0);
    expect(JSON.parse(rolledBack.stdout).accounts[0].actions[0].input.FlowLogIds).toEqual([fresh!.FlowLogId]);
    expect(fake.flowLogs('us-east-1')).toEqual([]);
  });

  test('GIVEN an endpoint that calls any second flow log to the same destination a duplicate WHEN apply THEN the create fails, the check finds no replacement, the old flow log is kept (the VPC stays logged), exit 1', async () => {
    const { oldId } = await flowfixFlowLogWithoutFields();
    fake.duplicateFlowLogsBy('destination');
    const applied = await run(['apply', '--yes', '--format', 'json', ...REQUIRE]);
    expect(applied.code).toBe(1);
    const outcomes = JSON.parse(applied.stdout).outcomes as { kind: string; status: string; message?: string; detail?: string }[];
    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'create-flow-logs',
        status: 'failed',
        message: expect.stringMatching(/AWS refuses a second flow log .* the old one is kept/),
      }),
      expect.objectContaining({ kind: 'check-flow-logs', status: 'failed', message: expect.stringContaining(`${oldId} is kept`) }),
      expect.objectContaining({ kind: 'delete-flow-logs', status: 'skipped', detail: expect.stringContaining('replacement could not be shown in place') }),
    ]);
    expect(fake.mutatingCalls().some((c) => c.operation === 'DeleteFlowLogs')).toBe(false);
    expect(fake.flowLogs('us-east-1').map((f) => f.FlowLogId)).toEqual([oldId]);
  });

  test('GIVEN --log-format without a required field THEN one line names what to add, nothing is sent', async () => {
    fake.addVpc('us-east-1');
    const refused = await run(['plan', ...REQUIRE, '--log-format', '${version} ${srcaddr} ${tcp-flags}']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--log-format does not record pkt-srcaddr, which --require-fields asks for; add \$\{pkt-srcaddr\} to it/);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.calls.length).toBe(0);
  });
});
