/**
 * The items a run keeps beside its summary, against the real DynamoDB API (dynalite): unlink
 * candidates (any number, in Intacct order), outbox entries, trimmed outcomes, nightly markers;
 * and the link claims and company record the engine relies on.
 */
import { describe, expect, it } from 'vitest';
import type { HeldUnlink } from '#domain/runs';
import type { OutboxEntry } from '#ports/stores';
import { spyOnDynamo } from '../support/dynamo-spy';
import { aClient, aLink, aRun, aRunRecord, collectPages } from './builders';
import { tenantSequence, useStores } from './store-fixture';

const fixture = useStores({ linkPageSize: 2 });
const freshTenant = tenantSequence();

const candidate = (recordNo: string, object: HeldUnlink['object'] = 'customer'): HeldUnlink => ({
  object,
  recordNo,
  intacctId: `C-${recordNo}`,
  psaId: `client-${recordNo}`,
  createdAt: '2024-05-01T08:00:00.000Z',
});

describe('unlink candidates', () => {
  it("lists one object's candidates in numeric RECORDNO order, after a cursor, as many as asked", async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.putUnlinkCandidates(
      tenantId,
      'run-1',
      ['100', '9', '10', '2'].map((recordNo) => candidate(recordNo)),
    );
    await fixture.stores.runs.putUnlinkCandidates(tenantId, 'run-1', [candidate('5', 'employee')]);
    await fixture.stores.runs.putUnlinkCandidates(tenantId, 'run-2', [candidate('1')]);

    const first = await fixture.stores.runs.listUnlinkCandidates(tenantId, 'run-1', 'customer', null, 3);
    const rest = await fixture.stores.runs.listUnlinkCandidates(tenantId, 'run-1', 'customer', first.at(-1)!.recordNo, 3);

    expect(first.map((held) => held.recordNo)).toEqual(['2', '9', '10']);
    expect(rest).toEqual([candidate('100')]);
    expect(await fixture.stores.runs.listUnlinkCandidates(tenantId, 'run-1', 'employee', null, 10)).toEqual([candidate('5', 'employee')]);
  });

  it('keeps thousands of them (a run item could not)', async () => {
    const tenantId = freshTenant();
    const many = Array.from({ length: 3000 }, (_, index) => candidate(String(index + 1)));
    await fixture.stores.runs.putUnlinkCandidates(tenantId, 'run-big', many);
    let count = 0;
    for (let after: string | null = null; ; ) {
      const page = await fixture.stores.runs.listUnlinkCandidates(tenantId, 'run-big', 'customer', after, 1000);
      if (page.length === 0) break;
      count += page.length;
      after = page.at(-1)!.recordNo;
    }
    expect(count).toBe(3000);
  });
});

describe('outbox', () => {
  const entry = (eventId: string): OutboxEntry => ({
    event: { type: 'ClientUpdated', detail: { tenantId: 't', eventId, clientId: 'c-1', fields: ['city'] } },
    proof: { of: 'entity', object: 'customer', psaId: 'c-1', expect: { city: 'Oslo' } },
    record: aRunRecord({ outcome: 'updated' }),
  });

  it('reads back what was put, pack by pack, and forgets what was deleted', async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.putOutbox(tenantId, 'run-1', [entry('e-1'), entry('e-2')]);
    await fixture.stores.runs.putOutbox(tenantId, 'run-1', [entry('e-3')]);
    await fixture.stores.runs.putOutbox(tenantId, 'run-2', [entry('e-4')]);

    const packs = await fixture.stores.runs.listOutbox(tenantId, 'run-1');
    expect(packs.map((pack) => pack.map((e) => e.event.detail.eventId))).toEqual([['e-1', 'e-2'], ['e-3']]);
    expect(packs[0]![0]).toEqual(entry('e-1'));

    await fixture.stores.runs.deleteOutbox(tenantId, 'run-1', ['e-1', 'e-2']);

    expect(await fixture.stores.runs.listOutbox(tenantId, 'run-1')).toEqual([[entry('e-3')]]);
  });

  it('stages a chunk of a hundred entries in four items and removes them in four deletes', async () => {
    const tenantId = freshTenant();
    const entries = Array.from({ length: 100 }, (_, i) => entry(`e-${String(i).padStart(3, '0')}`));
    const spy = spyOnDynamo(fixture.dynamo.doc);
    try {
      await fixture.stores.runs.putOutbox(tenantId, 'run-1', entries);
      expect(spy.writes(fixture.dynamo.names.runs)).toBe(4);
      expect((await fixture.stores.runs.listOutbox(tenantId, 'run-1')).flat()).toEqual(entries);

      await fixture.stores.runs.deleteOutbox(
        tenantId,
        'run-1',
        entries.map((e) => e.event.detail.eventId),
      );
      expect(spy.writes(fixture.dynamo.names.runs)).toBe(8);
    } finally {
      spy.detach();
    }
    expect(await fixture.stores.runs.listOutbox(tenantId, 'run-1')).toEqual([]);
  });
});

