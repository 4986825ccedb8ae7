/**
 * The JSON shapes of spec section 4, written from the spec's text and not from our zod schemas,
 * so an answer that drifts from the contract fails here even when the schemas drifted with it.
 * Each checker answers the problems it found (empty = the value fits); `expectShape` turns them
 * into one readable assertion. Objects may carry fields the spec does not list (the PSA's own,
 * such as `notes`); every field the spec lists must be there with its type.
 */
import { expect } from 'vitest';

export { label, SPEC_ROUTES, type SpecRoute } from '../support/spec-routes';

/** A checker: the problems of `value`, each prefixed by where it is. */
export type ShapeCheck = (value: unknown, at: string) => string[];

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** The five permission profiles of rule R8. */
export const PERMISSION_PROFILES = ['admin', 'controller', 'manager', 'coordinator', 'collaborator'] as const;

const preview = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 80)}…` : text;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const string: ShapeCheck = (value, at) => (typeof value === 'string' ? [] : [`${at}: expected a string, got ${preview(value)}`]);
const boolean: ShapeCheck = (value, at) => (typeof value === 'boolean' ? [] : [`${at}: expected a boolean, got ${preview(value)}`]);
const count: ShapeCheck = (value, at) =>
  Number.isInteger(value) && (value as number) >= 0 ? [] : [`${at}: expected a count (integer ≥ 0), got ${preview(value)}`];
const instant: ShapeCheck = (value, at) =>
  typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value))
    ? []
    : [`${at}: expected an ISO 8601 timestamp, got ${preview(value)}`];
const isoDate: ShapeCheck = (value, at) =>
  typeof value === 'string' && ISO_DATE.test(value) ? [] : [`${at}: expected an ISO date YYYY-MM-DD, got ${preview(value)}`];
const snakeCase: ShapeCheck = (value, at) =>
  typeof value === 'string' && SNAKE_CASE.test(value) ? [] : [`${at}: expected a snake_case code, got ${preview(value)}`];

/** One of the listed literals. */
function oneOf(...allowed: readonly (string | boolean)[]): ShapeCheck {
  return (value, at) => (allowed.includes(value as string) ? [] : [`${at}: expected one of ${allowed.join('|')}, got ${preview(value)}`]);
}

function nullable(inner: ShapeCheck): ShapeCheck {
  return (value, at) => (value === null ? [] : inner(value, at));
}

function arrayOf(item: ShapeCheck): ShapeCheck {
  return (value, at) =>
    Array.isArray(value) ? value.flatMap((entry, index) => item(entry, `${at}[${index}]`)) : [`${at}: expected an array, got ${preview(value)}`];
}

/** Any JSON value at all (the spec names the field but not its type). */
const anything: ShapeCheck = () => [];

/** An object with `required` fields, and `optional` ones that may be absent but never null-typed wrongly. */
function object(required: Record<string, ShapeCheck>, optional: Record<string, ShapeCheck> = {}): ShapeCheck {
  return (value, at) => {
    if (!isRecord(value)) return [`${at}: expected an object, got ${preview(value)}`];
    const problems: string[] = [];
    for (const [name, check] of Object.entries(required)) {
      if (!(name in value)) problems.push(`${at}.${name}: missing`);
      else problems.push(...check(value[name], `${at}.${name}`));
    }
    for (const [name, check] of Object.entries(optional)) {
      if (name in value) problems.push(...check(value[name], `${at}.${name}`));
    }
    return problems;
  };
}

/** Refuses any field whose name says it holds a password or secret, anywhere inside (I8). */
const withoutSecrets =
  (inner: ShapeCheck): ShapeCheck =>
  (value, at) => {
    const leaks: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) for (const [index, entry] of node.entries()) visit(entry, `${where}[${index}]`);
      else if (isRecord(node)) {
        for (const [name, inside] of Object.entries(node)) {
          if (/password|secret/i.test(name)) leaks.push(`${where}.${name}: a secret field must never be answered`);
          visit(inside, `${where}.${name}`);
        }
      }
    };
    visit(value, at);
    return [...inner(value, at), ...leaks];
  };

const intacctStatus = oneOf('active', 'inactive');
const linkStatus = oneOf('linked', 'unlinked');

/** `GET /integrations/intacct`: `{ connected, companyId, entityId, gateway, lastSync: {clients, users} }`, never the password. */
export const connectionStatus = withoutSecrets(
  object({
    connected: boolean,
    companyId: nullable(string),
    entityId: nullable(string),
    gateway: nullable(oneOf('xml', 'rest')),
    lastSync: object({ clients: nullable(instant), users: nullable(instant) }),
  }),
);

/** Client, spec section 4. */
export const client = object({
  id: string,
  name: string,
  street: string,
  zip: string,
  city: string,
  country: string,
  countryCode: string,
  integrations: object(
    {},
    {
      intacct: object({ status: linkStatus, customerId: string, recordNo: string, intacctStatus, lastSyncedAt: nullable(instant) }),
    },
  ),
  createdAt: instant,
  updatedAt: instant,
});

/** User, spec section 4. */
export const user = object({
  id: string,
  firstName: string,
  lastName: string,
  email: string,
  jobTitle: string,
  startDate: nullable(isoDate),
  department: nullable(object({ id: string, name: string })),
  permissionProfile: oneOf(...PERMISSION_PROFILES),
  invitationStatus: oneOf('not_invited', 'invited'),
  integrations: object(
    {},
    {
      intacct: object({
        status: linkStatus,
        employeeId: string,
        recordNo: string,
        intacctStatus,
        assignDepartment: boolean,
        lastSyncedAt: nullable(instant),
      }),
    },
  ),
  createdAt: instant,
  updatedAt: instant,
});

/** The spec gives a department no shape of its own; a user's `department: {id, name}` implies at least these. */
export const department = object({ id: string, name: string });

const runError = nullable(object({ code: string, message: string }));

/** Run, spec section 4. */
export const run = object({
  id: string,
  type: oneOf('client_import', 'user_import', 'client_sync', 'user_sync'),
  trigger: oneOf('api', 'schedule', 'manual'),
  dryRun: boolean,
  status: oneOf('queued', 'running', 'succeeded', 'failed', 'needs_review'),
  startedAt: nullable(instant),
  finishedAt: nullable(instant),
  progress: object({ processed: count, total: count }),
  counts: object({ created: count, updated: count, unchanged: count, unlinked: count, skipped: count, failed: count }),
  error: runError,
});

/** Run record, spec section 4 (`error` has no shape in the spec beyond a run's `{code, message}`). */
export const runRecord = object({
  object: oneOf('customer', 'employee', 'department'),
  intacctId: string,
  recordNo: string,
  psaId: nullable(string),
  outcome: oneOf('created', 'updated', 'unchanged', 'unlinked', 'linked', 'skipped', 'failed'),
  changes: arrayOf(object({ field: string, from: anything, to: anything })),
  warnings: arrayOf(anything),
  error: runError,
});

const importState = oneOf('not_imported', 'imported');

/** An item of the customer import dialog. */
export const customerChoice = object({
  customerId: string,
  recordNo: string,
  name: string,
  city: string,
  country: string,
  status: intacctStatus,
  import: object({ state: importState }, { clientId: string, possibleMatch: object({ clientId: string, name: string }) }),
});

/** An item of the employee import dialog. */
export const employeeChoice = object({
  employeeId: string,
  recordNo: string,
  firstName: string,
  lastName: string,
  title: string,
  departmentId: nullable(string),
  departmentName: nullable(string),
  // The spec fixes ISO dates for users, not for the dialog's echo of Intacct.
  startDate: nullable(string),
  status: intacctStatus,
  import: object({ state: importState }),
});

/** `202 { runId }`. */
export const runAccepted = object({ runId: string });

/** A permission profile item: the spec names the five, not their JSON; each must name one by `id`. */
export const permissionProfile = object({ id: oneOf(...PERMISSION_PROFILES) });

/** Every list: `{ items: [...], nextCursor: string|null }`. */
export function page(item: ShapeCheck): ShapeCheck {
  return object({ items: arrayOf(item), nextCursor: nullable(string) });
}

/** `{ error: { code: "snake_case", message, details: [...] } }`. */
export const errorBody = object({ error: object({ code: snakeCase, message: string, details: arrayOf(anything) }) });

/** Fails the test with every problem `check` finds in `value`, naming `what` it was. */
export function expectShape(value: unknown, check: ShapeCheck, what = 'answer'): void {
  expect(check(value, what), `${what} does not have the spec's shape`).toEqual([]);
}

/** The fields named by a 400's details (each detail is expected to name its field as `field`). */
export function detailFields(body: unknown): string[] {
  const details = (body as { error?: { details?: unknown } } | undefined)?.error?.details;
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail) => (isRecord(detail) && typeof detail.field === 'string' ? [detail.field] : []));
}

/** True when `fields` names `field` itself or something inside it (`employeeIds` covers `employeeIds.0`). */
export function namesField(fields: readonly string[], field: string): boolean {
  return fields.some((named) => named === field || named.startsWith(`${field}.`) || named.startsWith(`${field}[`));
}
