// One attempt of a call has a total deadline (--read-timeout), not only an idle timeout. The Node
// handler's socket timeout counts silence: an endpoint that trickles one byte every 2 s is never
// silent for 5 s, so a 5-second read timeout alone would let it hold a call for as long as it likes.
// The handler's requestTimeout (with throwOnRequestTimeout, set in clients.ts) ends an attempt whose
// response headers have not come in time; the middleware below ends one whose body is still arriving
// when the same deadline passes, by destroying the body stream with a TimeoutError. Both errors are
// the SDK's transient TimeoutError, so the attempt is retried, and the call guard's total bound and
// its "did not answer" message apply as for a stalled read.

interface BodyStream {
  destroy(error?: Error): void;
  once(event: 'close' | 'end' | 'error', listener: () => void): void;
  readonly destroyed?: boolean;
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'deserialize'; priority: 'low'; name: string },
    ): void;
  };
}

const isStream = (body: unknown): body is BodyStream =>
  typeof body === 'object' && body !== null && typeof (body as BodyStream).destroy === 'function' && typeof (body as BodyStream).once === 'function';

/** The error an attempt ends with when its deadline passes: what the SDK's retry strategy treats as transient. */
export function attemptTimeoutError(ms: number): Error {
  return Object.assign(new Error(`the attempt took longer than ${ms / 1000} s in all (--read-timeout)`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
}

/**
 * Adds the body deadline to `client`: inside the deserializer (priority low in the deserialize step), so
 * it runs once per attempt, around the HTTP handler, and sees the raw response before its body is read.
 */
export function addAttemptDeadline(client: unknown, ms: number): void {
  (client as MiddlewareClient).middlewareStack.add(
    (next) => async (args) => {
      const started = Date.now();
      const output = (await next(args)) as { response?: { body?: unknown } };
      const body = output.response?.body;
      if (isStream(body)) {
        const timer = setTimeout(
          () => {
            if (!body.destroyed) body.destroy(attemptTimeoutError(ms));
          },
          Math.max(0, ms - (Date.now() - started)),
        );
        const clear = () => clearTimeout(timer);
        body.once('close', clear);
        body.once('end', clear);
        body.once('error', clear);
      }
      return output;
    },
    { step: 'deserialize', priority: 'low', name: 'flowfixAttemptDeadline' },
  );
}
