/**
 * Where the local runtime keeps its state: one directory, one file per concern. The directory holds
 * credentials (Intacct passwords, the JWT key, the local AWS endpoint's secret), so it is the
 * owner's alone: 0700, and every file the runtime keeps in it 0600.
 */
import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
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
  /** What `npm run invoke` needs beyond runtime.json (table names, secret files, the AWS endpoint secret, ...). */
  runtimeInternal: string;
  /** Asynchronous invocations a stopped runtime handed back; the next start re-enqueues them. */
  pendingInvocations: string;
  /** The pid of the runtime using this directory (see data-dir-lock.ts). */
  lock: string;
}

const DATA_DIR_MODE = 0o700;
const DATA_FILE_MODE = 0o600;

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

/** The entries of `root` that no one but the runtime makes: one of them says the directory is a runtime's. */
function markers(paths: DataPaths): { name: string; directory: boolean }[] {
  return [
    { name: basename(paths.lock), directory: false },
    { name: basename(paths.runtimeInternal), directory: false },
    { name: basename(paths.runtimeInfo), directory: false },
    { name: basename(paths.jwtKey), directory: false },
    { name: basename(paths.secretsKeyFile), directory: false },
    { name: basename(paths.secretsFile), directory: false },
    { name: basename(paths.pendingInvocations), directory: false },
    { name: basename(paths.dynamodb), directory: true },
  ];
}

/** `--reset` was asked to empty a directory that is not a local runtime's data dir. */
export class NotADataDirError extends Error {
  override name = 'NotADataDirError';
  constructor(readonly dataDir: string) {
    super(
      `refusing to reset ${dataDir}: it is not a local runtime data dir (it is not empty and holds none of the runtime's own files: ` +
        'runtime.lock, runtime-internal.json, runtime.json, jwt-key, secrets.key, dynamodb/). ' +
        'Check LOCAL_DATA_DIR; to start clean there, empty or remove the directory yourself.',
    );
  }
}

async function entriesOf(dir: string): Promise<string[] | null> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function isDirectory(path: string): Promise<boolean | null> {
  try {
    return (await lstat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Throws NotADataDirError unless `--reset` may empty `paths.root`: it does not exist, is empty, or
 * holds at least one of the runtime's own files. Checked before the lock is taken, so a refused
 * reset leaves nothing behind, not even a lock file.
 */
export async function assertResettable(paths: DataPaths): Promise<void> {
  const entries = await entriesOf(paths.root);
  if (entries === null || entries.length === 0) return;
  const present = new Set(entries);
  for (const marker of markers(paths)) {
    if (present.has(marker.name) && (await isDirectory(join(paths.root, marker.name))) === marker.directory) return;
  }
  throw new NotADataDirError(paths.root);
}

/** chmod of `path` unless it is gone or a symbolic link (chmod would follow it out of the directory). */
async function tighten(path: string, mode: number): Promise<'file' | 'directory' | null> {
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (stats.isSymbolicLink()) return null;
  const directory = stats.isDirectory();
  const wanted = directory ? DATA_DIR_MODE : mode;
  if ((stats.mode & 0o777) !== wanted) await chmod(path, wanted);
  return directory ? 'directory' : 'file';
}

/** Every file under `dir` 0600 and every directory 0700 (dynalite's LevelDB files, created with the umask's modes). */
async function tightenTree(dir: string): Promise<void> {
  if ((await tighten(dir, DATA_DIR_MODE)) !== 'directory') return;
  for (const entry of (await entriesOf(dir)) ?? []) {
    const path = join(dir, entry);
    if ((await tighten(path, DATA_FILE_MODE)) === 'directory') await tightenTree(path);
  }
}

/**
 * The directory 0700 and the runtime's files in it 0600, also when an older runtime (or a looser
 * umask) made them readable to others. Only the runtime's own entries are touched — those named in
 * DataPaths and what it derives from them (temp files, a pending file moved aside) — never
 * anything else someone keeps in the directory.
 */
async function privatizeDataDir(paths: DataPaths): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: DATA_DIR_MODE });
  await chmod(paths.root, DATA_DIR_MODE);
  const own = Object.entries(paths)
    .filter(([key]) => key !== 'root' && key !== 'dynamodb')
    .map(([, path]) => basename(path));
  for (const entry of (await entriesOf(paths.root)) ?? []) {
    if (own.some((name) => entry === name || entry.startsWith(`${name}.`))) await tighten(join(paths.root, entry), DATA_FILE_MODE);
  }
  await tightenTree(paths.dynamodb);
}

/**
 * Creates the directory; with `reset`, empties it first so the runtime starts clean. The caller
 * holds the lock by then, so reset keeps the lock file: removing it would let a second runtime in.
 * The caller has checked a reset with assertResettable before taking the lock.
 */
export async function prepareDataDir(paths: DataPaths, reset: boolean): Promise<void> {
  if (reset) {
    const keep = basename(paths.lock);
    for (const entry of (await entriesOf(paths.root)) ?? []) {
      if (entry !== keep) await rm(join(paths.root, entry), { recursive: true, force: true });
    }
  }
  await mkdir(paths.dynamodb, { recursive: true, mode: DATA_DIR_MODE });
  await privatizeDataDir(paths);
}
