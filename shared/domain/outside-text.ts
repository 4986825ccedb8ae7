/**
 * Text that comes from outside (Intacct's values and error texts) is shown in run records, runs and
 * answers only up to a bound: a hostile or broken answer must not make a run unsavable (a DynamoDB
 * item holds 400 KB) or an answer huge.
 */
export const MAX_OUTSIDE_TEXT = 1024;
const ELLIPSIS = '…';

/** `text` cut to `max` characters (the last one an ellipsis when cut). */
export function bounded(text: string, max = MAX_OUTSIDE_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - ELLIPSIS.length)}${ELLIPSIS}`;
}
