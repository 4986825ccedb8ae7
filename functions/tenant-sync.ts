/**
 * One tenant's sync: the TenantSyncRequested event, or a manual invoke
 * `{ tenantId, scope, dryRun?, runId? }` → `{ runs }`.
 */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createTenantSyncHandler } from '#workers/handlers';

const config = loadConfig(process.env);

export const handler = createTenantSyncHandler(buildDeps(config), buildLogger(config));
