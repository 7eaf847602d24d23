// One account is a list of one: every command and flag behaves the same for the caller's own account
// and for `--accounts <that account>`: the same exit code, the same stdout and stderr, the same files,
// the same calls to AWS. Each case runs on two fresh, identical fakes and compares everything.
import { FAKE_ACCOUNT } from '../helpers/fake-aws.js';
import { ISSUE_CASES as CASES, runOnce } from '../helpers/parity.js';

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
