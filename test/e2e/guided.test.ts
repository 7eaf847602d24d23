import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { guidedCommand } from '../../src/cli/commands/guided.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { runCli } from '../../src/cli/run.js';
import { PromptCancelled, type Choice, type Prompter } from '../../src/io/prompter.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const GROUP = '/flowfix/vpc-flow-logs';

/** Take the default (preselected choices, default value). */
const DEFAULT = Symbol('default');
/** Press Ctrl-C at this question. */
const CANCEL = Symbol('cancel');

type Method = 'confirm' | 'select' | 'checkbox' | 'input' | 'secret';
type Answer = unknown;
interface Step {
  method: Method;
  match: RegExp;
  answer: Answer | typeof DEFAULT | typeof CANCEL | ((choices: Choice<unknown>[]) => unknown);
}

/** Answers in the order the questions must come; any other question fails the test. */
function scripted(steps: Step[]): Prompter & { asked: string[]; remaining: () => Step[] } {
  const queue = [...steps];
  const asked: string[] = [];
  const next = (method: Method, message: string): Step => {
    asked.push(message);
    const step = queue.shift();
    if (!step || step.method !== method || !step.match.test(message)) {
      throw new Error(`unexpected ${method} question: "${message}" (expected ${step ? `${step.method} ${step.match}` : 'no more questions'})`);
    }
    if (step.answer === CANCEL) throw new PromptCancelled();
    return step;
  };
  return {
    asked,
    remaining: () => queue,
    async confirm(message, options) {
      const { answer } = next('confirm', message);
      return answer === DEFAULT ? (options?.default ?? false) : (answer as boolean);
    },
    async select<T>(message: string, choices: Choice<T>[], options?: { default?: T }) {
      const { answer } = next('select', message);
      const value = answer === DEFAULT ? options?.default : (answer as T);
      if (!choices.some((c) => c.value === value)) throw new Error(`"${message}": ${String(value)} is not a choice`);
      return value as T;
    },
    async checkbox<T>(message: string, choices: Choice<T>[]) {
      const { answer } = next('checkbox', message);
      if (answer === DEFAULT) return choices.filter((c) => c.checked).map((c) => c.value);
      return (typeof answer === 'function' ? answer(choices) : answer) as T[];
    },
    async input(message, options) {
      const { answer } = next('input', message);
      const value = answer === DEFAULT ? (options?.default ?? '') : (answer as string);
      const valid = options?.validate?.(value) ?? true;
      if (valid !== true) throw new Error(`"${message}": ${value} rejected: ${valid}`);
      return value;
    },
    async secret(message) {
      return next('secret', message).answer as string;
    },
  };
}

const step = (method: Method, match: RegExp, answer: Step['answer'] = DEFAULT): Step => ({ method, match, answer });

/** Every question up to (not including) the target-resource checkbox, for a CloudWatch destination. */
const cloudWatchSettings = (over: { scope?: unknown } = {}): Step[] => [
  step('checkbox', /which regions/),
  step('select', /Scope/, over.scope ?? DEFAULT),
  step('select', /Traffic/),
  step('select', /Where should flow logs go/),
  step('input', /Log group name/),
  step('select', /Retention/),
  step('input', /KMS key/),
  step('input', /Delivery role name/),
];
const review = (apply: boolean | typeof CANCEL = true): Step[] => [step('confirm', /Save this plan/), step('confirm', /apply these \d+ actions/, apply)];

