/**
 * The races the property test samples, each forced in its worst order (issue reproductions):
 * a link by hand landing inside an import's claim, and PSA edits landing between the steps of a
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

/** `target` whose `method` first runs `before` (once, on the call `when` accepts) and then itself. */
function interceptOnce<T extends object>(target: T, method: keyof T, when: (...args: any[]) => boolean, before: () => Promise<void>): T {
  let done = false;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(object);
      return async (...args: unknown[]) => {
        if (!done && when(...args)) {
          done = true;
          await before();
        }
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

const cityOfCustomer = async (tenantId: string, customerId: string): Promise<string> => {
  const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
  for await (const page of source.customersById([customerId])) return page.records[0]!['DISPLAYCONTACT.MAILADDRESS.CITY'] ?? '';
  throw new Error(`${tenantId}: no customer ${customerId}`);
};

describe('I1: a link by hand inside an import', () => {
  it('is refused while the import holds its claim on the customer, and the customer gets one client', async () => {
    const tenant = await newTenant();
    const target = customerIds[3]!;
    const byHand = await createClient(h.deps, tenant, { name: 'Made by hand' });
    let answer: unknown = null;
    // Right after the import claims the customer, before it creates the client, an admin links by hand.
    const claimWatcher = new Proxy(h.deps.links, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (property !== 'createIfAbsent' || typeof value !== 'function') return typeof value === 'function' ? value.bind(object) : value;
        return async (link: Link) => {
          const created = await (value as (l: Link) => Promise<boolean>).call(object, link);
          if (created && link.claim && link.intacctId === target && answer === null) {
            answer = await linkClient(h.deps, tenant, byHand.id, target).then(
              () => 'linked',
              (error: unknown) => (error instanceof Conflict ? error.code : error),
            );
          }
          return created;
        };
      },
    });
    const deps: SyncDeps = { ...h.deps, links: claimWatcher };
    h.workers.attach(deps);
    try {
      await importClients({ ...h, deps } as EngineHarness, tenant, { all: true });
    } finally {
      h.workers.attach(h.deps);
    }

    expect(answer).toBe('customer_linked_elsewhere');
    const clients = await allClients(h, tenant);
    const onTarget = clients.filter(
      (client) => client.integrations.intacct?.customerId === target && client.integrations.intacct.status === 'linked',
    );
    expect(onTarget).toHaveLength(1);
    expect((await h.stores.clients.get(tenant, byHand.id))?.integrations.intacct).toBeUndefined();
    const link = (await h.stores.links.getMany(tenant, 'customer', [onTarget[0]!.integrations.intacct!.recordNo])).values().next().value;
    expect(link).toMatchObject({ psaId: onTarget[0]!.id, claim: null });
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
