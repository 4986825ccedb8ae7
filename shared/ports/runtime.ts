/** Time, so tests control it. */
export interface Clock {
  now(): Date;
}

/** New opaque, time-ordered ids. */
export interface IdGenerator {
  newId(): string;
}
