import type { ServerResponse } from 'node:http';

export const XML_CONTENT_TYPE = 'text/xml; encoding="UTF-8";charset=UTF-8';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
export const HTML_CONTENT_TYPE = 'text/html; charset=UTF-8';

export const HTTP_OK = 200;
export const HTTP_BAD_REQUEST = 400;
export const HTTP_FORBIDDEN = 403;
export const HTTP_NOT_FOUND = 404;
export const HTTP_METHOD_NOT_ALLOWED = 405;
export const HTTP_PAYLOAD_TOO_LARGE = 413;
export const HTTP_TOO_MANY_REQUESTS = 429;
export const HTTP_SERVER_ERROR = 500;
export const HTTP_SERVICE_UNAVAILABLE = 503;

/** Sends a whole answer; `retryAfterSeconds` adds a Retry-After header. */
export function send(response: ServerResponse, status: number, contentType: string, body: string, retryAfterSeconds?: number): void {
  const headers: Record<string, string | number> = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  response.writeHead(status, headers);
  response.end(body);
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, JSON_CONTENT_TYPE, JSON.stringify(value));
}
