/** The Cognito trigger turns the pool's custom attributes into the claims the API reads. */
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../infra/identity/token-claims-trigger';

function tokenEvent(userAttributes: Record<string, string>): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_pool',
    userName: 'ada',
    callerContext: { awsSdkVersion: '3', clientId: 'client' },
    request: { userAttributes, groupConfiguration: {} },
    response: { claimsOverrideDetails: {} },
  };
}

describe('token claims trigger', () => {
  it('adds tenant_id and permission_profile from the custom attributes', async () => {
    const answer = await handler(tokenEvent({ sub: 'u1', 'custom:tenant_id': 'acme', 'custom:permission_profile': 'admin' }));
    expect(answer.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({ tenant_id: 'acme', permission_profile: 'admin' });
  });

  it('adds no claim for a missing or blank attribute, so the API answers 401', async () => {
    const answer = await handler(tokenEvent({ sub: 'u1', 'custom:tenant_id': '  ' }));
    expect(answer.response.claimsOverrideDetails.claimsToAddOrOverride).toEqual({});
  });
});
