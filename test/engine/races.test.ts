/**
 * The races the property test samples, each forced in its worst order (issue reproductions):
 * a link by hand landing inside an import's claim or just before it, and PSA edits landing between the steps of a
 * link by hand and of a sync. Each ends with I1 holding, and a PSA edit of a mapped field put back
 * by the next sync (R3, I5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conflict } from '#domain/errors';
import type { Link } from '#ports/stores';
import { connectIntacct } from '#use-cases/connect-intacct';
import { createClient } from '#use-cases/create-client';
import { editClient } from '#use-cases/edit-client';
import type { SyncDeps } from '#use-cases/engine/deps';
import { leaseForQueuedRun } from '#use-cases/engine/leases';
import { executeRun } from '#use-cases/engine/run-lifecycle';
import { queueClientImport } from '#use-cases/import-clients';
import { linkClient } from '#use-cases/link-by-hand';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, importClients, intacctIds, nightlySync } from './engine-steps';

let h: EngineHarness;
let customerIds: string[];
let tenantCounter = 0;

beforeAll(async () => {
  h = await startEngineHarness([{ customers: 8, employees: 0, departments: 1, seed: 5 }]);
  customerIds = await intacctIds(h, 'customer');
});
afterAll(async () => h.close());

async function newTenant(): Promise<string> {
  tenantCounter += 1;
  const tenantId = `race-${tenantCounter}`;
  const company = h.emulator.companies[0]!;
  await connectIntacct(h.deps, tenantId, { companyId: company.companyId, userId: company.userId, password: company.userPassword });
  return tenantId;
}

type Hook = () => Promise<void>;

/**
 * `target` whose `method` runs `hook` once, on the first call `when` accepts: before the call itself
 * (`at: 'before'`) or once the call has answered (`at: 'after'`).
 */
function intercept<T extends object>(target: T, method: keyof T, when: (...args: any[]) => boolean, hook: Hook, at: 'before' | 'after'): T {
  let done = false;
  const fire = async (args: unknown[]): Promise<void> => {
    if (done || !when(...args)) return;
    done = true;
    await hook();
  };
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(object);
      return async (...args: unknown[]) => {
        if (at === 'before') await fire(args);
        const answer = await (value as (...a: unknown[]) => unknown).apply(object, args);
        if (at === 'after') await fire(args);
        return answer;
      };
    },
  });
}

/** `target` whose `method` first runs `before` (once, on the call `when` accepts) and then itself. */
const interceptOnce = <T extends object>(target: T, method: keyof T, when: (...args: any[]) => boolean, before: Hook): T =>
  intercept(target, method, when, before, 'before');

/** `target` whose `method` runs itself and then `after` (once, on the call `when` accepts). */
const interceptAfter = <T extends object>(target: T, method: keyof T, when: (...args: any[]) => boolean, after: Hook): T =>
  intercept(target, method, when, after, 'after');

const cityOfCustomer = async (tenantId: string, customerId: string): Promise<string> => {
  const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
  for await (const page of source.customersById([customerId])) return page.records[0]!['DISPLAYCONTACT.MAILADDRESS.CITY'] ?? '';
  throw new Error(`${tenantId}: no customer ${customerId}`);
};

/** Links a client to `customerId` by hand; answers 'linked' or the refusal's code. */
const linkByHandAnswer = (tenant: string, clientId: string, customerId: string): Promise<unknown> =>
  linkClient(h.deps, tenant, clientId, customerId).then(
    () => 'linked',
    (error: unknown) => (error instanceof Conflict ? error.code : error),
  );

/** Imports every customer with `links` standing in for the link store, then checks I1 for `target`. */
async function importWith(tenant: string, links: SyncDeps['links']): Promise<void> {
  const deps: SyncDeps = { ...h.deps, links };
  h.workers.attach(deps);
  try {
    await importClients({ ...h, deps } as EngineHarness, tenant, { all: true });
  } finally {
    h.workers.attach(h.deps);
  }
}

async function expectOneClientOn(tenant: string, target: string, byHandId: string): Promise<void> {
  const clients = await allClients(h, tenant);
  const onTarget = clients.filter((client) => client.integrations.intacct?.customerId === target && client.integrations.intacct.status === 'linked');
  expect(onTarget).toHaveLength(1);
  expect((await h.stores.clients.get(tenant, byHandId))?.integrations.intacct).toBeUndefined();
  const link = (await h.stores.links.getMany(tenant, 'customer', [onTarget[0]!.integrations.intacct!.recordNo])).values().next().value;
  expect(link).toMatchObject({ psaId: onTarget[0]!.id });
}

