/**
 * The REST face of the emulator: Intacct's OAuth 2.0 authorization server under
 * /ia/api/v1/oauth2/ and the REST API's query service under /ia/api/v1/, over the same companies
 * (and so the same records, keys and concurrency counts) as the XML gateway.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatedCompany } from '../company';
import { FaultController } from '../faults';
import type { EmulatorStats, OAuthClientRegistration, OAuthEndpoints, OAuthOptions } from '../types';
import { handleAuthorize } from './authorize-endpoint';
import { GrantStore } from './grants';
import { OAuthClientRegistry } from './oauth-clients';
import { handleRestApi, REST_API_PREFIX } from './rest-api';
import { handleRevoke } from './revoke-endpoint';
import { handleToken } from './token-endpoint';

const OAUTH_PREFIX = `${REST_API_PREFIX}/oauth2/`;
const MINUTE_MS = 60 * 1000;
/** Intacct's guide does not give a code lifetime; 10 minutes is RFC 6749 §4.1.2's recommended maximum. */
const DEFAULT_CODE_TTL_MS = 10 * MINUTE_MS;
/** Intacct's guide does not give an access token lifetime; the emulator answers expires_in 3600. */
const DEFAULT_ACCESS_TOKEN_TTL_MS = 60 * MINUTE_MS;

/** The client registered when the options name none; the redirect URI is the local runtime's callback on its default port (3000). */
const DEFAULT_OAUTH_CLIENT: OAuthClientRegistration = {
  clientId: 'emulator0psa0client.app.sage.com',
  clientSecret: 'emulator-oauth-client-secret',
  redirectUris: ['http://127.0.0.1:3000/integrations/intacct/oauth/callback'],
};

export interface RestFaceDeps {
  companies: Map<string, EmulatedCompany>;
  now(): number;
  stats(): EmulatorStats;
  held: Set<ServerResponse>;
  readBody(request: IncomingMessage): Promise<string>;
}

export interface RestFace {
  clients: OAuthClientRegistry;
  grants: GrantStore;
  /** Faults and latency of the REST API. */
  apiFaults: FaultController;
  /** Faults of the token endpoint. */
  tokenFaults: FaultController;
  firstClient: OAuthClientRegistration;
  /** Whether the path is the REST face's. */
  owns(path: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void>;
  endpoints(baseUrl: string): OAuthEndpoints;
}

export function createRestFace(deps: RestFaceDeps, options: OAuthOptions = {}): RestFace {
  const initialClients = options.clients ?? [DEFAULT_OAUTH_CLIENT];
  const firstClient = initialClients[0];
  if (!firstClient) throw new Error('oauth.clients must name at least one client.');
  const clients = new OAuthClientRegistry(initialClients);
  const grants = new GrantStore(
    {
      authorizationCodeTtlMs: options.authorizationCodeTtlMs ?? DEFAULT_CODE_TTL_MS,
      accessTokenTtlMs: options.accessTokenTtlMs ?? DEFAULT_ACCESS_TOKEN_TTL_MS,
    },
    deps.now,
  );
  const apiFaults = new FaultController(undefined, deps.now);
  const tokenFaults = new FaultController(undefined, deps.now);
  const companyFor = (companyId: string): EmulatedCompany | undefined => deps.companies.get(companyId.trim().toUpperCase());
  const { held, readBody } = deps;

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    switch (path) {
      case `${OAUTH_PREFIX}authorize`:
        await handleAuthorize({ clients, grants, companyFor, readBody }, request, response, url);
        return;
      case `${OAUTH_PREFIX}token`:
        await handleToken({ clients, grants, faults: tokenFaults, held, readBody }, request, response);
        return;
      case `${OAUTH_PREFIX}revoke`:
        await handleRevoke({ clients, grants, readBody }, request, response);
        return;
      default:
        await handleRestApi({ grants, faults: apiFaults, held, stats: deps.stats, companyFor, readBody }, request, response, path);
    }
  }

  return {
    clients,
    grants,
    apiFaults,
    tokenFaults,
    firstClient,
    owns: (path) => path === REST_API_PREFIX || path.startsWith(`${REST_API_PREFIX}/`),
    handle,
    endpoints: (baseUrl) => ({
      authorizeUrl: `${baseUrl}${OAUTH_PREFIX}authorize`,
      tokenUrl: `${baseUrl}${OAUTH_PREFIX}token`,
      revokeUrl: `${baseUrl}${OAUTH_PREFIX}revoke`,
      clientId: firstClient.clientId,
      clientSecret: firstClient.clientSecret,
      redirectUris: [...firstClient.redirectUris],
    }),
  };
}
