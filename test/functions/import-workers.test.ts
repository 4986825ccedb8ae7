/** functions/client-import.ts and user-import.ts: run the queued import the API handed them. */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Run } from '#http/schemas';
import { queueClientImport } from '#use-cases/import-clients';
import { queueUserImport } from '#use-cases/import-users';
import { type FunctionEnvironment, startFunctionEnvironment } from './support/function-environment';

type Handler = (event: unknown, context: Context) => Promise<unknown>;
const CUSTOMERS = 5;
let fn: FunctionEnvironment;
let tenant: string;
let clientImport: Handler;
let userImport: Handler;
const context = { awsRequestId: 'import-request', getRemainingTimeInMillis: () => 900_000 } as Context;

beforeAll(async () => {
  fn = await startFunctionEnvironment([{ customers: CUSTOMERS, employees: 3, departments: 2 }]);
  tenant = fn.tenants[0]!;
  clientImport = (await import('../../functions/client-import')).handler as Handler;
  userImport = (await import('../../functions/user-import')).handler as Handler;
});
afterAll(async () => fn.close());

describe('client-import', () => {
  it('runs the queued import and answers the run JSON', async () => {
    const queued = await queueClientImport(fn.deps, tenant, { all: true }, 'api');

    const answer = Run.parse(await clientImport({ tenantId: tenant, runId: queued.id }, context));

    expect(answer).toMatchObject({ id: queued.id, type: 'client_import', status: 'succeeded', counts: { created: CUSTOMERS } });
    expect(fn.aws.events.filter((entry) => entry.DetailType === 'ClientImported')).toHaveLength(CUSTOMERS);
  });

  it('refuses an event without a run id', async () => {
    await expect(clientImport({ tenantId: tenant }, context)).rejects.toThrow(/Invalid client import event \(runId: /);
  });
});

describe('user-import', () => {
  it('runs the queued import with its profile and department choice', async () => {
    const source = fn.deps.intacct.forLogin({ ...fn.emulator.companies[0]! });
    const employeeIds: string[] = [];
    for await (const page of source.listEmployees()) employeeIds.push(...page.records.map((record) => record.EMPLOYEEID ?? ''));
    const queued = await queueUserImport(fn.deps, tenant, { employeeIds, permissionProfile: 'collaborator', assignDepartments: true }, 'api');

    const answer = Run.parse(await userImport({ tenantId: tenant, runId: queued.id }, context));

    expect(answer).toMatchObject({ type: 'user_import', status: 'succeeded' });
    const users = await fn.deps.users.list(tenant, { limit: 10 });
    expect(users.items).toHaveLength(employeeIds.length);
    expect(users.items.every((user) => user.permissionProfile === 'collaborator' && user.integrations.intacct?.assignDepartment)).toBe(true);
  });

  it('answers a client import run id as not found', async () => {
    const queued = await queueClientImport(fn.deps, tenant, { all: true }, 'api');

    await expect(userImport({ tenantId: tenant, runId: queued.id }, context)).rejects.toThrow(/No such user import run/);
  });
});
