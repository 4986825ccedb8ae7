/** Time, so tests control it. */
export interface Clock {
  now(): Date;
}

/** New opaque, time-ordered ids. */
export interface IdGenerator {
  newId(): string;
}

/** The worker invocation a run executes in (a Lambda invocation in the cloud). */
export interface Invocation {
  /** Unique per invocation (Lambda's request id). */
  id: string;
  /** Time this invocation has left before it is stopped (Lambda's getRemainingTimeInMillis). */
  remainingMs(): number;
  /** The token the previous invocation of the run left when it handed the run on to this one. */
  handoff?: string;
}
