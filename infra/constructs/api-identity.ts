/**
 * Who signs the API's JWTs: the issuer and audience given in context, or else a Cognito user
 * pool created here, whose ID tokens carry `tenant_id` and `permission_profile` claims.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccountRecovery, Mfa, StringAttribute, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { StageSettings } from '../settings';
import { PROJECT_ROOT } from '../function-catalog';
import { AppFunction } from './app-function';

const MIN_PASSWORD_LENGTH = 12;
/** Cognito waits five seconds for a trigger. */
const TRIGGER_TIMEOUT = Duration.seconds(5);
const TRIGGER_MEMORY_MB = 256;
const TENANT_ID_MAX_LENGTH = 128;

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
      customAttributes: {
        tenant_id: new StringAttribute({ minLen: 1, maxLen: TENANT_ID_MAX_LENGTH, mutable: false }),
        permission_profile: new StringAttribute({ minLen: 1, mutable: true }),
      },
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
    const client = userPool.addClient('ApiClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
    });
    this.tokenClaims = trigger;
    this.userPool = userPool;
    this.userPoolClient = client;
    this.issuer = `https://cognito-idp.${userPool.stack.region}.amazonaws.com/${userPool.userPoolId}`;
    // ID tokens carry the app client id as `aud`.
    this.audience = [client.userPoolClientId];
  }
}
