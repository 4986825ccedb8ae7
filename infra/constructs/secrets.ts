/**
 * Secrets Manager for Intacct credentials: one secret for the web services sender and one for the
 * Sage Intacct OAuth client (both set by the operator after deploy), and a name prefix under which
 * the API keeps each tenant's company login or OAuth grant (created and deleted at runtime, so
 * only the prefix is known here).
 */
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { oauthSecretRef } from '#intacct-rest/oauth/tenant-tokens';
import { nagArnText } from '../nag';
import type { AppFunction } from './app-function';

/**
 * Tenant secret actions on every secret under the prefix: workers read (and save the OAuth grants
 * they refresh, OAUTH_GRANT_SAVE_ACTIONS); the API connects and disconnects tenants.
 */
const TENANT_SECRET_ACTIONS = {
  refresh: ['secretsmanager:GetSecretValue'],
  manage: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
} as const;
export type TenantSecretAccess = keyof typeof TENANT_SECRET_ACTIONS;

/**
 * Saving a refreshed OAuth grant: Intacct rotates the refresh token, so a worker that refreshes
 * must write the new one back (shared/intacct-rest/oauth/tenant-tokens.ts). It only ever replaces
 * the value of a grant that exists (SecretStore.replace): a grant deleted by a disconnect stays
 * deleted, so a worker may not create one.
 */
const OAUTH_GRANT_SAVE_ACTIONS = ['secretsmanager:PutSecretValue'] as const;

/** The operator's secrets are only ever read at run time. */
const OPERATOR_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/** Placeholders the operator replaces; until then Intacct refuses the sender, or the OAuth client. */
const SENDER_ID_PLACEHOLDER = 'replace-with-your-intacct-sender-id';
const OAUTH_CLIENT_ID_PLACEHOLDER = 'replace-with-your-intacct-oauth-client-id';

/** Secrets Manager ends every secret ARN in `-` and six random characters. */
const SECRET_ARN_SUFFIX = '-??????';

/** What tells one operator secret from another. */
interface OperatorSecret {
  id: string;
  /** After the stack's resource prefix. */
  name: string;
  description: string;
  placeholder: Record<string, string>;
  generatedKey: string;
  whyNotRotated: string;
}

export interface SyncSecretsProps {
  resourcePrefix: string;
  isProduction: boolean;
}

export class SyncSecrets extends Construct {
  readonly senderSecret: Secret;
  /** The Sage Intacct OAuth client the REST gateway authorizes tenants with: JSON `{"clientId","clientSecret"}`. */
  readonly oauthClientSecret: Secret;
  /** `${TENANT_SECRET_PREFIX}${ref}` names a tenant's secret (shared/adapters/secrets-manager-secret-store.ts). */
  readonly tenantSecretPrefix: string;
  /** Every secret under the prefix; Secrets Manager appends a random suffix to each ARN. */
  readonly tenantSecretArnPattern: string;
  /** Every tenant's OAuth grant, `${TENANT_SECRET_PREFIX}intacct/<tenant>/oauth-grant`, and no other tenant secret. */
  readonly oauthGrantArnPattern: string;
  private readonly oauthGrantNamePattern: string;

  constructor(scope: Construct, id: string, props: SyncSecretsProps) {
    super(scope, id);
    this.senderSecret = this.operatorSecret(props, {
      id: 'IntacctSender',
      name: 'intacct-sender',
      description: 'Intacct web services sender: JSON {"senderId","senderPassword"}. Put the real value after deploy.',
      placeholder: { senderId: SENDER_ID_PLACEHOLDER },
      generatedKey: 'senderPassword',
      whyNotRotated:
        'The Intacct sender id and password are issued by Sage with the Web Services subscription; no API rotates them, so a rotation Lambda has nothing to call. Operators rotate by put-secret-value (README).',
    });
    this.oauthClientSecret = this.operatorSecret(props, {
      id: 'IntacctOAuthClient',
      name: 'intacct-oauth-client',
      description:
        'Sage Intacct OAuth client of "Connect with Sage Intacct" (REST API): JSON {"clientId","clientSecret"}. Put the real value after deploy.',
      placeholder: { clientId: OAUTH_CLIENT_ID_PLACEHOLDER },
      generatedKey: 'clientSecret',
      whyNotRotated:
        'The Sage Intacct OAuth client id and secret are issued by Sage when the application is registered with it; no API rotates them, so a rotation Lambda has nothing to call. Operators rotate by put-secret-value.',
    });
    this.tenantSecretPrefix = `${props.resourcePrefix}/tenants/`;
    this.tenantSecretArnPattern = this.secretArn(`${this.tenantSecretPrefix}*`);
    this.oauthGrantNamePattern = `${this.tenantSecretPrefix}${oauthSecretRef('*')}${SECRET_ARN_SUFFIX}`;
    this.oauthGrantArnPattern = this.secretArn(this.oauthGrantNamePattern);
  }

  /** Lets `fn` read the sender credentials. */
  grantSenderSecret(fn: AppFunction): void {
    fn.allow(OPERATOR_SECRET_ACTIONS, [this.senderSecret.secretArn]);
  }

  /** Lets `fn` read the OAuth client's id and secret: every token request and revocation sends them. */
  grantOAuthClientSecret(fn: AppFunction): void {
    fn.allow(OPERATOR_SECRET_ACTIONS, [this.oauthClientSecret.secretArn]);
  }

  /**
   * Lets `fn` read (or manage) tenant secrets under the prefix, and nothing else. `refresh` adds
   * saving the tenants' OAuth grants, and no other tenant secret; `manage` covers those already.
   */
  grantTenantSecrets(fn: AppFunction, access: TenantSecretAccess): void {
    fn.allow(TENANT_SECRET_ACTIONS[access], [this.tenantSecretArnPattern]);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArnText(Stack.of(this), 'secretsmanager', `secret:${this.tenantSecretPrefix}*`)}]`,
      reason:
        "Tenant secrets are created at runtime when a tenant connects Intacct, one per tenant, and their ARNs end in a random suffix; the grant is limited to this stage's tenant prefix.",
    });
    if (access !== 'refresh') return;
    fn.allow(OAUTH_GRANT_SAVE_ACTIONS, [this.oauthGrantArnPattern]);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArnText(Stack.of(this), 'secretsmanager', `secret:${this.oauthGrantNamePattern}`)}]`,
      reason:
        "A worker that refreshes a tenant's OAuth access token must save the rotated refresh token, the grant's only copy; each grant is a secret created at runtime, one per tenant, with a random ARN suffix, and the write is limited to the grants under this stage's tenant prefix.",
    });
  }

  /**
   * A secret the operator fills in after deploy: a placeholder JSON with one generated value until
   * then, kept when a production stack goes, and not rotated (Sage issues its values).
   */
  private operatorSecret(props: SyncSecretsProps, secret: OperatorSecret): Secret {
    const created = new Secret(this, secret.id, {
      secretName: `${props.resourcePrefix}/${secret.name}`,
      description: secret.description,
      generateSecretString: { secretStringTemplate: JSON.stringify(secret.placeholder), generateStringKey: secret.generatedKey },
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(created).acknowledge({ id: 'AwsSolutions::AwsSolutions-SMG4', reason: secret.whyNotRotated });
    return created;
  }

  /** The ARN of the secret(s) named `name` in this stack's account and region (wildcards allowed). */
  private secretArn(name: string): string {
    return Stack.of(this).formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}
