/**
 * The admin console in the cloud: the built single-page app (web/dist, `npm run build:web`) in a
 * private S3 bucket that only this CloudFront distribution may read (Origin Access Control),
 * served over HTTPS with security headers, and its runtime configuration (/config.json) written
 * at deploy from this stack's own values, so one build serves every stage.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CfnResource, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { CONSOLE_CONFIG_PATH, type ConsoleConfig, type OidcSignIn } from '#http/console-config';
import type { ConsoleSignInOrigins } from './api-identity';

const CONSOLE_INDEX_DOCUMENT = 'index.html';
/** Vite's output folder for content-hashed files (`assets/index-1a2b3c.js`): a new build, new names. */
const CONSOLE_HASHED_ASSETS_DIR = 'assets';
const CONFIG_OBJECT_KEY = CONSOLE_CONFIG_PATH.replace(/^\//, '');
/** A hashed file never changes, so browsers and CloudFront keep it for a year without asking. */
const HASHED_ASSET_CACHE_CONTROL = [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()];
/** index.html names the current hashed files and config.json the current stage: always fetched anew. */
const PAGE_CACHE_CONTROL = [CacheControl.noStore()];
const HSTS_MAX_AGE = Duration.days(365);
/** The construct id BucketDeployment gives its singleton handler, at the stack's top level. */
const BUCKET_DEPLOYMENT_HANDLER_ID_PREFIX = 'Custom::CDKBucketDeployment';
/** Access logs of the bucket and the distribution, by where they come from. */
const LOG_PREFIXES = { bucket: 's3/', distribution: 'cloudfront/' } as const;

/**
 * Viewer request (cloudfront-js-2.0): a path whose last segment has no file extension is a route
 * of the app (`/clients/abc`), so the browser gets index.html and the app's router takes it from
 * there; files (`/assets/app-1a2b.js`, `/config.json`) pass unchanged, and a missing one stays a
 * real error (403 from S3) instead of being answered with the app. A route whose last segment
 * looks like a file name (`/clients/acme.inc`) is the price: it must be opened from within the app.
 */
const SPA_ROUTES_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  if (!/\\.[A-Za-z0-9]+$/.test(request.uri)) {
    request.uri = '/${CONSOLE_INDEX_DOCUMENT}';
  }
  return request;
}
`;

/** The console's config.json as the cloud writes it: always OpenID Connect sign-in. */
export type CloudConsoleConfig = ConsoleConfig & { signIn: OidcSignIn };

export interface AdminConsoleProps {
  /** The built console: index.html at the top, content-hashed files under assets/. */
  assetsDir: string;
  /** Where the browser signs in: allowed by the Content-Security-Policy. */
  signInOrigins: ConsoleSignInOrigins;
  /** Names the distribution in the console of CloudFront. */
  resourcePrefix: string;
  /** How long the access logs are kept: the stage's log retention. */
  logRetention: RetentionDays;
  /** Production keeps the buckets (and so the logs) when the stack goes. */
  isProduction: boolean;
}

/**
 * The console's hosting. Its URL is known before the API exists (the API's CORS and the sign-in
 * client's callback need it); `publish` then deploys the files with the configuration that
 * names the API, which the distribution itself must never depend on.
 */
export class AdminConsole extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  readonly distribution: Distribution;
  readonly spaRoutes: CloudFrontFunction;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** `https://<distribution domain>`: the console's origin, without a trailing slash. */
  readonly url: string;
  private readonly props: AdminConsoleProps;
  private published = false;

  constructor(scope: Construct, id: string, props: AdminConsoleProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assetsDir, CONSOLE_INDEX_DOCUMENT))) {
      throw new Error(
        `No admin console in ${props.assetsDir} (${CONSOLE_INDEX_DOCUMENT} is missing): build the admin console first: npm run build:web ` +
          '(npm run synth does), or deploy the stage without it: -c console=false.',
      );
    }
    this.props = props;
    const removal = props.isProduction ? { removalPolicy: RemovalPolicy.RETAIN } : { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true };

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes through an ACL grant to its log delivery account.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(props.logRetention) }],
      ...removal,
    });

    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: LOG_PREFIXES.bucket,
      ...removal,
    });

    this.spaRoutes = new CloudFrontFunction(this, 'SpaRoutes', {
      code: FunctionCode.fromInline(SPA_ROUTES_FUNCTION_CODE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Admin console: app routes get index.html',
    });
    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Admin console: HSTS, CSP, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(this, props.signInOrigins), override: true },
        strictTransportSecurity: { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    // The origin's Cache-Control decides (PAGE_CACHE_CONTROL, HASHED_ASSET_CACHE_CONTROL); a
    // minimum TTL of 0 lets `no-store` really mean no copy at the edge either.
    const cachePolicy = new CachePolicy(this, 'CachePolicy', {
      comment: 'Admin console: as the files Cache-Control says',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${props.resourcePrefix} admin console`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: [{ function: this.spaRoutes, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      defaultRootObject: CONSOLE_INDEX_DOCUMENT,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.accessLogs,
      logFilePrefix: LOG_PREFIXES.distribution,
      // No minimumProtocolVersion: with the default *.cloudfront.net certificate CloudFront
      // ignores it (CDK warns); TLS 1.2 as the floor needs a custom domain and certificate.
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          "The console is served on its *.cloudfront.net domain with CloudFront's default certificate, for which CloudFront fixes the viewer security policy; a custom domain with an ACM certificate (TLSv1.2_2021) is not configured for this service.",
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason:
          'Tenant administrators sign in from wherever they work; no country is excluded by contract, and every data request needs a JWT at the API anyway.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'The distribution serves only static files from a private bucket (GET and HEAD); the data lives behind the HTTP API, which checks JWTs and throttles. A web ACL would guard nothing the console exposes.',
      },
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Deploys the built files and writes `config` as /config.json: hashed files under assets/
   * first, cached for a year and kept from earlier builds (an open session may still load its
   * chunks); then index.html, config.json and the other files at the top, never cached, with
   * stale ones removed and CloudFront's copies of the two invalidated.
   */
  publish(config: CloudConsoleConfig): void {
    if (this.published) throw new Error('The admin console is published already.');
    this.published = true;
    const { assetsDir, logRetention, isProduction } = this.props;
    const removalPolicy = isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    // One handler runs both deployments: its own role and log group, instead of the managed
    // basic-execution policy and a log group kept forever.
    const logGroup = new LogGroup(this, 'DeployLogs', { retention: logRetention, removalPolicy });
    const role = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the admin console into its bucket and invalidates CloudFront',
    });
    logGroup.grantWrite(role);
    const hashedFiles = `${CONSOLE_HASHED_ASSETS_DIR}/*`;

    const assets = new BucketDeployment(this, 'DeployHashedFiles', {
      sources: [Source.asset(assetsDir)],
      destinationBucket: this.bucket,
      // aws s3 sync filters: everything out, then assets/ back in.
      exclude: ['*'],
      include: [hashedFiles],
      cacheControl: HASHED_ASSET_CACHE_CONTROL,
      prune: false,
      role,
      logGroup,
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [Source.asset(assetsDir), Source.jsonData(CONFIG_OBJECT_KEY, config)],
      destinationBucket: this.bucket,
      // Excluded from the sync, assets/ is also out of reach of its pruning.
      exclude: [hashedFiles],
      cacheControl: PAGE_CACHE_CONTROL,
      prune: true,
      distribution: this.distribution,
      distributionPaths: [`/${CONSOLE_INDEX_DOCUMENT}`, CONSOLE_CONFIG_PATH],
      role,
      logGroup,
    });
    // A new index.html must never name hashed files that are not there yet.
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentFindings(role);
  }

  /**
   * BucketDeployment's handler: its runtime and its grants are aws-cdk-lib's (the grants are
   * added by the deployments themselves), so each finding is acknowledged here, by name.
   */
  private acknowledgeDeploymentFindings(role: Role): void {
    const stack = Stack.of(this);
    const bucketObjects = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnResource)}.Arn>/*`;
    const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const assetObjects = `arn:${nagText(stack.partition, 'Partition')}:s3:::cdk-${qualifier}-assets-${nagText(stack.account, 'AccountId')}-${nagText(stack.region, 'Region')}/*`;
    const s3Reason =
      "BucketDeployment grants its handler read and write on the console bucket (it syncs and prunes objects by name) and read on the CDK asset bucket (the built console's zip); only those two buckets' objects.";
    Validations.of(role).acknowledge(
      ...['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((action) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[Action::${action}]`,
        reason: s3Reason,
      })),
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketObjects}]`, reason: s3Reason },
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::${assetObjects}]`, reason: s3Reason },
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on * to invalidate index.html and config.json after each deploy; aws-cdk-lib does not narrow it to the distribution.',
      },
    );
    // The handler is a singleton at the stack's top level, outside this construct.
    for (const handler of stack.node.children.filter((child) => child.node.id.startsWith(BUCKET_DEPLOYMENT_HANDLER_ID_PREFIX))) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions::AwsSolutions-L1',
        reason:
          "The runtime of BucketDeployment's handler (Python, with the AWS CLI layer) is chosen by aws-cdk-lib and moves with its upgrades; it runs only during deploys.",
      });
    }
  }
}

/** As cdk-nag spells a value in a finding: an unresolved pseudo parameter as `<AWS::Name>`. */
function nagText(value: string, name: string): string {
  return Token.isUnresolved(value) ? `<AWS::${name}>` : value;
}

/**
 * The console's Content-Security-Policy: its own scripts and styles only, no framing, and
 * network access to its own origin, the sign-in origins and the API.
 *
 * The API appears as the region's API Gateway hosts, not its own URL: the API's CORS names this
 * distribution's domain, the distribution names this policy, so a policy naming the API would
 * close a dependency cycle CloudFormation cannot deploy. Scripts still come from this origin
 * only, so nothing foreign runs in the page to use the wider allowance.
 */
function contentSecurityPolicy(scope: IConstruct, signIn: ConsoleSignInOrigins): string {
  const stack = Stack.of(scope);
  const api = `https://*.execute-api.${stack.region}.${stack.urlSuffix}`;
  const connect = [...new Set(["'self'", api, signIn.issuer, signIn.login])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    `form-action 'self' ${signIn.login}`,
    "object-src 'none'",
  ].join('; ');
}
