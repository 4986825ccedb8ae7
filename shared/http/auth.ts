import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PERMISSION_PROFILES, type PermissionProfile } from '#domain/entities';
import { isTenantId } from '#domain/tenant-id';
import { HttpError } from './http-error';

/** Who may call a route: anyone, any profile of the tenant, or only its admins. */
export type RouteAccess = 'public' | 'member' | 'admin';

export interface Caller {
  tenantId: string;
  permissionProfile: PermissionProfile;
}

const unauthorized = (): HttpError => new HttpError(401, 'unauthorized', 'Sign in again: the request carries no valid token for a workspace.');

/**
 * The caller, from the claims API Gateway's JWT authorizer verified (`tenant_id`,
 * `permission_profile`). Missing claims, claims that are not strings, a tenant id outside the
 * tenant-id rule and unknown profiles are 401; a non-admin on an admin route is 403.
 */
export function authorize(event: APIGatewayProxyEventV2, access: Exclude<RouteAccess, 'public'>): Caller {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
  const tenantId = claims?.tenant_id;
  const profile = claims?.permission_profile;
  if (!isTenantId(tenantId)) throw unauthorized();
  if (typeof profile !== 'string' || !(PERMISSION_PROFILES as readonly string[]).includes(profile)) throw unauthorized();
  const caller: Caller = { tenantId, permissionProfile: profile as PermissionProfile };
  if (access === 'admin' && caller.permissionProfile !== 'admin') {
    throw new HttpError(403, 'forbidden', 'Only an admin of this workspace may do this.');
  }
  return caller;
}
