/**
 * The REST face's objects and their fields, each read from the same stored record the XML face
 * lists, so both faces always agree (`key` is the XML face's RECORDNO). Field names follow the
 * object pages of developer.sage.com/intacct (accounts-receivable/customer,
 * company-config/employee, company-config/department: key, id, name, status, href, parent.*,
 * contacts.default.*, primaryContact.*, department.*, audit.*, entity.*). Values, where the docs
 * leave them open, are chosen and kept strict:
 * - every value is a string or null; an empty stored value is null (as REST answers omit nothing);
 * - dates are YYYY-MM-DD, timestamps ISO 8601 UTC with Z (the docs' audit examples);
 * - status is active | inactive, and activeNonPosting for departments (the docs' status enum);
 * - nested objects are only the ones listed here: asking for `contacts.default` whole is refused.
 */
import type { IntacctRecord, ObjectName } from '../schema';

export const REST_OBJECT_NAMES = ['accounts-receivable/customer', 'company-config/employee', 'company-config/department'] as const;
type RestObjectName = (typeof REST_OBJECT_NAMES)[number];

/** How a field compares and is written: a record key compares as a number, the rest as text. */
type RestFieldKind = 'key' | 'text' | 'date' | 'timestamp' | 'status';

export interface RestField {
  kind: RestFieldKind;
  read(record: IntacctRecord): string | null;
}

export interface RestObject {
  name: RestObjectName;
  xmlObject: ObjectName;
  fields: ReadonlyMap<string, RestField>;
}

const nullIfEmpty = (value: string | undefined): string | null => (value === undefined || value === '' ? null : value);

/** MM/DD/YYYY -> YYYY-MM-DD. */
function isoDate(value: string | undefined): string | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(value ?? '');
  return match ? `${match[3]}-${match[1]}-${match[2]}` : null;
}

/** MM/DD/YYYY HH:MM:SS (UTC) -> YYYY-MM-DDTHH:MM:SSZ. */
function isoTimestamp(value: string | undefined): string | null {
  const date = isoDate(value);
  const time = /\s(\d{2}:\d{2}:\d{2})$/.exec(value ?? '');
  return date && time ? `${date}T${time[1]}Z` : null;
}

const REST_STATUS: Readonly<Record<string, string>> = { active: 'active', inactive: 'inactive', 'active non-posting': 'activeNonPosting' };

function stored(kind: RestFieldKind, field: string): RestField {
  switch (kind) {
    case 'date':
      return { kind, read: (record) => isoDate(record[field]) };
    case 'timestamp':
      return { kind, read: (record) => isoTimestamp(record[field]) };
    case 'status':
      return { kind, read: (record) => REST_STATUS[record[field] ?? ''] ?? null };
    default:
      return { kind, read: (record) => nullIfEmpty(record[field]) };
  }
}

function href(objectName: RestObjectName): RestField {
  return { kind: 'text', read: (record) => `/objects/${objectName}/${record.RECORDNO}` };
}

/** The fields every object shares: key, href, audit and entity (MEGAENTITYID/NAME on the XML face). */
function commonFields(objectName: RestObjectName): [string, RestField][] {
  return [
    ['key', stored('key', 'RECORDNO')],
    ['href', href(objectName)],
    ['audit.createdDateTime', stored('timestamp', 'WHENCREATED')],
    ['audit.modifiedDateTime', stored('timestamp', 'WHENMODIFIED')],
    ['entity.id', stored('text', 'MEGAENTITYID')],
    ['entity.name', stored('text', 'MEGAENTITYNAME')],
  ];
}

const CUSTOMER_CONTACT = 'contacts.default';
const CUSTOMER_MAIL = `${CUSTOMER_CONTACT}.mailingAddress`;
const XML_MAIL = 'DISPLAYCONTACT.MAILADDRESS';

