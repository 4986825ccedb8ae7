/** What `npm start` and `npm run invoke` share: where the data directory is. */

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (local/runtime/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** LOCAL_DATA_DIR when set, else `.local/` under the repository. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_DATA_DIR ? env.LOCAL_DATA_DIR : join(REPO_ROOT, '.local');
}

export const USAGE_EXIT_CODE = 2;
