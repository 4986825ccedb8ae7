/**
 * Intacct's text formats for dates (MM/DD/YYYY) and timestamps (MM/DD/YYYY HH:MM:SS, no zone),
 * and numeric sort keys for comparing them. The emulator writes timestamps in UTC.
 */

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats epoch milliseconds as an Intacct timestamp, MM/DD/YYYY HH:MM:SS (UTC). */
export function formatTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  return `${formatDate(epochMs)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** Formats epoch milliseconds as an Intacct date, MM/DD/YYYY (UTC). */
export function formatDate(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getUTCMonth() + 1)}/${pad2(d.getUTCDate())}/${d.getUTCFullYear()}`;
}

/** Formats epoch milliseconds as ISO 8601 with an explicit offset, as the authentication block shows. */
export function formatIsoWithOffset(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/;

/**
 * Turns a date or timestamp (MM/DD/YYYY[ HH:MM[:SS]] or YYYY-MM-DD[THH:MM[:SS]]) into the number
 * YYYYMMDDHHMMSS, which orders like the instant it names; undefined when the text is neither.
 */
export function timestampSortKey(text: string): number | undefined {
  return canonicalTimestampKey(text) ?? parsedTimestampKey(text);
}

const CANONICAL_TIMESTAMP_LENGTH = 19;
const CANONICAL_DATE_LENGTH = 10;
const DIGIT_ZERO = 48;
const DIGIT_NINE = 57;
/** Digit positions of MM/DD/YYYY HH:MM:SS, in YYYYMMDDHHMMSS order. */
const CANONICAL_DIGIT_ORDER = [6, 7, 8, 9, 0, 1, 3, 4, 11, 12, 14, 15, 17, 18];
const DATE_ONLY_DIGITS = 8;
const TIME_SCALE = 1_000_000;

/**
 * Fast path for the stored forms (MM/DD/YYYY and MM/DD/YYYY HH:MM:SS): digit arithmetic instead
 * of a regex, since sorting 200k records computes one key per record.
 */
function canonicalTimestampKey(text: string): number | undefined {
  const isDateOnly = text.length === CANONICAL_DATE_LENGTH;
  if (!isDateOnly && text.length !== CANONICAL_TIMESTAMP_LENGTH) return undefined;
  if (text[2] !== '/' || text[5] !== '/') return undefined;
  if (!isDateOnly && (text[10] !== ' ' || text[13] !== ':' || text[16] !== ':')) return undefined;
  const digits = isDateOnly ? CANONICAL_DIGIT_ORDER.slice(0, DATE_ONLY_DIGITS) : CANONICAL_DIGIT_ORDER;
  let key = 0;
  for (const position of digits) {
    const code = text.charCodeAt(position);
    if (code < DIGIT_ZERO || code > DIGIT_NINE) return undefined;
    key = key * 10 + (code - DIGIT_ZERO);
  }
  return isDateOnly ? key * TIME_SCALE : key;
}

function parsedTimestampKey(text: string): number | undefined {
  let year: string, month: string, day: string, rest: (string | undefined)[];
  const us = US_DATE.exec(text);
  if (us) {
    [, month = '', day = '', year = ''] = us;
    rest = us.slice(4);
  } else {
    const iso = ISO_DATE.exec(text);
    if (!iso) return undefined;
    [, year = '', month = '', day = ''] = iso;
    rest = iso.slice(4);
  }
  const [hours = '00', minutes = '00', seconds = '00'] = rest.map((part) => part ?? '00');
  const two = (part: string): string => part.padStart(2, '0');
  return Number(`${year}${two(month)}${two(day)}${two(hours)}${two(minutes)}${two(seconds)}`);
}

/** Like timestampSortKey, but a date only (time ignored): YYYYMMDD. */
export function dateSortKey(text: string): number | undefined {
  const key = timestampSortKey(text);
  return key === undefined ? undefined : Math.floor(key / TIME_SCALE);
}
