import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tests drive the real console build; it is made (when stale) once, up front.
    globalSetup: ['test/web/global-setup.ts'],
    // Integration tests start real servers (emulator, dynalite, local runtime) on loopback;
    // forks keep each file's servers and module state apart.
    pool: 'forks',
    // Most test files wait on loopback I/O, leases and timers rather than on the CPU, so a few run
    // side by side even on a two-core machine (vitest's default there is one at a time).
    maxWorkers: 3,
    // Generous: the machines are shared, and a few files run side by side.
    testTimeout: 120_000,
    // The AWS SDK warns on every Node 20 process that it will need Node 22 in 2027 (the Lambda
    // runtime is nodejs22.x already); the warning says nothing about our tests.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    hookTimeout: 180_000,
  },
});
