/**
 * Efficiency built into the engine, counted rather than timed: a quiet nightly sync writes
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

let h: EngineHarness;
let tenant: string;

beforeAll(async () => {
  h = await startEngineHarness([{ customers: COMPANY_SIZE }]);
  tenant = h.tenants[0]!;
  const run = await importClients(h, tenant, { all: true });
  expect(run.counts.created).toBe(COMPANY_SIZE);
}, 120_000);
afterAll(async () => h.close());

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
