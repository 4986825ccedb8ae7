import { formatDate, formatTimestamp } from './dates';
import { placeCompanyRecords } from './entity-placement';
import type { Prng } from './prng';
import { createPrng } from './prng';
import type { CountryEntry } from './reference-data';
import {
  ADDRESS2_LINES,
  ADDRESS3_LINES,
  BUSINESS_KINDS,
  COMPANY_STEMS,
  COUNTRIES,
  DEPARTMENTS,
  FIRST_NAMES,
  JOB_TITLES,
  LAST_NAMES,
  MIDDLE_NAMES,
  MULTI_WORD_FIRST_NAMES,
  MULTI_WORD_LAST_NAMES,
  ODDBALL_COMPANY_NAMES,
  SINGLE_NAMES,
  SURNAME_STEMS,
} from './reference-data';
import type { IntacctRecord, ObjectSchema } from './schema';
import { CUSTOMER_SCHEMA, DEPARTMENT_SCHEMA, EMPLOYEE_SCHEMA, emptyRecord, NON_POSTING_STATUS } from './schema';
import type { CompanyStore } from './store';
import type { EmulatedEntity } from './types';

export interface GenerationCounts {
  customers: number;
  employees: number;
  departments: number;
}

const INACTIVE_SHARE = 0.05;
const RECORDNO_GAP_SHARE = 0.1;
const MAX_RECORDNO_GAP = 5;
const ADDRESS2_SHARE = 0.3;
const ADDRESS3_SHARE = 0.05;
const NO_ADDRESS_SHARE = 0.02;
const ODDBALL_NAME_SHARE = 0.01;
const CHILD_CUSTOMER_SHARE = 0.03;
const CHILD_DEPARTMENT_SHARE = 0.3;
const EMPTY_TITLE_SHARE = 0.1;
const EMPTY_DEPARTMENT_SHARE = 0.1;
const EMPTY_START_DATE_SHARE = 0.1;
const EMPTY_EMAIL_SHARE = 0.15;
const EMPTY_PHONE_SHARE = 0.2;
/** Share of records last touched by one of a few bulk updates, so many share a WHENMODIFIED. */
const BULK_MODIFIED_SHARE = 0.3;

const CREATED_FROM = Date.UTC(2019, 0, 1);
const CREATED_UNTIL = Date.UTC(2025, 0, 1);
const MODIFIED_UNTIL = Date.UTC(2025, 5, 30);
const START_DATE_FROM = Date.UTC(2005, 0, 1);
const START_DATE_UNTIL = Date.UTC(2025, 5, 30);
const BULK_UPDATE_INSTANTS = [Date.UTC(2025, 1, 3, 2, 0, 0), Date.UTC(2025, 2, 31, 23, 59, 59), Date.UTC(2025, 4, 12, 9, 30, 0)];
const SECOND_MS = 1000;
/** Mixed into the seed to give each object its own PRNG stream. */
const STREAM_SALTS = {
  departments: 0x0d0d0d0d,
  customers: 0x0c0c0c0c,
  employees: 0x0e0e0e0e,
  departmentStatuses: 0x0a0a0a0a,
} as const;
/** Share of active departments that are "active non-posting" (usable, but no transactions post to them). */
const NON_POSTING_DEPARTMENT_SHARE = 0.15;
const MAX_HOUSE_NUMBER = 999;
const BUSINESS_KEY_DIGITS = 4;
const PHONE_LOCAL_DIGITS = 7;
const PHONE_LOCAL_MAX = 10 ** PHONE_LOCAL_DIGITS - 1;

/** The URL Intacct gives every record; only its shape matters here. */
export function recordUrl(objectName: string, recordNo: number): string {
  return `https://www.intacct.com/ia/acct/ur.phtml?.r=${objectName.toLowerCase()}-${recordNo}`;
}

/** The business key Intacct would assign from a RECORDNO (C-0017, E-0005). */
export function defaultBusinessKey(schema: ObjectSchema, recordNo: number): string {
  return `${schema.idPrefix}${String(recordNo).padStart(BUSINESS_KEY_DIGITS, '0')}`;
}

/**
 * Fills a company's store with deterministic data: the same seed, counts and entities always give
 * the same records. Departments come first so employees can reference them; with entities, the
 * records are then spread over them (entity-placement.ts).
 */
