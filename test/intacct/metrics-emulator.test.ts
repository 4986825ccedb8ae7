/**
 * The connector's metrics against the emulator over HTTP: each request sent (IntacctRequests),
 * each retry (IntacctRetries), each rate-limit answer (IntacctThrottled) and each failed request by
 * its error kind (IntacctErrors), from the emulator's production-shaped faults.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmfTelemetry } from '#adapters/emf-telemetry';
import { XmlGatewaySourceFactory } from '#intacct/source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { type EmfDocument, emfDocuments, metricTotal } from '../support/emf';

const COMPANY = { companyId: 'METERED-CO', userId: 'reader', userPassword: 'metered-pass' };
const MAX_ATTEMPTS = 3;

let emulator: RunningEmulator;
const lines: string[] = [];
const telemetry = new EmfTelemetry({ write: (line) => lines.push(line) });
let factory: XmlGatewaySourceFactory;

/** The metrics of what happened since the last call. */
function flushed(): EmfDocument[] {
  lines.length = 0;
  telemetry.flush();
  return emfDocuments(lines);
}

beforeAll(async () => {
  emulator = await startEmulator({ companies: [{ ...COMPANY, customers: 10, seed: 9 }] });
  factory = new XmlGatewaySourceFactory({
    endpointUrl: emulator.endpointUrl,
    senderId: emulator.senderId,
    senderPassword: emulator.senderPassword,
    retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 },
    telemetry,
  });
  // The session is opened here, so each test counts its own listing's requests alone.
  await factory.forLogin(COMPANY).verifyCredentials();
}, 60_000);
afterEach(() => emulator.clearFaults());
afterAll(async () => emulator.close());

describe('Intacct metrics', () => {
  it('counts a request that succeeds as one request, with no retry or error', async () => {
    flushed();

    await factory.forLogin(COMPANY).browseCustomers({ limit: 5 });

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctRequests')).toBe(1);
    expect(metricTotal(documents, 'IntacctRetries')).toBe(0);
    expect(metricTotal(documents, 'IntacctErrors')).toBe(0);
  });

  it('counts two HTTP 429 answers as throttled rate_limit errors, each retried, and the three requests sent', async () => {
    flushed();
    emulator.setFaults({ failNext: [{ kind: 'http429', count: 2, retryAfterSeconds: 1 }] });

    await factory.forLogin(COMPANY).browseCustomers({ limit: 5 });

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctRequests')).toBe(3);
    expect(metricTotal(documents, 'IntacctRetries')).toBe(2);
    expect(metricTotal(documents, 'IntacctThrottled')).toBe(2);
    expect(metricTotal(documents, 'IntacctErrors')).toBe(2);
    expect(metricTotal(documents, 'IntacctErrors', { errorKind: 'rate_limit' })).toBe(2);
  });

  it('counts an outage that outlasts the attempts as transient errors, retried all but the last time, never as throttled', async () => {
    flushed();
    emulator.setFaults({ failNext: [{ kind: 'http503', count: MAX_ATTEMPTS }] });

    await expect(factory.forLogin(COMPANY).browseCustomers({ limit: 5 })).rejects.toMatchObject({ code: 'intacct_unavailable' });

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctRequests')).toBe(MAX_ATTEMPTS);
    expect(metricTotal(documents, 'IntacctRetries')).toBe(MAX_ATTEMPTS - 1);
    expect(metricTotal(documents, 'IntacctErrors', { errorKind: 'transient' })).toBe(MAX_ATTEMPTS);
    expect(metricTotal(documents, 'IntacctThrottled')).toBe(0);
  });

  it('counts a rate limit reported inside an HTTP 200 answer as throttled', async () => {
    flushed();
    emulator.setFaults({ failNext: [{ kind: 'rateLimitResult' }] });

    await factory.forLogin(COMPANY).browseCustomers({ limit: 5 });

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctThrottled')).toBe(1);
    expect(metricTotal(documents, 'IntacctErrors', { errorKind: 'rate_limit' })).toBe(1);
  });
});
