import type { Client, Department, IntacctObject, User } from '../domain/entities';
import type { RunRecord, SyncRun } from '../domain/runs';

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
 * A link whose PSA record no longer exists is dangling (a PSA delete or an import that
 * crashed half way) and is treated as absent by every reader.
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
}

export interface LinkStore {
  get(tenantId: string, object: IntacctObject, recordNo: string): Promise<Link | null>;
  getMany(tenantId: string, object: IntacctObject, recordNos: readonly string[]): Promise<Map<string, Link>>;
  /** Every link of `object`, ascending numeric recordNo, page by page. */
  iterate(tenantId: string, object: IntacctObject): AsyncIterable<Link[]>;
  /** Creates the link unless one exists for the same record; answers whether it was created. */
  createIfAbsent(link: Link): Promise<boolean>;
  /** Deletes the link if it still points at `psaId`; a no-op otherwise. */
  deleteIfPointsTo(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void>;
  /**
   * Records that the PSA record now matches the mapping fingerprinted `next`, unless the link
   * changed since it was read with fingerprint `seen` (a PSA edit in between); answers whether
   * it was recorded.
   */
  setFingerprint(link: Link, next: string): Promise<boolean>;
  /**
   * Marks the link's fingerprint unknown with a value no mapping has, before a PSA edit of a
   * mapped field or a PSA delete, so the next sync looks at the PSA record again.
   */
  invalidateFingerprint(tenantId: string, object: IntacctObject, recordNo: string, psaId: string): Promise<void>;
}

export interface RunStore {
  create(run: SyncRun): Promise<void>;
  get(tenantId: string, runId: string): Promise<SyncRun | null>;
  /** Overwrites the run's summary (status, progress, counts, error). */
  save(run: SyncRun): Promise<void>;
  /** Newest first. */
  list(tenantId: string, page: PageRequest): Promise<Page<SyncRun>>;
  /** Appends per-record outcomes; `firstSeq` numbers them so a listing keeps their order. */
  appendRecords(tenantId: string, runId: string, firstSeq: number, records: readonly RunRecord[]): Promise<void>;
  listRecords(tenantId: string, runId: string, page: PageRequest): Promise<Page<RunRecord>>;
}

/** Scope a lease guards: imports and syncs of one object family never overlap in a tenant. */
export type LeaseScope = 'clients' | 'users';

export interface LeaseStore {
  /** Takes the lease when free or expired; answers false when another holder has it. */
  acquire(tenantId: string, scope: LeaseScope, holder: string, until: Date, now: Date): Promise<boolean>;
  /** Extends a lease this holder has; answers false when it was lost. */
  renew(tenantId: string, scope: LeaseScope, holder: string, until: Date): Promise<boolean>;
  release(tenantId: string, scope: LeaseScope, holder: string): Promise<void>;
  /** Whether someone holds an unexpired lease at `now`. */
  isHeld(tenantId: string, scope: LeaseScope, now: Date): Promise<boolean>;
}

/** A tenant's Intacct connection. The password lives in the SecretStore under `secretRef`. */
export interface Connection {
  tenantId: string;
  companyId: string;
  userId: string;
  entityId: string | null;
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
  recordSyncFinished(tenantId: string, scope: LeaseScope, finishedAt: string): Promise<void>;
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
