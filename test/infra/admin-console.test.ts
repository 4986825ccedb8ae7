/**
 * The admin console in the stack (infra/constructs/admin-console.ts): a private bucket read only
 * by its CloudFront distribution, security headers, app routes answered with index.html, the
 * built files and config.json deployed with the right caching, and sign-in wired to the created
 * Cognito pool or to the PSA's own issuer. Synthesized without bundling, from a small built
 * console (test/infra/support/console-dist).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleConfig, parseConsoleConfig } from '#http/console-config';
import { CONSOLE_FIXTURE_DIR, type Synthesized, synthSyncApp } from './support/synth';

const ISSUER = 'https://login.psa.example.com/tenants/main';
const AUDIENCE = 'psa-frontend';
const CONSOLE_CLIENT = 'psa-admin-console';
const LOGOUT_URL = 'https://login.psa.example.com/logout';
const ALLOWED_ORIGIN = 'https://psa.example.com';

/** Sample values for what CloudFormation decides at deploy, so rendered text parses as URLs. */
const SAMPLE = { region: 'eu-west-1', urlSuffix: 'amazonaws.com', account: '123456789012', partition: 'aws' };
const PSEUDO: Record<string, string> = {
  'AWS::Region': SAMPLE.region,
  'AWS::URLSuffix': SAMPLE.urlSuffix,
  'AWS::AccountId': SAMPLE.account,
  'AWS::Partition': SAMPLE.partition,
};

/**
 * Resolves a CloudFormation value to what it would be at deploy, with sample values: pseudo
 * parameters from SAMPLE, a Cognito domain as its prefix (from `synth`'s template), any other
 * Ref as its logical id in lowercase, an API endpoint and a distribution domain in their real
 * formats.
 */
function deployed(value: unknown, synth?: Synthesized): string {
  const resolve = (part: unknown) => deployed(part, synth);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(resolve).join(',');
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic.Ref === 'string') {
    const domain = synth?.resources('AWS::Cognito::UserPoolDomain')[intrinsic.Ref];
    if (domain) return resolve(domain.Properties.Domain);
    return PSEUDO[intrinsic.Ref] ?? intrinsic.Ref.toLowerCase();
  }
  if (Array.isArray(intrinsic['Fn::GetAtt'])) {
    const [id, attribute] = intrinsic['Fn::GetAtt'] as [string, string];
    if (attribute === 'ApiEndpoint') return `https://${id.toLowerCase()}.execute-api.${SAMPLE.region}.${SAMPLE.urlSuffix}`;
    if (attribute === 'DomainName') return `${id.toLowerCase()}.cloudfront.net`;
    throw new Error(`No sample for ${id}.${attribute}`);
  }
  if (Array.isArray(intrinsic['Fn::Join'])) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(resolve).join(separator);
  }
  throw new Error(`No sample for ${JSON.stringify(value)}`);
}

/** The directives of a Content-Security-Policy, by name. */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** Whether a CSP host source (`https://*.example.com`, an origin, or 'self') admits `url` from a page on `self`. */
function admits(sources: string[], url: string, self: string): boolean {
  const target = new URL(url);
  return sources.some((source) => {
    if (source === "'self'") return target.origin === new URL(self).origin;
    const match = /^(https):\/\/(\*\.)?([^/]+)$/.exec(source);
    if (!match || target.protocol !== `${match[1]}:`) return false;
    return match[2] ? target.hostname.endsWith(`.${match[3]}`) : target.host === match[3];
  });
}

type Resources = ReturnType<Synthesized['resources']>;
const only = (resources: Resources) => {
  const values = Object.values(resources);
  expect(values).toHaveLength(1);
  return values[0]!;
};
const outputs = (synth: Synthesized) => synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;
const consoleUrl = (synth: Synthesized) => deployed(outputs(synth).ConsoleUrl!.Value);

/** The two BucketDeployments: hashed files (assets/) and the pages at the top. */
function deployments(synth: Synthesized) {
  const all = Object.entries(synth.resources('Custom::CDKBucketDeployment'));
  expect(all).toHaveLength(2);
  const [hashed, pages] = [all.find(([, resource]) => resource.Properties.Include), all.find(([, resource]) => !resource.Properties.Include)];
  return { hashed: hashed!, pages: pages! };
}

