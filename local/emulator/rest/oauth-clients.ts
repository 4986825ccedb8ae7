/**
 * The OAuth clients the emulated Sage App Registry knows: each with its secret and the exact
 * redirect URIs registered for it (Intacct matches redirect_uri against the registered list; the
 * emulator compares them character for character, no loopback-port leniency).
 */
import type { IncomingMessage } from 'node:http';
import type { OAuthClientRegistration } from '../types';

export interface ClientAuthentication {
  clientId: string;
  clientSecret: string;
  /** Whether the credentials came in an HTTP Basic header (a 401 then names the Basic scheme). */
  viaBasic: boolean;
}

export type ClientCredentialsOutcome =
  | { kind: 'found'; credentials: ClientAuthentication }
  | { kind: 'missing' }
  /** RFC 6749 §2.3: a client must not use more than one authentication method in a request. */
  | { kind: 'ambiguous' }
  | { kind: 'malformed' };

export class OAuthClientRegistry {
  private readonly clients = new Map<string, OAuthClientRegistration>();

  constructor(initial: readonly OAuthClientRegistration[]) {
    for (const client of initial) this.register(client);
  }

  /** Adds a client, or replaces the one with the same id. */
  register(client: OAuthClientRegistration): void {
    if (client.clientId === '' || client.clientSecret === '' || client.redirectUris.length === 0) {
      throw new Error('An OAuth client needs an id, a secret and at least one redirect URI.');
    }
    // Absolute URLs only: the code is sent back by adding to the URI's query.
    for (const uri of client.redirectUris) new URL(uri);
    this.clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  }

  find(clientId: string): OAuthClientRegistration | undefined {
    return this.clients.get(clientId);
  }

  /** Whether the redirect URI is one registered for the client, exactly. */
  allowsRedirect(client: OAuthClientRegistration, redirectUri: string): boolean {
    return client.redirectUris.includes(redirectUri);
  }

  /** The client the credentials authenticate, if the id is known and the secret matches. */
  authenticate(credentials: ClientAuthentication): OAuthClientRegistration | undefined {
    const client = this.clients.get(credentials.clientId);
    return client && client.clientSecret === credentials.clientSecret ? client : undefined;
  }
}

const BASIC_PREFIX = 'basic ';

/**
 * The client credentials of a token or revocation request: HTTP Basic (RFC 6749 §2.3.1, id and
 * secret form-urlencoded before base64) or client_id/client_secret in the body, never both.
 */
export function clientCredentialsOf(request: IncomingMessage, form: URLSearchParams): ClientCredentialsOutcome {
  const header = request.headers.authorization;
  const inBody = form.has('client_secret');
  if (header !== undefined) {
    if (inBody) return { kind: 'ambiguous' };
    if (!header.toLowerCase().startsWith(BASIC_PREFIX)) return { kind: 'malformed' };
    const decoded = Buffer.from(header.slice(BASIC_PREFIX.length).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'malformed' };
    try {
      const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      const bodyClientId = form.get('client_id');
      if (bodyClientId !== null && bodyClientId !== clientId) return { kind: 'ambiguous' };
      return { kind: 'found', credentials: { clientId, clientSecret, viaBasic: true } };
    } catch {
      return { kind: 'malformed' };
    }
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (clientId === null || clientSecret === null) return { kind: 'missing' };
  return { kind: 'found', credentials: { clientId, clientSecret, viaBasic: false } };
}
