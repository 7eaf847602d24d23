// Resets, refused connections and stalls through the SDK's real Node HTTP handler, against a local
// HTTP server standing in for AWS (--endpoint-url). The clients are built by createAwsClients with the
// production retry settings; only the per-attempt timeouts are shortened so a stall costs a second.

import { jest } from '@jest/globals';

import type { AwsClients } from '../../src/aws/api.js';
import { createAwsClients, DEFAULT_HTTP_TIMEOUTS, DEFAULT_MAX_ATTEMPTS } from '../../src/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { collectInventory, MIN_REGION_DEADLINE_MS, regionDeadlineMs } from '../../src/inventory/collect-inventory.js';
import { readRegions, roleOf } from '../../src/inventory/types.js';
import { errorsOf } from '../../src/report/plan-report.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { httpVpcId } from '../helpers/fake-http.js';
import { LocalAws } from '../helpers/local-aws.js';

/**
 * Short, so five stalled attempts take seconds; long enough that an answered call (served by this same
 * process) is not timed out because a busy machine ran the process late.
 */
const SOCKET_TIMEOUT_MS = 1_000;
/**
 * Long enough that, without the region deadline, a stalled call would outlast jest's test timeout (five
 * attempts of 30 s); and that an answered call is never timed out because a busy machine ran this process late.
 */
const LONG_READ_TIMEOUT_MS = 30_000;
let aws: LocalAws;
let endpoint: string;

beforeEach(async () => {
  aws = new LocalAws();
  endpoint = await aws.start();
});
afterEach(() => aws.stop());

function clients(endpointUrl = endpoint, readTimeoutMs = SOCKET_TIMEOUT_MS): Promise<AwsClients> {
  return createAwsClients({
    homeRegion: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    endpointUrl,
    httpTimeouts: { connectTimeoutMs: 1_000, readTimeoutMs },
    // These tests are about each attempt's timeout and the attempts counted. The bound on a read in all
    // (by default twice the longer timeout: 2 s here) would otherwise race 5 attempts of 1 s plus the
    // SDK's backoff, and win.
    readDeadlineMs: 60_000,
  });
}

test("GIVEN the production defaults THEN every attempt has the AWS CLI's connect and read timeouts (60 s each)", () => {
  expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ connectTimeoutMs: 60_000, readTimeoutMs: 60_000 });
  // Bounded: a call that stalls on every attempt is given up within a few minutes, not hours.
  expect(DEFAULT_MAX_ATTEMPTS * DEFAULT_HTTP_TIMEOUTS.readTimeoutMs).toBeLessThanOrEqual(5 * 60_000);
});

test('GIVEN the server resets the connection twice WHEN DescribeVpcs THEN the third attempt succeeds', async () => {
  aws.behaviour = (call) => (call.operation === 'DescribeVpcs' && aws.count('DescribeVpcs') <= 2 ? 'reset' : 'answer');

  const vpcs = await (await clients(endpoint, LONG_READ_TIMEOUT_MS)).ec2('eu-west-1').listVpcs();

  expect(vpcs.map((v) => v.vpcId)).toEqual([httpVpcId('eu-west-1')]);
  expect(aws.count('DescribeVpcs')).toBe(3);
});

test('GIVEN the server never answers DescribeVpcs WHEN called THEN each attempt times out and flowfix gives up after exactly 5, saying so in words', async () => {
  aws.behaviour = (call) => (call.operation === 'DescribeVpcs' ? 'stall' : 'answer');

  const error = await (
    await clients()
  )
    .ec2('eu-west-1')
    .listVpcs()
    .then(
      () => undefined,
      (err: unknown) => err,
    );

  expect(classifyAwsError(error)).toMatchObject({ kind: 'network', code: 'NoAnswer' });
  // Each attempt ended by its own read timeout (1 s), not by the 60 s default: jest's timeout would
  // have ended the test long before 5 attempts of 60 s.
  expect((error as Error).message).toBe(`ec2.eu-west-1 at ${endpoint} did not answer DescribeVpcs in 5 attempts (1 s each)`);
  expect(aws.count('DescribeVpcs')).toBe(DEFAULT_MAX_ATTEMPTS);
});

