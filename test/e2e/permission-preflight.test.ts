// Permission preflight: plan --check-permissions and apply --dry-run ask IAM (SimulatePrincipalPolicy)
// whether the caller may send everything the plan needs, before anything is written.
import { applyReportSchema } from '../../src/report/apply-report.js';
import { planReportSchema } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { validDocument } from '../helpers/documents.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { operatorPolicy } from '../helpers/operator-permissions.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const ROLE_ARN = `arn:aws:iam::${FAKE_ACCOUNT}:role/flowfix-vpc-flow-logs`;

/** Two regions, one VPC without flow logs each: a plan with the role, two log groups and two flow log calls. */
function seedEstate(fake: FakeAws): void {
  fake.addVpc('us-east-1', { name: 'bare' });
  fake.addVpc('eu-west-1', { name: 'eu-bare' });
}

/** operator-apply.json without its PassRole statement. */
function policyWithoutPassRole() {
  const policy = operatorPolicy('operator-apply.json');
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return { ...policy, Statement: statements.filter((s) => ![s.Action].flat().includes('iam:PassRole')) };
}

const simulations = (fake: FakeAws) => fake.calls.filter((c) => c.operation === 'SimulatePrincipalPolicy');

describe('permission preflight (SimulatePrincipalPolicy)', () => {
  let fake: FakeAws;
  beforeEach(() => {
    // Pages of 2 results: the simulation's Marker/IsTruncated paging is exercised.
    fake = new FakeAws({ pageSize: 2 }).install();
  });
  afterEach(() => fake.restore());

  test('GIVEN the operator policy allows everything WHEN plan --check-permissions THEN "all N permissions allowed" and the usual exit code 2', async () => {
    seedEstate(fake);

    const result = await run(['plan', '--check-permissions']);

    expect(result.stdout).toMatch(/^Permissions\n\s+all \d+ permissions allowed for arn:aws:iam::\d{12}:user\/tester$/m);
    expect(result.code).toBe(2);
    const calls = simulations(fake);
    expect(calls.length).toBeGreaterThan(0);
    // The operator policy's conditions are given their values: PassRole to flow logs, tags on CreateFlowLogs.
    const passRole = calls.find((c) => c.input.ActionNames.includes('iam:PassRole'));
    const entry = (key: string, ...values: string[]) => ({ ContextKeyName: key, ContextKeyType: 'string', ContextKeyValues: values });
    expect(passRole?.input).toMatchObject({
      ResourceArns: [ROLE_ARN],
      ContextEntries: [entry('aws:RequestedRegion', expect.any(String)), entry('iam:PassedToService', 'vpc-flow-logs.amazonaws.com')],
    });
    const createTags = calls.find((c) => c.input.ActionNames.includes('ec2:CreateTags'));
    expect(createTags?.input.ContextEntries).toEqual([
      entry('aws:RequestedRegion', createTags?.input.ResourceArns[0].split(':')[3]),
      entry('ec2:CreateAction', 'CreateFlowLogs'),
      entry('aws:RequestTag/ManagedBy', 'flowfix'),
      entry('aws:TagKeys', 'ManagedBy'),
    ]);
    // One action per request (IAM answers one result per action, its resources in ResourceSpecificResults).
    expect(calls.every((c) => c.input.ActionNames.length === 1)).toBe(true);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a policy without iam:PassRole WHEN plan --check-permissions THEN it lists iam:PassRole on the role ARN and exits 1', async () => {
    seedEstate(fake);
    fake.simulateAgainst(policyWithoutPassRole());

    const result = await run(['plan', '--check-permissions']);

    // PassRole is judged with each CreateFlowLogs call, so once per region (its aws:RequestedRegion).
    expect(result.stdout).toMatch(/2 of \d+ permissions missing for arn:aws:iam::\d{12}:user\/tester/);
    for (const region of ['eu-west-1', 'us-east-1']) {
      expect(result.stdout).toMatch(
        new RegExp(`^\\s+${region}\\s+iam:PassRole\\s+${ROLE_ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+implicitDeny\\s+identity policy$`, 'm'),
      );
    }
    expect(result.code).toBe(1);
  });

  test('GIVEN a missing PassRole WHEN plan --check-permissions --format json THEN permissionCheck lists it and the report validates', async () => {
    seedEstate(fake);
    fake.simulateAgainst(policyWithoutPassRole());

    const result = await run(['plan', '--check-permissions', '--format', 'json']);

    const report = validDocument(planReportSchema, JSON.parse(result.stdout));
    const missing = (region: string) => ({ action: 'iam:PassRole', resource: ROLE_ARN, decision: 'implicitDeny', deniedBy: 'identity-policy', region });
    expect(report.permissionCheck).toMatchObject({
      status: 'checked',
      principal: `arn:aws:iam::${FAKE_ACCOUNT}:user/tester`,
      missing: [missing('eu-west-1'), missing('us-east-1')],
    });
    expect(result.code).toBe(1);
  });

  test('GIVEN a policy that grants the role actions only at the root path WHEN plan --check-permissions THEN nothing is missing (the real ARN is asked about, not every path)', async () => {
    seedEstate(fake);
    const policy = operatorPolicy('operator-apply.json');
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    fake.simulateAgainst({
      ...policy,
      Statement: statements.map((s) =>
        [s.Resource].flat().some((r) => r?.includes('role/*/')) ? { ...s, Resource: 'arn:*:iam::*:role/flowfix-vpc-flow-logs' } : s,
      ),
    });

    const result = await run(['plan', '--check-permissions']);

    expect(result.stdout).toMatch(/all \d+ permissions allowed/);
    expect(
      simulations(fake)
        .flatMap((c) => c.input.ResourceArns)
        .filter((r: string) => r.includes('role/*')),
    ).toEqual([]);
  });

  test('GIVEN plan without --check-permissions THEN IAM is not asked and the report has no permissionCheck', async () => {
    seedEstate(fake);

    const result = await run(['plan', '--format', 'json']);

    expect(simulations(fake)).toEqual([]);
    expect(JSON.parse(result.stdout).permissionCheck).toBeUndefined();
  });

  test('GIVEN a missing PassRole WHEN apply --dry-run THEN the Permissions section lists it, no writes are sent, and the exit code is 1', async () => {
    seedEstate(fake);
    fake.simulateAgainst(policyWithoutPassRole());

    const result = await run(['apply', '--dry-run']);

    expect(result.stdout).toMatch(/^Permissions$/m);
    expect(result.stdout).toMatch(/^\s+us-east-1\s+iam:PassRole\s+arn:aws:iam::\d{12}:role\/flowfix-vpc-flow-logs\s+implicitDeny\s+identity policy$/m);
    expect(fake.mutatingCalls()).toEqual([]);
    // Asked before anything else is sent: the simulation comes before the first DryRun probe.
    const firstSimulation = fake.calls.findIndex((c) => c.operation === 'SimulatePrincipalPolicy');
    const firstProbe = fake.calls.findIndex((c) => c.operation === 'CreateFlowLogs');
    expect(firstSimulation).toBeGreaterThanOrEqual(0);
    expect(firstSimulation).toBeLessThan(firstProbe);
    expect(result.code).toBe(1);
  });

  test('GIVEN everything allowed WHEN apply --dry-run --format json THEN permissionCheck is in the report, it validates, and nothing is written', async () => {
    seedEstate(fake);

    const result = await run(['apply', '--dry-run', '--format', 'json']);

    const report = validDocument(applyReportSchema, JSON.parse(result.stdout));
    expect(report.permissionCheck).toMatchObject({ status: 'checked', missing: [] });
    expect(report.permissionCheck!.needed).toBeGreaterThan(5);
    expect(fake.mutatingCalls()).toEqual([]);
    expect(result.code).toBe(0);
  });

  test('GIVEN SimulatePrincipalPolicy is denied WHEN apply --dry-run THEN one line says so and the DryRun probes still run', async () => {
    seedEstate(fake);
    fake.denyAction('SimulatePrincipalPolicy');

    const result = await run(['apply', '--dry-run']);

    const lines = result.stdout.split('\n').filter((l) => /SimulatePrincipalPolicy/.test(l));
    expect(lines).toEqual([
      expect.stringMatching(
        /^\s+Permission check unavailable: iam:SimulatePrincipalPolicy is not allowed for arn:aws:iam::\d{12}:user\/tester \(AccessDenied\): checked with DryRun probes instead$/,
      ),
    ]);
    expect(result.stdout).toContain('dry run us-east-1: CreateFlowLogs would be allowed (DryRunOperation)');
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs').every((c) => c.input.DryRun === true)).toBe(true);
    expect(fake.mutatingCalls()).toEqual([]);
    expect(result.code).toBe(0);
  });

  test('GIVEN SimulatePrincipalPolicy is denied WHEN plan --check-permissions --format json THEN it falls back to DryRun probes, reported in permissionCheck', async () => {
    seedEstate(fake);
    fake.denyAction('SimulatePrincipalPolicy');

    const result = await run(['plan', '--check-permissions', '--format', 'json']);

    const report = validDocument(planReportSchema, JSON.parse(result.stdout));
    expect(report.permissionCheck).toMatchObject({ status: 'unavailable', message: expect.stringContaining('iam:SimulatePrincipalPolicy is not allowed') });
    expect(report.permissionCheck!.dryRunProbes!.map((p) => [p.region, p.allowed]).sort()).toEqual([
      ['eu-west-1', true],
      ['us-east-1', true],
    ]);
    expect(fake.calls.filter((c) => c.operation === 'CreateFlowLogs').map((c) => c.input.DryRun)).toEqual([true, true]);
    expect(fake.mutatingCalls()).toEqual([]);
    expect(result.code).toBe(2);
  });

  describe('the context each call really carries, and which layer denied', () => {
    /** operator-apply.json with one statement's Resource or Condition replaced. */
    const withStatement = (sid: string, patch: object) => {
      const policy = operatorPolicy('operator-apply.json');
      const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
      return { ...policy, Statement: statements.map((st) => (st.Sid === sid ? { ...st, ...patch } : st)) };
    };

    test("GIVEN AWS's boundary guard (CreateRole only with iam:PermissionsBoundary) and --permissions-boundary THEN CreateRole is allowed; without the key it would not be", async () => {
      seedEstate(fake);
      const boundary = `arn:aws:iam::${FAKE_ACCOUNT}:policy/LandingZoneBoundary`;
      // The boundary exists and allows delivery (else the plan reports it and creates no role).
      fake.addManagedPolicy('LandingZoneBoundary', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
      fake.simulateAgainst(withStatement('FlowfixCreateDeliveryRoleWithinBoundary', { Condition: { StringEquals: { 'iam:PermissionsBoundary': boundary } } }));
      const result = await run(['plan', '--check-permissions', '--permissions-boundary', boundary, '--format', 'json']);
      const report = validDocument(planReportSchema, JSON.parse(result.stdout));
      expect(report.permissionCheck?.missing).toEqual([]);
      expect(result.code).toBe(2);
      const createRole = simulations(fake).find((c) => c.input.ActionNames.includes('iam:CreateRole'));
      expect(createRole?.input.ContextEntries).toEqual(
        expect.arrayContaining([{ ContextKeyName: 'iam:PermissionsBoundary', ContextKeyType: 'string', ContextKeyValues: [boundary] }]),
      );
      // Another boundary than the one the guard demands (it exists too): refused by the identity policy.
      fake.addManagedPolicy('Other', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] });
      const other = await run(['plan', '--check-permissions', '--permissions-boundary', `arn:aws:iam::${FAKE_ACCOUNT}:policy/Other`, '--format', 'json']);
      expect(JSON.parse(other.stdout).permissionCheck.missing).toEqual(
        expect.arrayContaining([expect.objectContaining({ action: 'iam:CreateRole', deniedBy: 'identity-policy' })]),
      );
      expect(other.code).toBe(1);
    });

    test("GIVEN a policy conditioned on aws:RequestedRegion THEN only the other region's calls are missing", async () => {
      seedEstate(fake);
      const policy = operatorPolicy('operator-apply.json');
      const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
      // ec2 and logs writes allowed in eu-west-1 only; IAM (us-east-1 for the global endpoint) as before.
      fake.simulateAgainst({
        ...policy,
        Statement: statements.map((st) =>
          /^Flowfix(FlowLogs|TagNewFlowLogs|LogGroups|PassDeliveryRoleToFlowLogs)$/.test(st.Sid ?? '')
            ? { ...st, Condition: { ...st.Condition, StringEquals: { ...st.Condition?.['StringEquals'], 'aws:RequestedRegion': 'eu-west-1' } } }
            : st,
        ),
      });
      const report = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json'])).stdout);
      const missing = report.permissionCheck.missing as { action: string; region: string }[];
      expect(missing.length).toBeGreaterThan(0);
      expect(new Set(missing.map((m) => m.region))).toEqual(new Set(['us-east-1']));
      expect(missing.map((m) => m.action)).toEqual(expect.arrayContaining(['ec2:CreateFlowLogs', 'ec2:CreateTags', 'logs:CreateLogGroup', 'iam:PassRole']));
    });

    test("GIVEN a policy that allows tag-on-create only with the ManagedBy request tag THEN allowed with flowfix's tags, missing with a tag it does not allow", async () => {
      seedEstate(fake);
      const requireTag = {
        Condition: { StringEquals: { 'aws:RequestTag/ManagedBy': 'flowfix' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['ManagedBy'] } },
      };
      fake.simulateAgainst(withStatement('FlowfixFlowLogs', requireTag));
      const allowed = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json'])).stdout);
      expect(allowed.permissionCheck.missing).toEqual([]);
      const tagged = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json', '--tag', 'team=net'])).stdout);
      expect(tagged.permissionCheck.missing.map((m: { action: string }) => m.action)).toEqual(expect.arrayContaining(['ec2:CreateFlowLogs']));
    });

    test("GIVEN CreateFlowLogs granted only on the vpc-flow-log type and this account's VPCs THEN allowed; scoped to another VPC THEN that VPC is missing", async () => {
      seedEstate(fake);
      fake.simulateAgainst(withStatement('FlowfixFlowLogs', { Resource: ['arn:aws:ec2:*:*:vpc-flow-log/*', `arn:aws:ec2:*:${FAKE_ACCOUNT}:vpc/*`] }));
      const scoped = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json'])).stdout);
      expect(scoped.permissionCheck.missing).toEqual([]);
      const createFlowLogs = simulations(fake).find((c) => c.input.ActionNames.includes('ec2:CreateFlowLogs'));
      expect(createFlowLogs?.input.ResourceArns).toEqual([expect.stringMatching(/:vpc-flow-log\/\*$/), expect.stringMatching(/:vpc\/vpc-/)]);

      fake.simulateAgainst(withStatement('FlowfixFlowLogs', { Resource: ['arn:aws:ec2:*:*:vpc-flow-log/*', 'arn:aws:ec2:*:*:vpc/vpc-0000000000000000f'] }));
      const other = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json'])).stdout);
      expect(other.permissionCheck.missing.map((m: { resource: string }) => m.resource)).toEqual(expect.arrayContaining([expect.stringMatching(/:vpc\/vpc-/)]));
      expect(other.permissionCheck.missing.every((m: { resource: string }) => !m.resource.includes('vpc-flow-log'))).toBe(true);
    });

    test('GIVEN an SCP and a permissions boundary THEN each denial names its layer', async () => {
      seedEstate(fake);
      const everything = { Effect: 'Allow', Action: '*', Resource: '*' };
      fake.simulateLayers({
        scp: { Version: '2012-10-17', Statement: [everything, { Effect: 'Deny', Action: 'logs:CreateLogGroup', Resource: '*' }] },
        boundary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'iam:PassRole', Resource: '*' }] },
      });
      const result = await run(['plan', '--check-permissions']);
      expect(result.stdout).toMatch(/^\s+us-east-1\s+logs:CreateLogGroup\s+\S+\s+\w+Deny\s+SCP \(organization\)$/m);
      expect(result.stdout).toMatch(/^\s+us-east-1\s+iam:PassRole\s+\S+\s+implicitDeny\s+permissions boundary$/m);
      expect(result.code).toBe(1);
    });

    test('GIVEN a policy testing a key flowfix cannot know THEN those permissions are "could not be decided", not missing, and the exit code stays 2', async () => {
      seedEstate(fake);
      fake.simulateAgainst(withStatement('FlowfixLogGroups', { Condition: { StringEquals: { 'aws:PrincipalTag/team': 'network' } } }));
      const result = await run(['plan', '--check-permissions']);
      expect(result.stdout).toMatch(/of \d+ permissions allowed, none missing for arn:aws:iam::\d{12}:user\/tester/);
      expect(result.stdout).toMatch(
        /\d+ could not be decided: the policies test aws:PrincipalTag\/team, whose values flowfix cannot know \(not counted as missing\)/,
      );
      expect(result.code).toBe(2);
      const report = JSON.parse((await run(['plan', '--check-permissions', '--format', 'json'])).stdout);
      expect(report.permissionCheck.undecided).toEqual(
        expect.arrayContaining([expect.objectContaining({ action: 'logs:CreateLogGroup', missingContextValues: ['aws:PrincipalTag/team'] })]),
      );
    });

    test('GIVEN an IAM Identity Center session (role under /aws-reserved/sso.amazonaws.com/) THEN one GetRole finds the real ARN and the simulation runs for it', async () => {
      seedEstate(fake);
      const trust = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Federated: `arn:aws:iam::${FAKE_ACCOUNT}:saml-provider/AWSSSO` }, Action: 'sts:AssumeRoleWithSAML' }],
      };
      fake.addRole('AWSReservedSSO_NetworkAdmin_0123456789abcdef', trust, {}, {}, { path: '/aws-reserved/sso.amazonaws.com/eu-west-1/' });
      fake.callAs(`arn:aws:sts::${FAKE_ACCOUNT}:assumed-role/AWSReservedSSO_NetworkAdmin_0123456789abcdef/alice@example.com`);
      const real = `arn:aws:iam::${FAKE_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_NetworkAdmin_0123456789abcdef`;
      const result = await run(['plan', '--check-permissions']);
      expect(result.stdout).toContain(`all`);
      expect(result.stdout).toMatch(new RegExp(`permissions allowed for ${real.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
      expect(fake.calls.filter((c) => c.operation === 'GetRole' && c.input.RoleName.startsWith('AWSReservedSSO_'))).toHaveLength(1);
      expect(new Set(simulations(fake).map((c) => c.input.PolicySourceArn))).toEqual(new Set([real]));
    });
  });
});

describe('permission preflight across an organization (--org)', () => {
  useManagementCredentials();
  const ROLE = 'OrganizationAccountAccessRole';
  const MEMBER = '222222222222';
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.addVpc('us-east-1', { name: 'mgmt' });
    const member = fake.account(MEMBER, { name: 'dev' });
    member.addRole(ROLE, trustManagement());
    member.addVpc('us-east-1', { name: 'dev' });
  });
  afterEach(() => fake.restore());

  test('GIVEN plan --org --check-permissions THEN each account is checked on its own, the member as the role flowfix assumed there', async () => {
    const result = await runFlowfix(['plan', '--org', '--assume-role', ROLE, '--regions', 'us-east-1', '--check-permissions', '--format', 'json'], {
      env: { CI: 'true', AWS_REGION: 'us-east-1' },
    });
    const report = JSON.parse(result.stdout) as {
      accounts: { accountId: string; status: string; report?: { permissionCheck?: { status: string; principal?: string; missing: unknown[] } } }[];
    };
    const checkOf = (id: string) => report.accounts.find((a) => a.accountId === id)?.report?.permissionCheck;
    expect(checkOf(FAKE_ACCOUNT)).toMatchObject({ status: 'checked', principal: `arn:aws:iam::${FAKE_ACCOUNT}:user/tester`, missing: [] });
    expect(checkOf(MEMBER)).toMatchObject({ status: 'checked', principal: `arn:aws:iam::${MEMBER}:role/${ROLE}`, missing: [] });
    const simulated = fake.calls.filter((c) => c.operation === 'SimulatePrincipalPolicy');
    expect(new Set(simulated.map((c) => `${c.account} ${c.input.PolicySourceArn}`))).toEqual(
      new Set([`${FAKE_ACCOUNT} arn:aws:iam::${FAKE_ACCOUNT}:user/tester`, `${MEMBER} arn:aws:iam::${MEMBER}:role/${ROLE}`]),
    );
    expect(result.code).toBe(2);
  });

  test('GIVEN apply --dry-run --org THEN each account gets its own Permissions section and nothing is written', async () => {
    const result = await runFlowfix(['apply', '--dry-run', '--org', '--assume-role', ROLE, '--regions', 'us-east-1'], {
      env: { CI: 'true', AWS_REGION: 'us-east-1' },
    });
    expect(result.stdout.match(/^Permissions$/gm)).toHaveLength(2);
    expect(result.stdout).toContain(`permissions allowed for arn:aws:iam::${MEMBER}:role/${ROLE}`);
    expect(new Set(fake.calls.filter((c) => c.operation === 'SimulatePrincipalPolicy').map((c) => c.account))).toEqual(new Set([FAKE_ACCOUNT, MEMBER]));
    expect(fake.mutatingCalls()).toEqual([]);
  });
});
