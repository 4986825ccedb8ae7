/** The nightly schedule's target: one TenantSyncRequested per connected tenant → `{ tenants }`. */
import { buildDeps, buildLogger } from '../shared/composition';
import { loadConfig } from '../shared/config';
import { createDailySyncHandler } from '../shared/http/worker-handlers';

const config = loadConfig(process.env);

export const handler = createDailySyncHandler(buildDeps(config), buildLogger(config));
