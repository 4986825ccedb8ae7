/** The Intacct source adapter the use cases read through, against the emulator over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { IntacctSource } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { IntacctAdmin } from '../support/intacct-admin';

const CUSTOMERS = 2_500;
const READER = { companyId: 'SOURCE-CO', userId: 'reader', userPassword: 'reader-pass' };

let emulator: RunningEmulator;
let factory: XmlGatewaySourceFactory;
let source: IntacctSource;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      { companyId: 'SOURCE-CO', userId: 'reader', userPassword: 'reader-pass', customers: CUSTOMERS, employees: 5, departments: 2, seed: 3 },
    ],
  });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  source = factory.forLogin({ companyId: 'SOURCE-CO', userId: 'reader', userPassword: 'reader-pass' });
});
afterAll(async () => emulator.close());

async function listAll(pages: AsyncIterable<{ records: Record<string, string>[]; totalCount: number }>) {
  const records: Record<string, string>[] = [];
  const totals: number[] = [];
  for await (const page of pages) {
    records.push(...page.records);
    totals.push(page.totalCount);
  }
  return { records, totals };
}

describe('XmlGatewaySource', () => {
  it('lists every customer once, ascending RECORDNO, in the largest pages, with the whole count on each page', async () => {
    emulator.resetStats();

    const { records, totals } = await listAll(source.listCustomers());

    const recordNos = records.map((r) => Number(r.RECORDNO));
    expect(recordNos).toHaveLength(CUSTOMERS);
    expect(recordNos).toEqual([...recordNos].sort((a, b) => a - b));
    expect(new Set(recordNos).size).toBe(CUSTOMERS);
    expect(totals).toEqual([CUSTOMERS, CUSTOMERS]);
    // Pages overlap by one record (0..1999, then 1999..2499), which still takes two requests.
    expect(emulator.stats().byFunction.query).toBe(2);
    expect(emulator.stats().byFunction.query).toBeLessThanOrEqual(Math.ceil(CUSTOMERS / 2_000) + 1);
    expect(Object.keys(records[0]!)).not.toContain('WHENMODIFIED');
  });

  it('pages by RECORDNO, so a record deleted mid-listing cannot hide one that still exists', async () => {
    const admin = new IntacctAdmin({ ...emulator, company: { companyId: 'SOURCE-CO', userId: 'reader', userPassword: 'reader-pass' } });
    const pages = source.listCustomers()[Symbol.asyncIterator]();
    const first = await pages.next();
    const firstPage = first.value!.records as Record<string, string>[];
    await admin.delete('CUSTOMER', [firstPage[0]!.RECORDNO!, firstPage[1]!.RECORDNO!]);

    const rest: Record<string, string>[] = [];
    for (let next = await pages.next(); !next.done; next = await pages.next()) rest.push(...next.value.records);

    expect(firstPage.length + rest.length).toBe(CUSTOMERS);
  });

  it('reads a selection by id across several requests', async () => {
    const { records } = await listAll(source.listCustomers());
    const wanted = records.slice(0, 1_200).map((r) => r.CUSTOMERID!);

    const selected = await listAll(source.customersById([...wanted, 'C-MISSING']));

    expect(selected.records.map((r) => r.CUSTOMERID).sort()).toEqual([...wanted].sort());
  });

  it('browses case-insensitively and continues after the last RECORDNO of a page', async () => {
    const [sample] = await source.browseCustomers({ limit: 1 });
    const word = sample!.NAME!.split(' ')[0]!.toUpperCase();

    const matches = await source.browseCustomers({ search: word, limit: 3 });
    const next = await source.browseCustomers({ search: word, limit: 3, afterRecordNo: matches.at(-1)!.RECORDNO! });

    expect(matches.map((r) => r.RECORDNO)).toContain(sample!.RECORDNO);
    for (const record of next) expect(Number(record.RECORDNO)).toBeGreaterThan(Number(matches.at(-1)!.RECORDNO));
  });

  it('tells which RECORDNOs still exist', async () => {
    const employees = await listAll(source.listEmployees());
    const existing = employees.records.map((r) => r.RECORDNO!);

    expect(await source.existingRecordNos('employee', [...existing, '999999'])).toEqual(new Set(existing));
  });

  it('reuses the source and its API session for the same login, so a second run signs in no more', async () => {
    const sessionFactory = new XmlGatewaySourceFactory({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
    });
    emulator.resetStats();

    await listAll(sessionFactory.forLogin(READER).listDepartments());
    await listAll(sessionFactory.forLogin({ ...READER }).listEmployees());

    expect(emulator.stats().byFunction.getAPISession).toBe(1);
    expect(sessionFactory.forLogin({ ...READER })).toBe(sessionFactory.forLogin(READER));
  });

  it('signs in afresh for a different password, and keeps entities apart', async () => {
    const sessionFactory = new XmlGatewaySourceFactory({
      endpointUrl: emulator.endpointUrl,
      senderId: emulator.senderId,
      senderPassword: emulator.senderPassword,
    });
    await listAll(sessionFactory.forLogin(READER).listDepartments());
    emulator.resetStats();

    const other = sessionFactory.forLogin({ ...READER, userPassword: 'a-rotated-password' });
    await other.verifyCredentials().catch(() => undefined);

    expect(other).not.toBe(sessionFactory.forLogin(READER));
    expect(sessionFactory.forLogin({ ...READER, entityId: 'E100' })).not.toBe(sessionFactory.forLogin(READER));
    expect(emulator.stats().byFunction.getAPISession).toBe(1);
  });

  it('turns a refused sign-in into intacct_auth_failed without the password', async () => {
    const refused = await factory
      .forLogin({ companyId: 'SOURCE-CO', userId: 'reader', userPassword: 'not-the-password' })
      .verifyCredentials()
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(IntacctFailure);
    expect((refused as IntacctFailure).code).toBe('intacct_auth_failed');
    expect(JSON.stringify({ ...(refused as object), message: (refused as Error).message })).not.toContain('not-the-password');
  });
});