/**
 * Imports every customer while an admin links a client made by hand to `target`, once, just before
 * (`intercept` = interceptOnce) or just after (interceptAfter) the import writes its claim on it;
 * answers what the link by hand answered, once I1 is checked for `target`.
 */
async function linkByHandAroundClaim(
  target: string,
  intercept: typeof interceptOnce,
): Promise<{ answer: unknown; tenant: string; byHandId: string }> {
  const tenant = await newTenant();
  const byHand = await createClient(h.deps, tenant, { name: 'Made by hand' });
  let answer: unknown = null;
  const links = intercept(
    h.deps.links,
    'putClaims',
    (claims: Link[]) => claims.some((link) => link.intacctId === target),
    async () => {
      answer = await linkByHandAnswer(tenant, byHand.id, target);
    },
  );
  await importWith(tenant, links);
  await expectOneClientOn(tenant, target, byHand.id);
  return { answer, tenant, byHandId: byHand.id };
}

describe('I1: a link by hand inside an import', () => {
  it('is refused while the import holds its claim on the customer, and the customer gets one client', async () => {
    // Right after the import claims the customer, before it creates the client, an admin links by hand.
    const { answer } = await linkByHandAroundClaim(customerIds[3]!, interceptAfter);
    expect(answer).toBe('customer_linked_elsewhere');
  });

  it('made after the import read the customer unlinked and before it claims it, is taken back: the import claims without a condition', async () => {
    // The import has read the links of its chunk (none) and is about to write its claims in batches.
    // Without standing back, the link by hand would be overwritten by the claim: two clients on one customer.
    const target = customerIds[5]!;
    const { answer, tenant, byHandId } = await linkByHandAroundClaim(target, interceptOnce);
    expect(answer).toBe('run_in_progress');
    expect(await linkByHandAnswer(tenant, byHandId, target)).toBe('customer_linked_elsewhere');
  });
});

describe('I1: a link by hand under way when an import reads it', () => {
  it('is left alone, so taking it back (standing back for the import) leaves no client linked without its link', async () => {
    const tenant = await newTenant();
    const target = customerIds[2]!;
    const byHand = await createClient(h.deps, tenant, { name: 'Made by hand' });
    // The link by hand has written its link (no claim, no fingerprint yet), not yet its client.
    let linkRecordNo = '';
    for await (const page of h.deps.intacct.forLogin({ ...h.emulator.companies[0]! }).customersById([target]))
      linkRecordNo = page.records[0]!.RECORDNO!;
    const underWay = {
      tenantId: tenant,
      object: 'customer' as const,
      recordNo: linkRecordNo,
      intacctId: target,
      psaId: byHand.id,
      createdAt: new Date().toISOString(),
      fingerprint: null,
      claim: null,
    };
    await h.stores.links.createIfAbsent(underWay);

    const run = await importClients(h, tenant, { all: true });

    expect(run.status).toBe('succeeded');
    // Not adopted: the client made by hand is as it was, the link is the link by hand's to take back.
    expect((await h.stores.clients.get(tenant, byHand.id))?.integrations.intacct).toBeUndefined();
    expect(await h.stores.links.get(tenant, 'customer', linkRecordNo)).toMatchObject({ psaId: byHand.id, fingerprint: null, claim: null });
    await h.stores.links.withdrawUnclaimed(underWay);
    const clients = await allClients(h, tenant);
    expect(clients.filter((client) => client.integrations.intacct?.recordNo === linkRecordNo)).toEqual([]);
  });
});

describe('I1: a link by hand while an import is being queued', () => {
  it('stands back from a lease whose run is not saved yet, leaving no link behind', async () => {
    const tenant = await newTenant();
    const byHand = await createClient(h.deps, tenant, { name: 'Made by hand' });
    // queueRun takes the family's lease first and saves the run after: in between, the holder is unknown.
    await leaseForQueuedRun(h.deps, tenant, 'clients', 'run-being-queued');

    expect(await linkByHandAnswer(tenant, byHand.id, customerIds[1]!)).toBe('run_in_progress');
    expect(await h.stores.links.hasAny(tenant, 'customer')).toBe(false);
  });
});