/** config.json as the deployment writes it: the jsonData source, its markers replaced with sample deploy-time values. */
function deployedConfig(synth: Synthesized): unknown {
  const [, pages] = deployments(synth).pages;
  const keys = pages.Properties.SourceObjectKeys as string[];
  const markers = pages.Properties.SourceMarkers as Record<string, unknown>[];
  const index = markers.findIndex((marker) => Object.keys(marker).length > 0);
  const file = path.join(synth.outdir, `asset.${keys[index]!.replace(/\.zip$/, '')}`, 'config.json');
  let text = readFileSync(file, 'utf8');
  for (const [marker, value] of Object.entries(markers[index]!)) text = text.split(marker).join(deployed(value, synth));
  return JSON.parse(text);
}

function contentSecurityPolicy(synth: Synthesized): Record<string, string[]> {
  const policy = only(synth.resources('AWS::CloudFront::ResponseHeadersPolicy')).Properties.ResponseHeadersPolicyConfig;
  return directives(deployed(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy, synth));
}

let pool: Synthesized;
let external: Synthesized;

beforeAll(() => {
  pool = synthSyncApp({ bundle: false, context: { corsAllowedOrigins: ALLOWED_ORIGIN } });
  external = synthSyncApp({
    bundle: false,
    context: { stage: 'prod', jwtIssuer: ISSUER, jwtAudience: AUDIENCE, consoleOidcClientId: CONSOLE_CLIENT, consoleOidcLogoutUrl: LOGOUT_URL },
  });
}, 120_000);

afterAll(() => {
  for (const synth of [pool, external]) rmSync(synth.outdir, { recursive: true, force: true });
});

describe('hosting', () => {
  const bucketOf = (synth: Synthesized) => synth.resources('AWS::S3::Bucket')[synth.logicalId(synth.stack.adminConsole!.bucket)]!;
  const bucketPolicyOf = (synth: Synthesized) =>
    Object.values(synth.resources('AWS::S3::BucketPolicy')).find(
      (policy) => policy.Properties.Bucket.Ref === synth.logicalId(synth.stack.adminConsole!.bucket),
    )!.Properties.PolicyDocument.Statement as Record<string, any>[];

  it.each([
    ['dev', () => pool],
    ['prod', () => external],
  ])('%s: keeps the files in a private bucket: public access blocked, S3-managed encryption, TLS only', (_stage, synth) => {
    expect(bucketOf(synth()).Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(bucketPolicyOf(synth()).filter((statement) => statement.Effect === 'Deny')).toEqual([
      expect.objectContaining({ Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
  });

  it('lets only this distribution read the files, through Origin Access Control', () => {
    const distributionId = pool.logicalId(pool.stack.adminConsole!.distribution);
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    const [oacId, oac] = Object.entries(pool.resources('AWS::CloudFront::OriginAccessControl'))[0]!;
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(distribution.Origins).toEqual([
      expect.objectContaining({
        DomainName: { 'Fn::GetAtt': [pool.logicalId(pool.stack.adminConsole!.bucket), 'RegionalDomainName'] },
        OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] },
      }),
    ]);
    const reads = bucketPolicyOf(pool).filter((statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes('s3:GetObject'));
    expect(reads).toHaveLength(1);
    expect(reads[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(Object.keys(reads[0]!.Condition)).toEqual(['StringEquals']);
    expect(deployed(reads[0]!.Condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:aws:cloudfront::${SAMPLE.account}:distribution/${distributionId.toLowerCase()}`,
    );
  });

  it('grants nothing else in prod (dev adds only the emptying of the bucket when the stack goes)', () => {
    const allows = (synth: Synthesized) => bucketPolicyOf(synth).filter((statement) => statement.Effect === 'Allow');
    expect(allows(external).map((statement) => statement.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
    expect(allows(pool).filter((statement) => !statement.Principal.Service)).toEqual([
      expect.objectContaining({ Principal: { AWS: { 'Fn::GetAtt': ['CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1BD092', 'Arn'] } } }),
    ]);
  });

  it('serves HTTPS only (HTTP redirects), GET and HEAD, over HTTP/2 and 3, in price class 100, index.html at the root', () => {
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    expect(distribution).toMatchObject({
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      PriceClass: 'PriceClass_100',
      DefaultCacheBehavior: { ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true },
    });
    expect(consoleUrl(pool)).toBe(`https://${pool.logicalId(pool.stack.adminConsole!.distribution).toLowerCase()}.cloudfront.net`);
  });

  it("honours the files' own Cache-Control at the edge (minimum TTL 0, so no-store is never cached)", () => {
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    const [policyId, policy] = Object.entries(pool.resources('AWS::CloudFront::CachePolicy'))[0]!;
    expect(distribution.DefaultCacheBehavior.CachePolicyId).toEqual({ Ref: policyId });
    expect(policy.Properties.CachePolicyConfig).toMatchObject({ MinTTL: 0, MaxTTL: 31536000 });
  });

  it("logs the bucket's and the distribution's access to a private log bucket that expires them with the log retention", () => {
    const logs = pool.logicalId(pool.stack.adminConsole!.accessLogs);
    expect(bucketOf(pool).Properties.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logs }, LogFilePrefix: 's3/' });
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    expect(distribution.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logs, 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
    expect(pool.resources('AWS::S3::Bucket')[logs]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 14, Status: 'Enabled' }] },
    });
    expect(
      external.resources('AWS::S3::Bucket')[external.logicalId(external.stack.adminConsole!.accessLogs)]!.Properties.LifecycleConfiguration,
    ).toEqual({
      Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }],
    });
  });

  it('retains both buckets in prod, like the tables; dev deletes them, emptied, with the stack', () => {
    for (const bucket of Object.values(external.resources('AWS::S3::Bucket'))) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
    const devBuckets = Object.values(pool.resources('AWS::S3::Bucket'));
    expect(devBuckets).toHaveLength(2);
    for (const bucket of devBuckets) {
      expect(bucket.DeletionPolicy).toBe('Delete');
      expect(bucket.Properties.Tags).toContainEqual({ Key: 'aws-cdk:auto-delete-objects', Value: 'true' });
    }
    expect(Object.keys(external.resources('Custom::S3AutoDeleteObjects'))).toEqual([]);
  });

  it('outputs ConsoleUrl', () => {
    expect(outputs(pool).ConsoleUrl!.Value).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [pool.logicalId(pool.stack.adminConsole!.distribution), 'DomainName'] }]],
    });
  });
});

