/**
 * The embedded DynamoDB-compatible store: dynalite on 127.0.0.1, on disk (LevelDB under the data
 * directory) so data survives restarts, or in memory for throwaway runs.
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createDynamoClient } from '#store/dynamo-client';
import { createTables, type TableNames } from '#store/tables';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without type declarations: load it through require with the one signature used.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

const LOOPBACK = '127.0.0.1';

/** The local table names; fixed so a restarted runtime finds its data again. */
const LOCAL_TABLE_NAMES: TableNames = {
  entities: 'psa-intacct-sync-entities',
  links: 'psa-intacct-sync-links',
  runs: 'psa-intacct-sync-runs',
};

export interface EmbeddedDynamo {
  endpoint: string;
  tableNames: TableNames;
  close(): Promise<void>;
}

/** Starts dynalite (on disk under `path`, else in memory) and creates the tables that are missing. */
export async function startEmbeddedDynamo(options: { path?: string } = {}): Promise<EmbeddedDynamo> {
  const server = dynalite({ ...(options.path ? { path: options.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const endpoint = `http://${LOOPBACK}:${(server.address() as AddressInfo).port}`;
  const close = (): Promise<void> => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  const client = createDynamoClient({ endpoint });
  try {
    await createTables(client, LOCAL_TABLE_NAMES);
  } catch (error) {
    await close().catch(() => undefined);
    const where = options.path ? ` at ${options.path} (is another local runtime using it?)` : '';
    throw new Error(`The embedded DynamoDB store could not start${where}: ${(error as Error).message}`);
  } finally {
    client.destroy();
  }
  return { endpoint, tableNames: LOCAL_TABLE_NAMES, close };
}
