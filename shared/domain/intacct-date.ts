/** Intacct dates (`MM/DD/YYYY`) as the ISO dates (`YYYY-MM-DD`) the PSA stores. */
import { bounded } from './outside-text';

/** An unreadable value is quoted in its warning up to this length. */
const QUOTED_VALUE_MAX = 100;

const INTACCT_DATE_PATTERN = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const FIRST_MONTH = 1;
const LAST_MONTH = 12;
const FIRST_DAY = 1;
const ISO_MONTH_DAY_DIGITS = 2;
const ISO_YEAR_DIGITS = 4;

export interface ParsedIntacctDate {
  /** ISO `YYYY-MM-DD`, or null when the text was empty or not a real date. */
  date: string | null;
  /** Set only when a non-empty text could not be read; goes on the run record. */
  warning: string | null;
}

/** Days per month, January first, in a common (non-leap) year. */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const FEBRUARY = 2;
const LEAP_DAY = 1;
/** Gregorian leap years: every 4th, except centuries, except every 400th. */
const LEAP_YEAR_EVERY = 4;
const CENTURY = 100;
const GREGORIAN_CYCLE = 400;

function isLeapYear(year: number): boolean {
  return (year % LEAP_YEAR_EVERY === 0 && year % CENTURY !== 0) || year % GREGORIAN_CYCLE === 0;
}

function daysInMonth(year: number, month: number): number {
  // Computed by hand: `Date` reads years below 100 as 19xx.
  const commonYearDays = DAYS_IN_MONTH[month - FIRST_MONTH] ?? 0;
  return month === FEBRUARY && isLeapYear(year) ? commonYearDays + LEAP_DAY : commonYearDays;
}

function isoPart(value: number, digits: number): string {
  return String(value).padStart(digits, '0');
}

/**
 * Reads an Intacct `MM/DD/YYYY` date. Empty (or blank) text is no date and no warning;
 * text that is not a real calendar date (`02/30/2020`, `13/01/2020`, `2020-01-01`) is
 * `null` with a warning naming the value, so a bad date never fails the record.
 */
export function parseIntacctDate(text: string): ParsedIntacctDate {
  const trimmed = text.trim();
  if (trimmed === '') {
    return { date: null, warning: null };
  }

  const unreadable = {
    date: null,
    warning: `STARTDATE "${bounded(text, QUOTED_VALUE_MAX)}" is not a valid MM/DD/YYYY date; start date left empty.`,
  };
  const match = INTACCT_DATE_PATTERN.exec(trimmed);
  if (!match) {
    return unreadable;
  }
  const month = Number(match[1]);
  const day = Number(match[2]);
  const year = Number(match[3]);
  if (month < FIRST_MONTH || month > LAST_MONTH || day < FIRST_DAY || day > daysInMonth(year, month)) {
    return unreadable;
  }
  const isoDate = [isoPart(year, ISO_YEAR_DIGITS), isoPart(month, ISO_MONTH_DAY_DIGITS), isoPart(day, ISO_MONTH_DAY_DIGITS)].join('-');
  return { date: isoDate, warning: null };
}
