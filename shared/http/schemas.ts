/**
 * Every JSON shape of the HTTP API as zod schemas: the request schemas validate input, the
 * response schemas type the presenters, and both generate the OpenAPI document, so the document,
 * the validation and the answers cannot drift apart. Response objects are strict so a test that
 * parses an answer with them also catches a field the document does not list.
 */
import { z } from 'zod';
import { PERMISSION_PROFILES } from '#domain/entities';
import { canTravelToIntacct } from '#domain/intacct-records';
import { INTACCT_OBJECTS, RECORD_OUTCOMES, RUN_STATUSES, RUN_TRIGGERS, RUN_TYPES } from '#domain/runs';
import { INTACCT_GATEWAYS } from '#ports/stores';

const DEFAULT_PAGE_LIMIT = 50;
const MAX_PAGE_LIMIT = 200;
/** Longest PSA id accepted in a path; ids we issue are far shorter. */
const MAX_ID_LENGTH = 128;
/** Intacct ids (CUSTOMERID, EMPLOYEEID) are short codes; this is a generous ceiling. */
const MAX_INTACCT_ID_LENGTH = 100;
/** Ids per import request; larger imports use `all`. */
const MAX_IMPORT_SELECTION = 1000;
const MAX_TEXT_LENGTH = 1000;
const MAX_NOTES_LENGTH = 10_000;
const MAX_CURSOR_LENGTH = 2048;
const MAX_SEARCH_LENGTH = 100;
const MAX_SECRET_LENGTH = 1000;
/** Intacct RECORDNO values have at most 12 digits. */
const RECORD_NO = /^\d{1,12}$/;
/** RFC 6749's error codes: printable ASCII but `"` and `\`. */
const OAUTH_ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;
/** No key separator, slash or white space: such an id can name nothing of ours. */
const PSA_ID = /^[^#/\s]+$/;

// ---- building blocks -------------------------------------------------------------------

export const psaId = z.string().min(1).max(MAX_ID_LENGTH).regex(PSA_ID, 'is not a valid id');
/** Text that is sent to Intacct must be text its XML protocol can carry. */
const INTACCT_TEXT_MESSAGE = 'contains a character Sage Intacct cannot accept';
const intacctText = <T extends z.ZodString>(schema: T) => schema.refine(canTravelToIntacct, INTACCT_TEXT_MESSAGE);
const intacctId = intacctText(z.string().trim().min(1).max(MAX_INTACCT_ID_LENGTH));
/**
 * PSA text is held to the same characters: control characters (but tab and line breaks), lone
 * surrogates and non-characters are no one's name or address, and would break the pages and
 * feeds that show them.
 */
const TEXT_MESSAGE = 'contains a control character or another character that is not text';
const printable = <T extends z.ZodString>(schema: T) => schema.refine(canTravelToIntacct, TEXT_MESSAGE);
const text = printable(z.string().max(MAX_TEXT_LENGTH));
const requiredText = printable(z.string().trim().min(1).max(MAX_TEXT_LENGTH));
const requiredIntacctText = intacctText(z.string().trim().min(1).max(MAX_TEXT_LENGTH));
const notes = printable(z.string().max(MAX_NOTES_LENGTH));
const permissionProfile = z.enum(PERMISSION_PROFILES);
const timestamp = z.iso.datetime();

// ---- path and query --------------------------------------------------------------------

export const IdParams = z.object({ id: psaId });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
});

/** The import dialogs: `cursor` is the RECORDNO the previous full page ended at. */
export const BrowseQuery = z.object({
  search: intacctText(z.string().max(MAX_SEARCH_LENGTH)).optional(),
  limit: PageQuery.shape.limit,
  cursor: z.string().regex(RECORD_NO, 'is not a cursor of this listing').optional(),
});

// ---- request bodies --------------------------------------------------------------------

