// A landing zone over real HTTP: FakeAws behind --endpoint-url answers an SCP-denied region the way AWS
// does on the wire (EC2 query XML, HTTP 403 UnauthorizedOperation; Logs JSON AccessDeniedException), so
// what flowfix does here it does against any AWS-compatible endpoint that answers this way: the SDK's own
// protocol parsers, retries and error classes all run.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { orgPlanReportSchema } from '../../src/report/org-report.js';
import { planReportSchema } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { serveFakeAws, type FakeAwsServer } from '../helpers/fake-aws-http.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { trustManagement } from '../helpers/organization.js';
import { setProcessEnv } from '../helpers/process-env.js';

const ENV = {
  CI: 'true',
  AWS_ACCESS_KEY_ID: 'AKIAFAKELANDINGZONE1',
  AWS_SECRET_ACCESS_KEY: 'fake',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const ROLE = 'OrganizationAccountAccessRole';
const DEV = '222222222222';

describe('GIVEN an endpoint that answers eu-west-1 with an SCP explicit deny', () => {
  let fake: FakeAws;
  let server: FakeAwsServer;
  let scp: string;
  let restoreEnv: () => void = () => {};
  const run = (argv: string[]) => runFlowfix([...argv, '--endpoint-url', server.url], { env: ENV });

  beforeEach(async () => {
    fake = new FakeAws();
    fake.addVpc('us-east-1', { name: 'bare' });
    fake.addVpc('eu-west-1', { name: 'behind-the-scp' });
    scp = fake.denyRegionByPolicy('eu-west-1');
    server = await serveFakeAws(fake);
    // The in-process run's SDK reads credentials from process.env, as a child's would from its own.
    restoreEnv = setProcessEnv(ENV);
  });
  afterEach(async () => {
    await server.close();
    restoreEnv();
  });

  test('WHEN plan → apply --yes → verify THEN 2 naming the denied region and its policy, 0 fixing us-east-1, 0', async () => {
    // The deny really went over the wire as AWS sends it.
    const plan = await run(['plan', '--format', 'json']);
    expect(plan.code).toBe(2);
    const report = planReportSchema.parse(JSON.parse(plan.stdout));
    expect(report.errors).toEqual([]);
    expect(report.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({
      status: 'denied',
      deniedBy: { policyType: 'service-control-policy', policyArn: scp, code: 'UnauthorizedOperation' },
    });
    expect(report.findings.map((f) => f.region)).toEqual(['us-east-1']);

    const applied = await run(['apply', '--yes']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(`eu-west-1: service control policy (SCP) ${scp} denies ec2:`);
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);

    const verified = await run(['verify']);
    expect(verified.code).toBe(0);
  });

  test('WHEN a resource control policy denies CloudWatch Logs only THEN its JSON AccessDeniedException is read as the same deny', async () => {
    // EC2 answers there; the Logs call (flowfix's log group) is the one the policy stops.
    await server.close();
    fake = new FakeAws();
    fake.addVpc('eu-west-1');
    const rcp = fake.denyRegionByPolicy('eu-west-1', { policy: 'rcp', services: ['logs'] });
    server = await serveFakeAws(fake);

    const plan = await run(['plan', '--regions', 'eu-west-1', '--format', 'json']);

    const report = planReportSchema.parse(JSON.parse(plan.stdout));
    expect(report.regions[0]).toMatchObject({
      status: 'denied',
      deniedBy: { policyType: 'resource-control-policy', policyArn: rcp, code: 'AccessDeniedException', action: 'logs:DescribeLogGroups' },
    });
    expect(fake.calls.some((c) => c.service === 'ec2' && c.operation === 'DescribeVpcs' && c.region === 'eu-west-1')).toBe(true);
    // Every region asked for is denied: nothing was checked, so never "compliant".
    expect(plan.code).toBe(1);
  });

  test("WHEN plan --org over HTTP THEN the member is entered with STS-issued keys, its denied region named, the management account's read; apply --org --yes exits 0", async () => {
    await server.close();
    fake = new FakeAws();
    fake.addVpc('us-east-1');
    const dev = fake.account(DEV, { name: 'dev' });
    dev.addRole(ROLE, trustManagement());
    dev.addVpc('us-east-1');
    scp = dev.denyRegionByPolicy('eu-west-1');
    server = await serveFakeAws(fake);

    const plan = await run(['plan', '--org', '--assume-role', ROLE, '--format', 'json']);

    expect(plan.code).toBe(2);
    const report = orgPlanReportSchema.parse(JSON.parse(plan.stdout));
    const regions = (id: string) => {
      const account = report.accounts.find((a) => a.accountId === id);
      return account?.status === 'read' ? Object.fromEntries(account.report.regions.map((r) => [r.region, r.status])) : account?.status;
    };
    expect(regions(FAKE_ACCOUNT)).toEqual({ 'eu-west-1': 'ok', 'us-east-1': 'ok' });
    expect(regions(DEV)).toEqual({ 'eu-west-1': 'denied', 'us-east-1': 'ok' });

    const applied = await run(['apply', '--org', '--assume-role', ROLE, '--yes']);
    expect(applied.code).toBe(0);
    expect(dev.flowLogs('us-east-1')).toHaveLength(1);
  });
});

describe('GIVEN a profile whose services section sends STS and Organizations to different endpoints', () => {
  test('WHEN plan --org --profile THEN ListAccounts goes to the organizations endpoint, never to the STS one', async () => {
    const fake = new FakeAws();
    fake.addVpc('us-east-1');
    const main = await serveFakeAws(fake);
    const organizations = await serveFakeAws(fake);
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-orgs-endpoint-'));
    const saved = { ...process.env };
    try {
      await writeFile(
        path.join(dir, 'config'),
        `[profile lz]\nregion = us-east-1\nendpoint_url = ${main.url}\nservices = lz\n\n[services lz]\nsts =\n  endpoint_url = ${main.url}\norganizations =\n  endpoint_url = ${organizations.url}\n`,
      );
      await writeFile(path.join(dir, 'credentials'), '[lz]\naws_access_key_id = AKIAFAKEPROFILE00001\naws_secret_access_key = fake\n');
      const env = {
        CI: 'true',
        HOME: dir,
        AWS_CONFIG_FILE: path.join(dir, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      Object.assign(process.env, env);

      const result = await runFlowfix(['plan', '--org', '--assume-role', ROLE, '--profile', 'lz', '--format', 'json'], { env });

      expect(result.code).toBe(2);
      expect(organizations.firstRequestAt).toBeDefined();
      expect(fake.calls.filter((c) => c.service === 'organizations').map((c) => c.operation)).toEqual(['ListAccounts']);
    } finally {
      process.env = saved;
      await main.close();
      await organizations.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
