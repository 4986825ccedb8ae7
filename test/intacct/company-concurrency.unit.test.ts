import { describe, expect, it } from 'vitest';
import { companySemaphore, Semaphore } from '#intacct/company-concurrency';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it('never lets more than the limit run at once and serves waiters in order', async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let highest = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 6 }, deferred);

    const tasks = gates.map(async (gate, index) => {
      const release = await semaphore.acquire();
      started.push(index);
      running += 1;
      highest = Math.max(highest, running);
      await gate.promise;
      running -= 1;
      release();
    });
    await settle();
    expect(started).toEqual([0, 1]);

    for (const gate of gates) {
      gate.resolve();
      await settle();
    }
    await Promise.all(tasks);

    expect(highest).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(semaphore.inFlight).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();

    release();
    release();

    expect(semaphore.inFlight).toBe(0);
    const again = await semaphore.acquire();
    expect(semaphore.inFlight).toBe(1);
    again();
  });

  it('refuses a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

describe('companySemaphore', () => {
  it('shares one semaphore per endpoint and company, separate for other companies', () => {
    const first = companySemaphore('https://gw.example/a', 'ACME', 2);
    const second = companySemaphore('https://gw.example/a', 'ACME', 2);
    const otherCompany = companySemaphore('https://gw.example/a', 'GLOBEX', 2);
    const otherEndpoint = companySemaphore('https://gw.example/b', 'ACME', 2);

    expect(second).toBe(first);
    expect(otherCompany).not.toBe(first);
    expect(otherEndpoint).not.toBe(first);
  });

  it('keeps the smallest limit any client asked for', () => {
    const semaphore = companySemaphore('https://gw.example/tight', 'ACME', 3);
    companySemaphore('https://gw.example/tight', 'ACME', 1);
    companySemaphore('https://gw.example/tight', 'ACME', 5);

    expect(semaphore.limit).toBe(1);
  });
});
