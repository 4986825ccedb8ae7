import type { Authenticated, LoginEcho } from './authentication';
import { authenticate, invalidLocation, resultOwner } from './authentication';
import type { EmulatedCompany } from './company';
import { entityOf } from './company';
import { formatIsoWithOffset } from './dates';
import { runInspect, runLookup } from './describe';
import { FunctionFailure } from './errors';
import type { ForcedFailure } from './fault-answers';
import { signInRefusedBody } from './fault-answers';
import type { FunctionOutcome, ReadScope } from './read-scope';
import { runQuery, runReadByQuery, runReadMore } from './reads';
import { runRead, runReadByName } from './record-reads';
import type { FunctionCall, GatewayFunctionName, GatewayRequest, ParsedRequest } from './request';
import { SENDER_REJECTED } from './request';
import type { SessionRegistry } from './sessions';
import type { WriteScope } from './writes';
import { runCreate, runDelete, runUpdate } from './writes';
import { childOf, hasChild, textOf } from './xml-node';
import type { ErrorDetail } from './xml-render';
import { element, renderControl, renderErrorMessage, renderResponse } from './xml-render';

export type { EmulatedCompany } from './company';

export interface GatewayContext {
  senderId: string;
  senderPassword: string;
  /** Keyed by upper-case company id: Intacct company ids are not case-sensitive. */
  companies: Map<string, EmulatedCompany>;
  sessions: SessionRegistry;
  endpointUrl: string;
  now(): number;
  onSessionIssued(): void;
}

const HTTP_OK = 200;
const HTTP_UNAUTHORIZED = 401;

export interface GatewayAnswer {
  /** HTTP status: 200 for every XML answer but the gateway's own sign-in refusal (401). */
  status: number;
  body: string;
  /** Records across all results, for the latency model. */
  records: number;
}

function senderAccepted(context: GatewayContext, request: GatewayRequest): boolean {
  return request.echo.senderId === context.senderId && request.senderPassword === context.senderPassword;
}

function companyFor(context: GatewayContext, companyId: string): EmulatedCompany | undefined {
  return context.companies.get(companyId.trim().toUpperCase());
}

/**
 * The company a request would act for, without using it up (no session extension), so the
 * concurrency limit can be applied before any work; undefined when the request cannot authenticate.
 */
export function companyOfRequest(context: GatewayContext, parsed: ParsedRequest): EmulatedCompany | undefined {
  if (!parsed.ok || !senderAccepted(context, parsed.request)) return undefined;
  const authentication = parsed.request.authentication;
  if (!authentication) return undefined;
  if (authentication.kind === 'login') return companyFor(context, authentication.companyId);
  const session = context.sessions.peek(authentication.sessionId);
  return session ? companyFor(context, session.companyId) : undefined;
}

function renderAuthentication(status: 'success' | 'failure', echo: LoginEcho, timestamps = ''): string {
  return (
    `<authentication>${element('status', status)}${element('userid', echo.userId)}${element('companyid', echo.companyId)}` +
    `${element('locationid', echo.locationId)}${timestamps}</authentication>`
  );
}

/**
 * `getAPISession`: the session of the request, or a new one for a login. With `<locationid>` it
 * opens a session at that level instead (an entity, or '' for the top), as production allows
 * from any session; it answers the endpoint (the emulator's own URL, where production answers an
 * *.intacct.com host) and the session's location id.
 */
function getApiSession(context: GatewayContext, auth: Authenticated, body: unknown): FunctionOutcome {
  let session = auth.session;
  const switching = hasChild(body, 'locationid');
  const locationId = switching ? textOf(childOf(body, 'locationid')).trim() : auth.locationId;
  if (switching && locationId !== '' && !entityOf(auth.company, locationId)) {
    const refusal = invalidLocation(auth.company, locationId);
    throw new FunctionFailure(refusal.errorno, refusal.description2 ?? '', refusal.correction, refusal.description);
  }
  if (!session || (switching && locationId !== session.locationId)) {
    session = context.sessions.issue(auth.company.companyId, auth.userId, locationId);
    context.onSessionIssued();
    if (!auth.session) {
      auth.session = session;
      auth.sessionTimeout = session.expiresAt;
    }
  }
  const api =
    `<api>${element('sessionid', session.sessionId)}${element('endpoint', context.endpointUrl)}` +
    `${element('locationid', session.locationId)}</api>`;
  return { data: `<data>${api}</data>`, records: 0 };
}

