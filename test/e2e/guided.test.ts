import { guidedCommand } from '../../src/cli/commands/guided.js';
import { toCommandOptions } from '../../src/cli/options.js';
import { PromptCancelled, type Choice, type Prompter } from '../../src/io/prompter.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const GROUP = '/flowfix/vpc-flow-logs';

/** Take the default (preselected choices, default value). */
const DEFAULT = Symbol('default');
/** Press Ctrl-C at this question. */
const CANCEL = Symbol('cancel');

type Method = 'confirm' | 'select' | 'checkbox' | 'input';
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
const review = (apply: boolean | typeof CANCEL = true): Step[] => [
  step('confirm', /Save this plan/),
  step('confirm', /apply these \d+ actions/, apply),
];

describe('flowfix guided against a stateful fake', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  async function guided(steps: Step[]) {
    const io = captureIo({ env: ENV, interactive: true });
    const options = await toCommandOptions({}, io);
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
    expect(run.stdout).toMatch(/profile\s+default/);
    expect(run.stdout).toContain(
      'flowfix apply --regions eu-west-1,us-east-1 --scope vpc --traffic-type REJECT --destination cloud-watch-logs --log-group /flowfix/vpc-flow-logs --retention 365 --role-name flowfix-vpc-flow-logs --yes',
    );
    const logs = [...fake.flowLogs('us-east-1'), ...fake.flowLogs('eu-west-1')];
    expect(logs.map((f) => f.ResourceId).sort()).toEqual([east, west].sort());
    expect(logs.every((f) => f.TrafficType === 'REJECT' && f.LogGroupName === GROUP)).toBe(true);
    expect(fake.role('flowfix-vpc-flow-logs')).toBeDefined();
    expect(fake.mutatingCalls().map((c) => c.operation)).toContain('CreateRole');
  });

  test('GIVEN the subnet scope THEN each subnet gets its own flow log', async () => {
    const { sub1, sub2, west } = seed();
    const run = await guided([...cloudWatchSettings({ scope: 'subnet' }), step('checkbox', /which resources/), ...review(true)]);

    expect(run.code).toBe(0);
    expect(fake.flowLogs('us-east-1').map((f) => f.ResourceId).sort()).toEqual([sub1, sub2].sort());
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
    expect(run.stdout).toMatch(/covers the 1 resources you left out too/);
  });

  test('GIVEN a region left out THEN nothing in it is touched', async () => {
    const { east } = seed();
    await guided([
      step('checkbox', /which regions/, ['us-east-1']),
      ...cloudWatchSettings().slice(1),
      step('checkbox', /which resources/),
      ...review(true),
    ]);
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
