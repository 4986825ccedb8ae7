/**
 * The five-field cron subset the nightly schedule uses (minute hour day-of-month month day-of-week,
 * UTC): numbers, `*`, lists, ranges and steps. As in classic cron, when both day fields are
 * restricted a day matches either of them.
 */

export interface CronSchedule {
  expression: string;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday; a 7 in the expression is folded into 0. */
  daysOfWeek: ReadonlySet<number>;
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

interface FieldRange {
  name: string;
  min: number;
  max: number;
}

const FIELDS: readonly FieldRange[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];
const FIELD_COUNT = FIELDS.length;
const SUNDAY_ALIAS = 7;
const SUNDAY = 0;
/** A schedule that matches nothing in this many years (say `0 0 30 2 *`) is refused. */
const SEARCH_YEARS = 5;

export class CronError extends Error {
  override name = 'CronError';
}

function parseNumber(text: string, field: FieldRange, expression: string): number {
  if (!/^\d+$/.test(text)) throw new CronError(`Invalid ${field.name} '${text}' in cron '${expression}'.`);
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new CronError(`The ${field.name} ${value} is outside ${field.min}-${field.max} in cron '${expression}'.`);
  }
  return value;
}

function parseStep(text: string | undefined, field: FieldRange, expression: string): number {
  if (text === undefined) return 1;
  if (!/^\d+$/.test(text) || Number(text) === 0) {
    throw new CronError(`Invalid ${field.name} step '${text}' in cron '${expression}'.`);
  }
  return Number(text);
}

function parsePart(part: string, field: FieldRange, expression: string): number[] {
  const [rangeText = '', stepText, extra] = part.split('/');
  if (extra !== undefined) throw new CronError(`Invalid ${field.name} '${part}' in cron '${expression}'.`);
  const step = parseStep(stepText, field, expression);
  let start: number;
  let end: number;
  if (rangeText === '*') {
    [start, end] = [field.min, field.max];
  } else if (rangeText.includes('-')) {
    const [low = '', high = '', more] = rangeText.split('-');
    if (more !== undefined) throw new CronError(`Invalid ${field.name} range '${rangeText}' in cron '${expression}'.`);
    [start, end] = [parseNumber(low, field, expression), parseNumber(high, field, expression)];
    if (start > end) throw new CronError(`The ${field.name} range '${rangeText}' is backwards in cron '${expression}'.`);
  } else {
    start = parseNumber(rangeText, field, expression);
    // `5/10` means every 10th value from 5 on, as in Vixie cron.
    end = stepText === undefined ? start : field.max;
  }
  const values: number[] = [];
  for (let value = start; value <= end; value += step) values.push(value);
  return values;
}

function parseField(text: string, field: FieldRange, expression: string): Set<number> {
  if (text === '') throw new CronError(`Empty ${field.name} in cron '${expression}'.`);
  return new Set(text.split(',').flatMap((part) => parsePart(part, field, expression)));
}

/** Parses a five-field cron expression; throws CronError naming the bad field. */
export function parseCron(expression: string): CronSchedule {
  const texts = expression.trim().split(/\s+/);
  if (texts.length !== FIELD_COUNT) {
    throw new CronError(`A cron expression has ${FIELD_COUNT} fields (minute hour day month weekday), got '${expression}'.`);
  }
  const [minutes, hours, daysOfMonth, months, weekdays] = FIELDS.map((field, index) => parseField(texts[index] ?? '', field, expression)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.delete(SUNDAY_ALIAS)) weekdays.add(SUNDAY);
  return {
    expression,
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek: weekdays,
    dayOfMonthRestricted: !texts[2]?.startsWith('*'),
    dayOfWeekRestricted: !texts[4]?.startsWith('*'),
  };
}

function dayMatches(schedule: CronSchedule, moment: Date): boolean {
  const byMonthDay = schedule.daysOfMonth.has(moment.getUTCDate());
  const byWeekDay = schedule.daysOfWeek.has(moment.getUTCDay());
  if (schedule.dayOfMonthRestricted && schedule.dayOfWeekRestricted) return byMonthDay || byWeekDay;
  return byMonthDay && byWeekDay;
}

/** The first whole minute strictly after `after` (UTC) that the schedule matches. */
export function nextFireTime(schedule: CronSchedule, after: Date): Date {
  const moment = new Date(after.getTime());
  moment.setUTCSeconds(0, 0);
  moment.setUTCMinutes(moment.getUTCMinutes() + 1);
  const giveUpAt = Date.UTC(moment.getUTCFullYear() + SEARCH_YEARS, 0, 1);
  while (moment.getTime() < giveUpAt) {
    if (!schedule.months.has(moment.getUTCMonth() + 1)) {
      moment.setUTCMonth(moment.getUTCMonth() + 1, 1);
      moment.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(schedule, moment)) {
      moment.setUTCDate(moment.getUTCDate() + 1);
      moment.setUTCHours(0, 0, 0, 0);
    } else if (!schedule.hours.has(moment.getUTCHours())) {
      moment.setUTCHours(moment.getUTCHours() + 1, 0, 0, 0);
    } else if (!schedule.minutes.has(moment.getUTCMinutes())) {
      moment.setUTCMinutes(moment.getUTCMinutes() + 1, 0, 0);
    } else {
      return moment;
    }
  }
  throw new CronError(`The cron '${schedule.expression}' matches no time in the next ${SEARCH_YEARS} years.`);
}
