// Permission preflight: plan --check-permissions and apply --dry-run ask IAM (SimulatePrincipalPolicy)
// whether the caller may send everything the plan needs, before anything is written.
import { applyReportSchema } from '../../src/report/apply-report.js';
import { planReportSchema } from '../../src/report/plan-report.js';
import { operatorPolicy } from '../helpers/operator-permissions.js';
import { validDocument } from '../helpers/documents.js';
import { FakeAws, FAKE_ACCOUNT } from '../helpers/fake-aws.js';
import { runFlowfix } from '../helpers/capture-io.js';

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
    expect(passRole?.input).toMatchObject({ ResourceArns: [ROLE_ARN], ContextEntries: [{ ContextKeyName: 'iam:PassedToService', ContextKeyValues: ['vpc-flow-logs.amazonaws.com'] }] });
    const createTags = calls.find((c) => c.input.ActionNames.includes('ec2:CreateTags'));
    expect(createTags?.input.ContextEntries).toEqual([{ ContextKeyName: 'ec2:CreateAction', ContextKeyType: 'string', ContextKeyValues: ['CreateFlowLogs'] }]);
    // Paged: some request came back truncated and was asked again with its Marker.
    expect(calls.some((c) => c.input.Marker !== undefined)).toBe(true);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a policy without iam:PassRole WHEN plan --check-permissions THEN it lists iam:PassRole on the role ARN and exits 1', async () => {
    seedEstate(fake);
    fake.simulateAgainst(policyWithoutPassRole());

    const result = await run(['plan', '--check-permissions']);

    expect(result.stdout).toMatch(/1 of \d+ permissions missing for arn:aws:iam::\d{12}:user\/tester/);
    expect(result.stdout).toMatch(new RegExp(`^\\s+iam:PassRole\\s+${ROLE_ARN.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+implicitDeny$`, 'm'));
    expect(result.code).toBe(1);
  });

  test('GIVEN a missing PassRole WHEN plan --check-permissions --format json THEN permissionCheck lists it and the report validates', async () => {
    seedEstate(fake);
    fake.simulateAgainst(policyWithoutPassRole());

    const result = await run(['plan', '--check-permissions', '--format', 'json']);

    const report = validDocument(planReportSchema, JSON.parse(result.stdout));
    expect(report.permissionCheck).toMatchObject({ status: 'checked', principal: `arn:aws:iam::${FAKE_ACCOUNT}:user/tester`, missing: [{ action: 'iam:PassRole', resource: ROLE_ARN, decision: 'implicitDeny' }] });
    expect(result.code).toBe(1);
  });

  test('GIVEN a policy that grants the role actions only at the root path WHEN plan --check-permissions THEN nothing is missing (the real ARN is asked about, not every path)', async () => {
    seedEstate(fake);
    const policy = operatorPolicy('operator-apply.json');
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    fake.simulateAgainst({ ...policy, Statement: statements.map((s) => ([s.Resource].flat().some((r) => r?.includes('role/*/')) ? { ...s, Resource: 'arn:*:iam::*:role/flowfix-vpc-flow-logs' } : s)) });

    const result = await run(['plan', '--check-permissions']);

    expect(result.stdout).toMatch(/all \d+ permissions allowed/);
    expect(simulations(fake).flatMap((c) => c.input.ResourceArns).filter((r: string) => r.includes('role/*'))).toEqual([]);
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
    expect(result.stdout).toMatch(/^\s+iam:PassRole\s+arn:aws:iam::\d{12}:role\/flowfix-vpc-flow-logs\s+implicitDeny$/m);
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
    expect(lines).toEqual([expect.stringMatching(/^\s+Permission check unavailable: iam:SimulatePrincipalPolicy is not allowed for arn:aws:iam::\d{12}:user\/tester \(AccessDenied\): checked with DryRun probes instead$/)]);
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
});
