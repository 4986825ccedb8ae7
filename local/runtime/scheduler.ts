/** Fires a callback at every time a cron schedule matches, as an EventBridge schedule rule would. */
import { type CronSchedule, nextFireTime } from './cron';

/** setTimeout cannot wait longer than this; longer waits are taken in several hops. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface RunningSchedule {
  /** When the schedule fires next. */
  nextFireAt(): Date;
  stop(): void;
}

/** Arms a timer for each next match of `schedule`; the timer never keeps the process alive on its own. */
export function startSchedule(schedule: CronSchedule, fire: (scheduledAt: Date) => void): RunningSchedule {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let next = nextFireTime(schedule, new Date());

  const arm = (): void => {
    if (stopped) return;
    const wait = Math.min(Math.max(next.getTime() - Date.now(), 0), MAX_TIMER_DELAY_MS);
    timer = setTimeout(() => {
      if (Date.now() < next.getTime()) return arm();
      const firedAt = next;
      next = nextFireTime(schedule, firedAt);
      fire(firedAt);
      arm();
    }, wait);
    timer.unref();
  };
  arm();

  return {
    nextFireAt: () => next,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
