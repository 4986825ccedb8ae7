/** Stage settings from CDK context: defaults, and clear errors for contradictory or malformed values. */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NIGHTLY_SYNC_SCHEDULE, readStageSettings, SettingsError } from '../../infra/settings';

const settingsFor = (context: Record<string, unknown>) => readStageSettings(new App({ context }).node);
/** A stage signing in at the PSA's issuer, with the console's client there. */
const EXTERNAL = { jwtIssuer: 'https://id.example.com', jwtAudience: 'psa', consoleOidcClientId: 'psa-console' };

describe('readStageSettings', () => {
  it('defaults to the dev stage, a created user pool, 02:00 UTC and the production Intacct gateway and REST API', () => {
    const settings = settingsFor({});
    expect(settings).toMatchObject({
      stage: 'dev',
      resourcePrefix: 'IntacctPsaSync-dev',
      jwt: null,
      corsAllowedOrigins: [],
      nightlySyncSchedule: 'cron(0 2 * * ? *)',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      logRetention: RetentionDays.TWO_WEEKS,
      intacctEndpointUrl: 'https://api.intacct.com/ia/xml/xmlgw.phtml',
      intacctRestUrl: 'https://api.intacct.com/ia/api/v1',
      isProduction: false,
      minifyBundles: true,
      console: { authDomainPrefix: null, oidc: null },
    });
    expect(DEFAULT_NIGHTLY_SYNC_SCHEDULE).toBe('cron(0 2 * * ? *)');
  });

  it('reads lists from comma-separated `-c` values and from JSON arrays', () => {
    expect(settingsFor({ corsAllowedOrigins: 'https://a.example.com, https://b.example.com/' }).corsAllowedOrigins).toEqual([
      'https://a.example.com',
      'https://b.example.com',
    ]);
    expect(settingsFor({ jwtIssuer: 'https://id.example.com', jwtAudience: ['one', 'two'], console: false }).jwt).toEqual({
      issuer: 'https://id.example.com',
      audience: ['one', 'two'],
    });
  });

  it('reads the Intacct REST API base from context, without a trailing slash: the OAuth paths are appended to it', () => {
    expect(settingsFor({ intacctRestUrl: 'https://sandbox.intacct.example.com/ia/api/v1' }).intacctRestUrl).toBe(
      'https://sandbox.intacct.example.com/ia/api/v1',
    );
    expect(settingsFor({ intacctRestUrl: 'https://sandbox.intacct.example.com/ia/api/v1/' }).intacctRestUrl).toBe(
      'https://sandbox.intacct.example.com/ia/api/v1',
    );
  });

  it.each([
    [{ stage: 'staging' }, /stage must be one of dev, prod/],
    [{ jwtIssuer: 'https://id.example.com' }, /both jwtIssuer and jwtAudience/],
    [{ jwtAudience: 'psa' }, /both jwtIssuer and jwtAudience/],
    [{ jwtIssuer: 'http://id.example.com', jwtAudience: 'psa' }, /jwtIssuer must be an https URL/],
    [{ apiRateLimit: '-1' }, /apiRateLimit must be a positive integer/],
    [{ logRetentionDays: '10' }, /logRetentionDays must be one of/],
    [{ intacctEndpointUrl: 'http://api.intacct.com/ia/xml/xmlgw.phtml' }, /intacctEndpointUrl must be an https URL/],
    [{ intacctRestUrl: 'http://api.intacct.com/ia/api/v1' }, /intacctRestUrl must be an https URL; got http:/],
    [{ intacctRestUrl: 'api.intacct.com/ia/api/v1' }, /intacctRestUrl must be an https URL/],
    [{ tenantSyncConcurrency: 'many' }, /tenantSyncConcurrency must be a positive integer/],
    [{ console: 'maybe' }, /console must be true or false; got maybe/],
    [{ jwtIssuer: 'https://id.example.com', jwtAudience: 'psa' }, /consoleOidcClientId is required with jwtIssuer.*-c console=false/],
    [{ ...EXTERNAL, consoleOidcBearer: 'code' }, /consoleOidcBearer must be one of access_token, id_token; got code/],
    [{ ...EXTERNAL, consoleOidcBearer: 'id_token' }, /aud is consoleOidcClientId \(psa-console\): add it to jwtAudience/],
    [{ ...EXTERNAL, consoleOidcScope: 'profile email' }, /consoleOidcScope must include openid/],
    [{ ...EXTERNAL, consoleOidcLogoutUrl: 'http://id.example.com/logout' }, /consoleOidcLogoutUrl must be an https URL/],
    [{ ...EXTERNAL, consoleAuthDomainPrefix: 'psa-admin' }, /consoleAuthDomainPrefix applies only without jwtIssuer/],
    [{ consoleOidcClientId: 'psa-console' }, /consoleOidcClientId applies only with jwtIssuer/],
    [{ consoleAuthDomainPrefix: 'PSA-Admin' }, /consoleAuthDomainPrefix must be 1 to 63 lowercase letters/],
    [{ consoleAuthDomainPrefix: 'my-aws-login' }, /without "aws", "amazon" or "cognito"; got my-aws-login/],
    [{ consoleAuthDomainPrefix: '-psa' }, /consoleAuthDomainPrefix must be 1 to 63/],
  ])('refuses %j', (context, message) => {
    expect(() => settingsFor(context)).toThrow(SettingsError);
    expect(() => settingsFor(context)).toThrow(message);
  });
});

describe('admin console settings', () => {
  it('with an external issuer: the console client from context, scope openid profile email and the access token by default', () => {
    expect(settingsFor(EXTERNAL).console).toEqual({
      authDomainPrefix: null,
      oidc: { clientId: 'psa-console', scope: 'openid profile email', bearer: 'access_token', logoutUrl: null },
    });
  });

  it('with an external issuer: scope, ID token bearer (its client in the audience) and logout URL from context', () => {
    const settings = settingsFor({
      ...EXTERNAL,
      jwtAudience: 'psa,psa-console',
      consoleOidcScope: ' openid  tenant ',
      consoleOidcBearer: 'id_token',
      consoleOidcLogoutUrl: 'https://id.example.com/logout',
    });
    expect(settings.console!.oidc).toEqual({
      clientId: 'psa-console',
      scope: 'openid tenant',
      bearer: 'id_token',
      logoutUrl: 'https://id.example.com/logout',
    });
  });

  it('with the created pool: the hosted UI domain prefix from context', () => {
    expect(settingsFor({ consoleAuthDomainPrefix: 'acme-psa-admin' }).console).toEqual({ authDomainPrefix: 'acme-psa-admin', oidc: null });
  });

  it.each([false, 'false'])('is left out with console=%j, and its other keys are then not read', (value) => {
    expect(settingsFor({ console: value }).console).toBeNull();
    expect(settingsFor({ jwtIssuer: 'https://id.example.com', jwtAudience: 'psa', console: value }).console).toBeNull();
  });
});
