/** The HTTP API (API Gateway HTTP API, payload format 2.0): every route of spec section 4. */
import { buildDeps, buildLogger } from '../shared/composition';
import { loadConfig } from '../shared/config';
import { createApiHandler } from '../shared/http/api-handler';

const config = loadConfig(process.env);

export const handler = createApiHandler(buildDeps(config), { logger: buildLogger(config) });
