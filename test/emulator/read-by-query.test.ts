import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway, x } from './gateway-client';

type Row = Record<string, string>;
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';

function readByQuery(object: string, query: string, fields = 'RECORDNO,NAME', pagesize?: number): string {
  const size = pagesize === undefined ? '' : `<pagesize>${pagesize}</pagesize>`;
  return `<readByQuery><object>${object}</object><fields>${fields}</fields><query>${x(query)}</query>${size}</readByQuery>`;
}

describe('readByQuery and readMore', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let all: Row[];

  async function recordNos(query: string): Promise<string[]> {
    const data = await gateway.data(readByQuery('customer', query, 'RECORDNO', 1000));
    return ((data.customer ?? []) as Row[]).map((row) => row.RECORDNO ?? '');
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [{ companyId: 'RBQ', userId: 'u', userPassword: 'p', customers: 230, departments: 3, seed: 5 }],
    });
    gateway = new TestGateway(emulator);
    await gateway.data(
      `<create><CUSTOMER><CUSTOMERID>JANE</CUSTOMERID><NAME>Jane's Deli</NAME></CUSTOMER><CUSTOMER><CUSTOMERID>QUOTE</CUSTOMERID><NAME>Back\\slash "Quoted"</NAME></CUSTOMER></create>`,
    );
    const data = await gateway.data(
      queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'NAME', 'STATUS', `${MAIL}.CITY`, `${MAIL}.ADDRESS2`, 'PARENTID'], pagesize: 2000 }),
    );
    all = data.CUSTOMER;
  });
  afterAll(() => emulator.close());

  it('answers lower-case records with every field for *, a resultId, and readMore continues to the end', async () => {
    const first = await gateway.data(readByQuery('customer', '', '*', 100));
    const resultId = first['@_resultId'];
    const second = await gateway.data(`<readMore><resultId>${resultId}</resultId></readMore>`);
    const third = await gateway.data(`<readMore><resultId>${resultId}</resultId></readMore>`);

    expect(first['@_listtype']).toBe('customer');
    expect(resultId).toMatch(/\S+/);
    expect(Object.keys(first.customer[0])).toEqual(expect.arrayContaining(['RECORDNO', 'CUSTOMERID', `${MAIL}.ZIP`, 'WHENCREATED', 'WHENMODIFIED']));
    expect([first['@_count'], first['@_totalcount'], first['@_numremaining']]).toEqual(['100', '232', '132']);
    expect([second['@_count'], second['@_numremaining']]).toEqual(['100', '32']);
    expect([third['@_count'], third['@_numremaining']]).toEqual(['32', '0']);
    const seen = [...first.customer, ...second.customer, ...third.customer].map((row: Row) => row.RECORDNO);
    expect(seen).toEqual(all.map((row) => row.RECORDNO));
  });

  it('fails readMore on a result id that is read to the end or unknown', async () => {
    const first = await gateway.data(readByQuery('CUSTOMER', "CUSTOMERID = 'JANE'"));

    const again = await gateway.result(`<readMore><resultId>${first['@_resultId']}</resultId></readMore>`);
    const unknown = await gateway.result('<readMore><resultId>nope</resultId></readMore>');

    expect(first['@_numremaining']).toBe('0');
    expect(again.status).toBe('failure');
    expect(unknown.status).toBe('failure');
    expect(unknown.errormessage.error[0].description2).toMatch(/resultId/);
  });

  it('matches a backslash-escaped quote inside a string', async () => {
    const data = await gateway.data(readByQuery('customer', "NAME = 'Jane\\'s Deli'"));

    expect(data.customer).toEqual([{ RECORDNO: expect.any(String), NAME: "Jane's Deli" }]);
  });

  it('matches escaped backslashes and double quotes', async () => {
    const data = await gateway.data(readByQuery('customer', 'NAME = \'Back\\\\slash "Quoted"\''));

    expect(data.customer?.[0]?.NAME).toBe('Back\\slash "Quoted"');
  });

  const recordNo = (row: Row): number => Number(row.RECORDNO);
  const cases: [string, (row: Row) => boolean][] = [
    ['RECORDNO < 20', (row) => recordNo(row) < 20],
    ['RECORDNO <= 20', (row) => recordNo(row) <= 20],
    ['RECORDNO > 200', (row) => recordNo(row) > 200],
    ['RECORDNO >= 200', (row) => recordNo(row) >= 200],
    ["STATUS = 'F'", (row) => row.STATUS === 'inactive'],
    ["STATUS != 'T'", (row) => row.STATUS === 'inactive'],
    ["STATUS <> 'inactive'", (row) => row.STATUS === 'active'],
    [`${MAIL}.CITY IN ('Tromsø', 'Zürich', 'São Paulo')`, (row) => ['Tromsø', 'Zürich', 'São Paulo'].includes(row[`${MAIL}.CITY`] ?? '')],
    [`${MAIL}.CITY NOT IN ('Boston')`, (row) => !['', 'Boston'].includes(row[`${MAIL}.CITY`] ?? '')],
    ["NAME LIKE '%&%'", (row) => (row.NAME ?? '').includes('&')],
    ["NAME NOT LIKE 'O%'", (row) => !(row.NAME ?? '').startsWith('O')],
    [`${MAIL}.ADDRESS2 IS NULL`, (row) => (row[`${MAIL}.ADDRESS2`] ?? '') === ''],
    [`${MAIL}.ADDRESS2 is not null`, (row) => (row[`${MAIL}.ADDRESS2`] ?? '') !== ''],
    ["RECORDNO < 10 OR RECORDNO > 220 AND STATUS = 'T'", (row) => recordNo(row) < 10 || (recordNo(row) > 220 && row.STATUS === 'active')],
    ["(RECORDNO < 10 OR RECORDNO > 220) AND STATUS = 'T'", (row) => (recordNo(row) < 10 || recordNo(row) > 220) && row.STATUS === 'active'],
  ];

  it.each(cases)('filters with %s', async (query, predicate) => {
    const expected = all.filter(predicate).map((row) => row.RECORDNO);

    const actual = await recordNos(query);

    expect(expected.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it.each([
    ['a page size over 1000', readByQuery('customer', '', '*', 1001), /pagesize/],
    ['an unknown field in the query', readByQuery('customer', "NAMEX = 'a'"), /Invalid field: NAMEX/],
    ['an unknown field in the fields list', readByQuery('customer', '', 'RECORDNO,NAMEX'), /Invalid field: NAMEX/],
    ['an unknown object', readByQuery('invoice', ''), /Object definition invoice not found/],
    ['a syntax error', readByQuery('customer', "NAME = 'open"), /Invalid query/],
    ['a dangling operator', readByQuery('customer', 'RECORDNO >'), /Invalid query/],
  ])('fails the function on %s', async (_label, xml, description) => {
    const result = await gateway.result(xml);

    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0].description2).toMatch(description);
    expect(result.errormessage.error[0].description2).toMatch(/\[Support ID: /);
  });

  it('reads departments with the fixture shape', async () => {
    const answer = await gateway.post([{ xml: readByQuery('department', "DEPARTMENTID = 'CONS'", 'RECORDNO,DEPARTMENTID,TITLE') }]);

    expect(answer.text).toMatch(
      /<data listtype="department" count="1" totalcount="1" numremaining="0" resultId="[^"]+"><department><RECORDNO>\d+<\/RECORDNO><DEPARTMENTID>CONS<\/DEPARTMENTID><TITLE>Consulting<\/TITLE><\/department><\/data>/,
    );
  });
});
