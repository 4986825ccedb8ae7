import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '#ports/secrets';

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/** A secret force-deleted a moment ago still blocks its name while Secrets Manager finishes the deletion. */
const isStillBeingDeleted = (error: unknown): boolean =>
  isNamed(error, 'InvalidRequestException') && /(scheduled|marked) for deletion/i.test((error as Error).message);

/** Waits before asking again while a deletion completes (it takes seconds): doubled each time. */
const DELETION_RETRY_FIRST_MS = 250;
const DELETION_RETRY_ATTEMPTS = 6;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Tenant secrets in AWS Secrets Manager, one secret per ref, named `${prefix}${ref}` so the
 * functions' IAM policy can be scoped to the prefix. Values never leave this adapter but as
 * return values.
 */
export class SecretsManagerSecretStore implements SecretStore {
  constructor(
    private readonly client: SecretsManagerClient,
    private readonly prefix: string,
    /** First wait while a deleted secret's name is still blocked; tests shorten it. */
    private readonly deletionRetryFirstMs = DELETION_RETRY_FIRST_MS,
  ) {}

  /**
   * Creates the secret, or puts a new version when it exists already. A reconnect right after a
   * disconnect meets the old secret still being deleted: that is waited out, with backoff.
   */
  async put(ref: string, value: string): Promise<void> {
    const name = this.nameOf(ref);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.createOrUpdate(name, value);
        return;
      } catch (error) {
        if (!isStillBeingDeleted(error) || attempt >= DELETION_RETRY_ATTEMPTS) throw error;
        await sleep(this.deletionRetryFirstMs * 2 ** (attempt - 1));
      }
    }
  }

  private async createOrUpdate(name: string, value: string): Promise<void> {
    try {
      await this.client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
    } catch (error) {
      if (!isNamed(error, 'ResourceExistsException')) throw error;
      await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
    }
  }

  /** A new version of an existing secret only: PutSecretValue never creates one. */
  async replace(ref: string, value: string): Promise<boolean> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: this.nameOf(ref), SecretString: value }));
      return true;
    } catch (error) {
      if (isNamed(error, 'ResourceNotFoundException') || isStillBeingDeleted(error)) return false;
      throw error;
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
