import type { Client, User } from '../domain/entities';
import { Conflict, NotFound } from '../domain/errors';
import type { IntacctFields } from '../domain/intacct-records';
import type { ListingPage } from '../ports/intacct-source';
import type { Link } from '../ports/stores';
import type { SyncDeps } from './deps';
import { writeWithVersionCheck } from './entity-writes';
import { intacctForTenant } from './intacct-for-tenant';
import { linkFor } from './import-linked-records';
import { clientKind, userKind } from './kinds';
import { linkedDepartments } from './department-directory';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './linked-kind';

/**
 * Re-link a PSA client to an Intacct customer by hand (R5):
 * 1. The client must exist in this tenant and not be linked to another customer (I1).
 * 2. The customer must exist in Intacct and not be linked to another client (409 otherwise).
 * 3. Write the link, then the client with its mapped fields refreshed at once; ClientLinked.
 */
export async function linkClient(deps: SyncDeps, tenantId: string, clientId: string, customerId: string): Promise<Client> {
  const source = await intacctForTenant(deps, tenantId);
  return linkByHand(deps, tenantId, clientKind(deps), clientId, () => firstOf(source.customersById([customerId])), {
    entityMissing: new NotFound('client_not_found', 'No such client.'),
    recordMissing: new NotFound('customer_not_found', `Intacct has no customer with id ${customerId}.`),
    noun: 'customer',
  });
}

/** Re-link a PSA user to an Intacct employee by hand (R5); as `linkClient`, with UserLinked. */
export async function linkUser(deps: SyncDeps, tenantId: string, userId: string, employeeId: string): Promise<User> {
  const source = await intacctForTenant(deps, tenantId);
  const departments = await linkedDepartments(deps, tenantId);
  const kind = userKind(deps, (departmentIntacctId) => (departmentIntacctId ? (departments.get(departmentIntacctId) ?? null) : null));
  return linkByHand(deps, tenantId, kind, userId, () => firstOf(source.employeesById([employeeId])), {
    entityMissing: new NotFound('user_not_found', 'No such user.'),
    recordMissing: new NotFound('employee_not_found', `Intacct has no employee with id ${employeeId}.`),
    noun: 'employee',
  });
}

async function linkByHand<T extends LinkedEntity, M extends MappedRecord>(
  deps: SyncDeps,
  tenantId: string,
  kind: LinkedKind<T, M>,
  entityId: string,
  fetchRecord: () => Promise<IntacctFields | null>,
  errors: { entityMissing: NotFound; recordMissing: NotFound; noun: string },
): Promise<T> {
  const entity = await kind.store.get(tenantId, entityId);
  if (!entity) throw errors.entityMissing;
  const fields = await fetchRecord();
  if (!fields) throw errors.recordMissing;
  const mapped = kind.map(fields);
  if (!entityAcceptsLink(kind, entity, mapped.recordNo)) {
    throw new Conflict('already_linked', `This record is already linked to another Intacct ${errors.noun}; it cannot have two.`);
  }
  const now = deps.clock.now().toISOString();
  const link = linkFor(tenantId, kind, mapped, entity.id, now);
  await claimLink(deps, kind, link, errors.noun);

  const result = await writeWithVersionCheck(
    kind.store,
    entity,
    (current) => (entityAcceptsLink(kind, current, mapped.recordNo) ? kind.apply(current, mapped, now) : null),
    false,
  );
  if (result.kind === 'gone') {
    await deps.links.deleteIfPointsTo(tenantId, kind.object, link.recordNo, link.psaId);
    throw errors.entityMissing;
  }
  if (result.kind === 'refused') {
    await deps.links.deleteIfPointsTo(tenantId, kind.object, link.recordNo, link.psaId);
    throw new Conflict('already_linked', `This record was linked to another Intacct ${errors.noun} meanwhile.`);
  }
  const claimed = await deps.links.get(tenantId, kind.object, link.recordNo);
  if (claimed && claimed.psaId === entity.id) await deps.links.setFingerprint(claimed, kind.fingerprint(mapped));
  if (kind.events.linked) {
    await deps.events.publish([
      {
        type: kind.events.linked,
        detail: { tenantId, [kind.eventIdKey]: entity.id, [kind.eventIntacctIdKey]: mapped.intacctId, recordNo: mapped.recordNo },
      },
    ]);
  }
  return result.entity;
}

/** Writes the link, or finds it already ours; another live PSA record holding it is a conflict (I1). */
async function claimLink<T extends LinkedEntity, M extends MappedRecord>(
  deps: SyncDeps,
  kind: LinkedKind<T, M>,
  link: Link,
  noun: string,
): Promise<void> {
  for (;;) {
    if (await deps.links.createIfAbsent(link)) return;
    const existing = await deps.links.get(link.tenantId, kind.object, link.recordNo);
    if (!existing) continue;
    if (existing.psaId === link.psaId) return;
    const holder = await kind.store.get(link.tenantId, existing.psaId);
    if (holder && entityAcceptsLink(kind, holder, existing.recordNo)) {
      throw new Conflict(`${noun}_linked_elsewhere`, `This Intacct ${noun} is already linked to another PSA record.`);
    }
    // The link is dangling (its PSA record was deleted): remove it and claim the record.
    await deps.links.deleteIfPointsTo(link.tenantId, kind.object, existing.recordNo, existing.psaId);
  }
}

async function firstOf(pages: AsyncIterable<ListingPage>): Promise<IntacctFields | null> {
  for await (const page of pages) {
    if (page.records[0]) return page.records[0];
  }
  return null;
}
