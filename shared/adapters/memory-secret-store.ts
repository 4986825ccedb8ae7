import type { SecretStore } from '#ports/secrets';

/** Secrets kept in process memory: for tests and `npm run invoke` against an embedded store. */
export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  async put(ref: string, value: string): Promise<void> {
    this.secrets.set(ref, value);
  }

  async replace(ref: string, value: string): Promise<boolean> {
    if (!this.secrets.has(ref)) return false;
    this.secrets.set(ref, value);
    return true;
  }

  async get(ref: string): Promise<string | null> {
    return this.secrets.get(ref) ?? null;
  }

  async delete(ref: string): Promise<void> {
    this.secrets.delete(ref);
  }
}
