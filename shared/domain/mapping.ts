/**
 * The one mapping module (spec section 2): Intacct records, as the connector hands them over,
 * become the values the PSA stores. Pure: no I/O, nothing but text in and values out.
 */
import { splitContactName } from './contact-name';
import type { ClientMappedFields, IntacctEntityRef, IntacctRecordStatus, UserMappedFields } from './entities';
import { parseIntacctDate } from './intacct-date';
import { ENTITY_ID_FIELD, ENTITY_NAME_FIELD, type IntacctFields } from './intacct-records';

/** The only STATUS that marks a record inactive (R10); anything else counts as active. */
const INACTIVE_STATUS = 'inactive';
const STREET_LINE_SEPARATOR = '\n';
const MAIL_ADDRESS = 'DISPLAYCONTACT.MAILADDRESS';
const STREET_LINE_FIELDS = [`${MAIL_ADDRESS}.ADDRESS1`, `${MAIL_ADDRESS}.ADDRESS2`, `${MAIL_ADDRESS}.ADDRESS3`] as const;

export interface MappedCustomer {
  recordNo: string;
  customerId: string;
  intacctStatus: IntacctRecordStatus;
  entity: IntacctEntityRef;
  fields: ClientMappedFields;
}

export interface MappedEmployee {
  recordNo: string;
  employeeId: string;
  intacctStatus: IntacctRecordStatus;
  entity: IntacctEntityRef;
  /** Intacct DEPARTMENTID, or null when the employee has none. */
  departmentIntacctId: string | null;
  fields: UserMappedFields;
  /** Problems that did not stop the mapping (an unreadable start date); they go on the run record. */
  warnings: string[];
}

export interface MappedDepartment {
  recordNo: string;
  departmentId: string;
  name: string;
  intacctStatus: IntacctRecordStatus;
  entity: IntacctEntityRef;
}

/** A field's text; a field the answer left out reads as empty, like an empty element. */
function text(fields: IntacctFields, name: string): string {
  return fields[name] ?? '';
}

function trimmed(fields: IntacctFields, name: string): string {
  return text(fields, name).trim();
}

/** The record's entity; a top-level record (every entity shares it) has none. */
function entityOf(fields: IntacctFields): IntacctEntityRef {
  const entityId = trimmed(fields, ENTITY_ID_FIELD);
  const entityName = trimmed(fields, ENTITY_NAME_FIELD);
  return entityId === '' ? { entityId: null, entityName: null } : { entityId, entityName: entityName === '' ? null : entityName };
}

/** Reads STATUS; only `inactive` (any case) is inactive, so an unknown value keeps syncing. */
function intacctStatusOf(fields: IntacctFields): IntacctRecordStatus {
  return trimmed(fields, 'STATUS').toLowerCase() === INACTIVE_STATUS ? 'inactive' : 'active';
}

/** Maps an Intacct CUSTOMER to the client fields the sync owns, plus its identity and status. */
export function mapCustomer(fields: IntacctFields): MappedCustomer {
  const street = STREET_LINE_FIELDS.map((name) => trimmed(fields, name))
    .filter((line) => line !== '')
    .join(STREET_LINE_SEPARATOR);
  return {
    recordNo: trimmed(fields, 'RECORDNO'),
    customerId: trimmed(fields, 'CUSTOMERID'),
    intacctStatus: intacctStatusOf(fields),
    entity: entityOf(fields),
    fields: {
      name: trimmed(fields, 'NAME'),
      street,
      // Kept exactly as sent: leading zeros and inner spaces are part of a postal code.
      zip: text(fields, `${MAIL_ADDRESS}.ZIP`),
      city: trimmed(fields, `${MAIL_ADDRESS}.CITY`),
      country: trimmed(fields, `${MAIL_ADDRESS}.COUNTRY`),
      countryCode: trimmed(fields, `${MAIL_ADDRESS}.COUNTRYCODE`),
    },
  };
}

/**
 * Maps an Intacct EMPLOYEE to the user fields the sync owns. The department comes back as
 * the Intacct DEPARTMENTID; turning it into a PSA department is the caller's job (R8).
 */
export function mapEmployee(fields: IntacctFields): MappedEmployee {
  const name = splitContactName(
    text(fields, 'PERSONALINFO.CONTACTNAME'),
    text(fields, 'PERSONALINFO.FIRSTNAME'),
    text(fields, 'PERSONALINFO.LASTNAME'),
  );
  const startDate = parseIntacctDate(text(fields, 'STARTDATE'));
  const departmentId = trimmed(fields, 'DEPARTMENTID');
  return {
    recordNo: trimmed(fields, 'RECORDNO'),
    employeeId: trimmed(fields, 'EMPLOYEEID'),
    intacctStatus: intacctStatusOf(fields),
    entity: entityOf(fields),
    departmentIntacctId: departmentId === '' ? null : departmentId,
    fields: {
      firstName: name.firstName,
      lastName: name.lastName,
      jobTitle: trimmed(fields, 'TITLE'),
      startDate: startDate.date,
    },
    warnings: startDate.warning === null ? [] : [startDate.warning],
  };
}

/** Maps an Intacct DEPARTMENT (upper- or lower-case record, same fields) to a PSA department. */
export function mapDepartment(fields: IntacctFields): MappedDepartment {
  return {
    recordNo: trimmed(fields, 'RECORDNO'),
    departmentId: trimmed(fields, 'DEPARTMENTID'),
    name: trimmed(fields, 'TITLE'),
    intacctStatus: intacctStatusOf(fields),
    entity: entityOf(fields),
  };
}
