/**
 * Who signs the API's JWTs: the issuer and audience given in context, or else a Cognito user
 * pool created here, whose ID tokens carry `tenant_id` and `permission_profile` claims. Those
 * claims decide what a caller may do, so users can never write the attributes they come from:
 * only an administrator sets them (AdminCreateUser, AdminUpdateUserAttributes). It also says how
 * the admin console signs people in: at the created pool's hosted UI, with a client of its own,
 * or at the external issuer with the client given in context.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type AuthFlow,
  ClientAttributes,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { OidcSignIn } from '#http/console-config';
import { PROJECT_ROOT } from '../function-catalog';
import { CLAIM_ATTRIBUTES } from '../identity/token-claims-trigger';
import type { StageSettings } from '../settings';
import { AppFunction } from './app-function';

const MIN_PASSWORD_LENGTH = 12;
/** Cognito waits five seconds for a trigger. */
const TRIGGER_TIMEOUT = Duration.seconds(5);
const TRIGGER_MEMORY_MB = 256;
const TENANT_ID_MAX_LENGTH = 128;

/**
 * The pool's custom attributes, by name without the `custom:` prefix. A user's tenant never
 * changes (immutable: set once, at AdminCreateUser). The permission profile does, but only by an
 * administrator through AdminUpdateUserAttributes: it stays mutable, and no app client lets users
 * write it (USER_WRITABLE_ATTRIBUTES).
 */
const CUSTOM_ATTRIBUTES = {
  tenant_id: new StringAttribute({ minLen: 1, maxLen: TENANT_ID_MAX_LENGTH, mutable: false }),
  permission_profile: new StringAttribute({ minLen: 1, mutable: true }),
};

/**
 * What a signed-in user may change of their own profile with their access token
 * (UpdateUserAttributes): names, locale and time zone. Never a custom attribute, and not the
 * email either: it is the sign-in name an administrator created the user with. An app client
 * without this list lets users write every attribute.
 */
const USER_WRITABLE_ATTRIBUTES = new ClientAttributes().withStandardAttributes({
  fullname: true,
  givenName: true,
  familyName: true,
  locale: true,
  timezone: true,
});

/** What a user may read of their own attributes: their profile, their email, and the attributes their claims come from. */
const USER_READABLE_ATTRIBUTES = USER_WRITABLE_ATTRIBUTES.withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(
  ...Object.values(CLAIM_ATTRIBUTES),
);

/** A browser app signing users in through the pool's hosted login (authorization code with PKCE). */
interface HostedLoginSettings {
  callbackUrls: string[];
  logoutUrls: string[];
}

export interface UserClientOptions {
  /**
   * Direct sign-in flows (InitiateAuth). Required: an empty set makes CDK leave them out, and
   * Cognito then allows its defaults (SRP, custom and refresh), so a hosted-login client names one.
   */
  authFlows: AuthFlow;
  /** Hosted login; without it the client has no OAuth flow and no callback URL at all. */
  hostedLogin?: HostedLoginSettings;
}

/**
 * Adds an app client to `pool` with the attribute permissions every client of the pool must have,
 * and OAuth only when `hostedLogin` says so: then the authorization code grant alone (never the
 * implicit grant), to the given callback URLs only. The client has no secret, so the browser app
 * must send a PKCE challenge with every authorization request (Cognito accepts one but does not
 * require it). CDK's defaults would instead turn on the implicit and code grants with the callback
 * https://example.com. The admin console's client comes in here.
 */
export function addUserClient(pool: UserPool, id: string, options: UserClientOptions): UserPoolClient {
  const { hostedLogin } = options;
  if (hostedLogin && hostedLogin.callbackUrls.length === 0) {
    throw new Error(`App client ${id}: hosted login needs at least one callback URL (CDK would otherwise use https://example.com).`);
  }
  return pool.addClient(id, {
    generateSecret: false,
    authFlows: options.authFlows,
    preventUserExistenceErrors: true,
    readAttributes: USER_READABLE_ATTRIBUTES,
    writeAttributes: USER_WRITABLE_ATTRIBUTES,
    ...(hostedLogin
      ? {
          oAuth: {
            flows: { authorizationCodeGrant: true, implicitCodeGrant: false },
            scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
            callbackUrls: hostedLogin.callbackUrls,
            logoutUrls: hostedLogin.logoutUrls,
          },
        }
      : { disableOAuth: true }),
  });
}

export interface ApiIdentityProps {
  settings: StageSettings;
}

/** The origins the console's browser talks to when signing in, known before the console's URL is. */
export interface ConsoleSignInOrigins {
  /** The issuer's origin: discovery document and keys (and, for most issuers, token and userinfo). */
  issuer: string;
  /** Where the sign-in pages are: the Cognito hosted UI (its token endpoint too), or the issuer. */
  login: string;
}

/** What connecting the console yields: its sign-in configuration, and what the API must accept. */
export interface ConsoleConnection {
  /** The `signIn` part of the console's config.json. */
  signIn: OidcSignIn;
  /** Audiences the API must accept besides `ApiIdentity.audience`: the console's own client, whose ID tokens it sends. */
  apiAudience: string[];
}

/** Scopes the console's client of the created pool asks for (addUserClient allows these). */
const CREATED_POOL_CONSOLE_SCOPE = 'openid email profile';
/** The console's routes where the issuer sends the browser back: after sign-in, after sign-out. */
const CONSOLE_CALLBACK_PATH = '/callback';
const CONSOLE_SIGNED_OUT_PATH = '/';

