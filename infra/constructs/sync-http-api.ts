/**
 * The HTTP API (API Gateway v2): one route per entry of the route table the api handler itself
 * routes by (shared/http/routes), each integrated with the one function of its route group
 * (shared/http/route-groups.ts), which only its own routes may invoke; JWT-authorized unless the
 * route is public (each for a reason written down here); throttled; CORS for the origins from
 * context and the admin console's; JSON access logs.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteAccess } from '#http/auth';
import { INTACCT_OAUTH_CALLBACK_PATH } from '#http/public-routes';
import type { HttpMethod as RouteMethod } from '#http/route';
import type { AppFunction } from './app-function';

/** What the stack needs of a route: the api function's route table supplies these. */
export interface ApiRouteSpec {
  method: RouteMethod;
  path: string;
  access: RouteAccess;
}

/** Browsers may cache a preflight answer this long. */
const CORS_MAX_AGE_SECONDS = 600;
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type'];
const JWT_IDENTITY_SOURCE = '$request.header.Authorization';

/**
 * Why each public route may be called without a JWT, by route key: its cdk-nag acknowledgement.
 * A public route missing here fails synth, so a route becomes public by a decision written down.
 */
const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'GET /openapi.json': 'is public by spec section 4 (the OpenAPI document of this API); it reads no tenant data.',
  [`GET ${INTACCT_OAUTH_CALLBACK_PATH}`]:
    "is where Sage Intacct's OAuth redirect lands, and a browser redirect carries no bearer token; the route is authorized by its single-use, expiring, tenant-bound state instead (spec section 8).",
};

/** HTTP API context variables, one JSON object per request; never headers or bodies. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
};

export interface SyncHttpApiProps {
  routes: readonly ApiRouteSpec[];
  /** The function that serves `route`. */
  functionFor(route: ApiRouteSpec): AppFunction;
  jwtIssuer: string;
  jwtAudience: string[];
  /** Browser origins allowed to call the API, from context (`*` allows any); none: no CORS. */
  corsAllowedOrigins: string[];
  /**
   * Origins of the stack's own browser apps (the admin console), allowed as well. Deploy-time
   * values (the distribution's domain): the API may depend on them, never the other way round.
   */
  appOrigins?: string[];
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: RetentionDays;
  isProduction: boolean;
  apiName: string;
}

/** Why the route needs no JWT, or null when it needs one; a public route without a reason is refused. */
function publicReasonOf(routeKey: string, access: RouteAccess): string | null {
  if (access !== 'public') return null;
  const reason = PUBLIC_ROUTE_REASONS[routeKey];
  if (reason === undefined) {
    throw new Error(`${routeKey} is public, but PUBLIC_ROUTE_REASONS in infra/constructs/sync-http-api.ts gives no reason why it needs no JWT.`);
  }
  return reason;
}

/** `*` already covers every origin, and API Gateway takes it alone. */
function corsOrigins(configured: string[], apps: string[]): string[] {
  return configured.includes('*') ? ['*'] : [...configured, ...apps];
}

export class SyncHttpApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  /** Route key (`GET /clients`) → route. */
  readonly routes: ReadonlyMap<string, HttpRoute>;

  constructor(scope: Construct, id: string, props: SyncHttpApiProps) {
    super(scope, id);
    const allowOrigins = corsOrigins(props.corsAllowedOrigins, props.appOrigins ?? []);
    this.httpApi = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Intacct to PSA sync: spec section 4',
      createDefaultStage: false,
      corsPreflight:
        allowOrigins.length > 0
          ? {
              allowOrigins,
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE],
              allowHeaders: CORS_ALLOWED_HEADERS,
              maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
            }
          : undefined,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const authorizer = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, {
      jwtAudience: props.jwtAudience,
      identitySource: [JWT_IDENTITY_SOURCE],
    });
    // One integration per function; each route's invoke permission names that route's path only.
    const integrations = new Map<AppFunction, HttpLambdaIntegration>();
    const integrationFor = (fn: AppFunction): HttpLambdaIntegration => {
      let integration = integrations.get(fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(fn.node.id, fn.function);
        integrations.set(fn, integration);
      }
      return integration;
    };
    const routes = new Map<string, HttpRoute>();
    for (const route of props.routes) {
      const routeKey = `${route.method} ${route.path}`;
      const publicReason = publicReasonOf(routeKey, route.access);
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(props.functionFor(route)),
        authorizer: publicReason === null ? authorizer : new HttpNoneAuthorizer(),
      });
      if (!created) throw new Error(`No route was created for ${route.method} ${route.path}.`);
      if (publicReason !== null) {
        Validations.of(created).acknowledge({ id: 'AwsSolutions::AwsSolutions-APIG4', reason: `${routeKey} ${publicReason}` });
      }
      routes.set(routeKey, created);
    }
    this.routes = routes;
  }
}