export const ConnectIntacctBody = z.strictObject({
  companyId: requiredIntacctText,
  userId: requiredIntacctText,
  password: intacctText(z.string().min(1).max(MAX_SECRET_LENGTH)),
  entityId: requiredIntacctText.nullable().optional(),
  /** Connecting another company (or entity) than the links were made with: unlink them all first. */
  resetLinks: z.boolean().optional(),
});

/** Connect with Sage Intacct (OAuth): should the admin sign in to another company than the links', unlink them all first. */
export const StartIntacctOAuthBody = z.strictObject({
  resetLinks: z.boolean().optional(),
});

export const IntacctOAuthStarted = z.strictObject({
  /** Where to send the admin's browser: Sage Intacct's sign-in and consent page. */
  authorizeUrl: z.url(),
});

/**
 * Sage Intacct's redirect back (RFC 6749 §4.1.2): `code` and `state`, or `error` and `state`.
 * Other parameters an authorization server may add (`iss`, `error_uri`) are ignored.
 */
export const IntacctOAuthCallbackQuery = z.object({
  state: z.string().min(1).max(MAX_CURSOR_LENGTH),
  code: z.string().min(1).max(MAX_CURSOR_LENGTH).optional(),
  // RFC 6749 §4.1.2.1: an error code is printable ASCII without `"` or `\`.
  error: z.string().min(1).max(MAX_SEARCH_LENGTH).regex(OAUTH_ERROR_CODE, 'is not an OAuth error code').optional(),
  error_description: z.string().max(MAX_TEXT_LENGTH).optional(),
});

export const ClientImportBody = z
  .strictObject({
    customerIds: z.array(intacctId).min(1).max(MAX_IMPORT_SELECTION).optional(),
    all: z.boolean().optional(),
    linkMatches: z.boolean().optional(),
    dryRun: z.boolean().optional(),
  })
  .superRefine((body, context) => {
    const selected = body.customerIds !== undefined;
    if (selected === (body.all === true)) {
      context.addIssue({
        code: 'custom',
        path: selected ? ['all'] : ['customerIds'],
        message: selected ? 'give either customerIds or all: true, not both' : 'give customerIds, or set all: true',
      });
    }
  });

export const SyncBody = z.strictObject({ dryRun: z.boolean().optional() });

const clientFields = {
  street: text.optional(),
  zip: text.optional(),
  city: text.optional(),
  country: text.optional(),
  countryCode: text.optional(),
  notes: notes.optional(),
};
export const CreateClientBody = z.strictObject({ name: requiredText, ...clientFields });
export const EditClientBody = z.strictObject({ name: requiredText.optional(), ...clientFields });
export const LinkClientBody = z.strictObject({ customerId: intacctId });

export const UserImportBody = z.strictObject({
  employeeIds: z.array(intacctId).min(1).max(MAX_IMPORT_SELECTION),
  permissionProfile,
  assignDepartments: z.boolean(),
  dryRun: z.boolean().optional(),
});

export const EditUserBody = z.strictObject({
  firstName: text.optional(),
  lastName: text.optional(),
  email: z.union([z.email().max(MAX_TEXT_LENGTH), z.literal('')]).optional(),
  jobTitle: text.optional(),
  startDate: z.iso.date().nullable().optional(),
  permissionProfile: permissionProfile.optional(),
  departmentId: psaId.nullable().optional(),
  notes: notes.optional(),
});
export const LinkUserBody = z.strictObject({ employeeId: intacctId });

// ---- responses -------------------------------------------------------------------------

export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    details: z.array(z.strictObject({ field: z.string(), message: z.string() })),
  }),
});

export const IntacctConnection = z.strictObject({
  connected: z.boolean(),
  companyId: z.string().nullable(),
  entityId: z.string().nullable(),
  /** How the tenant connected: a Web Services user (`xml`) or Connect with Sage Intacct (`rest`, OAuth); null when not connected. */
  gateway: z.enum(INTACCT_GATEWAYS).nullable(),
  lastSync: z.strictObject({ clients: timestamp.nullable(), users: timestamp.nullable() }),
});

