/**
 * functions/api.ts wired from the environment: the same handler the HTTP tests build, here with
 * the real Lambda launcher (asynchronous Invoke over HTTP) and the encrypted secrets file.
 */

import { readFile } from 'node:fs/promises';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvent, claimsOf } from '../http/support/api-client';
import { type FunctionEnvironment, startFunctionEnvironment } from './support/function-environment';

let fn: FunctionEnvironment;
let handler: (event: unknown, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const context = { awsRequestId: 'api-request' } as Context;

beforeAll(async () => {
  fn = await startFunctionEnvironment([{ customers: 2 }, {}]);
  ({ handler } = (await import('../../functions/api')) as unknown as { handler: typeof handler });
});
afterAll(async () => fn.close());

describe('the api function', () => {
  it('queues a client import and starts the client-import function asynchronously', async () => {
    const result = await handler(
      apiEvent({ method: 'POST', path: '/clients/import', body: { all: true }, claims: claimsOf(fn.tenants[0]!) }),
      context,
    );

    expect(result.statusCode).toBe(202);
    const { runId } = JSON.parse(result.body!);
    expect(fn.aws.invokes).toEqual([{ functionName: 'client-import', invocationType: 'Event', payload: { tenantId: fn.tenants[0], runId } }]);
  });

  it('starts tenant-sync with the queued run for sync now', async () => {
    const result = await handler(apiEvent({ method: 'POST', path: '/users/sync', claims: claimsOf(fn.tenants[1]!) }), context);

    expect(result.statusCode).toBe(202);
    expect(fn.aws.invokes.at(-1)).toEqual({
      functionName: 'tenant-sync',
      invocationType: 'Event',
      payload: { tenantId: fn.tenants[1], scope: 'users', runId: JSON.parse(result.body!).runId },
    });
  });

  it('keeps a connected tenant’s password only in the encrypted secrets file', async () => {
    const company = fn.emulator.companies[1]!;
    const claims = claimsOf('fn-tenant-new');

    const result = await handler(
      apiEvent({
        method: 'PUT',
        path: '/integrations/intacct',
        body: { companyId: company.companyId, userId: company.userId, password: company.userPassword },
        claims,
      }),
      context,
    );

    expect(result.statusCode).toBe(200);
    expect(result.body).not.toContain(company.userPassword);
    expect(await readFile(fn.env.LOCAL_SECRETS_FILE!, 'utf8')).not.toContain(company.userPassword);
    expect(await fn.deps.secrets.get('intacct/fn-tenant-new/user-password')).toBe(company.userPassword);
  });
});