const CUSTOMER: RestObject = {
  name: 'accounts-receivable/customer',
  xmlObject: 'CUSTOMER',
  fields: new Map([
    ...commonFields('accounts-receivable/customer'),
    ['id', stored('text', 'CUSTOMERID')],
    ['name', stored('text', 'NAME')],
    ['status', stored('status', 'STATUS')],
    ['parent.key', stored('key', 'PARENTKEY')],
    ['parent.id', stored('text', 'PARENTID')],
    [`${CUSTOMER_CONTACT}.id`, stored('text', 'DISPLAYCONTACT.CONTACTNAME')],
    [`${CUSTOMER_CONTACT}.printAs`, stored('text', 'DISPLAYCONTACT.PRINTAS')],
    [`${CUSTOMER_CONTACT}.companyName`, stored('text', 'DISPLAYCONTACT.COMPANYNAME')],
    [`${CUSTOMER_CONTACT}.email1`, stored('text', 'DISPLAYCONTACT.EMAIL1')],
    [`${CUSTOMER_CONTACT}.phone1`, stored('text', 'DISPLAYCONTACT.PHONE1')],
    [`${CUSTOMER_MAIL}.addressLine1`, stored('text', `${XML_MAIL}.ADDRESS1`)],
    [`${CUSTOMER_MAIL}.addressLine2`, stored('text', `${XML_MAIL}.ADDRESS2`)],
    [`${CUSTOMER_MAIL}.addressLine3`, stored('text', `${XML_MAIL}.ADDRESS3`)],
    [`${CUSTOMER_MAIL}.city`, stored('text', `${XML_MAIL}.CITY`)],
    [`${CUSTOMER_MAIL}.state`, stored('text', `${XML_MAIL}.STATE`)],
    [`${CUSTOMER_MAIL}.postCode`, stored('text', `${XML_MAIL}.ZIP`)],
    [`${CUSTOMER_MAIL}.country`, stored('text', `${XML_MAIL}.COUNTRY`)],
    [`${CUSTOMER_MAIL}.isoCountryCode`, stored('text', `${XML_MAIL}.COUNTRYCODE`)],
  ]),
};

const EMPLOYEE_CONTACT = 'primaryContact';

const EMPLOYEE: RestObject = {
  name: 'company-config/employee',
  xmlObject: 'EMPLOYEE',
  fields: new Map([
    ...commonFields('company-config/employee'),
    ['id', stored('text', 'EMPLOYEEID')],
    ['name', stored('text', 'CONTACT_NAME')],
    ['jobTitle', stored('text', 'TITLE')],
    ['status', stored('status', 'STATUS')],
    ['startDate', stored('date', 'STARTDATE')],
    ['endDate', stored('date', 'ENDDATE')],
    ['department.key', stored('key', 'DEPARTMENTKEY')],
    ['department.id', stored('text', 'DEPARTMENTID')],
    ['location.key', stored('key', 'LOCATIONKEY')],
    ['location.id', stored('text', 'LOCATIONID')],
    [`${EMPLOYEE_CONTACT}.id`, stored('text', 'PERSONALINFO.CONTACTNAME')],
    [`${EMPLOYEE_CONTACT}.printAs`, stored('text', 'PERSONALINFO.PRINTAS')],
    [`${EMPLOYEE_CONTACT}.firstName`, stored('text', 'PERSONALINFO.FIRSTNAME')],
    [`${EMPLOYEE_CONTACT}.lastName`, stored('text', 'PERSONALINFO.LASTNAME')],
    [`${EMPLOYEE_CONTACT}.middleName`, stored('text', 'PERSONALINFO.MI')],
    [`${EMPLOYEE_CONTACT}.email1`, stored('text', 'PERSONALINFO.EMAIL1')],
    [`${EMPLOYEE_CONTACT}.email2`, stored('text', 'PERSONALINFO.EMAIL2')],
    [`${EMPLOYEE_CONTACT}.phone1`, stored('text', 'PERSONALINFO.PHONE1')],
    [`${EMPLOYEE_CONTACT}.mobile`, stored('text', 'PERSONALINFO.CELLPHONE')],
  ]),
};

const DEPARTMENT: RestObject = {
  name: 'company-config/department',
  xmlObject: 'DEPARTMENT',
  fields: new Map([
    ...commonFields('company-config/department'),
    ['id', stored('text', 'DEPARTMENTID')],
    ['name', stored('text', 'TITLE')],
    ['status', stored('status', 'STATUS')],
    ['parent.key', stored('key', 'PARENTKEY')],
    ['parent.id', stored('text', 'PARENTID')],
    ['supervisor.id', stored('text', 'SUPERVISORID')],
  ]),
};

const REST_OBJECTS: ReadonlyMap<string, RestObject> = new Map([CUSTOMER, EMPLOYEE, DEPARTMENT].map((object) => [object.name, object]));

/** The object by its REST name, matched exactly (the REST API's names are lower case). */
export function findRestObject(name: string): RestObject | undefined {
  return REST_OBJECTS.get(name);
}
