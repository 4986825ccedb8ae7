/**
 * The `unit` project (`npx vitest run --project unit`) is the one a developer runs on every save,
 * so it must stay pure and fast: a file named `*.unit.test.ts` imports, directly or through its
 * helpers, no server, no store, no emulator, no local runtime, no browser, no CDK and no child
 * process. And a test file that is pure is named so, or `--project unit` would silently skip it.
 * What a file imports is read from esbuild's metafile of the file bundled (packages left external).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Imports that make a test an integration or end-to-end test. */
const HEAVY_IMPORTS = [
  /(^|\/)dynalite$/,
  /^local\/emulator\//,
  /^local\/runtime\//,
  /^local\/(start|invoke)\.ts$/,
  /^bench\//,
  /^playwright-core/,
  /^@axe-core\//,
  /^aws-cdk-lib/,
  /^infra\//,
  /^node:child_process$/,
  /^node:http$/,
  /^node:net$/,
  /^esbuild$/,
  /^vite$/,
  /^test\/support\/(dynalite|engine-harness|local-runtime|throttling-dynamo)\.ts$/,
];

const testFiles = readdirSync(`${REPO}test`, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.test.ts'))
  .map((path) => `test/${path.replaceAll('\\', '/')}`)
  .sort();

/**
 * What each test file imports, directly or through its helpers, that is heavy: one esbuild build of
 * every test file at once (each entry's output lists the inputs it took in), then each input's imports.
 */
async function heavyImportsByFile(files: readonly string[]): Promise<Map<string, string[]>> {
  const result = await build({
    entryPoints: [...files],
    absWorkingDir: REPO,
    bundle: true,
    write: false,
    metafile: true,
    outdir: 'out',
    outbase: '.',
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const { inputs, outputs } = result.metafile;
  const heavy = new Map<string, string[]>();
  for (const output of Object.values(outputs)) {
    if (!output.entryPoint) continue;
    const seen = new Set<string>();
    for (const input of Object.keys(output.inputs)) {
      seen.add(input);
      for (const imported of inputs[input]?.imports ?? []) seen.add(imported.path);
    }
    heavy.set(output.entryPoint, [...seen].filter((path) => HEAVY_IMPORTS.some((pattern) => pattern.test(path))).sort());
  }
  return heavy;
}

describe('the test projects', () => {
  it('a *.unit.test.ts file imports nothing that starts a server, a store, a process, a browser or the CDK; a pure test file is named *.unit.test.ts', async () => {
    const heavyByFile = await heavyImportsByFile(testFiles);
    const misplaced: string[] = [];
    for (const file of testFiles) {
      const heavy = heavyByFile.get(file);
      if (heavy === undefined) throw new Error(`esbuild did not bundle ${file}`);
      const namedUnit = file.endsWith('.unit.test.ts');
      if (namedUnit && heavy.length > 0) misplaced.push(`${file} is named unit but imports ${heavy.join(', ')}`);
      if (!namedUnit && heavy.length === 0) misplaced.push(`${file} is pure: name it *.unit.test.ts so --project unit runs it`);
    }
    expect(misplaced).toEqual([]);
  });
});
