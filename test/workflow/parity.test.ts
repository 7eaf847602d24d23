// One account is a list of one: every command and flag behaves the same for the caller's own account
// and for `--accounts <that account>`: the same exit code, the same stdout and stderr, the same files,
// the same calls to AWS. Each case runs on two fresh, identical fakes and compares everything.
import { FAKE_ACCOUNT } from '../helpers/fake-aws.js';
import { runOnce } from '../helpers/parity.js';

/** [name, argv, exit code expected of both, options] */
const CASES: [string, string[], number, { before?: string[]; interrupted?: boolean }?][] = [
  ['plan', ['plan'], 2],
  ['plan --out FILE (issue 17 #1: the file is written)', ['plan', '--out', '{dir}/plan.json'], 2],
  ['plan --out-dir DIR', ['plan', '--out-dir', '{dir}/plans'], 2],
  ['plan --format json', ['plan', '--format', 'json'], 2],
  ['plan --format sarif', ['plan', '--format', 'sarif'], 2],
  ['plan --format csv', ['plan', '--format', 'csv'], 2],
  ['plan --format markdown', ['plan', '--format', 'markdown'], 2],
  ['plan --check-permissions', ['plan', '--check-permissions'], 2],
  ['plan --check-permissions --format json', ['plan', '--check-permissions', '--format', 'json'], 2],
  ['verify (issue 17 #3: with the delivery check)', ['verify'], 2],
  ['verify --format json (with delivery)', ['verify', '--format', 'json'], 2],
  ['verify --format markdown', ['verify', '--format', 'markdown'], 2],
  ['apply --dry-run (issue 17 #4: with the permission preflight)', ['apply', '--dry-run'], 0],
  ['apply --dry-run --format json', ['apply', '--dry-run', '--format', 'json'], 0],
  ['apply --format json without --yes (issue 17 #2: refused)', ['apply', '--format', 'json'], 1],
  ['apply without --yes and without a terminal (refused)', ['apply'], 1],
  ['apply --yes', ['apply', '--yes'], 0],
  ['apply --yes --format json', ['apply', '--yes', '--format', 'json'], 0],
  ['apply --yes --out-dir DIR', ['apply', '--yes', '--out-dir', '{dir}/plans'], 0],
  ['apply FILE --yes (a saved plan)', ['apply', '{dir}/plan.json', '--yes'], 0, { before: ['plan', '--out', '{dir}/plan.json'] }],
  ['apply FILE --dry-run --format json', ['apply', '{dir}/plan.json', '--dry-run', '--format', 'json'], 0, { before: ['plan', '--out', '{dir}/plan.json'] }],
  ['rollback --dry-run after apply', ['rollback', '--dry-run'], 0, { before: ['apply', '--yes'] }],
  ['rollback --yes --format json after apply', ['rollback', '--yes', '--format', 'json'], 0, { before: ['apply', '--yes'] }],
  ['plan, Ctrl-C before the reads (issue 17 #5: 130 both ways)', ['plan'], 130, { interrupted: true }],
  ['verify, Ctrl-C before the reads', ['verify'], 130, { interrupted: true }],
  ['plan --format json, Ctrl-C before the reads', ['plan', '--format', 'json'], 130, { interrupted: true }],
  ['apply --yes, Ctrl-C before the reads', ['apply', '--yes'], 130, { interrupted: true }],
];

describe('one account is a list of one: the same command with and without --accounts <own account>', () => {
  test.each(CASES)("GIVEN %s THEN --accounts with the caller's own account behaves exactly the same", async (_name, argv, code, options = {}) => {
    const alone = await runOnce(argv, options);
    const listed = await runOnce([...argv, '--accounts', FAKE_ACCOUNT], options);

    expect(alone.code).toBe(code);
    // The one difference by design: the next step plan prints repeats the flags typed.
    expect({ ...listed, stdout: listed.stdout.replaceAll(`apply --accounts ${FAKE_ACCOUNT}`, 'apply') }).toEqual(alone);
  });

  test('GIVEN the parity cases THEN they cover every output format and every flag the issue names', () => {
    const flags = new Set(CASES.flatMap(([, argv]) => argv.filter((a) => a.startsWith('--'))));
    const formats = new Set(CASES.flatMap(([, argv]) => argv.flatMap((a, i) => (argv[i - 1] === '--format' ? [a] : []))));
    for (const flag of ['--out', '--out-dir', '--format', '--dry-run', '--yes', '--check-permissions']) expect(flags).toContain(flag);
    for (const format of ['json', 'sarif', 'csv', 'markdown']) expect(formats).toContain(format);
  });

  test('GIVEN plan --out THEN the saved plan is what apply FILE reads: the same actions as the plan shown', async () => {
    const run = await runOnce(['plan', '--out', '{dir}/plan.json', '--accounts', FAKE_ACCOUNT], {});
    const saved = JSON.parse(run.files['plan.json']!);
    expect(saved.accountId).toBe(FAKE_ACCOUNT);
    expect(saved.actions.filter((a: { kind: string }) => a.kind === 'create-flow-logs')).toHaveLength(2);
    expect(run.stderr).toMatch(/^Plan saved to DIR\/plan\.json \(\d+ actions\)\. Apply it with: flowfix apply DIR\/plan\.json$/m);
  });
});
