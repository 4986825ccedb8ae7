/**
 * Who a gateway request acts as: its login or session checked, and the session level (top or an
 * entity) it reads and writes at. Refusals come in production's shapes:
 * - a login's wrong user or password: HTTP 401, control-level XMLGW_JPP0002 (fault-answers.ts);
 * - an unknown company, an unknown or expired session, no authentication at all:
 *   authentication-level XL03000006 in an HTTP 200 answer;
 * - an unknown `<locationid>`: authentication-level XL03000006 too. Intacct does not publish the
 *   error for it; XL03000006 is the sign-in family clients already treat as a credentials problem.
 */
import type { EmulatedCompany } from './company';
import { entityOf } from './company';
import { SIGN_IN_FAILED, withSupportId } from './errors';
import type { GatewayRequest } from './request';
import type { Session, SessionRegistry } from './sessions';
import type { EmulatedEntity } from './types';
import type { ErrorDetail } from './xml-render';

export interface Authenticated {
  company: EmulatedCompany;
  userId: string;
  /** The session level: '' at the top, else the entity's location id. */
  locationId: string;
  entity: EmulatedEntity | undefined;
  session: Session | undefined;
  /** When the session (or, for a login, the implicit one) expires: what sessiontimeout reports. */
  sessionTimeout: number;
}

export interface LoginEcho {
  userId: string;
  companyId: string;
  locationId: string;
}

export type AuthenticationOutcome =
  | { kind: 'authenticated'; auth: Authenticated }
  /** The gateway refuses the login itself: HTTP 401. */
  | { kind: 'signInRefused' }
  /** An authentication-level failure in a 200 answer. */
  | { kind: 'refused'; echo: LoginEcho; error: ErrorDetail };

const SIGN_IN_REJECTED = 'Sign-in information is incorrect. Please check your request.';
const NO_ECHO: LoginEcho = { userId: '', companyId: '', locationId: '' };

/** The refusal of a location id the company does not have (or that a plain company is given). */
export function invalidLocation(company: EmulatedCompany, locationId: string): ErrorDetail {
  return {
    errorno: SIGN_IN_FAILED,
    description: 'Invalid location',
    description2: withSupportId(`The location ID '${locationId}' is not an entity of company '${company.companyId}'.`),
    correction: "Use the location ID of one of the company's entities, or none to sign in at the top level.",
  };
}

export interface AuthenticationContext {
  sessions: SessionRegistry;
  companyFor(companyId: string): EmulatedCompany | undefined;
}

export function authenticate(context: AuthenticationContext, request: GatewayRequest): AuthenticationOutcome {
  const authentication = request.authentication;
  if (!authentication) {
    return {
      kind: 'refused',
      echo: NO_ECHO,
      error: { errorno: SIGN_IN_FAILED, description2: 'The request has no <authentication> (login or sessionid).' },
    };
  }
  if (authentication.kind === 'session') {
    const session = context.sessions.use(authentication.sessionId);
    const company = session && context.companyFor(session.companyId);
    if (!session || !company) return { kind: 'refused', echo: NO_ECHO, error: { errorno: SIGN_IN_FAILED, description2: SIGN_IN_REJECTED } };
    const auth = {
      company,
      userId: session.userId,
      locationId: session.locationId,
      entity: entityOf(company, session.locationId),
      session,
      sessionTimeout: session.expiresAt,
    };
    return { kind: 'authenticated', auth };
  }
  const echo = { userId: authentication.userId, companyId: authentication.companyId, locationId: authentication.locationId };
  const company = context.companyFor(authentication.companyId);
  if (!company) return { kind: 'refused', echo, error: { errorno: SIGN_IN_FAILED, description2: SIGN_IN_REJECTED } };
  const accepted = company.userId.toUpperCase() === authentication.userId.trim().toUpperCase() && company.userPassword === authentication.password;
  if (!accepted) return { kind: 'signInRefused' };
  const locationId = authentication.locationId.trim();
  const entity = locationId === '' ? undefined : entityOf(company, locationId);
  if (locationId !== '' && !entity) return { kind: 'refused', echo, error: invalidLocation(company, locationId) };
  const auth = {
    company,
    userId: authentication.userId,
    locationId,
    entity,
    session: undefined,
    sessionTimeout: context.sessions.timeoutFromNow(),
  };
  return { kind: 'authenticated', auth };
}

/** Who owns readByQuery results for readMore by <object>: the session, or the login and its level. */
export function resultOwner(auth: Authenticated): string {
  return auth.session ? `session:${auth.session.sessionId}` : `login:${auth.company.companyId}:${auth.userId.toUpperCase()}:${auth.locationId}`;
}
