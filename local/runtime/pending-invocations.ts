/**
 * pending-invocations.json: the asynchronous invocations a stopping runtime could not run (queued,
 * waiting for a retry, or enqueued during the shutdown grace). The next start re-enqueues them and
 * deletes the file, so an import or sync handed back at Ctrl-C continues instead of being lost.
 * A retry's delay is not kept: it runs at the next start, which is later than its delay anyway.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { PendingInvocation } from './async-invocations';
import { isFunctionName } from './functions';
import type { RuntimeLogger } from './logger';

/** Events carry tenant ids and run ids: readable by the owner only, like the other state files. */
const PRIVATE_FILE_MODE = 0o600;

interface PendingFile {
  savedAt: string;
  invocations: PendingInvocation[];
}

function isPendingInvocation(value: unknown): value is PendingInvocation {
  const entry = value as Partial<PendingInvocation> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.functionName === 'string' &&
    isFunctionName(entry.functionName) &&
    typeof entry.requestId === 'string' &&
    Number.isInteger(entry.attempt) &&
    (entry.attempt ?? 0) >= 1 &&
    'event' in entry
  );
}

/** Writes `invocations` (atomically, mode 0600); with none, makes sure no file is left. */
export async function savePendingInvocations(path: string, invocations: readonly PendingInvocation[]): Promise<void> {
  if (invocations.length === 0) {
    await rm(path, { force: true });
    return;
  }
  const file: PendingFile = {
    savedAt: new Date().toISOString(),
    invocations: invocations.map(({ functionName, requestId, attempt, event }) => ({ functionName, requestId, attempt, event })),
  };
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  await chmod(temp, PRIVATE_FILE_MODE);
  await rename(temp, path);
}

/**
 * The invocations in the file, or none when there is no file. A file that cannot be read as one is
 * moved aside (never silently deleted: it may be all that is left of someone's work) and skipped.
 */
export async function loadPendingInvocations(path: string, logger: RuntimeLogger): Promise<PendingInvocation[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let entries: unknown[];
  try {
    const parsed = JSON.parse(text) as Partial<PendingFile> | null;
    if (!Array.isArray(parsed?.invocations)) throw new Error('no invocations list');
    entries = parsed.invocations;
  } catch (error) {
    const aside = `${path}.unreadable-${Date.now()}`;
    await rename(path, aside);
    logger.warn('pending invocations file unreadable; moved aside', { file: aside, error: (error as Error).message });
    return [];
  }
  const valid = entries.filter(isPendingInvocation);
  if (valid.length < entries.length) {
    logger.warn('pending invocations skipped: not an invocation of a hosted function', { skipped: entries.length - valid.length });
  }
  return valid;
}

/** Deletes the file once its invocations are queued again. */
export async function removePendingInvocations(path: string): Promise<void> {
  await rm(path, { force: true });
}
