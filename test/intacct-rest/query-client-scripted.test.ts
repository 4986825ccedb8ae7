/** The REST gateway against a scripted HTTP server: answers the emulator never gives (403, odd shapes, oversize, redirects). */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntacctFailure } from '#domain/errors';
import { RestGatewaySourceFactory } from '#intacct-rest/source';

interface Scripted {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

const answers: Scripted[] = [];
const requests: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
let server: Server;
let factory: RestGatewaySourceFactory;

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Scripted => ({
  status,
  body: JSON.stringify(value),
  headers: { 'Content-Type': 'application/json', ...headers },
});
const restError = (status: number, code: string, errorId: string, message: string): Scripted =>
  json(status, { 'ia::result': { 'ia::error': { code, message, errorId } }, 'ia::meta': { totalCount: 1, totalSuccess: 0, totalError: 1 } });
const page = (records: unknown[], totalCount = records.length): Scripted =>
  json(200, { 'ia::result': records, 'ia::meta': { totalCount, start: 1, pageSize: 2000, next: null, previous: null } });

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const answer = answers.shift() ?? { status: 500, body: 'no answer scripted' };
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  factory = new RestGatewaySourceFactory({
    restBaseUrl: `http://127.0.0.1:${port}/ia/api/v1`,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    maxResponseBytes: 4_096,
  });
});
beforeEach(() => {
  answers.length = 0;
  requests.length = 0;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

const source = (entityId?: string) =>
  factory.forConnection({ companyId: 'SCRIPTED', ...(entityId ? { entityId } : {}), tokens: { accessToken: async () => 'token-abc' } });

async function failureOf(work: Promise<unknown>): Promise<IntacctFailure> {
  try {
    await work;
  } catch (error) {
    if (error instanceof IntacctFailure) return error;
    throw error;
  }
  throw new Error('expected an IntacctFailure');
}

describe('the REST query client', () => {
  it('sends the Bearer token, the query, and the entity header only for an entity connection', async () => {
    // A search asks once per search field (name, id), then the entity connection verifies.
    answers.push(page([{ key: '1', id: 'C-1' }]), page([]), page([]));

    await source().browseCustomers({ search: 'ac', limit: 5 });
    await source('E100').verifyCredentials();

    expect(requests[0]?.headers.authorization).toBe('Bearer token-abc');
    expect(requests[0]?.headers['x-ia-api-param-entity']).toBeUndefined();
    expect(requests[0]?.body).toMatchObject({
      object: 'accounts-receivable/customer',
      filters: [{ $contains: { name: 'ac' } }],
      filterParameters: { caseSensitiveComparison: false, includePrivate: true },
      orderBy: [{ key: 'asc' }],
      start: 1,
      size: 5,
    });
    expect(requests[1]?.body.filters).toEqual([{ $contains: { id: 'ac' } }]);
    expect(requests.at(-1)?.headers['x-ia-api-param-entity']).toBe('E100');
    expect(requests.at(-1)?.body.filterParameters).toBeUndefined();
  });

  it.each([
    ['a 403 in JSON', restError(403, 'forbidden', 'REST-3001', 'No permission for customers'), 'intacct_permission_denied'],
    ['a 400 refusing the query', restError(400, 'invalidRequest', 'REST-1043', 'name is not a valid field'), 'intacct_query_failed'],
    ['a 404', restError(404, 'notFound', 'REST-1004', 'No resource'), 'intacct_protocol_error'],
    ['a redirect', { status: 307, body: '', headers: { Location: 'http://example.com/' } }, 'intacct_protocol_error'],
    [
      'a result that is not a list',
      json(200, { 'ia::result': { key: '1' }, 'ia::meta': { totalCount: 1, start: 1, pageSize: 1 } }),
      'intacct_protocol_error',
    ],
    ['a meta without totalCount', json(200, { 'ia::result': [], 'ia::meta': { start: 1 } }), 'intacct_protocol_error'],
    ['a record key that is a number', page([{ key: 1 }]), 'intacct_protocol_error'],
    ['an answer over the size cap', page([{ key: '1', name: 'x'.repeat(5_000) }]), 'intacct_protocol_error'],
  ])('answers %s with its failure code, not retried', async (_name, answer, code) => {
    answers.push(answer);

    const failure = await failureOf(source().browseCustomers({ limit: 2 }));

    expect(failure.code).toBe(code);
    expect(requests).toHaveLength(1);
    expect(failure.message).not.toContain('token-abc');
  });

  it('keeps Intacct’s error id and text on a refused query', async () => {
    answers.push(restError(400, 'invalidRequest', 'REST-1043', 'name is not a valid field'));

    const failure = await failureOf(source().verifyCredentials());

    expect(failure.errorno).toBe('REST-1043');
    expect(failure.message).toContain('name is not a valid field');
  });

  it('refuses more records than the page asked for', async () => {
    answers.push(page([{ key: '1' }, { key: '2' }, { key: '3' }]));

    expect((await failureOf(source().browseCustomers({ limit: 2 }))).code).toBe('intacct_protocol_error');
  });
});
