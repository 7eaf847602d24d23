// `flowfix rollback` end to end over the stateful fake: apply, then roll back exactly what flowfix
// created (tagged ManagedBy=flowfix), never a user's resource of the same name. After each test the
// operator-policy check proves policies/operator-apply.json allows every delete sent.
import { rollbackCommand } from '../../src/cli/commands/rollback.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { PromptCancelled, type Prompter } from '../../src/io/prompter.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { EVERY_CALL_LOOP_TIMEOUT_MS } from '../helpers/timeouts.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const GROUP = '/flowfix/vpc-flow-logs';
const ROLE = 'flowfix-vpc-flow-logs';
const POLICY = 'flowfix-publish-flow-logs';
const REGIONS = ['us-east-1', 'eu-west-1'];
const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

const deletes = (fake: FakeAws) => fake.mutatingCalls().filter((c) => c.operation.startsWith('Delete'));
const allFlowLogs = (fake: FakeAws) => REGIONS.flatMap((r) => fake.flowLogs(r));
const prompter = (confirm: Prompter['confirm']): Prompter => ({
  confirm,
  select: async () => {
    throw new Error('unexpected');
  },
  checkbox: async () => {
    throw new Error('unexpected');
  },
  input: async () => {
    throw new Error('unexpected');
  },
  secret: async () => {
    throw new Error('unexpected');
  },
});

