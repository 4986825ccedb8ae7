/**
 * Fault injection on the JSON faces (REST API, token endpoint), from a FaultController of their
 * own so scripting one face never consumes the other's faults. The kinds that only mean something
 * in an XML answer (xmlError, doctype, rateLimitResult, offlineResult) are refused when scripted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { CLOUDFLARE_BLOCK_PAGE, CLOUDFLARE_CHALLENGE_PAGE, CLOUDFLARE_ERROR_PAGE, SERVICE_UNAVAILABLE_PAGE } from '../fault-answers';
import type { ActiveFault } from '../faults';
import { HTML_CONTENT_TYPE, HTTP_FORBIDDEN, HTTP_OK, HTTP_SERVER_ERROR, HTTP_SERVICE_UNAVAILABLE, send } from '../http-answers';
import type { FaultKind, FaultSettings } from '../types';

export const REST_API_FAULT_KINDS: readonly FaultKind[] = [
  'http500',
  'http429',
  'http503',
  'timeout',
  'reset',
  'truncated',
  'malformed',
  'cloudflare403',
  'cloudflare200',
];
export const TOKEN_FAULT_KINDS: readonly FaultKind[] = ['http500', 'http429', 'http503', 'timeout', 'reset'];

/** The first scripted kind the face does not serve, if any. */
export function unservedFaultKind(settings: FaultSettings, served: readonly FaultKind[]): FaultKind | undefined {
  return settings.failNext?.find((fault) => !served.includes(fault.kind))?.kind;
}

export interface JsonFaultContext {
  /** Responses held open by the timeout fault; ended when the emulator closes. */
  held: Set<ServerResponse>;
  /** The face's own 429 answer (JSON in its error shape). */
  sendRateLimited(response: ServerResponse, retryAfterSeconds: number | undefined): void;
}

/**
 * Answers a fault that replaces the whole answer (a dropped connection, a held request, a page
 * from the front, a 429). Returns false when the request should be answered normally (no fault,
 * or a fault that damages the real answer: truncated, malformed).
 */
export async function answerPreemptiveFault(
  context: JsonFaultContext,
  fault: ActiveFault | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  delayMs: number,
): Promise<boolean> {
  if (!fault) return false;
  switch (fault.kind) {
    case 'truncated':
    case 'malformed':
      return false;
    case 'reset':
      request.socket.destroy();
      return true;
    case 'timeout':
      context.held.add(response);
      response.on('close', () => context.held.delete(response));
      request.resume();
      return true;
    default:
      request.resume();
      await delay(delayMs);
      sendPage(context, response, fault);
      return true;
  }
}

function sendPage(context: JsonFaultContext, response: ServerResponse, fault: ActiveFault): void {
  switch (fault.kind) {
    case 'http429':
      context.sendRateLimited(response, fault.retryAfterSeconds);
      return;
    case 'http503':
      send(response, HTTP_SERVICE_UNAVAILABLE, HTML_CONTENT_TYPE, SERVICE_UNAVAILABLE_PAGE, fault.retryAfterSeconds);
      return;
    case 'cloudflare403':
      send(response, HTTP_FORBIDDEN, HTML_CONTENT_TYPE, CLOUDFLARE_BLOCK_PAGE);
      return;
    case 'cloudflare200':
      send(response, HTTP_OK, HTML_CONTENT_TYPE, CLOUDFLARE_CHALLENGE_PAGE);
      return;
    default:
      send(response, HTTP_SERVER_ERROR, HTML_CONTENT_TYPE, CLOUDFLARE_ERROR_PAGE);
  }
}

/** The real JSON answer, damaged as a truncated or malformed fault says. */
export function damageJson(body: string, fault: ActiveFault | undefined): string {
  if (fault?.kind === 'truncated') return body.slice(0, Math.floor(body.length / 2));
  // A closing brace dropped and a stray one added mid-way: no JSON parser accepts it.
  if (fault?.kind === 'malformed') return `${body.slice(0, Math.floor(body.length / 2))}}{${body.slice(Math.floor(body.length / 2), -1)}`;
  return body;
}
