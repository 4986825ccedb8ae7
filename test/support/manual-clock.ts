import type { Clock } from '#ports/runtime';

/** A clock tests move by hand; starts at a fixed instant. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start = '2026-11-25T02:00:00.000Z') {
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
