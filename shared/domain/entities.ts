/**
 * The PSA-side entities the sync reads and writes, and the shape of their Intacct link.
 * Pure types: nothing here knows DynamoDB, XML or HTTP.
 */

export type IntacctObject = 'customer' | 'employee' | 'department';
export type LinkStatus = 'linked' | 'unlinked';
export type IntacctRecordStatus = 'active' | 'inactive';

export const PERMISSION_PROFILES = ['admin', 'controller', 'manager', 'coordinator', 'collaborator'] as const;
export type PermissionProfile = (typeof PERMISSION_PROFILES)[number];

type InvitationStatus = 'not_invited' | 'invited';

/** Fields of a client that the sync owns (spec section 2, client table). */
export interface ClientMappedFields {
  name: string;
  street: string;
  zip: string;
  city: string;
  country: string;
  countryCode: string;
}

/** Fields of a user that the sync owns; `departmentId` only when the user was imported with assignment on. */
export interface UserMappedFields {
  firstName: string;
  lastName: string;
  jobTitle: string;
  startDate: string | null;
}

/** The Intacct entity a record belongs to in a multi-entity company; both null for a top-level record. */
export interface IntacctEntityRef {
  entityId: string | null;
  entityName: string | null;
}

export interface ClientIntacctLink extends IntacctEntityRef {
  status: LinkStatus;
  customerId: string;
  recordNo: string;
  intacctStatus: IntacctRecordStatus;
  /** When the sync last wrote or confirmed this record; see `effectiveLastSyncedAt`. */
  lastSyncedAt: string | null;
}

export interface UserIntacctLink extends IntacctEntityRef {
  status: LinkStatus;
  employeeId: string;
  recordNo: string;
  intacctStatus: IntacctRecordStatus;
  assignDepartment: boolean;
  lastSyncedAt: string | null;
}

export interface DepartmentIntacctLink extends IntacctEntityRef {
  status: LinkStatus;
  departmentId: string;
  recordNo: string;
  intacctStatus: IntacctRecordStatus;
  lastSyncedAt: string | null;
}

interface Versioned {
  id: string;
  tenantId: string;
  /** Optimistic concurrency: every write is conditional on the version it read. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Client extends Versioned, ClientMappedFields {
  /** PSA-only free text: never touched by a sync. */
  notes: string;
  integrations: { intacct?: ClientIntacctLink };
}

export interface User extends Versioned, UserMappedFields {
  /** PSA-only: added by an admin, never touched by a sync (R9). */
  email: string;
  permissionProfile: PermissionProfile;
  invitationStatus: InvitationStatus;
  /** PSA department id, or null. Synced only when `integrations.intacct.assignDepartment` is on (R8). */
  departmentId: string | null;
  notes: string;
  integrations: { intacct?: UserIntacctLink };
}

export interface Department extends Versioned {
  name: string;
  integrations: { intacct?: DepartmentIntacctLink };
}
