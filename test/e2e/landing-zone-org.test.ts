// A landing zone across an organization: each member has its own SCP and its own opt-in regions.
// flowfix --org skips, per account, the regions an organization policy denies and the regions the account
// never enabled, and never loses the account for them; member STS calls go to the partition's default
// region; entering a member fails with hints that fit real organizations.
import { orgPlanReportSchema } from '../../src/report/org-report.js';
import { accountProblem, defaultRoleSessionName } from '../../src/workflow/accounts.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { awsError } from '../helpers/mock-aws-sdk.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';

const ROLE = 'OrganizationAccountAccessRole';
const DEV = '222222222222';
const PROD = '333333333333';
const ORG = ['--org', '--assume-role', ROLE];

describe('GIVEN an organization whose dev account has an SCP denying eu-west-1 and whose prod account never enabled eu-west-1', () => {
  useManagementCredentials();
  let fake: FakeAws;
  let scp: string;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.addVpc('us-east-1', { name: 'mgmt' });
    for (const [id, name] of [
      [DEV, 'dev'],
      [PROD, 'prod'],
    ] as const) {
      const member = fake.account(id, { name });
      member.addRole(ROLE, trustManagement());
      member.addVpc('us-east-1', { name: `${name}-us` });
    }
    fake.account(DEV).addVpc('eu-west-1', { name: 'dev-behind-the-scp' });
    scp = fake.account(DEV).denyRegionByPolicy('eu-west-1');
    fake.account(PROD).optOutOfRegion('eu-west-1');
  });
  afterEach(() => fake.restore());

  const run = (argv: string[], env: Record<string, string> = {}) => runFlowfix(argv, { env: { CI: 'true', AWS_REGION: 'us-east-1', ...env } });

  test("WHEN plan --org --regions us-east-1,eu-west-1 --format json THEN every account is read; dev's eu-west-1 is denied with the SCP, prod's is not enabled; exit 2", async () => {
    const result = await run(['plan', ...ORG, '--regions', 'us-east-1,eu-west-1', '--format', 'json']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    const report = orgPlanReportSchema.parse(JSON.parse(result.stdout));
    const regionsOf = (id: string) => {
      const account = report.accounts.find((a) => a.accountId === id)!;
      expect(account.status).toBe('read');
      return account.status === 'read' ? Object.fromEntries(account.report.regions.map((r) => [r.region, r])) : {};
    };
    expect(regionsOf(FAKE_ACCOUNT)['eu-west-1']?.status).toBe('ok');
    expect(regionsOf(DEV)['eu-west-1']).toMatchObject({ status: 'denied', deniedBy: { policyType: 'service-control-policy', policyArn: scp } });
    expect(regionsOf(PROD)['eu-west-1']).toMatchObject({ status: 'not-enabled' });
    // Nothing was sent to prod's eu-west-1 at all.
    expect(fake.calls.filter((c) => c.account === PROD && c.region === 'eu-west-1')).toEqual([]);
  });

  test('WHEN plan --org (text) THEN each account section names what was skipped, and the account table does not flag them as unreadable', async () => {
    const result = await run(['plan', ...ORG, '--regions', 'us-east-1,eu-west-1']);

    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`eu-west-1: service control policy (SCP) ${scp} denies ec2:`);
    expect(result.stdout).toContain('Not enabled in this account (skipped): eu-west-1');
    expect(result.stdout).not.toMatch(/unreadable|fix access/);
  });

  test("WHEN apply --org --yes THEN exit 0, every account's us-east-1 is fixed; verify --org then exits 0", async () => {
    const applied = await run(['apply', ...ORG, '--yes']);

    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    for (const account of [FAKE_ACCOUNT, DEV, PROD]) {
      const view = account === FAKE_ACCOUNT ? fake : fake.account(account);
      expect(view.flowLogs('us-east-1')).toHaveLength(1);
    }
    expect(fake.mutatingCalls().filter((c) => c.region === 'eu-west-1' && c.account !== FAKE_ACCOUNT)).toEqual([]);

    const verified = await run(['verify', ...ORG]);
    expect(verified.code).toBe(0);
    expect((await run(['verify', ...ORG, '--fail-on-denied-regions'])).code).toBe(1);
  });

  test("WHEN the caller's home region is eu-west-1 THEN member AssumeRole and DescribeRegions go to us-east-1 (on in every account), and the session is named after the caller", async () => {
    const result = await run(['plan', ...ORG, '--regions', 'us-east-1'], { AWS_REGION: 'eu-west-1' });

    expect(result.code).toBe(2);
    const assumed = fake.assumeRoleCalls();
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.map((c) => c.region)).toEqual(assumed.map(() => 'us-east-1'));
    expect(assumed.map((c) => c.input.RoleSessionName)).toEqual(assumed.map(() => 'flowfix-tester'));
    const memberGlobal = fake.calls.filter((c) => c.account !== FAKE_ACCOUNT && (c.operation === 'DescribeRegions' || c.operation === 'GetCallerIdentity'));
    expect(memberGlobal.length).toBeGreaterThan(0);
    expect(new Set(memberGlobal.map((c) => c.region))).toEqual(new Set(['us-east-1']));
  });

  test('WHEN --role-session-name is given THEN it wins', async () => {
    await run(['plan', ...ORG, '--regions', 'us-east-1', '--role-session-name', 'ci-nightly']);

    expect(new Set(fake.assumeRoleCalls().map((c) => c.input.RoleSessionName))).toEqual(new Set(['ci-nightly']));
  });
});

