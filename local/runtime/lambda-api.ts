/**
 * The slice of the Lambda Invoke API that @aws-sdk/client-lambda speaks
 * (`POST /2015-03-31/functions/{name}/invocations`), so the API's workers start exactly as in the
 * cloud: `Event` is queued (202), `RequestResponse` answers the result (200), errors included.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FunctionName, isFunctionName } from './functions';
import { BodyTooLarge, readBody, sendJson, sendText } from './http-io';
import { RuntimeStoppingError } from './invocation-host';
import { errorMessage, type RuntimeLogger } from './logger';

export const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's synchronous payload limit. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const HTTP_OK = 200;
const HTTP_ACCEPTED = 202;
const HTTP_NO_CONTENT = 204;
const HTTP_BAD_REQUEST = 400;
const HTTP_NOT_FOUND = 404;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const HTTP_UNAVAILABLE = 503;
const AMZ_JSON = 'application/json';

export interface LambdaApiDeps {
  invokeNow(name: FunctionName, event: unknown, requestId: string): Promise<unknown>;
  enqueue(name: FunctionName, event: unknown): string;
  logger: RuntimeLogger;
}

/** `my-fn`, `arn:aws:lambda:r:a:function:my-fn` or `...:my-fn:$LATEST` → `my-fn`. */
function functionNameOf(identifier: string): string {
  const decoded = decodeURIComponent(identifier);
  if (!decoded.startsWith('arn:')) return decoded.split(':')[0] ?? decoded;
  const parts = decoded.split(':');
  const marker = parts.indexOf('function');
  return marker === -1 ? decoded : (parts[marker + 1] ?? decoded);
}

function awsError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { Type: 'User', message }, { 'x-amzn-errortype': type, 'content-type': AMZ_JSON });
}

function parsePayload(body: Buffer): { ok: true; event: unknown } | { ok: false } {
  const text = body.toString('utf8');
  if (text.trim() === '') return { ok: true, event: {} };
  try {
    return { ok: true, event: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The error payload Lambda answers for an unhandled exception. */
export function unhandledErrorPayload(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  return {
    errorType: error instanceof Error ? error.name : 'Error',
    errorMessage: errorMessage(error),
    trace: [],
  };
}

/** Serves one Invoke call for the function named in `identifier`. */
export async function serveInvoke(request: IncomingMessage, response: ServerResponse, identifier: string, deps: LambdaApiDeps): Promise<void> {
  const name = functionNameOf(identifier);
  let body: Buffer;
  try {
    body = await readBody(request, MAX_PAYLOAD_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    return awsError(response, HTTP_PAYLOAD_TOO_LARGE, 'RequestTooLargeException', error.message);
  }
  if (!isFunctionName(name)) {
    return awsError(response, HTTP_NOT_FOUND, 'ResourceNotFoundException', `Function not found: ${name}`);
  }
  const payload = parsePayload(body);
  if (!payload.ok) {
    return awsError(response, HTTP_BAD_REQUEST, 'InvalidRequestContentException', 'Could not parse request body into json.');
  }
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType === 'DryRun') return sendText(response, HTTP_NO_CONTENT, '');
  if (invocationType === 'Event') {
    const requestId = deps.enqueue(name, payload.event);
    return sendText(response, HTTP_ACCEPTED, '', { 'x-amzn-requestid': requestId });
  }
  if (invocationType !== 'RequestResponse') {
    return awsError(response, HTTP_BAD_REQUEST, 'InvalidParameterValueException', `Unknown invocation type ${invocationType}.`);
  }
  const requestId = randomUUID();
  const headers = { 'content-type': AMZ_JSON, 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': requestId };
  try {
    const result = await deps.invokeNow(name, payload.event, requestId);
    sendText(response, HTTP_OK, JSON.stringify(result) ?? 'null', headers);
  } catch (error) {
    // Not the function's error: the service refuses the call, as Lambda answers a ServiceException.
    if (error instanceof RuntimeStoppingError) return awsError(response, HTTP_UNAVAILABLE, 'ServiceException', error.message);
    deps.logger.error('invocation failed', { functionName: name, requestId, error: errorMessage(error) });
    sendJson(response, HTTP_OK, unhandledErrorPayload(error), { ...headers, 'x-amz-function-error': 'Unhandled' });
  }
}
