// Throttling, 5xx, connection resets and timeouts on every call flowfix makes, through the SDK's real
// retry middleware: the clients come from createAwsClients with the production retry settings
// (the SDK's standard mode, 5 attempts when AWS_MAX_ATTEMPTS and the profile say nothing) and only the
// HTTP layer is fake. The SDK's backoff (and adaptive mode's rate limiting, still an option) wait on real
// timers (seconds per retry), so the tests run on Jest's fake clock and measure the waits in virtual time.

import { jest } from '@jest/globals';

import type { AwsClients } from '../../src/aws/api.js';
import { isReadOperation } from '../../src/aws/call-guard.js';
import { createAwsClients, DEFAULT_MAX_ATTEMPTS, DEFAULT_RETRY_MODE } from '../../src/aws/clients.js';
import type { RetryMode } from '../../src/aws/connection.js';
import { classifyAwsError, isAwsOrNetworkError, type AwsErrorKind } from '../../src/aws/errors.js';
import { formatError } from '../../src/cli/run.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { FlowfixError } from '../../src/errors.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegions, roleOf } from '../../src/inventory/types.js';
import { errorsOf } from '../../src/report/plan-report.js';
import {
  connectionReset,
  ec2Error,
  FakeHttp,
  HTTP_ACCOUNT,
  httpSubnetId,
  httpVpcId,
  jsonError,
  queryError,
  requestTimeout,
  type HttpCall,
  type HttpFault,
  type HttpService,
} from '../helpers/fake-http.js';

const ROLE = DEFAULT_SETTINGS.roleName;
const POLICY = DEFAULT_SETTINGS.policyName;
const GROUP = '/flowfix/vpc-flow-logs';
/** The retry middleware waits at most this long in all (virtual time) before giving up on one call. */
const MAX_VIRTUAL_WAIT_MS = 60_000;

beforeEach(() => {
  // Only timers and the clock: promises, nextTick and setImmediate stay real so streams and the SDK's
  // async plumbing run as usual.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterEach(() => {
  jest.useRealTimers();
});

function clientsOver(http: FakeHttp, retryMode?: RetryMode): Promise<AwsClients> {
  return createAwsClients({
    homeRegion: 'us-east-1',
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    requestHandler: http.handler,
    ...(retryMode ? { retryMode } : {}),
  });
}

/** The real setTimeout, taken before any test installs the fake one. */
const realSetTimeout = globalThis.setTimeout;

/**
 * Real I/O in flight, by the names process.getActiveResourcesInfo() gives its requests: FSReqCallback
 * and FSReqPromise (the SDK reads the shared config files when a client first sends), GetAddrInfoReqWrap.
 */
const realIoInFlight = (): boolean => process.getActiveResourcesInfo().some((kind) => /Req/.test(kind));

/**
 * Runs `work` to completion on the fake clock; returns how it ended and how much virtual time it took.
 * The clock moves only while no real I/O is in flight: a disk read takes longer when other work shares
 * the cores, and virtual seconds passing meanwhile would make the waits measured here (and the region
 * deadlines, which run on the same clock) depend on how busy the machine is.
 */
async function onFakeClock<T>(work: () => Promise<T>): Promise<{ ok: true; value: T; virtualMs: number } | { ok: false; error: unknown; virtualMs: number }> {
  const start = Date.now();
  let settled = false;
  const outcome = work().then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  void outcome.finally(() => {
    settled = true;
  });
  while (!settled) {
    if (realIoInFlight()) {
      await new Promise((resolve) => realSetTimeout(resolve, 1));
      continue;
    }
    await jest.advanceTimersByTimeAsync(250);
    if (Date.now() - start > 10 * MAX_VIRTUAL_WAIT_MS) throw new Error('still running after 10 virtual minutes');
  }
  return { ...(await outcome), virtualMs: Date.now() - start };
}

// ---- what can go wrong, per protocol ----