test('GIVEN an endpoint that trickles the answer a byte at a time (never idle for a read timeout) WHEN DescribeVpcs THEN each attempt ends at the read timeout in all, and flowfix gives up after 5', async () => {
  aws.trickleMs = 100;
  aws.behaviour = (call) => (call.operation === 'DescribeVpcs' ? 'trickle' : 'answer');
  // A long connect timeout, so the call guard's total bound (twice the longer timeout: 60 s) is not what ends it.
  const live = await createAwsClients({
    homeRegion: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    endpointUrl: endpoint,
    httpTimeouts: { connectTimeoutMs: 30_000, readTimeoutMs: 500 },
  });

  const error = await live
    .ec2('eu-west-1')
    .listVpcs()
    .then(
      () => undefined,
      (err: unknown) => err,
    );

  expect(classifyAwsError(error)).toMatchObject({ kind: 'network', code: 'NoAnswer' });
  expect((error as Error).message).toBe(`ec2.eu-west-1 at ${endpoint} did not answer DescribeVpcs in 5 attempts (0.5 s each)`);
  expect(aws.count('DescribeVpcs')).toBe(DEFAULT_MAX_ATTEMPTS);
});

test('GIVEN DescribeFlowLogs stalls in eu-west-1 only WHEN collecting the inventory THEN eu-west-1 is a RegionError (NoAnswer) and us-east-1 is read', async () => {
  aws.behaviour = (call) => (call.operation === 'DescribeFlowLogs' && call.region === 'eu-west-1' ? 'stall' : 'answer');

  const inventory = await collectInventory(await clients(), DEFAULT_SETTINGS);

  expect(errorsOf(inventory)).toEqual([
    { region: 'eu-west-1', code: 'NoAnswer', message: expect.stringMatching(/^ec2\.eu-west-1 at \S+ did not answer DescribeFlowLogs in 5 attempts/) },
  ]);
  expect(
    readRegions(inventory)
      .find((r) => r.region === 'us-east-1')
      ?.vpcs.map((v) => v.vpcId),
  ).toEqual([httpVpcId('us-east-1')]);
  expect(aws.count('DescribeFlowLogs', 'eu-west-1')).toBe(DEFAULT_MAX_ATTEMPTS);
});

test('GIVEN every connection is reset WHEN collecting the inventory THEN it stops with one NetworkError naming sts:GetCallerIdentity', async () => {
  aws.behaviour = () => 'reset';

  const error = await collectInventory(await clients(), DEFAULT_SETTINGS).then(
    () => undefined,
    (err: unknown) => err,
  );

  expect(error).toMatchObject({ code: 'NetworkError', message: expect.stringMatching(/sts:GetCallerIdentity.*ECONNRESET/) });
  expect(aws.count('GetCallerIdentity')).toBe(DEFAULT_MAX_ATTEMPTS);
});

