// Many accounts over the stateful fake: the management account lists the organization, enters every
// other account through sts:AssumeRole, and each account is read, planned and applied in its own right.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';

import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws, mutatingOperations, type RecordedCall } from '../helpers/fake-aws.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';
import { openIfStuck } from '../helpers/timeouts.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const ROLE = 'OrganizationAccountAccessRole';
const GROUP = '/flowfix/vpc-flow-logs';
const DEV = '222222222222';
const PROD = '333333333333';
const SUSPENDED = '444444444444';

/** The management account and two members with one bare VPC each in each region; a suspended member. */
function seedOrg(fake: FakeAws, { withoutRole = [] as string[] } = {}) {
  const vpcs: Record<string, string[]> = {};
  for (const [account, name] of [
    [FAKE_ACCOUNT, 'management'],
    [DEV, 'dev'],
    [PROD, 'prod'],
  ] as const) {
    const view = account === FAKE_ACCOUNT ? fake : fake.account(account, { name });
    if (account !== FAKE_ACCOUNT && !withoutRole.includes(account)) view.addRole(ROLE, trustManagement());
    vpcs[account] = ['us-east-1', 'eu-west-1'].map((region) => view.addVpc(region, { name: `${name}-${region}` }));
  }
  fake.account(SUSPENDED, { name: 'closed', status: 'SUSPENDED' });
  return vpcs;
}

const callsIn = (fake: FakeAws, account: string) => fake.calls.filter((c) => c.account === account);
const operationsOf = (calls: RecordedCall[]) => calls.map((c) => `${c.service}:${c.operation}`).sort();