interface FaultKind {
  name: string;
  /** The failure as the service sends it; undefined = not applicable to this service. */
  fault: (service: HttpService) => HttpFault | undefined;
  /** How flowfix classifies the error once the SDK gives up. */
  expected: (service: HttpService, operation?: string) => { kind: AwsErrorKind; code: string };
}

const THROTTLE_CODE: Record<HttpService, string> = {
  ec2: 'RequestLimitExceeded',
  iam: 'Throttling',
  sts: 'Throttling',
  logs: 'ThrottlingException',
};

const FAULTS: FaultKind[] = [
  {
    name: 'throttled (EC2 RequestLimitExceeded 503, IAM/STS Throttling 400, Logs ThrottlingException 400 via x-amzn-errortype)',
    fault: (service) =>
      service === 'ec2'
        ? ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.')
        : service === 'logs'
          ? jsonError(400, 'ThrottlingException', 'Rate exceeded')
          : queryError(400, 'Throttling', 'Rate exceeded'),
    expected: (service) => ({ kind: 'throttled', code: THROTTLE_CODE[service] }),
  },
  {
    name: 'throttled (Logs ThrottlingException named only by __type in the body)',
    fault: (service) => (service === 'logs' ? jsonError(400, 'ThrottlingException', 'Rate exceeded', 'body') : undefined),
    expected: () => ({ kind: 'throttled', code: 'ThrottlingException' }),
  },
  {
    name: 'HTTP 500 with the service error body',
    fault: (service) =>
      service === 'ec2'
        ? ec2Error(500, 'InternalError', 'An internal error has occurred.')
        : service === 'logs'
          ? jsonError(500, 'InternalFailure', 'An internal error occurred.')
          : queryError(500, 'ServiceFailure', 'The request processing has failed because of an unknown error.'),
    // IAM models ServiceFailure, so the SDK names it ServiceFailureException (as it does NoSuchEntity).
    expected: (service) => ({
      kind: 'other',
      code: { ec2: 'InternalError', logs: 'InternalFailure', iam: 'ServiceFailureException', sts: 'ServiceFailure' }[service],
    }),
  },
  {
    name: 'HTTP 503 with the service error body',
    fault: (service) =>
      service === 'ec2'
        ? ec2Error(503, 'Unavailable', 'The server is overloaded and cannot handle the request.')
        : service === 'logs'
          ? jsonError(503, 'ServiceUnavailableException', 'The service cannot complete the request.')
          : queryError(503, 'ServiceUnavailable', 'Service is unavailable.'),
    expected: (service) => ({
      kind: 'other',
      code: { ec2: 'Unavailable', logs: 'ServiceUnavailableException', iam: 'ServiceUnavailable', sts: 'ServiceUnavailable' }[service],
    }),
  },
  {
    name: 'HTTP 503 from a proxy (HTML, no AWS error code)',
    fault: () => ({ status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' }),
    expected: () => ({ kind: 'other', code: 'HTTP503' }),
  },
  {
    name: 'connection reset (ECONNRESET thrown by the HTTP layer)',
    fault: () => ({ throws: connectionReset }),
    expected: () => ({ kind: 'network', code: 'ECONNRESET' }),
  },
  {
    name: 'timeout (TimeoutError thrown by the HTTP layer)',
    fault: () => ({ throws: requestTimeout }),
    // A read that never answers is said in words (call-guard.ts); a write keeps the SDK's code for apply to settle.
    expected: (_service, operation) => ({ kind: 'network', code: operation !== undefined && !isReadOperation(operation) ? 'TimeoutError' : 'NoAnswer' }),
  },
];

// ---- every call flowfix makes, and the flowfix function that sends it ----

interface CallKind {
  operation: string;
  service: HttpService;
  /** The flowfix call that sends `operation` (once, unless retried). */
  invoke: (clients: AwsClients) => Promise<unknown>;
  /** What a success returns, checked after a burst of failures. */
  check: (result: unknown) => void;
}

const CALLS: CallKind[] = [
  {
    operation: 'GetCallerIdentity',
    service: 'sts',
    invoke: (c) => c.callerIdentity(),
    check: (r) => expect(r).toEqual({ accountId: HTTP_ACCOUNT, arn: `arn:aws:iam::${HTTP_ACCOUNT}:user/tester` }),
  },
  {
    operation: 'DescribeRegions',
    service: 'ec2',
    invoke: (c) => c.listEnabledRegions(),
    check: (r) => expect(r).toEqual({ enabled: ['eu-west-1', 'us-east-1'], disabled: ['af-south-1'] }),
  },
  {
    operation: 'DescribeVpcs',
    service: 'ec2',
    invoke: (c) => c.ec2('eu-west-1').listVpcs(),
    check: (r) => expect(r).toEqual([{ vpcId: httpVpcId('eu-west-1'), ownerId: HTTP_ACCOUNT, isDefault: false, cidrBlock: '10.0.0.0/16' }]),
  },
  {
    operation: 'DescribeSubnets',
    service: 'ec2',
    invoke: (c) => c.ec2('eu-west-1').listSubnets(),
    check: (r) => expect(r).toEqual([{ subnetId: httpSubnetId('eu-west-1'), vpcId: httpVpcId('eu-west-1'), ownerId: HTTP_ACCOUNT }]),
  },
  {
    operation: 'DescribeFlowLogs',
    service: 'ec2',
    invoke: (c) => c.ec2('eu-west-1').listFlowLogs(),
    check: (r) => expect(r).toEqual([]),
  },
  {
    operation: 'DescribeLogGroups',
    service: 'logs',
    invoke: (c) => c.logs('eu-west-1').describeLogGroups([GROUP]),
    check: (r) => expect(r).toEqual({ [GROUP]: expect.objectContaining({ name: GROUP, retentionInDays: 365 }) }),
  },
  {
    operation: 'GetRole',
    service: 'iam',
    invoke: (c) => c.iam().getRole(ROLE),
    check: (r) => expect(r).toMatchObject({ roleName: ROLE, arn: `arn:aws:iam::${HTTP_ACCOUNT}:role/${ROLE}` }),
  },
  {
    operation: 'ListRolePolicies',
    service: 'iam',
    invoke: (c) => c.iam().getRole(ROLE),
    check: (r) => expect(Object.keys((r as { inlinePolicies: object }).inlinePolicies)).toEqual([POLICY]),
  },
  {
    operation: 'GetRolePolicy',
    service: 'iam',
    invoke: (c) => c.iam().getRole(ROLE),
    check: (r) => expect((r as { inlinePolicies: Record<string, unknown> }).inlinePolicies[POLICY]).toMatchObject({ Version: '2012-10-17' }),
  },
  {
    operation: 'CreateRole',
    service: 'iam',
    invoke: (c) => c.iam().createRole({ RoleName: ROLE, AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
    check: (r) => expect(r).toEqual({ arn: `arn:aws:iam::${HTTP_ACCOUNT}:role/${ROLE}` }),
  },
  {
    operation: 'PutRolePolicy',
    service: 'iam',
    invoke: (c) => c.iam().putRolePolicy({ RoleName: ROLE, PolicyName: POLICY, PolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
    check: (r) => expect(r).toBeUndefined(),
  },
  {
    operation: 'CreateLogGroup',
    service: 'logs',
    invoke: (c) => c.logs('eu-west-1').createLogGroup({ logGroupName: GROUP }),
    check: (r) => expect(r).toBeUndefined(),
  },
  {
    operation: 'PutRetentionPolicy',
    service: 'logs',
    invoke: (c) => c.logs('eu-west-1').putRetentionPolicy({ logGroupName: GROUP, retentionInDays: 365 }),
    check: (r) => expect(r).toBeUndefined(),
  },
  {
    operation: 'CreateFlowLogs',
    service: 'ec2',
    invoke: (c) => c.ec2('eu-west-1').createFlowLogs({ ResourceIds: ['vpc-1'], ResourceType: 'VPC', TrafficType: 'REJECT', ClientToken: 'flowfix-token-1' }),
    check: (r) => expect(r).toEqual({ flowLogIds: ['fl-vpc-1'], unsuccessful: [] }),
  },
];

const CASES = CALLS.flatMap((call) =>
  FAULTS.flatMap((kind) => {
    const fault = kind.fault(call.service);
    return fault ? [{ call, kind, fault, label: `${call.service}:${call.operation} / ${kind.name}` }] : [];
  }),
);

/** Fails the first `times` requests for `operation` (all of them when Infinity) with `fault`. */
function failing(operation: string, fault: HttpFault, times: number, region?: string) {
  let failed = 0;
  return (call: HttpCall): HttpFault | undefined => {
    if (call.operation !== operation || (region !== undefined && call.region !== region) || failed >= times) return undefined;
    failed++;
    return fault;
  };
}

describe('every call kind through the SDK retry middleware', () => {
  test('GIVEN the production client settings THEN standard mode and maxAttempts 5 (the bound the tests below rely on)', () => {
    expect(DEFAULT_MAX_ATTEMPTS).toBe(5);
    expect(DEFAULT_RETRY_MODE).toBe('standard');
  });

  test.each(['standard', 'adaptive'] as const)(
    'GIVEN %s mode and throttling on every regional read in bursts of 4 THEN the 5th attempts succeed',
    async (mode) => {
      const http = new FakeHttp();
      const seen = new Map<string, number>();
      http.fault = (call) => {
        const n = (seen.get(call.operation) ?? 0) + 1;
        seen.set(call.operation, n);
        return n < DEFAULT_MAX_ATTEMPTS ? ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.') : undefined;
      };
      const clients = await clientsOver(http, mode);

      const result = await onFakeClock(() => Promise.all([clients.ec2('eu-west-1').listVpcs(), clients.ec2('eu-west-1').listSubnets()]));

      if (!result.ok) throw result.error;
      expect(http.count('DescribeVpcs')).toBe(DEFAULT_MAX_ATTEMPTS);
      expect(http.count('DescribeSubnets')).toBe(DEFAULT_MAX_ATTEMPTS);
      expect(result.virtualMs).toBeLessThan(MAX_VIRTUAL_WAIT_MS);
    },
  );

  test('covers every AWS call flowfix makes', () => {
    expect(new Set(CALLS.map((c) => c.operation))).toEqual(
      new Set([
        'DescribeRegions',
        'DescribeVpcs',
        'DescribeSubnets',
        'DescribeFlowLogs',
        'DescribeLogGroups',
        'GetCallerIdentity',
        'GetRole',
        'ListRolePolicies',
        'GetRolePolicy',
        'CreateRole',
        'PutRolePolicy',
        'CreateLogGroup',
        'PutRetentionPolicy',
        'CreateFlowLogs',
      ]),
    );
  });

  test.each(CASES)('GIVEN $label for the first 4 attempts WHEN flowfix calls it THEN the 5th attempt succeeds', async ({ call, fault }) => {
    const http = new FakeHttp();
    http.fault = failing(call.operation, fault, DEFAULT_MAX_ATTEMPTS - 1);
    const clients = await clientsOver(http);

    const result = await onFakeClock(() => call.invoke(clients));

    if (!result.ok) throw result.error;
    call.check(result.value);
    expect(http.count(call.operation)).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(result.virtualMs).toBeLessThan(MAX_VIRTUAL_WAIT_MS);
  });

  test.each(CASES)(
    'GIVEN $label on every attempt WHEN flowfix calls it THEN it gives up after exactly 5 attempts with a classified AWS error',
    async ({ call, kind, fault }) => {
      const http = new FakeHttp();
      http.fault = failing(call.operation, fault, Infinity);
      const clients = await clientsOver(http);

      const result = await onFakeClock(() => call.invoke(clients));

      expect(result.ok).toBe(false);
      const error = (result as { error: unknown }).error;
      expect(http.count(call.operation)).toBe(DEFAULT_MAX_ATTEMPTS);
      expect(result.virtualMs).toBeLessThan(MAX_VIRTUAL_WAIT_MS);
      // Recorded as data (RegionError / failed outcome) rather than rethrown as a flowfix bug.
      expect(isAwsOrNetworkError(error)).toBe(true);
      expect(classifyAwsError(error)).toMatchObject(kind.expected(call.service, call.operation));
    },
  );

  test('GIVEN a throttling burst shorter than maxAttempts (1 failure) THEN exactly 2 requests are sent', async () => {
    const http = new FakeHttp();
    http.fault = failing('DescribeVpcs', ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'), 1);
    const clients = await clientsOver(http);

    const result = await onFakeClock(() => clients.ec2('us-east-1').listVpcs());

    expect(result.ok).toBe(true);
    expect(http.count('DescribeVpcs')).toBe(2);
  });

  test('GIVEN a non-retryable client error (400 InvalidParameterValue) THEN the SDK sends it once and does not retry', async () => {
    const http = new FakeHttp();
    http.fault = failing('DescribeVpcs', ec2Error(400, 'InvalidParameterValue', 'bad'), Infinity);
    const clients = await clientsOver(http);

    const result = await onFakeClock(() => clients.ec2('us-east-1').listVpcs());

    expect(result.ok).toBe(false);
    expect(http.count('DescribeVpcs')).toBe(1);
  });

  test('GIVEN CreateFlowLogs is retried after a reset THEN every attempt carries the same ClientToken (no duplicate flow log)', async () => {
    const http = new FakeHttp();
    http.fault = failing('CreateFlowLogs', { throws: connectionReset }, 2);
    const clients = await clientsOver(http);

    const result = await onFakeClock(() =>
      clients.ec2('us-east-1').createFlowLogs({ ResourceIds: ['vpc-1'], ResourceType: 'VPC', TrafficType: 'REJECT', ClientToken: 'flowfix-abc' }),
    );

    expect(result.ok).toBe(true);
    const tokens = http.calls.filter((c) => c.operation === 'CreateFlowLogs').map((c) => c.params['ClientToken']);
    expect(tokens).toEqual(['flowfix-abc', 'flowfix-abc', 'flowfix-abc']);
  });
});

// ---- what collectInventory makes of it ----

function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

const REGIONAL_READS = ['DescribeVpcs', 'DescribeSubnets', 'DescribeFlowLogs', 'DescribeLogGroups'] as const;
const IAM_READS = ['GetRole', 'ListRolePolicies', 'GetRolePolicy'] as const;
const INVENTORY_FAULTS = FAULTS.filter((f) => !f.name.includes('__type'));

describe('collectInventory under persistent faults', () => {
  const regionalCases = REGIONAL_READS.flatMap((operation) =>
    INVENTORY_FAULTS.map((kind) => ({ operation, kind, service: (operation === 'DescribeLogGroups' ? 'logs' : 'ec2') as HttpService })),
  );

  test.each(regionalCases)(
    'GIVEN $operation in eu-west-1 fails on every attempt ($kind.name) THEN eu-west-1 is a RegionError with the cause and us-east-1 is still read',
    async ({ operation, kind, service }) => {
      const http = new FakeHttp();
      http.fault = failing(operation, kind.fault(service)!, Infinity, 'eu-west-1');
      const clients = await clientsOver(http);

      const result = await onFakeClock(() => collectInventory(clients, settings()));

      if (!result.ok) throw result.error;
      const inventory = result.value;
      const expected = kind.expected(service, operation);
      expect(errorsOf(inventory)).toEqual([{ region: 'eu-west-1', code: expected.code, message: expect.any(String) }]);
      // One readable line: it is printed as is in the plan's error list.
      expect(errorsOf(inventory)[0]!.message).toMatch(/^[^\n]+$/);
      expect(http.count(operation, 'eu-west-1')).toBe(DEFAULT_MAX_ATTEMPTS);
      const usEast = readRegions(inventory).find((r) => r.region === 'us-east-1')!;
      expect(usEast.vpcs.map((v) => v.vpcId)).toEqual([httpVpcId('us-east-1')]);
      expect(usEast.logGroups[GROUP]).toBeDefined();
      expect(roleOf(inventory)?.roleName).toBe(ROLE);
      expect(result.virtualMs).toBeLessThan(MAX_VIRTUAL_WAIT_MS);
    },
  );

  const iamCases = IAM_READS.flatMap((operation) => INVENTORY_FAULTS.map((kind) => ({ operation, kind })));

  test.each(iamCases)(
    'GIVEN $operation fails on every attempt ($kind.name) THEN the role read is a "global" RegionError and both regions are read',
    async ({ operation, kind }) => {
      const http = new FakeHttp();
      http.fault = failing(operation, kind.fault('iam')!, Infinity);
      const clients = await clientsOver(http);

      const result = await onFakeClock(() => collectInventory(clients, settings()));

      if (!result.ok) throw result.error;
      expect(errorsOf(result.value)).toEqual([{ region: 'global', code: kind.expected('iam', operation).code, message: expect.any(String) }]);
      expect(result.value.role.status).toBe('unreadable');
      expect(readRegions(result.value).map((r) => [r.region, r.vpcs.length])).toEqual([
        ['eu-west-1', 1],
        ['us-east-1', 1],
      ]);
      expect(http.count(operation)).toBe(DEFAULT_MAX_ATTEMPTS);
    },
  );

  const globalCases = (['GetCallerIdentity', 'DescribeRegions'] as const).flatMap((operation) =>
    INVENTORY_FAULTS.map((kind) => ({ operation, kind, service: (operation === 'GetCallerIdentity' ? 'sts' : 'ec2') as HttpService })),
  );

  test.each(globalCases)(
    'GIVEN $operation fails on every attempt ($kind.name) THEN collectInventory stops with one FlowfixError naming the call, not a crash',
    async ({ operation, kind, service }) => {
      const http = new FakeHttp();
      http.fault = failing(operation, kind.fault(service)!, Infinity);
      const clients = await clientsOver(http);

      const result = await onFakeClock(() => collectInventory(clients, settings()));

      expect(result.ok).toBe(false);
      const error = (result as { error: unknown }).error;
      expect(error).toBeInstanceOf(FlowfixError);
      const expected = kind.expected(service, operation);
      const flowfixCode =
        expected.code === 'NoAnswer' ? 'NoAnswer' : ({ throttled: 'Throttled', network: 'NetworkError' }[expected.kind as string] ?? expected.code);
      expect((error as FlowfixError).code).toBe(flowfixCode);
      const line = formatError(error, false);
      expect(line).toContain(operation);
      // An endpoint that never answered is said in words; other failures quote AWS's code.
      expect(line).toContain(expected.code === 'NoAnswer' ? 'did not answer' : expected.code);
      expect(line.split('\n')).toHaveLength(1);
      expect(http.count(operation)).toBe(DEFAULT_MAX_ATTEMPTS);
    },
  );

  test('GIVEN every regional read throttles in bursts of 4 in both regions THEN the inventory is complete with no errors', async () => {
    const http = new FakeHttp();
    const seen = new Map<string, number>();
    http.fault = (call) => {
      const key = `${call.region}/${call.operation}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return n < DEFAULT_MAX_ATTEMPTS ? FAULTS[0]!.fault(call.service) : undefined;
    };
    const clients = await clientsOver(http);

    const result = await onFakeClock(() => collectInventory(clients, settings()));

    if (!result.ok) throw result.error;
    expect(errorsOf(result.value)).toEqual([]);
    expect(readRegions(result.value).map((r) => r.vpcs.length)).toEqual([1, 1]);
    expect(roleOf(result.value)?.inlinePolicies[POLICY]).toBeDefined();
    for (const count of seen.values()) expect(count).toBe(DEFAULT_MAX_ATTEMPTS);
  });
});
