/**
 * HS256 JSON Web Tokens (RFC 7519) for the emulator's access tokens. Intacct's access tokens are
 * JWTs (developer.sage.com/intacct, "OAuth 2.0 authorization"); the emulator signs its own with a
 * per-process secret, so a client can decode the claims but never mint one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;

function base64Url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function signature(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** A compact JWS of the claims, signed HS256. */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const signingInput = `${base64Url(JSON.stringify(HEADER))}.${base64Url(JSON.stringify(claims))}`;
  return `${signingInput}.${signature(signingInput, secret).toString('base64url')}`;
}

/** The claims of a token this secret signed (HS256 only), or undefined for anything else. */
export function verifyJwt(token: string, secret: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header = '', payload = '', given = ''] = parts;
  const expected = signature(`${header}.${payload}`, secret);
  const actual = Buffer.from(given, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  try {
    const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    // Only the algorithm the emulator signs with: no "none", no algorithm confusion.
    if (decodedHeader.alg !== HEADER.alg) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
