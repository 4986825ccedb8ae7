/**
 * The source against the emulator over HTTP, for what production companies differ in:
 * - EMPLOYEE contact fields named CONTACT.* (the emulator's default, as Intacct's query
 *   documentation) or PERSONALINFO.* by `query`: listings, by-id listings and browses give the
 *   same canonical records either way, with at most one refused query per company;
 * - multi-entity companies: a top-level login lists every entity's records (showprivate), an
 *   entity-level login its entity's and the shared ones; records carry MEGAENTITYID/MEGAENTITYNAME.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPLOYEE_FIELDS } from '#domain/intacct-records';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { IntacctSource, ListingPage } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';

const EMPLOYEES = 45;
const CUSTOMERS = 60;
const login = (companyId: string) => ({ companyId, userId: 'reader', userPassword: `${companyId.toLowerCase()}-pass` });
const CONTACT_CO = login('CONTACT-CO');
const PERSONALINFO_CO = login('PERSONALINFO-CO');
const GROUP_CO = login('GROUP-CO');

let emulator: RunningEmulator;
let factory: XmlGatewaySourceFactory;

beforeAll(async () => {
  emulator = await startEmulator({
    companies: [
      // The same seed: the same employees, named differently by query.
      { ...CONTACT_CO, employees: EMPLOYEES, seed: 5, employeeContactFields: 'contact' },
      { ...PERSONALINFO_CO, employees: EMPLOYEES, seed: 5, employeeContactFields: 'personalinfo' },
      { ...GROUP_CO, customers: CUSTOMERS, employees: EMPLOYEES, seed: 8, entities: 3 },
    ],
  });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
}, 60_000);
afterAll(async () => emulator.close());

async function all(pages: AsyncIterable<ListingPage>): Promise<Record<string, string>[]> {
  const records: Record<string, string>[] = [];
  for await (const page of pages) records.push(...page.records);
  return records;
}

/** What each naming must give alike: a listing in small pages, a by-id listing, a browse by name. */
async function employeeViews(source: IntacctSource) {
  const listed = await all(source.listEmployees({ pageSize: 10 }));
  const chosen = listed.filter((_record, index) => index % 7 === 2);
  const byId = await all(source.employeesById(chosen.map((record) => record.EMPLOYEEID!)));
  const lastName = listed[4]!['PERSONALINFO.LASTNAME']!;
  const browsed = await source.browseEmployees({ search: lastName.toUpperCase(), limit: 50 });
  return { listed, chosen, byId, lastName, browsed };
}

describe.each([
  ['contact', CONTACT_CO, 0],
  ['personalinfo', PERSONALINFO_CO, 1],
])('a company whose query names contact fields the %s way', (_mode, company, refusals) => {
  let views: Awaited<ReturnType<typeof employeeViews>>;
  let queries: number;

  beforeAll(async () => {
    emulator.resetStats();
    views = await employeeViews(factory.forLogin(company));
    queries = emulator.stats().byFunction.query ?? 0;
  });

  it('lists every employee in the canonical PERSONALINFO keys, their values filled', () => {
    expect(views.listed).toHaveLength(EMPLOYEES);
    for (const record of views.listed) expect(Object.keys(record).sort()).toEqual([...EMPLOYEE_FIELDS].sort());
    // The generated data leaves a few names empty on purpose; the rest must come through.
    for (const field of ['PERSONALINFO.CONTACTNAME', 'PERSONALINFO.FIRSTNAME', 'PERSONALINFO.LASTNAME']) {
      expect(views.listed.filter((record) => record[field] !== '').length, field).toBeGreaterThan(EMPLOYEES * 0.8);
    }
  });

  it('lists by id and browses by contact name in the same keys', () => {
    expect(views.byId.map((record) => record.RECORDNO)).toEqual(views.chosen.map((record) => record.RECORDNO));
    expect(views.byId).toEqual(views.chosen);
    expect(views.browsed.length).toBeGreaterThan(0);
    expect(
      views.browsed.every((record) =>
        `${record['PERSONALINFO.CONTACTNAME']} ${record.EMPLOYEEID}`.toUpperCase().includes(views.lastName.toUpperCase()),
      ),
    ).toBe(true);
    expect(views.browsed.map((record) => record.RECORDNO)).toContain(views.listed[4]!.RECORDNO);
  });

  it(`asks in the company's naming after at most ${refusals} refused query`, () => {
    // 45 records in pages of 10 overlapping by one: 5 requests; then one by-id listing and one browse.
    expect(queries).toBe(5 + 1 + 1 + refusals);
  });
});

describe('the same employees under both namings', () => {
  it('are the same records', async () => {
    const contact = await all(factory.forLogin(CONTACT_CO).listEmployees());
    const personalinfo = await all(factory.forLogin(PERSONALINFO_CO).listEmployees());

    expect(contact).toEqual(personalinfo);
  });
});

describe('a multi-entity company', () => {
  let entities: string[];

  beforeAll(() => {
    entities = (emulator.companies.find((company) => company.companyId === GROUP_CO.companyId)?.entities ?? []).map((entity) => entity.entityId);
  });

  it("lists every entity's records at the top level, each with its entity", async () => {
    const customers = await all(factory.forLogin(GROUP_CO).listCustomers());

    expect(entities.length).toBe(3);
    expect(customers).toHaveLength(CUSTOMERS);
    const byEntity = new Set(customers.map((record) => record.MEGAENTITYID));
    expect([...byEntity].filter((entityId) => entityId !== '').sort()).toEqual([...entities].sort());
    for (const record of customers.filter((customer) => customer.MEGAENTITYID !== '')) expect(record.MEGAENTITYNAME).not.toBe('');
  });

  it("lists an entity's own records and the shared ones for an entity-level login", async () => {
    const everything = await all(factory.forLogin(GROUP_CO).listEmployees());
    const entityId = entities[1]!;

    const seen = await all(factory.forLogin({ ...GROUP_CO, entityId }).listEmployees());

    const expected = everything.filter((record) => record.MEGAENTITYID === entityId || record.MEGAENTITYID === '');
    expect(seen.map((record) => record.RECORDNO)).toEqual(expected.map((record) => record.RECORDNO));
    expect(seen.length).toBeLessThan(everything.length);
  });

  it('finds by id, checks existence and browses entity-private records at the top level', async () => {
    const source = factory.forLogin(GROUP_CO);
    const customers = await all(source.listCustomers());
    const private_ = customers.filter((record) => record.MEGAENTITYID !== '').slice(0, 5);

    const byId = await all(source.customersById(private_.map((record) => record.CUSTOMERID!)));
    const existing = await source.existingRecordNos(
      'customer',
      private_.map((record) => record.RECORDNO!),
    );
    const browsed = await source.browseCustomers({ search: private_[0]!.NAME!, limit: 5 });

    expect(byId.map((record) => record.RECORDNO)).toEqual(private_.map((record) => record.RECORDNO));
    expect(existing).toEqual(new Set(private_.map((record) => record.RECORDNO)));
    expect(browsed.map((record) => record.RECORDNO)).toContain(private_[0]!.RECORDNO);
  });
});
