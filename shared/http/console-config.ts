/**
 * The admin console's runtime configuration: the one document the console reads at start, from
 * its own origin (`/config.json`), to learn where the API is and how people sign in. The local
 * runtime serves it (the demo users and their tokens), the stack writes it at deploy (OIDC), and
 * the console refuses to start on anything else. Plain TypeScript, no dependencies: the browser
 * bundle imports this file too.
 */

/** Where the console fetches its configuration, on its own origin. */
export const CONSOLE_CONFIG_PATH = '/config.json';

const DEMO_PROFILES = ['admin', 'collaborator'] as const;
type DemoProfile = (typeof DEMO_PROFILES)[number];

/** A user the local sign-in page offers: `Sign in as <tenantId> <profile>`. */
export interface DemoUser {
  tenantId: string;
  profile: DemoProfile;
  /** A bearer token the local JWT issuer signed for this user. */
  token: string;
}

/** OpenID Connect authorization code with PKCE, against the API's JWT issuer or the stack's Cognito pool. */
export interface OidcSignIn {
  kind: 'oidc';
  /** The issuer (its `/.well-known/openid-configuration` is read at sign-in). */
  authority: string;
  clientId: string;
  /** Space-separated; always includes `openid`. */
  scope: string;
  /**
   * Where to send the browser to end the provider's session, when its discovery document names
   * none (Cognito's hosted UI: `https://<domain>/logout`); null: only the console's session ends.
   */
  logoutUrl: string | null;
  /**
   * Which token the API accepts as its bearer: the ID token (its `aud` is the client id, the
   * stack's Cognito pool) or the access token (an issuer whose access tokens carry the claims).
   */
  bearer: 'id_token' | 'access_token';
}

interface LocalSignIn {
  kind: 'local';
  users: DemoUser[];
}

export interface ConsoleConfig {
  /** The HTTP API's base URL, without a trailing slash. */
  apiUrl: string;
  signIn: LocalSignIn | OidcSignIn;
}

/** A configuration the console cannot start with; its message says what is wrong. */
export class ConsoleConfigError extends Error {
  override name = 'ConsoleConfigError';
}

type Shape = Record<string, unknown>;

const isShape = (value: unknown): value is Shape => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(shape: Shape, key: string, where: string): string {
  const value = shape[key];
  if (typeof value !== 'string' || value.trim() === '') throw new ConsoleConfigError(`${where}.${key} must be a non-empty string`);
  return value;
}

function httpUrl(shape: Shape, key: string, where: string): string {
  const value = text(shape, key, where);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConsoleConfigError(`${where}.${key} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConsoleConfigError(`${where}.${key} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

function demoUser(value: unknown, index: number): DemoUser {
  const where = `signIn.users[${index}]`;
  if (!isShape(value)) throw new ConsoleConfigError(`${where} must be an object`);
  const profile = text(value, 'profile', where);
  if (!(DEMO_PROFILES as readonly string[]).includes(profile))
    throw new ConsoleConfigError(`${where}.profile must be one of ${DEMO_PROFILES.join(', ')}`);
  return { tenantId: text(value, 'tenantId', where), profile: profile as DemoProfile, token: text(value, 'token', where) };
}

function signInOf(value: unknown): LocalSignIn | OidcSignIn {
  if (!isShape(value)) throw new ConsoleConfigError('signIn must be an object');
  if (value.kind === 'local') {
    if (!Array.isArray(value.users) || value.users.length === 0) throw new ConsoleConfigError('signIn.users must list at least one user');
    return { kind: 'local', users: value.users.map(demoUser) };
  }
  if (value.kind === 'oidc') {
    const scope = text(value, 'scope', 'signIn');
    if (!scope.split(/\s+/).includes('openid')) throw new ConsoleConfigError('signIn.scope must include openid');
    const bearer = value.bearer;
    if (bearer !== 'id_token' && bearer !== 'access_token') throw new ConsoleConfigError('signIn.bearer must be id_token or access_token');
    const logoutUrl = value.logoutUrl === null || value.logoutUrl === undefined ? null : httpUrl(value, 'logoutUrl', 'signIn');
    return { kind: 'oidc', authority: httpUrl(value, 'authority', 'signIn'), clientId: text(value, 'clientId', 'signIn'), scope, logoutUrl, bearer };
  }
  throw new ConsoleConfigError('signIn.kind must be local or oidc');
}

/** Checks a parsed `/config.json`; throws ConsoleConfigError naming the first thing wrong. */
export function parseConsoleConfig(value: unknown): ConsoleConfig {
  if (!isShape(value)) throw new ConsoleConfigError('The console configuration must be a JSON object');
  return { apiUrl: httpUrl(value, 'apiUrl', 'config'), signIn: signInOf(value.signIn) };
}
