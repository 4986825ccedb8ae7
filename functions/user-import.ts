/** The user import worker the API starts asynchronously: `{ tenantId, runId }` → the run JSON. */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createUserImportHandler } from '#http/worker-handlers';

const config = loadConfig(process.env);

export const handler = createUserImportHandler(buildDeps(config), buildLogger(config));
