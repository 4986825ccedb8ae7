/**
 * One test per invariant I1–I8 (spec section 3), against the emulator over HTTP and dynalite.
 * I6 (convergence after a crash at any write) has its exhaustive test in crash.test.ts; the one
 * here re-runs after a crash in the middle of the sync.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Conflict, IntacctFailure, NotFound } from '#domain/errors';
import { CLIENT_MAPPED_FIELDS } from '#domain/field-diff';
import { mapCustomer } from '#domain/mapping';
import { confirmUnlinks } from '#use-cases/confirm-unlinks';
import { connectIntacct } from '#use-cases/connect-intacct';
import { createClient } from '#use-cases/create-client';
import { deleteClient } from '#use-cases/delete-client';
import { editClient } from '#use-cases/edit-client';
import { editUser } from '#use-cases/edit-user';
import { linkClient } from '#use-cases/link-by-hand';
import { SimulatedCrash } from '../support/dynamo-spy';
import { type EngineHarness, startEngineHarness } from '../support/engine-harness';
import { allClients, allUsers, clientOf, importClients, importUsers, intacctIds, nightlySync, recordsOf, runNow } from './engine-steps';

let h: EngineHarness;
let tenant: string;
let customers: string[];
let employees: string[];

beforeEach(async () => {
  h = await startEngineHarness([{ customers: 60, employees: 10, departments: 3 }, { customers: 5 }]);
  tenant = h.tenants[0]!;
  customers = await intacctIds(h, 'customer');
  employees = await intacctIds(h, 'employee');
});
afterEach(async () => h.close());

/** Every client's link and every link's client agree one to one. */
async function expectOneToOneLinks(tenantId: string): Promise<void> {
  const clients = await allClients(h, tenantId);
  const linkedRecordNos = clients.filter((c) => c.integrations.intacct?.status === 'linked').map((c) => c.integrations.intacct!.recordNo);
  expect(new Set(linkedRecordNos).size).toBe(linkedRecordNos.length);
  for await (const links of h.stores.links.iterate(tenantId, 'customer')) {
    for (const link of links) {
      const client = clients.find((c) => c.id === link.psaId);
      expect(client?.integrations.intacct?.recordNo).toBe(link.recordNo);
    }
  }
}

describe('I1 one Intacct record is linked to at most one PSA record, and back', () => {
  it('refuses to link a second client to a linked customer, or a linked client to a second customer', async () => {
    await importClients(h, tenant, { customerIds: [customers[0]!, customers[1]!] });
    const first = await clientOf(h, tenant, customers[0]!);
    const manual = await createClient(h.deps, tenant, { name: 'Hand-made Ltd' });

    await expect(linkClient(h.deps, tenant, manual.id, customers[0]!)).rejects.toBeInstanceOf(Conflict);
    await expect(linkClient(h.deps, tenant, first!.id, customers[1]!)).rejects.toBeInstanceOf(Conflict);
    await importClients(h, tenant, { customerIds: [customers[0]!, customers[1]!] });
    await nightlySync(h, tenant, 'clients');

    expect(await allClients(h, tenant)).toHaveLength(3);
    await expectOneToOneLinks(tenant);
  });

  it('links a same-name unlinked client at most once when two customers share its name', async () => {
    const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
    const [record] = await source.browseCustomers({ search: customers[2]!, limit: 1 });
    const name = record!.NAME!;
    await h.intacct().create('CUSTOMER', { CUSTOMERID: 'C-TWIN', NAME: name });
    await createClient(h.deps, tenant, { name });

    await importClients(h, tenant, { customerIds: [customers[2]!, 'C-TWIN'], linkMatches: true });

    expect(await allClients(h, tenant)).toHaveLength(2);
    await expectOneToOneLinks(tenant);
  });
});

describe('I2 a sync never deletes and never creates a PSA client or user', () => {
  it('keeps the same set of clients and users through Intacct creates and deletes', async () => {
    await importClients(h, tenant, { customerIds: customers.slice(0, 10) });
    await importUsers(h, tenant, { employeeIds: employees.slice(0, 4), permissionProfile: 'manager', assignDepartments: true });
    await createClient(h.deps, tenant, { name: 'PSA-only client' });
    const clientIds = (await allClients(h, tenant)).map((c) => c.id).sort();
    const userIds = (await allUsers(h, tenant)).map((u) => u.id).sort();
    const removed = (await clientOf(h, tenant, customers[0]!))!.integrations.intacct!.recordNo;
    await h.intacct().delete('CUSTOMER', [removed]);
    await h.intacct().create('CUSTOMER', { CUSTOMERID: 'C-BRAND-NEW', NAME: 'Brand New' });
    await h.intacct().create('EMPLOYEE', { EMPLOYEEID: 'E-NEW', 'PERSONALINFO.CONTACTNAME': 'New, Person' });

    await nightlySync(h, tenant, 'all');

    expect((await allClients(h, tenant)).map((c) => c.id).sort()).toEqual(clientIds);
    expect((await allUsers(h, tenant)).map((u) => u.id).sort()).toEqual(userIds);
  });
});

