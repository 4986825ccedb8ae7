/**
 * The seam for app clients of the created user pool (infra/constructs/api-identity.ts): whatever
 * client is added, users can write no custom attribute, and OAuth is on only for a hosted login,
 * with the authorization code grant alone. Synthesized in a bare stack: no bundling, no app.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { UserPool } from 'aws-cdk-lib/aws-cognito';
import { describe, expect, it } from 'vitest';
import { addUserClient } from '../../infra/constructs/api-identity';

function clientProps(add: (pool: UserPool) => void): Record<string, any> {
  const stack = new Stack(new App(), 'Identity');
  add(new UserPool(stack, 'Pool'));
  const clients = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolClient'));
  expect(clients).toHaveLength(1);
  return clients[0]!.Properties;
}

describe('addUserClient', () => {
  it('without hosted login: no OAuth flow, scope or callback, and the fixed attribute permissions', () => {
    const props = clientProps((pool) => addUserClient(pool, 'Api', { authFlows: { userSrp: true } }));
    expect(props.AllowedOAuthFlows).toBeUndefined();
    expect(props.AllowedOAuthScopes).toBeUndefined();
    expect(props.CallbackURLs).toBeUndefined();
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(props.WriteAttributes).toEqual(['family_name', 'given_name', 'locale', 'name', 'zoneinfo']);
    expect(props.ReadAttributes).toEqual([
      'custom:permission_profile',
      'custom:tenant_id',
      'email',
      'email_verified',
      'family_name',
      'given_name',
      'locale',
      'name',
      'zoneinfo',
    ]);
  });

  it('with hosted login (the admin console to come): the authorization code grant only, to its own callback URLs', () => {
    const props = clientProps((pool) =>
      addUserClient(pool, 'Console', {
        authFlows: { userSrp: true },
        hostedLogin: { callbackUrls: ['https://console.example.com/callback'], logoutUrls: ['https://console.example.com/'] },
      }),
    );
    expect(props).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://console.example.com/callback'],
      LogoutURLs: ['https://console.example.com/'],
      GenerateSecret: false,
    });
    expect((props.WriteAttributes as string[]).filter((attribute) => attribute.startsWith('custom:'))).toEqual([]);
  });

  it('refuses a hosted login without a callback URL (CDK would put https://example.com)', () => {
    expect(() =>
      clientProps((pool) => addUserClient(pool, 'Console', { authFlows: { userSrp: true }, hostedLogin: { callbackUrls: [], logoutUrls: [] } })),
    ).toThrow(/at least one callback URL/);
  });
});
