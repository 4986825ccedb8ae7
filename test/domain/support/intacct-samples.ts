/**
 * Intacct records as the connector hands them to the mapping (dotted field names, all text),
 * modelled on production-shaped answers: an `&` and `<>` already unescaped, a zip with a
 * leading zero, an inactive customer, a non-ASCII city, a comma-form contact name and a
 * multi-word name resolved by FIRSTNAME/LASTNAME with empty title, department and start date.
 */
import type { IntacctFields } from '#domain/intacct-records';

export const HARBOR_AND_PIKE: IntacctFields = {
  RECORDNO: '17',
  CUSTOMERID: 'C-0017',
  NAME: 'Harbor & Pike Engineering',
  STATUS: 'active',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': '400 Pine Street',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': 'Floor 12',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': '',
  'DISPLAYCONTACT.MAILADDRESS.CITY': 'Boston',
  'DISPLAYCONTACT.MAILADDRESS.STATE': 'MA',
  'DISPLAYCONTACT.MAILADDRESS.ZIP': '02110',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRY': 'United States',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE': 'US',
  WHENMODIFIED: '11/20/2026 14:03:55',
};

export const FJORDVIK_INACTIVE: IntacctFields = {
  RECORDNO: '23',
  CUSTOMERID: 'C-0023',
  NAME: 'Fjordvik AS',
  STATUS: 'inactive',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': 'Strandgata 5',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': '',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': '',
  'DISPLAYCONTACT.MAILADDRESS.CITY': 'Tromsø',
  'DISPLAYCONTACT.MAILADDRESS.ZIP': '9008',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRY': 'Norway',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE': 'NO',
};

export const ONEILL_DESIGN: IntacctFields = {
  RECORDNO: '31',
  CUSTOMERID: 'C-0031',
  NAME: "O'Neill <Design> Studio",
  STATUS: 'active',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS1': '1 Quay Road',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS2': '',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS3': '',
  'DISPLAYCONTACT.MAILADDRESS.CITY': 'Cork',
  'DISPLAYCONTACT.MAILADDRESS.ZIP': 'T12 X8Y2',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRY': 'Ireland',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE': 'IE',
};

export const ADAEZE_OKAFOR: IntacctFields = {
  RECORDNO: '5',
  EMPLOYEEID: 'E-100',
  TITLE: 'Senior Consultant',
  DEPARTMENTID: 'CONS',
  STARTDATE: '02/12/2019',
  STATUS: 'active',
  'PERSONALINFO.CONTACTNAME': 'Okafor, Adaeze',
  'PERSONALINFO.FIRSTNAME': 'Adaeze',
  'PERSONALINFO.LASTNAME': 'Okafor',
  'PERSONALINFO.EMAIL1': 'adaeze.okafor@example.com',
};

export const MARY_ANN_VAN_DER_BERG: IntacctFields = {
  RECORDNO: '9',
  EMPLOYEEID: 'E-104',
  TITLE: '',
  DEPARTMENTID: '',
  STARTDATE: '',
  STATUS: 'active',
  'PERSONALINFO.CONTACTNAME': 'Mary Ann van der Berg',
  'PERSONALINFO.FIRSTNAME': 'Mary Ann',
  'PERSONALINFO.LASTNAME': 'van der Berg',
  'PERSONALINFO.EMAIL1': '',
};

/** A department as `readByQuery` answers it (lower-case record element, same field names). */
export const CONSULTING: IntacctFields = {
  RECORDNO: '3',
  DEPARTMENTID: 'CONS',
  TITLE: 'Consulting',
  PARENTID: '',
  STATUS: 'active',
};
