import type { Clock } from '#ports/runtime';

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
