/**
 * Test helper: walks the emulator's OAuth 2.0 authorization code flow over real HTTP, as a browser
 * (the consent form) and a confidential client (the token endpoint) would.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RunningEmulator } from '../../local/emulator/index';

export interface SignIn {
  companyId: string;
  userId: string;
  password: string;
  entityId?: string;
}

export interface AuthorizeOptions {
  signIn: SignIn;
  scope?: string;
  state?: string;
  codeChallenge?: string;
  decision?: 'approve' | 'deny';
}

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A PKCE pair: a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorize URL's query for the emulator's default client. */
export function authorizeParams(emulator: RunningEmulator, options: Omit<AuthorizeOptions, 'signIn' | 'decision'> = {}): URLSearchParams {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: emulator.oauth.clientId,
    redirect_uri: emulator.oauth.redirectUris[0] ?? '',
    state: options.state ?? 'state-123',
  });
  if (options.scope !== undefined) params.set('scope', options.scope);
  if (options.codeChallenge !== undefined) {
    params.set('code_challenge', options.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  return params;
}

/** Posts the consent form (the page's hidden fields plus the sign-in) and returns the raw answer. */
export async function postConsent(emulator: RunningEmulator, options: AuthorizeOptions): Promise<Response> {
  const form = authorizeParams(emulator, options);
  form.set('company_id', options.signIn.companyId);
  form.set('user_id', options.signIn.userId);
  form.set('password', options.signIn.password);
  form.set('entity_id', options.signIn.entityId ?? '');
  form.set('decision', options.decision ?? 'approve');
  return fetch(emulator.oauth.authorizeUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
}

/** Approves on the consent form and returns the code from the redirect. */
export async function authorizationCode(emulator: RunningEmulator, options: AuthorizeOptions): Promise<string> {
  const answer = await postConsent(emulator, options);
  const location = new URL(answer.headers.get('location') ?? '');
  const code = location.searchParams.get('code');
  if (answer.status !== 302 || code === null) throw new Error(`no code: ${answer.status} ${location}`);
  return code;
}

/** POSTs a form to the token endpoint with the default client's credentials in the body. */
export async function tokenRequest(emulator: RunningEmulator, params: Record<string, string>, withClient = true): Promise<TokenAnswer> {
  const body = new URLSearchParams(params);
  if (withClient) {
    body.set('client_id', emulator.oauth.clientId);
    body.set('client_secret', emulator.oauth.clientSecret);
  }
  const response = await fetch(emulator.oauth.tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), headers: response.headers };
}

/** Runs the whole flow and answers the token response body. */
export async function connect(emulator: RunningEmulator, signIn: SignIn, scope = 'offline_access'): Promise<{ access: string; refresh: string }> {
  const code = await authorizationCode(emulator, { signIn, scope });
  const answer = await tokenRequest(emulator, { grant_type: 'authorization_code', code, redirect_uri: emulator.oauth.redirectUris[0] ?? '' });
  if (answer.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(answer.body)}`);
  return { access: String(answer.body.access_token), refresh: String(answer.body.refresh_token) };
}

/** POSTs a query to the REST API and returns the status and parsed body. */
export async function query(
  emulator: RunningEmulator,
  accessToken: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${emulator.restBaseUrl}/services/core/query`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()), headers: response.headers };
}