export function generateCompanyData(store: CompanyStore, seed: number, counts: GenerationCounts, entities: readonly EmulatedEntity[] = []): void {
  // Separate streams per object, so adding employees does not change the customers of a seed.
  const seedBase = seed >>> 0;
  generateDepartments(store, createPrng(seedBase ^ STREAM_SALTS.departments), counts.departments);
  markNonPostingDepartments(store, createPrng(seedBase ^ STREAM_SALTS.departmentStatuses));
  generateCustomers(store, createPrng(seedBase ^ STREAM_SALTS.customers), counts.customers);
  generateEmployees(store, createPrng(seedBase ^ STREAM_SALTS.employees), counts.employees);
  placeCompanyRecords(store, seedBase, entities);
}

function nextRecordNo(prng: Prng, previous: number): number {
  return previous + 1 + (prng.chance(RECORDNO_GAP_SHARE) ? prng.int(1, MAX_RECORDNO_GAP) : 0);
}

function randomInstant(prng: Prng, from: number, until: number): number {
  return from + Math.floor(prng.next() * ((until - from) / SECOND_MS)) * SECOND_MS;
}

function stampRecord(prng: Prng, record: IntacctRecord, schema: ObjectSchema, recordNo: number): void {
  const created = randomInstant(prng, CREATED_FROM, CREATED_UNTIL);
  const modified = prng.chance(BULK_MODIFIED_SHARE) ? prng.pick(BULK_UPDATE_INSTANTS) : randomInstant(prng, created, MODIFIED_UNTIL);
  record.RECORDNO = String(recordNo);
  record.WHENCREATED = formatTimestamp(created);
  record.WHENMODIFIED = formatTimestamp(modified);
  record.RECORD_URL = recordUrl(schema.name, recordNo);
  record.STATUS = prng.chance(INACTIVE_SHARE) ? 'inactive' : 'active';
}

function generateDepartments(store: CompanyStore, prng: Prng, count: number): void {
  const table = store.table('DEPARTMENT');
  let recordNo = 0;
  for (let index = 0; index < count; index += 1) {
    recordNo = nextRecordNo(prng, recordNo);
    const base = DEPARTMENTS[index % DEPARTMENTS.length] ?? { id: 'DEPT', title: 'Department' };
    const round = Math.floor(index / DEPARTMENTS.length);
    const record = emptyRecord(DEPARTMENT_SCHEMA);
    stampRecord(prng, record, DEPARTMENT_SCHEMA, recordNo);
    record.DEPARTMENTID = round === 0 ? base.id : `${base.id}-${round + 1}`;
    record.TITLE = round === 0 ? base.title : `${base.title} ${round + 1}`;
    const existing = table.records;
    if (existing.length > 0 && prng.chance(CHILD_DEPARTMENT_SHARE)) {
      const parent = prng.pick(existing);
      record.PARENTID = parent.DEPARTMENTID ?? '';
      record.PARENTKEY = parent.RECORDNO ?? '';
    }
    table.append(record);
  }
}

/** From a stream of its own, so the other fields of a seed's departments stay as they were. */
function markNonPostingDepartments(store: CompanyStore, prng: Prng): void {
  for (const record of store.table('DEPARTMENT').records) {
    const drawn = prng.chance(NON_POSTING_DEPARTMENT_SHARE);
    if (drawn && record.STATUS === 'active') record.STATUS = NON_POSTING_STATUS;
  }
}

function companyName(prng: Prng, country: CountryEntry): string {
  if (prng.chance(ODDBALL_NAME_SHARE)) return prng.pick(ODDBALL_COMPANY_NAMES);
  const suffix = prng.pick(country.legalSuffixes);
  switch (prng.int(0, 4)) {
    case 0:
      return `${prng.pick(COMPANY_STEMS)} & ${prng.pick(COMPANY_STEMS)} ${prng.pick(BUSINESS_KINDS)}`;
    case 1:
      return `${prng.pick(SURNAME_STEMS)}'s ${prng.pick(BUSINESS_KINDS)}`;
    case 2:
      return `${prng.pick(COMPANY_STEMS)} ${suffix}`;
    case 3:
      return `${prng.pick(SURNAME_STEMS)} ${prng.pick(BUSINESS_KINDS)} ${suffix}`;
    default:
      return `${prng.pick(COMPANY_STEMS)} ${prng.pick(BUSINESS_KINDS)} ${suffix}`;
  }
}

