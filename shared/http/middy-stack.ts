/**
 * The one middy stack every function is built from: the X-Ray segment first, then the Lambda
 * context on the logger, then the metrics flush, the error handler last. HTTP functions map errors
 * to the spec's JSON in `error-mapping.ts`; workers rethrow so Lambda's retries and dead-letter
 * handling see the failure.
 */
import { correlationPaths } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Logger } from '#adapters/logger';
import { tracingMiddleware } from '#adapters/tracing';
import type { Telemetry } from '#ports/telemetry';
import { mapError } from './error-mapping';
import { jsonResult } from './json-result';

/** What a stack reports an invocation through. */
export interface Observability {
  logger: Logger;
  telemetry: Telemetry;
}

/**
 * Writes the invocation's metrics as it ends, however it ends: answered, failed, or handing its
 * run to a fresh invocation (which flushes its own).
 */
function flushMetrics<E, R>(telemetry: Telemetry): MiddlewareObj<E, R> {
  const flush = (): void => telemetry.flush();
  return { after: flush, onError: flush };
}

/**
 * The segment, the log context and the metrics of every stack. The log lines get Lambda's context
 * (cold start, function name, request id) and the correlation id found at `correlationIdPath`;
 * the keys a handler appends (tenantId, runId) are dropped when the invocation ends. Neither the
 * event (it can hold passwords) nor the response (clients' and users' data) is logged or traced.
 */
function observed<E, R>(handler: (event: E, context: Context) => Promise<R>, { logger, telemetry }: Observability, correlationIdPath: string) {
  const tracing = tracingMiddleware<E, R>();
  return middy<E, R>(handler)
    .use(tracing ? [tracing] : [])
    .use(injectLambdaContext(logger, { correlationIdPath, resetKeys: true, logEvent: false }))
    .use(flushMetrics<E, R>(telemetry));
}

/** Turns any failure into the error JSON; logs a 500 with its request id, never the request body or headers. */
function httpErrorResponse(logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: (request) => {
      const mapped = mapError(request.error);
      if (mapped.unexpected) {
        const error = request.error;
        logger.error('Request failed unexpectedly', {
          method: request.event.requestContext?.http?.method,
          route: request.event.routeKey,
          error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error),
        });
      }
      const result = jsonResult(mapped.status, mapped.body);
      request.response = mapped.headers ? { ...result, headers: { ...result.headers, ...mapped.headers } } : result;
    },
  };
}

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The HTTP stack around `handler` (API Gateway HTTP API, payload format 2.0): correlated by API Gateway's request id. */
export function httpStack(handler: HttpHandler, observability: Observability) {
  return observed(handler, observability, correlationPaths.API_GATEWAY_HTTP).use(httpErrorResponse(observability.logger));
}

/**
 * The worker stack around `handler` (asynchronous invocations and EventBridge targets): correlated
 * by the EventBridge event's id; a direct invocation has none, and its lines carry the request id alone.
 */
export function workerStack<E, R>(handler: (event: E, context: Context) => Promise<R>, observability: Observability) {
  return observed(handler, observability, correlationPaths.EVENT_BRIDGE);
}
