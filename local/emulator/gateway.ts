import { formatIsoWithOffset } from './dates';
import { FunctionFailure, SIGN_IN_FAILED, TRANSACTION_ROLLED_BACK, XML_PARSE_ERROR, withSupportId } from './errors';
import type { FunctionOutcome, ResultRegistry } from './reads';
import { runQuery, runReadByQuery, runReadMore } from './reads';
import type { FunctionCall, GatewayRequest, ParsedRequest } from './request';
import { SENDER_REJECTED } from './request';
import type { Session, SessionRegistry } from './sessions';
import type { CompanyStore } from './store';
import { runCreate, runDelete, runUpdate } from './writes';
import type { ErrorDetail } from './xml-render';
import { element, renderControl, renderErrorMessage, renderResponse } from './xml-render';

/** One emulated Intacct company with its credentials, data and live request count. */
export interface EmulatedCompany {
  companyId: string;
  userId: string;
  userPassword: string;
  store: CompanyStore;
  results: ResultRegistry;
  concurrencyLimit: number;
  inFlight: number;
}

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

export interface GatewayAnswer {
  body: string;
  /** Records across all results, for the latency model. */
  records: number;
}

const SIGN_IN_REJECTED = 'Sign-in information is incorrect. Please check your request.';
const ROLLED_BACK = 'The entire transaction in this operation has been rolled back due to an error.';

interface Authenticated {
  company: EmulatedCompany;
  userId: string;
  locationId: string;
  session: Session | undefined;
  sessionTimeout: number;
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

function authenticate(context: GatewayContext, request: GatewayRequest): Authenticated | undefined {
  const authentication = request.authentication;
  if (!authentication) return undefined;
  if (authentication.kind === 'session') {
    const session = context.sessions.use(authentication.sessionId);
    const company = session && companyFor(context, session.companyId);
    if (!session || !company) return undefined;
    return { company, userId: session.userId, locationId: session.locationId, session, sessionTimeout: session.expiresAt };
  }
  const company = companyFor(context, authentication.companyId);
  const accepted =
    company !== undefined &&
    company.userId.toUpperCase() === authentication.userId.trim().toUpperCase() &&
    company.userPassword === authentication.password;
  if (!accepted) return undefined;
  return {
    company,
    userId: authentication.userId,
    locationId: authentication.locationId,
    session: undefined,
    sessionTimeout: context.sessions.timeoutFromNow(),
  };
}

function renderAuthentication(status: 'success' | 'failure', echo: { userId: string; companyId: string; locationId: string }, timestamps = ''): string {
  return (
    `<authentication>${element('status', status)}${element('userid', echo.userId)}${element('companyid', echo.companyId)}` +
    `${element('locationid', echo.locationId)}${timestamps}</authentication>`
  );
}

function authenticationFailure(request: GatewayRequest): string {
  const authentication = request.authentication;
  const echo =
    authentication?.kind === 'login'
      ? { userId: authentication.userId, companyId: authentication.companyId, locationId: authentication.locationId }
      : { userId: '', companyId: '', locationId: '' };
  const description2 = authentication ? SIGN_IN_REJECTED : 'The request has no <authentication> (login or sessionid).';
  return `<operation>${renderAuthentication('failure', echo)}${renderErrorMessage([{ errorno: SIGN_IN_FAILED, description2 }])}</operation>`;
}

function getApiSession(context: GatewayContext, auth: Authenticated): FunctionOutcome {
  let session = auth.session;
  if (!session) {
    session = context.sessions.issue(auth.company.companyId, auth.userId, auth.locationId);
    auth.session = session;
    auth.sessionTimeout = session.expiresAt;
    context.onSessionIssued();
  }
  const api =
    `<api>${element('sessionid', session.sessionId)}${element('endpoint', context.endpointUrl)}` +
    `${element('locationid', session.locationId)}</api>`;
  return { data: `<data>${api}</data>`, records: 0 };
}

function runFunction(context: GatewayContext, auth: Authenticated, call: FunctionCall): FunctionOutcome {
  const { store, results } = auth.company;
  switch (call.name) {
    case 'getAPISession':
      return getApiSession(context, auth);
    case 'query':
      return runQuery(store, call.body);
    case 'readByQuery':
      return runReadByQuery(store, results, call.body);
    case 'readMore':
      return runReadMore(results, call.body);
    case 'create':
      return runCreate(store, call.body, context.now());
    case 'update':
      return runUpdate(store, call.body, context.now());
    case 'delete':
      return runDelete(store, call.body);
    default:
      throw new FunctionFailure(
        XML_PARSE_ERROR,
        withSupportId(`Unknown function: ${call.name || '(none)'}`),
        'Use getAPISession, query, readByQuery, readMore, create, update or delete.',
      );
  }
}

function renderResult(call: FunctionCall, status: 'success' | 'failure', inner: string): string {
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
 * With `forcedErrorno`, every function fails with that errorno instead of running (the xmlError fault).
 */
export function answerGatewayRequest(context: GatewayContext, parsed: ParsedRequest, forcedErrorno?: string): GatewayAnswer {
  if (!parsed.ok) {
    return { body: renderResponse(renderControl('failure', parsed.echo) + renderErrorMessage([parsed.error])), records: 0 };
  }
  const request = parsed.request;
  if (!senderAccepted(context, request)) {
    return { body: renderResponse(renderControl('failure', request.echo) + renderErrorMessage([SENDER_REJECTED])), records: 0 };
  }
  const control = renderControl('success', request.echo);
  const auth = authenticate(context, request);
  if (!auth) return { body: renderResponse(control + authenticationFailure(request)), records: 0 };

  let records = 0;
  const results = request.functions.map((call) => {
    if (forcedErrorno !== undefined) {
      const description2 = forcedErrorno === TRANSACTION_ROLLED_BACK ? ROLLED_BACK : withSupportId('The request failed.');
      return renderResult(call, 'failure', renderErrorMessage([{ errorno: forcedErrorno, description2 }]));
    }
    try {
      const outcome = runFunction(context, auth, call);
      records += outcome.records;
      return renderResult(call, 'success', outcome.data);
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
  return { body: renderResponse(`${control}<operation>${authentication}${results.join('')}</operation>`), records };
}