test('GIVEN nothing listens at the endpoint WHEN called THEN ECONNREFUSED after 5 attempts, classified as a network error', async () => {
  await aws.stop();

  const error = await (await clients(endpoint)).callerIdentity().then(
    () => undefined,
    (err: unknown) => err,
  );

  expect(classifyAwsError(error)).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  expect((error as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(DEFAULT_MAX_ATTEMPTS);
});

// ---- the bound on a region's total time, and the CLI's timeouts ----

test('GIVEN the defaults THEN a region gets 5 minutes in all, more only when the timeouts are raised', () => {
  expect(regionDeadlineMs({ connectTimeout: 60, readTimeout: 60 })).toBe(MIN_REGION_DEADLINE_MS);
  expect(MIN_REGION_DEADLINE_MS).toBe(5 * 60_000);
  expect(regionDeadlineMs({ connectTimeout: 60, readTimeout: 600 })).toBe(2 * 660_000);
});

/**
 * Runs collectInventory with the region deadline of 300 ms on jest's clock (setTimeout only: the HTTP
 * traffic stays real), and moves that clock past the deadline once `ready` holds and every answered
 * read has ended. So the answered reads never race the deadline, however slow the machine is.
 */
async function collectPastDeadline(ready: (ended: { regions: string[]; role: boolean }) => boolean) {
  const ended = { regions: [] as string[], role: false };
  const live = await clients(endpoint, LONG_READ_TIMEOUT_MS);
  // The role read runs beside the regions and reports nowhere: see it end through its client.
  const observed: AwsClients = Object.create(live);
  observed.iam = () => {
    const iam = live.iam();
    return Object.assign(Object.create(iam), { getRole: (...args: Parameters<typeof iam.getRole>) => iam.getRole(...args).finally(() => (ended.role = true)) });
  };
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
  try {
    const reading = collectInventory(observed, DEFAULT_SETTINGS, {
      regionDeadlineMs: 300,
      progress: (_done, _total, region) => region && ended.regions.push(region),
    });
    while (!ready(ended)) await new Promise((resolve) => setImmediate(resolve));
    jest.advanceTimersByTime(300);
    return await reading;
  } finally {
    jest.useRealTimers();
  }
}

test("GIVEN DescribeVpcs in eu-west-1 accepts and never answers WHEN the region's deadline passes THEN eu-west-1 is RegionTimeout at once, the stalled call is abandoned, us-east-1 is read", async () => {
  aws.behaviour = (call) => (call.operation === 'DescribeVpcs' && call.region === 'eu-west-1' ? 'stall' : 'answer');

  const inventory = await collectPastDeadline(({ regions, role }) => role && regions.includes('us-east-1') && aws.count('DescribeVpcs', 'eu-west-1') === 1);

  expect(errorsOf(inventory)).toEqual([
    {
      region: 'eu-west-1',
      code: 'RegionTimeout',
      message: expect.stringMatching(/^gave up reading eu-west-1 after 0\.3 s \(AWS did not answer in time, retries included\)$/),
    },
  ]);
  expect(readRegions(inventory).map((r) => r.region)).toEqual(['us-east-1']);
  // Aborted, not retried: the SDK's retry middleware stops on the signal.
  expect(aws.count('DescribeVpcs', 'eu-west-1')).toBe(1);
});

test('GIVEN GetRole never answers WHEN the deadline passes THEN the role read is a "global" RegionTimeout and both regions are read', async () => {
  aws.behaviour = (call) => (call.operation === 'GetRole' ? 'stall' : 'answer');

  const inventory = await collectPastDeadline(({ regions }) => regions.length === 2 && aws.count('GetRole') === 1);

  expect(errorsOf(inventory)).toEqual([
    {
      region: 'global',
      code: 'RegionTimeout',
      message: expect.stringMatching(/^gave up reading the delivery role flowfix-vpc-flow-logs \(IAM\) after 0\.3 s/),
    },
  ]);
  expect(readRegions(inventory).map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
});

test('GIVEN an endpoint that accepts and never answers WHEN flowfix plan --read-timeout 1 THEN one line names the call and the timeout, exit 1, in seconds', async () => {
  aws.behaviour = () => 'stall';

  // The connect timeout only sets the bound on the read in all (twice the longer timeout: 20 s), far
  // beyond the two attempts of 1 s: the attempts end the read, however late a busy machine runs them.
  const result = await runFlowfix(['plan', '--endpoint-url', endpoint, '--read-timeout', '1', '--connect-timeout', '10'], {
    env: { CI: 'true', HOME: '/nonexistent', AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: 'fake', AWS_MAX_ATTEMPTS: '2' },
  });

  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  // The endpoint typed is not repeated (see test/cli/redirect-notice.test.ts); the error is one line.
  const error = result.stderr.trimEnd().split('\n');
  expect(error).toHaveLength(1);
  // In words: no SDK class name, no stack.
  expect(error[0]).toMatch(
    /^flowfix: sts\.us-east-1 at http:\/\/127\.0\.0\.1:\d+ did not answer GetCallerIdentity in 2 attempts \(1 s each\) \(check the network/,
  );
  expect(error[0]).not.toMatch(/TimeoutError|smithy/);
  expect(aws.count('GetCallerIdentity')).toBe(2);
});
