/** The HTTP status of each Intacct failure: 504 when Intacct did not answer in time, 502 for the rest. */
import { describe, expect, it } from 'vitest';
import { IntacctFailure, type IntacctFailureCode } from '#domain/errors';
import { mapError } from '#http/error-mapping';

const BAD_GATEWAY_CODES: IntacctFailureCode[] = [
  'intacct_auth_failed',
  'intacct_permission_denied',
  'intacct_rate_limited',
  'intacct_unavailable',
  'intacct_protocol_error',
  'intacct_query_failed',
];

describe('mapError for IntacctFailure', () => {
  it('answers 504 intacct_timeout with the message for a person', () => {
    const mapped = mapError(new IntacctFailure('intacct_timeout', 'Sage Intacct did not answer in time; try again shortly.'));

    expect(mapped).toEqual({
      status: 504,
      body: { error: { code: 'intacct_timeout', message: 'Sage Intacct did not answer in time; try again shortly.', details: [] } },
      unexpected: false,
    });
  });

  it.each(BAD_GATEWAY_CODES)('answers 502 for %s', (code) => {
    const mapped = mapError(new IntacctFailure(code, 'Sage Intacct failed.', 'XL03000006'));

    expect(mapped.status).toBe(502);
    expect(mapped.body.error.code).toBe(code);
    expect(mapped.unexpected).toBe(false);
  });
});
