import type { Client, IntacctObject, User } from '#domain/entities';
import { Conflict, NotFound } from '#domain/errors';
import { domainEvent } from '#domain/events';
import type { IntacctFields } from '#domain/intacct-records';
import { FAMILY_OF_OBJECT, isActiveStatus, isSyncRun } from '#domain/runs';
import type { CallOptions, ListingPage } from '#ports/intacct-source';
import type { Link } from '#ports/stores';
import { linkedDepartments } from './engine/department-directory';
import type { SyncDeps } from './engine/deps';
import { writeWithVersionCheck } from './engine/entity-writes';
import { intacctForTenant } from './engine/intacct-for-tenant';
import { clientKind, userKind } from './engine/kinds';
import { isLeaseLive } from './engine/leases';
import { entityAcceptsLink, type LinkedEntity, type LinkedKind, type MappedRecord } from './engine/linked-kind';

/**
 * Re-link a PSA client to an Intacct customer by hand (R5):
 * 1. The client must exist in this tenant and not be linked to another customer (I1).
 * 2. The customer must exist in Intacct (the record Intacct answers must be the one asked for) and
 *    not be linked to another client, nor be claimed by an import still running (409 otherwise).
 * 3. Write the link, then the client with its mapped fields refreshed at once, then the link's
 *    fingerprint (only if nobody edited the client meanwhile); ClientLinked.
 */
export async function linkClient(deps: SyncDeps, tenantId: string, clientId: string, customerId: string, options: CallOptions = {}): Promise<Client> {
  const source = await intacctForTenant(deps, tenantId);
  return linkByHand(deps, tenantId, clientKind(deps), clientId, customerId, (ids) => source.customersById(ids, options), {
    entityMissing: new NotFound('client_not_found', 'No such client.'),
    recordMissing: new NotFound('customer_not_found', `Intacct has no customer with id ${customerId}.`),
    noun: 'customer',
  });
}

