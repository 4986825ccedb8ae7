import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '../ports/secrets';

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/**
 * Tenant secrets in AWS Secrets Manager, one secret per ref, named `${prefix}${ref}` so the
 * functions' IAM policy can be scoped to the prefix. Values never leave this adapter but as
 * return values.
 */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
  ) {}

  /** Creates the secret, or puts a new version when it exists already. */
  async put(ref: string, value: string): Promise<void> {
    const name = this.nameOf(ref);
    try {
      await this.client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    } catch (error) {
      if (!isNamed(error, 'ResourceExistsException')) throw error;
      await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    }
  }

  async get(ref: string): Promise<string | null> {
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.nameOf(ref) }));
      return answer.SecretString ?? null;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException')) return null;
      throw error;
    }
  }

  /** Deletes at once (no recovery window): a disconnected tenant's password must not linger. */
  async delete(ref: string): Promise<void> {
    try {
      await this.client.send(new DeleteSecretCommand({ SecretId: this.nameOf(ref), ForceDeleteWithoutRecovery: true }));
    } catch (error) {
      if (!isNamed(error, 'ResourceNotFoundException')) throw error;
    }
  }

  private nameOf(ref: string): string {
    return `${this.prefix}${ref}`;
  }
}
