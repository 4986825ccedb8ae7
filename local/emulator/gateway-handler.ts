/**
 * One POST to the gateway path: the fault it meets (if any), the company's concurrency limit, the
 * answer, the latency model, and the stats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import {
  addBillionLaughs,
  CLOUDFLARE_BLOCK_PAGE,
  CLOUDFLARE_CHALLENGE_PAGE,
  CLOUDFLARE_ERROR_PAGE,
  forcedResultFailure,
  malformAnswer,
  rateLimitBody,
  SERVICE_UNAVAILABLE_PAGE,
  truncateAnswer,
} from './fault-answers';
import type { ActiveFault, FaultController } from './faults';
import type { GatewayContext } from './gateway';
import { answerGatewayRequest, companyOfRequest } from './gateway';
import {
  HTML_CONTENT_TYPE,
  HTTP_FORBIDDEN,
  HTTP_OK,
  HTTP_SERVER_ERROR,
  HTTP_SERVICE_UNAVAILABLE,
  HTTP_TOO_MANY_REQUESTS,
  send,
  XML_CONTENT_TYPE,
} from './http-answers';
import { parseGatewayRequest } from './request';
import type { EmulatorStats, FaultKind } from './types';

export interface GatewayHandlerDeps {
  context: GatewayContext;
  faults: FaultController;
  stats(): EmulatorStats;
  /** Responses held open by the timeout fault; ended when the emulator closes. */
  held: Set<ServerResponse>;
  readBody(request: IncomingMessage): Promise<string>;
}

/** Faults answered before the gateway sees the request: pages from the front, not XML answers. */
const HTTP_LEVEL_FAULTS: ReadonlySet<FaultKind> = new Set<FaultKind>(['http500', 'http503', 'http429', 'cloudflare403', 'cloudflare200']);

function sendHttpFault(response: ServerResponse, fault: ActiveFault): void {
  switch (fault.kind) {
    case 'http500':
      send(response, HTTP_SERVER_ERROR, HTML_CONTENT_TYPE, CLOUDFLARE_ERROR_PAGE);
      return;
    case 'http503':
      send(response, HTTP_SERVICE_UNAVAILABLE, HTML_CONTENT_TYPE, SERVICE_UNAVAILABLE_PAGE, fault.retryAfterSeconds);
      return;
    case 'http429':
      send(response, HTTP_TOO_MANY_REQUESTS, XML_CONTENT_TYPE, rateLimitBody(undefined), fault.retryAfterSeconds);
      return;
    case 'cloudflare403':
      send(response, HTTP_FORBIDDEN, HTML_CONTENT_TYPE, CLOUDFLARE_BLOCK_PAGE);
      return;
    default:
      send(response, HTTP_OK, HTML_CONTENT_TYPE, CLOUDFLARE_CHALLENGE_PAGE);
  }
}

function damage(body: string, fault: ActiveFault | undefined): string {
  switch (fault?.kind) {
    case 'truncated':
      return truncateAnswer(body);
    case 'malformed':
      return malformAnswer(body);
    case 'doctype':
      return addBillionLaughs(body);
    default:
      return body;
  }
}

export async function handleGateway(deps: GatewayHandlerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { context, faults, held } = deps;
  const stats = deps.stats();
  stats.httpRequests += 1;
  const fault = faults.take();
  if (fault?.kind === 'reset') {
    request.socket.destroy();
    return;
  }
  if (fault?.kind === 'timeout') {
    held.add(response);
    response.on('close', () => held.delete(response));
    request.resume();
    return;
  }
  const body = await deps.readBody(request);
  if (fault && HTTP_LEVEL_FAULTS.has(fault.kind)) {
    await delay(faults.delayFor(0));
    sendHttpFault(response, fault);
    return;
  }

  const parsed = parseGatewayRequest(body);
  if (parsed.ok) {
    for (const call of parsed.request.functions) {
      stats.byFunction[call.name] = (stats.byFunction[call.name] ?? 0) + 1;
    }
  }
  const company = companyOfRequest(context, parsed);
  if (company && company.inFlight >= company.concurrencyLimit) {
    stats.rejectedForConcurrency += 1;
    send(response, HTTP_TOO_MANY_REQUESTS, XML_CONTENT_TYPE, rateLimitBody(company.concurrencyLimit));
    return;
  }
  if (company) {
    company.inFlight += 1;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, company.inFlight);
  }
  try {
    const answer = answerGatewayRequest(context, parsed, fault ? forcedResultFailure(fault) : undefined);
    await delay(faults.delayFor(answer.records));
    const answerBody = damage(answer.body, fault);
    if (fault?.kind === 'truncated') {
      // No Content-Length: the answer ends cleanly, just short, as a cut proxy stream can.
      response.writeHead(answer.status, { 'Content-Type': XML_CONTENT_TYPE });
      response.end(answerBody);
    } else {
      send(response, answer.status, XML_CONTENT_TYPE, answerBody);
    }
  } finally {
    if (company) company.inFlight -= 1;
  }
}
