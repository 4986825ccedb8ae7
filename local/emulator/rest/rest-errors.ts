/**
 * The REST API's error answers, in the shape of Intacct's `error-response` schema
 * (developer.sage.com/intacct, "Error handling" and the common OpenAPI definition):
 *   { "ia::result": { "ia::error": { code, message, errorId, additionalInfo, supportId, details? } },
 *     "ia::meta": { totalCount: 1, totalSuccess: 0, totalError: 1 } }
 * The codes and errorIds below are the emulator's own (Intacct publishes REST-1028/1043/1064 as
 * examples only); clients must go by the HTTP status and `code`, never the text.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

const SUPPORT_ID_BYTES = 18;

export type RestErrorCode = 'invalidRequest' | 'unauthorized' | 'notFound' | 'methodNotAllowed' | 'tooManyRequests';

export interface RestErrorDetail {
  code: RestErrorCode;
  message: string;
  errorId: string;
  /** The offending part of the request, e.g. `/fields/2` or `/object`. */
  target?: string;
}

/** A request the REST API refuses: thrown by the request checks, answered by the handler. */
export class RestRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: RestErrorCode,
    message: string,
    readonly errorId: string,
    readonly details: RestErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'RestRequestError';
  }
}

export const REST_HTTP = {
  badRequest: 400,
  unauthorized: 401,
  notFound: 404,
  methodNotAllowed: 405,
  tooManyRequests: 429,
} as const;

/** The emulator's error ids, one per kind of refusal. */
export const REST_ERROR_IDS = {
  invalidPayload: 'REST-1064',
  notAValidField: 'REST-1043',
  unknownObject: 'REST-1001',
  invalidToken: 'REST-2001',
  rateLimited: 'REST-4290',
  noRoute: 'REST-1004',
  wrongMethod: 'REST-1005',
} as const;

function supportId(): string {
  return randomBytes(SUPPORT_ID_BYTES).toString('base64url').replace(/-/g, '%7E');
}

function restErrorBody(error: RestRequestError): unknown {
  return {
    'ia::result': {
      'ia::error': {
        code: error.code,
        message: error.message,
        errorId: error.errorId,
        additionalInfo: { messageId: `IA.${error.errorId}`, placeholders: {}, propertySet: {} },
        supportId: supportId(),
        ...(error.details.length === 0 ? {} : { details: error.details }),
      },
    },
    'ia::meta': { totalCount: 1, totalSuccess: 0, totalError: 1 },
  };
}

function sendRestJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** Answers a refusal; a 401 also names the Bearer scheme (RFC 6750 §3). */
export function sendRestError(response: ServerResponse, error: RestRequestError, headers: Record<string, string> = {}): void {
  const challenge: Record<string, string> =
    error.status === REST_HTTP.unauthorized ? { 'WWW-Authenticate': `Bearer realm="intacct-emulator", error="invalid_token"` } : {};
  sendRestJson(response, error.status, restErrorBody(error), { ...challenge, ...headers });
}
