import type { IntacctAccessTokens, IntacctSourceFactory } from '#ports/intacct-source';
import type { RestGatewaySourceFactory } from './source';

/** Where each tenant's access tokens come from (IntacctOAuthClient.tokensFor). */
export interface TenantAccessTokens {
  tokensFor(tenantId: string): IntacctAccessTokens;
}

/**
 * Both gateways behind the one port: Web Services logins through `xml`, OAuth grants through the
 * REST API with each tenant's tokens.
 */
export function bothGateways(xml: IntacctSourceFactory, rest: RestGatewaySourceFactory, tokens: TenantAccessTokens): IntacctSourceFactory {
  return {
    forLogin: (login) => xml.forLogin(login),
    forGrant: (grant) =>
      rest.forConnection({
        companyId: grant.companyId,
        ...(grant.entityId ? { entityId: grant.entityId } : {}),
        tokens: tokens.tokensFor(grant.tenantId),
      }),
  };
}
