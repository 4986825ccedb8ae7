import { describe, expect, it } from 'vitest';
import type { UserMappedFields } from '#domain/entities';
import { CLIENT_MAPPED_FIELDS, diffFields, USER_MAPPED_FIELDS } from '#domain/field-diff';

const ADAEZE: UserMappedFields = {
  firstName: 'Adaeze',
  lastName: 'Okafor',
  jobTitle: 'Senior Consultant',
  startDate: '2019-02-12',
};

describe('diffFields', () => {
  it('finds no change between equal values', () => {
    expect(diffFields(ADAEZE, { ...ADAEZE }, USER_MAPPED_FIELDS)).toEqual([]);
  });

  it('lists each differing field with its old and new value, in field order', () => {
    const target = { ...ADAEZE, jobTitle: 'Principal', firstName: 'Ada' };

    expect(diffFields(ADAEZE, target, USER_MAPPED_FIELDS)).toEqual([
      { field: 'firstName', from: 'Adaeze', to: 'Ada' },
      { field: 'jobTitle', from: 'Senior Consultant', to: 'Principal' },
    ]);
  });

  it.each([
    ['a date to null', '2019-02-12', null],
    ['null to a date', null, '2019-02-12'],
  ])('reports %s', (_case, from, to) => {
    expect(diffFields({ ...ADAEZE, startDate: from }, { ...ADAEZE, startDate: to }, ['startDate'])).toEqual([{ field: 'startDate', from, to }]);
  });

  it('tells null apart from the empty string', () => {
    const changes = diffFields({ ...ADAEZE, startDate: null }, { ...ADAEZE, startDate: '' }, ['startDate']);

    expect(changes).toEqual([{ field: 'startDate', from: null, to: '' }]);
  });

  it('treats a missing value as null', () => {
    const stored = { ...ADAEZE, startDate: undefined } as unknown as UserMappedFields;

    expect(diffFields(stored, { ...ADAEZE, startDate: null }, ['startDate'])).toEqual([]);
  });

  it('compares only the fields it is given', () => {
    expect(diffFields(ADAEZE, { ...ADAEZE, jobTitle: 'Principal' }, ['firstName', 'lastName'])).toEqual([]);
  });

  it('compares case and white space exactly', () => {
    expect(diffFields(ADAEZE, { ...ADAEZE, lastName: 'okafor ' }, ['lastName'])).toEqual([{ field: 'lastName', from: 'Okafor', to: 'okafor ' }]);
  });
});

describe('mapped field lists', () => {
  it('lists every client field the sync owns', () => {
    expect(CLIENT_MAPPED_FIELDS).toEqual(['name', 'street', 'zip', 'city', 'country', 'countryCode']);
  });

  it('lists every user field the sync always owns', () => {
    expect(USER_MAPPED_FIELDS).toEqual(['firstName', 'lastName', 'jobTitle', 'startDate']);
  });
});
