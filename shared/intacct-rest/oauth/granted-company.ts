/**
 * Which Intacct company an OAuth grant reads, from its access token's claims: Sage Intacct's
 * access tokens are JWTs naming the company, the approving user and, for a grant made at an
 * entity, the entity. The token came straight from the token endpoint over TLS, as the answer to
 * our own code exchange, so its claims are read without checking its signature (RFC 6749 §10.3:
 * the client trusts the endpoint it authenticated to; the REST API checks the signature).
 */
import { z } from 'zod';
import { IntacctFailure } from '#domain/errors';
import type { GrantedCompany } from '#ports/intacct-oauth';

const claimsSchema = z.object({
  companyId: z.string().min(1).max(100),
  userId: z.string().min(1).max(100),
  entityId: z.string().min(1).max(100).optional(),
});

const unreadable = (): IntacctFailure =>
  new IntacctFailure('intacct_protocol_error', "Sage Intacct's access token does not name the company it was granted for.");

export function grantedCompanyOf(accessToken: string): GrantedCompany {
  const payload = accessToken.split('.')[1];
  if (payload === undefined) throw unreadable();
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw unreadable();
  }
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) throw unreadable();
  return { companyId: parsed.data.companyId, userId: parsed.data.userId, entityId: parsed.data.entityId ?? null };
}
