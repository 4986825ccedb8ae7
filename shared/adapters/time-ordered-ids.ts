import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '#ports/runtime';

const TIME_DIGITS = 9; // base-36 milliseconds fit in 9 digits until the year 5188
const SEQUENCE_DIGITS = 4;
const RANDOM_BYTES = 5;

/**
 * Ids that sort by creation time (runs list newest first by key order), unique across
 * processes thanks to a random tail, and strictly increasing within one process.
 */
export class TimeOrderedIds implements IdGenerator {
  private lastMillis = 0;
  private sequence = 0;

  newId(): string {
    const millis = Date.now();
    if (millis <= this.lastMillis) {
      this.sequence += 1;
    } else {
      this.lastMillis = millis;
      this.sequence = 0;
    }
    return (
      this.lastMillis.toString(36).padStart(TIME_DIGITS, '0') +
      this.sequence.toString(36).padStart(SEQUENCE_DIGITS, '0') +
      randomBytes(RANDOM_BYTES).toString('hex')
    );
  }
}
