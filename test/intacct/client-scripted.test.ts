import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { IntacctClient, type IntacctClientOptions } from '#intacct/client';
import { IntacctAuthenticationError, IntacctProtocolError, IntacctTransientError } from '#intacct/errors';
import { collect, failureOf } from '../support/async';
import {
  authenticationFailureAnswer,
  listAnswer,
  type ScriptedAnswer,
  type ScriptedGateway,
  sessionAnswer,
  startScriptedGateway,
} from './support/scripted-gateway';

const SENDER_PASSWORD = 'sender-Pa55-word';
const USER_PASSWORD = 'user-Pa55-word';
const SESSION_ID = 'session-ID-4f2a9c';

let gateway: ScriptedGateway | undefined;

afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function clientFor(script: ScriptedAnswer[], options: Partial<IntacctClientOptions> = {}) {
  gateway = await startScriptedGateway(script);
  const calls: { function: string; attempt: number }[] = [];
  const client = new IntacctClient({
    endpointUrl: gateway.endpointUrl,
    credentials: {
      senderId: 'psaVendor',
      senderPassword: SENDER_PASSWORD,
      companyId: 'LAKESIDE-DEMO',
      userId: 'api_sync',
      userPassword: USER_PASSWORD,
    },
    retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
    onRequest: (info) => calls.push(info),
    ...options,
  });
  return { client, calls, gateway };
}

const CUSTOMER_QUERY = { object: 'CUSTOMER', fields: ['RECORDNO', 'NAME'], orderBy: [{ field: 'RECORDNO' }] };

