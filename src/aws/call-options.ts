// CallOptions (plain data) as the SDK's send options.
import type { CallOptions } from './api.js';

/** The SDK's abortSignal ends the attempt in flight, any backoff wait and the retries still to come. */
export const sendOptions = (options?: CallOptions): { abortSignal?: AbortSignal } => (options?.signal ? { abortSignal: options.signal } : {});
