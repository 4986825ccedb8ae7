/** Where Intacct passwords live: Secrets Manager in the cloud, an encrypted file locally. */
export interface SecretStore {
  put(ref: string, value: string): Promise<void>;
  get(ref: string): Promise<string | null>;
  delete(ref: string): Promise<void>;
}
