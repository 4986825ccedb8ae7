import type { CallOptions } from '#ports/intacct-source';

/**
 * How long a route waits for Intacct in all (retries included): well under API Gateway's 29 s, so
 * a slow or silent Intacct answers 504 intacct_timeout (or 502) instead of the gateway's 503.
 */
const API_INTACCT_DEADLINE_MS = 10_000;

/** Call options for the Intacct calls of one API request. */
export function apiDeadline(): CallOptions {
  return { signal: AbortSignal.timeout(API_INTACCT_DEADLINE_MS) };
}
