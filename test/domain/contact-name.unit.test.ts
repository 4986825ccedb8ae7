import { describe, expect, it } from 'vitest';
import { splitContactName } from '#domain/contact-name';

describe('splitContactName', () => {
  it.each([
    ['Okafor, Adaeze', 'Adaeze', 'Okafor'],
    ['Okafor, Adaeze Ngozi', 'Adaeze Ngozi', 'Okafor'],
    ['van der Berg, Mary Ann', 'Mary Ann', 'van der Berg'],
    ['  Okafor ,   Adaeze  ', 'Adaeze', 'Okafor'],
  ])('comma form %j splits into first %j and last %j', (contact, firstName, lastName) => {
    expect(splitContactName(contact, '', '')).toEqual({ firstName, lastName });
  });

  it('comma form splits at the first comma only', () => {
    expect(splitContactName('Smith, John, Jr.', '', '')).toEqual({ firstName: 'John, Jr.', lastName: 'Smith' });
  });

  it('comma form wins over FIRSTNAME/LASTNAME that say otherwise', () => {
    expect(splitContactName('Okafor, Adaeze', 'Someone', 'Else')).toEqual({
      firstName: 'Adaeze',
      lastName: 'Okafor',
    });
  });

  it('uses FIRSTNAME/LASTNAME when first then last spells the contact name', () => {
    expect(splitContactName('Mary Ann van der Berg', 'Mary Ann', 'van der Berg')).toEqual({
      firstName: 'Mary Ann',
      lastName: 'van der Berg',
    });
  });

  it('uses FIRSTNAME/LASTNAME when last then first spells the contact name', () => {
    expect(splitContactName('van der Berg Mary Ann', 'Mary Ann', 'van der Berg')).toEqual({
      firstName: 'Mary Ann',
      lastName: 'van der Berg',
    });
  });

  it.each([
    ['Mary  Ann\tvan der   Berg', 'Mary Ann', 'van der Berg'],
    ['Mary Ann van der Berg', '  Mary   Ann ', ' van  der Berg'],
    ['  Mary Ann van der Berg  ', 'Mary Ann', 'van der Berg'],
  ])('collapses white-space runs before comparing %j with %j + %j', (contact, first, last) => {
    expect(splitContactName(contact, first, last)).toEqual({ firstName: 'Mary Ann', lastName: 'van der Berg' });
  });

  it.each([
    ['FIRSTNAME/LASTNAME spell another name', 'Mary Ann van der Berg', 'Mary', 'Berg'],
    ['only FIRSTNAME present', 'Mary Ann van der Berg', 'Mary Ann', ''],
    ['only LASTNAME present', 'Mary Ann van der Berg', '', 'van der Berg'],
    ['neither present', 'Mary Ann van der Berg', '', ''],
  ])('takes the last word as last name when %s', (_case, contact, first, last) => {
    expect(splitContactName(contact, first, last)).toEqual({ firstName: 'Mary Ann van der', lastName: 'Berg' });
  });

  it('compares FIRSTNAME/LASTNAME with the contact name case-sensitively', () => {
    expect(splitContactName('Mary Ann Van Der Berg', 'mary ann', 'van der berg')).toEqual({
      firstName: 'Mary Ann Van Der',
      lastName: 'Berg',
    });
  });

  it('splits two words into first and last', () => {
    expect(splitContactName('Adaeze Okafor', '', '')).toEqual({ firstName: 'Adaeze', lastName: 'Okafor' });
  });

  it.each(['Cher', '  Cher  '])('makes single word %j the first name with an empty last name', (contact) => {
    expect(splitContactName(contact, 'Ignored', 'Names')).toEqual({ firstName: 'Cher', lastName: '' });
  });

  it.each(['', '   '])('falls back to FIRSTNAME/LASTNAME when the contact name is %j', (contact) => {
    expect(splitContactName(contact, ' Adaeze ', 'Okafor ')).toEqual({ firstName: 'Adaeze', lastName: 'Okafor' });
  });

  it('gives empty names when contact name, FIRSTNAME and LASTNAME are all empty', () => {
    expect(splitContactName('', '', '')).toEqual({ firstName: '', lastName: '' });
  });
});
