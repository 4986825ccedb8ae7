/** What the console reads from a bearer token: only to decide what to show; the API decides what is allowed. */
export interface SignedInUser {
  tenantId: string;
  permissionProfile: string;
  token: string;
  /** Shown in the header. */
  label: string;
}

function decodeSegment(segment: string): unknown {
  const base64 = segment
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** The user a JWT names, or null when it is not a JWT carrying string tenant and profile claims. */
export function userFromToken(token: string, label?: string): SignedInUser | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = decodeSegment(payload) as Record<string, unknown>;
    const { tenant_id: tenantId, permission_profile: permissionProfile } = claims;
    if (typeof tenantId !== 'string' || typeof permissionProfile !== 'string') return null;
    const name = typeof claims.email === 'string' ? claims.email : `${tenantId} ${permissionProfile}`;
    return { tenantId, permissionProfile, token, label: label ?? name };
  } catch {
    return null;
  }
}
