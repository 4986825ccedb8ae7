import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway } from '../emulator/gateway-client';
import type { SignIn } from './oauth-flow';
import { connect, query } from './oauth-flow';

const COMPANY = { companyId: 'NORTHWIND', userId: 'ws_north', userPassword: 'north-pass', customers: 57, employees: 20, departments: 6, seed: 9 };
const SIGN_IN: SignIn = { companyId: 'NORTHWIND', userId: 'ws_north', password: 'north-pass' };
const CUSTOMER = 'accounts-receivable/customer';

type Row = Record<string, string>;

describe('the REST query service', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let token: string;
  let xmlCustomers: Row[];

  async function xmlRows(object: string, fields: string[]): Promise<Row[]> {
    const data = await gateway.data(queryXml({ object, fields, pagesize: 2000 }));
    return (data[object] ?? []) as Row[];
  }

  beforeAll(async () => {
    emulator = await startEmulator({ companies: [COMPANY] });
    gateway = new TestGateway(emulator);
    token = (await connect(emulator, SIGN_IN)).access;
    xmlCustomers = await xmlRows('CUSTOMER', ['RECORDNO', 'CUSTOMERID', 'NAME', 'STATUS', 'DISPLAYCONTACT.EMAIL1']);
  });
  afterEach(() => emulator.clearFaults());
  afterAll(() => emulator.close());

  it('pages through customers in key order with start, size, next and previous', async () => {
    const seen: string[] = [];
    const metas: unknown[] = [];
    let start: number | null = 1;
    while (start !== null) {
      const answer = await query(emulator, token, { object: CUSTOMER, fields: ['key', 'id'], start, size: 20 });
      expect(answer.status).toBe(200);
      seen.push(...answer.body['ia::result'].map((row: Row) => row.key));
      metas.push(answer.body['ia::meta']);
      start = answer.body['ia::meta'].next;
    }

    expect(seen).toEqual(xmlCustomers.map((row) => row.RECORDNO));
    expect(metas).toEqual([
      { totalCount: 57, start: 1, pageSize: 20, next: 21, previous: null },
      { totalCount: 57, start: 21, pageSize: 20, next: 41, previous: 1 },
      { totalCount: 57, start: 41, pageSize: 20, next: null, previous: 21 },
    ]);
  });

  it('the same record has the same key, id and values on the XML and the REST face', async () => {
    const answer = await query(emulator, token, { object: CUSTOMER, fields: ['key', 'id', 'name', 'status', 'contacts.default.email1'], size: 100 });

    const rest = answer.body['ia::result'];
    expect(rest).toEqual(
      xmlCustomers.map((row) => ({
        key: row.RECORDNO,
        id: row.CUSTOMERID,
        name: row.NAME,
        status: row.STATUS,
        contacts: { default: { email1: row['DISPLAYCONTACT.EMAIL1'] || null } },
      })),
    );
  });

  it('answers employees with primaryContact and department as nested objects, dates as YYYY-MM-DD', async () => {
    const xml = await xmlRows('EMPLOYEE', ['RECORDNO', 'EMPLOYEEID', 'DEPARTMENTID', 'STARTDATE', 'CONTACT.FIRSTNAME', 'CONTACT.LASTNAME']);
    const answer = await query(emulator, token, {
      object: 'company-config/employee',
      fields: ['key', 'id', 'primaryContact.firstName', 'primaryContact.lastName', 'department.id', 'startDate'],
    });

    const [first] = answer.body['ia::result'];
    const [xmlFirst] = xml;
    expect(answer.body['ia::result']).toHaveLength(xml.length);
    expect(first).toEqual({
      key: xmlFirst?.RECORDNO,
      id: xmlFirst?.EMPLOYEEID,
      primaryContact: { firstName: xmlFirst?.['CONTACT.FIRSTNAME'] || null, lastName: xmlFirst?.['CONTACT.LASTNAME'] || null },
      department: { id: xmlFirst?.DEPARTMENTID || null },
      startDate: xmlFirst?.STARTDATE ? xmlFirst.STARTDATE.replace(/^(\d{2})\/(\d{2})\/(\d{4})$/, '$3-$1-$2') : null,
    });
  });

  it('answers departments with activeNonPosting where the XML face says active non-posting', async () => {
    const xml = await xmlRows('DEPARTMENT', ['RECORDNO', 'STATUS']);
    const answer = await query(emulator, token, { object: 'company-config/department', fields: ['key', 'status'] });

    const expected = xml.map((row) => ({ key: row.RECORDNO, status: row.STATUS === 'active non-posting' ? 'activeNonPosting' : row.STATUS }));
    expect(answer.body['ia::result']).toEqual(expected);
  });

  it('filters with $eq and $in', async () => {
    const [one, two, three] = xmlCustomers;
    const byEq = await query(emulator, token, { object: CUSTOMER, fields: ['key'], filters: [{ $eq: { id: one?.CUSTOMERID } }] });
    const byIn = await query(emulator, token, {
      object: CUSTOMER,
      fields: ['key'],
      filters: [{ $in: { key: [two?.RECORDNO, three?.RECORDNO, '999999'] } }],
    });

    expect(byEq.body['ia::result']).toEqual([{ key: one?.RECORDNO }]);
    expect(byEq.body['ia::meta'].totalCount).toBe(1);
    expect(byIn.body['ia::result']).toEqual([{ key: two?.RECORDNO }, { key: three?.RECORDNO }]);
  });

  it('combines filters with and by default, or with filterExpression "or"', async () => {
    const [one, two] = xmlCustomers;
    const filters = [{ $eq: { id: one?.CUSTOMERID } }, { $eq: { id: two?.CUSTOMERID } }];

    const both = await query(emulator, token, { object: CUSTOMER, fields: ['key'], filters });
    const either = await query(emulator, token, { object: CUSTOMER, fields: ['key'], filters, filterExpression: 'or' });

    expect(both.body['ia::result']).toEqual([]);
    expect(either.body['ia::result']).toHaveLength(2);
  });

  it('compares keys as numbers with $gt, and orders by orderBy', async () => {
    const middle = xmlCustomers[30]?.RECORDNO ?? '';
    const answer = await query(emulator, token, {
      object: CUSTOMER,
      fields: ['key'],
      filters: [{ $gt: { key: middle } }],
      orderBy: [{ key: 'desc' }],
      size: 4000,
    });

    const expected = xmlCustomers.filter((row) => Number(row.RECORDNO) > Number(middle)).map((row) => ({ key: row.RECORDNO }));
    expect(answer.body['ia::result']).toEqual(expected.reverse());
  });

  it.each([
    ['an unknown object', { object: 'accounts-receivable/invoice-line-x', fields: ['key'] }, 'REST-1001'],
    ['an unknown field', { object: CUSTOMER, fields: ['key', 'nickname'] }, 'REST-1064'],
    ['an unknown filter field', { object: CUSTOMER, filters: [{ $eq: { nickname: 'x' } }] }, 'REST-1064'],
    ['an unknown operator', { object: CUSTOMER, filters: [{ $like: { name: 'x' } }] }, 'REST-1064'],
    ['a size over 4000', { object: CUSTOMER, size: 4001 }, 'REST-1064'],
    ['a start of 0', { object: CUSTOMER, start: 0 }, 'REST-1064'],
    ['an unknown property', { object: CUSTOMER, pagesize: 10 }, 'REST-1064'],
    ['a numbered filterExpression', { object: CUSTOMER, filters: [{ $eq: { id: 'a' } }], filterExpression: '1' }, 'REST-1064'],
  ])('refuses %s with 400 and an ia::error', async (_name, body, errorId) => {
    const answer = await query(emulator, token, body);

    expect(answer.status).toBe(400);
    expect(answer.body['ia::result']['ia::error']).toMatchObject({ code: 'invalidRequest', errorId });
    expect(answer.body['ia::meta']).toEqual({ totalCount: 1, totalSuccess: 0, totalError: 1 });
  });

  it('names the unknown field in the error details', async () => {
    const answer = await query(emulator, token, { object: CUSTOMER, fields: ['key', 'nickname'] });

    expect(answer.body['ia::result']['ia::error'].details).toEqual([expect.objectContaining({ target: '/fields/1', errorId: 'REST-1043' })]);
  });

  it('shares the company concurrency limit with the XML face', async () => {
    // Limit 2: two slow XML requests hold both slots, so a REST query meets 429.
    emulator.setFaults({ latencyMs: { base: 400, perRecord: 0 } });
    const xmlInFlight = [gateway.post([{ xml: '<getAPISession/>' }]), gateway.post([{ xml: '<getAPISession/>' }])];
    while (emulator.stats().maxConcurrent < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const rest = await query(emulator, token, { object: CUSTOMER, fields: ['key'] });
    await Promise.all(xmlInFlight);

    expect(rest.status).toBe(429);
    expect(rest.body['ia::result']['ia::error'].code).toBe('tooManyRequests');
    expect(emulator.stats().rejectedForConcurrency).toBeGreaterThanOrEqual(1);
  });

  it('REST queries in flight count against the XML face too', async () => {
    emulator.setRestFaults({ latencyMs: { base: 400, perRecord: 0 } });
    emulator.resetStats();
    const restInFlight = [
      query(emulator, token, { object: CUSTOMER, fields: ['key'] }),
      query(emulator, token, { object: CUSTOMER, fields: ['key'] }),
    ];
    while (emulator.stats().maxConcurrent < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const xml = await gateway.post([{ xml: '<getAPISession/>' }]);
    const rest = await Promise.all(restInFlight);

    expect(xml.status).toBe(429);
    expect(rest.map((answer) => answer.status)).toEqual([200, 200]);
  });

  it('answers a scripted 429 with Retry-After, and scripted faults as for XML', async () => {
    emulator.setRestFaults({ failNext: [{ kind: 'http429', retryAfterSeconds: 3 }, { kind: 'truncated' }] });

    const limited = await query(emulator, token, { object: CUSTOMER, fields: ['key'] });
    const truncated = await fetch(`${emulator.restBaseUrl}/services/core/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ object: CUSTOMER, fields: ['key'] }),
    });

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    await expect(truncated.text().then((text) => JSON.parse(text))).rejects.toThrow();
  });
});

describe('the REST query service in a multi-entity company', () => {
  let emulator: RunningEmulator;
  let xmlAll: Row[];

  beforeAll(async () => {
    emulator = await startEmulator({ companies: [{ ...COMPANY, entities: 3 }] });
    const gateway = new TestGateway(emulator);
    const data = await gateway.data(
      queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'MEGAENTITYID'], pagesize: 2000, options: '<showprivate>true</showprivate>' }),
    );
    xmlAll = data.CUSTOMER as Row[];
  });
  afterAll(() => emulator.close());

  async function keys(accessToken: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<string[]> {
    const answer = await query(emulator, accessToken, { object: CUSTOMER, fields: ['key'], size: 4000, ...body }, headers);
    expect(answer.status).toBe(200);
    return answer.body['ia::result'].map((row: Row) => row.key);
  }

  const keysOf = (rows: Row[]): string[] => rows.map((row) => row.RECORDNO ?? '');

  it('a top-level token sees shared records, all with includePrivate', async () => {
    const { access } = await connect(emulator, SIGN_IN);

    expect(await keys(access)).toEqual(keysOf(xmlAll.filter((row) => row.MEGAENTITYID === '')));
    expect(await keys(access, { filterParameters: { includePrivate: true } })).toEqual(keysOf(xmlAll));
  });

  it('a token approved at an entity, or the X-IA-API-Param-Entity header, reads at that entity', async () => {
    const { access: entityToken } = await connect(emulator, { ...SIGN_IN, entityId: 'E200' });
    const { access: topToken } = await connect(emulator, SIGN_IN);
    const expected = keysOf(xmlAll.filter((row) => row.MEGAENTITYID === '' || row.MEGAENTITYID === 'E200'));

    expect(await keys(entityToken)).toEqual(expected);
    expect(await keys(topToken, {}, { 'X-IA-API-Param-Entity': 'E200' })).toEqual(expected);
  });

  it('refuses an entity header naming another entity than the token, or none of the company', async () => {
    const { access } = await connect(emulator, { ...SIGN_IN, entityId: 'E200' });
    const { access: topToken } = await connect(emulator, SIGN_IN);

    expect((await query(emulator, access, { object: CUSTOMER }, { 'X-IA-API-Param-Entity': 'E100' })).status).toBe(400);
    expect((await query(emulator, topToken, { object: CUSTOMER }, { 'X-IA-API-Param-Entity': 'E900' })).status).toBe(400);
  });
});
