import { defineConfig } from 'vitest/config';

/** Pure tests: no server, no store, no process, no CDK (test/tooling/test-projects.test.ts checks). */
const UNIT = 'test/**/*.unit.test.ts';
/** The local runtime over real HTTP, as the PSA frontend and an operator use it, and the console in a browser. */
const END_TO_END = ['test/e2e/**/*.test.ts', 'test/web/**/*.test.ts', 'test/local/**/*.test.ts'];

export default defineConfig({
  test: {
    // Integration tests start real servers (emulator, dynalite, local runtime) on loopback;
    // forks keep each file's servers and module state apart.
    pool: 'forks',
    // Most test files wait on loopback I/O, leases and timers rather than on the CPU, so a few run
    // side by side even on a two-core machine (vitest's default there is one at a time).
    maxWorkers: 3,
    // Generous: the machines are shared, and a few files run side by side.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // The AWS SDK warns on every Node 20 process that it will need Node 22 in 2027 (the Lambda
    // runtime is nodejs22.x already); the warning says nothing about our tests.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Property tests print their seed on failure and replay one given as FC_SEED.
    setupFiles: ['test/support/fast-check.ts'],
    // `npm test` runs all three; `npx vitest run --project unit` one of them.
    projects: [
      { extends: true, test: { name: 'unit', include: [UNIT], testTimeout: 10_000 } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [UNIT, ...END_TO_END] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: END_TO_END,
          exclude: [UNIT],
          // The browser tests drive the real console build; it is made (when stale) once, up front.
          globalSetup: ['test/web/global-setup.ts'],
        },
      },
    ],
  },
});
