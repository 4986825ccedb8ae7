/** `npm run invoke` and `npm start` as a developer runs them: real processes, real output. */
import { spawn } from 'node:child_process';
import { lstat, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { RuntimeInfo } from '../../local/runtime';
import { emfDocuments, metricTotal } from '../support/emf';
import { makeDataDir, readRuntimeJson, startTestRuntime } from '../support/local-runtime';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const USAGE_EXIT_CODE = 2;
const dataDirs: string[] = [];

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function newDataDir(): Promise<string> {
  const dir = await makeDataDir();
  dataDirs.push(dir);
  return dir;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every entry under `dir`, with its permission bits, relative to `dir`. */
async function modesUnder(dir: string, prefix = ''): Promise<[string, string][]> {
  const found: [string, string][] = [];
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const stats = await lstat(path);
    found.push([`${prefix}${entry}${stats.isDirectory() ? '/' : ''}`, (stats.mode & 0o777).toString(8)]);
    if (stats.isDirectory()) found.push(...(await modesUnder(path, `${prefix}${entry}/`)));
  }
  return found;
}

/** npm prints its own banner lines (`> intacct-psa-sync@... start`) before the runtime's JSON lines. */
const jsonLines = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'));

const invoke = (dataDir: string, ...args: string[]): Promise<Finished> =>
  run('npm', ['run', '--silent', 'invoke', '--', ...args], { LOCAL_DATA_DIR: dataDir });

afterAll(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('npm run invoke', () => {
  it('runs tenant-sync for a demo tenant against an embedded runtime and prints the succeeded runs', async () => {
    const dataDir = await newDataDir();

    const result = await invoke(dataDir, 'tenant-sync', '{"tenantId":"demo-northwind","scope":"all"}');

    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { runs: { type: string; status: string; trigger: string }[] };
    expect(output.runs.map((entry) => entry.type)).toEqual(['client_sync', 'user_sync']);
    expect(output.runs.every((entry) => entry.status === 'succeeded' && entry.trigger === 'manual')).toBe(true);
    // The embedded runtime is throwaway: nothing is left in the data directory.
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('runs against the running runtime found through runtime.json, in its store', async () => {
    const runtime = await startTestRuntime();
    try {
      const tenant = runtime.info.tenants[1]!;

      const result = await invoke(runtime.dataDir, 'tenant-sync', JSON.stringify({ tenantId: tenant.tenantId, scope: 'clients' }));

      expect(result.code, result.stderr).toBe(0);
      const { runs } = JSON.parse(result.stdout) as { runs: { id: string; status: string }[] };
      expect(runs).toEqual([expect.objectContaining({ status: 'succeeded' })]);
      const stored = await fetch(`${runtime.apiUrl}/sync-runs/${runs[0]!.id}`, {
        headers: { authorization: `Bearer ${tenant.adminToken}` },
      });
      expect(stored.status).toBe(200);
    } finally {
      await runtime.close();
    }
  });

  it("shows the handler's metrics as EMF lines on stderr, leaving stdout to the result", async () => {
    const runtime = await startTestRuntime();
    try {
      const tenant = runtime.info.tenants[0]!;

      const result = await invoke(runtime.dataDir, 'tenant-sync', JSON.stringify({ tenantId: tenant.tenantId, scope: 'clients' }));

      expect(result.code, result.stderr).toBe(0);
      const documents = emfDocuments(result.stderr.split('\n'));
      expect(metricTotal(documents, 'RunsFinished', { runType: 'client_sync', trigger: 'manual', status: 'succeeded' })).toBe(1);
      expect(emfDocuments(result.stdout.split('\n'))).toEqual([]);
    } finally {
      await runtime.close();
    }
  });

  it('prints the error payload and exits 1 when the handler throws', async () => {
    const result = await invoke(await newDataDir(), 'tenant-sync', '{"tenantId":"demo-northwind","scope":"nope"}');

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ errorMessage: expect.stringContaining('scope') });
  });

  it.each([
    [['no-such-function', '{}'], /Unknown function 'no-such-function'/],
    [['tenant-sync', '{not json'], /not valid JSON/],
    [[], /Name the function/],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const result = await invoke(await newDataDir(), ...args);

    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

describe('npm start', () => {
  it('writes runtime.json, serves the API, and stops cleanly when its process group gets SIGTERM', async () => {
    const dataDir = await newDataDir();
    // `npm start` exactly as a developer or a supervisor runs it, in a process group of its own. A
    // group SIGTERM (what docker stop or a CI runner's cancel sends; Ctrl-C does the same with
    // SIGINT) reaches npm and node alike, and npm relays it to node a second time.
    const child = spawn('npm', ['start', '--', '--reset'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOCAL_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const group = child.pid!;
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('"local runtime ready"')) resolve();
        });
        child.once('close', () => reject(new Error(`start exited early: ${stderr}`)));
      });

      const info = (await readRuntimeJson(dataDir)) as RuntimeInfo;
      const status = await fetch(`${info.apiUrl}/integrations/intacct`, {
        headers: { authorization: `Bearer ${info.tenants[0]!.adminToken}` },
      });
      expect(await status.json()).toMatchObject({ connected: true });
      expect(stderr).toContain(`TOKEN=$(node -p "require('${join(dataDir, 'runtime.json')}').tenants[0].adminToken")`);
      for (const line of jsonLines(stdout)) expect(() => JSON.parse(line)).not.toThrow();
      // The data dir is the owner's alone: the directory 0700, every file in it 0600, dynalite's included.
      expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
      const modes = await modesUnder(dataDir);
      expect(modes.map(([path]) => path)).toEqual(expect.arrayContaining(['runtime.json', 'runtime-internal.json', 'jwt-key', 'dynamodb/']));
      expect(modes.filter(([path, mode]) => mode !== (path.endsWith('/') ? '700' : '600'))).toEqual([]);

      // The tour works verbatim: every curl line, pasted into a shell after the TOKEN line, answers 2xx.
      const tour = stderr.split('\n').map((line) => line.trim());
      const tokenLine = tour.find((line) => line.startsWith('TOKEN='))!;
      const curls = tour.filter((line) => line.startsWith('curl '));
      expect(curls.length).toBeGreaterThan(3);
      for (const curl of curls) {
        const pasted = await run('bash', ['-c', `${tokenLine}\n${curl.replace(/^curl -s /, 'curl -s -o /dev/null -w "%{http_code}" ')}`], {});
        expect(pasted.stdout, curl).toMatch(/^2\d\d$/);
      }

      process.kill(-group, 'SIGTERM');

      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stdout).toContain('"local runtime stopped"');
      // The data dir is released: the next start may use it.
      expect(await readdir(dataDir)).not.toContain('runtime.lock');
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-group, 'SIGKILL');
    }
  });

  it('fails to start with a message naming LOCAL_FUNCTION_TIMEOUT_S when it is not a number of seconds', async () => {
    const dataDir = await newDataDir();

    const result = await run('npm', ['start'], { LOCAL_DATA_DIR: dataDir, PORT: '0', LOCAL_FUNCTION_TIMEOUT_S: 'ten' });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/local runtime failed to start: LOCAL_FUNCTION_TIMEOUT_S must be a number of seconds.*'ten'/);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('refuses --reset on a directory that is not a runtime data dir, with exit code 2, touching nothing', async () => {
    const dataDir = await newDataDir();
    await writeFile(join(dataDir, 'unrelated.txt'), "not the runtime's");

    const result = await run('npm', ['start', '--', '--reset'], { LOCAL_DATA_DIR: dataDir, PORT: '0' });

    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr).toContain(`refusing to reset ${dataDir}: it is not a local runtime data dir`);
    expect(await readdir(dataDir)).toEqual(['unrelated.txt']);
  });

  it('refuses an unknown flag with exit code 2', async () => {
    const result = await run(TSX, ['local/start.ts', '--bogus'], { LOCAL_DATA_DIR: await newDataDir(), PORT: '0' });

    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr).toMatch(/usage: npm start/);
  });
});
