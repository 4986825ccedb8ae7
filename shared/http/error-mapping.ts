/**
 * The one place where a failure becomes an HTTP status and the spec's error JSON
 * `{ error: { code, message, details } }`. Input problems are 4xx, always; only a failure we did
 * not foresee is a 500, and it tells the caller nothing about the inside.
 */
import { ZodError } from 'zod';
import { Conflict, DomainError, type ErrorDetail, IntacctFailure, InvalidInput, NotFound, PreconditionFailed, TooManyRequests } from '#domain/errors';
import { HttpError } from './http-error';
import type { ErrorJson } from './schemas';

export interface MappedError {
  status: number;
  body: ErrorJson;
  /** Extra answer headers (`Retry-After` of a 429). */
  headers?: Record<string, string>;
  /** True for the 500s: the caller logs these with the request id. */
  unexpected: boolean;
}

const STATUS_OF_DOMAIN_ERROR: readonly [new (...args: never[]) => DomainError, number][] = [
  [InvalidInput, 400],
  [NotFound, 404],
  [Conflict, 409],
  [PreconditionFailed, 422],
  [IntacctFailure, 502],
];
const GATEWAY_TIMEOUT = 504;
const BAD_REQUEST = 400;
const INTERNAL_ERROR = 500;

const answer = (status: number, code: string, message: string, details: ErrorDetail[] = [], unexpected = false): MappedError => ({
  status,
  body: { error: { code, message, details } },
  unexpected,
});

/** Names the field of a zod issue: its path, or each unknown key, or `body` for the whole input. */
export function detailsOf(error: ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue): ErrorDetail[] => {
    if (issue.code === 'unrecognized_keys') {
      const prefix = issue.path.length > 0 ? `${issue.path.join('.')}.` : '';
      return issue.keys.map((key) => ({ field: `${prefix}${key}`, message: 'is not a known field' }));
    }
    return [{ field: issue.path.length > 0 ? issue.path.join('.') : 'body', message: issue.message }];
  });
}

/** Maps any thrown value to its status and error body. */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpError) return answer(error.status, error.code, error.message, error.details);
  if (error instanceof ZodError) {
    return answer(BAD_REQUEST, 'invalid_request', 'The request is not valid; see details.', detailsOf(error));
  }
  // Intacct not answering before the caller's deadline is a gateway timeout; every other Intacct failure is 502.
  if (error instanceof IntacctFailure && error.code === 'intacct_timeout') {
    return answer(GATEWAY_TIMEOUT, error.code, error.message, error.details);
  }
  if (error instanceof TooManyRequests) {
    return {
      ...answer(429, error.code, error.message, error.details),
      headers: { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterSeconds))) },
    };
  }
  if (error instanceof DomainError) {
    const status = STATUS_OF_DOMAIN_ERROR.find(([type]) => error instanceof type)?.[1];
    if (status !== undefined) return answer(status, error.code, error.message, error.details);
  }
  return answer(INTERNAL_ERROR, 'internal_error', 'Something went wrong on our side; it has been logged.', [], true);
}
