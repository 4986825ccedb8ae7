/**
 * Cognito pre token generation trigger of the user pool the stack creates when no issuer is
 * given: Cognito puts custom attributes in ID tokens as `custom:tenant_id`, but the API reads
 * the claims `tenant_id` and `permission_profile` (spec section 4), so this copies them over.
 */
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';

/** The user attributes that become claims, by claim name. */
export const CLAIM_ATTRIBUTES = {
  tenant_id: 'custom:tenant_id',
  permission_profile: 'custom:permission_profile',
} as const;

/** Adds each claim whose attribute the user has; a user without them gets a token the API refuses (401). */
export const handler = async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
  const claims: Record<string, string> = {};
  for (const [claim, attribute] of Object.entries(CLAIM_ATTRIBUTES)) {
    const value = event.request.userAttributes[attribute]?.trim();
    if (value) claims[claim] = value;
  }
  event.response = { claimsOverrideDetails: { ...event.response?.claimsOverrideDetails, claimsToAddOrOverride: claims } };
  return event;
};
