/** The copy-paste tour `npm start` prints once the runtime is ready. */
import { isAbsolute, join, relative } from 'node:path';
import type { RuntimeInfo } from './runtime-files';

/** How a shell in `cwd` names runtime.json for `node -p "require(...)"`. */
function requirePath(runtimeJsonPath: string, cwd: string): string {
  const fromCwd = relative(cwd, runtimeJsonPath);
  if (fromCwd.startsWith('..') || isAbsolute(fromCwd)) return runtimeJsonPath;
  return `./${fromCwd}`;
}

/** The console's URL first, then the other URLs and a few curl commands that work verbatim from `cwd`. */
export function startupTour(info: RuntimeInfo, dataDir: string, cwd: string): string {
  const api = info.apiUrl;
  const runtimeJson = requirePath(join(dataDir, 'runtime.json'), cwd);
  const [first] = info.tenants;
  const auth = '-H "authorization: Bearer $TOKEN"';
  const json = "-H 'content-type: application/json'";
  return [
    '',
    'Local runtime ready',
    `  Open the admin console: ${info.consoleUrl}`,
    '',
    `  API       ${api}   (OpenAPI: ${api}/openapi.json)`,
    `  Intacct   ${info.intacct.endpointUrl}`,
    `  DynamoDB  ${info.dynamodbEndpoint}`,
    `  Data      ${dataDir}   (runtime.json: tenants, tokens, credentials)`,
    `  Tenants   ${info.tenants.map((tenant) => `${tenant.tenantId} → ${tenant.companyId}`).join(', ')}`,
    '',
    'Try it (copy and paste):',
    `  TOKEN=$(node -p "require('${runtimeJson}').tenants[0].adminToken")`,
    `  curl -s ${api}/integrations/intacct ${auth}`,
    `  curl -s "${api}/intacct/customers?limit=5" ${auth}`,
    `  curl -s -X POST ${api}/clients/import ${auth} ${json} -d '{"all":true}'`,
    `  curl -s "${api}/sync-runs?limit=5" ${auth}`,
    `  curl -s "${api}/clients?limit=5" ${auth}`,
    `  curl -s -X POST ${api}/__local/nightly ${auth}`,
    `  npm run invoke -- tenant-sync '{"tenantId":"${first?.tenantId ?? 'demo-northwind'}","scope":"all"}'`,
    '',
    'Ctrl-C stops it: running imports and syncs get a few seconds to hand off, and unfinished work',
    'and data stay for the next `npm start` (`npm start -- --reset` starts clean).',
    '',
  ].join('\n');
}