describe("I1: claims written without a condition only while the lease is surely the worker's", () => {
  it('a worker whose lease has less than half its life left writes no claim, and the run, taken up again, imports every customer once', async () => {
    const tenant = await newTenant();
    let claimBatches = 0;
    // The worker stalls (a long GC pause, a slow network) between reading its chunk's links and claiming them.
    const stalled = interceptOnce(
      h.deps.links,
      'inRange',
      () => true,
      async () => {
        h.clock.advance(40_000);
      },
    );
    const links = new Proxy(stalled, {
      get(object, property, receiver) {
        if (property === 'putClaims') claimBatches += 1;
        return Reflect.get(object, property, receiver);
      },
    });
    const run = await queueClientImport(h.deps, tenant, { all: true }, 'api');
    const deps: SyncDeps = { ...h.deps, links };
    h.workers.attach(deps);
    try {
      await h.workers.drain();
    } finally {
      h.workers.attach(h.deps);
    }
    expect(claimBatches).toBe(0);
    expect(await h.stores.links.hasAny(tenant, 'customer')).toBe(false);

    // Its lease runs out; Lambda retries the invocation, which takes the run up from its checkpoint.
    h.clock.advance(2 * 60_000);
    await executeRun(h.deps, tenant, run.id, h.workers.invocation());
    await h.workers.drain();
    expect((await h.stores.runs.get(tenant, run.id))?.status).toBe('succeeded');
    const clients = await allClients(h, tenant);
    expect(clients).toHaveLength(customerIds.length);
    expect(new Set(clients.map((client) => client.integrations.intacct?.customerId)).size).toBe(customerIds.length);
  });
});

describe('R3/I5: a PSA edit racing a link by hand or a sync is put back by the next sync', () => {
  it('an edit read before a link by hand and written after it', async () => {
    const tenant = await newTenant();
    const target = customerIds[1]!;
    const client = await createClient(h.deps, tenant, { name: 'To be linked' });
    // The edit reads the client (not linked yet); the link by hand completes; then the edit writes.
    const clients = interceptOnce(
      h.deps.clients,
      'update',
      (entity: { city?: string }) => entity.city === 'PSA city',
      async () => {
        await linkClient(h.deps, tenant, client.id, target);
      },
    );
    await editClient({ ...h.deps, clients }, tenant, client.id, { city: 'PSA city' });
    expect((await h.stores.clients.get(tenant, client.id))?.city).toBe('PSA city');

    await nightlySync(h, tenant, 'clients');

    expect((await h.stores.clients.get(tenant, client.id))?.city).toBe(await cityOfCustomer(tenant, target));
  });

  it("an edit landing between a sync's write of a claimed record and its completing the claim", async () => {
    const tenant = await newTenant();
    await importClients(h, tenant, { customerIds: [customerIds[3]!] });
    const [client] = await allClients(h, tenant);
    const recordNo = client!.integrations.intacct!.recordNo;
    const [link] = [...(await h.stores.links.getMany(tenant, 'customer', [recordNo])).values()];
    // A claim a run left behind (the run is gone), so the sync looks at the record the slow way.
    await h.stores.links.putClaims([{ ...link!, fingerprint: null, claim: { runId: 'run-that-is-gone', intent: 'create' } }]);
    const links = interceptOnce(
      h.deps.links,
      'completeClaim',
      () => true,
      async () => {
        await editClient(h.deps, tenant, client!.id, { city: 'PSA city' });
      },
    );
    const deps: SyncDeps = { ...h.deps, links };
    h.workers.attach(deps);
    try {
      await nightlySync({ ...h, deps } as EngineHarness, tenant, 'clients');
    } finally {
      h.workers.attach(h.deps);
    }
    expect((await h.stores.clients.get(tenant, client!.id))?.city).toBe('PSA city');

    await nightlySync(h, tenant, 'clients');

    expect((await h.stores.clients.get(tenant, client!.id))?.city).toBe(await cityOfCustomer(tenant, customerIds[3]!));
    expect((await h.stores.links.getMany(tenant, 'customer', [recordNo])).get(recordNo)?.claim).toBeNull();
  });

  it('an edit whose write lands after a sync looked at the record between its invalidation and its write', async () => {
    const tenant = await newTenant();
    await importClients(h, tenant, { customerIds: [customerIds[2]!] });
    const [client] = await allClients(h, tenant);
    // The edit marks the link stale; before it writes, a whole sync runs and finds the record as
    // Intacct has it; then the edit writes the PSA value.
    const clients = interceptOnce(
      h.deps.clients,
      'update',
      (entity: { city?: string }) => entity.city === 'PSA city',
      async () => {
        await nightlySync(h, tenant, 'clients');
      },
    );
    await editClient({ ...h.deps, clients }, tenant, client!.id, { city: 'PSA city' });
    expect((await h.stores.clients.get(tenant, client!.id))?.city).toBe('PSA city');

    await nightlySync(h, tenant, 'clients');

    expect((await h.stores.clients.get(tenant, client!.id))?.city).toBe(await cityOfCustomer(tenant, customerIds[2]!));
  });
});
