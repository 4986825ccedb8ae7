/** The nightly schedule's target: one TenantSyncRequested per connected tenant → `{ tenants }`. */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createDailySyncHandler } from '#workers/handlers';

const config = loadConfig(process.env);

export const handler = createDailySyncHandler(buildDeps(config), buildLogger(config));
