import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PERMISSION_PROFILES, type PermissionProfile } from '../domain/entities';
import { HttpError } from './http-error';

/** Who may call a route: anyone, any profile of the tenant, or only its admins. */
export type RouteAccess = 'public' | 'member' | 'admin';

export interface Caller {
  tenantId: string;
  permissionProfile: PermissionProfile;
}

/** A tenant id goes into storage keys: no separator, no white space, bounded. */
const TENANT_ID = /^[^#\s]{1,128}$/;

const unauthorized = (): HttpError =>
  new HttpError(401, 'unauthorized', 'Sign in again: the request carries no valid token for a workspace.');

/**
 * The caller, from the claims API Gateway's JWT authorizer verified (`tenant_id`,
 * `permission_profile`). Missing, blank or unknown claims are 401; a non-admin on an admin
 * route is 403.
 */
export function authorize(event: APIGatewayProxyEventV2, access: Exclude<RouteAccess, 'public'>): Caller {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const tenantId = claims?.tenant_id;
  const profile = claims?.permission_profile;
  if (typeof tenantId !== 'string' || !TENANT_ID.test(tenantId.trim())) throw unauthorized();
  if (typeof profile !== 'string' || !(PERMISSION_PROFILES as readonly string[]).includes(profile)) throw unauthorized();
  const caller: Caller = { tenantId: tenantId.trim(), permissionProfile: profile as PermissionProfile };
  if (access === 'admin' && caller.permissionProfile !== 'admin') {
    throw new HttpError(403, 'forbidden', 'Only an admin of this workspace may do this.');
  }
  return caller;
}
