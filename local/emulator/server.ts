import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { TRANSACTION_ROLLED_BACK } from './errors';
import { addBillionLaughs, CLOUDFLARE_ERROR_PAGE, FaultController, faultSettingsSchema, malformAnswer, rateLimitBody, truncateAnswer } from './faults';
import type { EmulatedCompany, GatewayContext } from './gateway';
import { answerGatewayRequest, companyOfRequest } from './gateway';
import { generateCompanyData } from './generator';
import { ResultRegistry } from './reads';
import { parseGatewayRequest } from './request';
import { SessionRegistry } from './sessions';
import { CompanyStore } from './store';
import type { EmulatorCompanySeed, EmulatorOptions, EmulatorStats, FaultSettings, RunningEmulator } from './types';

export const GATEWAY_PATH = '/ia/xml/xmlgw.phtml';
const CONTROL_PREFIX = '/__emulator/';
const LOOPBACK = '127.0.0.1';
const XML_CONTENT_TYPE = 'text/xml; encoding="UTF-8";charset=UTF-8';
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const HTML_CONTENT_TYPE = 'text/html; charset=UTF-8';
const DEFAULT_SESSION_TTL_MS = 30 * 60 * 1000;
const DEFAULT_CONCURRENCY_LIMIT = 2;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_NOT_FOUND = 404;
const HTTP_METHOD_NOT_ALLOWED = 405;
const HTTP_PAYLOAD_TOO_LARGE = 413;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR = 500;

export const DEFAULT_SENDER_ID = 'emulatorSender';
export const DEFAULT_SENDER_PASSWORD = 'emulator-sender-secret';

/** Demo-sized companies used when the options name none. */
export const DEFAULT_COMPANIES: readonly EmulatorCompanySeed[] = [
  { companyId: 'NORTHWIND', userId: 'ws_psa', userPassword: 'northwind-pass', customers: 40, employees: 12, departments: 4, seed: 1 },
  { companyId: 'FJORDVIK', userId: 'ws_psa', userPassword: 'fjordvik-pass', customers: 40, employees: 12, departments: 4, seed: 2 },
];

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, JSON_CONTENT_TYPE, JSON.stringify(value));
}

function emptyStats(): EmulatorStats {
  return { httpRequests: 0, byFunction: {}, sessionsIssued: 0, maxConcurrent: 0, rejectedForConcurrency: 0 };
}

function buildCompanies(seeds: readonly EmulatorCompanySeed[]): Map<string, EmulatedCompany> {
  const companies = new Map<string, EmulatedCompany>();
  seeds.forEach((seed, index) => {
    const key = seed.companyId.trim().toUpperCase();
    if (companies.has(key)) throw new Error(`Duplicate companyId ${seed.companyId}`);
    const store = new CompanyStore();
    generateCompanyData(store, seed.seed ?? index + 1, {
      customers: seed.customers ?? 0,
      employees: seed.employees ?? 0,
      departments: seed.departments ?? 0,
    });
    companies.set(key, {
      companyId: seed.companyId,
      userId: seed.userId,
      userPassword: seed.userPassword,
      store,
      results: new ResultRegistry(),
      concurrencyLimit: seed.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT,
      inFlight: 0,
    });
  });
  return companies;
}