describe('I3 unlinks happen only after a complete listing, and never en masse without review', () => {
  it('unlinks nothing when the listing fails half way', async () => {
    await importClients(h, tenant, { all: true });
    const gone = (await clientOf(h, tenant, customers[3]!))!.integrations.intacct!.recordNo;
    await h.intacct().delete('CUSTOMER', [gone]);
    // A listing that delivers its first records, then fails for good (retries exhausted): the
    // emulator's faults hit requests in order, so this one is made at the port.
    const listing = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
    const failing = {
      forLogin: () => ({
        ...listing,
        listCustomers: async function* () {
          let pages = 0;
          for await (const page of listing.listCustomers()) {
            yield { records: page.records.slice(0, 20), totalCount: page.totalCount };
            pages += 1;
            if (pages === 1) throw new IntacctFailure('intacct_unavailable', 'Sage Intacct did not answer properly.');
          }
        },
      }),
    };

    const [run] = await nightlySync({ ...h, deps: { ...h.deps, intacct: failing } } as EngineHarness, tenant, 'clients');

    expect(run!.status).toBe('failed');
    expect(run!.error?.code).toBe('intacct_unavailable');
    expect(run!.counts.unlinked).toBe(0);
    expect((await allClients(h, tenant)).every((c) => c.integrations.intacct?.status === 'linked')).toBe(true);
  });

  it('holds back a run that would unlink 30% of linked clients, and confirm applies it', async () => {
    await importClients(h, tenant, { all: true });
    const clients = await allClients(h, tenant);
    const doomed = clients.slice(0, Math.ceil(clients.length * 0.3));
    await h.intacct().delete(
      'CUSTOMER',
      doomed.map((c) => c.integrations.intacct!.recordNo),
    );

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(run!.status).toBe('needs_review');
    expect(run!.counts.unlinked).toBe(0);
    expect((await allClients(h, tenant)).every((c) => c.integrations.intacct?.status === 'linked')).toBe(true);

    const queued = await confirmUnlinks(h.deps, tenant, run!.id);
    expect(queued.status).toBe('queued');
    await h.workers.drain();
    const confirmed = await runNow(h, tenant, run!.id);

    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.counts.unlinked).toBe(doomed.length);
    const after = await allClients(h, tenant);
    expect(
      after
        .filter((c) => c.integrations.intacct?.status === 'unlinked')
        .map((c) => c.id)
        .sort(),
    ).toEqual(doomed.map((c) => c.id).sort());
    const records = await recordsOf(h, tenant, run!.id);
    expect(records.filter((r) => r.outcome === 'unlinked')).toHaveLength(doomed.length);
  });
});

describe('I4 PSA-only fields never change in a sync', () => {
  it('keeps notes, email, permission profile and invitation state through a sync that changes mapped fields', async () => {
    await importClients(h, tenant, { customerIds: [customers[4]!] });
    await importUsers(h, tenant, { employeeIds: [employees[0]!], permissionProfile: 'controller', assignDepartments: false });
    const client = await clientOf(h, tenant, customers[4]!);
    const [user] = await allUsers(h, tenant);
    await editClient(h.deps, tenant, client!.id, { notes: 'Prefers email', name: 'PSA rename' });
    await editUser(h.deps, tenant, user!.id, { email: 'lead@example.com', notes: 'Part-time', jobTitle: 'PSA title' });
    await h.intacct().update('CUSTOMER', client!.integrations.intacct!.recordNo, { NAME: 'Intacct rename' });

    await nightlySync(h, tenant, 'all');

    const clientAfter = await h.stores.clients.get(tenant, client!.id);
    const userAfter = await h.stores.users.get(tenant, user!.id);
    expect(clientAfter).toMatchObject({ notes: 'Prefers email', name: 'Intacct rename' });
    expect(userAfter).toMatchObject({
      email: 'lead@example.com',
      notes: 'Part-time',
      permissionProfile: 'controller',
      invitationStatus: 'not_invited',
      jobTitle: user!.jobTitle,
    });
  });
});

