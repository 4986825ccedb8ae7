/**
 * Pluggable company slots: given `slots` (a CompanySlots, such as one shared by every worker through
 * a table), every attempt takes its slot there, keyed endpoint + company id, with the configured
 * limit and the call's abort semantics; without it, the process-local semaphores, which are a
 * CompanySlots too (processCompanySlots).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IntacctClient } from '#intacct/client';
import { companyKey, companySemaphore, processCompanySlots } from '#intacct/company-concurrency';
import { IntacctTimeoutError } from '#intacct/errors';
import { XmlGatewaySourceFactory } from '#intacct/source';
import type { CompanySlots } from '#ports/company-slots';
import { collect } from '../support/async';
import { customers, type ScriptedCompany, startScriptedCompany } from './support/scripted-company';

const LOGIN = { companyId: 'SLOTTED-CO', userId: 'api_sync', userPassword: 'slotted-pass' };

let company: ScriptedCompany | undefined;
afterEach(async () => {
  await company?.close();
  company = undefined;
});

/** Slots that grant at once and record every acquire and release. */
function recordingSlots() {
  const acquired: { company: string; limit: number; signal: AbortSignal | undefined }[] = [];
  let held = 0;
  let released = 0;
  const slots: CompanySlots = {
    async acquire(company, limit, signal) {
      acquired.push({ company, limit, signal });
      held += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        held -= 1;
        released += 1;
      };
    },
  };
  return { slots, acquired, held: () => held, released: () => released };
}

describe('slots given in the gateway settings', () => {
  it('are taken for every attempt (session opening included), keyed endpoint + company id, and all given back', async () => {
    company = await startScriptedCompany({ records: { CUSTOMER: customers(30) } });
    const recorder = recordingSlots();
    const factory = new XmlGatewaySourceFactory({
      endpointUrl: company.endpointUrl,
      senderId: 'psaVendor',
      senderPassword: 'sender-pass',
      concurrency: 3,
      slots: recorder.slots,
    });
    const signal = new AbortController().signal;

    const pages = await collect(factory.forLogin(LOGIN).listCustomers({ pageSize: 10, signal }));

    expect(pages.flatMap((page) => page.records)).toHaveLength(30);
    expect(recorder.acquired).toHaveLength(company.requests.length);
    const key = companyKey(new URL(company.endpointUrl).href, LOGIN.companyId);
    expect(recorder.acquired.every((entry) => entry.company === key && entry.limit === 3)).toBe(true);
    // Query attempts wait with the caller's signal; the session opening with the session cache's own.
    expect(recorder.acquired.filter((entry) => entry.signal === signal)).toHaveLength(company.queries().length);
    expect(recorder.held()).toBe(0);
    expect(recorder.released()).toBe(company.requests.length);
    // The process-local semaphore of the company was never used.
    expect(companySemaphore(new URL(company.endpointUrl).href, LOGIN.companyId)).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it("are left when the caller's signal aborts while waiting for one: nothing is sent", async () => {
    company = await startScriptedCompany({ records: { CUSTOMER: customers(3) } });
    const waiting: AbortSignal[] = [];
    const neverFree: CompanySlots = {
      acquire: (_company, _limit, signal) =>
        new Promise((_resolve, reject) => {
          if (signal) waiting.push(signal);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    };
    const client = new IntacctClient({
      endpointUrl: company.endpointUrl,
      credentials: { senderId: 'psaVendor', senderPassword: 'sender-pass', ...LOGIN },
      slots: neverFree,
    });
    const controller = new AbortController();

    const verifying = client.verifyCredentials({ signal: controller.signal }).then(
      () => undefined,
      (error: unknown) => error,
    );
    while (waiting.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(new Error('deadline'));

    expect(await verifying).toBeInstanceOf(IntacctTimeoutError);
    expect(company.requests).toHaveLength(0);
  });

  it('that fail (their store is down) make a retried outage, not a crash', async () => {
    company = await startScriptedCompany({ records: { CUSTOMER: customers(3) } });
    let calls = 0;
    const flaky: CompanySlots = {
      async acquire() {
        calls += 1;
        if (calls <= 2) throw new Error('ProvisionedThroughputExceededException');
        return () => undefined;
      },
    };
    const factory = new XmlGatewaySourceFactory({
      endpointUrl: company.endpointUrl,
      senderId: 'psaVendor',
      senderPassword: 'sender-pass',
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
      slots: flaky,
    });

    await expect(factory.forLogin(LOGIN).browseCustomers({ limit: 2 })).resolves.toHaveLength(2);
    expect(calls).toBe(4);

    calls = -100;
    const error = await factory
      .forLogin({ ...LOGIN, userId: 'other' })
      .browseCustomers({ limit: 2 })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toMatchObject({ code: 'intacct_unavailable' });
  });
});

describe('processCompanySlots', () => {
  it('is the process-local semaphore of each company key, shared with companySemaphore', async () => {
    const endpoint = 'https://gateway.example.test/ia/xml/xmlgw.phtml';
    const key = companyKey(endpoint, 'SHARED-CO');

    const first = await processCompanySlots.acquire(key, 1);
    const second = processCompanySlots.acquire(key, 1);
    let granted = false;
    void second.then(() => (granted = true));
    await new Promise((resolve) => setImmediate(resolve));

    expect(granted).toBe(false);
    expect(companySemaphore(endpoint, 'SHARED-CO')).toMatchObject({ inFlight: 1, waiting: 1 });
    first();
    (await second)();
    expect(companySemaphore(endpoint, 'SHARED-CO')).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('leaves the queue when the signal aborts, taking no slot', async () => {
    const key = companyKey('https://gateway.example.test/ia/xml/xmlgw.phtml', 'ABORT-CO');
    const holder = await processCompanySlots.acquire(key, 1);
    const controller = new AbortController();
    const waiter = processCompanySlots.acquire(key, 1, controller.signal);

    controller.abort(new Error('deadline'));

    await expect(waiter).rejects.toThrow('deadline');
    holder();
    const next = await processCompanySlots.acquire(key, 1);
    next();
  });

  it('is what a client uses when given no slots', async () => {
    company = await startScriptedCompany({ records: { CUSTOMER: customers(3) } });
    const endpoint = new URL(company.endpointUrl).href;
    const semaphore = companySemaphore(endpoint, LOGIN.companyId, 1);
    const release = await semaphore.acquire();
    const client = new IntacctClient({
      endpointUrl: company.endpointUrl,
      credentials: { senderId: 'psaVendor', senderPassword: 'sender-pass', ...LOGIN },
    });

    const verifying = client.verifyCredentials();
    while (semaphore.waiting === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(company.requests).toHaveLength(0);
    release();
    await verifying;
    expect(company.requests).toHaveLength(1);
  });
});