describe('security headers', () => {
  const headers = (synth: Synthesized) =>
    only(synth.resources('AWS::CloudFront::ResponseHeadersPolicy')).Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig as Record<
      string,
      any
    >;

  it('are on every answer: HSTS for a year with subdomains, nosniff, no framing, no referrer, overriding the origin', () => {
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    expect(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: pool.logicalId(pool.stack.adminConsole!.responseHeaders) });
    expect(headers(pool)).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      ContentSecurityPolicy: { Override: true },
    });
  });

  it("the CSP allows the console's own scripts, styles and images only, no framing, no plugins, no base change", () => {
    expect(contentSecurityPolicy(pool)).toMatchObject({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
      'base-uri': ["'self'"],
      'object-src': ["'none'"],
    });
  });

  it('with the created pool, the CSP lets the console reach the API, the issuer and the hosted UI, and post only to the hosted UI', () => {
    const csp = contentSecurityPolicy(pool);
    const self = consoleUrl(pool);
    const config = parseConsoleConfig(deployedConfig(pool));
    const signIn = config.signIn as Extract<ConsoleConfig['signIn'], { kind: 'oidc' }>;
    const hostedUi = new URL(signIn.logoutUrl!).origin;
    for (const url of [`${config.apiUrl}/clients`, `${signIn.authority}/.well-known/openid-configuration`, `${hostedUi}/oauth2/token`]) {
      expect(admits(csp['connect-src']!, url, self), url).toBe(true);
    }
    expect(admits(csp['connect-src']!, 'https://collector.example.com/', self)).toBe(false);
    expect(csp['form-action']).toEqual(["'self'", hostedUi]);
  });

  it('with an external issuer, the CSP lets the console reach the API and the issuer, and post to the issuer', () => {
    const csp = contentSecurityPolicy(external);
    const config = parseConsoleConfig(deployedConfig(external));
    expect(admits(csp['connect-src']!, `${config.apiUrl}/clients`, consoleUrl(external))).toBe(true);
    expect(csp['connect-src']).toContain('https://login.psa.example.com');
    expect(csp['form-action']).toEqual(["'self'", 'https://login.psa.example.com']);
  });

  it("name the API by its region's API Gateway hosts, not its URL: the API's CORS names the distribution, so the distribution must not name the API", () => {
    const csp = contentSecurityPolicy(pool);
    expect(csp['connect-src']).toContain(`https://*.execute-api.${SAMPLE.region}.${SAMPLE.urlSuffix}`);
    const httpApi = pool.logicalId(pool.stack.api.httpApi);
    const distribution = only(pool.resources('AWS::CloudFront::Distribution'));
    const policy = only(pool.resources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(JSON.stringify([distribution, policy])).not.toContain(httpApi);
  });
});

