/**
 * The prod stage with the PSA's own issuer: data survives the stack (RETAIN, deletion
 * protection), no Cognito pool is created, context settings reach the template, and cdk-nag
 * passes here too. Bundling is skipped: stack.test.ts bundles every function already.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthSyncApp } from './support/synth';

const ISSUER = 'https://login.psa.example.com/';
const AUDIENCE = 'psa-frontend';

let synth: Synthesized;

beforeAll(() => {
  synth = synthSyncApp({
    bundle: false,
    context: {
      stage: 'prod',
      jwtIssuer: ISSUER,
      jwtAudience: AUDIENCE,
      consoleOidcClientId: 'psa-admin-console',
      nightlySyncSchedule: 'cron(30 3 * * ? *)',
      tenantSyncConcurrency: '3',
      alarmEmail: 'ops@example.com',
    },
  });
}, 120_000);

afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

describe('prod stage', () => {
  it('retains the tables, protects them from deletion and keeps point-in-time recovery', () => {
    const tables = Object.values(synth.resources('AWS::DynamoDB::Table'));
    expect(tables).toHaveLength(3);
    for (const table of tables) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
    }
  });

  it('retains the sender and OAuth client secrets and every log group', () => {
    const secrets = Object.values(synth.resources('AWS::SecretsManager::Secret'));
    expect(secrets.map((secret) => secret.Properties.Name).sort()).toEqual([
      'IntacctPsaSync-prod/intacct-oauth-client',
      'IntacctPsaSync-prod/intacct-sender',
    ]);
    for (const secret of secrets) expect(secret.DeletionPolicy).toBe('Retain');
    for (const logGroup of Object.values(synth.resources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });

  it('names everything for the stage', () => {
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'IntacctPsaSync-prod-tenant-sync',
      ReservedConcurrentExecutions: 3,
    });
    synth.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'IntacctPsaSync-prod-api-admin',
      Environment: {
        Variables: { TENANT_SECRET_PREFIX: 'IntacctPsaSync-prod/tenants/', CLIENT_IMPORT_FUNCTION: 'IntacctPsaSync-prod-client-import' },
      },
    });
    expect(synth.stack.stackName).toBe('IntacctPsaSync-prod');
  });

  it('trusts the issuer and audience from context and creates no user pool', () => {
    synth.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: [AUDIENCE] },
    });
  });

  it('uses the schedule from context and mails alarms to the configured address', () => {
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 3 * * ? *)' });
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('allows CORS from the admin console alone when no origin is configured', () => {
    const api = Object.values(synth.resources('AWS::ApiGatewayV2::Api'))[0]!;
    const consoleUrl = (synth.template.toJSON().Outputs as Record<string, { Value: unknown }>).ConsoleUrl!.Value;
    expect(api.Properties.CorsConfiguration.AllowOrigins).toEqual([consoleUrl]);
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(path.join(synth.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };
    expect(report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')?.violations).toEqual([]);
  });
});
