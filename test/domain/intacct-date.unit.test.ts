import { describe, expect, it } from 'vitest';
import { parseIntacctDate } from '#domain/intacct-date';

describe('parseIntacctDate', () => {
  it.each([
    ['02/12/2019', '2019-02-12'],
    ['12/31/1999', '1999-12-31'],
    ['01/01/2000', '2000-01-01'],
    ['02/29/2020', '2020-02-29'],
    ['02/29/2000', '2000-02-29'],
    ['2/3/2021', '2021-02-03'],
    [' 06/15/2024 ', '2024-06-15'],
  ])('reads %j as ISO %j without a warning', (text, date) => {
    expect(parseIntacctDate(text)).toEqual({ date, warning: null });
  });

  it.each(['', '   '])('reads empty text %j as no date and no warning', (text) => {
    expect(parseIntacctDate(text)).toEqual({ date: null, warning: null });
  });

  it.each([
    ['02/30/2020', 'day past the end of the month'],
    ['02/29/2019', 'leap day in a common year'],
    ['02/29/1900', 'leap day in a century that is not a leap year'],
    ['13/01/2020', 'month 13'],
    ['00/10/2020', 'month 0'],
    ['04/00/2020', 'day 0'],
    ['04/31/2020', 'day 31 in a 30-day month'],
    ['2020-01-15', 'ISO instead of MM/DD/YYYY'],
    ['01/15/20', 'two-digit year'],
    ['01/15/2020 10:00:00', 'a date-time'],
    ['soon', 'words'],
  ])('rejects %j (%s) with null and a warning naming the value', (text) => {
    const parsed = parseIntacctDate(text);

    expect(parsed.date).toBeNull();
    expect(parsed.warning).toContain(text);
  });
});
