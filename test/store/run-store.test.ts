import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Conflict, InvalidInput } from '#domain/errors';
import { initialCheckpoint } from '#domain/runs';
import { runRecordKey } from '#store/keys';
import { spyOnDynamo } from '../support/dynamo-spy';
import { aRun, aRunRecord } from './builders';
import { tenantSequence, useStores } from './store-fixture';

const NOW = new Date('2024-05-01T08:00:00.000Z');
const RETENTION_DAYS = 90;
const SECONDS_PER_DAY = 86_400;

const fixture = useStores({ clock: { now: () => NOW }, runRecordRetentionDays: RETENTION_DAYS });

const freshTenant = tenantSequence();

describe('run store: runs', () => {
  it('reads back a created run with its nested maps and lists', async () => {
    const run = aRun({
      tenantId: freshTenant(),
      status: 'running',
      error: { code: 'intacct_unavailable', message: 'Intacct did not answer' },
      heldCount: 2,
      execution: 'invocation-1',
      checkpoint: { ...initialCheckpoint(), step: 1, afterRecordNo: '42', heldObjects: ['customer'] },
    });

    await fixture.stores.runs.create(run);

    expect(await fixture.stores.runs.get(run.tenantId, run.id)).toEqual(run);
  });

  it('refuses to create the same run twice with Conflict', async () => {
    const run = aRun({ tenantId: freshTenant() });
    await fixture.stores.runs.create(run);

    await expect(fixture.stores.runs.create(run)).rejects.toBeInstanceOf(Conflict);
  });

  it('overwrites the summary on a save whose condition holds', async () => {
    const run = aRun({ tenantId: freshTenant() });
    await fixture.stores.runs.create(run);
    const finished = { ...run, status: 'succeeded' as const, finishedAt: NOW.toISOString(), recordCount: 3 };

    expect(await fixture.stores.runs.saveIf(finished, { statuses: ['queued', 'running'] })).toBe(true);

    expect(await fixture.stores.runs.get(run.tenantId, run.id)).toEqual(finished);
  });

  it('saves only from the statuses and execution given', async () => {
    const run = aRun({ tenantId: freshTenant(), status: 'running', execution: 'invocation-1' });
    await fixture.stores.runs.create(run);

    expect(await fixture.stores.runs.saveIf({ ...run, status: 'failed' }, { statuses: ['queued'] })).toBe(false);
    expect(await fixture.stores.runs.saveIf({ ...run, status: 'failed' }, { statuses: ['running'], execution: 'invocation-2' })).toBe(false);
    expect(await fixture.stores.runs.saveIf({ ...run, status: 'failed' }, { statuses: ['running'], execution: null })).toBe(false);
    expect(await fixture.stores.runs.saveIf({ ...run, status: 'failed' }, { statuses: ['running'], execution: 'invocation-1' })).toBe(true);
  });

  it('refuses to save a run that was never created', async () => {
    expect(await fixture.stores.runs.saveIf(aRun({ tenantId: freshTenant() }), { statuses: ['queued'] })).toBe(false);
  });

  it('lists runs newest first across pages', async () => {
    const tenantId = freshTenant();
    for (const id of ['run-0002', 'run-0004', 'run-0001', 'run-0003']) await fixture.stores.runs.create(aRun({ tenantId, id }));

    const first = await fixture.stores.runs.list(tenantId, { limit: 3 });
    const second = await fixture.stores.runs.list(tenantId, { limit: 3, cursor: first.nextCursor });

    expect(first.items.map((run) => run.id)).toEqual(['run-0004', 'run-0003', 'run-0002']);
    expect(second.items.map((run) => run.id)).toEqual(['run-0001']);
    expect(second.nextCursor).toBeNull();
  });

  it("keeps a run's records out of the run listing, and other tenants' runs out of get", async () => {
    const run = aRun({ tenantId: freshTenant() });
    await fixture.stores.runs.create(run);
    await fixture.stores.runs.appendRecords(run.tenantId, run.id, 0, [aRunRecord()]);

    expect((await fixture.stores.runs.list(run.tenantId, { limit: 10 })).items.map((r) => r.id)).toEqual([run.id]);
    expect(await fixture.stores.runs.get(freshTenant(), run.id)).toBeNull();
  });
});

