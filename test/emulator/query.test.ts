import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway } from './gateway-client';

type Row = Record<string, string>;

const CUSTOMER_COUNT = 260;
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';
const FIELDS = ['RECORDNO', 'CUSTOMERID', 'NAME', 'STATUS', `${MAIL}.CITY`, `${MAIL}.ZIP`, `${MAIL}.COUNTRYCODE`, `${MAIL}.ADDRESS2`, 'WHENMODIFIED'];

/** MM/DD/YYYY HH:MM:SS as a sortable number, for computing expectations independently. */
function stamp(text: string): number {
  const [date = '', time = ''] = text.split(' ');
  const [month, day, year] = date.split('/');
  return Number(`${year}${month}${day}${time.replace(/:/g, '')}`);
}

describe('query: paging, selection, filters, ordering, limits', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let all: Row[];

  async function queryRows(parts: Partial<Parameters<typeof queryXml>[0]>): Promise<{ data: Record<string, unknown>; rows: Row[] }> {
    const data = await gateway.data(queryXml({ object: 'CUSTOMER', fields: FIELDS, pagesize: 2000, ...parts }));
    return { data, rows: (data.CUSTOMER ?? []) as Row[] };
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [{ companyId: 'QCO', userId: 'u', userPassword: 'p', customers: CUSTOMER_COUNT, employees: 30, departments: 5, seed: 99 }],
    });
    gateway = new TestGateway(emulator);
    all = (await queryRows({})).rows;
  });
  afterAll(() => emulator.close());

  it('pages with totalcount, offset, count and numremaining, in RECORDNO order without gaps or repeats', async () => {
    const seen: string[] = [];
    const pages: string[][] = [];
    for (let offset = 0; offset < CUSTOMER_COUNT; offset += 100) {
      const data = await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], pagesize: 100, offset }));
      pages.push([data['@_totalcount'], data['@_offset'], data['@_count'], data['@_numremaining']]);
      seen.push(...data.CUSTOMER.map((row: Row) => row.RECORDNO));
    }

    expect(pages).toEqual([
      ['260', '0', '100', '160'],
      ['260', '100', '100', '60'],
      ['260', '200', '60', '0'],
    ]);
    expect(seen).toEqual(all.map((row) => row.RECORDNO));
    const numbers = seen.map(Number);
    expect(numbers.every((value, index) => index === 0 || value > (numbers[index - 1] as number))).toBe(true);
  });

  it('uses a page size of 100 by default', async () => {
    const data = await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'] }));

    expect([data['@_count'], data['@_numremaining']]).toEqual(['100', '160']);
  });

  it('returns exactly the selected fields, in the selected order, dotted names kept and empty values as empty elements', async () => {
    const answer = await gateway.post([{ xml: queryXml({ object: 'customer', fields: ['name', `${MAIL}.ADDRESS3`, 'RECORDNO'], pagesize: 1 }) }]);

    const record = /<CUSTOMER>(.*?)<\/CUSTOMER>/.exec(answer.text)?.[1] ?? '';
    expect(record).toMatch(
      /^<NAME>[^<]*<\/NAME><DISPLAYCONTACT\.MAILADDRESS\.ADDRESS3>[^<]*<\/DISPLAYCONTACT\.MAILADDRESS\.ADDRESS3><RECORDNO>\d+<\/RECORDNO>$/,
    );
    expect(answer.text).toContain('<data listtype="CUSTOMER" totalcount="260" offset="0" count="1" numremaining="259">');
    const withEmpty = await gateway.post([{ xml: queryXml({ object: 'CUSTOMER', fields: [`${MAIL}.ADDRESS2`], pagesize: 50 }) }]);
    expect(withEmpty.text).toContain(`<${MAIL}.ADDRESS2></${MAIL}.ADDRESS2>`);
  });

  it('answers a self-closing data element when nothing matches', async () => {
    const answer = await gateway.post([
      { xml: queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], filter: '<equalto><field>NAME</field><value>no such name</value></equalto>' }) },
    ]);

    expect(answer.text).toContain('<data listtype="CUSTOMER" totalcount="0" offset="0" count="0" numremaining="0"/>');
  });

  it('answers no records past the end', async () => {
    const { data, rows } = await queryRows({ offset: 5000 });

    expect(rows).toEqual([]);
    expect([data['@_totalcount'], data['@_count'], data['@_numremaining']]).toEqual(['260', '0', '0']);
  });

  const city = (row: Row): string => row[`${MAIL}.CITY`] ?? '';
  const zip = (row: Row): string => row[`${MAIL}.ZIP`] ?? '';
  const recordNo = (row: Row): number => Number(row.RECORDNO);
  const filterCases: [string, string, (row: Row) => boolean][] = [
    ['equalto', `<equalto><field>${MAIL}.COUNTRYCODE</field><value>NO</value></equalto>`, (row) => row[`${MAIL}.COUNTRYCODE`] === 'NO'],
    ['notequalto (empty counts as null)', `<notequalto><field>STATUS</field><value>active</value></notequalto>`, (row) => row.STATUS === 'inactive'],
    ['lessthan on an integer', '<lessthan><field>RECORDNO</field><value>50</value></lessthan>', (row) => recordNo(row) < 50],
    ['lessthanorequalto', '<lessthanorequalto><field>RECORDNO</field><value>50</value></lessthanorequalto>', (row) => recordNo(row) <= 50],
    [
      'greaterthan on a timestamp',
      '<greaterthan><field>WHENMODIFIED</field><value>03/31/2025 23:59:59</value></greaterthan>',
      (row) => stamp(row.WHENMODIFIED ?? '') > 20250331235959,
    ],
    [
      'greaterthanorequalto on a timestamp',
      '<greaterthanorequalto><field>WHENMODIFIED</field><value>03/31/2025 23:59:59</value></greaterthanorequalto>',
      (row) => stamp(row.WHENMODIFIED ?? '') >= 20250331235959,
    ],
    ['between', '<between><field>RECORDNO</field><value>20</value><value>40</value></between>', (row) => recordNo(row) >= 20 && recordNo(row) <= 40],
    [
      'in',
      `<in><field>${MAIL}.CITY</field><value>Tromsø</value><value>Zürich</value><value>São Paulo</value></in>`,
      (row) => ['Tromsø', 'Zürich', 'São Paulo'].includes(city(row)),
    ],
    [
      'notin',
      `<notin><field>${MAIL}.COUNTRYCODE</field><value>US</value><value>GB</value></notin>`,
      (row) => !['', 'US', 'GB'].includes(row[`${MAIL}.COUNTRYCODE`] ?? ''),
    ],
    ['like', '<like><field>NAME</field><value>%&amp;%</value></like>', (row) => (row.NAME ?? '').includes('&')],
    ['notlike', `<notlike><field>${MAIL}.ZIP</field><value>0%</value></notlike>`, (row) => zip(row) !== '' && !zip(row).startsWith('0')],
    ['isnull', `<isnull><field>${MAIL}.ADDRESS2</field></isnull>`, (row) => (row[`${MAIL}.ADDRESS2`] ?? '') === ''],
    ['isnotnull', `<isnotnull><field>${MAIL}.ADDRESS2</field></isnotnull>`, (row) => (row[`${MAIL}.ADDRESS2`] ?? '') !== ''],
    [
      'and with nested or',
      `<and><equalto><field>STATUS</field><value>active</value></equalto><or><like><field>${MAIL}.ZIP</field><value>0%</value></like><equalto><field>${MAIL}.COUNTRYCODE</field><value>DE</value></equalto></or></and>`,
      (row) => row.STATUS === 'active' && (zip(row).startsWith('0') || row[`${MAIL}.COUNTRYCODE`] === 'DE'),
    ],
    [
      'or of two ands',
      '<or><and><lessthan><field>RECORDNO</field><value>10</value></lessthan><greaterthan><field>RECORDNO</field><value>3</value></greaterthan></and><and><greaterthan><field>RECORDNO</field><value>250</value></greaterthan></and></or>',
      (row) => (recordNo(row) < 10 && recordNo(row) > 3) || recordNo(row) > 250,
    ],
  ];

  it.each(filterCases)('filters with %s', async (_label, filter, predicate) => {
    const expected = all.filter(predicate).map((row) => row.RECORDNO);

    const { data, rows } = await queryRows({ filter });

    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((row) => row.RECORDNO)).toEqual(expected);
    expect(data['@_totalcount']).toBe(String(expected.length));
  });

  it('keeps zips as text, leading zeros included', async () => {
    const { rows } = await queryRows({ filter: `<like><field>${MAIL}.ZIP</field><value>0%</value></like>` });

    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => zip(row).startsWith('0'))).toBe(true);
  });

  it('orders by a text field descending', async () => {
    const { rows } = await queryRows({ orderby: '<order><field>NAME</field><descending/></order>' });

    const names = rows.map((row) => row.NAME ?? '');
    expect(names).toEqual([...names].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it('orders by WHENMODIFIED then RECORDNO, pages included', async () => {
    const orderby = '<order><field>WHENMODIFIED</field><ascending/></order><order><field>RECORDNO</field><ascending/></order>';
    const expected = [...all]
      .sort((a, b) => stamp(a.WHENMODIFIED ?? '') - stamp(b.WHENMODIFIED ?? '') || recordNo(a) - recordNo(b))
      .map((row) => row.RECORDNO);

    const firstPage = await queryRows({ orderby, pagesize: 150 });
    const secondPage = await queryRows({ orderby, pagesize: 150, offset: 150 });

    expect([...firstPage.rows, ...secondPage.rows].map((row) => row.RECORDNO)).toEqual(expected);
  });

  it('orders by RECORDNO descending', async () => {
    const { rows } = await queryRows({ orderby: '<order><field>RECORDNO</field><descending/></order>' });

    expect(rows.map((row) => row.RECORDNO)).toEqual(all.map((row) => row.RECORDNO).reverse());
  });

  it('compares case-insensitively only with options/caseinsensitive', async () => {
    const name = all[0]?.NAME ?? '';
    const filter = `<equalto><field>NAME</field><value>${name.toUpperCase().replace(/&/g, '&amp;').replace(/</g, '&lt;')}</value></equalto>`;

    const strict = await queryRows({ filter });
    const relaxed = await queryRows({ filter, options: '<caseinsensitive>true</caseinsensitive><showprivate>true</showprivate>' });

    expect(strict.rows.some((row) => row.RECORDNO === all[0]?.RECORDNO)).toBe(name === name.toUpperCase());
    expect(relaxed.rows.some((row) => row.RECORDNO === all[0]?.RECORDNO)).toBe(true);
  });

  it.each([
    ['2001', 'pagesize'],
    ['0', 'pagesize'],
    ['abc', 'pagesize'],
  ])('refuses pagesize %s', async (pagesize) => {
    const result = await gateway.result(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], pagesize }));

    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0].description2).toMatch(/pagesize/);
  });

  it('accepts the maximum page size of 2000', async () => {
    const result = await gateway.result(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], pagesize: 2000 }));

    expect(result.status).toBe('success');
  });

  it.each([
    ['an unknown select field', queryXml({ object: 'CUSTOMER', fields: ['NAMEX'] }), /Invalid field: NAMEX on object CUSTOMER/],
    [
      'an unknown filter field',
      queryXml({ object: 'CUSTOMER', fields: ['NAME'], filter: '<equalto><field>NOPE</field><value>1</value></equalto>' }),
      /Invalid field: NOPE/,
    ],
    [
      'an unknown orderby field',
      queryXml({ object: 'CUSTOMER', fields: ['NAME'], orderby: '<order><field>NOPE</field></order>' }),
      /Invalid field: NOPE/,
    ],
    ['an unknown object', queryXml({ object: 'INVOICE', fields: ['NAME'] }), /Object definition INVOICE not found/],
    [
      'an unknown operator',
      queryXml({ object: 'CUSTOMER', fields: ['NAME'], filter: '<resembles><field>NAME</field><value>1</value></resembles>' }),
      /operator/,
    ],
    [
      'a bad timestamp',
      queryXml({ object: 'CUSTOMER', fields: ['NAME'], filter: '<greaterthan><field>WHENMODIFIED</field><value>yesterday</value></greaterthan>' }),
      /Invalid value/,
    ],
  ])('fails the function on %s, with errorno, a Support ID and a correction', async (_label, xml, description) => {
    const result = await gateway.result(xml);

    expect(result.status).toBe('failure');
    expect(result.function).toBe('query');
    const [error] = result.errormessage.error;
    expect(error.errorno).toBe('Query Failed');
    expect(error.description2).toMatch(description);
    expect(error.description2).toMatch(/\[Support ID: [^\]]+\]$/);
    expect(error.correction).not.toBe('');
  });

  it('queries employees and departments with their dotted and plain fields', async () => {
    const employees = await gateway.data(
      queryXml({ object: 'EMPLOYEE', fields: ['EMPLOYEEID', 'CONTACT.CONTACTNAME', 'DEPARTMENTID', 'STARTDATE'] }),
    );
    const departments = await gateway.data(queryXml({ object: 'DEPARTMENT', fields: ['DEPARTMENTID', 'TITLE'] }));

    expect(employees['@_listtype']).toBe('EMPLOYEE');
    expect(employees.EMPLOYEE).toHaveLength(30);
    const departmentIds = new Set(departments.DEPARTMENT.map((row: Row) => row.DEPARTMENTID));
    for (const employee of employees.EMPLOYEE as Row[]) {
      if (employee.DEPARTMENTID) expect(departmentIds.has(employee.DEPARTMENTID)).toBe(true);
      if (employee.STARTDATE) expect(employee.STARTDATE).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    }
  });
});
