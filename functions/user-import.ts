/** The user import worker the API starts asynchronously: `{ tenantId, runId }` → the run JSON. */
import { buildDeps, buildLogger } from '#composition';
import { loadConfig } from '#config';
import { createUserImportHandler } from '#workers/handlers';

const config = loadConfig(process.env);

export const handler = createUserImportHandler(buildDeps(config), buildLogger(config));
