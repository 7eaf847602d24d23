// A parity case for every flag: each flag plan, apply, verify and rollback accept (their own options, the
// settings flags of SETTINGS_FLAGS and the global ones) runs once alone and once with `--accounts <own
// account>`, and the two runs must be the same in everything. Flags the issue's cases already run
// (test/workflow/parity.test.ts) are not run again. The flags come from the parser's own declarations:
// a new flag fails the first test until it has an example here.
import { commandFlags, globalFlags } from '../../src/cli/command-options.js';
import { FAKE_ACCOUNT, type FakeAws } from '../helpers/fake-aws.js';
import { ISSUE_CASES, runOnce, type RunOptions } from '../helpers/parity.js';

const COMMANDS = ['plan', 'apply', 'verify', 'rollback'] as const;
type Command = (typeof COMMANDS)[number];

/** How each command runs: apply and rollback without asking, rollback after an apply so there is something to delete. */
const BASE: Record<Command, { argv: string[]; options?: RunOptions }> = {
  plan: { argv: [] },
  apply: { argv: ['--yes'] },
  verify: { argv: [] },
  rollback: { argv: ['--yes'], options: { before: ['apply', '--yes'] } },
};

const BUCKET = 'central-flow-logs';
/** An S3 destination, and the operator policy README asks S3 users to add (the suite checks every call against it). */
const S3 = {
  argv: ['--destination', `s3://${BUCKET}/vpc`],
  options: { seed: (fake: FakeAws) => void fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: BUCKET }) },
};
const KMS_KEY = `arn:aws:kms:us-east-1:${FAKE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ROLE = ['--assume-role', 'OrganizationAccountAccessRole'];

/** The flag in use, with what it needs beside it (an S3-only option needs an S3 destination). */
const EXAMPLES: Record<string, { argv: string[]; options?: RunOptions }> = {
  '--config': {
    argv: ['--config', '{dir}/flowfix.config.json'],
    options: { files: { 'flowfix.config.json': '{ "trafficType": "ALL", "tags": { "Team": "net" } }' } },
  },
  '--debug': { argv: ['--debug'] },
  '--profile': {
    argv: ['--profile', 'audit'],
    options: { files: { 'aws-config': '[profile audit]\nregion = us-east-1\n' }, env: { AWS_CONFIG_FILE: '{dir}/aws-config' } },
  },
  '--region': { argv: ['--region', 'eu-west-1'] },
  '--endpoint-url': { argv: ['--endpoint-url', 'http://localhost:4566'] },
  '--connect-timeout': { argv: ['--connect-timeout', '30'] },
  '--read-timeout': { argv: ['--read-timeout', '30'] },
  '--regions': { argv: ['--regions', 'us-east-1'] },
  '--scope': { argv: ['--scope', 'subnet'] },
  '--traffic-type': { argv: ['--traffic-type', 'ALL'] },
  '--destination': S3,
  '--log-group': { argv: ['--log-group', '/team/flow-logs'] },
  '--role-name': { argv: ['--role-name', 'team-flow-logs'], options: { seed: (fake) => void fake.operatorRole('team-flow-logs') } },
  '--policy-name': { argv: ['--policy-name', 'team-publish'] },
  '--retention': { argv: ['--retention', '400'] },
  '--min-retention': { argv: ['--min-retention', '30'] },
  '--permissions-boundary': { argv: ['--permissions-boundary', `arn:aws:iam::${FAKE_ACCOUNT}:policy/flowfix-delivery-boundary`] },
  '--role-path': { argv: ['--role-path', '/team/'] },
  // KMS keys are regional: the key's own region only.
  '--kms-key': { argv: ['--kms-key', KMS_KEY, '--regions', 'us-east-1'], options: { seed: (fake) => fake.addKmsKey(KMS_KEY, { logsMayUse: true }) } },
  '--log-format': { argv: ['--log-format', '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}'] },
  '--max-aggregation-interval': { argv: ['--max-aggregation-interval', '60'] },
  '--file-format': { ...S3, argv: [...S3.argv, '--file-format', 'parquet'] },
  '--hive-compatible-partitions': { ...S3, argv: [...S3.argv, '--hive-compatible-partitions'] },
  '--per-hour-partition': { ...S3, argv: [...S3.argv, '--per-hour-partition'] },
  // The caller's own account as the log archive: its bucket's policy gets the delivery statements.
  '--log-archive-account': {
    argv: [...S3.argv, '--log-archive-account', FAKE_ACCOUNT],
    options: {
      seed: (fake) => {
        fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: BUCKET }).grantOperatorPolicy('operator-log-archive.json', { BucketName: BUCKET });
        fake.addBucket(BUCKET);
      },
    },
  },
  '--require-fields': { argv: ['--require-fields', 'pkt-srcaddr,tcp-flags'] },
  '--concurrency': { argv: ['--concurrency', '2'] },
  '--exclude-accounts': { argv: ['--exclude-accounts', '222222222222'] },
  '--assume-role': { argv: ROLE },
  '--external-id': { argv: [...ROLE, '--external-id', 'team-external-id'] },
  '--role-session-name': { argv: [...ROLE, '--role-session-name', 'team-session'] },
  '--exclude': { argv: ['--exclude', 'vpc-0123456789abcdef0'] },
  '--exclude-tag': { argv: ['--exclude-tag', 'Name=eu-bare'] },
  '--skip-default-vpcs': { argv: ['--skip-default-vpcs'] },
  '--fail-on-denied-regions': { argv: ['--fail-on-denied-regions'] },
  '--tag': { argv: ['--tag', 'CostCentre=4711'] },
  '--emit': { argv: ['--emit', 'telemetry-rule'] },
  '-y': { argv: ['-y'] },
  // One look at the destinations, then done: how long delivery takes must not decide the outcome.
  '--wait': { argv: ['--wait'], options: { deps: { timings: { waitTimeoutMs: 0, waitIntervalMs: 0 } } } },
  '--delete-log-groups': { argv: ['--delete-log-groups'] },
  '--denied-regions-hold-nothing': { argv: ['--denied-regions-hold-nothing'] },
};

/** Flags with no case, and why. */
const NO_CASE: Record<string, string> = {
  '--accounts': 'the flag every case adds',
  '--org': 'chooses the accounts itself, and cannot be combined with --accounts',
  '--ou': 'limits --org',
  '--snapshot': 'reads files instead of AWS, and --accounts needs AWS (a command rule refuses the pair)',
  '--help': 'prints help and runs nothing',
  '-h': 'prints help and runs nothing',
  '--version': 'prints the version and runs nothing',
};

const accepted = (command: Command) => [...globalFlags(), ...commandFlags(command)];
const FLAGS = [...new Set(COMMANDS.flatMap(accepted))];

/** Flags the issue's cases (parity.test.ts) already run. */
const IN_ISSUE_CASES = new Set(ISSUE_CASES.flatMap(([, argv]) => argv.filter((a) => a.startsWith('-'))));

/** Each flag once, the commands that accept it taking turns, so every command gets its share. */
const CASES = FLAGS.filter((flag) => EXAMPLES[flag] !== undefined && !IN_ISSUE_CASES.has(flag)).map((flag, i) => {
  const commands = COMMANDS.filter((c) => accepted(c).includes(flag));
  const command = commands[i % commands.length]!;
  const example = EXAMPLES[flag]!;
  // A flag that says how to confirm replaces the command's own --yes.
  const base = ['--yes', '-y', '--dry-run'].includes(flag) ? [] : BASE[command].argv;
  const options: RunOptions = { ...BASE[command].options, ...example.options };
  return { name: `${command} ${example.argv.join(' ')}`, argv: [command, ...base, ...example.argv], options };
});

describe('a parity case for every flag: alone and with --accounts <own account>, the same run', () => {
  test('GIVEN every flag plan, apply, verify and rollback accept THEN each has an example here, or a reason it has none', () => {
    expect(FLAGS.filter((flag) => !IN_ISSUE_CASES.has(flag) && EXAMPLES[flag] === undefined && NO_CASE[flag] === undefined)).toEqual([]);
    expect(Object.keys(EXAMPLES).filter((flag) => !FLAGS.includes(flag))).toEqual([]);
  });

  test.each(CASES)("GIVEN $name THEN --accounts with the caller's own account behaves exactly the same", async ({ argv, options }) => {
    const alone = await runOnce(argv, options);
    const listed = await runOnce([...argv, '--accounts', FAKE_ACCOUNT], options);

    // Each example is a working use of its flag, not a usage error both ways.
    expect([0, 2]).toContain(alone.code);
    // The one difference by design: the next step plan prints repeats the flags typed.
    expect({ ...listed, stdout: listed.stdout.replaceAll(` --accounts ${FAKE_ACCOUNT}`, '') }).toEqual(alone);
  });
});
