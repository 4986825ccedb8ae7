/**
 * The one middy stack every function is built from: request context on the logger first, the
 * error handler last. HTTP functions map errors to the spec's JSON in `error-mapping.ts`;
 * workers rethrow so Lambda's retries and dead-letter handling see the failure.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Logger } from '../adapters/logger';
import { mapError } from './error-mapping';
import { jsonResult } from './json-result';

/** Adds the request id to every log line of the invocation, and removes it afterwards. */
function logContext<E, R>(logger: Logger, requestIdOf: (event: E, context: Context) => string): MiddlewareObj<E, R> {
  const clear = (): void => logger.resetKeys();
  return {
    before: ({ event, context }) => {
      logger.appendKeys({ requestId: requestIdOf(event, context) });
    },
    after: clear,
    onError: clear,
  };
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

/** The HTTP stack around `handler` (API Gateway HTTP API, payload format 2.0). */
export function httpStack(handler: HttpHandler, logger: Logger) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(handler)
    .use(
      logContext<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(
        logger,
        (event, context) => event.requestContext?.requestId ?? context.awsRequestId,
      ),
    )
    .use(httpErrorResponse(logger));
}

/** The worker stack around `handler` (asynchronous invocations and EventBridge targets). */
export function workerStack<E, R>(handler: (event: E, context: Context) => Promise<R>, logger: Logger) {
  return middy<E, R>(handler).use(logContext<E, R>(logger, (_event, context) => context.awsRequestId));
}
