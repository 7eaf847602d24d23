// Every SDK call flowfix sends passes through guardSends (clients.ts wraps each client's `send`), so
// three rules hold for all of them, paginators and the credential chain's first call included:
// - Ctrl-C (the run's interrupt signal) ends a read in flight at once, retries and backoff included.
//   A write in flight is left to finish: cut off, its outcome would be unknown, and the apply report
//   would have to guess what it did.
// - One read has a bound on its total time, retries included; an endpoint that accepts a connection
//   and never answers a read is reported in words ("… did not answer …"), not as the HTTP handler's
//   TimeoutError. A write's TimeoutError is kept as it is: apply settles it by re-reading.
// - Each call is reported to a watcher as it starts and ends: the "waiting for sts.us-east-1 … 12 s"
//   line and --debug's request log. The watcher sees the service, operation, region, HTTP status,
//   attempts and time: never the request, its headers or the credentials.

import { FlowfixError, interruptedRead } from '../errors.js';
import { addAttemptDeadline } from './attempt-deadline.js';
import { classifyAwsError } from './errors.js';

/** One call as the watcher sees it. */
export interface AwsCall {
  /** The client's service as flowfix names it: ec2, logs, iam, sts, s3, organizations. */
  service: string;
  /** The API operation, e.g. DescribeVpcs. */
  operation: string;
  region: string;
}

export interface AwsCallEnd {
  /** The last HTTP status AWS answered, when one came back. */
  status?: number;
  /** The error code, when the call failed. */
  error?: string;
  attempts?: number;
  ms: number;
}

/** Told when a call starts; the function it returns is told when the call ends. */
export type CallWatcher = (call: AwsCall) => (end: AwsCallEnd) => void;

export interface CallGuard {
  /** The run's Ctrl-C. */
  interrupt?: AbortSignal;
  /** The longest one read may take in all, retries included. */
  readDeadlineMs: number;
  /** Per-attempt read timeout (idle and in all), named in the message when a read runs out of time. */
  attemptTimeoutMs?: number;
  watch?: CallWatcher;
  /** Where calls go when not to AWS's own endpoints (--endpoint-url): named in messages. */
  endpoint?: string;
}

/** Operations that only read: safe to abandon mid-flight. Everything else flowfix sends changes something. */
const READ_OPERATION = /^(Describe|Get|List|Simulate)/;

export const isReadOperation = (operation: string): boolean => READ_OPERATION.test(operation);

interface SendingClient {
  send(command: unknown, options?: unknown): Promise<unknown>;
}

/** The SDK's commands carry their operation schema, whose third element is the operation's name. */
function operationOf(command: unknown): string {
  const schema = (command as { schema?: unknown }).schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') return schema[2];
  const name = (command as { constructor?: { name?: string } }).constructor?.name ?? '';
  return name.replace(/Command$/, '') || 'unknown';
}

interface SdkMetadata {
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Replaces `client.send` by one that follows the rules above; returns the same client. */
export function guardSends<C>(client: C, service: string, region: string, guard: CallGuard): C {
  const sending = client as unknown as SendingClient;
  if (guard.attemptTimeoutMs) addAttemptDeadline(client, guard.attemptTimeoutMs);
  const send = sending.send.bind(sending);
  sending.send = async (command: unknown, options?: unknown) => {
    const call: AwsCall = { service, operation: operationOf(command), region };
    const given = (options as { abortSignal?: AbortSignal } | undefined)?.abortSignal;
    const read = isReadOperation(call.operation);
    // A timer cleared when the call ends, not AbortSignal.timeout: that one's timer and signal would
    // live on for the whole deadline (minutes) after every read, thousands of them in a large run.
    const expiry = read ? new AbortController() : undefined;
    const timer = expiry ? setTimeout(() => expiry.abort(), guard.readDeadlineMs) : undefined;
    timer?.unref();
    const deadline = expiry?.signal;
    const signals = [given, read ? guard.interrupt : undefined, deadline].filter((s): s is AbortSignal => s !== undefined);
    const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const started = Date.now();
    const ended = guard.watch?.(call);
    try {
      const output = await send(command, { ...(options as object | undefined), ...(abortSignal ? { abortSignal } : {}) });
      const { httpStatusCode, attempts } = (output as SdkMetadata | undefined)?.$metadata ?? {};
      ended?.({ ...(httpStatusCode ? { status: httpStatusCode } : {}), ...(attempts ? { attempts } : {}), ms: Date.now() - started });
      return output;
    } catch (err) {
      const { httpStatusCode, attempts } = (err as SdkMetadata | undefined)?.$metadata ?? {};
      const ms = Date.now() - started;
      ended?.({ ...(httpStatusCode ? { status: httpStatusCode } : {}), error: classifyAwsError(err).code, ...(attempts ? { attempts } : {}), ms });
      if (read && guard.interrupt?.aborted && !given?.aborted) throw interruptedRead(err);
      if (deadline?.aborted && !given?.aborted) throw noAnswer(call, guard, `within ${seconds(guard.readDeadlineMs)}, retries included`, err);
      if (read && isTimeout(err)) {
        const each = guard.attemptTimeoutMs ? ` (${seconds(guard.attemptTimeoutMs)} each)` : '';
        throw noAnswer(call, guard, `in ${attempts ?? 1} attempt${attempts === 1 ? '' : 's'}${each}`, err);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
  return client;
}

/** The handler's socket or request timeout, or an attempt's deadline (attempt-deadline.ts): all TimeoutError, some with code ETIMEDOUT. */
const isTimeout = (err: unknown): boolean =>
  (err as Error | undefined)?.name === 'TimeoutError' || ['TimeoutError', 'ETIMEDOUT'].includes(classifyAwsError(err).code);

/** "sts.us-east-1": where a call goes, as a person reads it. */
export const callPlace = (call: Pick<AwsCall, 'service' | 'region'>): string => `${call.service}.${call.region}`;

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

/**
 * An endpoint that took the connection and sent nothing back. Classified as a network problem (the
 * code says so) so region reads record it like any other network failure.
 */
function noAnswer(call: AwsCall, guard: CallGuard, how: string, cause: unknown): FlowfixError {
  const at = guard.endpoint ? ` at ${guard.endpoint}` : '';
  return new FlowfixError('NoAnswer', `${callPlace(call)}${at} did not answer ${call.operation} ${how}`, {
    hint: 'check the network, proxy and --endpoint-url / AWS_ENDPOINT_URL; --read-timeout (seconds) sets the wait per attempt',
    cause,
  });
}
