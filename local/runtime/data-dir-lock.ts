/**
 * One runtime per data directory: two would share dynalite's LevelDB files, the secret store and
 * runtime.json, and each would overwrite what the other wrote. The lock is a file in the directory
 * holding the owner's pid; a lock whose pid no longer runs (the owner was killed with -9) is stale
 * and taken over.
 *
 * Limits, accepted for a developer tool: a pid reused by an unrelated process after a crash makes
 * the lock look held (the message names the pid to check); two starts racing for the same *stale*
 * lock within the same instant are not told apart. A live owner is always respected.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';

export interface DataDirLock {
  /** Removes the lock file if it is still this process's. */
  release(): Promise<void>;
}

class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    lockFile: string,
  ) {
    super(
      `data dir in use: ${dataDir} is held by the local runtime with pid ${pid} (lock file ${lockFile}). ` +
        'Stop that runtime first, or set LOCAL_DATA_DIR to another directory.',
    );
  }
}

/** Private like every other file of the data dir, and the directory itself. */
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;
/** A stale lock is taken over at most this often before giving up (each round re-checks the owner). */
const MAX_ATTEMPTS = 3;
/** Hard links are atomic create-with-content; some filesystems refuse them. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the lock file; null when the file is gone; NaN when it holds no pid. */
async function lockHolder(lockFile: string): Promise<number | null> {
  try {
    const text = (await readFile(lockFile, 'utf8')).trim();
    return /^\d+$/.test(text) ? Number(text) : Number.NaN;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Creates `lockFile` holding our pid, only if it does not exist. The content is written to a temp
 * file first and hard-linked into place, so no one ever reads a lock file without its pid.
 */
async function createLockFile(lockFile: string): Promise<boolean> {
  const content = `${process.pid}\n`;
  const temp = `${lockFile}.${process.pid}.${randomUUID()}`;
  await writeFile(temp, content, { mode: PRIVATE_FILE_MODE });
  try {
    await link(temp, lockFile);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  } finally {
    await rm(temp, { force: true });
  }
  try {
    await writeFile(lockFile, content, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the lock of `dataDir` (creating the directory if needed), or throws DataDirInUseError when a
 * live process holds it — this one included, so a second runtime in the same process is refused too.
 */
export async function lockDataDir(
  dataDir: string,
  lockFile: string,
  onStaleLock: (pid: number | null) => void = () => undefined,
): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    if (await createLockFile(lockFile)) {
      return {
        async release() {
          if ((await lockHolder(lockFile)) === process.pid) await rm(lockFile, { force: true });
        },
      };
    }
    const holder = await lockHolder(lockFile);
    if (holder === null) continue; // released meanwhile: try again
    if (!Number.isNaN(holder) && isAlive(holder)) throw new DataDirInUseError(dataDir, holder, lockFile);
    onStaleLock(Number.isNaN(holder) ? null : holder);
    await rm(lockFile, { force: true });
  }
  throw new Error(`Could not lock the data dir ${dataDir}: its lock file ${lockFile} keeps changing.`);
}
