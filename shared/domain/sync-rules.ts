/**
 * Sync decisions as pure functions (spec section 3): how a PSA record changes when it is
 * imported, synced or unlinked, and when a run must stop for review. Use cases decide what
 * to call and store the results; nothing here reads a clock or a store.
 */
import type { Client, ClientIntacctLink, Department, DepartmentIntacctLink, PermissionProfile, User, UserIntacctLink } from './entities';
import { CLIENT_MAPPED_FIELDS, diffFields, USER_MAPPED_FIELDS } from './field-diff';
import type { MappedCustomer, MappedDepartment, MappedEmployee } from './mapping';
import type { FieldChange } from './runs';

/** I3: a run may always unlink up to this many records of one object... */
export const MASS_UNLINK_MIN_COUNT = 10;
/** ...or up to this share of the linked records, whichever is more; beyond that an admin confirms. */
export const MASS_UNLINK_SHARE = 0.2;

/** Version of a record the moment it is created; every later write adds one. */
const FIRST_VERSION = 1;
const DECIMAL_DIGITS = /^\d+$/;
const LEADING_ZEROS = /^0+(?=\d)/;

/**
 * Whether unlinking `unlinkCount` of `linkedCount` linked records of one object is a mass
 * unlink that must wait for an admin (I3): more than max(10, 20% of the linked records).
 */
export function needsUnlinkReview(unlinkCount: number, linkedCount: number): boolean {
  if (unlinkCount <= MASS_UNLINK_MIN_COUNT) {
    return false;
  }
  if (linkedCount <= 0) {
    return true;
  }
  // A quotient, not `share * linkedCount`: the product can round below an exact boundary.
  return unlinkCount / linkedCount > MASS_UNLINK_SHARE;
}

/**
 * Orders Intacct RECORDNO texts numerically (the order Intacct lists and links are stored in),
 * without converting to a number, so arbitrarily long values compare exactly.
 * Texts that are not decimal integers sort after every number, by code unit, to keep the
 * order total.
 */
export function compareRecordNo(a: string, b: string): number {
  const left = a.trim();
  const right = b.trim();
  const leftIsNumber = DECIMAL_DIGITS.test(left);
  const rightIsNumber = DECIMAL_DIGITS.test(right);
  if (leftIsNumber !== rightIsNumber) {
    return leftIsNumber ? -1 : 1;
  }
  if (!leftIsNumber) {
    return compareText(left, right);
  }
  const leftDigits = left.replace(LEADING_ZEROS, '');
  const rightDigits = right.replace(LEADING_ZEROS, '');
  if (leftDigits.length !== rightDigits.length) {
    return leftDigits.length < rightDigits.length ? -1 : 1;
  }
  return compareText(leftDigits, rightDigits);
}

