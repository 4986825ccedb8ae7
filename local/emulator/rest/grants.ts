/**
 * The authorization server's memory: authorization codes, the grants they turn into, and the
 * refresh and access tokens of each grant. Strict where OAuth lets a server be:
 * - a code is single-use and short-lived (RFC 6749 §4.1.2); a second use fails and revokes the
 *   tokens the first use issued;
 * - a code is bound to its client, its redirect URI and, when given, its PKCE challenge (RFC 7636);
 * - refresh tokens rotate (OAuth 2.0 Security BCP §4.14): each use answers a new one and the old
 *   one stops working; reusing it is invalid_grant (the grant itself stays usable with its newest
 *   token, so a client that lost a refresh race can re-read the winner's token);
 * - revoking a refresh token, or a company's revoking the app, ends the grant and its access tokens.
 * Time comes from `now()`, which tests move forward with advanceClock.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt';
import { verifierMatches } from './pkce';

/** Who approved: a demo user of a company, at the top level ('') or in one entity. */
export interface Principal {
  companyId: string;
  userId: string;
  entityId: string;
}

export const OFFLINE_ACCESS_SCOPE = 'offline_access';
const TOKEN_BYTES = 32;
const MS_PER_SECOND = 1000;
const ISSUER = 'intacct-emulator';

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  principal: Principal;
  scopes: string[];
  codeChallenge: string | undefined;
  expiresAt: number;
  /** Set once redeemed: the grant it created, revoked if the code is presented again. */
  grantId: string | undefined;
}

interface Grant {
  grantId: string;
  clientId: string;
  principal: Principal;
  scopes: string[];
  revoked: boolean;
}

interface RefreshTokenEntry {
  grantId: string;
  state: 'active' | 'rotated';
}

interface AccessTokenEntry {
  grantId: string;
  expiresAt: number;
  revoked: boolean;
}

/** The JSON a successful token request answers (RFC 6749 §5.1). */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope?: string;
}

export type GrantOutcome = { ok: true; answer: TokenAnswer } | { ok: false; error: 'invalid_grant' | 'invalid_request'; description: string };

export type AccessCheck = { ok: true; principal: Principal; clientId: string } | { ok: false; reason: 'malformed' | 'expired' | 'revoked' };

export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  principal: Principal;
  scopes: string[];
  codeChallenge: string | undefined;
}

export interface GrantLifetimes {
  authorizationCodeTtlMs: number;
  accessTokenTtlMs: number;
}

function opaqueToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export class GrantStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly grants = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, RefreshTokenEntry>();
  private readonly accessTokens = new Map<string, AccessTokenEntry>();
  private readonly signingSecret = opaqueToken();
  private clockOffsetMs = 0;

  constructor(
    private readonly lifetimes: GrantLifetimes,
    private readonly baseNow: () => number,
  ) {}

  now(): number {
    return this.baseNow() + this.clockOffsetMs;
  }

  /** Moves the authorization server's clock forward (codes and access tokens age). */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  issueCode(request: CodeRequest): string {
    const code = opaqueToken();
    this.codes.set(code, {
      ...request,
      scopes: [...request.scopes],
      expiresAt: this.now() + this.lifetimes.authorizationCodeTtlMs,
      grantId: undefined,
    });
    return code;
  }

  /** grant_type=authorization_code, for an already authenticated client. */
  redeemCode(code: string, clientId: string, redirectUri: string, codeVerifier: string | undefined): GrantOutcome {
    const entry = this.codes.get(code);
    if (!entry || entry.clientId !== clientId) return invalidGrant('The authorization code is unknown or was issued to another client.');
    if (entry.grantId !== undefined) {
      this.revokeGrant(entry.grantId);
      return invalidGrant('The authorization code was already used; the tokens issued for it are revoked.');
    }
    if (this.now() >= entry.expiresAt) return invalidGrant('The authorization code has expired.');
    if (entry.redirectUri !== redirectUri) return invalidGrant('redirect_uri does not match the one of the authorization request.');
    if (entry.codeChallenge === undefined && codeVerifier !== undefined) {
      return { ok: false, error: 'invalid_request', description: 'code_verifier was sent, but the authorization request had no code_challenge.' };
    }
    if (entry.codeChallenge !== undefined) {
      if (codeVerifier === undefined)
        return { ok: false, error: 'invalid_request', description: 'code_verifier is required: the authorization request had a code_challenge.' };
      if (!verifierMatches(codeVerifier, entry.codeChallenge)) return invalidGrant('code_verifier does not match the code_challenge.');
    }
    const grant: Grant = { grantId: randomUUID(), clientId, principal: entry.principal, scopes: entry.scopes, revoked: false };
    this.grants.set(grant.grantId, grant);
    entry.grantId = grant.grantId;
    return { ok: true, answer: this.issueTokens(grant) };
  }

  /** grant_type=refresh_token, for an already authenticated client: rotates the refresh token. */
  refresh(refreshToken: string, clientId: string): GrantOutcome {
    const entry = this.refreshTokens.get(refreshToken);
    const grant = entry && this.grants.get(entry.grantId);
    if (!entry || !grant || grant.clientId !== clientId) return invalidGrant('The refresh token is unknown or was issued to another client.');
    if (grant.revoked) return invalidGrant('The refresh token was revoked.');
    if (entry.state === 'rotated') return invalidGrant('The refresh token was already used; use the one answered with it.');
    entry.state = 'rotated';
    return { ok: true, answer: this.issueTokens(grant) };
  }

  /**
   * RFC 7009: revokes a refresh token (its whole grant) or one access token. Unknown tokens are
   * not an error ('unknown'); a token of another client is ('foreign').
   */
  revokeToken(token: string, clientId: string): 'revoked' | 'unknown' | 'foreign' {
    const refresh = this.refreshTokens.get(token);
    if (refresh) {
      const grant = this.grants.get(refresh.grantId);
      if (grant?.clientId !== clientId) return 'foreign';
      this.revokeGrant(refresh.grantId);
      return 'revoked';
    }
    const claims = verifyJwt(token, this.signingSecret);
    const access = typeof claims?.jti === 'string' ? this.accessTokens.get(claims.jti) : undefined;
    if (!access) return 'unknown';
    if (this.grants.get(access.grantId)?.clientId !== clientId) return 'foreign';
    access.revoked = true;
    return 'revoked';
  }

  /** The company's administrator revokes the app: every grant of the company ends. */
  revokeCompany(companyId: string): number {
    const wanted = companyId.trim().toUpperCase();
    let revoked = 0;
    for (const grant of this.grants.values()) {
      if (!grant.revoked && grant.principal.companyId.toUpperCase() === wanted) {
        this.revokeGrant(grant.grantId);
        revoked += 1;
      }
    }
    return revoked;
  }

  /** Every access token issued so far expires now; refresh tokens stay valid. */
  expireAccessTokens(): void {
    const now = this.now();
    for (const entry of this.accessTokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }

  /** Checks a bearer token: signed here, not expired, its grant not revoked. */
  checkAccessToken(token: string): AccessCheck {
    const claims = verifyJwt(token, this.signingSecret);
    const entry = typeof claims?.jti === 'string' ? this.accessTokens.get(claims.jti) : undefined;
    const grant = entry && this.grants.get(entry.grantId);
    if (!entry || !grant) return { ok: false, reason: 'malformed' };
    if (entry.revoked || grant.revoked) return { ok: false, reason: 'revoked' };
    if (this.now() >= entry.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, principal: grant.principal, clientId: grant.clientId };
  }

  private revokeGrant(grantId: string): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
  }

  private issueTokens(grant: Grant): TokenAnswer {
    const issuedAt = this.now();
    const expiresAt = issuedAt + this.lifetimes.accessTokenTtlMs;
    const jti = randomUUID();
    this.accessTokens.set(jti, { grantId: grant.grantId, expiresAt, revoked: false });
    const { companyId, userId, entityId } = grant.principal;
    const claims = {
      iss: ISSUER,
      sub: `${userId}@${companyId}`,
      companyId,
      userId,
      ...(entityId === '' ? {} : { entityId }),
      clientId: grant.clientId,
      scope: grant.scopes.join(' '),
      iat: Math.floor(issuedAt / MS_PER_SECOND),
      exp: Math.floor(expiresAt / MS_PER_SECOND),
      jti,
    };
    const answer: TokenAnswer = {
      access_token: signJwt(claims, this.signingSecret),
      token_type: 'Bearer',
      expires_in: Math.floor(this.lifetimes.accessTokenTtlMs / MS_PER_SECOND),
    };
    if (grant.scopes.length > 0) answer.scope = grant.scopes.join(' ');
    if (grant.scopes.includes(OFFLINE_ACCESS_SCOPE)) {
      const refreshToken = opaqueToken();
      this.refreshTokens.set(refreshToken, { grantId: grant.grantId, state: 'active' });
      answer.refresh_token = refreshToken;
    }
    return answer;
  }
}

function invalidGrant(description: string): GrantOutcome {
  return { ok: false, error: 'invalid_grant', description };
}
