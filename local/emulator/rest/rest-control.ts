/**
 * The REST face's control endpoints, beside the XML face's under /__emulator/:
 *   POST oauth/clients               { clientId, clientSecret, redirectUris }  registers a client
 *   POST oauth/revoke-company        { companyId }  the company's admin revokes the app
 *   POST oauth/expire-access-tokens  every issued access token expires (refresh tokens stay)
 *   POST oauth/advance-clock         { ms }  moves the OAuth clock forward (codes, access tokens)
 *   POST oauth/faults                fault settings for POST /oauth2/token (http429, http500, http503, timeout, reset)
 *   POST rest/faults                 fault settings and latency for the REST API
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultSettingsSchema } from '../faults';
import { HTTP_BAD_REQUEST, HTTP_METHOD_NOT_ALLOWED, HTTP_OK, sendJson } from '../http-answers';
import type { FaultKind, FaultSettings } from '../types';
import { REST_API_FAULT_KINDS, TOKEN_FAULT_KINDS, unservedFaultKind } from './json-faults';
import type { RestFace } from './rest-face';

const clientSchema = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), redirectUris: z.array(z.url()).min(1) }).strict();
const companySchema = z.object({ companyId: z.string().min(1) }).strict();
const advanceSchema = z.object({ ms: z.number().int().min(0) }).strict();

/** Applies fault settings to a face's controller, refusing kinds the face does not serve. */
export function applyFaults(face: RestFace, target: 'token' | 'api', settings: FaultSettings): void {
  const served: readonly FaultKind[] = target === 'token' ? TOKEN_FAULT_KINDS : REST_API_FAULT_KINDS;
  const unserved = unservedFaultKind(settings, served);
  if (unserved !== undefined) throw new Error(`The ${target} face does not serve the fault ${unserved}; use one of ${served.join(', ')}.`);
  (target === 'token' ? face.tokenFaults : face.apiFaults).apply(settings);
}

type Action = (face: RestFace, body: unknown) => void;

const ACTIONS: Readonly<Record<string, { schema: z.ZodType; run: Action }>> = {
  'oauth/clients': { schema: clientSchema, run: (face, body) => face.clients.register(clientSchema.parse(body)) },
  'oauth/revoke-company': { schema: companySchema, run: (face, body) => face.grants.revokeCompany(companySchema.parse(body).companyId) },
  'oauth/expire-access-tokens': { schema: z.unknown(), run: (face) => face.grants.expireAccessTokens() },
  'oauth/advance-clock': { schema: advanceSchema, run: (face, body) => face.grants.advanceClock(advanceSchema.parse(body).ms) },
  'oauth/faults': { schema: faultSettingsSchema, run: (face, body) => applyFaults(face, 'token', faultSettingsSchema.parse(body)) },
  'rest/faults': { schema: faultSettingsSchema, run: (face, body) => applyFaults(face, 'api', faultSettingsSchema.parse(body)) },
};

/** Answers a control request if it is one of the REST face's; returns whether it was. */
export async function handleRestControl(
  face: RestFace,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  readBody: (request: IncomingMessage) => Promise<string>,
): Promise<boolean> {
  const action = ACTIONS[path];
  if (!action) return false;
  if (request.method !== 'POST') {
    sendJson(response, HTTP_METHOD_NOT_ALLOWED, { error: `No route ${request.method ?? ''} ${path}` });
    return true;
  }
  const text = await readBody(request);
  let json: unknown = {};
  try {
    if (text.trim() !== '') json = JSON.parse(text);
  } catch {
    sendJson(response, HTTP_BAD_REQUEST, { error: 'The body is not valid JSON.' });
    return true;
  }
  const checked = action.schema.safeParse(json);
  if (!checked.success) {
    sendJson(response, HTTP_BAD_REQUEST, { error: `Invalid body: ${z.prettifyError(checked.error)}` });
    return true;
  }
  try {
    action.run(face, checked.data);
  } catch (error) {
    sendJson(response, HTTP_BAD_REQUEST, { error: (error as Error).message });
    return true;
  }
  sendJson(response, HTTP_OK, { ok: true });
  return true;
}
