/**
 * Multi-entity companies and the two namings of EMPLOYEE contact fields, against a scripted company:
 *
 * - A login at the top level (no entity) asks for entity-private records too: `showprivate` true on
 *   every listing, by-id listing, existence check and browse. An entity-level login does not.
 *   Records keep MEGAENTITYID / MEGAENTITYNAME as answered.
 * - A company whose `query` takes CONTACT.* instead of PERSONALINFO.* is found out by its refusal,
 *   once per company (endpoint + company id) for the process; requests go in its naming and answers
 *   come back in the canonical PERSONALINFO.* keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER_FIELDS, EMPLOYEE_FIELDS } from '#domain/intacct-records';
import { EmployeeContactNamings } from '#intacct/employee-contact-fields';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { IntacctSource, ListingPage } from '#ports/intacct-source';
import {
  type ContactNaming,
  customers,
  employees,
  queryFailureAnswer,
  type ScriptedCompany,
  type ScriptedCompanyOptions,
  startScriptedCompany,
} from './support/scripted-company';

const TOP_LEVEL = { companyId: 'FJORD-GROUP', userId: 'api_sync', userPassword: 'fjord-pass' };
const ENTITY_LEVEL = { ...TOP_LEVEL, entityId: 'NO-OSLO' };
const EMPLOYEES = 12;

let company: ScriptedCompany | undefined;
afterEach(async () => {
  await company?.close();
  company = undefined;
});

async function start(options: Partial<ScriptedCompanyOptions> = {}) {
  company = await startScriptedCompany({
    records: {
      EMPLOYEE: employees(EMPLOYEES, 'NO-OSLO'),
      CUSTOMER: customers(5, 'NO-OSLO'),
      DEPARTMENT: [{ RECORDNO: '1', DEPARTMENTID: 'ENG', TITLE: 'Engineering', STATUS: 'active' }],
    },
    ...options,
  });
  const factory = new XmlGatewaySourceFactory({
    endpointUrl: company.endpointUrl,
    senderId: 'psaVendor',
    senderPassword: 'sender-pass',
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
  return { company, factory };
}

async function all(pages: AsyncIterable<ListingPage>): Promise<Record<string, string>[]> {
  const records: Record<string, string>[] = [];
  for await (const page of pages) records.push(...page.records);
  return records;
}

/** Every kind of call a source makes, each once. */
async function everyCall(source: IntacctSource): Promise<void> {
  await all(source.listCustomers());
  await all(source.listEmployees({ pageSize: 5 }));
  await all(source.listDepartments());
  await all(source.customersById(['C-001', 'C-003']));
  await all(source.employeesById(['EMP-002', 'EMP-007']));
  await source.existingRecordNos('customer', ['1', '2', '99']);
  await source.existingRecordNos('employee', ['1', '99']);
  await source.existingRecordNos('department', ['1']);
  await source.browseCustomers({ search: 'harbour', limit: 2 });
  await source.browseEmployees({ search: 'lindqvist', limit: 2, afterRecordNo: '3' });
}

describe('multi-entity companies', () => {
  it('a top-level login sends showprivate true on every listing, by-id listing, existence check and browse', async () => {
    const { company: server, factory } = await start();

    await everyCall(factory.forLogin(TOP_LEVEL));

    const queries = server.queries();
    expect(queries.length).toBeGreaterThanOrEqual(10);
    expect(queries.filter((query) => !query.showPrivate)).toEqual([]);
    expect(
      server.parsed
        .filter((request) => request.functionName === 'query')
        .every((request) => request.body.includes('<options><showprivate>true</showprivate>')),
    ).toBe(true);
  });

  it('an entity-level login never sends showprivate', async () => {
    const { company: server, factory } = await start();

    await everyCall(factory.forLogin(ENTITY_LEVEL));

    expect(server.queries().length).toBeGreaterThanOrEqual(10);
    expect(server.parsed.some((request) => request.body.includes('showprivate'))).toBe(false);
    // The entity travels in the login instead.
    expect(server.parsed.find((request) => request.functionName === 'getAPISession')?.body).toContain('<locationid>NO-OSLO</locationid>');
  });

  it('records keep MEGAENTITYID and MEGAENTITYNAME as Intacct answered them', async () => {
    const { company: server, factory } = await start();
    const source = factory.forLogin(TOP_LEVEL);

    const [customer] = await all(source.listCustomers());
    const [employee] = await all(source.listEmployees());

    expect(customer).toMatchObject({ MEGAENTITYID: 'NO-OSLO', MEGAENTITYNAME: 'Entity NO-OSLO' });
    expect(employee).toMatchObject({ MEGAENTITYID: 'NO-OSLO', MEGAENTITYNAME: 'Entity NO-OSLO' });
    expect(server.queries()[0]!.fields).toEqual([...CUSTOMER_FIELDS]);
  });
});

