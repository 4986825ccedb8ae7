/**
 * Builds the admin console (web/ → web/dist) when `npm start` finds it missing or out of date, so a
 * newcomer's `npm ci && npm start` serves a working console. "Out of date" is decided by a
 * fingerprint of the build's inputs, recorded in the dist directory after each successful build;
 * Vite's own timestamps are not used, since a checkout or `git stash` rewinds sources under a
 * newer build.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { errorMessage, type RuntimeLogger } from './logger';

/** Where a build records the fingerprint of the inputs it was made from, inside the dist directory. */
export const FINGERPRINT_FILE = '.build-fingerprint';

/**
 * What the console's bundle is made of, relative to the repository: its sources and assets, its
 * build and compiler configuration, the configuration contract it shares with the service, and
 * the lock file (which pins Vite, React and every other package that ends up in the bundle).
 */
const CONSOLE_BUILD_INPUTS = [
  'web/index.html',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'web/public',
  'web/src',
  'shared/http/console-config.ts',
  'package-lock.json',
] as const;

export type ConsoleBuildMode = 'if-stale' | 'never';

/** Builds the console from `configFile` into `distDir`; rejects when the build fails. */
export type ConsoleBuilder = (target: { configFile: string; distDir: string }) => Promise<void>;

export interface ConsoleBuildOptions {
  repoRoot: string;
  distDir: string;
  mode: ConsoleBuildMode;
  logger: RuntimeLogger;
  /** Default: Vite's JS API with `<repoRoot>/web/vite.config.ts`. */
  builder?: ConsoleBuilder;
}

export type ConsoleBuildOutcome = { kind: 'skipped' } | { kind: 'fresh' } | { kind: 'built'; ms: number } | { kind: 'failed'; error: string };

/** Vite, loaded only when a build is due: the runtime and the tests that never build do not pay for it. */
const viteBuilder: ConsoleBuilder = async ({ configFile, distDir }) => {
  const vite = await import('vite');
  // Vite and the React plugin pick React's development or production build from NODE_ENV, which
  // the calling process may have set for itself (vitest sets `test`): a console build is always
  // the production one, so NODE_ENV says so while Vite runs.
  const callersNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    // outDir follows distDir, so a console served from elsewhere is built where it is served from.
    await vite.build({ configFile, mode: 'production', logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } });
  } finally {
    if (callersNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = callersNodeEnv;
  }
};

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Every file at or under `path` (a file or a directory); none when it does not exist. */
async function filesUnder(path: string): Promise<string[]> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  if (stats.isFile()) return [path];
  if (!stats.isDirectory()) return [];
  // By hand rather than readdir's `recursive`, which early Node 20 releases get wrong.
  const files: string[] = [];
  for (const entry of await readdir(path)) files.push(...(await filesUnder(join(path, entry))));
  return files;
}

/**
 * sha256 over the build inputs' paths (relative, `/`-separated, sorted) and contents. A path and
 * its content's length go in before the content, so moving bytes between files changes the hash.
 */
export async function consoleFingerprint(repoRoot: string): Promise<string> {
  const files: string[] = [];
  for (const input of CONSOLE_BUILD_INPUTS) files.push(...(await filesUnder(join(repoRoot, input))));
  const named = files.map((file) => ({ file, name: relative(repoRoot, file).split(sep).join('/') }));
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const { file, name } of named) {
    const content = await readFile(file);
    hash.update(`${name}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

async function recordedFingerprint(distDir: string): Promise<string | null> {
  try {
    return (await readFile(join(distDir, FINGERPRINT_FILE), 'utf8')).trim();
  } catch {
    return null;
  }
}

/** Why the build in `distDir` cannot be served as it is, or null when it is current. */
async function staleness(distDir: string, fingerprint: string): Promise<string | null> {
  if (!(await isFile(join(distDir, 'index.html')))) return 'not built';
  if ((await recordedFingerprint(distDir)) !== fingerprint) return 'sources changed since the last build';
  return null;
}

/**
 * Builds the console when `mode` is 'if-stale' and the build in distDir is missing or was made from
 * other inputs, then records the inputs' fingerprint. Never rejects: a failed build is logged and
 * reported, and the runtime goes on serving the "not built" page.
 */
export async function ensureConsoleBuilt(options: ConsoleBuildOptions): Promise<ConsoleBuildOutcome> {
  if (options.mode === 'never') return { kind: 'skipped' };
  const { repoRoot, distDir, logger } = options;
  const started = Date.now();
  try {
    // Taken before the build: a source edited while Vite runs makes the next start build again.
    const fingerprint = await consoleFingerprint(repoRoot);
    const reason = await staleness(distDir, fingerprint);
    if (reason === null) return { kind: 'fresh' };
    logger.info('building the admin console', { reason, distDir });
    await (options.builder ?? viteBuilder)({ configFile: join(repoRoot, 'web', 'vite.config.ts'), distDir });
    await writeFile(join(distDir, FINGERPRINT_FILE), `${fingerprint}\n`);
    const ms = Date.now() - started;
    logger.info('admin console built', { distDir, ms });
    return { kind: 'built', ms };
  } catch (error) {
    const message = errorMessage(error);
    logger.error('admin console build failed; serving the "not built" page', { error: message, ms: Date.now() - started });
    return { kind: 'failed', error: message };
  }
}