export class ApiIdentity extends Construct {
  readonly issuer: string;
  readonly audience: string[];
  /** Only when the stack created the pool. */
  readonly userPool: UserPool | null = null;
  readonly userPoolClient: UserPoolClient | null = null;
  /** The pre token generation trigger of the created pool. */
  readonly tokenClaims: AppFunction | null = null;
  /** The created pool's hosted UI, only when the stage has the console. */
  readonly userPoolDomain: UserPoolDomain | null = null;
  /** Null when the stage has no console. */
  readonly consoleSignInOrigins: ConsoleSignInOrigins | null = null;
  /** The console's app client of the created pool, once connectConsole made it. */
  consoleClient: UserPoolClient | null = null;
  private readonly settings: StageSettings;

  constructor(scope: Construct, id: string, props: ApiIdentityProps) {
    super(scope, id);
    const { settings } = props;
    this.settings = settings;
    if (settings.jwt) {
      this.issuer = settings.jwt.issuer;
      this.audience = settings.jwt.audience;
      if (settings.console) {
        const issuerOrigin = new URL(settings.jwt.issuer).origin;
        this.consoleSignInOrigins = { issuer: issuerOrigin, login: issuerOrigin };
      }
      return;
    }
    const trigger = new AppFunction(this, 'TokenClaims', {
      entry: `${PROJECT_ROOT}/infra/identity/token-claims-trigger.ts`,
      functionName: `${settings.resourcePrefix}-token-claims`,
      description: 'Cognito pre token generation: tenant_id and permission_profile claims',
      timeout: TRIGGER_TIMEOUT,
      memorySize: TRIGGER_MEMORY_MB,
      logRetention: settings.logRetention,
      removalPolicy: settings.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      minify: settings.minifyBundles,
    });
    const userPool = new UserPool(this, 'UserPool', {
      userPoolName: `${settings.resourcePrefix}-users`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      customAttributes: CUSTOM_ATTRIBUTES,
      passwordPolicy: {
        minLength: MIN_PASSWORD_LENGTH,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: settings.isProduction ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: settings.isProduction,
      removalPolicy: settings.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      lambdaTriggers: { preTokenGeneration: trigger.function },
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        "Threat protection needs the paid Cognito Plus plan; this pool is only the fallback for stages deployed without the PSA's own issuer (jwtIssuer), which production tenants sign in through.",
    });
    if (!settings.isProduction) {
      Validations.of(userPool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason: 'The dev stage pool holds test users only, created by admins to call the API from scripts; prod requires TOTP MFA.',
      });
    }
    // Scripts and the PSA sign in with SRP and send the ID token. No hosted login yet: the admin
    // console's authorization-code client is added with addUserClient when it has callback URLs.
    const client = addUserClient(userPool, 'ApiClient', { authFlows: { userSrp: true } });
    this.tokenClaims = trigger;
    this.userPool = userPool;
    this.userPoolClient = client;
    const issuerOrigin = `https://cognito-idp.${userPool.stack.region}.amazonaws.com`;
    this.issuer = `${issuerOrigin}/${userPool.userPoolId}`;
    // ID tokens carry the app client id as `aud`.
    this.audience = [client.userPoolClientId];
    if (settings.console) {
      this.userPoolDomain = userPool.addDomain('ConsoleLogin', {
        cognitoDomain: { domainPrefix: settings.console.authDomainPrefix ?? defaultDomainPrefix(this, settings.resourcePrefix) },
      });
      this.consoleSignInOrigins = { issuer: issuerOrigin, login: this.userPoolDomain.baseUrl() };
    }
  }

  /**
   * Lets the admin console served at `consoleUrl` (`https://<host>`, no trailing slash) sign people
   * in. With the created pool: a client of its own that the hosted UI returns to the console's
   * callback only (authorization code with PKCE), whose ID tokens (they carry tenant_id and
   * permission_profile, token-claims-trigger.ts) the API then accepts. With an external issuer:
   * the client the operator registered there, from context.
   */
  connectConsole(consoleUrl: string): ConsoleConnection {
    const { console: consoleSettings, jwt } = this.settings;
    if (!consoleSettings) throw new Error('This stage has no admin console (context console=false).');
    if (jwt) {
      const oidc = consoleSettings.oidc!;
      return {
        signIn: { kind: 'oidc', authority: jwt.issuer, clientId: oidc.clientId, scope: oidc.scope, logoutUrl: oidc.logoutUrl, bearer: oidc.bearer },
        apiAudience: [],
      };
    }
    if (this.consoleClient) throw new Error('The admin console is connected already.');
    this.consoleClient = addUserClient(this.userPool!, 'ConsoleClient', {
      authFlows: { userSrp: true },
      hostedLogin: { callbackUrls: [`${consoleUrl}${CONSOLE_CALLBACK_PATH}`], logoutUrls: [`${consoleUrl}${CONSOLE_SIGNED_OUT_PATH}`] },
    });
    return {
      signIn: {
        kind: 'oidc',
        authority: this.issuer,
        clientId: this.consoleClient.userPoolClientId,
        scope: CREATED_POOL_CONSOLE_SCOPE,
        // Cognito's discovery document names no end-session endpoint; its hosted UI has /logout.
        logoutUrl: `${this.userPoolDomain!.baseUrl()}/logout`,
        bearer: 'id_token',
      },
      apiAudience: [this.consoleClient.userPoolClientId],
    };
  }
}

/**
 * `<resource prefix>-<account id>`, lowercased: Cognito domain prefixes are shared by every
 * account in a region, so the account keeps two deployments of this service apart.
 */
function defaultDomainPrefix(scope: Construct, resourcePrefix: string): string {
  return `${resourcePrefix.toLowerCase()}-${Stack.of(scope).account}`;
}
