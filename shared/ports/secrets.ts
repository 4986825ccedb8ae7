/** Where Intacct passwords and OAuth grants live: Secrets Manager in the cloud, an encrypted file locally. */
export interface SecretStore {
  /** Creates the secret, or replaces its value. */
  put(ref: string, value: string): Promise<void>;
  /**
   * Replaces the value of a secret that exists; false (nothing written) when there is none, so a
   * writer that raced a delete (a token refresh against a disconnect) cannot bring it back.
   */
  replace(ref: string, value: string): Promise<boolean>;
  get(ref: string): Promise<string | null>;
  delete(ref: string): Promise<void>;
}
