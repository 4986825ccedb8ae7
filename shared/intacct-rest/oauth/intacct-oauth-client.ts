/**
 * The service's Sage Intacct OAuth client: the IntacctAuthorization port (start, callback, keep and
 * revoke grants) and every tenant's access tokens for the REST gateway. Its client id and secret
 * are read once, on first use (Secrets Manager in the cloud: a cold start must not wait on them,
 * and a failed read is tried again on the next call).
 */
import { PreconditionFailed } from '#domain/errors';
import type { FinishedAuthorization, IntacctAuthorization, OAuthStateStore, OAuthTokens, TokenRefreshLock } from '#ports/intacct-oauth';
import type { IntacctAccessTokens } from '#ports/intacct-source';
import type { SecretStore } from '#ports/secrets';
import { grantedCompanyOf } from './granted-company';
import { OAuthStates } from './oauth-states';
import { oauthSecretRef, readOAuthGrant, saveOAuthGrant, TenantTokens } from './tenant-tokens';
import { IntacctTokenClient, type TokenClientOptions } from './token-client';

/** The OAuth client the company authorized: its id and secret. */
interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface IntacctOAuthSettings {
  /** The REST API's base (https://api.intacct.com/ia/api/v1): the OAuth endpoints are its `/oauth2/…`. */
  restBaseUrl: string;
  /** The service's callback URL, as registered for the client; null in a process that only refreshes (a worker). */
  redirectUri: string | null;
  credentials: () => Promise<OAuthClientCredentials>;
  states: OAuthStateStore;
  lock: TokenRefreshLock;
  secrets: SecretStore;
  tokenClient?: TokenClientOptions;
}

/** Tenants whose access tokens a process keeps in memory (the most recently used): a warm worker reuses them. */
const KEPT_TENANT_TOKENS = 50;

interface ReadyClient {
  states: OAuthStates;
  tokens: IntacctTokenClient;
}

export class IntacctOAuthClient implements IntacctAuthorization {
  #ready: Promise<ReadyClient> | null = null;
  readonly #tenantTokens = new Map<string, TenantTokens>();
  /** The token endpoint, usable before the credentials are read (TenantTokens is built synchronously). */
  readonly #endpoint = {
    exchangeCode: async (...args: Parameters<IntacctTokenClient['exchangeCode']>) => (await this.#client()).tokens.exchangeCode(...args),
    refresh: async (...args: Parameters<IntacctTokenClient['refresh']>) => (await this.#client()).tokens.refresh(...args),
    revoke: async (...args: Parameters<IntacctTokenClient['revoke']>) => (await this.#client()).tokens.revoke(...args),
  };

  constructor(private readonly settings: IntacctOAuthSettings) {}

  async start(tenantId: string, options: { resetLinks: boolean }): Promise<{ authorizeUrl: string }> {
    const { redirectUri } = this.settings;
    if (redirectUri === null) throw new PreconditionFailed('oauth_not_configured', 'This service has no Sage Intacct OAuth callback configured.');
    const started = await (await this.#client()).states.start(tenantId, redirectUri, options.resetLinks);
    return { authorizeUrl: started.authorizeUrl };
  }

  async finish(state: string, code: string, signal?: AbortSignal): Promise<FinishedAuthorization> {
    const client = await this.#client();
    const consumed = await client.states.consume(state, null);
    const tokens = await client.tokens.exchangeCode({ code, verifier: consumed.verifier, redirectUri: consumed.redirectUri }, signal);
    return { tenantId: consumed.tenantId, tokens, company: grantedCompanyOf(tokens.accessToken), resetLinks: consumed.resetLinks };
  }

  async abandon(state: string): Promise<string> {
    return (await (await this.#client()).states.consume(state, null)).tenantId;
  }

  async keepGrant(tenantId: string, tokens: OAuthTokens): Promise<string> {
    await saveOAuthGrant(this.settings.secrets, tenantId, tokens);
    return oauthSecretRef(tenantId);
  }

  async revoke(refreshToken: string): Promise<void> {
    await this.#endpoint.revoke(refreshToken);
  }

  async revokeStored(tenantId: string): Promise<void> {
    const grant = await readOAuthGrant(this.settings.secrets, tenantId);
    if (grant) await this.revoke(grant.refreshToken);
  }

  /** The tenant's access tokens (its grant in the secret store, refreshed under the tenant's lock). */
  tokensFor(tenantId: string): IntacctAccessTokens {
    let tokens = this.#tenantTokens.get(tenantId);
    // Re-inserted so the map's order stays least recently used first.
    if (tokens) this.#tenantTokens.delete(tenantId);
    tokens ??= new TenantTokens({ tenantId, secrets: this.settings.secrets, lock: this.settings.lock, endpoint: this.#endpoint });
    this.#tenantTokens.set(tenantId, tokens);
    const oldest = this.#tenantTokens.keys().next().value;
    if (this.#tenantTokens.size > KEPT_TENANT_TOKENS && oldest !== undefined) this.#tenantTokens.delete(oldest);
    return tokens;
  }

  #client(): Promise<ReadyClient> {
    this.#ready ??= this.settings
      .credentials()
      .then((credentials): ReadyClient => {
        const oauthUrl = (name: string): string => `${this.settings.restBaseUrl.replace(/\/+$/, '')}/oauth2/${name}`;
        return {
          states: new OAuthStates(this.settings.states, { authorizeUrl: oauthUrl('authorize'), clientId: credentials.clientId }),
          tokens: new IntacctTokenClient({ tokenUrl: oauthUrl('token'), revokeUrl: oauthUrl('revoke'), ...credentials }, this.settings.tokenClient),
        };
      })
      .catch((error: unknown) => {
        this.#ready = null;
        throw error;
      });
    return this.#ready;
  }
}
