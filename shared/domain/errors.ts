/**
 * Typed errors the use cases throw; `shared/http` maps each to one status code in one place.
 * Messages are for a person and never carry credentials.
 */

export interface ErrorDetail {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the input is invalid; `details` names each field. */
export class InvalidInput extends DomainError {}
/** 404: no such record in this tenant (other tenants' ids answer the same). */
export class NotFound extends DomainError {}
/** 409: already linked elsewhere, run already in progress, concurrent edit. */
export class Conflict extends DomainError {}
/**
 * 409: the record changed between this request's read and its write, and the write's condition no
 * longer held. The store raises it for any conditional write whose failure nothing handled.
 */
export class ConcurrentChange extends Conflict {
  constructor(cause?: unknown) {
    super('concurrent_change', 'The record changed while this request ran; try again.');
    if (cause !== undefined) this.cause = cause;
  }
}
/** 422: a precondition does not hold (not connected, invite without email). */
export class PreconditionFailed extends DomainError {}
/** 429: too many attempts of something that is throttled; try again after `retryAfterSeconds`. */
export class TooManyRequests extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

/** Why Intacct could not be used, as the API names it (502 with this code; 504 for `intacct_timeout`). */
export type IntacctFailureCode =
  | 'intacct_auth_failed'
  | 'intacct_permission_denied'
  | 'intacct_rate_limited'
  | 'intacct_unavailable'
  | 'intacct_protocol_error'
  | 'intacct_query_failed'
  /** The caller's deadline passed before Intacct answered (its AbortSignal aborted). */
  | 'intacct_timeout';

/**
 * 502 (504 for `intacct_timeout`): Intacct refused or failed. Raised by the Intacct source adapter
 * from the connector's typed errors; carries Intacct's error number, never a credential.
 */
export class IntacctFailure extends DomainError {
  constructor(
    code: IntacctFailureCode,
    message: string,
    readonly errorno: string | null = null,
  ) {
    super(code, message);
  }
}