const linkStatus = z.enum(['linked', 'unlinked']);
const intacctStatus = z.enum(['active', 'inactive']);
/** The record's Intacct entity in a multi-entity company; null for a top-level record. */
const entityId = z.string().nullable();
const entityName = z.string().nullable();

export const Client = z.strictObject({
  id: z.string(),
  name: z.string(),
  street: z.string(),
  zip: z.string(),
  city: z.string(),
  country: z.string(),
  countryCode: z.string(),
  notes: z.string(),
  integrations: z.strictObject({
    intacct: z
      .strictObject({
        status: linkStatus,
        customerId: z.string(),
        recordNo: z.string(),
        intacctStatus,
        entityId,
        entityName,
        lastSyncedAt: timestamp.nullable(),
      })
      .optional(),
  }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const User = z.strictObject({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  jobTitle: z.string(),
  startDate: z.string().nullable(),
  department: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  permissionProfile,
  invitationStatus: z.enum(['not_invited', 'invited']),
  notes: z.string(),
  integrations: z.strictObject({
    intacct: z
      .strictObject({
        status: linkStatus,
        employeeId: z.string(),
        recordNo: z.string(),
        intacctStatus,
        entityId,
        entityName,
        assignDepartment: z.boolean(),
        lastSyncedAt: timestamp.nullable(),
      })
      .optional(),
  }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const Department = z.strictObject({
  id: z.string(),
  name: z.string(),
  integrations: z.strictObject({
    intacct: z
      .strictObject({
        status: linkStatus,
        departmentId: z.string(),
        recordNo: z.string(),
        intacctStatus,
        entityId,
        entityName,
        lastSyncedAt: timestamp.nullable(),
      })
      .optional(),
  }),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const PermissionProfileItem = z.strictObject({ id: permissionProfile, name: z.string() });

const counts = z.strictObject({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  unlinked: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
});

export const Run = z.strictObject({
  id: z.string(),
  type: z.enum(RUN_TYPES),
  trigger: z.enum(RUN_TRIGGERS),
  dryRun: z.boolean(),
  status: z.enum(RUN_STATUSES),
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  progress: z.strictObject({ processed: z.number().int(), total: z.number().int() }),
  counts,
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});

export const RunRecord = z.strictObject({
  object: z.enum(INTACCT_OBJECTS),
  intacctId: z.string(),
  recordNo: z.string(),
  psaId: z.string().nullable(),
  outcome: z.enum(RECORD_OUTCOMES),
  changes: z.array(z.strictObject({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  warnings: z.array(z.string()),
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});

export const RunAccepted = z.strictObject({ runId: z.string() });

const importState = z.enum(['not_imported', 'imported']);

export const CustomerChoice = z.strictObject({
  customerId: z.string(),
  recordNo: z.string(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  status: intacctStatus,
  entityId,
  entityName,
  import: z.strictObject({
    state: importState,
    clientId: z.string().optional(),
    possibleMatch: z.strictObject({ clientId: z.string(), name: z.string() }).optional(),
  }),
});

export const EmployeeChoice = z.strictObject({
  employeeId: z.string(),
  recordNo: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  title: z.string(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  startDate: z.string().nullable(),
  status: intacctStatus,
  entityId,
  entityName,
  import: z.strictObject({ state: importState, userId: z.string().optional() }),
});

/** A page of `item`, as every list answers. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** Named schemas: the OpenAPI document lists them under components and refers to them. */
export const COMPONENT_SCHEMAS = {
  Error: ErrorBody,
  IntacctConnection,
  Client,
  User,
  Department,
  PermissionProfile: PermissionProfileItem,
  Run,
  RunRecord,
  RunAccepted,
  CustomerChoice,
  EmployeeChoice,
} as const;

export type ClientJson = z.output<typeof Client>;
export type UserJson = z.output<typeof User>;
export type DepartmentJson = z.output<typeof Department>;
export type RunJson = z.output<typeof Run>;
export type RunRecordJson = z.output<typeof RunRecord>;
export type ConnectionJson = z.output<typeof IntacctConnection>;
export type ErrorJson = z.output<typeof ErrorBody>;