describe('many accounts', () => {
  let fake: FakeAws;
  useManagementCredentials();
  beforeEach(() => {
    fake = new FakeAws({ pageSize: 1 }).install();
  });
  afterEach(() => fake.restore());

  test('GIVEN an organization WHEN plan --org THEN every ACTIVE account is read, members through one AssumeRole each, at the single-account floor', async () => {
    const vpcs = seedOrg(fake);

    const result = await run(['plan', '--org', '--assume-role', ROLE, '--format', 'json']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.schema).toBe('flowfix.org-plan-report/v1');
    expect(report.accounts.map((a: any) => [a.accountId, a.name, a.status])).toEqual([
      [FAKE_ACCOUNT, 'management', 'read'],
      [DEV, 'dev', 'read'],
      [PROD, 'prod', 'read'],
    ]);
    expect(report.notActive).toEqual([{ accountId: SUSPENDED, name: 'closed', state: 'SUSPENDED' }]);
    for (const account of [FAKE_ACCOUNT, DEV, PROD]) {
      const accountReport = report.accounts.find((a: any) => a.accountId === account).report;
      expect(accountReport.accountId).toBe(account);
      expect(accountReport.findings.map((f: any) => f.resourceId).sort()).toEqual([...vpcs[account]!].sort());
      // Each account's plan creates its own role and delivers to its own log groups.
      const createFlowLogs = accountReport.plan.actions.filter((a: any) => a.kind === 'create-flow-logs');
      expect(createFlowLogs.map((a: any) => a.input.DeliverLogsPermissionArn)).toEqual([
        `arn:aws:iam::${account}:role/flowfix-vpc-flow-logs`,
        `arn:aws:iam::${account}:role/flowfix-vpc-flow-logs`,
      ]);
    }
    // The floor: a member costs what a single account costs, plus one AssumeRole.
    // (The caller's own account also lists the organization and assumes the members' roles.)
    const single = operationsOf(callsIn(fake, FAKE_ACCOUNT).filter((c) => c.service !== 'organizations' && c.operation !== 'AssumeRole'));
    for (const member of [DEV, PROD]) {
      expect(operationsOf(callsIn(fake, member))).toEqual(single);
      expect(fake.assumeRoleCalls(member)).toHaveLength(1);
    }
    expect(fake.assumeRoleCalls(FAKE_ACCOUNT)).toEqual([]);
    expect(fake.assumeRoleCalls(SUSPENDED)).toEqual([]);
    // ListAccounts was paged (one account per page here).
    expect(fake.calls.filter((c) => c.operation === 'ListAccounts')).toHaveLength(4);
  });

  test("GIVEN --concurrency 1 WHEN plan --org THEN every account's regions are read at once: no account or region waits for another's answers", async () => {
    seedOrg(fake);
    // A gate, not a clock: no DescribeFlowLogs (each region's first call) is answered until all six
    // (3 accounts × 2 regions) are in flight; the fallback only keeps a failing run from hanging.
    let arrived = 0;
    let inFlightWhenOpened = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = () => {
      inFlightWhenOpened ||= arrived;
      release();
    };
    const cancelFallback = openIfStuck(open);
    fake.onCall = async (call) => {
      if (call.operation !== 'DescribeFlowLogs') return;
      if (++arrived === 6) open();
      await gate;
    };

    const result = await run(['plan', '--org', '--assume-role', ROLE, '--concurrency', '1', '--format', 'json']);
    cancelFallback();

    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).accounts.map((a: any) => a.status)).toEqual(['read', 'read', 'read']);
    expect(inFlightWhenOpened).toBe(6);
  });

  test("GIVEN one member whose role is missing THEN it is reported with AWS's message and what to fix, the others go on, exit 1", async () => {
    seedOrg(fake, { withoutRole: [DEV] });

    const result = await run(['plan', '--org', '--assume-role', ROLE, '--format', 'json']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const dev = report.accounts.find((a: any) => a.accountId === DEV);
    expect(dev.status).toBe('unreachable');
    expect(dev.error.message).toMatch(/not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/OrganizationAccountAccessRole/);
    expect(dev.error.hint).toMatch(/role OrganizationAccountAccessRole exists in 222222222222/);
    expect(report.accounts.find((a: any) => a.accountId === PROD).status).toBe('read');
  });

  test('GIVEN a member whose region cannot be read THEN that account reports the region error and the run exits 1', async () => {
    seedOrg(fake);
    fake.account(PROD).failNext('DescribeVpcs', { name: 'UnauthorizedOperation', message: 'denied by SCP' }, { region: 'eu-west-1', times: Infinity });

    const result = await run(['plan', '--org', '--assume-role', ROLE, '--format', 'json']);

    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const prod = report.accounts.find((a: any) => a.accountId === PROD).report;
    expect(prod.errors).toEqual([expect.objectContaining({ region: 'eu-west-1', code: 'UnauthorizedOperation' })]);
    expect(report.accounts.find((a: any) => a.accountId === DEV).report.errors).toEqual([]);
  });

  test("GIVEN --accounts and --exclude-accounts THEN exactly those accounts are read, the caller's with its own credentials", async () => {
    seedOrg(fake);

    const result = await run(['plan', '--accounts', `${FAKE_ACCOUNT},${DEV},${PROD}`, '--exclude-accounts', PROD, '--assume-role', ROLE, '--format', 'json']);

    expect(JSON.parse(result.stdout).accounts.map((a: any) => a.accountId)).toEqual([FAKE_ACCOUNT, DEV]);
    expect(fake.calls.filter((c) => c.service === 'organizations')).toEqual([]);
    expect(fake.assumeRoleCalls().map((c) => c.input.RoleArn)).toEqual([`arn:aws:iam::${DEV}:role/${ROLE}`]);
  });

  test('GIVEN --ou THEN only the accounts under it and its child OUs are read', async () => {
    seedOrg(fake);
    fake.addOu('ou-ab12-workloads', 'r-f4k3');
    fake.addOu('ou-ab12-prodwork', 'ou-ab12-workloads');
    fake.account(PROD, { parentId: 'ou-ab12-prodwork' });

    const result = await run(['plan', '--org', '--ou', 'ou-ab12-workloads', '--assume-role', ROLE, '--format', 'json']);

    // One account is a list of one: its report is the single-account document.
    expect(JSON.parse(result.stdout)).toMatchObject({ schema: 'flowfix.plan-report/v1', accountId: PROD });
  });

  test('GIVEN an external id on the member roles THEN --external-id is sent and required', async () => {
    seedOrg(fake, { withoutRole: [DEV] });
    fake.account(DEV).addRole(ROLE, trustManagement('s3cr3t-id'));

    const without = await run(['plan', '--accounts', DEV, '--assume-role', ROLE, '--format', 'json']);
    const withId = await run(['plan', '--accounts', DEV, '--assume-role', ROLE, '--external-id', 's3cr3t-id', '--format', 'json']);

    // One account: it stops at its error, in one line naming the role and what to check.
    expect([without.code, without.stdout]).toEqual([1, '']);
    expect(without.stderr).toMatch(
      /^flowfix: User: .* is not authorized to perform: sts:AssumeRole on resource: .* \(check that role OrganizationAccountAccessRole exists in 222222222222/,
    );
    expect(JSON.parse(withId.stdout).accountId).toBe(DEV);
    expect(fake.assumeRoleCalls().at(-1)!.input).toMatchObject({ ExternalId: 's3cr3t-id', RoleSessionName: 'flowfix-tester' });
  });

  test.each([
    [['plan', '--org'], /--org needs --assume-role ROLE/],
    [['plan', '--accounts', '12345'], /--accounts\[0\]: must be a 12-digit AWS account id/],
    [['plan', '--ou', 'ou-ab12-cd34ef56', '--accounts', DEV, '--assume-role', ROLE], /--ou limits --org/],
    [['plan', '--org', '--accounts', DEV, '--assume-role', ROLE], /--org and --accounts each choose the accounts/],
  ])('GIVEN %j THEN one line says what is wrong, before any AWS call', async (argv, problem) => {
    seedOrg(fake);
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN apply --org --yes THEN each account gets its own role, log groups and flow logs, and a re-run changes nothing', async () => {
    const vpcs = seedOrg(fake);

    const first = await run(['apply', '--org', '--assume-role', ROLE, '--yes']);

    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Accounts: 3 done, 0 with failures, 0 unreachable, 0 not started/);
    for (const account of [FAKE_ACCOUNT, DEV, PROD]) {
      const view = account === FAKE_ACCOUNT ? fake : fake.account(account);
      expect(view.role('flowfix-vpc-flow-logs')?.tags).toEqual({ ManagedBy: 'flowfix' });
      const logged = ['us-east-1', 'eu-west-1'].flatMap((region) => view.flowLogs(region).filter((f) => f.LogGroupName === GROUP));
      expect(logged.map((f) => f.ResourceId).sort()).toEqual([...vpcs[account]!].sort());
      expect(logged.every((f) => f.DeliverLogsPermissionArn === `arn:aws:iam::${account}:role/flowfix-vpc-flow-logs`)).toBe(true);
    }
    // Each account's clients are let go after its reads and made again to write: its credentials are kept.
    for (const member of [DEV, PROD]) expect(fake.assumeRoleCalls(member)).toHaveLength(1);
    const writesBefore = mutatingOperations(fake.calls).length;

    const again = await run(['apply', '--org', '--assume-role', ROLE, '--yes']);

    expect(again.code).toBe(0);
    expect(mutatingOperations(fake.calls)).toHaveLength(writesBefore);
    expect((await run(['plan', '--org', '--assume-role', ROLE])).code).toBe(0);
  });

  test("GIVEN an organization applied with --org WHEN rollback --org --yes THEN flowfix's flow logs, policy and role go in every account, re-run finds nothing", async () => {
    seedOrg(fake);
    expect((await run(['apply', '--org', '--assume-role', ROLE, '--yes'])).code).toBe(0);
    const rolledBack = await run(['rollback', '--org', '--assume-role', ROLE, '--yes', '--format', 'json']);
    expect(rolledBack.stderr).toBe('');
    expect(rolledBack.code).toBe(0);
    const doc = JSON.parse(rolledBack.stdout);
    expect(doc.accounts.map((a: { accountId: string; status: string }) => `${a.accountId}:${a.status}`)).toEqual([
      `${FAKE_ACCOUNT}:done`,
      `${DEV}:done`,
      `${PROD}:done`,
    ]);
    for (const account of [FAKE_ACCOUNT, DEV, PROD]) {
      const view = account === FAKE_ACCOUNT ? fake : fake.account(account);
      expect(view.role('flowfix-vpc-flow-logs')).toBeUndefined();
      expect(['us-east-1', 'eu-west-1'].flatMap((region) => view.flowLogs(region))).toEqual([]);
      // The member's own admin role is never flowfix's to delete.
      if (account !== FAKE_ACCOUNT) expect(view.role(ROLE)).toBeDefined();
    }
    const writes = mutatingOperations(fake.calls).length;
    const again = await run(['rollback', '--org', '--assume-role', ROLE, '--yes']);
    expect(again.code).toBe(0);
    expect(mutatingOperations(fake.calls)).toHaveLength(writes);
  });

  test("GIVEN Ctrl-C during the first account's apply THEN it exits 130 naming the accounts not started, and a re-run completes every account", async () => {
    seedOrg(fake);
    const controller = new AbortController();
    fake.onCall = (call) => {
      if (call.operation === 'CreateFlowLogs') controller.abort();
    };
    const io = await import('../helpers/capture-io.js');
    const captured = io.captureIo({ env: ENV });
    const { runCli } = await import('../../src/cli/run.js');

    const code = await runCli(['apply', '--org', '--assume-role', ROLE, '--yes'], captured, { signal: controller.signal });
    fake.onCall = undefined;

    expect(code).toBe(130);
    expect(captured.out.join('')).toMatch(new RegExp(`Interrupted: not started ${DEV}, ${PROD}`));
    const rerun = await run(['apply', '--org', '--assume-role', ROLE, '--yes']);
    expect(rerun.code).toBe(0);
    expect((await run(['plan', '--org', '--assume-role', ROLE])).code).toBe(0);
  });

  test('GIVEN assumed credentials that expire mid-run THEN they are renewed with another AssumeRole and the run completes', async () => {
    seedOrg(fake);
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'],
    });
    try {
      let jumped = false;
      fake.onCall = (call) => {
        // Halfway through the member's reads, an hour passes: its first credentials have expired.
        if (!jumped && call.operation === 'DescribeSubnets') {
          jumped = true;
          jest.setSystemTime(Date.now() + 61 * 60_000);
        }
      };

      const result = await run(['plan', '--accounts', DEV, '--assume-role', ROLE, '--format', 'json']);

      expect(JSON.parse(result.stdout).accountId).toBe(DEV);
      expect(result.code).toBe(2);
      expect(fake.assumeRoleCalls(DEV)).toHaveLength(2);
    } finally {
      fake.onCall = undefined;
      jest.useRealTimers();
    }
  });

  test('GIVEN plan --org --out-dir THEN one plan per account, each applicable alone with --assume-role', async () => {
    const vpcs = seedOrg(fake);
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-plans-'));
    try {
      const planned = await run(['plan', '--org', '--assume-role', ROLE, '--out-dir', dir]);
      expect(planned.code).toBe(2);
      expect((await readdir(dir)).sort()).toEqual([`${FAKE_ACCOUNT}.json`, `${DEV}.json`, `${PROD}.json`]);

      const applied = await run(['apply', path.join(dir, `${PROD}.json`), '--assume-role', ROLE, '--yes']);

      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      const prodLogs = ['us-east-1', 'eu-west-1'].flatMap((region) =>
        fake
          .account(PROD)
          .flowLogs(region)
          .filter((f) => f.LogGroupName === GROUP),
      );
      expect(prodLogs.map((f) => f.ResourceId).sort()).toEqual([...vpcs[PROD]!].sort());
      expect(
        fake
          .account(DEV)
          .flowLogs('us-east-1')
          .filter((f) => f.LogGroupName === GROUP),
      ).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN a caller that can list the organization WHEN guided THEN it offers the same work for every account, and goes on with its own', async () => {
    seedOrg(fake);
    const { captureIo } = await import('../helpers/capture-io.js');
    const { toCommandOptions } = await import('../../src/cli/options.js');
    const { guidedCommand } = await import('../../src/cli/commands/guided.js');
    const { PromptCancelled } = await import('../../src/io/prompter.js');
    const cancel = async () => {
      throw new PromptCancelled();
    };
    const io = captureIo({ env: ENV, interactive: true });

    const code = await guidedCommand(await toCommandOptions({}, io), io, {
      prompter: { confirm: cancel, select: cancel, checkbox: cancel, input: cancel, secret: cancel },
    });

    expect(code).toBe(130);
    expect(io.out.join('')).toMatch(/organization of 3 ACTIVE accounts[\s\S]*flowfix apply --org --assume-role OrganizationAccountAccessRole/);
  });

  test.each([
    ['answers no', async () => false, 0, /Nothing was changed\./],
    ['presses Ctrl-C', 'cancel', 130, /Cancelled: nothing was changed\./],
  ] as const)('GIVEN apply --org at a terminal WHEN the user %s at the one question THEN no account is changed', async (_name, answer, exitCode, said) => {
    seedOrg(fake);
    const { captureIo } = await import('../helpers/capture-io.js');
    const { toCommandOptions } = await import('../../src/cli/options.js');
    const { applyCommand } = await import('../../src/cli/commands/apply.js');
    const { PromptCancelled } = await import('../../src/io/prompter.js');
    const unexpected = async (): Promise<never> => {
      throw new Error('unexpected prompt');
    };
    const asked: string[] = [];
    const confirm = async (message: string) => {
      asked.push(message);
      if (answer === 'cancel') throw new PromptCancelled();
      return answer();
    };
    const io = captureIo({ env: ENV, interactive: true });

    const code = await applyCommand(await toCommandOptions({ org: true, assumeRole: ROLE }, io), io, {
      prompter: { confirm, select: unexpected, checkbox: unexpected, input: unexpected, secret: unexpected },
    });

    expect(asked).toEqual([expect.stringMatching(/to 3 accounts\?$/)]);
    expect(code).toBe(exitCode);
    expect(io.out.join('') + io.err.join('')).toMatch(said);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN apply --org --format json THEN one versioned document holds an apply report per account (checked against its schema after each test)', async () => {
    seedOrg(fake, { withoutRole: [PROD] });

    const result = await run(['apply', '--org', '--assume-role', ROLE, '--yes', '--format', 'json']);

    const doc = JSON.parse(result.stdout);
    expect(doc.schema).toBe('flowfix.org-apply-report/v1');
    expect(doc.accounts.map((a: any) => [a.accountId, a.status])).toEqual([
      [FAKE_ACCOUNT, 'applied'],
      [DEV, 'applied'],
      [PROD, 'unreachable'],
    ]);
    expect(doc.accounts[1].outcomes.filter((o: any) => o.kind === 'create-flow-logs').every((o: any) => o.status === 'applied')).toBe(true);
    expect(doc.accounts[2].error.hint).toMatch(/role OrganizationAccountAccessRole exists in 333333333333/);
    expect(doc.exitCode).toBe(1);
    expect(result.code).toBe(1);
  });
});

