/** The client import worker the API starts asynchronously: `{ tenantId, runId }` → the run JSON. */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createClientImportHandler } from '#workers/handlers';

const config = loadConfig(process.env);

export const handler = createClientImportHandler(buildDeps(config), buildLogger(config));