describe('IntacctClient against a scripted gateway', () => {
  it('treats HTTP 401 as a final authentication error after one request', async () => {
    const { client, gateway: server } = await clientFor([{ status: 401, body: 'Unauthorized', contentType: 'text/plain' }]);

    const error = await failureOf(client.verifyCredentials());

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(error).toMatchObject({ httpStatus: 401, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a Cloudflare 524 HTML page, an empty body and a reset connection', async () => {
    const cloudflarePage =
      '<!DOCTYPE html>\n<html lang="en-US"><head><title>524: A timeout occurred</title></head><body>Error code 524</body></html>';
    const {
      client,
      calls,
      gateway: server,
    } = await clientFor([
      { status: 524, body: cloudflarePage, contentType: 'text/html' },
      { status: 200, body: '' },
      { reset: true },
      sessionAnswer(SESSION_ID),
    ]);

    await client.verifyCredentials();

    expect(server.requests).toHaveLength(4);
    expect(calls).toEqual([1, 2, 3, 4].map((attempt) => ({ function: 'getAPISession', attempt })));
  });

  it('gives up with the transient error once maxAttempts is used', async () => {
    const outage = { status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' };
    const { client, gateway: server } = await clientFor([outage, outage, outage, outage]);

    const error = await failureOf(client.verifyCredentials());

    expect(error).toBeInstanceOf(IntacctTransientError);
    expect(server.requests).toHaveLength(4);
  });

  it('refuses an answer over maxResponseBytes without retrying', async () => {
    const { client, gateway: server } = await clientFor([sessionAnswer(SESSION_ID)], { maxResponseBytes: 100 });

    const error = await failureOf(client.verifyCredentials());

    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(server.requests).toHaveLength(1);
  });

  it('never lets a password or session id escape in an error, even when the server echoes them', async () => {
    const { client, gateway: server } = await clientFor([
      sessionAnswer(SESSION_ID),
      authenticationFailureAnswer(`session ${SESSION_ID}`),
      sessionAnswer('second-session'),
      authenticationFailureAnswer(`echo ${SESSION_ID} second-session ${SENDER_PASSWORD} ${USER_PASSWORD}`),
    ]);

    const error = await failureOf(collect(client.query(CUSTOMER_QUERY)));

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(server.requests[1]).toContain(SESSION_ID);
    const everythingVisible = `${String(error)} ${inspect(error, { depth: 5 })} ${JSON.stringify(error)}`;
    expect(everythingVisible).toContain('echo');
    for (const secret of [SENDER_PASSWORD, USER_PASSWORD, SESSION_ID, 'second-session']) {
      expect(everythingVisible).not.toContain(secret);
    }
  });

  it('renews an expired session once and repeats the call', async () => {
    const {
      client,
      calls,
      gateway: server,
    } = await clientFor([
      sessionAnswer('first-session'),
      authenticationFailureAnswer(),
      sessionAnswer('second-session'),
      listAnswer('query', ['Only One'], { totalcount: 1, offset: 0, numremaining: 0 }),
    ]);

    const pages = await collect(client.query(CUSTOMER_QUERY));

    expect(pages.flatMap((page) => page.records.map((record) => record.NAME))).toEqual(['Only One']);
    expect(calls.map((call) => call.function)).toEqual(['getAPISession', 'query', 'getAPISession', 'query']);
    expect(server.requests[3]).toContain('<sessionid>second-session</sessionid>');
  });

  it('stops when the renewed session fails authentication too', async () => {
    const { client, gateway: server } = await clientFor([
      sessionAnswer('first-session'),
      authenticationFailureAnswer(),
      sessionAnswer('second-session'),
      authenticationFailureAnswer(),
    ]);

    const error = await failureOf(collect(client.query(CUSTOMER_QUERY)));

    expect(error).toBeInstanceOf(IntacctAuthenticationError);
    expect(server.requests).toHaveLength(4);
  });

  it('keeps talking to the configured endpoint when getAPISession names a foreign one', async () => {
    const { client, gateway: server } = await clientFor([
      sessionAnswer(SESSION_ID, 'https://api.intacct.com/ia/xml/xmlgw.phtml'),
      listAnswer('query', [], { totalcount: 0, offset: 0, numremaining: 0 }),
    ]);

    await collect(client.query(CUSTOMER_QUERY));

    expect(server.requests).toHaveLength(2);
  });

  it('pages query by offset until numremaining is 0', async () => {
    const { client, gateway: server } = await clientFor([
      sessionAnswer(SESSION_ID),
      listAnswer('query', ['A', 'B'], { totalcount: 3, offset: 0, numremaining: 1 }),
      listAnswer('query', ['C'], { totalcount: 3, offset: 2, numremaining: 0 }),
    ]);

    const pages = await collect(client.query({ ...CUSTOMER_QUERY, pageSize: 2 }));

    expect(pages.map((page) => [page.offset, page.records.length, page.numRemaining])).toEqual([
      [0, 2, 1],
      [2, 1, 0],
    ]);
    expect(server.requests[1]).toContain('<pagesize>2</pagesize><offset>0</offset>');
    expect(server.requests[2]).toContain('<pagesize>2</pagesize><offset>2</offset>');
  });
});

/** A server that only counts what reaches it: where a followed redirect would send the request. */
async function startElsewhere(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = createServer((request, response) => {
    received += 1;
    request.resume();
    response.end('<response/>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/steal`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('IntacctClient refuses what a hostile gateway answers', () => {
  it.each([301, 302, 303, 307, 308])('refuses an HTTP %i redirect without following it or retrying', async (status) => {
    const elsewhere = await startElsewhere();
    try {
      const { client, gateway: server } = await clientFor([{ status, body: '', headers: { Location: elsewhere.url } }]);

      const error = await failureOf(client.verifyCredentials());

      expect(error).toBeInstanceOf(IntacctProtocolError);
      expect(error).toMatchObject({ httpStatus: status, retryable: false });
      expect(String(error)).toContain('redirect');
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.received()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses a query page with more records than the page size asked for, without retrying', async () => {
    const { client, gateway: server } = await clientFor([
      sessionAnswer(SESSION_ID),
      listAnswer('query', ['A', 'B', 'C'], { totalcount: 3, numremaining: 0 }),
    ]);

    const error = await failureOf(collect(client.query({ ...CUSTOMER_QUERY, pageSize: 2 })));

    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(String(error)).toContain('more than the 2 records asked for');
    expect(server.requests).toHaveLength(2);
  });

  it('refuses 300,000 records answered to a page of 2 before parsing them', async () => {
    const names = Array.from({ length: 300_000 }, (_, index) => `C-${index}`);
    const { client } = await clientFor([sessionAnswer(SESSION_ID), listAnswer('query', names, { totalcount: names.length, numremaining: 0 })]);

    const error = await failureOf(collect(client.query({ ...CUSTOMER_QUERY, pageSize: 2 })));

    // Over what two records could take, so the body is cut off while it is read.
    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(String(error)).toContain('byte limit');
  });

  it('refuses a dense answer under the byte limit by counting its records before parsing', async () => {
    const names = Array.from({ length: 2_001 }, (_, index) => `C${index}`);
    const { client } = await clientFor([sessionAnswer(SESSION_ID), listAnswer('query', names, { totalcount: names.length, numremaining: 0 })]);

    const error = await failureOf(collect(client.query(CUSTOMER_QUERY)));

    expect(error).toBeInstanceOf(IntacctProtocolError);
    expect(String(error)).toContain('more than the 2000 records asked for');
  });
});
