/**
 * The REST gateway source against the emulator's REST face over real HTTP, compared with the XML
 * gateway source reading the same emulated company: the same records, hence the same PSA records.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import type { IntacctFields } from '#domain/intacct-records';
import { mapCustomer, mapDepartment, mapEmployee } from '#domain/mapping';
import { sleepMs } from '#intacct/retry';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { RestGatewaySourceFactory } from '#intacct-rest/source';
import type { IntacctAccessTokens, IntacctSource, ListingPage } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { connect, type SignIn } from '../emulator-rest/oauth-flow';

const PLAIN = { companyId: 'REST-CO', userId: 'reader', userPassword: 'reader-pass', customers: 1_300, employees: 33, departments: 9, seed: 11 };
const MULTI = {
  companyId: 'MULTI-CO',
  userId: 'multi',
  userPassword: 'multi-pass',
  customers: 140,
  employees: 40,
  departments: 7,
  seed: 5,
  entities: 3,
};
const signInOf = (company: typeof PLAIN): SignIn => ({ companyId: company.companyId, userId: company.userId, password: company.userPassword });

let emulator: RunningEmulator;
let xml: XmlGatewaySourceFactory;
let rest: RestGatewaySourceFactory;
let plainToken: string;
let multiToken: string;
const waits: number[] = [];

function tokens(token: string): IntacctAccessTokens {
  return { accessToken: async () => token };
}

beforeAll(async () => {
  emulator = await startEmulator({ companies: [PLAIN, MULTI] });
  xml = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  rest = new RestGatewaySourceFactory({
    restBaseUrl: emulator.restBaseUrl,
    // One allowance with the XML clients of the same company.
    slotEndpoint: emulator.endpointUrl,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    sleep: (ms, signal) => {
      waits.push(ms);
      return sleepMs(Math.min(ms, 20), signal);
    },
  });
  plainToken = (await connect(emulator, signInOf(PLAIN))).access;
  multiToken = (await connect(emulator, signInOf(MULTI))).access;
});
afterEach(() => {
  emulator.clearFaults();
  waits.length = 0;
});
afterAll(async () => emulator.close());

async function listAll(pages: AsyncIterable<ListingPage>): Promise<{ records: IntacctFields[]; totals: number[]; sizes: number[] }> {
  const records: IntacctFields[] = [];
  const totals: number[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    records.push(...page.records);
    totals.push(page.totalCount);
    sizes.push(page.records.length);
  }
  return { records, totals, sizes };
}

const keysOf = (records: readonly IntacctFields[]): string[] => records.map((record) => record.RECORDNO ?? '');

async function failureOf(work: Promise<unknown>): Promise<IntacctFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof IntacctFailure) return error;
    throw error;
  }
  throw new Error('expected an IntacctFailure');
}

const plainRest = (): IntacctSource => rest.forConnection({ companyId: PLAIN.companyId, tokens: tokens(plainToken) });
const plainXml = (): IntacctSource => xml.forLogin(PLAIN);

describe.each([
  ['a plain company', () => plainXml(), () => plainRest()],
  [
    'a multi-entity company at the top level',
    () => xml.forLogin(MULTI),
    () => rest.forConnection({ companyId: MULTI.companyId, tokens: tokens(multiToken) }),
  ],
  [
    'a multi-entity company at entity E200',
    () => xml.forLogin({ ...MULTI, entityId: 'E200' }),
    () => rest.forConnection({ companyId: MULTI.companyId, entityId: 'E200', tokens: tokens(multiToken) }),
  ],
])('in %s, the REST and the XML gateway give the same records', (_name, xmlSource, restSource) => {
  it('customers: the same fields and the same PSA clients, ascending key', async () => {
    const [fromXml, fromRest] = await Promise.all([listAll(xmlSource().listCustomers()), listAll(restSource().listCustomers())]);

    expect(fromRest.records.length).toBeGreaterThan(0);
    expect(fromRest.records).toEqual(fromXml.records);
    expect(fromRest.records.map(mapCustomer)).toEqual(fromXml.records.map(mapCustomer));
    expect(fromRest.totals).toEqual(fromXml.totals);
    const keys = keysOf(fromRest.records).map(Number);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('employees: the same PSA users (names, dates, departments)', async () => {
    const [fromXml, fromRest] = await Promise.all([listAll(xmlSource().listEmployees()), listAll(restSource().listEmployees())]);

    expect(fromRest.records.length).toBeGreaterThan(0);
    expect(fromRest.records.map(mapEmployee)).toEqual(fromXml.records.map(mapEmployee));
    expect(fromRest.records).toEqual(fromXml.records);
  });

  it('departments: the same PSA departments, active non-posting included', async () => {
    const [fromXml, fromRest] = await Promise.all([listAll(xmlSource().listDepartments()), listAll(restSource().listDepartments())]);

    expect(fromRest.records.length).toBeGreaterThan(0);
    expect(fromRest.records.map(mapDepartment)).toEqual(fromXml.records.map(mapDepartment));
    expect(fromRest.records).toEqual(fromXml.records);
  });
});

describe('RestGatewaySource', () => {
  it('sees entity-private records at the top level and only its own entity at an entity', async () => {
    const top = await listAll(rest.forConnection({ companyId: MULTI.companyId, tokens: tokens(multiToken) }).listCustomers());
    const atEntity = await listAll(rest.forConnection({ companyId: MULTI.companyId, entityId: 'E200', tokens: tokens(multiToken) }).listCustomers());

    expect(new Set(top.records.map((record) => record.MEGAENTITYID))).toEqual(new Set(['', 'E100', 'E200', 'E300']));
    expect(new Set(atEntity.records.map((record) => record.MEGAENTITYID))).toEqual(new Set(['', 'E200']));
    expect(atEntity.records.map(mapCustomer).find((c) => c.entity.entityId === 'E200')?.entity.entityName).toBeTruthy();
  });

  it('pages across several pages in key order, each record once, and resumes after a RECORDNO', async () => {
    const whole = await listAll(plainRest().listEmployees());
    emulator.resetStats();
    const paged = await listAll(plainRest().listEmployees({ pageSize: 7 }));
    const after = whole.records[12]!.RECORDNO!;
    const resumed = await listAll(plainRest().listEmployees({ pageSize: 7, afterRecordNo: after }));
    const resumedXml = await listAll(plainXml().listEmployees({ pageSize: 7, afterRecordNo: after }));

    expect(keysOf(paged.records)).toEqual(keysOf(whole.records));
    expect(paged.sizes.length).toBeGreaterThanOrEqual(5);
    expect(paged.totals.every((total) => total === PLAIN.employees)).toBe(true);
    expect(keysOf(resumed.records)).toEqual(keysOf(whole.records.slice(13)));
    expect(resumed.records).toEqual(resumedXml.records);
    expect(emulator.stats().rejectedForConcurrency).toBe(0);
  });

  it('reads customers by id in batches of 500, ascending key, in pages of the size asked', async () => {
    const { records } = await listAll(plainRest().listCustomers());
    const wanted = records.slice(100, 1_250).map((record) => record.CUSTOMERID!);

    const selected = await listAll(plainRest().customersById([...wanted.reverse(), 'C-MISSING', wanted[0]!], { pageSize: 400 }));

    expect(keysOf(selected.records)).toEqual(keysOf(records.slice(100, 1_250)));
    expect(selected.sizes).toEqual([400, 400, 350]);
    const small = await listAll(plainRest().employeesById(['E-MISSING']));
    expect(small.records).toEqual([]);
  });

  it('reads employees by id as the XML gateway does', async () => {
    const { records } = await listAll(plainXml().listEmployees());
    const ids = records.slice(3, 9).map((record) => record.EMPLOYEEID!);

    const [fromXml, fromRest] = await Promise.all([listAll(plainXml().employeesById(ids)), listAll(plainRest().employeesById(ids))]);

    expect(fromRest.records).toEqual(fromXml.records);
    expect(fromRest.records).toHaveLength(6);
  });

  it('tells which record keys still exist', async () => {
    const { records } = await listAll(plainRest().listDepartments());
    const known = keysOf(records).slice(0, 3);

    const existing = await plainRest().existingRecordNos('department', [...known, '999999']);

    expect(existing).toEqual(new Set(known));
  });

  it('browses customers and employees as the XML gateway does: case-insensitive search, after a key, a limit', async () => {
    const { records } = await listAll(plainXml().listCustomers());
    const name = records[5]!.NAME!;
    const term = name.slice(1, 4).toUpperCase();
    const employees = await listAll(plainXml().listEmployees());
    const contact = employees.records[2]!['PERSONALINFO.CONTACTNAME']!;

    const requests = [
      { search: term, limit: 5 },
      { search: term.toLowerCase(), limit: 3, afterRecordNo: records[40]!.RECORDNO! },
      { limit: 4, afterRecordNo: records[10]!.RECORDNO! },
      { search: records[7]!.CUSTOMERID!, limit: 10 },
    ];
    for (const request of requests) {
      const [fromXml, fromRest] = await Promise.all([plainXml().browseCustomers(request), plainRest().browseCustomers(request)]);
      expect(fromRest.length).toBeGreaterThan(0);
      expect(fromRest).toEqual(fromXml);
    }
    const employeeRequest = { search: contact.slice(0, 3).toLowerCase(), limit: 10 };
    const [xmlEmployees, restEmployees] = await Promise.all([
      plainXml().browseEmployees(employeeRequest),
      plainRest().browseEmployees(employeeRequest),
    ]);
    expect(restEmployees.length).toBeGreaterThan(0);
    expect(restEmployees).toEqual(xmlEmployees);
  });

  it('verifies the connection with one cheap query', async () => {
    emulator.resetStats();
    await plainRest().verifyCredentials();
    const bad = await failureOf(rest.forConnection({ companyId: PLAIN.companyId, tokens: tokens('not-a-token') }).verifyCredentials());

    expect(bad.code).toBe('intacct_auth_failed');
    expect(bad.message).toMatch(/reconnect/i);
    expect(bad.message).not.toContain('not-a-token');
  });

  it('waits out a 429 as its Retry-After asks, then succeeds', async () => {
    emulator.setRestFaults({ failNext: [{ kind: 'http429', retryAfterSeconds: 2 }] });

    const { records } = await listAll(plainRest().listDepartments());

    expect(records).toHaveLength(PLAIN.departments);
    expect(waits).toEqual([2_000]);
  });

  it('retries an outage (5xx, HTML pages) and completes', async () => {
    emulator.setRestFaults({ failNext: [{ kind: 'http500' }, { kind: 'http503' }, { kind: 'cloudflare403' }, { kind: 'cloudflare200' }] });

    const { records } = await listAll(plainRest().listDepartments());

    expect(records).toHaveLength(PLAIN.departments);
    expect(waits).toHaveLength(4);
  });

  it('on a 401 asks once for a fresh token and retries with it', async () => {
    const rejected: string[] = [];
    const source = rest.forConnection({
      companyId: PLAIN.companyId,
      tokens: {
        accessToken: async () => 'stale-token',
        refreshed: async (stale) => {
          rejected.push(stale);
          return plainToken;
        },
      },
    });

    const { records } = await listAll(source.listDepartments());

    expect(records).toHaveLength(PLAIN.departments);
    expect(rejected).toEqual(['stale-token']);
  });

  it("a renewed token that was ended too (another worker's, ended with ours) is renewed once more, for certain", async () => {
    const rejected: string[] = [];
    const source = rest.forConnection({
      companyId: PLAIN.companyId,
      tokens: {
        accessToken: async () => 'stale-token',
        refreshed: async (stale) => {
          rejected.push(stale);
          return stale === 'stale-token' ? 'another-workers-ended-token' : plainToken;
        },
      },
    });

    const { records } = await listAll(source.listDepartments());

    expect(records).toHaveLength(PLAIN.departments);
    expect(rejected).toEqual(['stale-token', 'another-workers-ended-token']);
  });

  it('a 401 after two renewals is intacct_auth_failed, saying to reconnect', async () => {
    let refreshes = 0;
    const source = rest.forConnection({
      companyId: PLAIN.companyId,
      tokens: {
        accessToken: async () => 'stale-token',
        refreshed: async () => {
          refreshes += 1;
          return 'also-rejected-token';
        },
      },
    });

    const failure = await failureOf(listAll(source.listCustomers()));

    expect(failure.code).toBe('intacct_auth_failed');
    expect(failure.message).toMatch(/reconnect/i);
    expect(failure.message).not.toMatch(/stale-token|also-rejected-token/);
    expect(refreshes).toBe(2);
  });

  it('a token provider failure passes through as it is', async () => {
    const revoked = new IntacctFailure('intacct_auth_failed', 'The Sage Intacct grant was revoked; reconnect.');
    const source = rest.forConnection({ companyId: PLAIN.companyId, tokens: { accessToken: () => Promise.reject(revoked) } });

    expect(await failureOf(source.verifyCredentials())).toBe(revoked);
  });

  it('an abort is intacct_timeout, promptly, and an already-aborted signal sends nothing', async () => {
    // A held request (no answer ever): it takes no place in the company's count on the emulator.
    emulator.setRestFaults({ failNext: [{ kind: 'timeout' }] });
    const started = Date.now();

    const slow = await failureOf(listAll(plainRest().listCustomers({ signal: AbortSignal.timeout(200) })));

    expect(slow.code).toBe('intacct_timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
    emulator.resetStats();
    const aborted = await failureOf(plainRest().browseCustomers({ limit: 5 }, { signal: AbortSignal.abort() }));
    expect(aborted.code).toBe('intacct_timeout');
  });

  it('a rate limit retried until the deadline reports the rate limit, not a timeout', async () => {
    emulator.setRestFaults({ rateLimitForMs: 60_000 });

    const failure = await failureOf(listAll(plainRest().listDepartments({ signal: AbortSignal.timeout(300) })));

    expect(failure.code).toBe('intacct_rate_limited');
  });

  it('a malformed or truncated answer is intacct_protocol_error', async () => {
    // As many faults as a listing has requests in flight (2): a request an earlier test aborted may
    // still reach the emulator and take one, and ours must meet one all the same.
    emulator.setRestFaults({ failNext: [{ kind: 'malformed' }, { kind: 'malformed' }, { kind: 'malformed' }] });
    const malformed = await failureOf(listAll(plainRest().listDepartments()));
    emulator.setRestFaults({ failNext: [{ kind: 'truncated' }, { kind: 'truncated' }, { kind: 'truncated' }] });
    const truncated = await failureOf(plainRest().verifyCredentials());

    expect(malformed.code).toBe('intacct_protocol_error');
    expect(truncated.code).toBe('intacct_protocol_error');
  });

  it('shares the company allowance: REST and XML listings at once meet no 429 from the company limit', async () => {
    emulator.setRestFaults({ latencyMs: { base: 20, perRecord: 0 } });
    emulator.setFaults({ latencyMs: { base: 20, perRecord: 0 } });
    emulator.resetStats();

    const results = await Promise.all([
      listAll(plainRest().listCustomers({ pageSize: 100 })),
      listAll(plainRest().listEmployees({ pageSize: 5 })),
      listAll(plainXml().listDepartments({ pageSize: 2 })),
    ]);

    expect(results.map((result) => result.records.length)).toEqual([PLAIN.customers, PLAIN.employees, PLAIN.departments]);
    expect(emulator.stats().rejectedForConcurrency).toBe(0);
    expect(emulator.stats().maxConcurrent).toBe(2);
    expect(waits).toEqual([]);
  });
});