let fake: FakeAws;
let userVpc: string;
beforeEach(async () => {
  fake = new FakeAws().install();
  fake.addVpc('us-east-1', { name: 'bare-us' });
  fake.addVpc('eu-west-1', { name: 'bare-eu' });
  userVpc = fake.addVpc('us-east-1', { name: 'users-own' });
  // The user's own flow log, to their own group, with their own role: never flowfix's to delete.
  fake.addFlowLog('us-east-1', {
    resourceId: userVpc,
    trafficType: 'ALL',
    logGroupName: '/team/flow-logs',
    deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/team-role`,
  });
  const applied = await run(['apply', '--yes']);
  expect(applied.code).toBe(0);
  fake.calls.length = 0;
});
afterEach(() => fake.restore());

describe('flowfix rollback', () => {
  test("GIVEN an applied account WHEN rollback --yes THEN exactly flowfix's flow logs, policy and role are deleted; log groups and the user's flow log stay", async () => {
    const ours = allFlowLogs(fake)
      .filter((f) => f.Tags?.some((t) => t.Key === 'ManagedBy' && t.Value === 'flowfix'))
      .map((f) => f.FlowLogId);
    expect(ours).toHaveLength(2);
    const result = await run(['rollback', '--yes']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Rollback: 2 flow logs, 1 role policy, 1 role to delete\./);
    // A delete is reported as what it did: deleted, not applied.
    expect(result.stdout).toMatch(/^deleted +us-east-1 +fl-\w+ +delete-flow-logs$/m);
    expect(result.stdout).toMatch(/^deleted +global +flowfix-vpc-flow-logs +delete-role$/m);
    expect(result.stdout).not.toMatch(/^applied/m);
    expect(result.stdout).toMatch(/Summary: 4 actions on 4 resources: 4 deleted$/m);
    expect(result.stdout).toMatch(/Kept log group \/flowfix\/vpc-flow-logs in us-east-1 \(0 bytes\): holds your log data; add --delete-log-groups/);
    expect(allFlowLogs(fake).map((f) => f.ResourceId)).toEqual([userVpc]);
    expect(fake.role(ROLE)).toBeUndefined();
    for (const region of REGIONS) expect(fake.logGroup(region, GROUP)).toBeDefined();
    // The policy goes before the role, and both after every flow log.
    expect(deletes(fake).map((c) => c.operation)).toEqual(['DeleteFlowLogs', 'DeleteFlowLogs', 'DeleteRolePolicy', 'DeleteRole']);
    expect(
      deletes(fake)
        .flatMap((c) => c.input.FlowLogIds ?? [])
        .sort(),
    ).toEqual([...ours].sort());
  });

  test('GIVEN a rolled-back account WHEN rollback runs again THEN nothing to do, exit 0, no delete sent', async () => {
    expect((await run(['rollback', '--yes'])).code).toBe(0);
    fake.calls.length = 0;
    const again = await run(['rollback', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to roll back in account 111111111111');
    // Said once, not twice.
    expect(again.stdout.match(/Nothing to roll back/g)).toHaveLength(1);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN --delete-log-groups THEN only flowfix-tagged groups are deleted, and the confirm names the bytes lost', async () => {
    fake.setStoredBytes('us-east-1', GROUP, 1_500_000);
    fake.setStoredBytes('eu-west-1', GROUP, 500_000);
    // A user's group of flowfix's name, not tagged by flowfix, in a third region.
    const io = captureIo({ env: ENV, interactive: true });
    const asked: string[] = [];
    // Log data is destroyed: the number of groups is typed, not a y.
    const typing = {
      ...prompter(async () => {
        throw new Error('a y/N confirm for destroying log data');
      }),
      input: async (m: string) => (asked.push(m), '2'),
    };
    const code = await rollbackCommand(await toCommandOptions({ deleteLogGroups: true }, io), io, { prompter: typing });
    expect(code).toBe(0);
    expect(asked).toEqual([
      'Delete 6 resources flowfix created in account 111111111111? This deletes 2 log groups holding 2,000,000 bytes (2.0 MB) of log data, which cannot be recovered. Type 2 (the number of log groups) or delete to go ahead:',
    ]);
    for (const region of REGIONS) expect(fake.logGroup(region, GROUP)).toBeUndefined();
    expect(fake.logGroup('us-east-1', '/team/flow-logs')).toBeUndefined(); // never existed as a group in the fake: only named by the flow log
    expect(
      deletes(fake)
        .filter((c) => c.operation === 'DeleteLogGroup')
        .map((c) => c.region)
        .sort(),
    ).toEqual(['eu-west-1', 'us-east-1']);
  });

  test.each([['y'], ['yes'], ['3'], ['']])(
    'GIVEN --delete-log-groups WHEN the person types %j (not the number of groups, nor delete) THEN nothing is deleted',
    async (typed) => {
      const io = captureIo({ env: ENV, interactive: true });
      const typing = { ...prompter(async () => true), input: async () => typed };
      const code = await rollbackCommand(await toCommandOptions({ deleteLogGroups: true }, io), io, { prompter: typing });
      expect(code).toBe(0);
      expect(io.out.join('')).toContain('Nothing was deleted.');
      expect(deletes(fake)).toEqual([]);
    },
  );

  test('GIVEN --delete-log-groups WHEN the person types delete THEN the groups are deleted', async () => {
    const io = captureIo({ env: ENV, interactive: true });
    const code = await rollbackCommand(await toCommandOptions({ deleteLogGroups: true }, io), io, {
      prompter: { ...prompter(async () => true), input: async () => ' Delete ' },
    });
    expect(code).toBe(0);
    expect(deletes(fake).filter((c) => c.operation === 'DeleteLogGroup')).toHaveLength(2);
  });

  test('GIVEN no --delete-log-groups THEN the y/N confirm is kept (no log data is lost)', async () => {
    const io = captureIo({ env: ENV, interactive: true });
    const asked: string[] = [];
    const code = await rollbackCommand(await toCommandOptions({}, io), io, { prompter: prompter(async (m) => (asked.push(m), false)) });
    expect([code, asked.length]).toEqual([0, 1]);
  });

  test('GIVEN --dry-run THEN the plan is shown and no delete is sent', async () => {
    const result = await run(['rollback', '--dry-run', '--delete-log-groups']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rollback: 2 flow logs, 2 log groups, 1 role policy, 1 role to delete.');
    expect(result.stdout).toContain('Dry run: nothing was changed. rollback would send these calls:');
    expect(result.stdout.match(/Dry run: nothing was/g)).toHaveLength(1);
    expect(result.stdout).toContain('To delete it, run `flowfix rollback --yes` with the same options.');
    // Each flow log's VPC is named, with its Name tag: what loses logging, not only flow log ids.
    expect(result.stdout).toMatch(/no longer logged: vpc-\w+ \("bare-us"\)/);
    expect(result.stdout).toMatch(/no longer logged: vpc-\w+ \("bare-eu"\)/);
    expect(result.stdout).not.toContain('users-own');
    expect(deletes(fake)).toEqual([]);
    expect(fake.role(ROLE)).toBeDefined();
  });

  test('GIVEN no terminal and no --yes THEN it refuses, deletes nothing', async () => {
    const result = await run(['rollback']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refusing to change AWS without consent: no terminal to ask on.*--yes/);
    expect(deletes(fake)).toEqual([]);
  });

  test('GIVEN an interactive user who answers no, or presses Ctrl-C THEN nothing is deleted', async () => {
    const io = captureIo({ env: ENV, interactive: true });
    expect(await rollbackCommand(await toCommandOptions({}, io), io, { prompter: prompter(async () => false) })).toBe(0);
    expect(io.out.join('')).toContain('Nothing was deleted.');
    const io2 = captureIo({ env: ENV, interactive: true });
    expect(
      await rollbackCommand(await toCommandOptions({}, io2), io2, {
        prompter: prompter(async () => {
          throw new PromptCancelled();
        }),
      }),
    ).toBe(130);
    expect(deletes(fake)).toEqual([]);
  });

  test('GIVEN --format json --yes THEN one rollback report with actions, kept and outcomes', async () => {
    const result = await run(['rollback', '--yes', '--format', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({ schema: 'flowfix.rollback-report/v1', dryRun: false, deleteLogGroups: false, exitCode: 0 });
    const [account] = doc.accounts;
    expect(account).toMatchObject({ accountId: FAKE_ACCOUNT, status: 'done', bytesToDelete: 0, interrupted: false });
    expect(account.actions.map((a: { kind: string }) => a.kind)).toEqual(['delete-flow-logs', 'delete-flow-logs', 'delete-role-policy', 'delete-role']);
    expect(account.kept).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'log-group', name: GROUP, storedBytes: 0 })]));
    expect(account.outcomes.every((o: { status: string }) => o.status === 'deleted')).toBe(true);
  });

  test('GIVEN --format json without --yes or --dry-run THEN it refuses before any AWS call', async () => {
    const result = await run(['rollback', '--format', 'json']);
    expect(result.code).toBe(1);
    expect(fake.calls).toEqual([]);
  });
});

describe('what rollback never touches', () => {
  test("GIVEN a user's untagged role, log group and flow log with flowfix's names THEN nothing of theirs is deleted, the role is kept with the reason", async () => {
    const fresh = new FakeAws().install();
    try {
      const vpc = fresh.addVpc('us-east-1');
      fresh.addRole(ROLE, trust, { [POLICY]: { Version: '2012-10-17', Statement: [] } }, { Owner: 'me' });
      fresh.addLogGroup('us-east-1', GROUP, { retentionInDays: 30, tags: { Owner: 'me' } });
      fresh.addFlowLog('us-east-1', {
        resourceId: vpc,
        logGroupName: GROUP,
        deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${ROLE}`,
        tags: { ManagedBy: 'terraform' },
      });
      const result = await run(['rollback', '--yes', '--delete-log-groups']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Kept role ${ROLE}: not created by flowfix (no ManagedBy=flowfix tag)`);
      expect(result.stdout).toContain(`Kept log group ${GROUP} in us-east-1: not created by flowfix`);
      expect(result.stdout).toContain('Nothing to roll back in account');
      expect(fresh.mutatingCalls()).toEqual([]);
      expect(fresh.role(ROLE)?.inlinePolicies).toHaveProperty(POLICY);
      expect(fresh.flowLogs('us-east-1')).toHaveLength(1);
    } finally {
      fresh.restore();
      fake.install();
    }
  });

  test("GIVEN flowfix's role still used by a user's flow log THEN its flow logs go, the role and policy are kept with the reason", async () => {
    const other = fake.addVpc('eu-west-1', { name: 'team-eu' });
    const used = fake.addFlowLog('eu-west-1', {
      resourceId: other,
      logGroupName: '/team/eu',
      deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/${ROLE}`,
    });
    const result = await run(['rollback', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Kept role ${ROLE}: still used by flow log ${used} (${other} in eu-west-1): kept with its policy`);
    expect(fake.role(ROLE)?.inlinePolicies).toHaveProperty(POLICY);
    expect(deletes(fake).map((c) => c.operation)).toEqual(['DeleteFlowLogs', 'DeleteFlowLogs']);
  });

  test("GIVEN --regions us-east-1 and flowfix's flow log in eu-west-1 THEN us-east-1 is rolled back and the role is kept, still used in eu-west-1", async () => {
    const result = await run(['rollback', '--yes', '--regions', 'us-east-1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Kept role flowfix-vpc-flow-logs: still used by flow log fl-\w+ \(vpc-\w+ in eu-west-1\)/);
    expect(fake.flowLogs('eu-west-1')).toHaveLength(1);
    expect(deletes(fake).map((c) => `${c.operation}@${c.region}`)).toEqual(['DeleteFlowLogs@us-east-1']);
  });
});

describe('interrupted and failed rollbacks converge', () => {
  test(
    'GIVEN Ctrl-C at each call of a rollback THEN exit 130 (or 0 once done) and a re-run finishes with everything flowfix created gone',
    async () => {
      const problems: string[] = [];
      let finished = false;
      // k past a clean rollback's last call: nothing is interrupted and the loop ends.
      for (let k = 1; k <= 60; k++) {
        fake.restore();
        fake = new FakeAws().install();
        fake.addVpc('us-east-1');
        fake.addVpc('eu-west-1');
        expect((await run(['apply', '--yes'])).code).toBe(0);
        fake.calls.length = 0;
        const controller = new AbortController();
        fake.onCall = () => {
          if (fake.calls.length === k) controller.abort();
        };
        const io = captureIo({ env: ENV });
        const code = await rollbackCommand(await toCommandOptions({ yes: true }, io), io, { signal: controller.signal });
        fake.onCall = undefined;
        const stopped = controller.signal.aborted;
        if (code !== (stopped ? 130 : 0)) problems.push(`k=${k}: exit ${code}, Ctrl-C ${stopped ? 'pressed' : 'never pressed'}`);
        if (stopped && /^deleted/m.test(io.out.join('')) === false && deletes(fake).length > 0) problems.push(`k=${k}: deletes sent but none reported deleted`);
        const rerun = await run(['rollback', '--yes']);
        if (rerun.code !== 0) problems.push(`k=${k}: re-run exit ${rerun.code}: ${rerun.stdout}${rerun.stderr}`);
        if (allFlowLogs(fake).length > 0 || fake.role(ROLE))
          problems.push(`k=${k}: left ${allFlowLogs(fake).length} flow logs, role ${fake.role(ROLE) ? 'present' : 'gone'}`);
        if (!stopped) {
          finished = true;
          break;
        }
      }
      expect(problems).toEqual([]);
      expect(finished).toBe(true);
    },
    EVERY_CALL_LOOP_TIMEOUT_MS,
  );

  test('GIVEN the connection drops after AWS deleted the role THEN it is settled as done, never failed, exit 0', async () => {
    fake.failNext('DeleteRole', { name: 'ECONNRESET' }, { afterEffect: true, times: 5 });
    const result = await run(['rollback', '--yes', '--format', 'json']);
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout).accounts[0].outcomes.find((o: { kind: string }) => o.kind === 'delete-role');
    expect(['deleted', 'already-done']).toContain(outcome.status);
    expect(fake.role(ROLE)).toBeUndefined();
  });

  test('GIVEN DeleteFlowLogs fails for one region THEN the role is kept (a flow log may still use it), exit 1, and a re-run finishes', async () => {
    fake.failNext('DeleteFlowLogs', { name: 'InvalidParameterValue', message: 'refused', httpStatusCode: 400 }, { region: 'eu-west-1' });
    const failed = await run(['rollback', '--yes']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/skipped\s+global\s+flowfix-vpc-flow-logs\s+delete-role\s+flow log fl-\w+ in eu-west-1 could not be deleted/);
    // The policy stays too: the flow log left still delivers through it.
    expect(fake.role(ROLE)?.inlinePolicies).toHaveProperty(POLICY);
    const rerun = await run(['rollback', '--yes']);
    expect(rerun.code).toBe(0);
    expect(fake.role(ROLE)).toBeUndefined();
    expect(allFlowLogs(fake).map((f) => f.ResourceId)).toEqual([userVpc]);
  });
});

describe('rollback deletes only what these settings created', () => {
  const tagFlowfix = (region: string, resourceId: string) =>
    fake.updateFlowLogs(region, (f) => {
      if (f.ResourceId === resourceId) f.Tags = [...(f.Tags ?? []).filter((t) => t.Key !== 'ManagedBy'), { Key: 'ManagedBy', Value: 'flowfix' }];
    });

  test("GIVEN the pre-existing flow logs are tagged ManagedBy=flowfix after apply WHEN rollback --yes --delete-log-groups THEN every one of them stays, each listed with why, and only flowfix's are removed", async () => {
    // The security team's own flow logs: one to its own group through its own role, one to flowfix's group through its own role.
    const secVpc = fake.addVpc('eu-west-1', { name: 'security' });
    fake.addFlowLog('eu-west-1', {
      resourceId: secVpc,
      logGroupName: '/seed/security',
      deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/security-team`,
    });
    const lookalike = fake.addFlowLog('us-east-1', {
      resourceId: userVpc,
      trafficType: 'REJECT',
      logGroupName: GROUP,
      deliverLogsPermissionArn: `arn:aws:iam::${FAKE_ACCOUNT}:role/security-team`,
    });
    const preExisting = allFlowLogs(fake)
      .filter((f) => !f.Tags?.some((t) => t.Key === 'ManagedBy'))
      .map((f) => f.FlowLogId!);
    expect(preExisting).toHaveLength(3);
    // Anyone with ec2:CreateTags can write the tag.
    tagFlowfix('us-east-1', userVpc);
    tagFlowfix('eu-west-1', secVpc);

    const result = await run(['rollback', '--yes', '--delete-log-groups']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(
      allFlowLogs(fake)
        .map((f) => f.FlowLogId)
        .sort(),
    ).toEqual([...preExisting].sort());
    expect(result.stdout).toMatch(
      /Kept flow log fl-\w+ in us-east-1: tagged ManagedBy=flowfix but delivers to \/team\/flow-logs, not flowfix's group \/flowfix\/vpc-flow-logs/,
    );
    expect(result.stdout).toMatch(/Kept flow log fl-\w+ in eu-west-1: tagged ManagedBy=flowfix but delivers to \/seed\/security, not flowfix's group/);
    expect(result.stdout).toContain(
      `Kept flow log ${lookalike} in us-east-1: tagged ManagedBy=flowfix but delivers through role arn:aws:iam::${FAKE_ACCOUNT}:role/security-team, not flowfix's role arn:aws:iam::${FAKE_ACCOUNT}:role/${ROLE}`,
    );
    // flowfix's group in us-east-1 still receives the security team's flow log: kept; eu-west-1's goes.
    expect(fake.logGroup('us-east-1', GROUP)).toBeDefined();
    expect(fake.logGroup('eu-west-1', GROUP)).toBeUndefined();
    expect(fake.role(ROLE)).toBeUndefined();
    expect(
      deletes(fake)
        .flatMap((c) => c.input.FlowLogIds ?? [])
        .some((id: string) => preExisting.includes(id)),
    ).toBe(false);
  });

  test("GIVEN two deployments with their own --role-name and --log-group WHEN one is rolled back with --delete-log-groups THEN the other's flow logs, log groups and role stay, and then it rolls back on its own", async () => {
    const TEAM_B = ['--role-name', 'ff-team-b-role', '--log-group', '/flowfix/team-b'];
    fake.operatorRole('ff-team-b-role');
    const teamA = allFlowLogs(fake)
      .filter((f) => f.LogGroupName === GROUP)
      .map((f) => f.FlowLogId);
    expect(teamA).toHaveLength(2);
    fake.addVpc('us-east-1', { name: 'team-b-us' });
    fake.addVpc('eu-west-1', { name: 'team-b-eu' });
    expect((await run(['apply', '--yes', ...TEAM_B])).code).toBe(0);
    const teamB = allFlowLogs(fake).filter((f) => f.LogGroupName === '/flowfix/team-b');
    expect(teamB.map((f) => f.DeliverLogsPermissionArn)).toEqual([
      `arn:aws:iam::${FAKE_ACCOUNT}:role/ff-team-b-role`,
      `arn:aws:iam::${FAKE_ACCOUNT}:role/ff-team-b-role`,
    ]);

    const rolledB = await run(['rollback', '--yes', '--delete-log-groups', ...TEAM_B]);
    expect(rolledB.stderr).toBe('');
    expect(rolledB.code).toBe(0);
    expect(rolledB.stdout).toMatch(
      /Kept flow log fl-\w+ in us-east-1: tagged ManagedBy=flowfix but delivers to \/flowfix\/vpc-flow-logs, not flowfix's group \/flowfix\/team-b/,
    );
    expect(allFlowLogs(fake).filter((f) => f.LogGroupName === '/flowfix/team-b')).toEqual([]);
    expect(
      allFlowLogs(fake)
        .filter((f) => f.LogGroupName === GROUP)
        .map((f) => f.FlowLogId)
        .sort(),
    ).toEqual([...teamA].sort());
    for (const region of REGIONS) {
      expect(fake.logGroup(region, GROUP)).toBeDefined();
      expect(fake.logGroup(region, '/flowfix/team-b')).toBeUndefined();
    }
    expect(fake.role('ff-team-b-role')).toBeUndefined();
    expect(fake.role(ROLE)?.inlinePolicies).toHaveProperty(POLICY);

    // Team A's rollback, with its own (default) settings, finds its own resources whole.
    const rolledA = await run(['rollback', '--yes', '--delete-log-groups']);
    expect(rolledA.code).toBe(0);
    expect(allFlowLogs(fake).map((f) => f.ResourceId)).toEqual([userVpc]);
    expect(fake.role(ROLE)).toBeUndefined();
    for (const region of REGIONS) expect(fake.logGroup(region, GROUP)).toBeUndefined();
  });
});