function compareText(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * A name as same-name matching sees it: Unicode NFC, trimmed, white-space runs collapsed,
 * case folded. Two clients whose names normalize equal are "the same name".
 */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The outcome of syncing one PSA record with its Intacct record. */
export interface SyncResult<T> {
  /** The record to store; the very object passed in when nothing changed. */
  next: T;
  /** Mapped fields that changed, for the run record. */
  changes: FieldChange[];
  /** Whether the link itself (status, ids, Intacct status) changed. */
  linkChanged: boolean;
}

/** Whether a link must be written: it is missing, or one of `keys` differs from the target. */
function linkDiffers<L extends object>(current: L | undefined, target: L, keys: readonly (keyof L)[]): boolean {
  // A link stored before a key existed reads it as missing, which stands for null (entityId of a top-level record).
  return current === undefined || keys.some((key) => (current[key] ?? null) !== (target[key] ?? null));
}

/** Link fields whose change is a write; `lastSyncedAt` alone never is. */
const CLIENT_LINK_KEYS: readonly (keyof ClientIntacctLink)[] = ['status', 'customerId', 'recordNo', 'intacctStatus', 'entityId', 'entityName'];
const USER_LINK_KEYS: readonly (keyof UserIntacctLink)[] = ['status', 'employeeId', 'recordNo', 'intacctStatus', 'entityId', 'entityName'];
const DEPARTMENT_LINK_KEYS: readonly (keyof DepartmentIntacctLink)[] = [
  'status',
  'departmentId',
  'recordNo',
  'intacctStatus',
  'entityId',
  'entityName',
];

function clientLink(mapped: MappedCustomer, lastSyncedAt: string | null): ClientIntacctLink {
  return {
    status: 'linked',
    customerId: mapped.customerId,
    recordNo: mapped.recordNo,
    intacctStatus: mapped.intacctStatus,
    ...mapped.entity,
    lastSyncedAt,
  };
}

function userLink(mapped: MappedEmployee, assignDepartment: boolean, lastSyncedAt: string | null): UserIntacctLink {
  return {
    status: 'linked',
    employeeId: mapped.employeeId,
    recordNo: mapped.recordNo,
    intacctStatus: mapped.intacctStatus,
    ...mapped.entity,
    assignDepartment,
    lastSyncedAt,
  };
}

function departmentLink(mapped: MappedDepartment, lastSyncedAt: string | null): DepartmentIntacctLink {
  return {
    status: 'linked',
    departmentId: mapped.departmentId,
    recordNo: mapped.recordNo,
    intacctStatus: mapped.intacctStatus,
    ...mapped.entity,
    lastSyncedAt,
  };
}

/**
 * Makes a client's mapped fields and link match its Intacct customer (R2, R3, R5, R10).
 * Only mapped fields and the link are written; notes and every other PSA-only field stay.
 * Version, `updatedAt` and `lastSyncedAt` move only when something actually changed.
 */
export function applyClientSync(client: Client, mapped: MappedCustomer, now: string): SyncResult<Client> {
  const changes = diffFields(client, { ...client, ...mapped.fields }, CLIENT_MAPPED_FIELDS);
  const current = client.integrations.intacct;
  const linkChanged = linkDiffers(current, clientLink(mapped, null), CLIENT_LINK_KEYS);
  if (changes.length === 0 && !linkChanged) {
    return { next: client, changes, linkChanged };
  }
  const next: Client = {
    ...client,
    ...mapped.fields,
    version: client.version + 1,
    updatedAt: now,
    integrations: { ...client.integrations, intacct: clientLink(mapped, now) },
  };
  return { next, changes, linkChanged };
}

/**
 * Makes a user's mapped fields and link match its Intacct employee. The department is
 * synced only when the user was imported with assignment on (R8), and then shows in
 * `changes` as `departmentId`; email, permission profile, invitation state and notes are
 * never touched (R9, I4). The link keeps its `assignDepartment` choice (off for a user that
 * had no link).
 */
export function applyUserSync(user: User, mapped: MappedEmployee, departmentPsaId: string | null, now: string): SyncResult<User> {
  const current = user.integrations.intacct;
  const assignDepartment = current?.assignDepartment ?? false;
  const departmentId = assignDepartment ? departmentPsaId : user.departmentId;
  const target: User = { ...user, ...mapped.fields, departmentId };
  const changes = diffFields(user, target, [...USER_MAPPED_FIELDS, 'departmentId']);
  const linkChanged = linkDiffers(current, userLink(mapped, assignDepartment, null), USER_LINK_KEYS);
  if (changes.length === 0 && !linkChanged) {
    return { next: user, changes, linkChanged };
  }
  const next: User = {
    ...target,
    version: user.version + 1,
    updatedAt: now,
    integrations: { ...user.integrations, intacct: userLink(mapped, assignDepartment, now) },
  };
  return { next, changes, linkChanged };
}

/** Makes a PSA department's name and link match its Intacct department. */
export function applyDepartmentSync(department: Department, mapped: MappedDepartment, now: string): SyncResult<Department> {
  const changes = diffFields(department, { ...department, name: mapped.name }, ['name']);
  const current = department.integrations.intacct;
  const linkChanged = linkDiffers(current, departmentLink(mapped, null), DEPARTMENT_LINK_KEYS);
  if (changes.length === 0 && !linkChanged) {
    return { next: department, changes, linkChanged };
  }
  const next: Department = {
    ...department,
    name: mapped.name,
    version: department.version + 1,
    updatedAt: now,
    integrations: { ...department.integrations, intacct: departmentLink(mapped, now) },
  };
  return { next, changes, linkChanged };
}

/** Identity and bookkeeping every new PSA record starts with. */
function newRecordBase(id: string, tenantId: string, now: string) {
  return { id, tenantId, version: FIRST_VERSION, createdAt: now, updatedAt: now };
}

/** A new PSA client imported from an Intacct customer, linked to it (R1). */
export function newClientFromIntacct(args: { id: string; tenantId: string; mapped: MappedCustomer; now: string }): Client {
  const { id, tenantId, mapped, now } = args;
  return {
    ...newRecordBase(id, tenantId, now),
    ...mapped.fields,
    notes: '',
    integrations: { intacct: clientLink(mapped, now) },
  };
}

/**
 * A new PSA user imported from an Intacct employee with the import's permission profile (R8).
 * No email and not invited: an admin adds the email before inviting (R9). The department is
 * set only with assignment on.
 */
export function newUserFromIntacct(args: {
  id: string;
  tenantId: string;
  mapped: MappedEmployee;
  permissionProfile: PermissionProfile;
  assignDepartment: boolean;
  departmentPsaId: string | null;
  now: string;
}): User {
  const { id, tenantId, mapped, permissionProfile, assignDepartment, departmentPsaId, now } = args;
  return {
    ...newRecordBase(id, tenantId, now),
    ...mapped.fields,
    email: '',
    permissionProfile,
    invitationStatus: 'not_invited',
    departmentId: assignDepartment ? departmentPsaId : null,
    notes: '',
    integrations: { intacct: userLink(mapped, assignDepartment, now) },
  };
}

/** A new PSA department for an Intacct department, created once when a user import assigns it (R8). */
export function newDepartmentFromIntacct(args: { id: string; tenantId: string; mapped: MappedDepartment; now: string }): Department {
  const { id, tenantId, mapped, now } = args;
  return {
    ...newRecordBase(id, tenantId, now),
    name: mapped.name,
    integrations: { intacct: departmentLink(mapped, now) },
  };
}

type Unlinkable = { version: number; updatedAt: string; integrations: { intacct?: { status: string } } };

/**
 * Marks the record's link unlinked and keeps every field and link id (R4), so it can be
 * re-linked by hand (R5). A record with no link, or already unlinked, comes back as the very
 * same object, which makes a re-run after a crash a no-op.
 */
function unlink<T extends Unlinkable>(record: T, now: string): T {
  const link = record.integrations.intacct;
  if (link === undefined || link.status === 'unlinked') {
    return record;
  }
  return {
    ...record,
    version: record.version + 1,
    updatedAt: now,
    integrations: { ...record.integrations, intacct: { ...link, status: 'unlinked' } },
  };
}

/** Unlinks a client whose Intacct customer no longer exists (R4); see `unlink` rules above. */
export function unlinkClient(client: Client, now: string): Client {
  return unlink(client, now);
}

/** Unlinks a user whose Intacct employee no longer exists (R4); the user keeps everything. */
export function unlinkUser(user: User, now: string): User {
  return unlink(user, now);
}

/** Unlinks a department whose Intacct department no longer exists; users keep it assigned. */
export function unlinkDepartment(department: Department, now: string): Department {
  return unlink(department, now);
}
