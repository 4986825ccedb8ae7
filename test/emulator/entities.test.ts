import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import type { Auth } from './gateway-client';
import { parseAnswer, queryXml, TestGateway } from './gateway-client';

type Row = Record<string, string>;

const ENTITY_FIELDS = ['RECORDNO', 'MEGAENTITYID', 'MEGAENTITYNAME'];
const SHOW_PRIVATE = '<showprivate>true</showprivate>';
const COMPANY = { companyId: 'NORTHWIND', userId: 'ws_north', userPassword: 'north-pass' };

function customersXml(options?: string): string {
  return queryXml({ object: 'CUSTOMER', fields: ENTITY_FIELDS, pagesize: 2000, ...(options ? { options } : {}) });
}

function ownersOf(rows: Row[]): Set<string> {
  return new Set(rows.map((row) => row.MEGAENTITYID ?? ''));
}

describe('multi-entity companies', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let everyCustomer: Row[];

  function entityLogin(locationId: string): Auth {
    const { userId, companyId, userPassword } = gateway.company;
    return { login: { userId, companyId, password: userPassword, locationId } };
  }

  async function rows(xml: string, auth: Auth = gateway.login, object = 'CUSTOMER'): Promise<Row[]> {
    const data = await gateway.data(xml, auth);
    return (data[object] ?? []) as Row[];
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [{ ...COMPANY, customers: 120, employees: 60, departments: 10, seed: 21, entities: 3 }],
    });
    gateway = new TestGateway(emulator);
    everyCustomer = await rows(customersXml(SHOW_PRIVATE));
  });
  afterAll(() => emulator.close());

  it('names its entities E100, E200, ... after the company, and reports them with its credentials', () => {
    expect(emulator.companies[0]?.entities).toEqual([
      { entityId: 'E100', name: 'Northwind East' },
      { entityId: 'E200', name: 'Northwind West' },
      { entityId: 'E300', name: 'Northwind North' },
    ]);
  });

  it('spreads records over every entity and keeps some shared, each with MEGAENTITYID and MEGAENTITYNAME', () => {
    const names = new Map(everyCustomer.map((row) => [row.MEGAENTITYID, row.MEGAENTITYNAME]));

    expect(everyCustomer).toHaveLength(120);
    expect(ownersOf(everyCustomer)).toEqual(new Set(['', 'E100', 'E200', 'E300']));
    expect(Object.fromEntries(names)).toEqual({ '': '', E100: 'Northwind East', E200: 'Northwind West', E300: 'Northwind North' });
    expect(everyCustomer.every((row) => 'MEGAENTITYID' in row && 'MEGAENTITYNAME' in row)).toBe(true);
  });

  it('a top-level query lists only shared records, unless it asks for showprivate', async () => {
    const shared = await rows(customersXml());
    const data = await gateway.data(customersXml());

    expect(ownersOf(shared)).toEqual(new Set(['']));
    expect(shared.map((row) => row.RECORDNO)).toEqual(everyCustomer.filter((row) => row.MEGAENTITYID === '').map((row) => row.RECORDNO));
    expect(data['@_totalcount']).toBe(String(shared.length));
  });

  it('readByQuery takes no showprivate: at the top level it lists the shared records, page after page', async () => {
    const first = await gateway.data(
      '<readByQuery><object>CUSTOMER</object><fields>RECORDNO,MEGAENTITYID</fields><query></query><pagesize>10</pagesize><showprivate>true</showprivate></readByQuery>',
    );
    const seen: Row[] = [...first.customer];
    let remaining = Number(first['@_numremaining']);
    let resultId = first['@_resultId'];
    while (remaining > 0) {
      const more = await gateway.data(`<readMore><resultId>${resultId}</resultId></readMore>`);
      seen.push(...more.customer);
      remaining = Number(more['@_numremaining']);
      resultId = more['@_resultId'];
    }

    expect(ownersOf(seen)).toEqual(new Set(['']));
    expect(seen).toHaveLength(everyCustomer.filter((row) => row.MEGAENTITYID === '').length);
  });

  it.each(['E100', 'E200', 'E300'])("a login at %s sees its own private records and the shared ones, never another entity's", async (entityId) => {
    const expected = everyCustomer.filter((row) => row.MEGAENTITYID === '' || row.MEGAENTITYID === entityId).map((row) => row.RECORDNO);

    const withoutOption = await rows(customersXml(), entityLogin(entityId));
    const withShowPrivate = await rows(customersXml(SHOW_PRIVATE), entityLogin(entityId));

    expect(withoutOption.map((row) => row.RECORDNO)).toEqual(expected);
    expect(withShowPrivate.map((row) => row.RECORDNO)).toEqual(expected);
    expect(ownersOf(withoutOption)).toEqual(new Set(['', entityId]));
  });

  it('getAPISession at an entity answers its locationid, and the session reads at that entity', async () => {
    const answer = parseAnswer((await gateway.post([{ xml: '<getAPISession/>' }], entityLogin('E200'))).text).response.operation;
    const sessionId = answer.result[0].data.api.sessionid;

    const listed = await rows(customersXml(SHOW_PRIVATE), { sessionId });
    const later = parseAnswer((await gateway.post([{ xml: customersXml() }], { sessionId })).text).response.operation;

    expect(answer.authentication.locationid).toBe('E200');
    expect(answer.result[0].data.api.locationid).toBe('E200');
    expect(ownersOf(listed)).toEqual(new Set(['', 'E200']));
    expect(later.authentication.locationid).toBe('E200');
  });

  it('getAPISession with a <locationid> opens a session at another level: an entity, or the top with an empty one', async () => {
    const topSession = await gateway.sessionId();

    const toEntity = await gateway.data('<getAPISession><locationid>E300</locationid></getAPISession>', { sessionId: topSession });
    const backToTop = await gateway.data('<getAPISession><locationid></locationid></getAPISession>', { sessionId: toEntity.api.sessionid });

    expect(toEntity.api.locationid).toBe('E300');
    expect(toEntity.api.sessionid).not.toBe(topSession);
    expect(ownersOf(await rows(customersXml(SHOW_PRIVATE), { sessionId: toEntity.api.sessionid }))).toEqual(new Set(['', 'E300']));
    expect(backToTop.api.locationid).toBe('');
    expect(ownersOf(await rows(customersXml(SHOW_PRIVATE), { sessionId: backToTop.api.sessionid }))).toEqual(ownersOf(everyCustomer));
  });

  it('refuses an unknown locationid at login (authentication level) and in getAPISession (result level)', async () => {
    const login = parseAnswer((await gateway.post([{ xml: customersXml() }], entityLogin('E999'))).text).response.operation;
    const switched = await gateway.result('<getAPISession><locationid>E999</locationid></getAPISession>');

    expect(login.authentication).toMatchObject({ status: 'failure', locationid: 'E999' });
    expect(login.errormessage.error[0]).toMatchObject({ errorno: 'XL03000006', description: 'Invalid location' });
    expect(login.result).toBeUndefined();
    expect(switched.status).toBe('failure');
    expect(switched.errormessage.error[0]).toMatchObject({ errorno: 'XL03000006', description: 'Invalid location' });
  });

  it("keeps references inside what an entity can see: a private employee's department is its own entity's or shared", async () => {
    const employees = await rows(
      queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', 'DEPARTMENTKEY', 'MEGAENTITYID'], pagesize: 2000, options: SHOW_PRIVATE }),
      gateway.login,
      'EMPLOYEE',
    );
    const departments = await rows(
      queryXml({ object: 'DEPARTMENT', fields: ['RECORDNO', 'MEGAENTITYID'], pagesize: 2000, options: SHOW_PRIVATE }),
      gateway.login,
      'DEPARTMENT',
    );
    const departmentOwner = new Map(departments.map((row) => [row.RECORDNO, row.MEGAENTITYID]));

    for (const employee of employees) {
      const owner = employee.DEPARTMENTKEY ? departmentOwner.get(employee.DEPARTMENTKEY) : '';
      expect(owner === '' || owner === employee.MEGAENTITYID).toBe(true);
    }
    expect(ownersOf(employees).size).toBeGreaterThan(1);
  });

  it('creates at an entity make private records, creates at the top level shared ones', async () => {
    const atEntity = await gateway.data(
      '<create><CUSTOMER><CUSTOMERID>ENT-NEW</CUSTOMERID><NAME>Entity Customer</NAME></CUSTOMER></create>',
      entityLogin('E100'),
    );
    const atTop = await gateway.data('<create><CUSTOMER><CUSTOMERID>TOP-NEW</CUSTOMERID><NAME>Top Customer</NAME></CUSTOMER></create>');
    const filter = '<in><field>CUSTOMERID</field><value>ENT-NEW</value><value>TOP-NEW</value></in>';

    const created = await rows(queryXml({ object: 'CUSTOMER', fields: ['CUSTOMERID', ...ENTITY_FIELDS], filter, options: SHOW_PRIVATE }));
    const seenFromE200 = await rows(queryXml({ object: 'CUSTOMER', fields: ['CUSTOMERID'], filter }), entityLogin('E200'));

    expect(atEntity.customer[0].CUSTOMERID).toBe('ENT-NEW');
    expect(atTop.customer[0].CUSTOMERID).toBe('TOP-NEW');
    expect(created.map((row) => [row.CUSTOMERID, row.MEGAENTITYID, row.MEGAENTITYNAME])).toEqual([
      ['ENT-NEW', 'E100', 'Northwind East'],
      ['TOP-NEW', '', ''],
    ]);
    expect(seenFromE200.map((row) => row.CUSTOMERID)).toEqual(['TOP-NEW']);
  });

  it("an entity-level session changes only its own records: not shared ones, not another entity's", async () => {
    const own = everyCustomer.find((row) => row.MEGAENTITYID === 'E100');
    const shared = everyCustomer.find((row) => row.MEGAENTITYID === '');
    const other = everyCustomer.find((row) => row.MEGAENTITYID === 'E200');
    const update = (recordNo: string | undefined) => `<update><CUSTOMER><RECORDNO>${recordNo}</RECORDNO><NAME>Renamed</NAME></CUSTOMER></update>`;

    const ownResult = await gateway.result(update(own?.RECORDNO), entityLogin('E100'));
    const sharedResult = await gateway.result(update(shared?.RECORDNO), entityLogin('E100'));
    const otherResult = await gateway.result(update(other?.RECORDNO), entityLogin('E100'));

    expect(ownResult.status).toBe('success');
    expect(sharedResult.status).toBe('failure');
    expect(sharedResult.errormessage.error[0].description2).toMatch(/top-level CUSTOMER from an entity-level session/);
    expect(otherResult.status).toBe('failure');
    expect(otherResult.errormessage.error[0].description2).toMatch(/No CUSTOMER with RECORDNO/);
  });

  it('read and readByName answer an entity-level session only what it may see, a top-level one only shared records', async () => {
    const ids = await rows(
      queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'CUSTOMERID', 'MEGAENTITYID'], pagesize: 2000, options: SHOW_PRIVATE }),
    );
    const own = ids.find((row) => row.MEGAENTITYID === 'E300');
    const other = ids.find((row) => row.MEGAENTITYID === 'E100');
    const keys = `${own?.RECORDNO},${other?.RECORDNO}`;
    const names = `${own?.CUSTOMERID},${other?.CUSTOMERID}`;

    const read = await gateway.data(
      `<read><object>CUSTOMER</object><keys>${keys}</keys><fields>RECORDNO,MEGAENTITYID</fields></read>`,
      entityLogin('E300'),
    );
    const byName = await gateway.data(
      `<readByName><object>CUSTOMER</object><keys>${names}</keys><fields>RECORDNO</fields></readByName>`,
      entityLogin('E300'),
    );
    const topRead = await gateway.data(`<read><object>CUSTOMER</object><keys>${keys}</keys><fields>RECORDNO</fields></read>`);

    expect(read.CUSTOMER.map((row: Row) => [row.RECORDNO, row.MEGAENTITYID])).toEqual([[own?.RECORDNO, 'E300']]);
    expect(byName.CUSTOMER.map((row: Row) => row.RECORDNO)).toEqual([own?.RECORDNO]);
    expect(topRead['@_count']).toBe('0');
  });
});
