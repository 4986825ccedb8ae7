/**
 * The data dir is the owner's alone (0700, its files 0600, an existing loose one tightened at
 * start), and --reset empties only a directory that is a runtime's data dir.
 */
import { chmod, lstat, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, startTestRuntime, type TestRuntime } from '../support/local-runtime';

const PERMISSION_BITS = 0o777;
const dataDirs: string[] = [];
const running: TestRuntime[] = [];

async function newDataDir(): Promise<string> {
  const dir = await makeDataDir();
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir: string, reset = false): Promise<TestRuntime> {
  const runtime = await startTestRuntime({ dataDir, reset, schedule: null });
  running.push(runtime);
  return runtime;
}

async function stop(runtime: TestRuntime): Promise<void> {
  running.splice(running.indexOf(runtime), 1);
  await runtime.close();
}

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & PERMISSION_BITS;

afterAll(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('--reset', () => {
  it("refuses a non-empty directory that holds none of the runtime's files, touching nothing (no lock file either)", async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'thesis.tex'), 'years of work');
    await mkdir(join(dataDir, 'photos'));

    const attempt = start(dataDir, true);

    await expect(attempt).rejects.toThrow(`refusing to reset ${dataDir}: it is not a local runtime data dir`);
    await expect(attempt).rejects.toMatchObject({ name: 'NotADataDirError' });
    expect((await readdir(dataDir)).sort()).toEqual(['photos', 'thesis.tex']);
  });

  it('refuses a directory whose only "marker" has the wrong kind (a file named dynamodb)', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'dynamodb'), 'not a database');

    await expect(start(dataDir, true)).rejects.toThrow('refusing to reset');
    expect(await readdir(dataDir)).toEqual(['dynamodb']);
  });

  it('starts clean in a missing or an empty directory', async () => {
    const parent = await newDataDir();
    for (const dataDir of [join(parent, 'not-yet'), await newDataDir()]) {
      const runtime = await start(dataDir, true);
      expect(await readdir(dataDir)).toContain('runtime.json');
      await stop(runtime);
    }
  });

  it('empties a runtime data dir, its unrelated leftovers included', async () => {
    const dataDir = await newDataDir();
    await stop(await start(dataDir));
    await writeFile(join(dataDir, 'leftover.txt'), 'from before the reset');

    const runtime = await start(dataDir, true);

    expect(await readdir(dataDir)).not.toContain('leftover.txt');
    await stop(runtime);
  });
});

describe('permissions', () => {
  it('creates the data dir 0700 and every file the runtime keeps in it 0600', async () => {
    const parent = await newDataDir();
    const dataDir = join(parent, 'fresh');
    const runtime = await start(dataDir);
    // Something on the bus, so the journal exists.
    const fired = await fetch(`${runtime.apiUrl}/__local/nightly`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.info.tenants[0]!.adminToken}` },
    });
    expect(fired.status).toBe(202);
    await runtime.whenIdle();

    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'dynamodb'))).toBe(0o700);
    const files = ['runtime.lock', 'jwt-key', 'runtime.json', 'runtime-internal.json', 'secrets.json.enc', 'secrets.key', 'events.jsonl'];
    for (const file of files) expect([file, await modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
    await stop(runtime);
  });

  it("tightens an existing data dir left readable by others: the directory, the runtime's files and dynalite's", async () => {
    const dataDir = await newDataDir();
    await stop(await start(dataDir));
    // What an older runtime (or a permissive umask) left behind.
    await chmod(dataDir, 0o755);
    const loose = ['jwt-key', 'runtime.json', 'runtime-internal.json', 'secrets.json.enc', 'secrets.key'];
    await writeFile(join(dataDir, 'events.jsonl'), '', { mode: 0o644 });
    for (const file of [...loose, 'events.jsonl']) await chmod(join(dataDir, file), 0o644);
    await chmod(join(dataDir, 'dynamodb'), 0o755);
    const dynaliteFiles = new Map<string, number>();
    for (const file of await readdir(join(dataDir, 'dynamodb'))) {
      const path = join(dataDir, 'dynamodb', file);
      await chmod(path, 0o644);
      dynaliteFiles.set(file, (await lstat(path)).ino);
    }
    // Someone else's file in the directory is not the runtime's to change.
    await writeFile(join(dataDir, 'notes.txt'), 'mine', { mode: 0o644 });
    await chmod(join(dataDir, 'notes.txt'), 0o644);

    const runtime = await start(dataDir);

    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(join(dataDir, 'dynamodb'))).toBe(0o700);
    for (const file of [...loose, 'events.jsonl']) expect([file, await modeOf(join(dataDir, file))]).toEqual([file, 0o600]);
    // LevelDB replaces some files when it opens (CURRENT, the log): those found at start are tightened.
    const kept = [];
    for (const [file, inode] of dynaliteFiles) {
      const path = join(dataDir, 'dynamodb', file);
      const now = await lstat(path).catch(() => null);
      if (now?.ino !== inode) continue;
      kept.push(file);
      expect([file, now.mode & PERMISSION_BITS]).toEqual([file, 0o600]);
    }
    expect(kept.length).toBeGreaterThan(0);
    expect(await modeOf(join(dataDir, 'notes.txt'))).toBe(0o644);
    await stop(runtime);
  });
});
