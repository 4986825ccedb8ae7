/** The client import worker the API starts asynchronously: `{ tenantId, runId }` → the run JSON. */
import { buildDeps, buildLogger } from '../shared/composition';
import { loadConfig } from '../shared/config';
import { createClientImportHandler } from '../shared/http/worker-handlers';

const config = loadConfig(process.env);

export const handler = createClientImportHandler(buildDeps(config), buildLogger(config));