describe('flowfix guided against a stateful fake', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  async function guided(steps: Step[], args: Record<string, unknown> = {}) {
    const io = captureIo({ env: ENV, interactive: true });
    const options = await toCommandOptions(args, io);
    const prompter = scripted(steps);
    const code = await guidedCommand(options, io, { prompter });
    expect(prompter.remaining()).toEqual([]);
    return { code, stdout: io.out.join(''), stderr: io.err.join(''), asked: prompter.asked };
  }

  function seed() {
    const east = fake.addVpc('us-east-1', { name: 'east' });
    const sub1 = fake.addSubnet('us-east-1', east);
    const sub2 = fake.addSubnet('us-east-1', east);
    const west = fake.addVpc('eu-west-1', { name: 'west' });
    return { east, west, sub1, sub2 };
  }

  test('GIVEN all defaults THEN VPC flow logs to CloudWatch are created with a new role', async () => {
    const { east, west } = seed();
    const run = await guided([...cloudWatchSettings(), step('checkbox', /which resources/), ...review(true)]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('account 111111111111');
    expect(run.stdout).toMatch(/caller\s+arn:aws:/);
    // No keys and no profile: step 1 says so, and names no profile that is not in use.
    expect(run.stdout).toMatch(/credentials the SDK default chain/);
    expect(run.stdout).not.toMatch(/profile\s+default/);
    expect(run.stdout).toContain(
      'flowfix apply --regions eu-west-1,us-east-1 --scope vpc --traffic-type REJECT --destination cloud-watch-logs --log-group /flowfix/vpc-flow-logs --retention 365 --role-name flowfix-vpc-flow-logs --yes',
    );
    const logs = [...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')];
    expect(logs.map((f) => f.ResourceId).sort()).toEqual([east, west].sort());
    expect(logs.every((f) => f.TrafficType === 'REJECT' && f.LogGroupName === GROUP)).toBe(true);
    expect(fake.role('flowfix-vpc-flow-logs')).toBeDefined();
    expect(fake.mutatingCalls().map((c) => c.operation)).toContain('CreateRole');
  });

  test.each([
    [
      'keys in environment variables',
      {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE',
      },
      /\n {2}credentials environment variables AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY\/AWS_SESSION_TOKEN\n/,
    ],
    ['a profile named by AWS_PROFILE', { AWS_PROFILE: 'ops' }, /\n {2}credentials profile ops \(AWS_PROFILE\): access keys in \S+credentials\n/],
  ])('GIVEN %s THEN step 1 names where the credentials come from, never a secret, and no other profile', async (_label, env, credentials) => {
    seed();
    const home = await mkdtemp(path.join(tmpdir(), 'flowfix-guided-home-'));
    try {
      await mkdir(path.join(home, '.aws'));
      await writeFile(path.join(home, '.aws', 'credentials'), '[ops]\naws_access_key_id = AKIAOPSEXAMPLE\naws_secret_access_key = opsSecretEXAMPLE\n');
      const io = captureIo({ env: { ...ENV, HOME: home, ...env }, interactive: true });
      const prompter = scripted([...cloudWatchSettings(), step('checkbox', /which resources/), ...review(DEFAULT as never)]);
      const code = await runCli(['guided'], io, { prompter });
      const stdout = io.out.join('');
      expect(code).toBe(0);
      const step1 = stdout.slice(0, stdout.indexOf('REGION'));
      expect(step1).toMatch(credentials);
      expect(step1).not.toMatch(/profile\s+default/);
      expect(`${stdout}${io.err.join('')}`).not.toMatch(/wJalrXUtnFEMI|IQoJb3JpZ2luX2VjEXAMPLE|opsSecretEXAMPLE/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  test('GIVEN the subnet scope THEN each subnet gets its own flow log', async () => {
    const { sub1, sub2, west } = seed();
    const run = await guided([...cloudWatchSettings({ scope: 'subnet' }), step('checkbox', /which resources/), ...review(true)]);

    expect(run.code).toBe(0);
    expect(
      fake
        .flowLogs('us-east-1')
        .map((f) => f.ResourceId)
        .sort(),
    ).toEqual([sub1, sub2].sort());
    expect(fake.flowLogs('eu-west-1')).toEqual([]); // a VPC without subnets has nothing in subnet scope
    expect(fake.flowLogs('us-east-1').every((f) => f.ResourceId !== west)).toBe(true);
  });

  test('GIVEN an S3 destination THEN S3 flow logs are created and no role', async () => {
    const { east, west } = seed();
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'my-flow-logs' });
    const run = await guided([
      step('checkbox', /which regions/),
      step('select', /Scope/),
      step('select', /Traffic/, 'ALL'),
      step('select', /Where should flow logs go/, 's3'),
      step('input', /S3 destination/, 's3://my-flow-logs/vpc'),
      step('checkbox', /which resources/),
      ...review(true),
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--traffic-type ALL --destination s3://my-flow-logs/vpc/ --yes');
    const logs = [...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')];
    expect(logs.map((f) => f.ResourceId).sort()).toEqual([east, west].sort());
    expect(logs.every((f) => f.LogDestinationType === 's3' && f.TrafficType === 'ALL')).toBe(true);
    expect(fake.mutatingCalls().map((c) => c.operation)).not.toContain('CreateRole');
  });

  test('GIVEN a deselected resource THEN it gets no flow log and the rest do', async () => {
    const { east, west } = seed();
    const run = await guided([
      ...cloudWatchSettings(),
      step('checkbox', /which resources/, (choices: Choice<unknown>[]) => {
        expect(choices.map((c) => c.name)).toEqual([`eu-west-1  ${west} (west)`, `us-east-1  ${east} (east)`]);
        return choices.filter((c) => !c.name.includes(west)).map((c) => c.value);
      }),
      ...review(true),
    ]);

    expect(run.code).toBe(0);
    expect(fake.flowLogs('eu-west-1')).toEqual([]);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
    expect(fake.mutatingCalls().filter((c) => c.region === 'eu-west-1')).toEqual([]);
    expect(run.stdout).toContain(`The same, without questions (the 1 resource you left out as --exclude):`);
    expect(run.stdout).toMatch(new RegExp(`flowfix apply --regions eu-west-1,us-east-1 --exclude ${west} .*--yes`));
  });

  test('GIVEN a deselected resource WHEN the printed "same, without questions" command runs THEN it does what guided would have done: the unticked VPC is left alone', async () => {
    const { east, west } = seed();
    const run = await guided([
      ...cloudWatchSettings(),
      step('checkbox', /which resources/, (choices: Choice<unknown>[]) => choices.filter((c) => !c.name.includes(west)).map((c) => c.value)),
      ...review(DEFAULT as never), // "No": nothing changed by guided itself
    ]);
    expect(fake.mutatingCalls()).toEqual([]);
    const command = run.stdout
      .split('\n')
      .find((l) => l.startsWith('  flowfix apply '))!
      .trim();
    // Words without quotes: what a shell would pass.
    expect(command).toMatch(/^[\w@%+=:,./ -]+$/);

    const printed = await runFlowfix(command.split(' ').slice(1), { env: ENV });

    expect(printed.code).toBe(0);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
    expect(fake.flowLogs('eu-west-1')).toEqual([]);
    expect(printed.stdout).toContain(`${west}`); // listed as excluded, with why
  });

  test('GIVEN every resource unticked THEN guided says there is nothing to apply, offers no command and asks nothing more', async () => {
    seed();
    const run = await guided([...cloudWatchSettings(), step('checkbox', /which resources/, [])]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('You left all 2 resources out: nothing to apply.');
    expect(run.stdout).not.toMatch(/without questions|flowfix apply |Plan for account/);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN a plan file path that cannot be written THEN guided says why and asks again, keeping every answer; empty goes on without saving', async () => {
    const { east, west } = seed();
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-guided-'));
    const file = path.join(dir, 'plan.json');
    try {
      const run = await guided([
        ...cloudWatchSettings({ scope: 'vpc' }),
        step('checkbox', /which resources/),
        step('confirm', /Save this plan/, true),
        step('input', /^Plan file$/, path.join(dir, 'no-such-dir', 'plan.json')),
        step('input', /^Plan file \(another path, or empty to go on without saving\)$/, path.join(dir, 'missing-too', 'x.json')),
        step('input', /^Plan file \(another path/, file),
        step('confirm', /apply these \d+ actions/, true),
      ]);

      expect(run.stdout).toMatch(/Not saved: cannot write plan to \S+no-such-dir\/plan\.json: /);
      expect(run.stdout).toMatch(/Not saved: cannot write plan to \S+missing-too\/x\.json: /);
      expect(JSON.parse(await readFile(file, 'utf8')).accountId).toBe('111111111111');
      expect(run.code).toBe(0);
      expect([...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')].map((f) => f.ResourceId).sort()).toEqual([east, west].sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN an empty answer after a path that cannot be written THEN guided goes on to the last question without saving', async () => {
    seed();
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-guided-'));
    try {
      const run = await guided([
        ...cloudWatchSettings(),
        step('checkbox', /which resources/),
        step('confirm', /Save this plan/, true),
        step('input', /^Plan file$/, path.join(dir, 'no-such-dir', 'plan.json')),
        step('input', /^Plan file \(another path/, ''),
        step('confirm', /apply these \d+ actions/, false),
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Nothing was changed.');
      expect(fake.mutatingCalls()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN exclusions and tags in the settings file THEN its region is not preselected, step 4 does not offer it even with its region chosen, the assessment lists it, the command names it, and it gets no flow log', async () => {
    const { east, west } = seed();
    const dir = await mkdtemp(path.join(tmpdir(), 'flowfix-guided-'));
    const config = path.join(dir, 'settings.json');
    await writeFile(config, JSON.stringify({ exclude: [{ id: west, reason: 'the EU team runs its own' }], tags: { CostCentre: '4711' } }));
    try {
      const run = await guided(
        [
          step('checkbox', /which regions/, (choices: Choice<unknown>[]) => {
            expect(choices.filter((c) => c.checked).map((c) => c.value)).toEqual(['us-east-1']); // eu-west-1 has only the excluded VPC
            return ['eu-west-1', 'us-east-1'];
          }),
          ...cloudWatchSettings().slice(1),
          step('checkbox', /which resources/, (choices: Choice<unknown>[]) => {
            expect(choices.map((c) => c.name)).toEqual([`us-east-1  ${east} (east)`]);
            return choices.map((c) => c.value);
          }),
          ...review(true),
        ],
        { config },
      );
      expect(run.code).toBe(0);
      // Step 1 is the short summary: it counts the excluded VPC (`flowfix plan` lists it with its reason).
      expect(run.stdout).toMatch(/1 resource excluded\./);
      expect(run.stdout).toMatch(new RegExp(`flowfix apply --regions eu-west-1,us-east-1 --exclude ${west} --scope vpc .* --tag CostCentre=4711 --yes`));
      expect(fake.flowLogs('eu-west-1')).toEqual([]);
      expect(fake.flowLogs('us-east-1').map((f) => [f.ResourceId, f.Tags])).toEqual([
        [
          east,
          [
            { Key: 'ManagedBy', Value: 'flowfix' },
            { Key: 'CostCentre', Value: '4711' },
          ],
        ],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('GIVEN a region left out THEN nothing in it is touched', async () => {
    const { east } = seed();
    await guided([step('checkbox', /which regions/, ['us-east-1']), ...cloudWatchSettings().slice(1), step('checkbox', /which resources/), ...review(true)]);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
    expect(fake.flowLogs('eu-west-1')).toEqual([]);
  });

  test('GIVEN the user declines the confirm THEN nothing is changed, exit 0', async () => {
    seed();
    const run = await guided([...cloudWatchSettings(), step('checkbox', /which resources/), ...review(DEFAULT as never)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Nothing was changed.');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN Ctrl-C at a question THEN exit 130 and no mutating calls', async () => {
    seed();
    const run = await guided([...cloudWatchSettings().slice(0, 3), step('select', /Where should flow logs go/, CANCEL)]);
    expect(run.code).toBe(130);
    expect(run.stderr).toBe('Cancelled: nothing was changed.\n');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  /** Through the whole CLI (argv parsing included), with the scripted prompter. */
  async function guidedArgv(argv: string[], steps: Step[]) {
    const io = captureIo({ env: ENV, interactive: true });
    const prompter = scripted(steps);
    const code = await runCli(argv, io, { prompter });
    expect(prompter.remaining()).toEqual([]);
    return { code, stdout: io.out.join(''), stderr: io.err.join(''), asked: prompter.asked };
  }

  test('GIVEN findings THEN step 1 is a short summary (counts per region), not the whole plan', async () => {
    const { east } = seed();
    const run = await guided([...cloudWatchSettings(), step('checkbox', /which resources/), ...review(DEFAULT as never)]);

    const step1 = run.stdout.slice(0, run.stdout.indexOf('Plan for account'));
    expect(step1).toMatch(/REGION\s+VPCS\s+SUBNETS\s+COMPLIANT\s+NO-FLOW-LOG\neu-west-1\s+1\s+0\s+0\/1\s+1\nus-east-1\s+1\s+2\s+0\/1\s+1\n/);
    expect(step1).toContain('2 findings in 2 regions; `flowfix plan` lists each one.');
    expect(step1).not.toContain(east); // no findings table
    expect(step1).not.toMatch(/Findings \(|Plan \(|iam:CreateRole/);
  });

  test('GIVEN a compliant account THEN guided says so and stops: no question, nothing changed, exit 0', async () => {
    fake.addFlowLog('us-east-1', { resourceId: fake.addVpc('us-east-1') });
    fake.addFlowLog('eu-west-1', { resourceId: fake.addVpc('eu-west-1') });

    const run = await guided([]);

    expect(run.code).toBe(0);
    expect(run.asked).toEqual([]);
    expect(run.stdout).toContain('Nothing to fix: every VPC in scope in 2 regions has a working flow log.');
    expect(run.stdout).not.toContain('Nothing was changed');
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN no region submitted THEN the region question is asked again (guided does not end)', async () => {
    const { east, west } = seed();
    const run = await guided([step('checkbox', /which regions/, []), ...cloudWatchSettings(), step('checkbox', /which resources/), ...review(true)]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Choose at least one region');
    expect(run.asked.filter((q) => /which regions/.test(q))).toHaveLength(2);
    expect([...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')].map((f) => f.ResourceId).sort()).toEqual([east, west].sort());
  });

  test('GIVEN guided --regions THEN only those regions are read, and they are preselected', async () => {
    const { east } = seed();
    const run = await guidedArgv(
      ['guided', '--regions', 'us-east-1'],
      [
        step('checkbox', /which regions.*the regions you named are preselected/, (choices: Choice<unknown>[]) => {
          expect(choices.map((c) => [c.value, c.checked])).toEqual([['us-east-1', true]]);
          return choices.map((c) => c.value);
        }),
        ...cloudWatchSettings().slice(1),
        step('checkbox', /which resources/),
        ...review(true),
      ],
    );

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(fake.calls.filter((c) => c.region === 'eu-west-1')).toEqual([]);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([east]);
    expect(run.stdout).toContain('flowfix apply --regions us-east-1 ');
  });

  test('GIVEN guided --regions naming a region without findings THEN it is preselected too', async () => {
    fake.addVpc('us-east-1');
    fake.addFlowLog('eu-west-1', { resourceId: fake.addVpc('eu-west-1') }); // compliant
    const preselected: unknown[] = [];
    const run = await guidedArgv(
      ['guided', '--regions', 'eu-west-1,us-east-1'],
      [
        step('checkbox', /which regions/, (choices: Choice<unknown>[]) => {
          preselected.push(...choices.filter((c) => c.checked).map((c) => c.value));
          return ['us-east-1'];
        }),
        ...cloudWatchSettings().slice(1),
        step('checkbox', /which resources/),
        ...review(DEFAULT as never),
      ],
    );
    expect(run.code).toBe(0);
    expect(preselected.sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  test('GIVEN a retention below the audited minimum WHEN the user does not keep it THEN guided warns and asks again', async () => {
    seed();
    const run = await guided([
      ...cloudWatchSettings().slice(0, 5),
      step('select', /Retention/, 30),
      step('confirm', /Keep 30 days, and audit retention against 30 days instead of 365\?/, false),
      step('select', /Retention/),
      ...cloudWatchSettings().slice(6),
      step('checkbox', /which resources/),
      ...review(true),
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('30 days is shorter than the 365 days flowfix audits against (--min-retention)');
    expect(run.stdout).toContain('--retention 365 ');
    for (const region of ['us-east-1', 'eu-west-1']) expect(fake.logGroup(region, GROUP)?.retentionInDays).toBe(365);
  });

  test('GIVEN a retention below the audited minimum WHEN the user keeps it THEN the minimum follows, so the command shown runs and plan finds nothing after', async () => {
    seed();
    const run = await guided([
      ...cloudWatchSettings().slice(0, 5),
      step('select', /Retention/, 30),
      step('confirm', /Keep 30 days/, true),
      ...cloudWatchSettings().slice(6),
      step('checkbox', /which resources/),
      ...review(true),
    ]);

    expect(run.code).toBe(0);
    const command = /flowfix apply .*--yes/.exec(run.stdout)![0];
    expect(command).toContain('--min-retention 30 ');
    expect(command).toContain('--retention 30 ');
    for (const region of ['us-east-1', 'eu-west-1']) expect(fake.logGroup(region, GROUP)?.retentionInDays).toBe(30);
    const again = await runFlowfix(
      command
        .split(' ')
        .slice(1)
        .filter((a) => a !== '--yes')
        .map((a) => (a === 'apply' ? 'plan' : a)),
      { env: ENV },
    );
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
  });

  test('GIVEN one action THEN the plan, the confirm and the summary count it alike: "1 action"', async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.grantOperatorPolicy('operator-apply-s3.json', { BucketName: 'my-flow-logs' });
    const run = await guided([
      step('checkbox', /which regions/),
      step('select', /Scope/),
      step('select', /Traffic/),
      step('select', /Where should flow logs go/, 's3'),
      step('input', /S3 destination/, 's3://my-flow-logs/vpc'),
      step('checkbox', /which resources/),
      step('confirm', /Save this plan/),
      step('confirm', /^Step 5\/5: apply 1 action to account 111111111111\?$/, true),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan for account 111111111111 (1 action)');
    expect(run.stdout).toContain('Summary: 1 action on 1 resource: 1 applied');
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId)).toEqual([vpc]);
  });

  test('GIVEN one action covering two VPCs THEN the confirm and the summary both count 8 actions', async () => {
    seed();
    fake.addVpc('us-east-1', { name: 'east2' });
    const run = await guided([
      ...cloudWatchSettings(),
      step('checkbox', /which resources/),
      step('confirm', /Save this plan/),
      step('confirm', /apply these 8 actions/, true),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan for account 111111111111 (8 actions)');
    expect(run.stdout).toContain('Summary: 8 actions on 9 resources: 9 applied');
  });

  test('GIVEN no terminal THEN guided refuses, exit 1, nothing changed', async () => {
    seed();
    const refused = await runFlowfix(['guided'], { env: ENV });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/guided mode needs a terminal.*flowfix apply --yes/);
    expect(fake.mutatingCalls()).toEqual([]);
  });

  test('GIVEN no command and no terminal THEN the one-line usage error stays', async () => {
    const { code, stderr } = await runFlowfix([], { env: ENV });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Name a command/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('GIVEN no command on a terminal THEN bare flowfix runs guided mode', async () => {
    // Guided starts by asking STS who is calling; failing that call stops it before any prompt.
    fake.failNext('GetCallerIdentity', { name: 'ExpiredToken', httpStatusCode: 403 });
    const { code, stderr } = await runFlowfix([], { env: ENV, interactive: true });
    expect(code).toBe(1);
    expect(stderr).not.toMatch(/Name a command/);
    expect(fake.calls.map((c) => c.operation)).toEqual(['GetCallerIdentity']);
  });

  test('GIVEN an unknown command THEN it is still rejected', async () => {
    const { code, stderr } = await runFlowfix(['bogus'], { env: ENV });
    expect(code).toBe(1);
    expect(stderr).toMatch(/bogus/);
  });
});
