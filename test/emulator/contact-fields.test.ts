import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { queryXml, TestGateway } from './gateway-client';

type Row = Record<string, string>;

const NAME_PARTS = ['CONTACTNAME', 'FIRSTNAME', 'LASTNAME'];
const CONTACT = NAME_PARTS.map((part) => `CONTACT.${part}`);
const PERSONALINFO = NAME_PARTS.map((part) => `PERSONALINFO.${part}`);
const SEED = { customers: 0, employees: 25, departments: 3, seed: 8 };

describe('EMPLOYEE contact field naming in query', () => {
  let emulator: RunningEmulator;
  /** Index 0: the default naming; 1: contact, said explicitly; 2: personalinfo. */
  let gateways: TestGateway[];
  let reference: Row[];

  beforeAll(async () => {
    emulator = await startEmulator({
      companies: [
        { companyId: 'DEFAULT', userId: 'u', userPassword: 'p', ...SEED },
        { companyId: 'CONTACTCO', userId: 'u', userPassword: 'p', ...SEED, employeeContactFields: 'contact' },
        { companyId: 'LEGACYCO', userId: 'u', userPassword: 'p', ...SEED, employeeContactFields: 'personalinfo' },
      ],
    });
    gateways = [0, 1, 2].map((index) => new TestGateway(emulator, index));
    const legacy = await gateways[0]!.data(
      `<readByQuery><object>EMPLOYEE</object><fields>RECORDNO,${PERSONALINFO.join(',')}</fields><query></query><pagesize>100</pagesize></readByQuery>`,
    );
    reference = legacy.employee;
  });
  afterAll(() => emulator.close());

  const failureOf = async (gateway: TestGateway, xml: string): Promise<{ errorno: string; description2: string }> => {
    const result = await gateway.result(xml);
    expect(result.status).toBe('failure');
    return result.errormessage.error[0];
  };

  it.each([
    ["by default (Intacct's query documentation names CONTACT.* for EMPLOYEE)", 0],
    ['in contact mode', 1],
  ])('%s: selects, filters and orders by CONTACT.* and answers the dotted CONTACT.* names', async (_label, index) => {
    const gateway = gateways[index]!;
    const withFirstName = reference.find((row) => row['PERSONALINFO.FIRSTNAME'] !== '')!;

    const data = await gateway.data(
      queryXml({
        object: 'EMPLOYEE',
        fields: ['RECORDNO', ...CONTACT],
        filter: `<equalto><field>CONTACT.FIRSTNAME</field><value>${withFirstName['PERSONALINFO.FIRSTNAME']}</value></equalto>`,
        orderby: '<order><field>CONTACT.LASTNAME</field><descending/></order>',
      }),
    );

    const listed = data.EMPLOYEE as Row[];
    expect(Object.keys(listed[0]!)).toEqual(['RECORDNO', ...CONTACT]);
    expect(listed.every((row) => row['CONTACT.FIRSTNAME'] === withFirstName['PERSONALINFO.FIRSTNAME'])).toBe(true);
    const byRecordNo = new Map(reference.map((row) => [row.RECORDNO, row]));
    for (const row of listed) {
      const stored = byRecordNo.get(row.RECORDNO ?? '')!;
      expect(NAME_PARTS.map((part) => row[`CONTACT.${part}`])).toEqual(NAME_PARTS.map((part) => stored[`PERSONALINFO.${part}`]));
    }
  });

  it.each([
    ['select', queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', 'PERSONALINFO.FIRSTNAME'] })],
    ['filter', queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO'], filter: '<isnull><field>PERSONALINFO.LASTNAME</field></isnull>' })],
    [
      'orderby',
      queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO'], orderby: '<order><field>PERSONALINFO.CONTACTNAME</field><ascending/></order>' }),
    ],
  ])('in contact mode refuses PERSONALINFO.* in %s with the invalid-field result error', async (_label, xml) => {
    const error = await failureOf(gateways[1]!, xml);

    expect(error.errorno).toBe('Query Failed');
    expect(error.description2).toMatch(/^Invalid field: PERSONALINFO\.\w+ on object EMPLOYEE \[Support ID: /);
  });

  it.each([
    ['select', queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', 'CONTACT.FIRSTNAME'] })],
    ['filter', queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO'], filter: '<isnull><field>CONTACT.LASTNAME</field></isnull>' })],
    ['orderby', queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO'], orderby: '<order><field>CONTACT.CONTACTNAME</field><ascending/></order>' })],
  ])('in personalinfo mode refuses CONTACT.* in %s, and takes PERSONALINFO.*', async (_label, xml) => {
    const error = await failureOf(gateways[2]!, xml);
    const data = await gateways[2]!.data(queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', ...PERSONALINFO], pagesize: 100 }));

    expect(error).toMatchObject({ errorno: 'Query Failed' });
    expect(error.description2).toMatch(/^Invalid field: CONTACT\.\w+ on object EMPLOYEE/);
    expect(data.EMPLOYEE).toEqual(reference);
  });

  it('leaves CUSTOMER and DEPARTMENT, and CONTACT_NAME, alone in both modes', async () => {
    for (const gateway of gateways) {
      const employee = await gateway.result(queryXml({ object: 'EMPLOYEE', fields: ['RECORDNO', 'CONTACT_NAME'] }));
      const customer = await gateway.result(queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'DISPLAYCONTACT.CONTACTNAME'] }));
      expect([employee.status, customer.status]).toEqual(['success', 'success']);
    }
  });

  it.each([0, 1, 2])('readByQuery keeps PERSONALINFO.* whatever the naming (company %i)', async (index) => {
    const gateway = gateways[index]!;

    const data = await gateway.data(
      `<readByQuery><object>EMPLOYEE</object><fields>RECORDNO,${PERSONALINFO.join(',')}</fields><query>PERSONALINFO.LASTNAME IS NOT NULL</query><pagesize>100</pagesize></readByQuery>`,
    );
    const refused = await gateway.result(
      `<readByQuery><object>EMPLOYEE</object><fields>RECORDNO,CONTACT.FIRSTNAME</fields><query></query></readByQuery>`,
    );

    expect(data.employee).toEqual(reference.filter((row) => row['PERSONALINFO.LASTNAME'] !== ''));
    expect(refused.status).toBe('failure');
  });

  it('lookup reports the naming: a CONTACT relationship and no PERSONALINFO field in contact mode, the reverse in personalinfo mode', async () => {
    const contact = await gateways[0]!.data('<lookup><object>EMPLOYEE</object></lookup>');
    const legacy = await gateways[2]!.data('<lookup><object>EMPLOYEE</object></lookup>');
    const fieldIds = (data: { Type: { Fields: { Field: { ID: string }[] } } }) => data.Type.Fields.Field.map((field) => field.ID);

    expect(fieldIds(contact).some((id) => id.startsWith('PERSONALINFO.'))).toBe(false);
    expect(contact.Type.Relationships.Relationship).toMatchObject({ OBJECTPATH: 'CONTACT', OBJECTNAME: 'CONTACT', RELATIONSHIPTYPE: 'MANY2ONE' });
    expect(fieldIds(legacy)).toEqual(expect.arrayContaining(PERSONALINFO));
    expect(legacy.Type.Relationships).toBe('');
  });

  it('inspect names the fields of the active naming', async () => {
    const names = async (index: number, detail: boolean): Promise<string[]> => {
      const data = await gateways[index]!.data(`<inspect${detail ? ' detail="1"' : ''}><object>EMPLOYEE</object></inspect>`);
      return data.Type.Fields.Field.map((field: string | { Name: string }) => (typeof field === 'string' ? field : field.Name));
    };

    for (const detail of [false, true]) {
      const contact = await names(1, detail);
      const legacy = await names(2, detail);
      expect(contact).toEqual(expect.arrayContaining(CONTACT));
      expect(contact.some((name) => name.startsWith('PERSONALINFO.'))).toBe(false);
      expect(legacy).toEqual(expect.arrayContaining(PERSONALINFO));
      expect(legacy.some((name) => name.startsWith('CONTACT.'))).toBe(false);
    }
  });
});