describe('app routes', () => {
  const functionCode = () => {
    const fn = only(pool.resources('AWS::CloudFront::Function')).Properties;
    expect(fn.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    return fn.FunctionCode as string;
  };
  /** Runs the deployed function's code on a viewer request for `uri`, as CloudFront would. */
  const rewrite = (uri: string): string => {
    const handler = runInNewContext(`${functionCode()}\n;handler`, {}) as (event: unknown) => { uri: string };
    return handler({
      version: '1.0',
      context: { eventType: 'viewer-request' },
      request: { method: 'GET', uri, querystring: {}, headers: {}, cookies: {} },
    }).uri;
  };

  it('runs a CloudFront Function on every viewer request', () => {
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    const [fnId] = Object.keys(pool.resources('AWS::CloudFront::Function'));
    expect(distribution.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
  });

  it.each(['/clients/abc', '/clients', '/', '/sync-runs/01HX/records', '/callback'])('answers the app route %s with /index.html', (uri) => {
    expect(rewrite(uri)).toBe('/index.html');
  });

  it.each(['/assets/app.js', '/assets/app-1a2b3c.js', '/config.json', '/index.html', '/sage-intacct.svg'])('leaves the file %s alone', (uri) => {
    expect(rewrite(uri)).toBe(uri);
  });

  it('maps no error to index.html: a missing file stays an error', () => {
    const distribution = only(pool.resources('AWS::CloudFront::Distribution')).Properties.DistributionConfig;
    expect(distribution.CustomErrorResponses).toBeUndefined();
  });
});

describe('deployment', () => {
  it("deploys the hashed files under assets/ cached for a year, immutable, keeping earlier builds' files", () => {
    const [, hashed] = deployments(pool).hashed;
    expect(hashed.Properties).toMatchObject({
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  it('then deploys index.html, config.json and the other top files never cached, pruning stale ones outside assets/, and invalidates the two', () => {
    const { hashed, pages } = deployments(pool);
    expect(pages[1].Properties).toMatchObject({
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-store' },
      DistributionId: { Ref: pool.logicalId(pool.stack.adminConsole!.distribution) },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    expect(pages[1].Properties.Include).toBeUndefined();
    expect((pages[1] as { DependsOn?: string[] }).DependsOn).toContain(hashed[0]);
  });

  it('deploys the built console it was given', () => {
    const [, hashed] = deployments(pool).hashed;
    const [key] = hashed.Properties.SourceObjectKeys as string[];
    const staged = path.join(pool.outdir, `asset.${key!.replace(/\.zip$/, '')}`);
    expect(readFileSync(path.join(staged, 'index.html'), 'utf8')).toBe(readFileSync(path.join(CONSOLE_FIXTURE_DIR, 'index.html'), 'utf8'));
    expect(existsSync(path.join(staged, 'assets/app-1a2b3c.js'))).toBe(true);
    expect(deployments(pool).pages[1].Properties.SourceObjectKeys).toContain(key);
  });

  it('with the created pool, writes config.json for the contract: the API, the pool as issuer, the console client, its ID token', () => {
    const config = parseConsoleConfig(deployedConfig(pool));
    const id = (construct: Parameters<Synthesized['logicalId']>[0]) => pool.logicalId(construct).toLowerCase();
    const hostedUi = `https://intacctpsasync-dev-${SAMPLE.account}.auth.${SAMPLE.region}.amazoncognito.com`;
    expect(config).toEqual({
      apiUrl: `https://${id(pool.stack.api.httpApi)}.execute-api.${SAMPLE.region}.${SAMPLE.urlSuffix}`,
      signIn: {
        kind: 'oidc',
        authority: `https://cognito-idp.${SAMPLE.region}.amazonaws.com/${id(pool.stack.identity.userPool!)}`,
        clientId: id(pool.stack.identity.consoleClient!),
        scope: 'openid email profile',
        logoutUrl: `${hostedUi}/logout`,
        bearer: 'id_token',
      },
    });
  });

  it('with an external issuer, writes the issuer and the console client from context, and the access token by default', () => {
    expect(parseConsoleConfig(deployedConfig(external)).signIn).toEqual({
      kind: 'oidc',
      authority: ISSUER,
      clientId: CONSOLE_CLIENT,
      scope: 'openid profile email',
      logoutUrl: LOGOUT_URL,
      bearer: 'access_token',
    });
  });

  it("runs its handler with a role and log group of its own: no managed policy, the stage's retention", () => {
    const deployRole = pool.logicalId(pool.stack.adminConsole!.node.findChild('DeployRole'));
    const handler = Object.values(pool.resources('AWS::Lambda::Function')).find((fn) => fn.Properties.Role?.['Fn::GetAtt']?.[0] === deployRole)!;
    expect(handler).toBeDefined();
    expect(pool.resources('AWS::IAM::Role')[deployRole]!.Properties.ManagedPolicyArns).toBeUndefined();
    const logGroup = pool.resources('AWS::Logs::LogGroup')[handler.Properties.LoggingConfig.LogGroup.Ref]!;
    expect(logGroup.Properties.RetentionInDays).toBe(14);
  });
});

describe('sign-in', () => {
  const consoleClient = () => pool.resources('AWS::Cognito::UserPoolClient')[pool.logicalId(pool.stack.identity.consoleClient!)]!.Properties;

  it('with the created pool: a Cognito hosted UI domain, unique to the account by default', () => {
    const domain = only(pool.resources('AWS::Cognito::UserPoolDomain')).Properties;
    expect(domain.UserPoolId).toEqual({ Ref: pool.logicalId(pool.stack.identity.userPool!) });
    expect(deployed(domain.Domain)).toBe(`intacctpsasync-dev-${SAMPLE.account}`);
  });

  it('with the created pool: a console client with the authorization code grant only, back to ConsoleUrl/callback only', () => {
    const client = consoleClient();
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
    });
    expect(client.CallbackURLs.map(deployed)).toEqual([`${consoleUrl(pool)}/callback`]);
    expect(client.LogoutURLs.map(deployed)).toEqual([`${consoleUrl(pool)}/`]);
  });

  it("with the created pool: the API accepts the console client's ID tokens besides the scripts' client's", () => {
    const authorizer = only(pool.resources('AWS::ApiGatewayV2::Authorizer')).Properties;
    expect(authorizer.JwtConfiguration.Audience).toEqual([
      { Ref: pool.logicalId(pool.stack.identity.userPoolClient!) },
      { Ref: pool.logicalId(pool.stack.identity.consoleClient!) },
    ]);
  });

  it('with an external issuer: no pool, no domain, and the API keeps the configured audience', () => {
    external.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    external.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    expect(only(external.resources('AWS::ApiGatewayV2::Authorizer')).Properties.JwtConfiguration).toEqual({ Issuer: ISSUER, Audience: [AUDIENCE] });
  });

  it('takes the hosted UI domain prefix from context', () => {
    const synth = synthSyncApp({ bundle: false, context: { consoleAuthDomainPrefix: 'acme-psa-admin' } });
    try {
      expect(only(synth.resources('AWS::Cognito::UserPoolDomain')).Properties.Domain).toBe('acme-psa-admin');
      expect(contentSecurityPolicy(synth)['form-action']).toEqual(["'self'", `https://acme-psa-admin.auth.${SAMPLE.region}.amazoncognito.com`]);
    } finally {
      rmSync(synth.outdir, { recursive: true, force: true });
    }
  });

  it('with an external issuer and no console client in context, synth stops and names the key', () => {
    expect(() => synthSyncApp({ bundle: false, context: { jwtIssuer: ISSUER, jwtAudience: AUDIENCE } })).toThrow(
      /consoleOidcClientId is required with jwtIssuer/,
    );
  });
});

describe('API CORS', () => {
  it("allows the console's origin next to the configured ones", () => {
    const api = only(pool.resources('AWS::ApiGatewayV2::Api')).Properties;
    expect(api.CorsConfiguration.AllowOrigins.map(deployed)).toEqual([ALLOWED_ORIGIN, consoleUrl(pool)]);
  });

  it('allows any origin alone when the context says *', () => {
    const synth = synthSyncApp({ bundle: false, context: { corsAllowedOrigins: '*' } });
    try {
      expect(only(synth.resources('AWS::ApiGatewayV2::Api')).Properties.CorsConfiguration.AllowOrigins).toEqual(['*']);
    } finally {
      rmSync(synth.outdir, { recursive: true, force: true });
    }
  });
});

describe('without the console', () => {
  const MISSING_DIST = path.join(CONSOLE_FIXTURE_DIR, 'not-built');

  it('console=false leaves out the bucket, distribution, deployment, domain and console client, and needs no build', () => {
    const synth = synthSyncApp({ bundle: false, context: { console: 'false' }, consoleAssetsDir: MISSING_DIST });
    try {
      for (const type of [
        'AWS::S3::Bucket',
        'AWS::CloudFront::Distribution',
        'AWS::CloudFront::Function',
        'AWS::CloudFront::ResponseHeadersPolicy',
        'Custom::CDKBucketDeployment',
        'AWS::Cognito::UserPoolDomain',
      ]) {
        synth.template.resourceCountIs(type, 0);
      }
      synth.template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
      expect(outputs(synth).ConsoleUrl).toBeUndefined();
      // The OAuth callback then answers in JSON: the API functions get its URL, but no console to send a browser to.
      const apiFunctions = Object.values(synth.resources('AWS::Lambda::Function')).filter((fn) =>
        /-api-(read|admin)$/.test(fn.Properties.FunctionName),
      );
      expect(apiFunctions).toHaveLength(2);
      for (const fn of apiFunctions) {
        expect(Object.keys(fn.Properties.Environment.Variables)).toContain('INTACCT_OAUTH_REDIRECT_URI');
        expect(Object.keys(fn.Properties.Environment.Variables)).not.toContain('CONSOLE_URL');
      }
      expect(only(synth.resources('AWS::ApiGatewayV2::Api')).Properties.CorsConfiguration).toBeUndefined();
      expect(only(synth.resources('AWS::ApiGatewayV2::Authorizer')).Properties.JwtConfiguration.Audience).toEqual([
        { Ref: synth.logicalId(synth.stack.identity.userPoolClient!) },
      ]);
    } finally {
      rmSync(synth.outdir, { recursive: true, force: true });
    }
  });

  it('a console that was not built stops synth, saying how to build it', () => {
    expect(() => synthSyncApp({ bundle: false, consoleAssetsDir: MISSING_DIST })).toThrow(
      /not-built \(index\.html is missing\): build the admin console first: npm run build:web/,
    );
  });
});

describe('cdk-nag', () => {
  it.each([
    ['dev with the created pool', () => pool],
    ['prod with an external issuer', () => external],
  ])('%s: AwsSolutions leaves no unacknowledged finding, and each console finding is acknowledged for its own reason', (_case, synth) => {
    const report = JSON.parse(readFileSync(path.join(synth().outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: unknown[];
        suppressedViolations: { ruleName: string; reason: string; violatingConstructs?: unknown }[];
      }[];
    };
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')!;
    expect(nag.violations).toEqual([]);
    const acknowledged = new Set(nag.suppressedViolations.map((violation) => violation.ruleName));
    for (const rule of ['AwsSolutions-CFR1', 'AwsSolutions-CFR2', 'AwsSolutions-CFR4', 'AwsSolutions-IAM5[Resource::*]']) {
      expect(acknowledged, rule).toContain(rule);
    }
    for (const violation of nag.suppressedViolations) expect(violation.reason.length, violation.ruleName).toBeGreaterThan(60);
  });
});
