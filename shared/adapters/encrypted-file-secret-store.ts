import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretStore } from '#ports/secrets';

const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit IVs are GCM's native size; a fresh random one per write. */
const IV_BYTES = 12;
const FILE_FORMAT = 'psa-intacct-sync/secrets/aes-256-gcm/v1';
/** Owner read/write only, for the key and the secrets file. */
const OWNER_ONLY = 0o600;

/**
 * On disk: `{ format, iv, authTag, ciphertext }` (base64), the ciphertext being the JSON object
 * ref → value. The key file holds 32 random bytes as 64 hex digits.
 */
interface SecretsFile {
  format: typeof FILE_FORMAT;
  iv: string;
  authTag: string;
  ciphertext: string;
}

export interface EncryptedFileSecretStoreOptions {
  /** The encrypted secrets file; created on the first write. */
  file: string;
  /** The key file; generated (mode 0600) on first use when missing. */
  keyFile: string;
}

const isMissingFile = (error: unknown): boolean => error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * The local runtime's secret store: every secret in one AES-256-GCM encrypted JSON file.
 * The file is read on every call and replaced atomically (write then rename) on every change,
 * so the local runtime and `npm run invoke` see each other's writes; writes within one process
 * are serialised.
 */
export class EncryptedFileSecretStore implements SecretStore {
  private keyPromise: Promise<Buffer> | null = null;
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: EncryptedFileSecretStoreOptions) {}

  put(ref: string, value: string): Promise<void> {
    return this.change((secrets) => {
      secrets[ref] = value;
    });
  }

  async replace(ref: string, value: string): Promise<boolean> {
    let replaced = false;
    await this.change((secrets) => {
      if (!Object.hasOwn(secrets, ref)) return;
      secrets[ref] = value;
      replaced = true;
    });
    return replaced;
  }

  async get(ref: string): Promise<string | null> {
    const secrets = await this.readAll();
    return Object.hasOwn(secrets, ref) ? (secrets[ref] ?? null) : null;
  }

  delete(ref: string): Promise<void> {
    return this.change((secrets) => {
      delete secrets[ref];
    });
  }

  private change(edit: (secrets: Record<string, string>) => void): Promise<void> {
    const next = this.writeQueue.then(async () => {
      const secrets = await this.readAll();
      edit(secrets);
      await this.writeAll(secrets);
    });
    this.writeQueue = next.catch(() => undefined);
    return next;
  }

  private key(): Promise<Buffer> {
    this.keyPromise ??= loadOrCreateKey(this.options.keyFile).catch((error: unknown) => {
      this.keyPromise = null;
      throw error;
    });
    return this.keyPromise;
  }

  private async readAll(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) return {};
      throw error;
    }
    const stored = JSON.parse(text) as SecretsFile;
    if (stored.format !== FILE_FORMAT) throw new Error(`${this.options.file} is not a secrets file of this service`);
    const decipher = createDecipheriv(CIPHER, await this.key(), Buffer.from(stored.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(stored.authTag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as Record<string, string>;
  }

  private async writeAll(secrets: Record<string, string>): Promise<void> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, await this.key(), iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    const stored: SecretsFile = {
      format: FILE_FORMAT,
      iv: iv.toString('base64'),
      authTag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
    await mkdir(dirname(this.options.file), { recursive: true });
    const temporary = `${this.options.file}.${process.pid}.${randomBytes(IV_BYTES).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(stored), { mode: OWNER_ONLY });
    await rename(temporary, this.options.file);
  }
}

/** Reads the key file, or creates it exclusively (another process may be doing the same). */
async function loadOrCreateKey(keyFile: string): Promise<Buffer> {
  try {
    return parseKey(keyFile, await readFile(keyFile, 'utf8'));
  } catch (error) {
    if (!isMissingFile(error)) throw error;
  }
  await mkdir(dirname(keyFile), { recursive: true });
  try {
    await writeFile(keyFile, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: OWNER_ONLY, flag: 'wx' });
  } catch (error) {
    if (!(error instanceof Error && (error as NodeJS.ErrnoException).code === 'EEXIST')) throw error;
  }
  return parseKey(keyFile, await readFile(keyFile, 'utf8'));
}

function parseKey(keyFile: string, text: string): Buffer {
  const key = Buffer.from(text.trim(), 'hex');
  if (key.length !== KEY_BYTES) throw new Error(`${keyFile} does not hold a ${KEY_BYTES}-byte hex key`);
  return key;
}