// Every format and flag works over many accounts (or is refused by name before any AWS call).
describe("many accounts: every format, the delivery check, the permission preflight, and the flags' rules", () => {
  let fake: FakeAws;
  useManagementCredentials();
  beforeEach(() => {
    fake = new FakeAws({ pageSize: 2 }).install();
  });
  afterEach(() => fake.restore());
  const ORG = ['--org', '--assume-role', ROLE];

  test('GIVEN plan --org --format sarif THEN one SARIF run per account, each with its own category and findings', async () => {
    const vpcs = seedOrg(fake);
    const result = await run(['plan', ...ORG, '--format', 'sarif']);
    expect(result.code).toBe(2);
    const runs = JSON.parse(result.stdout).runs as {
      automationDetails: { id: string };
      results: { properties: { accountId: string; resourceId: string } }[];
    }[];
    expect(runs.map((r) => r.automationDetails.id)).toEqual([FAKE_ACCOUNT, DEV, PROD].map((a) => `flowfix/${a}/`));
    for (const [i, account] of [FAKE_ACCOUNT, DEV, PROD].entries()) {
      expect(runs[i]!.results.map((r) => r.properties.resourceId).sort()).toEqual([...vpcs[account]!].sort());
      expect(runs[i]!.results.every((r) => r.properties.accountId === account)).toBe(true);
    }
  });

  test('GIVEN plan --org --format csv THEN one header, and a row per finding with its account', async () => {
    const vpcs = seedOrg(fake);
    const result = await run(['plan', ...ORG, '--format', 'csv']);
    expect(result.code).toBe(2);
    const [header, ...rows] = result.stdout.trimEnd().split('\r\n');
    expect(header!.split(',')[0]).toBe('accountId');
    const cells = rows.map((r) => r.split(','));
    const resourceColumn = header!.split(',').indexOf('resourceId');
    for (const account of [FAKE_ACCOUNT, DEV, PROD]) {
      expect(
        cells
          .filter((c) => c[0] === account)
          .map((c) => c[resourceColumn])
          .sort(),
      ).toEqual([...vpcs[account]!].sort());
    }
  });

  test('GIVEN plan --org --format markdown with an unreachable member THEN a section per account, the unreachable one saying why, exit 1', async () => {
    seedOrg(fake, { withoutRole: [PROD] });
    const result = await run(['plan', ...ORG, '--format', 'markdown']);
    expect(result.code).toBe(1);
    const sections = [...result.stdout.matchAll(/^## flowfix plan: account `(\d+)`/gm)].map((m) => m[1]);
    expect(sections).toEqual([FAKE_ACCOUNT, DEV, PROD]);
    expect(result.stdout).toMatch(/## flowfix plan: account `333333333333` \(`prod`\)\n\ncould not be read: `AccessDenied`/);
  });

  test('GIVEN an unreachable member WHEN plan --org --format sarif|csv THEN the report holds the others and stderr names the one missing, exit 1', async () => {
    seedOrg(fake, { withoutRole: [DEV] });
    for (const format of ['sarif', 'csv']) {
      const result = await run(['plan', ...ORG, '--format', format]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`flowfix: account ${DEV} could not be read: the ${format} report has nothing for it (see --format json)\n`);
    }
  });

  test('GIVEN an applied organization WHEN verify --org THEN every account gets the delivery check verify does for one (issue 17 #3)', async () => {
    seedOrg(fake);
    expect((await run(['apply', ...ORG, '--yes'])).code).toBe(0);

    const json = await run(['verify', ...ORG, '--format', 'json']);
    const text = await run(['verify', ...ORG]);

    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.schema).toBe('flowfix.org-plan-report/v1');
    for (const account of doc.accounts) {
      // The account's two new flow logs (one per region), each looked at in its own account.
      expect(account.report.delivery.map((d: { region: string }) => d.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
      expect(account.report.delivery.every((d: { flowLogId: string }) => d.flowLogId.startsWith('fl-'))).toBe(true);
    }
    expect(text.code).toBe(0);
    expect(text.stdout.match(/^Delivery: /gm)).toHaveLength(3);
    expect(text.stdout).toMatch(/Verified: every resource in scope has a working flow log in 3 accounts\.\n$/);
  });

  test('GIVEN apply --org --dry-run THEN each account gets the permission preflight, as apply --dry-run does for one (issue 17 #4)', async () => {
    seedOrg(fake);

    const json = await run(['apply', ...ORG, '--dry-run', '--format', 'json']);
    const text = await run(['apply', ...ORG, '--dry-run']);

    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.accounts.map((a: { accountId: string; permissionCheck: { status: string } }) => [a.accountId, a.permissionCheck.status])).toEqual([
      [FAKE_ACCOUNT, 'checked'],
      [DEV, 'checked'],
      [PROD, 'checked'],
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout.match(/^Permissions$/gm)).toHaveLength(3);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test("GIVEN plan --org --check-permissions THEN each account's report holds its own permission check", async () => {
    seedOrg(fake);
    const result = await run(['plan', ...ORG, '--check-permissions', '--format', 'json']);
    expect(result.code).toBe(2);
    const principals = JSON.parse(result.stdout).accounts.map(
      (a: { report: { permissionCheck: { principal: string } } }) => a.report.permissionCheck.principal,
    );
    expect(principals).toEqual([expect.stringContaining(`:${FAKE_ACCOUNT}:`), `arn:aws:iam::${DEV}:role/${ROLE}`, `arn:aws:iam::${PROD}:role/${ROLE}`]);
  });

  test.each([['plan'], ['verify']])(
    'GIVEN Ctrl-C before the reads WHEN %s --org THEN nothing is asked and it exits 130 in one line, as for one account (issue 17 #5)',
    async (command) => {
      seedOrg(fake);
      const { captureIo } = await import('../helpers/capture-io.js');
      const { runCli } = await import('../../src/cli/run.js');
      const controller = new AbortController();
      controller.abort();
      const io = captureIo({ env: ENV });
      expect(await runCli([command, ...ORG, '--format', 'json'], io, { signal: controller.signal })).toBe(130);
      expect(io.err.join('')).toBe('flowfix: interrupted: the calls in flight finished, nothing more was started (run the same command again to finish)\n');
      expect(fake.calls).toEqual([]);
    },
  );

  test.each([
    [
      ['plan', ...['--org', '--assume-role', ROLE], '--out', 'plan.json'],
      /^flowfix: --out saves the plan of one account, but --org chooses every account of the organization \(use --out-dir DIR/,
    ],
    [
      ['plan', '--accounts', `${DEV},${PROD}`, '--assume-role', ROLE, '--out', 'plan.json'],
      /^flowfix: --out saves the plan of one account, but --accounts names 2 \(222222222222, 333333333333\) \(use --out-dir DIR/,
    ],
    [['apply', ...['--org', '--assume-role', ROLE], '--format', 'json'], /^flowfix: --format json cannot ask for confirmation \(add --yes to apply/],
    [['rollback', ...['--org', '--assume-role', ROLE], '--format', 'json'], /^flowfix: --format json cannot ask for confirmation \(add --yes to roll back/],
    [['verify', '--accounts', DEV, '--assume-role', ROLE, '--snapshot', 'examples/estate'], /^flowfix: --org and --accounts need AWS, not a snapshot/],
  ])('GIVEN %j THEN one line refuses it by name before any AWS call', async (argv, problem) => {
    seedOrg(fake);
    const result = await run(argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(problem);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN --accounts naming another account without --assume-role THEN one line says a role is needed, before anything but GetCallerIdentity', async () => {
    seedOrg(fake);
    const result = await run(['plan', '--accounts', `${FAKE_ACCOUNT},${DEV}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `flowfix: --accounts names ${DEV}, not the caller's own account (${FAKE_ACCOUNT}): flowfix enters it through a role (add --assume-role ROLE (e.g. OrganizationAccountAccessRole))\n`,
    );
    expect(fake.calls.map((c) => c.operation)).toEqual(['GetCallerIdentity']);
  });

  describe('a saved plan with account flags that leave its account out (issue 19 §2)', () => {
    let dir: string;
    let planFile: string;
    beforeEach(async () => {
      seedOrg(fake);
      fake.addOu('ou-ab12-workloads', 'r-f4k3');
      fake.account(DEV, { parentId: 'ou-ab12-workloads' });
      dir = await mkdtemp(path.join(tmpdir(), 'flowfix-saved-'));
      expect((await run(['plan', '--accounts', PROD, '--assume-role', ROLE, '--out', path.join(dir, 'prod.json')])).code).toBe(2);
      planFile = path.join(dir, 'prod.json');
      fake.calls.length = 0;
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    test.each([
      [['--accounts', DEV], `is for account ${PROD}, which --accounts does not name`, 0],
      [['--exclude-accounts', PROD], `is for account ${PROD}, which --exclude-accounts names`, 0],
      [['--org', '--ou', 'ou-ab12-workloads'], `is for account ${PROD}, which is not an ACTIVE account under --ou ou-ab12-workloads`, undefined],
    ])('GIVEN apply FILE %j THEN it is refused by name and nothing is written', async (flags, says, callsBefore) => {
      const result = await run(['apply', planFile, ...flags, '--assume-role', ROLE, '--yes']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `flowfix: plan ${planFile} ${says}: nothing was changed (drop the account flags (a saved plan applies in its own account), or apply the plan of an account the run covers)\n`,
      );
      expect(fake.mutatingCalls()).toEqual([]);
      // The flags alone decide it before any AWS call; --org has to list the organization first.
      if (callsBefore !== undefined) expect(fake.calls).toHaveLength(callsBefore);
    });

    test('GIVEN apply FILE --accounts naming its account THEN it applies there', async () => {
      const result = await run(['apply', planFile, '--accounts', PROD, '--assume-role', ROLE, '--yes']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(
        fake
          .account(PROD)
          .flowLogs('us-east-1')
          .filter((f) => f.LogGroupName === GROUP),
      ).toHaveLength(1);
      expect(fake.mutatingCalls().filter((c) => c.account !== PROD)).toEqual([]);
    });
  });
});

/**
 * Resolves once the run has gone quiet: no real I/O in flight (the SDK reads its config files) and no
 * new call to the fake for 50 turns of the event loop. With setTimeout on jest's clock and AWS in this
 * process, nothing else can move it on, so this counts turns, not time.
 */
async function quiet(fake: FakeAws): Promise<void> {
  let calls = -1;
  for (let idle = 0; idle < 50;) {
    await new Promise((resolve) => setImmediate(resolve));
    const moved = fake.calls.length !== calls || process.getActiveResourcesInfo().some((kind) => /Req/.test(kind));
    calls = fake.calls.length;
    idle = moved ? 0 : idle + 1;
  }
}

describe('one account whose calls all hang (issue 19 §3)', () => {
  useManagementCredentials();
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test("GIVEN entering one member never answers WHEN plan --org THEN that account is reported as not read within its deadline, and every other account's report is printed", async () => {
    seedOrg(fake);
    // Every call into PROD waits for credentials from an AssumeRole that never answers.
    fake.onCall = (call) => (call.operation === 'AssumeRole' && String(call.input.RoleArn).includes(`::${PROD}:`) ? new Promise<void>(() => {}) : undefined);
    const { captureIo } = await import('../helpers/capture-io.js');
    const { runCli } = await import('../../src/cli/run.js');

    for (const format of ['json', 'text']) {
      const io = captureIo({ env: ENV });
      // The deadline runs on jest's clock (setTimeout only) and passes once the run has gone quiet: the
      // other accounts read, PROD waiting on its AssumeRole. How fast they are read never races it.
      jest.useFakeTimers({
        doNotFake: [
          'Date',
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'requestAnimationFrame',
          'cancelAnimationFrame',
          'requestIdleCallback',
          'cancelIdleCallback',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
        ],
      });
      let code: number;
      try {
        const running = runCli(['plan', '--org', '--assume-role', ROLE, '--format', format], io, { accountDeadlineMs: 500 });
        await quiet(fake);
        jest.advanceTimersByTime(500);
        code = await running;
      } finally {
        jest.useRealTimers();
      }
      const stdout = io.out.join('');
      expect(code).toBe(1);
      if (format === 'json') {
        const report = JSON.parse(stdout);
        expect(report.accounts.map((a: any) => [a.accountId, a.status])).toEqual([
          [FAKE_ACCOUNT, 'read'],
          [DEV, 'read'],
          [PROD, 'unreachable'],
        ]);
        expect(report.accounts[2].error).toMatchObject({
          code: 'AccountTimeout',
          message: `account ${PROD} was not read within 0.5 s (its calls did not answer in time); the other accounts are reported`,
        });
      } else {
        expect(stdout).toContain(`== Account ${DEV} (dev)`);
        expect(stdout).toMatch(new RegExp(`== Account ${PROD} \\(prod\\)\\n  could not be read: AccountTimeout`));
      }
    }
  });
});
