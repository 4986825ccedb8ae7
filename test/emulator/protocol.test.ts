import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../local/emulator/index';
import { startEmulator } from '../../local/emulator/index';
import { TestGateway, parseAnswer, postXml, queryXml, requestXml } from './gateway-client';

const SESSION_TTL_MS = 60_000;
const customerIds = queryXml({ object: 'CUSTOMER', fields: ['RECORDNO', 'NAME'], pagesize: 5 });

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
    const sender = { senderId: credentials.senderId === 'placeholder' ? emulator.senderId : credentials.senderId, senderPassword: credentials.senderPassword };

    const answer = await postXml(emulator.endpointUrl, requestXml(sender, gateway.login, [{ xml: customerIds }]));

    const response = parseAnswer(answer.text).response;
    expect(response.control.status).toBe('failure');
    expect(response.errormessage.error[0].errorno).toBe('XL03000006');
    expect(response.operation).toBeUndefined();
  });

  it.each([
    ['password', { userId: 'ws_alpha', companyId: 'ALPHA', password: 'nope' }],
    ['user', { userId: 'someone', companyId: 'ALPHA', password: 'alpha-secret' }],
    ['company', { userId: 'ws_alpha', companyId: 'GAMMA', password: 'alpha-secret' }],
    ['company of another user', { userId: 'ws_alpha', companyId: 'BETA', password: 'alpha-secret' }],
  ])('fails authentication with XL03000006 on a wrong %s, echoing the login', async (_label, login) => {
    const answer = await gateway.post([{ xml: customerIds }], { login });

    const operation = parseAnswer(answer.text).response.operation;
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

  it('accepts a company id in any letter case, and an optional locationid it echoes', async () => {
    const login = { userId: 'WS_ALPHA', companyId: 'alpha', password: 'alpha-secret', locationId: 'US-EAST' };

    const answer = parseAnswer((await gateway.post([{ xml: '<getAPISession/>' }], { login })).text);

    expect(answer.response.operation.authentication.status).toBe('success');
    expect(answer.response.operation.authentication.locationid).toBe('US-EAST');
    expect(answer.response.operation.result[0].data.api.locationid).toBe('US-EAST');
  });

  it('answers each function with its own result, echoing function name and controlid', async () => {
    const results = await gateway.results([
      { controlId: 'first-call', xml: '<getAPISession/>' },
      { controlId: 'second & "call"', xml: customerIds },
      { controlId: 'third-call', xml: '<frobnicate/>' },
    ]);

    expect(results.map((result) => [result.function, result.controlid, result.status])).toEqual([
      ['getAPISession', 'first-call', 'success'],
      ['query', 'second & "call"', 'success'],
      ['frobnicate', 'third-call', 'failure'],
    ]);
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
