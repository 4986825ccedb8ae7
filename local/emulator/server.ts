import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { EmulatedCompany } from './company';
import { DEFAULT_EMPLOYEE_CONTACT_FIELDS } from './contact-fields';
import { entitiesFor } from './entities';
import { FaultController, faultSettingsSchema } from './faults';
import type { GatewayContext } from './gateway';
import { handleGateway } from './gateway-handler';
import { generateCompanyData } from './generator';
import {
  HTTP_BAD_REQUEST,
  HTTP_METHOD_NOT_ALLOWED,
  HTTP_NOT_FOUND,
  HTTP_OK,
  HTTP_PAYLOAD_TOO_LARGE,
  HTTP_SERVER_ERROR,
  sendJson,
} from './http-answers';
import { REST_API_PREFIX } from './rest/rest-api';
import { applyFaults, handleRestControl } from './rest/rest-control';
import { createRestFace } from './rest/rest-face';
import { ResultRegistry } from './results';
import { SessionRegistry } from './sessions';
import { CompanyStore } from './store';
import type {
  EmployeeContactFieldMode,
  EmulatedCompanyCredentials,
  EmulatorCompanySeed,
  EmulatorOptions,
  EmulatorStats,
  FaultSettings,
  RunningEmulator,
} from './types';

const GATEWAY_PATH = '/ia/xml/xmlgw.phtml';
const CONTROL_PREFIX = '/__emulator/';
const LOOPBACK = '127.0.0.1';
const HOUR_MS = 60 * 60 * 1000;
/**
 * A session lives for the company's session duration from its last call (developer.intacct.com,
 * API Sessions: "Session Lifespan / Timeout"). The default duration is not published; 12 hours is
 * what recorded production answers show (sessiontimeout 12 h after sessiontimestamp).
 */
export const DEFAULT_SESSION_TTL_MS = 12 * HOUR_MS;
const DEFAULT_CONCURRENCY_LIMIT = 2;
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const DEFAULT_SENDER_ID = 'emulatorSender';
const DEFAULT_SENDER_PASSWORD = 'emulator-sender-secret';

/** Demo-sized companies used when the options name none. */
const DEFAULT_COMPANIES: readonly EmulatorCompanySeed[] = [
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

function emptyStats(): EmulatorStats {
  return { httpRequests: 0, byFunction: {}, sessionsIssued: 0, maxConcurrent: 0, rejectedForConcurrency: 0 };
}

function buildCompanies(seeds: readonly EmulatorCompanySeed[], contactFields: EmployeeContactFieldMode): Map<string, EmulatedCompany> {
  const companies = new Map<string, EmulatedCompany>();
  seeds.forEach((seed, index) => {
    const key = seed.companyId.trim().toUpperCase();
    if (companies.has(key)) throw new Error(`Duplicate companyId ${seed.companyId}`);
    const store = new CompanyStore();
    const entities = entitiesFor(seed.companyId, seed.entities ?? 0);
    const counts = { customers: seed.customers ?? 0, employees: seed.employees ?? 0, departments: seed.departments ?? 0 };
    generateCompanyData(store, seed.seed ?? index + 1, counts, entities);
    companies.set(key, {
      companyId: seed.companyId,
      userId: seed.userId,
      userPassword: seed.userPassword,
      store,
      results: new ResultRegistry(),
      concurrencyLimit: seed.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT,
      inFlight: 0,
      entities,
      employeeContactFields: seed.employeeContactFields ?? contactFields,
    });
  });
  return companies;
}

function credentialsOf(company: EmulatedCompany): EmulatedCompanyCredentials {
  const { companyId, userId, userPassword, entities } = company;
  // A plain company's credentials keep their historical shape (no entities key).
  return entities.length === 0
    ? { companyId, userId, userPassword }
    : { companyId, userId, userPassword, entities: entities.map((entity) => ({ ...entity })) };
}

/** Starts the emulator HTTP server on 127.0.0.1. */
export async function startEmulatorServer(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const senderId = options.senderId ?? DEFAULT_SENDER_ID;
  const senderPassword = options.senderPassword ?? DEFAULT_SENDER_PASSWORD;
  const companies = buildCompanies(options.companies ?? DEFAULT_COMPANIES, options.employeeContactFields ?? DEFAULT_EMPLOYEE_CONTACT_FIELDS);
  // Read through Date on each call, so tests that fake the clock move session expiry, WHENMODIFIED and timed faults too.
  const now = (): number => Date.now();
  const sessions = new SessionRegistry(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, now);
  const faults = new FaultController(options.latencyMs, now);
  let stats = emptyStats();
  const held = new Set<ServerResponse>();

  const context: GatewayContext = {
    senderId,
    senderPassword,
    companies,
    sessions,
    endpointUrl: '',
    now,
    onSessionIssued: () => {
      stats.sessionsIssued += 1;
    },
  };
  const gatewayDeps = { context, faults, stats: () => stats, held, readBody };
  const restFace = createRestFace({ companies, now, stats: () => stats, held, readBody }, options.oauth);

  function setFaults(settings: FaultSettings): void {
    faults.apply(settings);
  }

  async function handleControl(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (await handleRestControl(restFace, request, response, path, readBody)) return;
    const route = `${request.method ?? ''} ${path}`;
    switch (route) {
      case 'GET stats':
        sendJson(response, HTTP_OK, stats);
        return;
      case 'POST reset':
        faults.clear();
        restFace.apiFaults.clear();
        restFace.tokenFaults.clear();
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
    const url = new URL(request.url ?? '/', `http://${LOOPBACK}`);
    const path = url.pathname;
    try {
      if (path === GATEWAY_PATH) {
        if (request.method === 'POST') await handleGateway(gatewayDeps, request, response);
        else sendJson(response, HTTP_METHOD_NOT_ALLOWED, { error: 'The gateway takes POST only.' });
      } else if (restFace.owns(path)) {
        await restFace.handle(request, response, url);
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
    companies: [...companies.values()].map(credentialsOf),
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
    setFaults,
    clearFaults: () => {
      faults.clear();
      restFace.apiFaults.clear();
      restFace.tokenFaults.clear();
    },
    expireSessions: () => sessions.expireAll(),
    restBaseUrl: `${baseUrl}${REST_API_PREFIX}`,
    oauth: restFace.endpoints(baseUrl),
    registerOAuthClient: (client) => restFace.clients.register(client),
    revokeOAuthGrants: (companyId) => {
      restFace.grants.revokeCompany(companyId);
    },
    expireAccessTokens: () => restFace.grants.expireAccessTokens(),
    advanceOAuthClock: (ms) => restFace.grants.advanceClock(ms),
    setTokenFaults: (settings) => applyFaults(restFace, 'token', settings),
    setRestFaults: (settings) => applyFaults(restFace, 'api', settings),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const response of held) response.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
