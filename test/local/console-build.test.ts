/**
 * When `npm start` builds the admin console: only when the build is missing or its inputs changed
 * since, recording their fingerprint after a build, and never stopping the runtime when the build
 * fails. A temp tree stands in for the repository and a recording builder for Vite.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsoleBuilder,
  type ConsoleBuildMode,
  consoleFingerprint,
  ensureConsoleBuilt,
  FINGERPRINT_FILE,
} from '../../local/runtime/console-build';
import { createRuntimeLogger } from '../../local/runtime/logger';

let repoRoot: string;
let distDir: string;
let logs: { level: string; message: string; [field: string]: unknown }[];
let builds: { configFile: string; distDir: string }[];

const SOURCES: Record<string, string> = {
  'web/index.html': '<div id="root"></div>',
  'web/vite.config.ts': 'export default {};',
  'web/src/main.tsx': 'render(<App />);',
  'web/src/pages/Clients.tsx': 'export const Clients = () => null;',
  'web/public/sage-intacct.svg': '<svg/>',
  'shared/http/console-config.ts': 'export const CONSOLE_CONFIG_PATH = "/config.json";',
  'package-lock.json': '{"packages":{"node_modules/vite":{"version":"8.3.8"}}}',
};

async function put(relativePath: string, content: string): Promise<void> {
  const path = join(repoRoot, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** Writes an index.html into distDir, as Vite would, and remembers that it ran. */
const recordingBuilder: ConsoleBuilder = async (target) => {
  builds.push(target);
  await mkdir(target.distDir, { recursive: true });
  await writeFile(join(target.distDir, 'index.html'), '<!doctype html>');
};

const failingBuilder: ConsoleBuilder = async (target) => {
  builds.push(target);
  throw new Error('Could not resolve "./main.tsx"');
};

const ensure = (builder: ConsoleBuilder = recordingBuilder, mode: ConsoleBuildMode = 'if-stale') =>
  ensureConsoleBuilt({ repoRoot, distDir, mode, builder, logger: createRuntimeLogger((line) => logs.push(JSON.parse(line))) });

const messages = (): string[] => logs.map((line) => line.message);

beforeEach(async () => {
  repoRoot = await mkdtemp(join(tmpdir(), 'console-build-'));
  distDir = join(repoRoot, 'web', 'dist');
  logs = [];
  builds = [];
  for (const [path, content] of Object.entries(SOURCES)) await put(path, content);
});

afterEach(async () => {
  await rm(repoRoot, { recursive: true, force: true });
});

describe('ensureConsoleBuilt', () => {
  it('builds a missing console with web/vite.config.ts, records the fingerprint and logs how long it took', async () => {
    const outcome = await ensure();

    expect(outcome).toEqual({ kind: 'built', ms: expect.any(Number) });
    expect(builds).toEqual([{ configFile: join(repoRoot, 'web', 'vite.config.ts'), distDir }]);
    expect((await readFile(join(distDir, FINGERPRINT_FILE), 'utf8')).trim()).toBe(await consoleFingerprint(repoRoot));
    expect(logs.map((line) => [line.level, line.message])).toEqual([
      ['INFO', 'building the admin console'],
      ['INFO', 'admin console built'],
    ]);
    expect(logs[1]).toMatchObject({ ms: expect.any(Number) });
  });

  it('does not build a console built from the same inputs', async () => {
    await ensure();
    builds = [];
    logs = [];

    const outcome = await ensure();

    expect(outcome).toEqual({ kind: 'fresh' });
    expect(builds).toEqual([]);
    expect(logs).toEqual([]);
  });

  it.each([
    ['a changed source', () => put('web/src/pages/Clients.tsx', 'export const Clients = () => "changed";')],
    ['a new source', () => put('web/src/pages/Users.tsx', 'export const Users = () => null;')],
    ['a changed public file', () => put('web/public/sage-intacct.svg', '<svg width="2"/>')],
    ['a changed shared contract', () => put('shared/http/console-config.ts', 'export const CONSOLE_CONFIG_PATH = "/c.json";')],
    ['another package version', () => put('package-lock.json', '{"packages":{"node_modules/vite":{"version":"8.4.0"}}}')],
    ['a changed index.html', () => put('web/index.html', '<main id="root"></main>')],
  ])('builds once again after %s, and records the new fingerprint', async (_change, change) => {
    await ensure();
    await change();
    builds = [];

    const first = await ensure();
    const second = await ensure();

    expect([first.kind, second.kind]).toEqual(['built', 'fresh']);
    expect(builds).toHaveLength(1);
    expect((await readFile(join(distDir, FINGERPRINT_FILE), 'utf8')).trim()).toBe(await consoleFingerprint(repoRoot));
  });

  it('ignores files the console is not built from', async () => {
    await ensure();
    await put('web/README.md', 'notes');
    await put('test/web/console.test.ts', 'it("works")');
    await put('shared/domain/mapping.ts', 'export {};');
    builds = [];

    expect(await ensure()).toEqual({ kind: 'fresh' });
    expect(builds).toEqual([]);
  });

  it('builds again when the dist directory is gone, or holds a build with no fingerprint', async () => {
    await ensure();
    await rm(distDir, { recursive: true });
    expect((await ensure()).kind).toBe('built');

    await rm(join(distDir, FINGERPRINT_FILE));
    expect((await ensure()).kind).toBe('built');
    expect(builds).toHaveLength(3);
  });

  it('reports a failed build, logged as an error, without throwing and without recording a fingerprint', async () => {
    const outcome = await ensure(failingBuilder);

    expect(outcome).toEqual({ kind: 'failed', error: 'Could not resolve "./main.tsx"' });
    expect(logs.at(-1)).toMatchObject({ level: 'ERROR', error: 'Could not resolve "./main.tsx"', ms: expect.any(Number) });
    await expect(readFile(join(distDir, FINGERPRINT_FILE), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('tries again at the next start after a failed build', async () => {
    await ensure(failingBuilder);

    expect((await ensure()).kind).toBe('built');
    expect(builds).toHaveLength(2);
  });

  it("never builds in 'never' mode, even when nothing is built", async () => {
    const outcome = await ensure(recordingBuilder, 'never');

    expect(outcome).toEqual({ kind: 'skipped' });
    expect(builds).toEqual([]);
    expect(messages()).toEqual([]);
  });
});

describe('consoleFingerprint', () => {
  it('is the same for the same files, whatever order they were written in', async () => {
    const first = await consoleFingerprint(repoRoot);
    await rm(join(repoRoot, 'web', 'src'), { recursive: true });
    await put('web/src/pages/Clients.tsx', SOURCES['web/src/pages/Clients.tsx']!);
    await put('web/src/main.tsx', SOURCES['web/src/main.tsx']!);

    expect(await consoleFingerprint(repoRoot)).toBe(first);
  });

  it('changes when content moves from one file to another, or a file is renamed', async () => {
    const first = await consoleFingerprint(repoRoot);
    await put('web/src/main.tsx', 'render(<App />);export const Clients = () => null;');
    await put('web/src/pages/Clients.tsx', '');
    const moved = await consoleFingerprint(repoRoot);
    await rm(join(repoRoot, 'web', 'src', 'pages', 'Clients.tsx'));
    await put('web/src/pages/Customers.tsx', '');

    expect(new Set([first, moved, await consoleFingerprint(repoRoot)]).size).toBe(3);
  });
});