const slugCache = new Map<string, string>();

/** Lower-case ASCII letters and digits only; memoised, since names repeat across 200k records. */
function asciiSlug(text: string): string {
  let slug = slugCache.get(text);
  if (slug === undefined) {
    slug = computeAsciiSlug(text);
    slugCache.set(text, slug);
  }
  return slug;
}

function computeAsciiSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/æ/gi, 'ae')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

const MAIL_ADDRESS1 = 'DISPLAYCONTACT.MAILADDRESS.ADDRESS1';
const MAIL_ADDRESS2 = 'DISPLAYCONTACT.MAILADDRESS.ADDRESS2';
const MAIL_ADDRESS3 = 'DISPLAYCONTACT.MAILADDRESS.ADDRESS3';
const MAIL_CITY = 'DISPLAYCONTACT.MAILADDRESS.CITY';
const MAIL_STATE = 'DISPLAYCONTACT.MAILADDRESS.STATE';
const MAIL_ZIP = 'DISPLAYCONTACT.MAILADDRESS.ZIP';
const MAIL_COUNTRY = 'DISPLAYCONTACT.MAILADDRESS.COUNTRY';
const MAIL_COUNTRYCODE = 'DISPLAYCONTACT.MAILADDRESS.COUNTRYCODE';

function generateCustomers(store: CompanyStore, prng: Prng, count: number): void {
  const table = store.table('CUSTOMER');
  let recordNo = 0;
  for (let index = 0; index < count; index += 1) {
    recordNo = nextRecordNo(prng, recordNo);
    const record = emptyRecord(CUSTOMER_SCHEMA);
    stampRecord(prng, record, CUSTOMER_SCHEMA, recordNo);
    const country = prng.pick(COUNTRIES);
    const name = companyName(prng, country);
    record.CUSTOMERID = defaultBusinessKey(CUSTOMER_SCHEMA, recordNo);
    record.NAME = name;
    record['DISPLAYCONTACT.CONTACTNAME'] = name;
    record['DISPLAYCONTACT.PRINTAS'] = name;
    record['DISPLAYCONTACT.COMPANYNAME'] = name;
    const slug = asciiSlug(name);
    record['DISPLAYCONTACT.EMAIL1'] = prng.chance(EMPTY_EMAIL_SHARE) || slug === '' ? '' : `billing@${slug}.example`;
    record['DISPLAYCONTACT.PHONE1'] = prng.chance(EMPTY_PHONE_SHARE)
      ? ''
      : `+1 555 ${String(prng.int(0, PHONE_LOCAL_MAX)).padStart(PHONE_LOCAL_DIGITS, '0')}`;
    if (!prng.chance(NO_ADDRESS_SHARE)) {
      const city = prng.pick(country.cities);
      const street = prng.pick(country.streets);
      const houseNumber = prng.int(1, MAX_HOUSE_NUMBER);
      record[MAIL_ADDRESS1] = country.numberAfterStreet ? `${street} ${houseNumber}` : `${houseNumber} ${street}`;
      record[MAIL_ADDRESS2] = prng.chance(ADDRESS2_SHARE) ? prng.pick(ADDRESS2_LINES) : '';
      record[MAIL_ADDRESS3] = prng.chance(ADDRESS3_SHARE) ? prng.pick(ADDRESS3_LINES) : '';
      record[MAIL_CITY] = city.city;
      record[MAIL_STATE] = city.state;
      record[MAIL_ZIP] = prng.pick(city.zips);
      record[MAIL_COUNTRY] = country.country;
      record[MAIL_COUNTRYCODE] = country.code;
    }
    const existing = table.records;
    if (existing.length > 0 && prng.chance(CHILD_CUSTOMER_SHARE)) {
      const parent = prng.pick(existing);
      record.PARENTID = parent.CUSTOMERID ?? '';
      record.PARENTKEY = parent.RECORDNO ?? '';
    }
    table.append(record);
  }
}

interface PersonName {
  contactName: string;
  firstName: string;
  lastName: string;
  middle: string;
}

const MULTI_WORD_NAME_SHARE = 0.15;

