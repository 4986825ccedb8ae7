/**
 * A local runtime serving the real console build (web/dist), for the browser tests. The build is
 * made once per test run by test/web/global-setup.ts, before any test file starts.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { RuntimeInfo } from '../../../local/runtime';
import { startTestRuntime, type TestRuntime } from '../../support/local-runtime';
import { launchBrowser, newPage } from './browser';

const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export type ConsoleRuntime = TestRuntime & { info: RuntimeInfo & { consoleUrl: string } };

async function consoleRuntime(): Promise<ConsoleRuntime> {
  const runtime = await startTestRuntime({ console: { distDir: WEB_DIST, build: 'never' } });
  return runtime as ConsoleRuntime;
}

/** A console runtime and one browser page on it, closed together. */
export interface ConsoleSession {
  runtime: ConsoleRuntime;
  page: Page;
  close(): Promise<void>;
}

export async function openConsole(): Promise<ConsoleSession> {
  const runtime = await consoleRuntime();
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await runtime.close();
    throw error;
  });
  const page = await newPage(browser);
  return {
    runtime,
    page,
    close: async () => {
      await browser.close();
      await runtime.close();
    },
  };
}
