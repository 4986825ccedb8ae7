import { describe, expect, it } from 'vitest';
import { entitiesFor } from '../../local/emulator/entities';
import { generateCompanyData } from '../../local/emulator/generator';
import { CompanyStore } from '../../local/emulator/store';

type Row = Record<string, string>;
const MAIL = 'DISPLAYCONTACT.MAILADDRESS';
const COUNTS = { customers: 3000, employees: 600, departments: 15 };

function generate(seed: number, counts = COUNTS, entities = 0): CompanyStore {
  const store = new CompanyStore();
  generateCompanyData(store, seed, counts, entitiesFor('NORTHWIND', entities));
  return store;
}

const OBJECTS = ['CUSTOMER', 'EMPLOYEE', 'DEPARTMENT'] as const;

function withoutEntity(row: Row): Row {
  const { MEGAENTITYID: _id, MEGAENTITYNAME: _name, ...rest } = row;
  return rest;
}

function share(rows: Row[], predicate: (row: Row) => boolean): number {
  return rows.filter(predicate).length / rows.length;
}

describe('deterministic data generator', () => {
  it('gives the same records for the same seed and counts', () => {
    const first = generate(42);
    const second = generate(42);

    expect(second.table('CUSTOMER').records).toEqual(first.table('CUSTOMER').records);
    expect(second.table('EMPLOYEE').records).toEqual(first.table('EMPLOYEE').records);
    expect(second.table('DEPARTMENT').records).toEqual(first.table('DEPARTMENT').records);
  });

  it('gives different records for another seed', () => {
    const names = (store: CompanyStore): string[] =>
      store
        .table('CUSTOMER')
        .records.slice(0, 50)
        .map((row) => row.NAME ?? '');

    expect(names(generate(1))).not.toEqual(names(generate(2)));
  });

  it('keeps RECORDNO ascending, with gaps, and business keys unique', () => {
    const customers = generate(7).table('CUSTOMER').records;

    const numbers = customers.map((row) => Number(row.RECORDNO));
    expect(numbers.every((value, index) => index === 0 || value > (numbers[index - 1] as number))).toBe(true);
    expect((numbers.at(-1) as number) > numbers.length).toBe(true);
    expect(new Set(customers.map((row) => row.CUSTOMERID)).size).toBe(customers.length);
  });

  it('makes customers awkward in the ways production data is', () => {
    const customers = generate(7).table('CUSTOMER').records;
    const cities = new Set(customers.map((row) => row[`${MAIL}.CITY`]));
    const countries = new Map(customers.map((row) => [row[`${MAIL}.COUNTRY`], row[`${MAIL}.COUNTRYCODE`]]));

    expect(customers.some((row) => row.NAME?.includes('&'))).toBe(true);
    expect(customers.some((row) => row.NAME?.includes("'"))).toBe(true);
    expect(customers.some((row) => /[<>"]/.test(row.NAME ?? ''))).toBe(true);
    expect(customers.some((row) => /[^\p{ASCII}]/u.test(row.NAME ?? ''))).toBe(true);
    for (const city of ['Tromsø', 'Zürich', 'São Paulo']) expect(cities.has(city)).toBe(true);
    expect(countries.size).toBeGreaterThanOrEqual(15);
    for (const [country, code] of countries) if (country) expect(code).toMatch(/^[A-Z]{2}$/);
    expect(customers.some((row) => /^0\d/.test(row[`${MAIL}.ZIP`] ?? ''))).toBe(true);
    expect(share(customers, (row) => row[`${MAIL}.ADDRESS2`] === '')).toBeGreaterThan(0.5);
    expect(share(customers, (row) => row[`${MAIL}.ADDRESS2`] !== '')).toBeGreaterThan(0.1);
    expect(share(customers, (row) => row[`${MAIL}.ADDRESS3`] !== '')).toBeGreaterThan(0.01);
    expect(share(customers, (row) => row.STATUS === 'inactive')).toBeGreaterThan(0.02);
    expect(share(customers, (row) => row.STATUS === 'inactive')).toBeLessThan(0.09);
    expect(customers.every((row) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/.test(row.WHENMODIFIED ?? ''))).toBe(true);
    const modifiedCounts = new Map<string, number>();
    for (const row of customers) modifiedCounts.set(row.WHENMODIFIED ?? '', (modifiedCounts.get(row.WHENMODIFIED ?? '') ?? 0) + 1);
    expect(Math.max(...modifiedCounts.values())).toBeGreaterThan(100);
  });

  it('makes employees with every contact-name shape the name rule handles', () => {
    const store = generate(7);
    const employees = store.table('EMPLOYEE').records;
    const departmentIds = new Set(store.table('DEPARTMENT').records.map((row) => row.DEPARTMENTID));
    const contact = (row: Row): string => row['PERSONALINFO.CONTACTNAME'] ?? '';
    const first = (row: Row): string => row['PERSONALINFO.FIRSTNAME'] ?? '';
    const last = (row: Row): string => row['PERSONALINFO.LASTNAME'] ?? '';

    expect(employees.some((row) => contact(row).includes(', '))).toBe(true);
    expect(employees.some((row) => contact(row) !== '' && !contact(row).includes(',') && first(row) !== '')).toBe(true);
    expect(employees.some((row) => first(row).includes(' ') && last(row).includes(' ') && !contact(row).includes(','))).toBe(true);
    expect(employees.some((row) => contact(row).includes('  '))).toBe(true);
    expect(employees.some((row) => contact(row) !== '' && first(row) === '' && last(row) === '')).toBe(true);
    expect(employees.some((row) => contact(row) === '' && first(row) !== '')).toBe(true);
    expect(employees.some((row) => !contact(row).includes(' ') && contact(row) !== '')).toBe(true);
    expect(employees.some((row) => /[^\p{ASCII}]/u.test(contact(row)))).toBe(true);
    expect(employees.some((row) => row.TITLE === '')).toBe(true);
    expect(employees.some((row) => row.DEPARTMENTID === '')).toBe(true);
    expect(employees.some((row) => row.STARTDATE === '')).toBe(true);
    for (const row of employees) {
      if (row.DEPARTMENTID) expect(departmentIds.has(row.DEPARTMENTID)).toBe(true);
      if (row.STARTDATE) expect(row.STARTDATE).toMatch(/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/(19|20)\d{2}$/);
    }
  });

  it('names departments like production (CONS / Consulting), unique beyond the base list', () => {
    const departments = generate(7).table('DEPARTMENT').records;

    expect(departments[0]).toMatchObject({ DEPARTMENTID: 'CONS', TITLE: 'Consulting' });
    expect(new Set(departments.map((row) => row.DEPARTMENTID)).size).toBe(COUNTS.departments);
  });

  it('without entities, leaves MEGAENTITYID and MEGAENTITYNAME empty on every record', () => {
    const store = generate(7);

    for (const object of OBJECTS) {
      expect(store.table(object).records.every((row) => row.MEGAENTITYID === '' && row.MEGAENTITYNAME === '')).toBe(true);
    }
  });

  it("with entities, spreads records over them deterministically and changes nothing else of the seed's records", () => {
    const plain = generate(7);
    const first = generate(7, COUNTS, 3);
    const second = generate(7, COUNTS, 3);

    for (const object of OBJECTS) {
      const records = first.table(object).records;
      expect(second.table(object).records).toEqual(records);
      expect(records.map(withoutEntity)).toEqual(plain.table(object).records.map(withoutEntity));
      const owners = new Set(records.map((row) => row.MEGAENTITYID));
      expect(owners).toEqual(new Set(['', 'E100', 'E200', 'E300']));
      const shared = share(records, (row) => row.MEGAENTITYID === '');
      expect(shared).toBeGreaterThan(0.2);
      expect(shared).toBeLessThan(0.8);
    }
  });

  it("places a record that references a private one (parent, department) in that record's entity", () => {
    const store = generate(11, COUNTS, 4);
    const owner = (object: 'CUSTOMER' | 'DEPARTMENT', recordNo: string | undefined): string =>
      (recordNo ? store.table(object).findByRecordNo(Number(recordNo))?.MEGAENTITYID : '') ?? '';

    for (const row of store.table('EMPLOYEE').records) {
      const departmentOwner = owner('DEPARTMENT', row.DEPARTMENTKEY);
      if (departmentOwner !== '') expect(row.MEGAENTITYID).toBe(departmentOwner);
    }
    for (const object of ['CUSTOMER', 'DEPARTMENT'] as const) {
      for (const row of store.table(object).records) {
        const parentOwner = owner(object, row.PARENTKEY);
        if (parentOwner !== '') expect(row.MEGAENTITYID).toBe(parentOwner);
      }
    }
  });

  it('makes some departments "active non-posting", the same ones for a seed', () => {
    const statuses = (seed: number): string[] =>
      generate(seed, { customers: 0, employees: 0, departments: 200 })
        .table('DEPARTMENT')
        .records.map((row) => row.STATUS ?? '');

    const first = statuses(5);

    expect(statuses(5)).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['active', 'active non-posting', 'inactive']));
    expect(first.filter((status) => status === 'active non-posting').length).toBeGreaterThan(10);
  });

  it('generates 200,000 customers in a few seconds', () => {
    const started = performance.now();

    const store = generate(9, { customers: 200_000, employees: 0, departments: 0 });

    expect(store.table('CUSTOMER').records).toHaveLength(200_000);
    // The target is about two seconds; the bound is generous for slow, shared machines.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
