/** Stage settings from CDK context: defaults, and clear errors for contradictory or malformed values. */
import { App } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NIGHTLY_SYNC_SCHEDULE, SettingsError, readStageSettings } from '../../infra/settings';

const settingsFor = (context: Record<string, unknown>) => readStageSettings(new App({ context }).node);

describe('readStageSettings', () => {
  it('defaults to the dev stage, a created user pool, 02:00 UTC and the production Intacct gateway', () => {
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
      isProduction: false,
      minifyBundles: true,
    });
    expect(DEFAULT_NIGHTLY_SYNC_SCHEDULE).toBe('cron(0 2 * * ? *)');
  });

  it('reads lists from comma-separated `-c` values and from JSON arrays', () => {
    expect(settingsFor({ corsAllowedOrigins: 'https://a.example.com, https://b.example.com/' }).corsAllowedOrigins).toEqual([
      'https://a.example.com',
      'https://b.example.com',
    ]);
    expect(settingsFor({ jwtIssuer: 'https://id.example.com', jwtAudience: ['one', 'two'] }).jwt).toEqual({
      issuer: 'https://id.example.com',
      audience: ['one', 'two'],
    });
  });

  it.each([
    [{ stage: 'staging' }, /stage must be one of dev, prod/],
    [{ jwtIssuer: 'https://id.example.com' }, /both jwtIssuer and jwtAudience/],
    [{ jwtAudience: 'psa' }, /both jwtIssuer and jwtAudience/],
    [{ jwtIssuer: 'http://id.example.com', jwtAudience: 'psa' }, /jwtIssuer must be an https URL/],
    [{ apiRateLimit: '-1' }, /apiRateLimit must be a positive integer/],
    [{ logRetentionDays: '10' }, /logRetentionDays must be one of/],
    [{ tenantSyncConcurrency: 'many' }, /tenantSyncConcurrency must be a positive integer/],
  ])('refuses %j', (context, message) => {
    expect(() => settingsFor(context)).toThrow(SettingsError);
    expect(() => settingsFor(context)).toThrow(message);
  });
});
