/** The REST field tables: REST records read into the XML field names the domain mapping reads. */
import { describe, expect, it } from 'vitest';
import { IntacctError } from '#intacct/errors';
import { intacctFieldsOf, REST_OBJECTS } from '#intacct-rest/rest-fields';

describe('intacctFieldsOf', () => {
  it('reads a customer into the XML names, null and missing values as empty', () => {
    const fields = intacctFieldsOf('customer', {
      key: '42',
      id: 'C-1',
      name: 'Acme',
      status: 'active',
      contacts: { default: { mailingAddress: { addressLine1: '1 Main St', addressLine2: null, city: 'Springfield', postCode: '01234' } } },
      entity: { id: null, name: null },
    });

    expect(fields).toEqual({
      RECORDNO: '42',
      CUSTOMERID: 'C-1',
      NAME: 'Acme',
      STATUS: 'active',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': '1 Main St',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': '',
      'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': '',
      'DISPLAYCONTACT.MAILADDRESS.CITY': 'Springfield',
      'DISPLAYCONTACT.MAILADDRESS.ZIP': '01234',
      'DISPLAYCONTACT.MAILADDRESS.COUNTRY': '',
      'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE': '',
      MEGAENTITYID: '',
      MEGAENTITYNAME: '',
    });
  });

  it('writes dates as MM/DD/YYYY and activeNonPosting as the XML words', () => {
    expect(intacctFieldsOf('employee', { key: '7', startDate: '2024-03-09', status: 'inactive' })).toMatchObject({
      STARTDATE: '03/09/2024',
      STATUS: 'inactive',
    });
    expect(intacctFieldsOf('department', { key: '3', status: 'activeNonPosting' }).STATUS).toBe('active non-posting');
  });

  it.each([
    ['a key that is not digits', { key: 'abc' }],
    ['a missing key', { id: 'C-1' }],
    ['a number where text belongs', { key: '1', name: 12 }],
    ['an object where text belongs', { key: '1', name: { first: 'x' } }],
    ['a list where an object belongs', { key: '1', contacts: [] }],
  ])('refuses %s as a protocol error', (_name, record) => {
    let caught: unknown;
    try {
      intacctFieldsOf('customer', record);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IntacctError);
    expect((caught as IntacctError).kind).toBe('protocol');
  });

  it('selects exactly the table paths', () => {
    expect(REST_OBJECTS.department.fields).toEqual(['key', 'id', 'name', 'status']);
  });
});
