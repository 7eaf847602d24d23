import { MAX_ROWS, mdCode, mdText, renderMarkdown } from '../../src/render/markdown.js';
import { ACCOUNT, flowLog, inventory, region, role, unreadable, vpcWithSubnets } from '../helpers/builders.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { reportOf } from '../helpers/reports.js';

const lines = (text: string) => text.split('\n');
const tableRows = (text: string, header: string) => {
  const all = lines(text);
  const start = all.findIndex((l) => l.startsWith(`| ${header} |`));
  const rows: string[] = [];
  for (let i = start + 2; i < all.length && all[i]!.startsWith('|'); i++) rows.push(all[i]!);
  return rows;
};
/** A GFM table row's cells: split on pipes that are not escaped. */
const cells = (row: string) =>
  row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

describe('--format markdown: a summary for a pull-request comment or job summary', () => {
  test('GIVEN the example estate WHEN plan --format markdown THEN heading, summary line, per-region counts with totals, findings and plan tables', async () => {
    const { code, stdout, stderr } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'markdown']);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    expect(lines(stdout)[0]).toBe('## flowfix plan: account `123456789012` (aws)');
    expect(stdout).toMatch(
      /^\*\*Plan: \d+ flow logs, 2 log groups to create; .* to set, as of the snapshot\. To fix these findings, run `flowfix apply` with credentials for account \d{12}: .*\*\*$/m,
    );

    const regions = tableRows(stdout, 'Region').map(cells);
    expect(regions.map((r) => r[0])).toEqual(['`eu-west-1`', '`us-east-1`', '**total**']);
    expect(regions[1]).toEqual(['`us-east-1`', '6', '16', '2/6', '2 `no-flow-log`, 1 `accept-only`, 1 `delivery-failed`, 1 `short-retention`']);
    expect(regions[2]).toEqual(['**total**', '12', '31', '5/11', '8 findings']);

    const findings = tableRows(stdout, 'Severity').map(cells);
    expect(findings).toHaveLength(8);
    expect(findings.map((f) => f[0])).toEqual(['high', 'high', 'high', 'high', 'high', 'medium', 'low', 'info']);
    expect(findings).toContainEqual([
      'high',
      '`us-east-1`',
      '`vpc-0433400347c2d1dc4` (`staging`)',
      '`accept-only`',
      expect.stringContaining('captures only ACCEPT traffic'),
    ]);

    expect(stdout).toContain('### Plan (8 actions)');
    expect(tableRows(stdout, '#').map(cells)[0]).toEqual(['01', '`global`', '`iam:PutRolePolicy`', expect.stringContaining('Put inline policy')]);
  });

  test('GIVEN verify THEN the verdict replaces the plan and its summary', () => {
    const text = renderMarkdown(reportOf(inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0))], role())), { command: 'verify' });
    expect(lines(text)[0]).toBe(`## flowfix verify: account \`${ACCOUNT}\` (aws)`);
    expect(text).toContain('**Not verified: 1 finding to fix.**');
    expect(text).not.toContain('### Plan');
  });

  test('GIVEN a compliant account THEN it says so in the summary and findings', () => {
    const text = renderMarkdown(
      reportOf(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-00000001', 0), flowLogs: [flowLog('vpc-00000001')] })], role())),
      { command: 'plan' },
    );
    expect(text).toContain('**No changes: every VPC in scope has a working flow log.**');
    expect(text).toContain('### Findings (0)\n\nNone: every resource in scope has a working flow log.');
  });

  test('GIVEN an unreadable region THEN its row says so and a section names the error', () => {
    const text = renderMarkdown(
      reportOf(
        inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0)), unreadable('eu-west-1', 'UnauthorizedOperation', 'You are not authorized')], role()),
      ),
      { command: 'plan' },
    );
    expect(tableRows(text, 'Region').map(cells)).toContainEqual(['`eu-west-1`', '–', '–', '**unreadable**', '–']);
    expect(text).toContain('### Could not read (1)\n\n- `eu-west-1`: `UnauthorizedOperation` You are not authorized');
    expect(text).toContain('Could not read eu-west-1: nothing there is in this plan');
  });

  test('GIVEN a VPC name with Markdown, HTML, a pipe, a backtick, a newline and an @mention THEN it stays one inert cell, the newline shown as \\n', () => {
    const inv = inventory(
      [region('us-east-1', { vpcs: [{ vpcId: 'vpc-00000001', ownerId: ACCOUNT, isDefault: false, name: 'a|b `c` <img src=x> **d**\n@org/team' }] })],
      role(),
    );
    const text = renderMarkdown(reportOf(inv), { command: 'plan' });
    const row = tableRows(text, 'Severity')[0]!;
    expect(cells(row)).toHaveLength(5);
    expect(cells(row)[2]).toBe('`vpc-00000001` (`` a\\|b `c` <img src=x> **d**\\n@org/team ``)');
    expect(text).not.toContain('\n@org');
  });

  test('GIVEN text cells THEN Markdown punctuation is escaped, mentions broken, and code spans survive backticks', () => {
    expect(mdText('a|b *c* [d](e) <f> @team x@y.z\nnext')).toBe('a\\|b \\*c\\* \\[d\\]\\(e\\) \\<f\\> @&#8203;team x@y.z\\\\nnext');
    expect(mdCode('plain')).toBe('`plain`');
    expect(mdCode('has `one` tick')).toBe('`` has `one` tick ``');
    expect(mdCode('``double``')).toBe('``` ``double`` ```');
    expect(mdCode('a|b')).toBe('`a\\|b`');
  });

  test(`GIVEN more than ${MAX_ROWS} findings THEN the table stops at ${MAX_ROWS} rows and says how many more`, () => {
    const vpcs = Array.from({ length: MAX_ROWS + 5 }, (_, i) => ({ vpcId: `vpc-${String(i).padStart(8, '0')}`, ownerId: ACCOUNT, isDefault: false }));
    const text = renderMarkdown(reportOf(inventory([region('us-east-1', { vpcs })], role())), { command: 'plan' });
    expect(tableRows(text, 'Severity')).toHaveLength(MAX_ROWS);
    expect(text).toContain('…and 5 more findings: `--format csv` or `--format json` lists every one.');
    expect(text.length).toBeLessThan(65_536);
  });

  test('GIVEN typed flags WHEN plan --format markdown THEN the next step repeats them', async () => {
    const { stdout } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'markdown', '--regions', 'us-east-1', '--scope', 'subnet']);
    expect(stdout).toContain('run `flowfix apply --regions us-east-1 --scope subnet` with credentials for account');
  });
});
