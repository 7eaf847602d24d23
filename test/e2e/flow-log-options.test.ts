// Flow-log options end to end, over the stateful fake: --log-format, --max-aggregation-interval and the
// S3 DestinationOptions reach CreateFlowLogs, DescribeFlowLogs shows them on the created flow logs, a
// second run plans nothing, and a saved plan is applied only with the options it was made with.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const FORMAT = '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${tcp-flags} ${action} ${reject-reason} ${encryption-status}';
let dir: string;
const run = (argv: string[]) => runFlowfix(argv, { env: ENV, cwd: dir });

let fake: FakeAws;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flowfix-options-'));
  fake = new FakeAws().install();
});
afterEach(async () => {
  fake.restore();
  await rm(dir, { recursive: true, force: true });
});

describe('flow-log options', () => {
  test('GIVEN --log-format and --max-aggregation-interval 60 WHEN apply --yes THEN the flow log has them, and a second run plans nothing', async () => {
    const vpc = fake.addVpc('us-east-1');
    const applied = await run(['apply', '--yes', '--regions', 'us-east-1', '--log-format', FORMAT, '--max-aggregation-interval', '60']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(fake.flowLogs('us-east-1')).toEqual([expect.objectContaining({ ResourceId: vpc, LogFormat: FORMAT, MaxAggregationInterval: 60 })]);

    const again = await run(['plan', '--format', 'json', '--regions', 'us-east-1', '--log-format', FORMAT, '--max-aggregation-interval', '60']);
    expect(JSON.parse(again.stdout).plan.actions).toEqual([]);
  });

  test('GIVEN no options WHEN apply THEN AWS reports its default format and 600 seconds, and CreateFlowLogs carried neither', async () => {
    fake.addVpc('us-east-1');
    expect((await run(['apply', '--yes', '--regions', 'us-east-1'])).code).toBe(0);
    const create = fake.mutatingCalls().find((c) => c.operation === 'CreateFlowLogs');
    expect(create?.input).not.toHaveProperty('LogFormat');
    expect(create?.input).not.toHaveProperty('MaxAggregationInterval');
    expect(fake.flowLogs('us-east-1')[0]).toMatchObject({
      MaxAggregationInterval: 600,
      LogFormat:
        '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
    });
  });

  test('GIVEN an S3 destination with --file-format parquet --hive-compatible-partitions --per-hour-partition WHEN apply THEN DestinationOptions are stored; the JSON report lists the settings', async () => {
    fake.addVpc('us-east-1');
    fake.addBucket('acme-logs');
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'acme-logs' });
    const flags = [
      '--regions',
      'us-east-1',
      '--destination',
      's3://acme-logs/vpc',
      '--file-format',
      'parquet',
      '--hive-compatible-partitions',
      '--per-hour-partition',
    ];
    const planned = JSON.parse((await run(['plan', '--format', 'json', ...flags])).stdout);
    expect(planned.settings).toMatchObject({ fileFormat: 'parquet', hiveCompatiblePartitions: true, perHourPartition: true });
    expect(planned.plan.actions[0].input.DestinationOptions).toEqual({ FileFormat: 'parquet', HiveCompatiblePartitions: true, PerHourPartition: true });

    expect((await run(['apply', '--yes', ...flags])).code).toBe(0);
    expect(fake.flowLogs('us-east-1')[0]?.DestinationOptions).toEqual({ FileFormat: 'parquet', HiveCompatiblePartitions: true, PerHourPartition: true });
    expect(JSON.parse((await run(['plan', '--format', 'json', ...flags])).stdout).plan.actions).toEqual([]);
  });

  test('GIVEN a saved plan made with --log-format WHEN applied with another --log-format or interval THEN refused before any write; as saved it creates the format', async () => {
    fake.addVpc('us-east-1');
    const file = path.join(dir, 'plan.json');
    expect((await run(['plan', '--regions', 'us-east-1', '--log-format', FORMAT, '--out', file])).code).toBe(2);
    expect(JSON.parse(await readFile(file, 'utf8')).settings.logFormat).toBe(FORMAT);

    const other = await run(['apply', file, '--yes', '--log-format', '${version} ${srcaddr}']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--log-format differs from the settings saved in/);
    const interval = await run(['apply', file, '--yes', '--max-aggregation-interval', '60']);
    expect(interval.stderr).toMatch(/--max-aggregation-interval differs from the settings saved in/);
    // The CreateFlowLogs input itself is checked too: one whose LogFormat was edited is refused.
    const saved = JSON.parse(await readFile(file, 'utf8'));
    saved.actions.find((a: { kind: string }) => a.kind === 'create-flow-logs').input.LogFormat = '${version}';
    await writeFile(path.join(dir, 'edited.json'), JSON.stringify(saved));
    const edited = await run(['apply', path.join(dir, 'edited.json'), '--yes']);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/create-flow-logs-us-east-1: LogFormat "\$\{version\}"/);
    expect(fake.mutatingCalls()).toEqual([]);

    expect((await run(['apply', file, '--yes'])).code).toBe(0);
    expect(fake.flowLogs('us-east-1')[0]?.LogFormat).toBe(FORMAT);
  });

  test('GIVEN an unknown field, an interval of 300, or --file-format with CloudWatch Logs THEN one line names it, nothing is sent', async () => {
    fake.addVpc('us-east-1');
    const unknown = await run(['plan', '--regions', 'us-east-1', '--log-format', '${version} ${srcadr}']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--log-format: has unknown field \$\{srcadr\}/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    const interval = await run(['plan', '--regions', 'us-east-1', '--max-aggregation-interval', '300']);
    expect(interval.stderr).toMatch(/--max-aggregation-interval: must be 60 or 600/);
    const s3Only = await run(['plan', '--regions', 'us-east-1', '--file-format', 'parquet']);
    expect(s3Only.code).toBe(1);
    expect(s3Only.stderr).toMatch(/--file-format applies to an S3 destination only/);
    expect(fake.calls.length).toBe(0);
  });
});

describe('--require-fields', () => {
  test("GIVEN a user's counting flow log in the default format and one with the fields WHEN plan --require-fields THEN only the first is a missing-fields finding, not remediable (not flowfix's), and nothing is planned for it", async () => {
    const plain = fake.addVpc('us-east-1');
    const rich = fake.addVpc('us-east-1');
    fake.addFlowLog('us-east-1', { resourceId: plain, logGroupName: '/team/flow-logs' });
    expect((await run(['apply', '--yes', '--regions', 'us-east-1', '--log-format', FORMAT])).code).toBe(0);
    const report = JSON.parse((await run(['plan', '--format', 'json', '--regions', 'us-east-1', '--require-fields', 'pkt-srcaddr,tcp-flags'])).stdout);
    const missing = report.findings.filter((f: { kind: string }) => f.kind === 'missing-fields');
    expect(missing).toEqual([
      expect.objectContaining({
        resourceId: plain,
        remediable: false,
        severity: 'medium',
        reason: expect.stringMatching(/does not record pkt-srcaddr, tcp-flags/),
      }),
    ]);
    expect(report.plan.actions).toEqual([]);
  });

  test('GIVEN --require-fields with an unknown field THEN refused by name before any call', async () => {
    const refused = await run(['plan', '--regions', 'us-east-1', '--require-fields', 'pkt-srcaddr,tcp-flag']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/"tcp-flag" is not a flow log field/);
    expect(fake.calls.length).toBe(0);
  });
});