describe('EMPLOYEE contact field naming', () => {
  const contactFields = (fields: string[]) => fields.filter((field) => /^(PERSONALINFO|CONTACT)\./.test(field));

  it.each<[ContactNaming]>([['personalinfo'], ['contact']])(
    'a company taking %s names lists, lists by id and browses employees with the canonical PERSONALINFO keys',
    async (naming) => {
      const { company: server, factory } = await start({ contactNaming: naming });
      const source = factory.forLogin(TOP_LEVEL);

      const listed = await all(source.listEmployees({ pageSize: 5 }));
      const byId = await all(source.employeesById(['EMP-004', 'EMP-011']));
      const browsed = await source.browseEmployees({ search: 'Lindqvist 1', limit: 3 });

      expect(listed.map((record) => record.RECORDNO)).toEqual(Array.from({ length: EMPLOYEES }, (_, index) => String(index + 1)));
      expect(Object.keys(listed[0]!).sort()).toEqual([...EMPLOYEE_FIELDS].sort());
      expect(listed[3]).toMatchObject({
        'PERSONALINFO.CONTACTNAME': 'Lindqvist 4, Maja',
        'PERSONALINFO.FIRSTNAME': 'Maja',
        'PERSONALINFO.LASTNAME': 'Lindqvist 4',
      });
      expect(byId.map((record) => record['PERSONALINFO.CONTACTNAME'])).toEqual(['Lindqvist 4, Maja', 'Lindqvist 11, Maja']);
      expect(browsed.map((record) => record['PERSONALINFO.LASTNAME'])).toEqual(['Lindqvist 1', 'Lindqvist 10', 'Lindqvist 11']);

      const queries = server.queries();
      const prefix = naming === 'contact' ? 'CONTACT.' : 'PERSONALINFO.';
      // The documented CONTACT.* naming is tried first: one refusal at most, on the very first
      // query, then every query in the company's naming.
      const refused = naming === 'contact' ? 0 : 1;
      expect(contactFields(queries[0]!.fields).every((field) => field.startsWith('CONTACT.'))).toBe(true);
      for (const query of queries.slice(refused)) {
        expect(contactFields(query.fields).every((field) => field.startsWith(prefix))).toBe(true);
      }
      const browse = queries.at(-1)!;
      expect(JSON.stringify(browse.filter)).toContain(`${prefix}CONTACTNAME`);
    },
  );

  it("finds a company's naming once for the process: another login of the same company asks in it at once", async () => {
    const { company: server, factory } = await start({ contactNaming: 'personalinfo' });

    await factory.forLogin(TOP_LEVEL).browseEmployees({ limit: 2 });
    const before = server.queries().length;
    await factory.forLogin({ ...TOP_LEVEL, userId: 'another_user', userPassword: 'another-pass' }).browseEmployees({ limit: 2 });

    expect(before).toBe(2);
    const later = server.queries().slice(before);
    expect(later).toHaveLength(1);
    expect(contactFields(later[0]!.fields).every((field) => field.startsWith('PERSONALINFO.'))).toBe(true);
  });

  it('leaves customers, departments and RECORDNO-only existence checks alone', async () => {
    const { company: server, factory } = await start({ contactNaming: 'personalinfo' });
    const source = factory.forLogin(TOP_LEVEL);

    await source.existingRecordNos('employee', ['1', '2']);
    await all(source.listCustomers());
    await all(source.listDepartments());

    expect(server.queries()).toHaveLength(3);
    expect(server.queries()[0]!.fields).toEqual(['RECORDNO']);
  });

  it('a query refused in both namings fails with the first refusal, and nothing is remembered', async () => {
    const namings = new EmployeeContactNamings();
    const refuseEmployees = (request: { query?: { object: string } }) =>
      request.query?.object === 'EMPLOYEE' ? queryFailureAnswer('Invalid object: EMPLOYEE') : undefined;
    const { company: server } = await start({ intercept: refuseEmployees });
    const { XmlGatewaySource } = await import('#intacct/source');
    const { IntacctClient } = await import('#intacct/client');
    const client = new IntacctClient({
      endpointUrl: server.endpointUrl,
      credentials: { senderId: 'psaVendor', senderPassword: 'sender-pass', ...TOP_LEVEL },
    });
    const source = new XmlGatewaySource(client, { employeeContactNamings: namings });

    const error = await source.browseEmployees({ limit: 2 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );

    expect(error).toMatchObject({ code: 'intacct_query_failed' });
    expect(server.queries()).toHaveLength(2);
    expect(contactFields(server.queries()[0]!.fields)[0]).toMatch(/^CONTACT\./);
    expect(contactFields(server.queries()[1]!.fields)[0]).toMatch(/^PERSONALINFO\./);
    expect(namings.of(client.company)).toEqual({ naming: 'contact', confirmed: false });
  });

  it('a confirmed naming is never second-guessed: a later refusal fails at once', async () => {
    let refuse = false;
    const { company: server, factory } = await start({
      intercept: (request) =>
        refuse && request.query?.object === 'EMPLOYEE' ? queryFailureAnswer('Invalid field: STARTDATE on object EMPLOYEE') : undefined,
    });
    const source = factory.forLogin(TOP_LEVEL);
    await source.browseEmployees({ limit: 1 });
    refuse = true;
    const before = server.queries().length;

    const error = await source.browseEmployees({ limit: 1 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );

    expect(error).toMatchObject({ code: 'intacct_query_failed' });
    expect(server.queries().length - before).toBe(1);
  });
});
