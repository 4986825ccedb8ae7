import type { Client, Department, IntacctObject, User } from '#domain/entities';
import type { DomainEvent } from '#domain/events';
import type { HeldUnlink, RunFamily, RunRecord, RunStatus, SyncRun } from '#domain/runs';

export interface PageRequest {
  limit: number;
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * PSA entities of one kind. Writes are single-item and conditional:
 * `create` fails with ConflictError when the id exists, `update` when the stored version
 * is not `expectedVersion` (a concurrent edit), so nothing is ever half-applied or lost.
 */
export interface EntityStore<T extends { id: string; tenantId: string; version: number }> {
  get(tenantId: string, id: string): Promise<T | null>;
  /** Entities by id (missing ids are absent from the map). */
  getMany(tenantId: string, ids: readonly string[]): Promise<Map<string, T>>;
  list(tenantId: string, page: PageRequest): Promise<Page<T>>;
  create(entity: T): Promise<void>;
  /**
   * Creates entities with ids nobody else can hold yet (freshly generated), 25 per request and
   * without conditions; the caller guarantees the ids are new.
   */
  createNew(entities: readonly T[]): Promise<void>;
  /** Stores `entity` (whose `version` must already be `expectedVersion + 1`). */
  update(entity: T, expectedVersion: number): Promise<void>;
  delete(tenantId: string, id: string): Promise<void>;
  /** Deletes the entity if its stored version is still `expectedVersion`; answers whether it did. */
  deleteIfVersion(tenantId: string, id: string, expectedVersion: number): Promise<boolean>;
}

export interface ClientStore extends EntityStore<Client> {
  /** Clients whose name equals `name` after trimming and case folding. */
  findByName(tenantId: string, name: string): Promise<Client[]>;
}

export type UserStore = EntityStore<User>;
export type DepartmentStore = EntityStore<Department>;

/**
 * A link between one Intacct record and one PSA record (invariant I1, Intacct side).
 * Keyed by (tenant, object, recordNo); listed in ascending numeric recordNo order.
 * A link whose PSA record no longer exists is dangling (a PSA delete) and is treated as absent
 * by every reader, unless it is claimed by a run that is still creating that record.
 */
export interface Link {
  tenantId: string;
  object: IntacctObject;
  recordNo: string;
  /** CUSTOMERID, EMPLOYEEID or DEPARTMENTID. */
  intacctId: string;
  psaId: string;
  createdAt: string;
  /**
   * Fingerprint of the Intacct mapping last applied to the PSA record, or null when unknown
   * (a new link, or a PSA edit since). While it equals the fingerprint of the current Intacct
   * record, the PSA record already matches it and the sync need not even read it.
   */
  fingerprint: string | null;
  /**
   * Set from the moment a run writes a new link until the PSA record behind it is known to exist
   * (created, or an existing one linked): the link is the run's, not dangling, while that run is
   * alive. An import's claims are settled by its checkpoint rather than by a write per link: once the
   * run's saved checkpoint has passed the record, its PSA record exists (engine/claims.ts).
   */
  claim: LinkClaim | null;
}

export interface LinkClaim {
  runId: string;
  /** `create`: a new PSA record with the link's psaId; `link`: an existing PSA record (linkMatches). */
  intent: 'create' | 'link';
}

export interface LinkStore {
  get(tenantId: string, object: IntacctObject, recordNo: string): Promise<Link | null>;
  getMany(tenantId: string, object: IntacctObject, recordNos: readonly string[]): Promise<Map<string, Link>>;
  /** The links of `object` from `firstRecordNo` to `lastRecordNo` (both included), ascending numeric recordNo. */
  inRange(tenantId: string, object: IntacctObject, firstRecordNo: string, lastRecordNo: string): Promise<Link[]>;
  /** Every link of `object` after `afterRecordNo` (all when null), ascending numeric recordNo, page by page. */
  iterate(tenantId: string, object: IntacctObject, afterRecordNo?: string | null): AsyncIterable<Link[]>;
  /** Creates the link unless one exists for the same record; answers whether it was created. */
  createIfAbsent(link: Link): Promise<boolean>;
  /**
   * Writes new claimed links 25 per request, without conditions. Only an import may, holding its
   * family's lease, for records it read unlinked: link-by-hand stands back while an import runs, so
   * nobody else writes these links meanwhile.
   */
  putClaims(links: readonly Link[]): Promise<void>;
  /** Deletes a link written without a claim (by hand) if it is still that: no import has claimed over it. */
  withdrawUnclaimed(link: Link): Promise<void>;
  /** Deletes the link if it still points at `psaId`; a no-op otherwise. */
  deleteIfPointsTo(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void>;
  /**
   * Records that the PSA record now matches the mapping fingerprinted `next`, unless the link
   * changed since it was read with fingerprint `link.fingerprint` (a PSA edit in between);
   * answers whether it was recorded. The PSA record exists, so any claim left on the link goes.
   */
  setFingerprint(link: Link, next: string): Promise<boolean>;
  /**
   * Ends `runId`'s claim on the link (its PSA record now exists) and records the mapping it matches,
   * unless a PSA edit marked the link (before or since it was read as `link`: the mark then stays,
   * so the next sync looks again); answers false when the link is no longer that claim (taken over,
   * or removed).
   */
  completeClaim(link: Link, runId: string, fingerprint: string): Promise<boolean>;
  /** Moves the claim of a run that is gone to `toRunId`; answers false when the link changed since read. */
  takeOverClaim(link: Link, toRunId: string): Promise<boolean>;
  /**
   * Marks the link's fingerprint unknown with a value no mapping has, before a PSA edit of a
   * mapped field or a PSA delete, so the next sync looks at the PSA record again.
   */
  invalidateFingerprint(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void>;
  /** Whether the tenant has any link of `object`. */
  hasAny(tenantId: string, object: IntacctObject): Promise<boolean>;
}

/**
 * An event waiting to be published, written before the change it announces. `proof` says what
 * the PSA record looks like once the change is made; a run that finds the entry after a crash
 * publishes it only if the proof holds (the change happened), so nothing is lost or invented.
 */
export interface OutboxEntry {
  event: DomainEvent;
  proof: OutboxProof;
  /** The outcome the run reports for the record when the change turns out to have happened. */
  record: RunRecord | null;
}

/** What is true once the change an outbox entry announces has been made. */
type OutboxProof =
  /** The PSA record `psaId` exists and has these values at these dotted paths. */
  | { of: 'entity'; object: IntacctObject; psaId: string; expect: Record<string, unknown> }
  /** The run was saved with this status. */
  | { of: 'run'; status: RunStatus };

export interface RunStore {
  create(run: SyncRun): Promise<void>;
  get(tenantId: string, runId: string): Promise<SyncRun | null>;
  /**
   * Saves the run's summary (status, progress, counts, checkpoint, error) if its stored status is one
   * of `statuses` and, when given, its stored execution is `execution`; answers whether it was saved.
   */
  saveIf(run: SyncRun, condition: { statuses: readonly RunStatus[]; execution?: string | null }): Promise<boolean>;
  /** Newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<SyncRun>>;
  /** Appends per-record outcomes; `firstSeq` numbers them so a listing keeps their order. */
  appendRecords(tenantId: string, runId: string, firstSeq: number, records: readonly RunRecord[]): Promise<void>;
  listRecords(tenantId: string, runId: string, page: PageRequest): Promise<Page<RunRecord>>;
  /** Removes outcomes numbered `fromSeq` and above (left by an attempt that got further before it stopped). */
  trimRecords(tenantId: string, runId: string, fromSeq: number): Promise<void>;
  /** Stores unlink candidates of a run (one item each; storing one again overwrites it). */
  putUnlinkCandidates(tenantId: string, runId: string, candidates: readonly HeldUnlink[]): Promise<void>;
  /** Candidates of `object` after `afterRecordNo`, ascending numeric recordNo, at most `limit`. */
  listUnlinkCandidates(tenantId: string, runId: string, object: IntacctObject, afterRecordNo: string | null, limit: number): Promise<HeldUnlink[]>;
  /** Stages `entries` in the run's outbox, packed several to an item in the order given. */
  putOutbox(tenantId: string, runId: string, entries: readonly OutboxEntry[]): Promise<void>;
  /** What is staged, pack by pack: the entries of one putOutbox call stay together, in order. */
  listOutbox(tenantId: string, runId: string): Promise<OutboxEntry[][]>;
  /** Removes what one putOutbox call staged, or one listed pack, given its entries' event ids in order. */
  deleteOutbox(tenantId: string, runId: string, eventIds: readonly string[]): Promise<void>;
  /**
   * Records the runs the nightly sync of the schedule's firing at `scheduledAt` started for the
   * tenant; false when that firing was already recorded.
   */
  markNightly(tenantId: string, scheduledAt: string, runIds: readonly string[]): Promise<boolean>;
  /** The runs recorded for that firing, or null when none was. */
  nightlyRuns(tenantId: string, scheduledAt: string): Promise<string[] | null>;
}

/** The lease that keeps a tenant's runs of one family from overlapping. */
export interface Lease {
  tenantId: string;
  family: RunFamily;
  /** The run holding it. */
  holder: string;
  /** The worker invocation executing that run, or a hand-off token, or null while the run is queued. */
  execution: string | null;
  /** ISO-8601 UTC; past it, the holder is presumed gone. */
  until: string;
}

export interface LeaseStore {
  get(tenantId: string, family: RunFamily): Promise<Lease | null>;
  /** Stores `next` if the stored lease is still exactly `expected` (null: none stored); answers whether it was. */
  replace(expected: Lease | null, next: Lease): Promise<boolean>;
  /**
   * Extends the lease while `holder` and `execution` still have it, passing it to `nextExecution`
   * when given (a hand-off); answers false when it was lost.
   */
  renew(tenantId: string, family: RunFamily, holder: string, execution: string | null, until: string, nextExecution?: string): Promise<boolean>;
  /** Removes the lease if `holder` still has it. */
  release(tenantId: string, family: RunFamily, holder: string): Promise<void>;
}

/** How a connection reaches Intacct: the XML gateway (a Web Services user's password) or the REST API (an OAuth grant). */
export const INTACCT_GATEWAYS = ['xml', 'rest'] as const;
export type IntacctGateway = (typeof INTACCT_GATEWAYS)[number];

/**
 * A tenant's Intacct connection. Its secret lives in the SecretStore under `secretRef`: the Web
 * Services user's password (`xml`) or the OAuth grant (`rest`, whose `userId` is the Intacct user
 * who approved it).
 */
export interface Connection {
  tenantId: string;
  companyId: string;
  userId: string;
  entityId: string | null;
  gateway: IntacctGateway;
  secretRef: string;
  connectedAt: string;
  /** Finish time of the last successful sync per object family. */
  lastSync: { clients: string | null; users: string | null };
}

export interface ConnectionStore {
  get(tenantId: string): Promise<Connection | null>;
  put(connection: Connection): Promise<void>;
  delete(tenantId: string): Promise<void>;
  /** Every connected tenant, page by page (the nightly fan-out). */
  listConnected(): AsyncIterable<Connection[]>;
  recordSyncFinished(tenantId: string, family: RunFamily, finishedAt: string): Promise<void>;
  /**
   * The Intacct company (and entity) the tenant's links were made with; kept when the tenant
   * disconnects, so a connection to another company can be told apart from a reconnect.
   */
  linkedCompany(tenantId: string): Promise<LinkedCompany | null>;
  setLinkedCompany(tenantId: string, company: LinkedCompany): Promise<void>;
  /** Failed sign-ins of the tenant's connects since `since` (ISO), and when the oldest of them counts from. */
  failedConnects(tenantId: string, since: string): Promise<{ count: number; windowStart: string | null }>;
  /** Counts one failed sign-in at `at` (ISO), in a window that starts afresh once `since` has passed it. */
  recordFailedConnect(tenantId: string, at: string, since: string): Promise<void>;
}

export interface LinkedCompany {
  companyId: string;
  entityId: string | null;
}

/** Every store the use cases work with. */
export interface Stores {
  clients: ClientStore;
  users: UserStore;
  departments: DepartmentStore;
  links: LinkStore;
  runs: RunStore;
  leases: LeaseStore;
  connections: ConnectionStore;
}