describe("GIVEN real organizations' ways of refusing entry", () => {
  useManagementCredentials();
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.addVpc('us-east-1');
    const dev = fake.account(DEV, { name: 'dev' });
    dev.addRole(ROLE, trustManagement());
    dev.addVpc('us-east-1');
  });
  afterEach(() => fake.restore());
  const run = (argv: string[], region = 'us-east-1') => runFlowfix(argv, { env: { CI: 'true', AWS_REGION: region } });
  const devOf = (stdout: string) => orgPlanReportSchema.parse(JSON.parse(stdout)).accounts.find((a) => a.accountId === DEV)!;

  test("WHEN the member deactivated STS in the partition default region THEN AssumeRole falls back to the caller's home region and the member is read", async () => {
    fake.account(DEV).deactivateSts('us-east-1');

    const result = await run(['plan', ...ORG, '--regions', 'us-east-1', '--format', 'json'], 'eu-west-1');

    expect(devOf(result.stdout).status).toBe('read');
    expect(fake.assumeRoleCalls(DEV).map((c) => c.region)).toEqual(['us-east-1', 'eu-west-1']);
  });

  test('WHEN the member deactivated STS everywhere flowfix asks THEN it is unreachable with RegionDisabledException and its own hint; the others go on', async () => {
    fake.account(DEV).deactivateSts('us-east-1');

    const result = await run(['plan', ...ORG, '--regions', 'us-east-1', '--format', 'json']);

    expect(result.code).toBe(1);
    expect(devOf(result.stdout)).toMatchObject({
      status: 'unreachable',
      error: { code: 'RegionDisabledException', hint: expect.stringMatching(/222222222222 has deactivated STS .*activates it in the IAM console/) },
    });
    expect(orgPlanReportSchema.parse(JSON.parse(result.stdout)).accounts.find((a) => a.accountId === FAKE_ACCOUNT)?.status).toBe('read');
  });

  test('WHEN flowfix runs with root credentials THEN every member is unreachable with AWS\'s "Roles may not be assumed by root accounts" and the hint to use an IAM identity', async () => {
    fake.callAsRoot();

    const result = await run(['plan', ...ORG, '--regions', 'us-east-1', '--format', 'json']);

    expect(result.code).toBe(1);
    expect(devOf(result.stdout)).toMatchObject({
      status: 'unreachable',
      error: {
        code: 'AccessDenied',
        message: 'Roles may not be assumed by root accounts.',
        hint: expect.stringMatching(/root user's credentials, which cannot assume roles/),
      },
    });
  });

  test('WHEN an invited member has no OrganizationAccountAccessRole THEN the hint says invited accounts lack it', async () => {
    fake.account('555555555555', { name: 'acquired', joinedMethod: 'INVITED' }).addVpc('us-east-1');

    const result = await run(['plan', ...ORG, '--regions', 'us-east-1', '--format', 'json']);

    const acquired = orgPlanReportSchema.parse(JSON.parse(result.stdout)).accounts.find((a) => a.accountId === '555555555555');
    expect(acquired).toMatchObject({
      status: 'unreachable',
      error: {
        code: 'AccessDenied',
        hint: expect.stringMatching(/555555555555 joined the organization by invitation, and invited accounts have no OrganizationAccountAccessRole/),
      },
    });
    expect(devOf(result.stdout).status).toBe('read');
  });
});

