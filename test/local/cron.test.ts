import { describe, expect, it } from 'vitest';
import { CronError, nextFireTime, parseCron } from '../../local/runtime/cron';

const next = (expression: string, after: string): string => nextFireTime(parseCron(expression), new Date(after)).toISOString();

describe('cron schedule (5 fields, UTC)', () => {
  it.each([
    ['0 2 * * *', '2026-03-10T01:59:59Z', '2026-03-10T02:00:00.000Z'],
    ['0 2 * * *', '2026-03-10T02:00:00Z', '2026-03-11T02:00:00.000Z'],
    ['*/15 * * * *', '2026-03-10T10:07:00Z', '2026-03-10T10:15:00.000Z'],
    ['5,35 9-10 * * *', '2026-03-10T10:36:00Z', '2026-03-11T09:05:00.000Z'],
    ['0 0 1 * *', '2026-12-15T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['30 6 * * 1-5', '2026-03-13T07:00:00Z', '2026-03-16T06:30:00.000Z'],
    ['0 12 * * 7', '2026-03-10T00:00:00Z', '2026-03-15T12:00:00.000Z'],
    ['0 0 29 2 *', '2026-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['10-50/20 * * * *', '2026-03-10T10:31:00Z', '2026-03-10T10:50:00.000Z'],
    ['0 3/8 * * *', '2026-03-10T12:00:00Z', '2026-03-10T19:00:00.000Z'],
  ])('%s after %s fires at %s', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('matches either day field when both are restricted, as classic cron does', () => {
    // 2026-03-13 is a Friday; the 15th is a Sunday.
    expect(next('0 0 15 * 5', '2026-03-12T00:00:00Z')).toBe('2026-03-13T00:00:00.000Z');
    expect(next('0 0 15 * 5', '2026-03-13T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
  });

  it('always answers a time strictly after the given one, on a whole minute', () => {
    expect(next('* * * * *', '2026-03-10T10:07:30.500Z')).toBe('2026-03-10T10:08:00.000Z');
  });

  it.each([
    ['0 2 * *', /5 fields/],
    ['60 * * * *', /minute 60/],
    ['0 24 * * *', /hour 24/],
    ['0 0 0 * *', /day of month 0/],
    ['0 0 * 13 *', /month 13/],
    ['0 0 * * 8', /day of week 8/],
    ['*/0 * * * *', /step/],
    ['5-1 * * * *', /backwards/],
    ['a * * * *', /minute 'a'/],
    ['1,,2 * * * *', /minute ''/],
  ])('refuses %s naming the problem', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronError);
    expect(() => parseCron(expression)).toThrow(message);
  });

  it('refuses a schedule that never matches', () => {
    expect(() => nextFireTime(parseCron('0 0 30 2 *'), new Date('2026-01-01T00:00:00Z'))).toThrow(/matches no time/);
  });
});