describe('I5 after a successful sync every linked record equals the mapping of its Intacct record', () => {
  it('matches mapCustomer for every linked client after Intacct and PSA edits', async () => {
    await importClients(h, tenant, { all: true });
    const clients = await allClients(h, tenant);
    for (const client of clients.slice(0, 5)) await editClient(h.deps, tenant, client.id, { city: 'Nowhere', zip: '00000' });
    for (const client of clients.slice(5, 10)) {
      await h.intacct().update('CUSTOMER', client.integrations.intacct!.recordNo, { 'DISPLAYCONTACT.MAILADDRESS.ZIP': '0999' });
    }

    const [run] = await nightlySync(h, tenant, 'clients');

    expect(run!.status).toBe('succeeded');
    const source = h.deps.intacct.forLogin({ ...h.emulator.companies[0]! });
    const byRecordNo = new Map<string, ReturnType<typeof mapCustomer>>();
    for await (const page of source.listCustomers()) for (const r of page.records) byRecordNo.set(r.RECORDNO!, mapCustomer(r));
    for (const client of await allClients(h, tenant)) {
      const mapped = byRecordNo.get(client.integrations.intacct!.recordNo)!;
      for (const field of CLIENT_MAPPED_FIELDS) expect(client[field]).toBe(mapped.fields[field]);
    }
  });
});

describe('I6 a sync re-run after a crash converges', () => {
  it('completes the updates and unlinks a crashed sync left undone', async () => {
    await importClients(h, tenant, { all: true });
    const clients = await allClients(h, tenant);
    for (const client of clients.slice(0, 6)) await editClient(h.deps, tenant, client.id, { name: 'stale' });
    await h.intacct().delete('CUSTOMER', [clients[10]!.integrations.intacct!.recordNo]);
    h.spy.failOnWrite(4, [h.dynamo.names.entities, h.dynamo.names.links]);

    await expect(nightlySync(h, tenant, 'clients')).rejects.toBeInstanceOf(SimulatedCrash);
    h.clock.advance(16 * 60_000); // the crashed holder's lease runs out
    const [rerun] = await nightlySync(h, tenant, 'clients');

    expect(rerun!.status).toBe('succeeded');
    const after = await allClients(h, tenant);
    expect(after).toHaveLength(clients.length);
    expect(after.filter((c) => c.name === 'stale')).toHaveLength(0);
    expect(after.find((c) => c.id === clients[10]!.id)!.integrations.intacct?.status).toBe('unlinked');
  });
});

describe('I7 no read or write crosses tenants', () => {
  it("answers another tenant's ids as not found and syncs only the caller's data", async () => {
    const [mine, theirs] = h.tenants as [string, string];
    await importClients(h, mine, { customerIds: [customers[0]!] });
    await importClients(h, theirs, { all: true });
    const myClient = (await allClients(h, mine))[0]!;

    expect(await h.stores.clients.get(theirs, myClient.id)).toBeNull();
    await expect(editClient(h.deps, theirs, myClient.id, { name: 'x' })).rejects.toBeInstanceOf(NotFound);
    await expect(deleteClient(h.deps, theirs, myClient.id)).rejects.toBeInstanceOf(NotFound);
    await expect(linkClient(h.deps, theirs, myClient.id, customers[0]!)).rejects.toBeInstanceOf(NotFound);

    const theirsBefore = await allClients(h, theirs);
    await nightlySync(h, mine, 'all');
    expect(await allClients(h, theirs)).toEqual(theirsBefore);
    expect((await h.stores.clients.get(mine, myClient.id))!.name).toBe(myClient.name);
  });
});

describe('I8 Intacct credentials never appear in a response, log line, run record or event', () => {
  it('keeps every password out of runs, records, events and errors', async () => {
    const secrets = [h.emulator.senderPassword, ...h.emulator.companies.map((c) => c.userPassword)];
    await importClients(h, tenant, { customerIds: customers.slice(0, 3) });
    await importUsers(h, tenant, { employeeIds: employees.slice(0, 2), permissionProfile: 'admin', assignDepartments: true });
    const [sync] = await nightlySync(h, tenant, 'all');
    const refused = await connectIntacct(h.deps, tenant, {
      companyId: h.emulator.companies[0]!.companyId,
      userId: h.emulator.companies[0]!.userId,
      password: 'wrong-password-Zq9!',
    }).catch((error: unknown) => error);

    const runs = (await h.stores.runs.list(tenant, { limit: 50 })).items;
    const records = await recordsOf(h, tenant, sync!.id);
    const connection = await h.stores.connections.get(tenant);
    const everything = JSON.stringify({ runs, records, events: h.events.events, connection, refused: String(refused) });
    expect(refused).toBeInstanceOf(IntacctFailure);
    for (const secret of [...secrets, 'wrong-password-Zq9!']) expect(everything).not.toContain(secret);
  });
});