/** The shapes of CONTACTNAME the product's name rule must handle, with their relative weights. */
const NAME_SHAPE_WEIGHTS = {
  lastCommaFirst: 35,
  lastCommaFirstMiddle: 7,
  firstLast: 38,
  firstLastWithSpaceRun: 5,
  lastFirstWithoutComma: 5,
  firstLastWithoutParts: 4,
  singleWord: 3,
  emptyContactName: 3,
} as const;
type NameShape = keyof typeof NAME_SHAPE_WEIGHTS;
const NAME_SHAPES = Object.keys(NAME_SHAPE_WEIGHTS) as NameShape[];
const NAME_SHAPE_TOTAL = NAME_SHAPES.reduce((sum, shape) => sum + NAME_SHAPE_WEIGHTS[shape], 0);

function pickNameShape(prng: Prng): NameShape {
  let roll = prng.next() * NAME_SHAPE_TOTAL;
  for (const shape of NAME_SHAPES) {
    roll -= NAME_SHAPE_WEIGHTS[shape];
    if (roll < 0) return shape;
  }
  return 'firstLast';
}

function personName(prng: Prng): PersonName {
  const first = prng.chance(MULTI_WORD_NAME_SHARE) ? prng.pick(MULTI_WORD_FIRST_NAMES) : prng.pick(FIRST_NAMES);
  const last = prng.chance(MULTI_WORD_NAME_SHARE) ? prng.pick(MULTI_WORD_LAST_NAMES) : prng.pick(LAST_NAMES);
  const parts = { firstName: first, lastName: last, middle: '' };
  switch (pickNameShape(prng)) {
    case 'lastCommaFirst':
      return { ...parts, contactName: `${last}, ${first}` };
    case 'lastCommaFirstMiddle': {
      const middle = prng.pick(MIDDLE_NAMES);
      return { ...parts, middle, contactName: `${last}, ${first} ${middle}` };
    }
    case 'firstLastWithSpaceRun':
      return { ...parts, contactName: `${first}  ${last}` };
    case 'lastFirstWithoutComma':
      return { ...parts, contactName: `${last} ${first}` };
    case 'firstLastWithoutParts':
      return { firstName: '', lastName: '', middle: '', contactName: `${first} ${last}` };
    case 'singleWord': {
      const single = prng.pick(SINGLE_NAMES);
      return { firstName: single, lastName: '', middle: '', contactName: single };
    }
    case 'emptyContactName':
      return { ...parts, contactName: '' };
    default:
      return { ...parts, contactName: `${first} ${last}` };
  }
}

function generateEmployees(store: CompanyStore, prng: Prng, count: number): void {
  const table = store.table('EMPLOYEE');
  const departments = store.table('DEPARTMENT').records;
  let recordNo = 0;
  for (let index = 0; index < count; index += 1) {
    recordNo = nextRecordNo(prng, recordNo);
    const record = emptyRecord(EMPLOYEE_SCHEMA);
    stampRecord(prng, record, EMPLOYEE_SCHEMA, recordNo);
    const person = personName(prng);
    record.EMPLOYEEID = defaultBusinessKey(EMPLOYEE_SCHEMA, recordNo);
    record.TITLE = prng.chance(EMPTY_TITLE_SHARE) ? '' : prng.pick(JOB_TITLES);
    if (departments.length > 0 && !prng.chance(EMPTY_DEPARTMENT_SHARE)) {
      const department = prng.pick(departments);
      record.DEPARTMENTID = department.DEPARTMENTID ?? '';
      record.DEPARTMENTKEY = department.RECORDNO ?? '';
    }
    record.STARTDATE = prng.chance(EMPTY_START_DATE_SHARE) ? '' : formatDate(randomInstant(prng, START_DATE_FROM, START_DATE_UNTIL));
    record.CONTACT_NAME = person.contactName;
    record['PERSONALINFO.CONTACTNAME'] = person.contactName;
    record['PERSONALINFO.PRINTAS'] = person.contactName;
    record['PERSONALINFO.FIRSTNAME'] = person.firstName;
    record['PERSONALINFO.LASTNAME'] = person.lastName;
    record['PERSONALINFO.MI'] = person.middle;
    const local = [person.firstName, person.lastName].map(asciiSlug).filter(Boolean).join('.');
    record['PERSONALINFO.EMAIL1'] = prng.chance(EMPTY_EMAIL_SHARE) || local === '' ? '' : `${local}@example.com`;
    table.append(record);
  }
}
