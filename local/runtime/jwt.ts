/**
 * The local JWT issuer and the check API Gateway's JWT authorizer makes: HS256 only, signature,
 * issuer, audience and lifetime. The key is generated once per data directory, so tokens written to
 * runtime.json keep working across restarts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

export const LOCAL_ISSUER = 'local-psa-intacct-sync';
export const LOCAL_AUDIENCE = 'psa-api';
const TOKEN_LIFETIME_SECONDS = 30 * 24 * 60 * 60;

const KEY_BYTES = 32;
const KEY_FILE_MODE = 0o600;
const ALGORITHM = 'HS256';
/** Clock skew tolerated on iat/nbf, as identity providers and authorizers commonly allow. */
const CLOCK_SKEW_SECONDS = 60;
const MS_PER_SECOND = 1000;

export interface TokenSubject {
  sub: string;
  tenantId: string;
  permissionProfile: string;
}

export type JwtClaims = Record<string, unknown>;

export type VerifyResult = { ok: true; claims: JwtClaims } | { ok: false; reason: string };

const base64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

const nowSeconds = (now: Date): number => Math.floor(now.getTime() / MS_PER_SECOND);

/** Reads the key from `path`, or generates one there (mode 0600) when the file does not exist yet. */
export async function loadOrCreateSigningKey(path: string): Promise<Buffer> {
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(KEY_BYTES);
  try {
    await writeFile(path, base64url(key), { mode: KEY_FILE_MODE, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process wrote it first: use theirs so both sign alike.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  }
}

function signature(key: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

/** Signs `claims` as a compact HS256 JWT. */
export function signJwt(key: Buffer, claims: JwtClaims): string {
  const header = base64url(JSON.stringify({ alg: ALGORITHM, typ: 'JWT' }));
  const payload = base64url(JSON.stringify(claims));
  const signingInput = `${header}.${payload}`;
  return `${signingInput}.${base64url(signature(key, signingInput))}`;
}

/** A token for one demo user, with the claims the API reads and those the authorizer checks. */
export function issueToken(key: Buffer, subject: TokenSubject, now: Date = new Date()): string {
  const issuedAt = nowSeconds(now);
  return signJwt(key, {
    sub: subject.sub,
    tenant_id: subject.tenantId,
    permission_profile: subject.permissionProfile,
    iss: LOCAL_ISSUER,
    aud: LOCAL_AUDIENCE,
    iat: issuedAt,
    exp: issuedAt + TOKEN_LIFETIME_SECONDS,
  });
}

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function audienceMatches(aud: unknown): boolean {
  return aud === LOCAL_AUDIENCE || (Array.isArray(aud) && aud.includes(LOCAL_AUDIENCE));
}

/**
 * exp, nbf and iat are NumericDates (RFC 7519 section 2): when present they must be numbers, and a
 * verifier that skipped a malformed one would take `nbf: "later"` for no nbf at all. JSON has no
 * NaN, but `1e999` parses to Infinity, a token that would never expire: finite numbers only.
 */
function numericDate(claims: JwtClaims, name: 'exp' | 'nbf' | 'iat'): { ok: true; value: number | null } | { ok: false } {
  if (!Object.hasOwn(claims, name)) return { ok: true, value: null };
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : { ok: false };
}

function lifetimeProblem(claims: JwtClaims, now: number): string | null {
  const exp = numericDate(claims, 'exp');
  const nbf = numericDate(claims, 'nbf');
  const iat = numericDate(claims, 'iat');
  if (!exp.ok) return "The token's exp claim is not a number.";
  if (!nbf.ok) return "The token's nbf claim is not a number.";
  if (!iat.ok) return "The token's iat claim is not a number.";
  if (exp.value === null) return 'The token has no expiry.';
  if (exp.value <= now) return 'The token has expired.';
  if (nbf.value !== null && nbf.value > now + CLOCK_SKEW_SECONDS) return 'The token is not valid yet.';
  if (iat.value !== null && iat.value > now + CLOCK_SKEW_SECONDS) return 'The token was issued in the future.';
  return null;
}

/** Verifies a compact JWT the way the API Gateway JWT authorizer is configured in the cloud. */
export function verifyJwt(key: Buffer, token: string, now: Date = new Date()): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'The token is not a JWT.' };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeJson(headerPart);
  if (!header) return { ok: false, reason: 'The token header is unreadable.' };
  if (header.alg !== ALGORITHM) return { ok: false, reason: 'The token algorithm is not accepted.' };
  const expected = signature(key, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'The token signature is invalid.' };
  }
  const claims = decodeJson(payloadPart);
  if (!claims) return { ok: false, reason: 'The token payload is unreadable.' };
  if (claims.iss !== LOCAL_ISSUER) return { ok: false, reason: 'The token issuer is not accepted.' };
  if (!audienceMatches(claims.aud)) return { ok: false, reason: 'The token audience is not accepted.' };
  const problem = lifetimeProblem(claims, nowSeconds(now));
  return problem ? { ok: false, reason: problem } : { ok: true, claims };
}
