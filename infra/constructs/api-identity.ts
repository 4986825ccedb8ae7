/**
 * Who signs the API's JWTs: the issuer and audience given in context, or else a Cognito user
 * pool created here, whose ID tokens carry `tenant_id` and `permission_profile` claims. Those
 * claims decide what a caller may do, so users can never write the attributes they come from:
 * only an administrator sets them (AdminCreateUser, AdminUpdateUserAttributes).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolClient,
  type AuthFlow,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageSettings } from '../settings';
import { PROJECT_ROOT } from '../function-catalog';
import { CLAIM_ATTRIBUTES } from '../identity/token-claims-trigger';
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
export const USER_WRITABLE_ATTRIBUTES = new ClientAttributes().withStandardAttributes({
  fullname: true,
  givenName: true,
  familyName: true,
  locale: true,
  timezone: true,
});

/** What a user may read of their own attributes: their profile, their email, and the attributes their claims come from. */
export const USER_READABLE_ATTRIBUTES = USER_WRITABLE_ATTRIBUTES.withStandardAttributes({ email: true, emailVerified: true }).withCustomAttributes(
  ...Object.values(CLAIM_ATTRIBUTES),
);

/** A browser app signing users in through the pool's hosted login (authorization code with PKCE). */
export interface HostedLoginSettings {
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

export class ApiIdentity extends Construct {
  readonly issuer: string;
  readonly audience: string[];
  /** Only when the stack created the pool. */
  readonly userPool: UserPool | null = null;
  readonly userPoolClient: UserPoolClient | null = null;
  /** The pre token generation trigger of the created pool. */
  readonly tokenClaims: AppFunction | null = null;

  constructor(scope: Construct, id: string, props: ApiIdentityProps) {
    super(scope, id);
    const { settings } = props;
    if (settings.jwt) {
      this.issuer = settings.jwt.issuer;
      this.audience = settings.jwt.audience;
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
        'Threat protection needs the paid Cognito Plus plan; this pool is only the fallback for stages deployed without the PSA\'s own issuer (jwtIssuer), which production tenants sign in through.',
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
    this.issuer = `https://cognito-idp.${userPool.stack.region}.amazonaws.com/${userPool.userPoolId}`;
    // ID tokens carry the app client id as `aud`.
    this.audience = [client.userPoolClientId];
  }
}
