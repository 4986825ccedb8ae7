/**
 * Builds the admin console (web/dist) once before the tests when it is missing or its sources
 * changed, as `npm start` does, so the browser tests always drive today's console.
 */
import { fileURLToPath } from 'node:url';
import { ensureConsoleBuilt } from '../../local/runtime/console-build';
import { createRuntimeLogger } from '../../local/runtime/logger';

export default async function buildConsole(): Promise<void> {
  const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
  const outcome = await ensureConsoleBuilt({
    repoRoot,
    distDir: fileURLToPath(new URL('../../web/dist/', import.meta.url)),
    mode: 'if-stale',
    logger: createRuntimeLogger((line) => process.stderr.write(`${line}\n`)),
  });
  if (outcome.kind === 'failed') throw new Error(`The admin console did not build: ${outcome.error}`);
}
