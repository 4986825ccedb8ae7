import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { DEFAULT_SESSION_TTL_MS, startEmulator } from '../../local/emulator/index';
import { parseAnswer, postXml, queryXml, requestXml, TestGateway } from './gateway-client';

const SESSION_TTL_MS = 60_000;
const customerIds = queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'NAME'], pagesize: 5 });

describe('session lifetime by default', () => {
  it('lasts 12 hours from the last call, as recorded production answers show', async () => {
    const emulator = await startEmulator({ companies: [{ companyId: 'TTL', userId: 'u', userPassword: 'p' }] });
    try {
      const answer = parseAnswer((await new TestGateway(emulator).post([{ xml: '<getAPISession/>' }])).text);

      const { sessiontimestamp, sessiontimeout } = answer.response.operation.authentication;
      expect(Date.parse(sessiontimeout) - Date.parse(sessiontimestamp)).toBe(DEFAULT_SESSION_TTL_MS);
      expect(DEFAULT_SESSION_TTL_MS).toBe(12 * 60 * 60 * 1000);
    } finally {
      await emulator.close();
    }
  });
});

describe('gateway protocol: envelope, credentials and sessions', () => {
  let emulator: RunningEmulator;
  let gateway: TestGateway;

  beforeAll(async () => {
    emulator = await startEmulator({
      sessionTtlMs: SESSION_TTL_MS,
      companies: [
        { companyId: 'ALPHA', userId: 'ws_alpha', userPassword: 'alpha-secret', customers: 7, seed: 11 },
        { companyId: 'BETA', userId: 'ws_beta', userPassword: 'beta-secret', customers: 3, seed: 12 },
      ],
    });
    gateway = new TestGateway(emulator);
  });
  afterAll(() => emulator.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers text/xml with the XML declaration and echoes the control block', async () => {
    const answer = await gateway.post([{ xml: customerIds }]);

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/xml; encoding="UTF-8";charset=UTF-8');
    expect(answer.text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const control = parseAnswer(answer.text).response.control;
    expect(control).toEqual({ status: 'success', senderid: emulator.senderId, controlid: 'ctl-test', uniqueid: 'false', dtdversion: '3.0' });
  });

  it.each([
    ['sender id', { senderId: 'intruder', senderPassword: 'x' }],
    ['sender password', { senderId: 'placeholder', senderPassword: 'wrong' }],
  ])('fails at control level with XL03000006 on a wrong %s', async (_label, credentials) => {
    const sender = {
      senderId: credentials.senderId === 'placeholder' ? emulator.senderId : credentials.senderId,
      senderPassword: credentials.senderPassword,
    };

    const answer = await postXml(emulator.endpointUrl, requestXml(sender, gateway.login, [{ xml: customerIds }]));

    const response = parseAnswer(answer.text).response;
    expect(response.control.status).toBe('failure');
    expect(response.errormessage.error[0].errorno).toBe('XL03000006');
    expect(response.operation).toBeUndefined();
  });

  it.each([
    ['password', { userId: 'ws_alpha', companyId: 'ALPHA', password: 'nope' }],
    ['user', { userId: 'someone', companyId: 'ALPHA', password: 'alpha-secret' }],
    ['user of another company', { userId: 'ws_alpha', companyId: 'BETA', password: 'alpha-secret' }],
  ])("refuses a wrong %s with HTTP 401 and the gateway's control-level XMLGW_JPP0002", async (_label, login) => {
    const answer = await gateway.post([{ xml: customerIds }], { login });

    const response = parseAnswer(answer.text).response;
    expect(answer.status).toBe(401);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(response.control).toEqual({ status: 'failure' });
    expect(response.errormessage.error).toEqual([
      { errorno: 'XMLGW_JPP0002', description: 'Sign-in information is incorrect. Please check your request.' },
    ]);
    expect(response.operation).toBeUndefined();
  });

  it('fails authentication with XL03000006 on an unknown company, echoing the login', async () => {
    const login = { userId: 'ws_alpha', companyId: 'GAMMA', password: 'alpha-secret' };

    const answer = await gateway.post([{ xml: customerIds }], { login });

    const operation = parseAnswer(answer.text).response.operation;
    expect(answer.status).toBe(200);
    expect(operation.authentication).toEqual({ status: 'failure', userid: login.userId, companyid: login.companyId, locationid: '' });
    expect(operation.errormessage.error[0].errorno).toBe('XL03000006');
    expect(operation.result).toBeUndefined();
  });

  it('issues a session whose endpoint is the emulator and which authenticates later calls', async () => {
    const before = emulator.stats().sessionsIssued;

    const data = await gateway.data('<getAPISession/>');
    const results = await gateway.results([{ xml: customerIds }], { sessionId: data.api.sessionid });

    expect(data.api.endpoint).toBe(emulator.endpointUrl);
    expect(data.api.sessionid).toMatch(/\S{20,}/);
    expect(results[0].status).toBe('success');
    expect(emulator.stats().sessionsIssued).toBe(before + 1);
  });

  it('reports the session timestamps in ISO 8601 with an offset', async () => {
    const answer = parseAnswer((await gateway.post([{ xml: '<getAPISession/>' }])).text);

    const { sessiontimestamp, sessiontimeout } = answer.response.operation.authentication;
    expect(sessiontimestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect(Date.parse(sessiontimeout) - Date.parse(sessiontimestamp)).toBe(SESSION_TTL_MS);
  });

  it('refuses an unknown session id at the authentication level', async () => {
    const answer = await gateway.post([{ xml: customerIds }], { sessionId: 'made-up..' });

    const operation = parseAnswer(answer.text).response.operation;
    expect(operation.authentication.status).toBe('failure');
    expect(operation.errormessage.error[0].errorno).toBe('XL03000006');
  });

  it('expires a session after the TTL without use, and each use extends it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const sessionId = await gateway.sessionId();

    vi.setSystemTime(start + SESSION_TTL_MS * 0.8);
    const kept = await gateway.result(customerIds, { sessionId });
    vi.setSystemTime(start + SESSION_TTL_MS * 1.6);
    const extended = await gateway.result(customerIds, { sessionId });
    vi.setSystemTime(start + SESSION_TTL_MS * 2.7);
    const expired = await gateway.post([{ xml: customerIds }], { sessionId });

    expect(kept.status).toBe('success');
    expect(extended.status).toBe('success');
    expect(parseAnswer(expired.text).response.operation.errormessage.error[0].errorno).toBe('XL03000006');
  });

  it('reports in sessiontimeout the instant the session really expires, moved on by each use', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const issued = parseAnswer((await gateway.post([{ xml: '<getAPISession/>' }])).text).response.operation;
    const sessionId = issued.result[0].data.api.sessionid;
    const firstTimeout = Date.parse(issued.authentication.sessiontimeout);

    vi.setSystemTime(firstTimeout - 1000);
    const used = parseAnswer((await gateway.post([{ xml: customerIds }], { sessionId })).text).response.operation;
    const secondTimeout = Date.parse(used.authentication.sessiontimeout);
    vi.setSystemTime(secondTimeout - 1000);
    const stillAlive = await gateway.result(customerIds, { sessionId });
    const thirdTimeout = Date.now() + SESSION_TTL_MS;
    vi.setSystemTime(thirdTimeout);
    const expired = parseAnswer((await gateway.post([{ xml: customerIds }], { sessionId })).text).response.operation;

    expect(used.authentication.status).toBe('success');
    expect(secondTimeout).toBe(firstTimeout - 1000 + SESSION_TTL_MS);
    expect(stillAlive.status).toBe('success');
    expect(expired.authentication.status).toBe('failure');
  });

  it('expires every session on demand, programmatically and over HTTP', async () => {
    const first = await gateway.sessionId();
    emulator.expireSessions();
    const second = await gateway.sessionId();
    const expireResponse = await fetch(`${emulator.baseUrl}/__emulator/sessions/expire`, { method: 'POST' });

    for (const sessionId of [first, second]) {
      const answer = parseAnswer((await gateway.post([{ xml: customerIds }], { sessionId })).text);
      expect(answer.response.operation.authentication.status).toBe('failure');
    }
    expect(expireResponse.status).toBe(200);
  });

  it('keeps companies apart: each login sees its own records', async () => {
    const beta = new TestGateway(emulator, 1);

    const alphaData = await gateway.data(customerIds);
    const betaData = await beta.data(customerIds);

    expect(alphaData['@_totalcount']).toBe('7');
    expect(betaData['@_totalcount']).toBe('3');
  });

  it('accepts a company id and a user id in any letter case', async () => {
    const login = { userId: 'WS_ALPHA', companyId: 'alpha', password: 'alpha-secret' };

    const answer = parseAnswer((await gateway.post([{ xml: '<getAPISession/>' }], { login })).text);

    expect(answer.response.operation.authentication).toMatchObject({ status: 'success', locationid: '' });
    expect(answer.response.operation.result[0].data.api.locationid).toBe('');
  });

  it('refuses a locationid the company does not have (a plain company has none), at authentication level', async () => {
    const login = { userId: 'ws_alpha', companyId: 'ALPHA', password: 'alpha-secret', locationId: 'US-EAST' };

    const answer = await gateway.post([{ xml: '<getAPISession/>' }], { login });

    const operation = parseAnswer(answer.text).response.operation;
    expect(answer.status).toBe(200);
    expect(operation.authentication).toMatchObject({ status: 'failure', locationid: 'US-EAST' });
    expect(operation.errormessage.error[0]).toMatchObject({ errorno: 'XL03000006', description: 'Invalid location' });
    expect(operation.errormessage.error[0].description2).toMatch(/US-EAST/);
  });

  it('answers each function with its own result, echoing function name and controlid', async () => {
    const results = await gateway.results([
      { controlId: 'first-call', xml: '<getAPISession/>' },
      { controlId: 'second & "call"', xml: customerIds },
      { controlId: 'third-call', xml: '<readMore><resultId>no-such-result</resultId></readMore>' },
    ]);

    expect(results.map((result) => [result.function, result.controlid, result.status])).toEqual([
      ['getAPISession', 'first-call', 'success'],
      ['query', 'second & "call"', 'success'],
      ['readMore', 'third-call', 'failure'],
    ]);
  });

  it('fails the whole request at control level with XL03000003 when a function is unknown, as a schema check does', async () => {
    const answer = await gateway.post([{ xml: customerIds }, { xml: '<frobnicate/>' }]);

    const response = parseAnswer(answer.text).response;
    expect(answer.status).toBe(200);
    expect(response.control).toMatchObject({ status: 'failure', controlid: 'ctl-test' });
    expect(response.errormessage.error[0].errorno).toBe('XL03000003');
    expect(response.errormessage.error[0].description2).toMatch(/frobnicate/);
    expect(response.operation).toBeUndefined();
  });

  it.each([
    ['unparsable XML', '<request><control><senderid>x</control></request>'],
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE request [<!ENTITY a "b">]><request><control/></request>'],
    ['no request element', '<hello/>'],
  ])('fails at control level with XL03000003 on %s', async (_label, body) => {
    const answer = await postXml(emulator.endpointUrl, body);

    const response = parseAnswer(answer.text).response;
    expect(response.control.status).toBe('failure');
    expect(response.errormessage.error[0].errorno).toBe('XL03000003');
  });

  it('decodes character references in requests', async () => {
    const login = { userId: 'ws_alpha', companyId: 'ALPHA', password: 'alpha-secret' };
    const body = requestXml(emulator, { login }, [{ xml: customerIds }]).replace('ws_alpha', 'ws_&#97;lph&#x61;');

    const answer = parseAnswer((await postXml(emulator.endpointUrl, body)).text);

    expect(body).toContain('&#97;');
    expect(answer.response.operation.authentication).toMatchObject({ status: 'success', userid: 'ws_alpha' });
  });
});