function readScope(auth: Authenticated): ReadScope {
  const { company } = auth;
  return {
    store: company.store,
    results: company.results,
    entityId: auth.locationId,
    hasEntities: company.entities.length > 0,
    contactFields: company.employeeContactFields,
    owner: resultOwner(auth),
  };
}

function writeScope(auth: Authenticated): WriteScope {
  return { store: auth.company.store, entity: auth.entity };
}

type FunctionRunner = (context: GatewayContext, auth: Authenticated, body: unknown) => FunctionOutcome;

const RUNNERS: Record<GatewayFunctionName, FunctionRunner> = {
  getAPISession: getApiSession,
  query: (_context, auth, body) => runQuery(readScope(auth), body),
  readByQuery: (_context, auth, body) => runReadByQuery(readScope(auth), body),
  readMore: (_context, auth, body) => runReadMore(readScope(auth), body),
  read: (_context, auth, body) => runRead(readScope(auth), body),
  readByName: (_context, auth, body) => runReadByName(readScope(auth), body),
  lookup: (_context, auth, body) => runLookup(readScope(auth), body),
  inspect: (_context, auth, body) => runInspect(readScope(auth), body),
  create: (context, auth, body) => runCreate(writeScope(auth), body, context.now()),
  update: (context, auth, body) => runUpdate(writeScope(auth), body, context.now()),
  delete: (_context, auth, body) => runDelete(writeScope(auth), body),
};

function renderResult(call: FunctionCall, status: 'success' | 'failure' | 'aborted', inner: string): string {
  return `<result>${element('status', status)}${element('function', call.name)}${element('controlid', call.controlId)}${inner}</result>`;
}

function failureDetail(error: unknown): ErrorDetail {
  if (error instanceof FunctionFailure) {
    return { errorno: error.errorno, description: error.description, description2: error.description2, correction: error.correction };
  }
  throw error;
}

/**
 * Answers a parsed gateway request: control check, authentication, then one <result> per function.
 * With `forced`, every function fails that way instead of running (the result-level faults).
 */
export function answerGatewayRequest(context: GatewayContext, parsed: ParsedRequest, forced?: ForcedFailure): GatewayAnswer {
  if (!parsed.ok) {
    return { status: HTTP_OK, body: renderResponse(renderControl('failure', parsed.echo) + renderErrorMessage([parsed.error])), records: 0 };
  }
  const request = parsed.request;
  if (!senderAccepted(context, request)) {
    return { status: HTTP_OK, body: renderResponse(renderControl('failure', request.echo) + renderErrorMessage([SENDER_REJECTED])), records: 0 };
  }
  const outcome = authenticate({ sessions: context.sessions, companyFor: (companyId) => companyFor(context, companyId) }, request);
  if (outcome.kind === 'signInRefused') return { status: HTTP_UNAUTHORIZED, body: signInRefusedBody(), records: 0 };
  const control = renderControl('success', request.echo);
  if (outcome.kind === 'refused') {
    const operation = `<operation>${renderAuthentication('failure', outcome.echo)}${renderErrorMessage([outcome.error])}</operation>`;
    return { status: HTTP_OK, body: renderResponse(control + operation), records: 0 };
  }
  const { auth } = outcome;

  let records = 0;
  const results = request.functions.map((call) => {
    if (forced) return renderResult(call, forced.status, renderErrorMessage(forced.errors));
    try {
      const runner = RUNNERS[call.name as GatewayFunctionName];
      const result = runner(context, auth, call.body);
      records += result.records;
      return renderResult(call, 'success', result.data);
    } catch (error) {
      return renderResult(call, 'failure', renderErrorMessage([failureDetail(error)]));
    }
  });
  // Rendered after the functions: getAPISession may have just issued the session it reports.
  const timestamps =
    element('sessiontimestamp', formatIsoWithOffset(context.now())) + element('sessiontimeout', formatIsoWithOffset(auth.sessionTimeout));
  const authentication = renderAuthentication(
    'success',
    { userId: auth.userId, companyId: auth.company.companyId, locationId: auth.locationId },
    timestamps,
  );
  return { status: HTTP_OK, body: renderResponse(`${control}<operation>${authentication}${results.join('')}</operation>`), records };
}
