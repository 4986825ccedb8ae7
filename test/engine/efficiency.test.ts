/**
 * Efficiency built into the engine, counted rather than timed: an import writes the data model's
 * minimum (a PSA record and a link per record, in batches), a quiet nightly sync writes
 * nothing to the entity and link tables, a busy one writes exactly the records that changed,
 * and Intacct is read with the largest pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editClient } from '#use-cases/edit-client';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, importClients, nightlySync } from './engine-steps';

const COMPANY_SIZE = 5_000;
const INTACCT_CHANGES = 50;
const PSA_EDITS = 20;
const QUERY_PAGE_SIZE = 2_000;
/** More chunks than an import of COMPANY_SIZE records takes (500 records at most each, fewer while it learns its pace). */
const MAX_CHUNKS = 30;

let h: EngineHarness;
let tenant: string;
/** What the import of the company cost, counted as it ran. */
const importCost = {
  entityCommands: {} as Record<string, number>,
  linkCommands: {} as Record<string, number>,
  entityItems: 0,
  linkItems: 0,
  runItems: 0,
};

beforeAll(async () => {
  h = await startEngineHarness([{ customers: COMPANY_SIZE }]);
  tenant = h.tenants[0]!;
  h.spy.reset();
  const run = await importClients(h, tenant, { all: true });
  expect(run.counts.created).toBe(COMPANY_SIZE);
  const { entities, links, runs } = h.dynamo.names;
  for (const operation of ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']) {
    importCost.entityCommands[operation] = h.spy.commands(operation, entities);
    importCost.linkCommands[operation] = h.spy.commands(operation, links);
  }
  importCost.entityItems = h.spy.writes(entities);
  importCost.linkItems = h.spy.writes(links);
  importCost.runItems = h.spy.writes(runs);
}, 120_000);
afterAll(async () => h.close());

describe('import cost', () => {
  it('writes each new client and its link once, 25 to a request, and its outcomes and events a hundred records to a few items', () => {
    // The data model's minimum: one PSA record and one link per imported record, all batched.
    expect(importCost.entityItems).toBe(COMPANY_SIZE);
    expect(importCost.linkItems).toBe(COMPANY_SIZE);
    for (const commands of [importCost.entityCommands, importCost.linkCommands]) {
      expect(commands).toMatchObject({ PutItem: 0, UpdateItem: 0, DeleteItem: 0 });
      // 25 to a request, but for the last request of each chunk (chunks are sized by time, not by 25).
      expect(commands.BatchWriteItem).toBeLessThanOrEqual(COMPANY_SIZE / 25 + MAX_CHUNKS);
    }
    // Outcomes (100 per item) and staged events (25 per item, staged then removed), plus the run's own saves.
    expect(importCost.runItems).toBeLessThan(COMPANY_SIZE / 100 + (2 * COMPANY_SIZE) / 25 + 50);
  });
});

describe('daily sync cost', () => {
  it('a sync of 5,000 linked, unchanged clients makes zero writes to the entity and link tables', async () => {
    h.spy.reset();
    h.emulator.resetStats();

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(run!.counts).toMatchObject({ unchanged: COMPANY_SIZE, updated: 0, unlinked: 0 });
    expect(h.spy.writes(h.dynamo.names.entities)).toBe(0);
    expect(h.spy.writes(h.dynamo.names.links)).toBe(0);
    // The links' fingerprints prove every client current: not one is even read.
    expect(h.spy.items('BatchGetItem', h.dynamo.names.entities)).toBe(0);
    expect(h.emulator.stats().byFunction.query).toBeLessThanOrEqual(Math.ceil(COMPANY_SIZE / QUERY_PAGE_SIZE) + 1);
  });

  it('with 50 Intacct changes and 20 PSA edits it reads and writes exactly those 70 records', async () => {
    const clients = await allClients(h, tenant);
    const admin = h.intacct();
    for (const client of clients.slice(0, INTACCT_CHANGES)) {
      await admin.update('CUSTOMER', client.integrations.intacct!.recordNo, { NAME: `${client.name} (renamed)` });
    }
    for (const client of clients.slice(INTACCT_CHANGES, INTACCT_CHANGES + PSA_EDITS)) {
      await editClient(h.deps, tenant, client.id, { city: 'Edited in the PSA' });
    }
    h.spy.reset();

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(run!.counts).toMatchObject({ updated: INTACCT_CHANGES + PSA_EDITS, unchanged: COMPANY_SIZE - 70 });
    expect(h.spy.writes(h.dynamo.names.entities)).toBe(INTACCT_CHANGES + PSA_EDITS);
    // Each of those records' links takes its new fingerprint; only they were read.
    expect(h.spy.writes(h.dynamo.names.links)).toBe(INTACCT_CHANGES + PSA_EDITS);
    expect(h.spy.items('BatchGetItem', h.dynamo.names.entities)).toBe(INTACCT_CHANGES + PSA_EDITS);
  });
});