/** Starts the emulator HTTP server on 127.0.0.1. */
export async function startEmulatorServer(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const senderId = options.senderId ?? DEFAULT_SENDER_ID;
  const senderPassword = options.senderPassword ?? DEFAULT_SENDER_PASSWORD;
  const companies = buildCompanies(options.companies ?? DEFAULT_COMPANIES);
  const sessions = new SessionRegistry(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS);
  const faults = new FaultController(options.latencyMs);
  let stats = emptyStats();
  // Requests held open by the timeout fault; ended when the emulator closes.
  const held = new Set<ServerResponse>();

  const context: GatewayContext = {
    senderId,
    senderPassword,
    companies,
    sessions,
    endpointUrl: '',
    // Read through Date on each call, so tests that fake the clock move session expiry and WHENMODIFIED too.
    now: () => Date.now(),
    onSessionIssued: () => {
      stats.sessionsIssued += 1;
    },
  };

  async function handleGateway(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
    const body = await readBody(request);
    if (fault?.kind === 'http500' || fault?.kind === 'http429') {
      await delay(faults.delayFor(0));
      if (fault.kind === 'http500') send(response, HTTP_SERVER_ERROR, HTML_CONTENT_TYPE, CLOUDFLARE_ERROR_PAGE);
      else send(response, HTTP_TOO_MANY_REQUESTS, XML_CONTENT_TYPE, rateLimitBody(undefined));
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
      const forcedErrorno = fault?.kind === 'xmlError' ? (fault.errorno ?? TRANSACTION_ROLLED_BACK) : undefined;
      const answer = answerGatewayRequest(context, parsed, forcedErrorno);
      await delay(faults.delayFor(answer.records));
      let answerBody = answer.body;
      if (fault?.kind === 'truncated') answerBody = truncateAnswer(answerBody);
      else if (fault?.kind === 'malformed') answerBody = malformAnswer(answerBody);
      else if (fault?.kind === 'doctype') answerBody = addBillionLaughs(answerBody);
      if (fault?.kind === 'truncated') {
        // No Content-Length: the answer ends cleanly, just short, as a cut proxy stream can.
        response.writeHead(HTTP_OK, { 'Content-Type': XML_CONTENT_TYPE });
        response.end(answerBody);
      } else {
        send(response, HTTP_OK, XML_CONTENT_TYPE, answerBody);
      }
    } finally {
      if (company) company.inFlight -= 1;
    }
  }

  function setFaults(settings: FaultSettings): void {
    faults.apply(settings);
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const route = `${request.method ?? ''} ${path}`;
    switch (route) {
      case 'GET stats':
        sendJson(response, HTTP_OK, stats);
        return;
      case 'POST reset':
        faults.clear();
        sendJson(response, HTTP_OK, { ok: true });
        return;
      case 'POST sessions/expire':
        sessions.expireAll();
        sendJson(response, HTTP_OK, { ok: true });
        return;
      case 'POST faults': {
        const text = await readBody(request);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          sendJson(response, HTTP_BAD_REQUEST, { error: 'The body is not valid JSON.' });
          return;
        }
        const checked = faultSettingsSchema.safeParse(json);
        if (!checked.success) {
          sendJson(response, HTTP_BAD_REQUEST, { error: `Invalid fault settings: ${z.prettifyError(checked.error)}` });
          return;
        }
        setFaults(checked.data);
        sendJson(response, HTTP_OK, { ok: true });
        return;
      }
      default: {
        const known = ['stats', 'reset', 'sessions/expire', 'faults'].includes(path);
        sendJson(response, known ? HTTP_METHOD_NOT_ALLOWED : HTTP_NOT_FOUND, { error: `No route ${route}` });
      }
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', `http://${LOOPBACK}`).pathname;
    try {
      if (path === GATEWAY_PATH) {
        if (request.method === 'POST') await handleGateway(request, response);
        else sendJson(response, HTTP_METHOD_NOT_ALLOWED, { error: 'The gateway takes POST only.' });
      } else if (path.startsWith(CONTROL_PREFIX)) {
        await handleControl(request, response, path.slice(CONTROL_PREFIX.length));
      } else {
        sendJson(response, HTTP_NOT_FOUND, { error: `No route ${path}` });
      }
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
      } else if (error instanceof BodyTooLarge) {
        sendJson(response, HTTP_PAYLOAD_TOO_LARGE, { error: `The body is over ${MAX_BODY_BYTES} bytes.` });
      } else {
        sendJson(response, HTTP_SERVER_ERROR, { error: `Emulator error: ${(error as Error).message}` });
      }
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${LOOPBACK}:${port}`;
  context.endpointUrl = `${baseUrl}${GATEWAY_PATH}`;

  return {
    endpointUrl: context.endpointUrl,
    baseUrl,
    senderId,
    senderPassword,
    companies: [...companies.values()].map(({ companyId, userId, userPassword }) => ({ companyId, userId, userPassword })),
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setFaults,
    clearFaults: () => faults.clear(),
    expireSessions: () => sessions.expireAll(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const response of held) response.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
