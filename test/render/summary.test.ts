import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { renderPlanSummary, renderVerdict } from '../../src/render/text.js';
import { ACCOUNT, flowLog, inventory, region, role, unreadable, vpcWithSubnets } from '../helpers/builders.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { reportOf } from '../helpers/reports.js';

const untrusted = role({ trustPolicy: { Version: '2012-10-17', Statement: [] } });
const lastLine = (text: string) => text.trimEnd().split('\n').pop();

describe('the line `flowfix plan` ends with: what it will do and the next step', () => {
  test('GIVEN 4 bare VPCs in 2 regions and no role THEN "4 flow logs, 2 log groups, 1 role to create; …to set" and the apply command', () => {
    const inv = inventory([
      region('us-east-1', { vpcs: ['vpc-00000001', 'vpc-00000002', 'vpc-00000003'].map((vpcId) => ({ vpcId, ownerId: ACCOUNT, isDefault: false })) }),
      region('eu-west-1', vpcWithSubnets('vpc-00000004', 2)),
    ]);
    expect(renderPlanSummary(reportOf(inv))).toBe(
      'Plan: 4 flow logs, 2 log groups, 1 role to create; 2 retention policies, 1 role policy to set. Run `flowfix apply` to carry it out.',
    );
  });

  test('GIVEN one of each THEN every noun is singular', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0))]);
    expect(renderPlanSummary(reportOf(inv), { nextStep: 'flowfix apply plan.json' })).toBe(
      'Plan: 1 flow log, 1 log group, 1 role to create; 1 retention policy, 1 role policy to set. Run `flowfix apply plan.json` to carry it out.',
    );
  });

  test('GIVEN only a short retention to raise THEN nothing to create, one to set', () => {
    const inv = inventory(
      [
        region('us-east-1', {
          ...vpcWithSubnets('vpc-00000001', 0),
          flowLogs: [flowLog('vpc-00000001', { logGroupName: '/team/logs' })],
          logGroups: { '/team/logs': { name: '/team/logs', retentionInDays: 30, tags: {} } },
        }),
      ],
      role({ inlinePolicies: {} }),
    );
    const report = reportOf(inv, { destination: { type: 's3', bucket: 'my-bucket', prefix: '' } });
    expect(renderPlanSummary(report)).toBe('Plan: 1 retention policy to set. Run `flowfix apply` to carry it out.');
  });

  test('GIVEN a compliant account THEN "No changes", in the words of the scope', () => {
    const inv = inventory([region('us-east-1', { ...vpcWithSubnets('vpc-00000001', 1), flowLogs: [flowLog('vpc-00000001')] })], role());
    expect(renderPlanSummary(reportOf(inv))).toBe('No changes: every VPC in scope has a working flow log.');
    expect(renderPlanSummary(reportOf(inv, { scope: 'subnet' }))).toBe('No changes: every subnet in scope has a working flow log.');
  });

  test('GIVEN a shared VPC only THEN still "No changes" (only its owner can act)', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0, '999999999999'))], role());
    expect(renderPlanSummary(reportOf(inv))).toBe('No changes: every VPC in scope has a working flow log.');
  });

  test('GIVEN an untrusted role that blocks every fix THEN no changes flowfix can make, and how many findings need the user', () => {
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0))], untrusted);
    const report = reportOf(inv);
    expect(report.plan.actions.filter((a) => a.kind === 'create-flow-logs')).toEqual([]);
    expect(renderPlanSummary({ ...report, plan: { ...report.plan, actions: [] } })).toBe(
      'No changes flowfix can make: 2 findings need your action (see above).',
    );
  });

  test('GIVEN regions that could not be read THEN the summary says so, whatever else it says', () => {
    const readable = region('us-east-1', vpcWithSubnets('vpc-00000001', 0));
    expect(renderPlanSummary(reportOf(inventory([readable, unreadable('eu-west-1')], role())))).toMatch(
      /^Plan: 1 flow log, 1 log group to create; .* Could not read eu-west-1: nothing there is in this plan; fix access and run again\.$/,
    );
    const compliant = region('us-east-1', { ...vpcWithSubnets('vpc-00000001', 0), flowLogs: [flowLog('vpc-00000001')] });
    expect(
      renderPlanSummary(
        reportOf(
          inventory([compliant, unreadable('eu-west-1'), unreadable('ap-south-1')], { status: 'unreadable', error: { code: 'AccessDenied', message: 'no' } }),
        ),
      ),
    ).toBe(
      'No changes in what could be read. Could not read eu-west-1, ap-south-1 and the delivery role (IAM): nothing there is in this plan; fix access and run again.',
    );
  });

  test('GIVEN verify THEN the verdict counts with correct plurals', () => {
    const one = reportOf(inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0)), unreadable('eu-west-1')], role()));
    expect(renderVerdict(one)).toBe('Not verified: could not read eu-west-1; 1 finding in what was read.');
  });
});

describe('flowfix plan (text) ends with the summary line', () => {
  test('GIVEN the example estate THEN the last line is the plan summary and the next step', async () => {
    const { stdout } = await runFlowfix(['plan', '--snapshot', 'examples/estate']);
    // A snapshot's plan is carried out by planning the live account again.
    expect(lastLine(stdout)).toBe(
      'Plan: 6 flow logs, 2 log groups to create; 3 retention policies, 1 role policy to set, as of the snapshot. To fix these findings, run `flowfix apply` with credentials for account 123456789012: it reads the account live, plans again and asks before changing anything.',
    );
  });

  test('GIVEN settings flags and --config THEN the next step repeats them, quoted for a shell, so apply plans the same', async () => {
    const config = path.join(await mkdtemp(path.join(tmpdir(), 'flowfix-')), 'my config.json');
    await writeFile(config, JSON.stringify({ trafficType: 'ALL' }));
    const { stdout } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--regions', 'eu-west-1', '--log-group', '/my#group', '--config', config]);
    expect(lastLine(stdout)).toMatch(
      /run `flowfix apply --config '.*\/my config\.json' --regions eu-west-1 --log-group '\/my#group'` with credentials for account/,
    );
  });

  test('GIVEN --out FILE THEN the next step applies that file', async () => {
    const { stdout } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--out', '/tmp/flowfix-summary-test.json']);
    expect(lastLine(stdout)).toMatch(/run `flowfix apply \/tmp\/flowfix-summary-test\.json` with credentials for account/);
  });

  test('GIVEN a compliant estate THEN the last line says there is nothing to do', async () => {
    const { code, stdout } = await runFlowfix(['plan', '--snapshot', 'examples/compliant']);
    expect(code).toBe(0);
    expect(lastLine(stdout)).toBe('No changes: every VPC in scope has a working flow log.');
  });
});
