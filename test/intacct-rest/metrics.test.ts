/**
 * The REST gateway's metrics, as the XML gateway's (test/intacct/metrics-emulator.test.ts): each
 * request sent (IntacctRequests), each retry (IntacctRetries), each rate-limit answer
 * (IntacctThrottled) and each failed request by its error kind (IntacctErrors), against the
 * emulator's REST face over HTTP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmfTelemetry } from '#adapters/emf-telemetry';
import { RestGatewaySourceFactory } from '#intacct-rest/source';
import type { IntacctSource } from '#ports/intacct-source';
import { type RunningEmulator, startEmulator } from '../../local/emulator';
import { connect } from '../emulator-rest/oauth-flow';
import { type EmfDocument, emfDocuments, metricTotal } from '../support/emf';

const COMPANY = { companyId: 'METERED-REST', userId: 'reader', userPassword: 'metered-pass', customers: 10, seed: 9 };

let emulator: RunningEmulator;
let source: IntacctSource;
const lines: string[] = [];
const telemetry = new EmfTelemetry({ write: (line) => lines.push(line) });

/** The metrics of what happened since the last call. */
function flushed(): EmfDocument[] {
  lines.length = 0;
  telemetry.flush();
  return emfDocuments(lines);
}

beforeAll(async () => {
  emulator = await startEmulator({ companies: [COMPANY] });
  const { access } = await connect(emulator, { companyId: COMPANY.companyId, userId: COMPANY.userId, password: COMPANY.userPassword });
  const factory = new RestGatewaySourceFactory({
    restBaseUrl: emulator.restBaseUrl,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 2 },
    telemetry,
  });
  source = factory.forConnection({ companyId: COMPANY.companyId, tokens: { accessToken: async () => access } });
}, 60_000);
afterEach(() => emulator.clearFaults());
afterAll(async () => emulator.close());

describe('Intacct REST metrics', () => {
  it('counts a request that succeeds as one request, with no retry or error', async () => {
    flushed();

    await source.verifyCredentials();

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctRequests')).toBe(1);
    expect(metricTotal(documents, 'IntacctRetries')).toBe(0);
    expect(metricTotal(documents, 'IntacctErrors')).toBe(0);
  });

  it('counts two HTTP 429 answers as throttled rate_limit errors, each retried, and the three requests sent', async () => {
    flushed();
    emulator.setRestFaults({ failNext: [{ kind: 'http429', count: 2, retryAfterSeconds: 1 }] });

    await source.verifyCredentials();

    const documents = flushed();
    expect(metricTotal(documents, 'IntacctRequests')).toBe(3);
    expect(metricTotal(documents, 'IntacctRetries')).toBe(2);
    expect(metricTotal(documents, 'IntacctThrottled')).toBe(2);
    expect(metricTotal(documents, 'IntacctErrors', { errorKind: 'rate_limit' })).toBe(2);
  });
});
