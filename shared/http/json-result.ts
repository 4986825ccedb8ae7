import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const HTTP_NO_CONTENT = 204;

/** Answers of this API are personal to the caller: no cache may keep them. */
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** An API Gateway HTTP API (payload 2.0) result with a JSON body; 204 carries none. */
export function jsonResult(status: number, body?: unknown): APIGatewayProxyStructuredResultV2 {
  if (status === HTTP_NO_CONTENT || body === undefined) {
    return { statusCode: status, headers: { 'cache-control': HEADERS['cache-control'] } };
  }
  return { statusCode: status, headers: HEADERS, body: JSON.stringify(body) };
}
