import type { ErrorDetail } from '#domain/errors';

/**
 * A refusal decided by the HTTP layer itself (no token, wrong profile, unknown route, unreadable
 * JSON), carrying its status; the use cases speak DomainError instead.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
