import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway, x } from './gateway-client';

type Row = Record<string, string>;
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';
const CUSTOMER_FIELDS = [
  'RECORDNO',
  'CUSTOMERID',
  'NAME',
  'STATUS',
  `${MAIL}.ADDRESS1`,
  `${MAIL}.ADDRESS2`,
  `${MAIL}.ADDRESS3`,
  `${MAIL}.CITY`,
  `${MAIL}.ZIP`,
  `${MAIL}.COUNTRY`,
  `${MAIL}.COUNTRYCODE`,
  'WHENCREATED',
  'WHENMODIFIED',
];
const AWKWARD_NAME = `O'Neill <Design> & "Söhne" Tromsø 北京`;

describe('create, update and delete', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  async function customer(recordNo: string): Promise<Row | undefined> {
    const data = await gateway.data(
      queryXml({ object: 'CUSTOMER', fields: CUSTOMER_FIELDS, filter: `<equalto><field>RECORDNO</field><value>${recordNo}</value></equalto>` }),
    );
    return data.CUSTOMER?.[0];
  }

  async function customerCount(): Promise<number> {
    const data = await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO'], pagesize: 1 }));
    return Number(data['@_totalcount']);
  }

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [{ companyId: 'WCO', userId: 'u', userPassword: 'p', customers: 20, employees: 5, departments: 3, seed: 3 }],
    });
    gateway = new TestGateway(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates a customer from nested elements and lists it flattened, awkward text intact', async () => {
    const before = await customerCount();

    const created = await gateway.data(
      `<create><CUSTOMER><NAME>${x(AWKWARD_NAME)}</NAME><DISPLAYCONTACT><PRINTAS>${x(AWKWARD_NAME)}</PRINTAS><MAILADDRESS>` +
        `<ADDRESS1>Strandgata 5</ADDRESS1><ADDRESS2></ADDRESS2><CITY>Tromsø</CITY><ZIP>0150</ZIP><COUNTRY>Norway</COUNTRY>` +
        `<COUNTRYCODE>NO</COUNTRYCODE></MAILADDRESS></DISPLAYCONTACT></CUSTOMER></create>`,
    );
    const recordNo = created.customer[0].RECORDNO;
    const listed = await customer(recordNo);

    expect(created['@_listtype']).toBe('objects');
    expect(Number(recordNo)).toBeGreaterThan(20);
    expect(await customerCount()).toBe(before + 1);
    expect(listed).toMatchObject({
      CUSTOMERID: created.customer[0].CUSTOMERID,
      NAME: AWKWARD_NAME,
      STATUS: 'active',
      [`${MAIL}.ADDRESS1`]: 'Strandgata 5',
      [`${MAIL}.ADDRESS2`]: '',
      [`${MAIL}.CITY`]: 'Tromsø',
      [`${MAIL}.ZIP`]: '0150',
      [`${MAIL}.COUNTRYCODE`]: 'NO',
    });
    expect(listed?.WHENCREATED).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(listed?.WHENMODIFIED).toBe(listed?.WHENCREATED);
  });

  it('gives new records ascending RECORDNOs', async () => {
    const first = await gateway.data('<create><CUSTOMER><NAME>First</NAME></CUSTOMER></create>');
    const second = await gateway.data('<create><CUSTOMER><NAME>Second</NAME></CUSTOMER></create>');

    expect(Number(second.customer[0].RECORDNO)).toBeGreaterThan(Number(first.customer[0].RECORDNO));
  });

  it('updates only the written fields, by RECORDNO, and moves WHENMODIFIED', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-01-02T03:04:05Z'));
    const created = await gateway.data(
      `<create><CUSTOMER><NAME>Before</NAME><DISPLAYCONTACT><MAILADDRESS><CITY>Zürich</CITY></MAILADDRESS></DISPLAYCONTACT></CUSTOMER></create>`,
    );
    const recordNo = created.customer[0].RECORDNO;

    vi.setSystemTime(new Date('2031-02-03T04:05:06Z'));
    const updated = await gateway.data(
      `<update><CUSTOMER><RECORDNO>${recordNo}</RECORDNO><NAME>${x('After & <Co> "quoted"')}</NAME><STATUS>inactive</STATUS></CUSTOMER></update>`,
    );
    const listed = await customer(recordNo);

    expect(updated.customer[0].RECORDNO).toBe(recordNo);
    expect(listed).toMatchObject({
      NAME: 'After & <Co> "quoted"',
      STATUS: 'inactive',
      [`${MAIL}.CITY`]: 'Zürich',
      WHENCREATED: '01/02/2031 03:04:05',
      WHENMODIFIED: '02/03/2031 04:05:06',
    });
  });

  it('deletes by comma-separated RECORDNOs', async () => {
    const a = (await gateway.data('<create><CUSTOMER><NAME>Doomed A</NAME></CUSTOMER></create>')).customer[0].RECORDNO;
    const b = (await gateway.data('<create><CUSTOMER><NAME>Doomed B</NAME></CUSTOMER></create>')).customer[0].RECORDNO;
    const before = await customerCount();

    const deleted = await gateway.data(`<delete><object>CUSTOMER</object><keys>${a}, ${b}</keys></delete>`);

    expect(deleted.customer.map((row: Row) => row.RECORDNO)).toEqual([a, b]);
    expect(await customerCount()).toBe(before - 2);
    expect(await customer(a)).toBeUndefined();
  });

  it('deletes nothing when one key is unknown', async () => {
    const a = (await gateway.data('<create><CUSTOMER><NAME>Survivor</NAME></CUSTOMER></create>')).customer[0].RECORDNO;

    const result = await gateway.result(`<delete><object>CUSTOMER</object><keys>${a},999999</keys></delete>`);

    expect(result.status).toBe('failure');
    expect(await customer(a)).toBeDefined();
  });

  it('creates an employee with personal info and resolves its department', async () => {
    const created = await gateway.data(
      `<create><EMPLOYEE><EMPLOYEEID>E-NEW</EMPLOYEEID><TITLE>R&amp;D Lead</TITLE><DEPARTMENTID>CONS</DEPARTMENTID>` +
        `<STARTDATE>02/12/2019</STARTDATE><PERSONALINFO><CONTACTNAME>van der Berg, Mary Ann</CONTACTNAME>` +
        `<FIRSTNAME>Mary Ann</FIRSTNAME><LASTNAME>van der Berg</LASTNAME></PERSONALINFO></EMPLOYEE></create>`,
    );
    const data = await gateway.data(
      queryXml({
        object: 'EMPLOYEE',
        fields: [
          'EMPLOYEEID',
          'TITLE',
          'DEPARTMENTID',
          'DEPARTMENTKEY',
          'STARTDATE',
          'CONTACT_NAME',
          'CONTACT.CONTACTNAME',
          'CONTACT.FIRSTNAME',
          'CONTACT.LASTNAME',
        ],
        filter: '<equalto><field>EMPLOYEEID</field><value>E-NEW</value></equalto>',
      }),
    );
    const departments = await gateway.data(
      queryXml({ object: 'DEPARTMENT', fields: ['RECORDNO'], filter: '<equalto><field>DEPARTMENTID</field><value>CONS</value></equalto>' }),
    );

    expect(created.employee[0].EMPLOYEEID).toBe('E-NEW');
    expect(data.EMPLOYEE[0]).toEqual({
      EMPLOYEEID: 'E-NEW',
      TITLE: 'R&D Lead',
      DEPARTMENTID: 'CONS',
      DEPARTMENTKEY: departments.DEPARTMENT[0].RECORDNO,
      STARTDATE: '02/12/2019',
      CONTACT_NAME: 'van der Berg, Mary Ann',
      'CONTACT.CONTACTNAME': 'van der Berg, Mary Ann',
      'CONTACT.FIRSTNAME': 'Mary Ann',
      'CONTACT.LASTNAME': 'van der Berg',
    });
  });

  it('creates, updates and deletes a department', async () => {
    const created = await gateway.data(
      '<create><DEPARTMENT><DEPARTMENTID>R&amp;D-2</DEPARTMENTID><TITLE>Research &amp; Development</TITLE></DEPARTMENT></create>',
    );
    const recordNo = created.department[0].RECORDNO;

    await gateway.data(`<update><DEPARTMENT><RECORDNO>${recordNo}</RECORDNO><TITLE>Forschung</TITLE></DEPARTMENT></update>`);
    const listed = await gateway.data(
      queryXml({
        object: 'DEPARTMENT',
        fields: ['DEPARTMENTID', 'TITLE'],
        filter: `<equalto><field>RECORDNO</field><value>${recordNo}</value></equalto>`,
      }),
    );
    await gateway.data(`<delete><object>DEPARTMENT</object><keys>${recordNo}</keys></delete>`);
    const after = await gateway.data(
      queryXml({ object: 'DEPARTMENT', fields: ['RECORDNO'], filter: `<equalto><field>RECORDNO</field><value>${recordNo}</value></equalto>` }),
    );

    expect(listed.DEPARTMENT[0]).toEqual({ DEPARTMENTID: 'R&D-2', TITLE: 'Forschung' });
    expect(after['@_count']).toBe('0');
  });

  it.each([
    ['an unknown field', '<create><CUSTOMER><NAME>A</NAME><COLOUR>red</COLOUR></CUSTOMER></create>', /Invalid field: COLOUR/],
    [
      'an unknown nested field',
      '<create><CUSTOMER><NAME>A</NAME><DISPLAYCONTACT><MAILADDRESS><PLANET>Mars</PLANET></MAILADDRESS></DISPLAYCONTACT></CUSTOMER></create>',
      /Invalid field: DISPLAYCONTACT.MAILADDRESS.PLANET/,
    ],
    ['an unknown object', '<create><INVOICE><NAME>A</NAME></INVOICE></create>', /Invalid object: INVOICE/],
    ['a duplicate CUSTOMERID', '<create><CUSTOMER><CUSTOMERID>C-0001</CUSTOMERID><NAME>A</NAME></CUSTOMER></create>', /already exists/],
    ['a missing NAME', '<create><CUSTOMER><CUSTOMERID>C-NONAME</CUSTOMERID></CUSTOMER></create>', /NAME is required/],
    ['an unknown department', '<create><EMPLOYEE><DEPARTMENTID>NOPE</DEPARTMENTID></EMPLOYEE></create>', /Invalid Department/],
    [
      'an unknown RECORDNO on update',
      '<update><CUSTOMER><RECORDNO>999999</RECORDNO><NAME>A</NAME></CUSTOMER></update>',
      /No CUSTOMER with RECORDNO 999999/,
    ],
    ['a bad STATUS', '<update><CUSTOMER><RECORDNO>1</RECORDNO><STATUS>sleepy</STATUS></CUSTOMER></update>', /Invalid STATUS/],
  ])('fails the function on %s, with errorno and Support ID', async (_label, xml, description) => {
    const result = await gateway.result(xml);

    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0].errorno).not.toBe('');
    expect(result.errormessage.error[0].description2).toMatch(description);
    expect(result.errormessage.error[0].description2).toMatch(/\[Support ID: /);
  });
});
