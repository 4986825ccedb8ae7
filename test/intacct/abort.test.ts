/**
 * The caller's AbortSignal through the connector's parts, without a network: the retry loop and
 * its backoff wait, the company semaphore's queue, the session cache shared by concurrent calls,
 * the pipelined keyset listing, and postXml. The same over HTTP: deadlines-emulator.test.ts.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Semaphore } from '#intacct/company-concurrency';
import { IntacctTimeoutError, IntacctTransientError } from '#intacct/errors';
import { postXml } from '#intacct/http-transport';
import { type KeysetPage, pipelinedKeysetListing } from '#intacct/pipelined-listing';
import { type RetryPolicy, sleepMs, withRetry } from '#intacct/retry';
import { SessionCache } from '#intacct/session';
import type { ApiSession } from '#intacct/xml-response';

/** Lets queued promise callbacks and immediates run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `promise` has settled by the time queued callbacks ran. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

function policy(sleep: RetryPolicy['sleep']): RetryPolicy {
  return { maxAttempts: 6, baseDelayMs: 200, maxDelayMs: 10_000, random: () => 0.5, sleep };
}

describe('withRetry with a signal', () => {
  it('starts no attempt when the signal has already aborted', async () => {
    let attempts = 0;
    const operation = async () => {
      attempts += 1;
      return 'done';
    };

    await expect(withRetry(operation, policy(sleepMs), AbortSignal.abort())).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(attempts).toBe(0);
  });

  it('ends a backoff wait at once when the signal aborts, and starts no further attempt', async () => {
    const controller = new AbortController();
    const sleepSignals: (AbortSignal | undefined)[] = [];
    // A wait that would never end by itself: only the abort can end the call.
    const neverEnding: RetryPolicy['sleep'] = (_ms, signal) => {
      sleepSignals.push(signal);
      return new Promise<void>(() => undefined);
    };
    let attempts = 0;
    const operation = async () => {
      attempts += 1;
      throw new IntacctTransientError('500');
    };

    const call = withRetry(operation, policy(neverEnding), controller.signal);
    await settle();
    expect(attempts).toBe(1);
    expect(await isSettled(call)).toBe(false);

    controller.abort();

    await expect(call).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(attempts).toBe(1);
    expect(sleepSignals).toEqual([controller.signal]);
  });

  it('sleepMs clears its timer and resolves at once when the signal aborts', async () => {
    const controller = new AbortController();
    const wait = sleepMs(60_000, controller.signal);
    expect(await isSettled(wait)).toBe(false);

    controller.abort();

    expect(await isSettled(wait)).toBe(true);
  });

  it('does not retry the timeout error itself', async () => {
    let attempts = 0;
    const operation = async () => {
      attempts += 1;
      throw new IntacctTimeoutError();
    };

    await expect(withRetry(operation, policy(sleepMs))).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(attempts).toBe(1);
  });
});

describe('Semaphore.acquire with a signal', () => {
  it('rejects at once, taking nothing, when the signal has already aborted', async () => {
    const semaphore = new Semaphore(2);

    await expect(semaphore.acquire(AbortSignal.abort())).rejects.toBeDefined();
    expect(semaphore.inFlight).toBe(0);
  });

  it('takes a free slot without waiting, and the signal does not matter afterwards', async () => {
    const semaphore = new Semaphore(1);
    const controller = new AbortController();

    const release = await semaphore.acquire(controller.signal);
    controller.abort();

    expect(semaphore.inFlight).toBe(1);
    release();
    expect(semaphore.inFlight).toBe(0);
  });

  it('removes an aborted waiter from the queue: the freed slot is free for the next caller right away', async () => {
    const semaphore = new Semaphore(1);
    const holder = await semaphore.acquire();
    const controller = new AbortController();
    const waiter = semaphore.acquire(controller.signal);
    expect(semaphore.waiting).toBe(1);

    controller.abort(new Error('deadline'));

    await expect(waiter).rejects.toThrow('deadline');
    expect(semaphore.waiting).toBe(0);
    holder();
    expect(semaphore.inFlight).toBe(0);
    const next = semaphore.acquire();
    expect(await isSettled(next)).toBe(true);
    expect(semaphore.inFlight).toBe(1);
    (await next)();
    expect(semaphore.inFlight).toBe(0);
  });

  it('hands the slot to the caller queued behind an aborted one, keeping first come, first served', async () => {
    const semaphore = new Semaphore(1);
    const holder = await semaphore.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const aborted = semaphore.acquire(controller.signal).then(
      () => order.push('aborted one got a slot'),
      () => order.push('aborted one gave up'),
    );
    const second = semaphore.acquire().then((release) => {
      order.push('second');
      return release;
    });
    const third = semaphore.acquire().then((release) => {
      order.push('third');
      return release;
    });

    controller.abort();
    await aborted;
    holder();
    (await second)();
    (await third)();

    expect(order).toEqual(['aborted one gave up', 'second', 'third']);
    expect(semaphore.inFlight).toBe(0);
    expect(semaphore.waiting).toBe(0);
  });
});

describe('SessionCache with signals', () => {
  const session = (sessionId: string): ApiSession => ({ sessionId, endpoint: '', locationId: '' });

  function scriptedOpener() {
    const openings: { signal: AbortSignal; answer: ReturnType<typeof deferred<ApiSession>> }[] = [];
    const open = (signal: AbortSignal): Promise<ApiSession> => {
      const answer = deferred<ApiSession>();
      signal.addEventListener('abort', () => answer.reject(new IntacctTimeoutError()));
      openings.push({ signal, answer });
      return answer.promise;
    };
    return { open, openings };
  }

  it('rejects at once for an already-aborted signal, opening nothing', async () => {
    const { open, openings } = scriptedOpener();
    const cache = new SessionCache(open);

    await expect(cache.get(AbortSignal.abort())).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(openings).toHaveLength(0);
  });

  it('stops an opening only its aborted caller waited for, and the next call without a signal opens afresh', async () => {
    const { open, openings } = scriptedOpener();
    const cache = new SessionCache(open);
    const controller = new AbortController();
    const first = cache.get(controller.signal);

    controller.abort();

    await expect(first).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(openings[0]!.signal.aborted).toBe(true);
    const second = cache.get();
    expect(openings).toHaveLength(2);
    openings[1]!.answer.resolve(session('fresh'));
    await expect(second).resolves.toMatchObject({ sessionId: 'fresh' });
    await expect(cache.get()).resolves.toMatchObject({ sessionId: 'fresh' });
    expect(openings).toHaveLength(2);
  });

  it("keeps an opening going for the calls still waiting when one caller's signal aborts", async () => {
    const { open, openings } = scriptedOpener();
    const cache = new SessionCache(open);
    const controller = new AbortController();
    const impatient = cache.get(controller.signal);
    const patient = cache.get();
    const otherDeadline = cache.get(AbortSignal.timeout(60_000));

    controller.abort();
    await expect(impatient).rejects.toBeInstanceOf(IntacctTimeoutError);
    expect(openings[0]!.signal.aborted).toBe(false);
    openings[0]!.answer.resolve(session('shared'));

    await expect(patient).resolves.toMatchObject({ sessionId: 'shared' });
    await expect(otherDeadline).resolves.toMatchObject({ sessionId: 'shared' });
    expect(openings).toHaveLength(1);
  });

  it('stops a renewal for verifyCredentials when its caller gives up, leaving no broken session behind', async () => {
    const { open, openings } = scriptedOpener();
    const cache = new SessionCache(open);
    const controller = new AbortController();
    const renewal = cache.renew(controller.signal);

    controller.abort();

    await expect(renewal).rejects.toBeInstanceOf(IntacctTimeoutError);
    const next = cache.get();
    openings[1]!.answer.resolve(session('after'));
    await expect(next).resolves.toMatchObject({ sessionId: 'after' });
  });
});

describe('pipelinedKeysetListing with a signal', () => {
  interface Row {
    RECORDNO: string;
  }
  const rows = (from: number, count: number): Row[] => Array.from({ length: count }, (_, i) => ({ RECORDNO: String(from + i) }));

  it('lists only the records after afterRecordNo, never asking from the start', async () => {
    const asked: (string | null)[] = [];
    const listing = pipelinedKeysetListing<Row>({
      pageSize: 3,
      concurrency: 1,
      readAheadPages: 0,
      afterRecordNo: '10',
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: async (anchor, offset) => {
        asked.push(anchor);
        const all = rows(11, 4).filter((row) => anchor === null || Number(row.RECORDNO) > Number(anchor));
        const records = all.slice(offset, offset + 3);
        return { records, totalCount: all.length, numRemaining: Math.max(0, all.length - offset - records.length) };
      },
    });

    const listed: string[] = [];
    for await (const page of listing) listed.push(...page.records.map((row) => row.RECORDNO));

    expect(listed).toEqual(['11', '12', '13', '14']);
    expect(asked.every((anchor) => anchor !== null)).toBe(true);
    expect(asked[0]).toBe('10');
  });

  it('gives every page request the signal, rejects a pending next() once it aborts, and sends nothing more', async () => {
    const controller = new AbortController();
    const requests: { signal: AbortSignal | undefined; answer: ReturnType<typeof deferred<KeysetPage<Row>>> }[] = [];
    const listing = pipelinedKeysetListing<Row>({
      pageSize: 5,
      concurrency: 2,
      readAheadPages: 1,
      signal: controller.signal,
      abortError: () => new Error('listing deadline'),
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: (_anchor, _offset, signal) => {
        const answer = deferred<KeysetPage<Row>>();
        // As the connector does: the request on the wire stops when the signal aborts.
        signal?.addEventListener('abort', () => answer.reject(new IntacctTimeoutError()));
        requests.push({ signal, answer });
        return answer.promise;
      },
    });
    const pages = listing[Symbol.asyncIterator]();

    const firstPage = pages.next();
    await settle();
    requests[0]!.answer.resolve({ records: rows(1, 5), totalCount: 40, numRemaining: 35 });
    await expect(firstPage).resolves.toMatchObject({ done: false });
    await settle();
    expect(requests).toHaveLength(3);
    const pending = pages.next();
    expect(await isSettled(pending)).toBe(false);

    controller.abort();

    await expect(pending).rejects.toThrow('listing deadline');
    expect(requests.every((request) => request.signal === controller.signal)).toBe(true);
    await settle();
    expect(requests).toHaveLength(3);
    await expect(pages.next()).resolves.toMatchObject({ done: true });
  });

  it('rejects the first next() of a listing whose signal has already aborted, without any request', async () => {
    let requests = 0;
    const listing = pipelinedKeysetListing<Row>({
      pageSize: 5,
      concurrency: 2,
      readAheadPages: 1,
      signal: AbortSignal.abort(),
      abortError: () => new Error('too late'),
      recordNoOf: (row) => row.RECORDNO,
      fetchPage: async () => {
        requests += 1;
        return { records: [], totalCount: 0, numRemaining: 0 };
      },
    });

    await expect(listing[Symbol.asyncIterator]().next()).rejects.toThrow('too late');
    expect(requests).toBe(0);
  });
});

describe('postXml with a signal', () => {
  async function silentServer() {
    const held: ServerResponse[] = [];
    let requests = 0;
    const server = createServer((request, response) => {
      requests += 1;
      request.resume();
      held.push(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/`,
      requests: () => requests,
      close: () =>
        new Promise<void>((resolve) => {
          for (const response of held) response.destroy();
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }
  const limits = { timeoutMs: 60_000, maxResponseBytes: 1024 };

  it('sends nothing when the signal has already aborted', async () => {
    const server = await silentServer();
    try {
      await expect(postXml(server.url, '<request/>', limits, AbortSignal.abort())).rejects.toBeInstanceOf(IntacctTimeoutError);
      expect(server.requests()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('stops the request on the wire when the signal aborts, well before its own timeout', async () => {
    const server = await silentServer();
    try {
      const startedAt = performance.now();
      const error = await postXml(server.url, '<request>secret-password</request>', limits, AbortSignal.timeout(200)).catch(
        (failure: unknown) => failure,
      );

      expect(error).toBeInstanceOf(IntacctTimeoutError);
      expect(String(error) + JSON.stringify(error)).not.toContain('secret-password');
      expect(performance.now() - startedAt).toBeLessThan(3_000);
      expect(server.requests()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