describe('run records and nightly markers', () => {
  it('trims the outcomes an earlier attempt appended beyond the count the run kept', async () => {
    const tenantId = freshTenant();
    const run = aRun({ tenantId });
    await fixture.stores.runs.create(run);
    await fixture.stores.runs.appendRecords(
      tenantId,
      run.id,
      0,
      Array.from({ length: 7 }, () => aRunRecord()),
    );

    await fixture.stores.runs.trimRecords(tenantId, run.id, 4);

    expect((await fixture.stores.runs.listRecords(tenantId, run.id, { limit: 100 })).items).toHaveLength(4);
  });

  it('records the runs of one firing of the schedule once', async () => {
    const tenantId = freshTenant();
    const at = '2026-11-25T02:00:00.000Z';
    expect(await fixture.stores.runs.nightlyRuns(tenantId, at)).toBeNull();
    expect(await fixture.stores.runs.markNightly(tenantId, at, ['run-1', 'run-2'])).toBe(true);
    expect(await fixture.stores.runs.markNightly(tenantId, at, ['run-3'])).toBe(false);
    expect(await fixture.stores.runs.nightlyRuns(tenantId, at)).toEqual(['run-1', 'run-2']);
  });
});

describe('link claims', () => {
  it('completes a claim only for the run that holds it, and a claim can pass from a stopped run to another', async () => {
    const tenantId = freshTenant();
    const claimed = aLink({ tenantId, recordNo: '7', psaId: 'client-7', claim: { runId: 'run-1', intent: 'create' } });
    await fixture.stores.links.createIfAbsent(claimed);

    expect(await fixture.stores.links.completeClaim(claimed, 'run-2', 'fp-1')).toBe(false);
    expect(await fixture.stores.links.takeOverClaim(claimed, 'run-2')).toBe(true);
    expect(await fixture.stores.links.takeOverClaim(claimed, 'run-3')).toBe(false);
    expect(await fixture.stores.links.completeClaim(claimed, 'run-2', 'fp-1')).toBe(true);

    expect(await fixture.stores.links.get(tenantId, 'customer', '7')).toEqual({ ...claimed, fingerprint: 'fp-1', claim: null });
  });

  it('completing a claim keeps the mark of a PSA edit made since the link was read (I5), and still ends the claim', async () => {
    const tenantId = freshTenant();
    const claimed = aLink({ tenantId, recordNo: '8', psaId: 'client-8', fingerprint: 'fp-claimed', claim: { runId: 'run-1', intent: 'create' } });
    await fixture.stores.links.createIfAbsent(claimed);
    await fixture.stores.links.invalidateFingerprint(tenantId, 'customer', '8', 'client-8');

    expect(await fixture.stores.links.completeClaim(claimed, 'run-1', 'fp-applied')).toBe(true);

    const after = await fixture.stores.links.get(tenantId, 'customer', '8');
    expect(after?.claim).toBeNull();
    expect(after?.fingerprint).not.toBe('fp-applied');
    expect(after?.fingerprint).not.toBe('fp-claimed');
    // Another run's completion still changes nothing.
    expect(await fixture.stores.links.completeClaim(claimed, 'run-2', 'fp-applied')).toBe(false);
  });

  it('completing a claim read with an edit mark keeps the mark', async () => {
    const tenantId = freshTenant();
    await fixture.stores.links.createIfAbsent(
      aLink({ tenantId, recordNo: '9', psaId: 'client-9', fingerprint: 'fp-claimed', claim: { runId: 'run-1', intent: 'create' } }),
    );
    await fixture.stores.links.invalidateFingerprint(tenantId, 'customer', '9', 'client-9');
    const read = (await fixture.stores.links.get(tenantId, 'customer', '9'))!;

    expect(await fixture.stores.links.completeClaim(read, 'run-1', 'fp-applied')).toBe(true);

    expect(await fixture.stores.links.get(tenantId, 'customer', '9')).toEqual({ ...read, claim: null });
  });

  it('iterates after a RECORDNO, and knows whether an object has links', async () => {
    const tenantId = freshTenant();
    for (const recordNo of ['3', '30', '300']) await fixture.stores.links.createIfAbsent(aLink({ tenantId, recordNo, psaId: `p-${recordNo}` }));

    const { items } = await collectPages(fixture.stores.links.iterate(tenantId, 'customer', '3'));

    expect(items.map((link) => link.recordNo)).toEqual(['30', '300']);
    expect(await fixture.stores.links.hasAny(tenantId, 'customer')).toBe(true);
    expect(await fixture.stores.links.hasAny(tenantId, 'employee')).toBe(false);
  });
});

describe('the company links were made with, and version-checked deletes', () => {
  it('keeps the linked company apart from the connection, so it outlives a disconnect', async () => {
    const tenantId = freshTenant();
    expect(await fixture.stores.connections.linkedCompany(tenantId)).toBeNull();
    await fixture.stores.connections.setLinkedCompany(tenantId, { companyId: 'ACME', entityId: null });
    await fixture.stores.connections.delete(tenantId);
    expect(await fixture.stores.connections.linkedCompany(tenantId)).toEqual({ companyId: 'ACME', entityId: null });
  });

  it('deletes an entity only at the version read', async () => {
    const tenantId = freshTenant();
    const client = aClient({ tenantId, id: 'client-v', version: 3 });
    await fixture.stores.clients.create(client);

    expect(await fixture.stores.clients.deleteIfVersion(tenantId, client.id, 2)).toBe(false);
    expect(await fixture.stores.clients.get(tenantId, client.id)).not.toBeNull();
    expect(await fixture.stores.clients.deleteIfVersion(tenantId, client.id, 3)).toBe(true);
    expect(await fixture.stores.clients.get(tenantId, client.id)).toBeNull();
  });
});
