/**
 * Secrets Manager for Intacct credentials: one secret for the web services sender (set by the
 * operator after deploy), and a name prefix under which the API keeps each tenant's company
 * login (created and deleted at runtime, so only the prefix is known here).
 */
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { nagArnText } from '../nag';
import type { AppFunction } from './app-function';

/** Tenant secret actions: workers read; the API connects and disconnects tenants. */
const TENANT_SECRET_ACTIONS = {
  read: ['secretsmanager:GetSecretValue'],
  manage: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue', 'secretsmanager:GetSecretValue', 'secretsmanager:DeleteSecret'],
} as const;
export type TenantSecretAccess = keyof typeof TENANT_SECRET_ACTIONS;

const SENDER_SECRET_ACTIONS = ['secretsmanager:GetSecretValue'] as const;

/** A placeholder the operator replaces; the function fails Intacct's sender check until then. */
const SENDER_ID_PLACEHOLDER = 'replace-with-your-intacct-sender-id';

export interface SyncSecretsProps {
  resourcePrefix: string;
  isProduction: boolean;
}

export class SyncSecrets extends Construct {
  readonly senderSecret: Secret;
  /** `${TENANT_SECRET_PREFIX}${ref}` names a tenant's secret (shared/adapters/secrets-manager-secret-store.ts). */
  readonly tenantSecretPrefix: string;
  /** Every secret under the prefix; Secrets Manager appends a random suffix to each ARN. */
  readonly tenantSecretArnPattern: string;

  constructor(scope: Construct, id: string, props: SyncSecretsProps) {
    super(scope, id);
    this.senderSecret = new Secret(this, 'IntacctSender', {
      secretName: `${props.resourcePrefix}/intacct-sender`,
      description: 'Intacct web services sender: JSON {"senderId","senderPassword"}. Put the real value after deploy.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ senderId: SENDER_ID_PLACEHOLDER }),
        generateStringKey: 'senderPassword',
      },
      removalPolicy: props.isProduction ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.senderSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The Intacct sender id and password are issued by Sage with the Web Services subscription; no API rotates them, so a rotation Lambda has nothing to call. Operators rotate by put-secret-value (README).',
    });
    this.tenantSecretPrefix = `${props.resourcePrefix}/tenants/`;
    this.tenantSecretArnPattern = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${this.tenantSecretPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Lets `fn` read the sender credentials. */
  grantSenderSecret(fn: AppFunction): void {
    fn.allow(SENDER_SECRET_ACTIONS, [this.senderSecret.secretArn]);
  }

  /** Lets `fn` read (or manage) tenant secrets under the prefix, and nothing else. */
  grantTenantSecrets(fn: AppFunction, access: TenantSecretAccess): void {
    fn.allow(TENANT_SECRET_ACTIONS[access], [this.tenantSecretArnPattern]);
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${nagArnText(Stack.of(this), 'secretsmanager', `secret:${this.tenantSecretPrefix}*`)}]`,
      reason:
        "Tenant secrets are created at runtime when a tenant connects Intacct, one per tenant, and their ARNs end in a random suffix; the grant is limited to this stage's tenant prefix.",
    });
  }
}
