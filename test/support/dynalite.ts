/**
 * An in-memory dynalite server on 127.0.0.1 (random port) with the three tables created under
 * names unique to this start, so tests that share a server never see each other's items.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, documentClientFor } from '#store/dynamo-client';
import { createTables, type TableNames } from '#store/tables';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships CommonJS without type declarations; load it through require with the one
// signature these tests use, instead of an untyped import.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;

const LOOPBACK = '127.0.0.1';

export interface RunningDynalite {
  endpoint: string;
  doc: DynamoDBDocumentClient;
  raw: DynamoDBClient;
  names: TableNames;
  close(): Promise<void>;
}

/** Starts dynalite, creates the tables and answers clients bound to it. */
export async function startDynalite(): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${LOOPBACK}:${port}`;
  const raw = createDynamoClient({ endpoint });
  const doc = documentClientFor(raw);
  const suffix = randomUUID().slice(0, 8);
  const names: TableNames = { entities: `entities-${suffix}`, links: `links-${suffix}`, runs: `runs-${suffix}` };
  await createTables(raw, names);
  return {
    endpoint,
    doc,
    raw,
    names,
    async close() {
      // The document client's destroy() is a no-op; the raw client owns the sockets.
      raw.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
