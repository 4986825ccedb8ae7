/** The user import worker the API starts asynchronously: `{ tenantId, runId }` → the run JSON. */
import { buildDeps, buildLogger } from '../shared/composition';
import { loadConfig } from '../shared/config';
import { createUserImportHandler } from '../shared/http/worker-handlers';

const config = loadConfig(process.env);

export const handler = createUserImportHandler(buildDeps(config), buildLogger(config));
