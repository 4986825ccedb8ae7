import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway } from './gateway-client';

type Row = Record<string, string>;
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';

describe('read, readByName, lookup, inspect and readMore by object', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;
  let customers: Row[];
  let employees: Row[];

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [{ companyId: 'FNCO', userId: 'u', userPassword: 'p', customers: 30, employees: 12, departments: 40, seed: 13 }],
    });
    gateway = new TestGateway(emulator);
    customers = (
      await gateway.data(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'CUSTOMERID', 'NAME', `${MAIL}.CITY`, `${MAIL}.ZIP`], pagesize: 100 }))
    ).CUSTOMER;
    employees = (await gateway.data(queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', 'EMPLOYEEID', 'CONTACT.CONTACTNAME'], pagesize: 100 })))
      .EMPLOYEE;
  });
  afterAll(() => emulator.close());

  it('read answers the records of the given RECORDNOs, upper-case, owned objects nested, in key order', async () => {
    const [first, second] = [customers[4]!, customers[1]!];

    const answer = await gateway.post([
      {
        xml: `<read><object>CUSTOMER</object><keys>${first.RECORDNO},${second.RECORDNO}</keys><fields>*</fields><returnFormat>xml</returnFormat></read>`,
      },
    ]);
    const data = await gateway.data(`<read><object>customer</object><keys>${first.RECORDNO},${second.RECORDNO}</keys><fields>*</fields></read>`);

    expect(answer.text).toMatch(new RegExp(`<data listtype="CUSTOMER" count="2"><CUSTOMER><RECORDNO>${first.RECORDNO}</RECORDNO><CUSTOMERID>`));
    expect(answer.text).toMatch(/<DISPLAYCONTACT><CONTACTNAME>[^<]*<\/CONTACTNAME>.*<MAILADDRESS><ADDRESS1>/);
    expect(answer.text).not.toContain('<DISPLAYCONTACT.');
    expect(
      data.CUSTOMER.map((row: { RECORDNO: string; NAME: string; DISPLAYCONTACT: { MAILADDRESS: { CITY: string; ZIP: string } } }) => [
        row.RECORDNO,
        row.NAME,
        row.DISPLAYCONTACT.MAILADDRESS.CITY,
        row.DISPLAYCONTACT.MAILADDRESS.ZIP,
      ]),
    ).toEqual([first, second].map((row) => [row.RECORDNO, row.NAME, row[`${MAIL}.CITY`], row[`${MAIL}.ZIP`]]));
  });

  it('read of EMPLOYEE nests PERSONALINFO (a legacy function keeps that naming) and leaves out keys that do not exist', async () => {
    const employee = employees[2]!;

    const data = await gateway.data(
      `<read><object>EMPLOYEE</object><keys>${employee.RECORDNO},999999</keys><fields>RECORDNO,PERSONALINFO.CONTACTNAME</fields></read>`,
    );

    expect(data['@_count']).toBe('1');
    expect(data.EMPLOYEE).toEqual([{ RECORDNO: employee.RECORDNO, PERSONALINFO: { CONTACTNAME: employee['CONTACT.CONTACTNAME'] } }]);
  });

  it('readByName reads by business key (CUSTOMERID, EMPLOYEEID, DEPARTMENTID)', async () => {
    const customerData = await gateway.data(
      `<readByName><object>CUSTOMER</object><keys>${customers[0]!.CUSTOMERID}</keys><fields>RECORDNO,CUSTOMERID</fields></readByName>`,
    );
    const employeeData = await gateway.data(
      `<readByName><object>EMPLOYEE</object><keys>${employees[0]!.EMPLOYEEID},NOPE</keys><fields>RECORDNO</fields></readByName>`,
    );
    const departmentData = await gateway.data(
      '<readByName><object>DEPARTMENT</object><keys>CONS</keys><fields>DEPARTMENTID,TITLE</fields></readByName>',
    );

    expect(customerData.CUSTOMER).toEqual([{ RECORDNO: customers[0]!.RECORDNO, CUSTOMERID: customers[0]!.CUSTOMERID }]);
    expect(employeeData.EMPLOYEE).toEqual([{ RECORDNO: employees[0]!.RECORDNO }]);
    expect(departmentData.DEPARTMENT).toEqual([{ DEPARTMENTID: 'CONS', TITLE: 'Consulting' }]);
  });

  it.each([
    ['an unknown object', '<read><object>INVOICE</object><keys>1</keys></read>', /Object definition INVOICE not found/],
    ['no keys', '<read><object>CUSTOMER</object><keys></keys></read>', /No keys/],
    [
      'more than 100 keys',
      `<read><object>CUSTOMER</object><keys>${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}</keys></read>`,
      /Too many keys/,
    ],
    ['an unknown field', '<readByName><object>CUSTOMER</object><keys>X</keys><fields>NAMEX</fields></readByName>', /Invalid field: NAMEX/],
  ])('fails the function on %s', async (_label, xml, description) => {
    const result = await gateway.result(xml);

    expect(result.status).toBe('failure');
    expect(result.errormessage.error[0].errorno).toBe('Query Failed');
    expect(result.errormessage.error[0].description2).toMatch(description);
  });

  it.each(['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'])(
    'lookup on %s lists its fields with label, flags and data type, STATUS as an enum',
    async (object) => {
      const answer = await gateway.post([{ xml: `<lookup><object>${object}</object></lookup>` }]);
      const data = await gateway.data(`<lookup><object>${object}</object></lookup>`);
      const fields = data.Type.Fields.Field as Record<string, unknown>[];
      const byId = new Map(fields.map((field) => [field.ID, field]));

      expect(answer.text).toContain(
        `<data listtype="All" count="1"><Type Name="${object}" DocumentType=""><Fields><Field><ID>RECORDNO</ID><LABEL>Record number</LABEL>`,
      );
      expect(byId.get('RECORDNO')).toMatchObject({ REQUIRED: 'false', READONLY: 'true', DATATYPE: 'INTEGER', ISCUSTOM: 'false' });
      expect(byId.get('WHENMODIFIED')).toMatchObject({ DATATYPE: 'TIMESTAMP', READONLY: 'true' });
      expect(byId.get('MEGAENTITYID')).toMatchObject({ READONLY: 'true' });
      expect(byId.get('STATUS')).toMatchObject({ DATATYPE: 'ENUM' });
      expect((byId.get('STATUS') as { VALIDVALUES: { VALIDVALUE: string[] } }).VALIDVALUES.VALIDVALUE).toEqual(
        object === 'DEPARTMENT' ? ['active', 'active non-posting', 'inactive'] : ['active', 'inactive'],
      );
    },
  );

  it('inspect lists the objects with *, field names by default, and field facts with detail="1"', async () => {
    const all = await gateway.data('<inspect><object>*</object></inspect>');
    const names = await gateway.data('<inspect><object>DEPARTMENT</object></inspect>');
    const detailed = await gateway.data('<inspect detail="1"><name>Department</name></inspect>');

    expect(all['@_count']).toBe('3');
    expect(all.Type.map((type: { '@_Name': string }) => type['@_Name'])).toEqual(['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT']);
    expect(names.Type.Fields.Field).toEqual(
      expect.arrayContaining(['RECORDNO', 'DEPARTMENTID', 'TITLE', 'STATUS', 'MEGAENTITYID', 'MEGAENTITYNAME']),
    );
    expect(detailed.Type.Attributes).toEqual({ TypeName: 'DEPARTMENT', DisplayName: 'Department' });
    expect(detailed.Type.Fields.Field.find((field: { Name: string }) => field.Name === 'DEPARTMENTID')).toMatchObject({
      isRequired: 'true',
      isReadOnly: 'false',
      dataName: 'TEXT',
    });
  });

  it("readMore by <object> continues the session's latest readByQuery on that object", async () => {
    const sessionId = await gateway.sessionId();
    const auth = { sessionId };
    const first = await gateway.data(
      '<readByQuery><object>CUSTOMER</object><fields>RECORDNO</fields><query></query><pagesize>12</pagesize></readByQuery>',
      auth,
    );
    const pages: Row[][] = [first.customer];
    let remaining = Number(first['@_numremaining']);
    while (remaining > 0) {
      const more = await gateway.data('<readMore><object>customer</object></readMore>', auth);
      pages.push(more.customer);
      remaining = Number(more['@_numremaining']);
    }
    const another = await gateway.result('<readMore><object>CUSTOMER</object></readMore>', { sessionId: await gateway.sessionId() });

    expect(pages.map((page) => page.length)).toEqual([12, 12, 6]);
    expect(pages.flat().map((row) => row.RECORDNO)).toEqual(customers.map((row) => row.RECORDNO));
    expect(another.status).toBe('failure');
  });

  it('lists departments with the "active non-posting" status, and writes accept it', async () => {
    const nonPosting = await gateway.data(
      queryXml({
        object: 'DEPARTMENT',
        fields: ['DEPARTMENTID', 'STATUS'],
        filter: '<equalto><field>STATUS</field><value>active non-posting</value></equalto>',
        pagesize: 100,
      }),
    );
    const created = await gateway.result(
      '<create><DEPARTMENT><DEPARTMENTID>NP</DEPARTMENTID><TITLE>No Posting</TITLE><STATUS>active non-posting</STATUS></DEPARTMENT></create>',
    );
    const refused = await gateway.result('<create><CUSTOMER><NAME>Odd</NAME><STATUS>active non-posting</STATUS></CUSTOMER></create>');

    expect(nonPosting.DEPARTMENT.length).toBeGreaterThan(0);
    expect(created.status).toBe('success');
    expect(refused.status).toBe('failure');
  });
});