/** Re-link a PSA user to an Intacct employee by hand (R5); as `linkClient`, with UserLinked. */
export async function linkUser(deps: SyncDeps, tenantId: string, userId: string, employeeId: string, options: CallOptions = {}): Promise<User> {
  const source = await intacctForTenant(deps, tenantId);
  const departments = await linkedDepartments(deps, tenantId);
  const kind = userKind(deps, (departmentIntacctId) => (departmentIntacctId ? (departments.get(departmentIntacctId) ?? null) : null));
  return linkByHand(deps, tenantId, kind, userId, employeeId, (ids) => source.employeesById(ids, options), {
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
  intacctId: string,
  list: (ids: string[]) => AsyncIterable<ListingPage>,
  errors: { entityMissing: NotFound; recordMissing: NotFound; noun: string },
): Promise<T> {
  const entity = await kind.store.get(tenantId, entityId);
  if (!entity) throw errors.entityMissing;
  const fields = await recordWithId(list([intacctId]), (record) => kind.map(record).intacctId === intacctId);
  if (!fields) throw errors.recordMissing;
  const mapped = kind.map(fields);
  if (!entityAcceptsLink(kind, entity, mapped.recordNo)) {
    throw new Conflict('already_linked', `This record is already linked to another Intacct ${errors.noun}; it cannot have two.`);
  }
  const now = deps.clock.now().toISOString();
  const proposed: Link = {
    tenantId,
    object: kind.object,
    recordNo: mapped.recordNo,
    intacctId: mapped.intacctId,
    psaId: entity.id,
    createdAt: now,
    fingerprint: null,
    claim: null,
  };
  const link = await claimLink(deps, kind, proposed, errors.noun);

  const result = await writeWithVersionCheck(
    kind.store,
    entity,
    (current) => (entityAcceptsLink(kind, current, mapped.recordNo) ? kind.apply(current, mapped, now) : null),
    false,
  );
  if (result.kind === 'gone' || result.kind === 'refused') {
    await deps.links.deleteIfPointsTo(tenantId, kind.object, link.recordNo, link.psaId);
    if (result.kind === 'gone') throw errors.entityMissing;
    throw new Conflict('already_linked', `This record was linked to another Intacct ${errors.noun} meanwhile.`);
  }
  // Conditional on the link as written: a PSA edit since has invalidated it, and then it stays so.
  await deps.links.setFingerprint(link, kind.fingerprint(mapped));
  if (kind.events.linked) {
    const detail = { tenantId, [kind.eventIdKey]: entity.id, [kind.eventIntacctIdKey]: mapped.intacctId, recordNo: mapped.recordNo };
    await deps.events.publish([domainEvent(kind.events.linked, detail, [entity.id, mapped.recordNo, link.createdAt])]);
  }
  return result.entity;
}

/**
 * Writes the link, or finds it already ours. Another live PSA record holding it, or an import still
 * creating one for it (a claim of a run that holds its lease), is a conflict (I1); a link whose PSA
 * record is gone is dangling and is replaced.
 */
async function claimLink<T extends LinkedEntity, M extends MappedRecord>(
  deps: SyncDeps,
  kind: LinkedKind<T, M>,
  link: Link,
  noun: string,
): Promise<Link> {
  const linkedElsewhere = new Conflict(`${noun}_linked_elsewhere`, `This Intacct ${noun} is already linked to another PSA record.`);
  for (;;) {
    if (await deps.links.createIfAbsent(link)) {
      await standBackForImport(deps, kind, link, noun);
      return link;
    }
    const existing = await deps.links.get(link.tenantId, kind.object, link.recordNo);
    if (!existing) continue;
    if (existing.claim && (await liveLeaseHolder(deps, link.tenantId, kind.object)) === existing.claim.runId) {
      throw new Conflict(`${noun}_linked_elsewhere`, `This Intacct ${noun} is being imported right now; try again when the import has finished.`);
    }
    if (existing.psaId === link.psaId) return existing;
    const holder = await kind.store.get(link.tenantId, existing.psaId);
    if (holder && entityAcceptsLink(kind, holder, existing.recordNo)) throw linkedElsewhere;
    // The link is dangling (its PSA record was deleted, or an import that stopped never made it).
    await deps.links.deleteIfPointsTo(link.tenantId, kind.object, existing.recordNo, existing.psaId);
  }
}

/**
 * A running import writes its claims in batches without conditions, having read these links
 * unlinked, so a link made by hand meanwhile could be overwritten. Link-by-hand therefore yields to
 * it: the link just written is taken back and the admin asked to try again afterwards. Checked
 * after the link is written: an import that takes its lease later reads the links later too, and
 * then finds this one.
 */
async function standBackForImport<T extends LinkedEntity, M extends MappedRecord>(
  deps: SyncDeps,
  kind: LinkedKind<T, M>,
  link: Link,
  noun: string,
): Promise<void> {
  const holderId = await liveLeaseHolder(deps, link.tenantId, kind.object);
  if (holderId === null) return;
  const holder = await deps.runs.get(link.tenantId, holderId);
  // A live lease whose run is not saved yet is a run being queued: it may be an import.
  if (holder !== null && (isSyncRun(holder.type) || !isActiveStatus(holder.status))) return;
  // Only while it is still this link: an import's claim written over it (maybe naming the same
  // same-name client as a match) stays.
  await deps.links.withdrawUnclaimed(link);
  throw new Conflict('run_in_progress', `An import of ${noun}s is running for this workspace; link by hand once it has finished.`);
}

/** The run holding the lease of the family `object` belongs to, while the lease is live; null otherwise. */
async function liveLeaseHolder(deps: SyncDeps, tenantId: string, object: IntacctObject): Promise<string | null> {
  const lease = await deps.leases.get(tenantId, FAMILY_OF_OBJECT[object]);
  return lease !== null && isLeaseLive(lease, deps.clock.now()) ? lease.holder : null;
}

/** The first listed record `matches` accepts: Intacct must answer the record asked for, not just any. */
async function recordWithId(pages: AsyncIterable<ListingPage>, matches: (record: IntacctFields) => boolean): Promise<IntacctFields | null> {
  for await (const page of pages) {
    const found = page.records.find(matches);
    if (found) return found;
  }
  return null;
}
