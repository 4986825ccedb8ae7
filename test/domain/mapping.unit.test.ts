import { describe, expect, it } from 'vitest';
import { mapCustomer, mapDepartment, mapEmployee } from '#domain/mapping';
import { ADAEZE_OKAFOR, CONSULTING, FJORDVIK_INACTIVE, HARBOR_AND_PIKE, MARY_ANN_VAN_DER_BERG, ONEILL_DESIGN } from './support/intacct-samples';

describe('mapCustomer', () => {
  it('maps C-0017 to the client fields of spec section 2', () => {
    expect(mapCustomer(HARBOR_AND_PIKE)).toEqual({
      recordNo: '17',
      customerId: 'C-0017',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
      fields: {
        name: 'Harbor & Pike Engineering',
        street: '400 Pine Street\nFloor 12',
        zip: '02110',
        city: 'Boston',
        country: 'United States',
        countryCode: 'US',
      },
    });
  });

  it("maps C-0031's escaped characters and spaced zip as text", () => {
    const mapped = mapCustomer(ONEILL_DESIGN);

    expect(mapped.fields.name).toBe("O'Neill <Design> Studio");
    expect(mapped.fields.zip).toBe('T12 X8Y2');
  });

  it('keeps an inactive customer with intacctStatus inactive and its non-ASCII city', () => {
    const mapped = mapCustomer(FJORDVIK_INACTIVE);

    expect(mapped.intacctStatus).toBe('inactive');
    expect(mapped.fields.city).toBe('Tromsø');
  });

  it('trims the name', () => {
    expect(mapCustomer({ ...HARBOR_AND_PIKE, NAME: '  Harbor & Pike  ' }).fields.name).toBe('Harbor & Pike');
  });

  it.each([
    [['400 Pine Street', 'Floor 12', 'Suite 3'], '400 Pine Street\nFloor 12\nSuite 3'],
    [['', 'Floor 12', ''], 'Floor 12'],
    [['400 Pine Street', '   ', 'Suite 3'], '400 Pine Street\nSuite 3'],
    [['  400 Pine Street ', '', ''], '400 Pine Street'],
    [['', '', ''], ''],
  ])('joins the non-empty address lines %j into street %j', (lines, street) => {
    const [address1 = '', address2 = '', address3 = ''] = lines;
    const fields = {
      ...HARBOR_AND_PIKE,
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': address1,
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': address2,
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': address3,
    };

    expect(mapCustomer(fields).fields.street).toBe(street);
  });

  it.each(['02110', '00000', ' 0211 '])('keeps zip %j exactly as text', (zip) => {
    expect(mapCustomer({ ...HARBOR_AND_PIKE, 'DISPLAYCONTACT.MAILADDRESS.ZIP': zip }).fields.zip).toBe(zip);
  });

  it('reads fields missing from the record as empty', () => {
    expect(mapCustomer({ RECORDNO: '40', CUSTOMERID: 'C-0040' })).toEqual({
      recordNo: '40',
      customerId: 'C-0040',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
      fields: { name: '', street: '', zip: '', city: '', country: '', countryCode: '' },
    });
  });

  it.each([
    ['active', 'active'],
    ['inactive', 'inactive'],
    ['Inactive', 'inactive'],
    ['', 'active'],
    ['unknown', 'active'],
  ] as const)('maps STATUS %j to intacctStatus %j', (status, intacctStatus) => {
    expect(mapCustomer({ ...HARBOR_AND_PIKE, STATUS: status }).intacctStatus).toBe(intacctStatus);
  });
});

describe('mapEmployee', () => {
  it('maps E-100 from its comma-form contact name', () => {
    expect(mapEmployee(ADAEZE_OKAFOR)).toEqual({
      recordNo: '5',
      employeeId: 'E-100',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
      departmentIntacctId: 'CONS',
      fields: { firstName: 'Adaeze', lastName: 'Okafor', jobTitle: 'Senior Consultant', startDate: '2019-02-12' },
      warnings: [],
    });
  });

  it('maps E-104 with FIRSTNAME/LASTNAME and empty title, department and start date', () => {
    expect(mapEmployee(MARY_ANN_VAN_DER_BERG)).toEqual({
      recordNo: '9',
      employeeId: 'E-104',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
      departmentIntacctId: null,
      fields: { firstName: 'Mary Ann', lastName: 'van der Berg', jobTitle: '', startDate: null },
      warnings: [],
    });
  });

  it('leaves an unreadable start date empty and warns about it', () => {
    const mapped = mapEmployee({ ...ADAEZE_OKAFOR, STARTDATE: '02/30/2020' });

    expect(mapped.fields.startDate).toBeNull();
    expect(mapped.warnings).toHaveLength(1);
    expect(mapped.warnings[0]).toContain('02/30/2020');
  });

  it('reads fields missing from the record as empty', () => {
    expect(mapEmployee({ RECORDNO: '12', EMPLOYEEID: 'E-200' })).toEqual({
      recordNo: '12',
      employeeId: 'E-200',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
      departmentIntacctId: null,
      fields: { firstName: '', lastName: '', jobTitle: '', startDate: null },
      warnings: [],
    });
  });

  it('maps an inactive employee with intacctStatus inactive', () => {
    expect(mapEmployee({ ...ADAEZE_OKAFOR, STATUS: 'inactive' }).intacctStatus).toBe('inactive');
  });
});

describe('mapDepartment', () => {
  it('maps CONS to Consulting', () => {
    expect(mapDepartment(CONSULTING)).toEqual({
      recordNo: '3',
      departmentId: 'CONS',
      name: 'Consulting',
      intacctStatus: 'active',
      entity: { entityId: null, entityName: null },
    });
  });

  it('trims the title', () => {
    expect(mapDepartment({ ...CONSULTING, TITLE: ' Consulting  ' }).name).toBe('Consulting');
  });
});