describe('a role with something flowfix did not attach', () => {
  test.each([
    ['a managed policy attached', () => fake.attachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/ReadOnlyAccess'), 'has managed policy ReadOnlyAccess attached'],
    ['an instance profile', () => fake.addRoleToInstanceProfile(ROLE, 'web-servers'), 'has instance profile web-servers'],
  ])(
    "GIVEN flowfix's role with %s WHEN rollback --yes THEN flowfix's flow logs go, the role survives whole with its inline policy, and the output names what is attached",
    async (_name, attach, named) => {
      attach();
      const result = await run(['rollback', '--yes']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Kept role ${ROLE}: ${named}, which flowfix did not add: kept whole, with its inline policy`);
      expect(fake.role(ROLE)?.inlinePolicies).toHaveProperty(POLICY);
      expect(deletes(fake).map((c) => c.operation)).toEqual(['DeleteFlowLogs', 'DeleteFlowLogs']);
      expect(allFlowLogs(fake).map((f) => f.ResourceId)).toEqual([userVpc]);
      // Read before anything was deleted.
      const firstDelete = fake.calls.findIndex((c) => c.operation === 'DeleteFlowLogs');
      expect(fake.calls.findIndex((c) => c.operation === 'ListAttachedRolePolicies')).toBeLessThan(firstDelete);
      expect(fake.calls.findIndex((c) => c.operation === 'ListInstanceProfilesForRole')).toBeLessThan(firstDelete);
    },
  );
});