describe('run store: records', () => {
  it('lists appended records in sequence order across pages and appends', async () => {
    const tenantId = freshTenant();
    const records = Array.from({ length: 12 }, (_, i) => aRunRecord({ recordNo: String(i), intacctId: `C-${i}` }));
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 10, records.slice(10));
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, records.slice(0, 10));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 5, cursor });
      seen.push(...page.items.map((record) => record.recordNo));
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toEqual(records.map((record) => record.recordNo));
  });

  it('writes more than one 25-item batch', async () => {
    const tenantId = freshTenant();
    const records = Array.from({ length: 60 }, (_, i) => aRunRecord({ recordNo: String(i) }));

    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, records);

    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 100 });
    expect(page.items).toHaveLength(60);
    expect(page.items[59]?.recordNo).toBe('59');
  });

  it('overwrites rather than duplicates records re-appended at the same sequence', async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord({ outcome: 'failed' })]);

    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord({ outcome: 'updated' })]);

    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 10 });
    expect(page.items.map((record) => record.outcome)).toEqual(['updated']);
  });

  it('round-trips a record with errors, warnings and a null psaId', async () => {
    const tenantId = freshTenant();
    const record = aRunRecord({
      psaId: null,
      outcome: 'failed',
      changes: [],
      warnings: ['STARTDATE "13/45/2020" is not a date'],
      error: { code: 'invalid_record', message: 'bad' },
    });

    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [record]);

    expect((await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 1 })).items).toEqual([record]);
  });

  it("gives each record a TTL of the retention period from the clock's now, in epoch seconds", async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord()]);

    const stored = await fixture.dynamo.doc.send(new GetCommand({ TableName: fixture.dynamo.names.runs, Key: runRecordKey(tenantId, 'run-1', 0) }));

    expect(stored.Item?.expiresAt).toBe(NOW.getTime() / 1000 + RETENTION_DAYS * SECONDS_PER_DAY);
  });

  it('stores a hundred records to an item, so an import of 250 records writes three items for its outcomes', async () => {
    const tenantId = freshTenant();
    const records = Array.from({ length: 250 }, (_, i) => aRunRecord({ recordNo: String(i) }));
    const spy = spyOnDynamo(fixture.dynamo.doc);
    try {
      await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, records.slice(0, 100));
      await fixture.stores.runs.appendRecords(tenantId, 'run-1', 100, records.slice(100, 200));
      await fixture.stores.runs.appendRecords(tenantId, 'run-1', 200, records.slice(200));
      expect(spy.writes(fixture.dynamo.names.runs)).toBe(3);
    } finally {
      spy.detach();
    }

    for (const limit of [1, 7, 100, 101, 1000]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit, cursor });
        seen.push(...page.items.map((record) => record.recordNo));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen, `pages of ${limit}`).toEqual(records.map((record) => record.recordNo));
    }
  });

  it('splits an append whose records would make an item too large', async () => {
    const tenantId = freshTenant();
    const wide = 'w'.repeat(5_000);
    const records = Array.from({ length: 100 }, (_, i) => aRunRecord({ recordNo: String(i), warnings: [wide] }));

    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, records);

    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 1000 });
    expect(page.items.map((record) => record.recordNo)).toEqual(records.map((record) => record.recordNo));
  });

  it('trims records from a sequence number inside an item, keeping the ones before it', async () => {
    const tenantId = freshTenant();
    const records = Array.from({ length: 30 }, (_, i) => aRunRecord({ recordNo: String(i) }));
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, records.slice(0, 20));
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 20, records.slice(20));

    await fixture.stores.runs.trimRecords(tenantId, 'run-1', 13);
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 13, [aRunRecord({ recordNo: 'again' })]);

    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 100 });
    expect(page.items.map((record) => record.recordNo)).toEqual([...records.slice(0, 13).map((record) => record.recordNo), 'again']);
  });

  it('refuses a cursor that names no record of the run', async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord(), aRunRecord()]);
    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 1 });
    const decoded = JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString('utf8')) as { pk: string; sk: string };
    const forged = Buffer.from(JSON.stringify({ ...decoded, sk: 'zzz' }), 'utf8').toString('base64url');

    await expect(fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 1, cursor: forged })).rejects.toBeInstanceOf(InvalidInput);
  });

  it("refuses a cursor of one run on another run's records", async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord(), aRunRecord()]);
    const page = await fixture.stores.runs.listRecords(tenantId, 'run-1', { limit: 1 });

    await expect(fixture.stores.runs.listRecords(tenantId, 'run-2', { limit: 1, cursor: page.nextCursor })).rejects.toBeInstanceOf(InvalidInput);
  });

  it("never lists another tenant's records", async () => {
    const tenantId = freshTenant();
    await fixture.stores.runs.appendRecords(tenantId, 'run-1', 0, [aRunRecord()]);

    expect((await fixture.stores.runs.listRecords(freshTenant(), 'run-1', { limit: 10 })).items).toEqual([]);
  });
});
