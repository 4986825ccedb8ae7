/** Where the local runtime keeps its state: one directory, one file per concern. */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

export interface DataPaths {
  root: string;
  /** dynalite's LevelDB directory. */
  dynamodb: string;
  /** The local JWT issuer's HS256 key. */
  jwtKey: string;
  /** The encrypted secret store and its key (SECRETS_BACKEND=local-file). */
  secretsFile: string;
  secretsKeyFile: string;
  /** Every event put on the local bus, one JSON line each. */
  eventsLog: string;
  /** The public description of a running runtime (spec section 6). */
  runtimeInfo: string;
  /** What `npm run invoke` needs beyond runtime.json (table names, secret files, ...). */
  runtimeInternal: string;
  /** Asynchronous invocations a stopped runtime handed back; the next start re-enqueues them. */
  pendingInvocations: string;
  /** The pid of the runtime using this directory (see data-dir-lock.ts). */
  lock: string;
}

/** The paths of every file the runtime keeps under `root`. */
export function dataPaths(root: string): DataPaths {
  return {
    root,
    dynamodb: join(root, 'dynamodb'),
    jwtKey: join(root, 'jwt-key'),
    secretsFile: join(root, 'secrets.json.enc'),
    secretsKeyFile: join(root, 'secrets.key'),
    eventsLog: join(root, 'events.jsonl'),
    runtimeInfo: join(root, 'runtime.json'),
    runtimeInternal: join(root, 'runtime-internal.json'),
    pendingInvocations: join(root, 'pending-invocations.json'),
    lock: join(root, 'runtime.lock'),
  };
}

/**
 * Creates the directory; with `reset`, empties it first so the runtime starts clean. The caller
 * holds the lock by then, so reset keeps the lock file: removing it would let a second runtime in.
 */
export async function prepareDataDir(paths: DataPaths, reset: boolean): Promise<void> {
  if (reset) {
    const keep = basename(paths.lock);
    const entries = await readdir(paths.root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      if (entry !== keep) await rm(join(paths.root, entry), { recursive: true, force: true });
    }
  }
  await mkdir(paths.dynamodb, { recursive: true });
}
