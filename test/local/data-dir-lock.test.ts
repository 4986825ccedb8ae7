/** One runtime per data directory: a live holder is respected (--reset too), a dead one's lock is taken over. */
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, startTestRuntime, type TestRuntime } from '../support/local-runtime';

const LOCK_FILE = 'runtime.lock';
const dataDirs: string[] = [];
const running: TestRuntime[] = [];

async function newDataDir(): Promise<string> {
  const dir = await makeDataDir();
  dataDirs.push(dir);
  return dir;
}

async function start(dataDir: string, options: { reset?: boolean; log?: (line: string) => void } = {}): Promise<TestRuntime> {
  const runtime = await startTestRuntime({ dataDir, schedule: null, ...options });
  running.push(runtime);
  return runtime;
}

async function stop(runtime: TestRuntime): Promise<void> {
  running.splice(running.indexOf(runtime), 1);
  await runtime.close();
}

/** The pid of a process that has exited: what a runtime killed with -9 leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return child.pid!;
}

afterAll(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('the data dir lock', () => {
  it('refuses a second runtime on the same data dir, naming the dir and the holder, and leaves the first one alone', async () => {
    const dataDir = await newDataDir();
    const first = await start(dataDir);
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    const before = (await readdir(dataDir)).sort();

    for (const options of [{}, { reset: true }]) {
      const attempt = start(dataDir, options);
      await expect(attempt).rejects.toThrow('data dir in use');
      await expect(attempt).rejects.toThrow(dataDir);
      await expect(attempt).rejects.toThrow(`pid ${process.pid}`);
    }

    // Nothing was touched: not by the plain start, not by --reset.
    expect((await readdir(dataDir)).sort()).toEqual(before);
    const status = await fetch(`${first.apiUrl}/integrations/intacct`, {
      headers: { authorization: `Bearer ${first.info.tenants[0]!.adminToken}` },
    });
    expect(status.status).toBe(200);

    await stop(first);
    expect(await readdir(dataDir)).not.toContain(LOCK_FILE);
    const next = await start(dataDir);
    await stop(next);
  });

  it('takes over a lock whose pid is no longer running (a runtime killed with -9)', async () => {
    const dataDir = await newDataDir();
    const stalePid = await deadPid();
    await writeFile(join(dataDir, LOCK_FILE), `${stalePid}\n`);
    const lines: string[] = [];

    const runtime = await start(dataDir, { log: (line) => lines.push(line) });

    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ message: 'data dir lock taken over from a runtime that is gone', stalePid }),
    );
    await stop(runtime);
    expect(await readdir(dataDir)).not.toContain(LOCK_FILE);
  });

  it('--reset on a stale lock starts clean and keeps its own lock', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, LOCK_FILE), `${await deadPid()}\n`);
    await writeFile(join(dataDir, 'leftover.txt'), 'from before the reset');

    const runtime = await start(dataDir, { reset: true });

    const entries = await readdir(dataDir);
    expect(entries).not.toContain('leftover.txt');
    expect(entries).toContain(LOCK_FILE);
    expect((await readFile(join(dataDir, LOCK_FILE), 'utf8')).trim()).toBe(String(process.pid));
    await stop(runtime);
  });
});
