/** Proof Key for Code Exchange (RFC 7636), S256 only: the emulator refuses the `plain` method. */
import { createHash } from 'node:crypto';

/** RFC 7636 §4.1/4.2: 43 to 128 characters of [A-Z] [a-z] [0-9] "-" "." "_" "~". */
const PKCE_TEXT = /^[A-Za-z0-9\-._~]{43,128}$/;

export const PKCE_METHOD = 'S256';

/** Whether the text has the shape of a code verifier or an S256 code challenge. */
export function isPkceText(text: string): boolean {
  return PKCE_TEXT.test(text);
}

/** Whether the verifier hashes (SHA-256, base64url without padding) to the challenge. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return isPkceText(verifier) && createHash('sha256').update(verifier).digest('base64url') === challenge;
}
