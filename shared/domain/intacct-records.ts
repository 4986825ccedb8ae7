/**
 * Intacct records as the connector hands them over: dotted field names, every value text.
 * The field lists are the only Intacct fields the product ever selects (smallest possible answers).
 */

export type IntacctFields = Readonly<Record<string, string>>;

export const CUSTOMER_FIELDS = [
  'RECORDNO',
  'CUSTOMERID',
  'NAME',
  'STATUS',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS1',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS2',
  'DISPLAYCONTACT.MAILADDRESS.ADDRESS3',
  'DISPLAYCONTACT.MAILADDRESS.CITY',
  'DISPLAYCONTACT.MAILADDRESS.ZIP',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRY',
  'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE',
  'MEGAENTITYID',
  'MEGAENTITYNAME',
] as const;

export const EMPLOYEE_FIELDS = [
  'RECORDNO',
  'EMPLOYEEID',
  'STATUS',
  'TITLE',
  'DEPARTMENTID',
  'STARTDATE',
  'PERSONALINFO.CONTACTNAME',
  'PERSONALINFO.FIRSTNAME',
  'PERSONALINFO.LASTNAME',
  'MEGAENTITYID',
  'MEGAENTITYNAME',
] as const;

export const DEPARTMENT_FIELDS = ['RECORDNO', 'DEPARTMENTID', 'TITLE', 'STATUS'] as const;

/**
 * The entity a record belongs to in a multi-entity company (empty for a top-level record, which
 * every entity shares). Intacct names entities "mega entities" in these fields.
 */
export const ENTITY_ID_FIELD = 'MEGAENTITYID';
export const ENTITY_NAME_FIELD = 'MEGAENTITYNAME';

/**
 * Characters Intacct's XML 1.0 protocol cannot carry at all (most control characters, lone
 * surrogates, U+FFFE/U+FFFF). Text bound for Intacct is checked against this before it is sent.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: naming the control characters XML 1.0 allows is the point
const XML_FORBIDDEN_CHARACTER = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Whether `value` can be sent to Intacct as it is. */
export function canTravelToIntacct(value: string): boolean {
  return !XML_FORBIDDEN_CHARACTER.test(value);
}