describe("defaultRoleSessionName: flowfix-<caller>, within STS's 2-64 characters of [\\w+=,.@-]", () => {
  test.each([
    ['arn:aws:iam::111111111111:user/tester', 'flowfix-tester'],
    ['arn:aws:iam::111111111111:user/team/alice', 'flowfix-alice'],
    ['arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com', 'flowfix-alice@example.com'],
    ['arn:aws-us-gov:sts::111111111111:federated-user/bob', 'flowfix-bob'],
    ['arn:aws:iam::111111111111:root', 'flowfix-root'],
    ['arn:aws:sts::111111111111:assumed-role/Ops/flowfix-alice', 'flowfix-alice'],
    ['arn:aws:sts::111111111111:assumed-role/Ops/user name:with*odd~chars', 'flowfix-user-name-with-odd-chars'],
    ['', 'flowfix'],
    ['not an arn', 'flowfix'],
  ])('%s → %s', (arn, expected) => {
    const name = defaultRoleSessionName(arn);
    expect(name).toBe(expected);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  test('a long session is cut to 64 characters', () => {
    const name = defaultRoleSessionName(`arn:aws:sts::111111111111:assumed-role/R/${'x'.repeat(80)}`);
    expect(name).toHaveLength(64);
    expect(name.startsWith('flowfix-x')).toBe(true);
  });
});

describe('entering a member account: hints that fit real organizations', () => {
  const settings = { assumeRole: ROLE };
  test.each([
    [
      'root credentials',
      awsError('AccessDenied', 'Roles may not be assumed by root accounts.', 403),
      false,
      /with the root user's credentials, which cannot assume roles/,
    ],
    [
      'STS deactivated in the member',
      awsError(
        'RegionDisabledException',
        'STS is not activated in this region for account:222222222222. Your account administrator can activate STS in this region using the IAM Console.',
        403,
      ),
      false,
      /has deactivated STS .* activates it in the IAM console/,
    ],
    [
      'an SCP denying sts:AssumeRole',
      awsError(
        'AccessDenied',
        `User: arn:aws:sts::111111111111:assumed-role/Admin/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/${ROLE} with an explicit deny in a service control policy: arn:aws:organizations::999999999999:policy/o-abcdef1234/service_control_policy/p-noassume`,
        403,
      ),
      false,
      /organization policy denies sts:AssumeRole .*p-noassume.*SCPs never apply to the management account/,
    ],
    [
      'an invited account without the role',
      awsError(
        'AccessDenied',
        `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/${ROLE}`,
        403,
      ),
      true,
      /222222222222 joined the organization by invitation, and invited accounts have no OrganizationAccountAccessRole until someone creates it/,
    ],
  ])('%s', (_, err, invited, hint) => {
    expect(accountProblem(err, DEV, settings, invited).hint).toMatch(hint);
  });
});
