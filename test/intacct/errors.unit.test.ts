import { describe, expect, it } from 'vitest';
import {
  capIntacctText,
  errorFromHttpStatus,
  errorFromIntacctStatus,
  type HttpFailureBody,
  IntacctAuthenticationError,
  IntacctError,
  IntacctPermissionError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctRateLimitError,
  type IntacctStatusLevel,
  IntacctTransientError,
  MAX_INTACCT_TEXT_BYTES,
  redactSecrets,
} from '#intacct/errors';

/** Any error class, as toBeInstanceOf takes it. */
type ErrorClass = abstract new (...args: never[]) => Error;

function entry(errorno: string) {
  return { errorno, description: '', description2: `${errorno} happened [Support ID: abc]`, correction: 'fix it' };
}

describe('errorFromIntacctStatus', () => {
  it.each<[IntacctStatusLevel, string, ErrorClass, boolean]>([
    ['control', 'XL03000006', IntacctAuthenticationError, false],
    ['authentication', 'XL03000006', IntacctAuthenticationError, false],
    ['authentication', 'PL04000055', IntacctAuthenticationError, false],
    ['authentication', 'SOMETHING-NEW', IntacctAuthenticationError, false],
    ['result', 'PL04000005', IntacctPermissionError, false],
    ['control', 'GW-0010', IntacctRateLimitError, true],
    ['control', 'XL03000003', IntacctProtocolError, false],
    ['control', 'GW-0011', IntacctProtocolError, false],
    ['control', 'SOMETHING-NEW', IntacctProtocolError, false],
    ['result', 'XL03000009', IntacctQueryError, true],
    ['result', 'BL34000061', IntacctQueryError, false],
  ])('%s-level %s -> %o (retryable %s)', (level, errorno, type, retryable) => {
    const error = errorFromIntacctStatus(level, [entry(errorno)]);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ errorno, retryable, description2: `${errorno} happened [Support ID: abc]`, correction: 'fix it' });
  });

  it('still gives a typed error when Intacct sent no error entries', () => {
    expect(errorFromIntacctStatus('result', [])).toBeInstanceOf(IntacctQueryError);
  });
});

describe('errorFromHttpStatus', () => {
  it.each<[number, ErrorClass, boolean]>([
    [401, IntacctAuthenticationError, false],
    [429, IntacctRateLimitError, true],
    [500, IntacctTransientError, true],
    [502, IntacctTransientError, true],
    [503, IntacctTransientError, true],
    [524, IntacctTransientError, true],
    [400, IntacctProtocolError, false],
  ])('HTTP %i -> %o (retryable %s)', (status, type, retryable) => {
    const error = errorFromHttpStatus(status);

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ httpStatus: status, retryable });
  });
});

describe('redactSecrets', () => {
  it('removes secrets from message, description2 and correction', () => {
    const error = new IntacctQueryError('failed for session S3CR3T', { description2: 'pw hunter2', correction: 'S3CR3T again' });

    redactSecrets(error, ['S3CR3T', 'hunter2', '']);

    const visible = JSON.stringify({ ...error, message: error.message });
    expect(visible).not.toContain('S3CR3T');
    expect(visible).not.toContain('hunter2');
    expect(error.message).toBe('failed for session [redacted]');
  });

  it('keeps the error a typed IntacctError', () => {
    expect(redactSecrets(new IntacctTransientError('x'), ['y'])).toBeInstanceOf(IntacctError);
  });
});

describe('errorFromIntacctStatus for the shapes beyond errorno', () => {
  const only = (fields: Partial<{ errorno: string; description: string; description2: string; correction: string }>) => ({
    errorno: '',
    description: '',
    description2: '',
    correction: '',
    ...fields,
  });

  it.each<[string, IntacctStatusLevel, ReturnType<typeof only>, ErrorClass, boolean]>([
    [
      'control-level invalidRequest (a wrong company id)',
      'control',
      only({ errorno: 'invalidRequest', description: 'Invalid Request' }),
      IntacctAuthenticationError,
      false,
    ],
    ['result-level invalidRequest', 'result', only({ errorno: 'invalidRequest', description: 'Invalid Request' }), IntacctQueryError, false],
    [
      'control-level XMLGW_JPP0002',
      'control',
      only({ errorno: 'XMLGW_JPP0002', description: 'Sign-in information is incorrect.' }),
      IntacctAuthenticationError,
      false,
    ],
    [
      '"API rate limit exceeded" in a result',
      'result',
      only({ errorno: 'BL01001973', description2: 'API rate limit exceeded.' }),
      IntacctRateLimitError,
      true,
    ],
    [
      '"too many operations" in a result',
      'result',
      only({ errorno: 'BL01001973', description2: 'There are too many operations running for this company.' }),
      IntacctRateLimitError,
      true,
    ],
    [
      '"temporarily off-line" in a result',
      'result',
      only({ errorno: 'BL01001973', description2: 'The service is temporarily off-line. [Support ID: x]' }),
      IntacctTransientError,
      true,
    ],
    [
      '"temporarily offline" at the control level',
      'control',
      only({ description: 'The service is temporarily offline' }),
      IntacctTransientError,
      true,
    ],
  ])('%s', (_label, level, entry, type, retryable) => {
    const error = errorFromIntacctStatus(level, [entry]);

    expect(error).toBeInstanceOf(type);
    expect(error.retryable).toBe(retryable);
  });

  it('keeps description next to description2, and intacctText prefers description2', () => {
    const both = errorFromIntacctStatus('result', [only({ errorno: 'X', description: 'short', description2: 'long' })]);
    const descriptionOnly = errorFromIntacctStatus('result', [only({ errorno: 'X', description: 'short' })]);

    expect(both).toMatchObject({ description: 'short', description2: 'long', intacctText: 'long' });
    expect(descriptionOnly.intacctText).toBe('short');
    expect(descriptionOnly.message).toBe('Intacct result failure: X: short');
  });

  it('caps every Intacct text, and the explanation, at 1 KB of UTF-8 without splitting a character', () => {
    const error = errorFromIntacctStatus('result', [
      only({ errorno: 'X', description: 'é'.repeat(3_000), description2: '😀'.repeat(3_000), correction: 'c'.repeat(3_000) }),
      only({ errorno: 'Y', description2: 'more '.repeat(1_000) }),
    ]);

    for (const text of [error.description!, error.description2!, error.correction!]) {
      expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_INTACCT_TEXT_BYTES);
      expect(text.endsWith('…')).toBe(true);
      expect(text).not.toMatch(/\uFFFD/);
    }
    expect(error.description2!.slice(0, -1)).toMatch(/^(?:😀)+$/u);
    expect(Buffer.byteLength(error.message, 'utf8')).toBeLessThanOrEqual(MAX_INTACCT_TEXT_BYTES + 'Intacct result failure: '.length);
    expect(capIntacctText('short')).toBe('short');
  });
});

describe('errorFromHttpStatus with what the body said', () => {
  const described = (level: IntacctStatusLevel, errorno: string, description = '') =>
    errorFromIntacctStatus(level, [{ errorno, description, description2: '', correction: '' }]);

  it.each<[string, number, HttpFailureBody, ErrorClass]>([
    ['GW-0011 at 400', 400, { described: described('control', 'GW-0011', 'Invalid Request') }, IntacctAuthenticationError],
    ['invalidRequest at 400', 400, { described: described('control', 'invalidRequest', 'Invalid Request') }, IntacctAuthenticationError],
    [
      'XMLGW_JPP0002 at 401',
      401,
      { described: described('control', 'XMLGW_JPP0002', 'Sign-in information is incorrect.') },
      IntacctAuthenticationError,
    ],
    ['an HTML page at 403', 403, { html: true }, IntacctTransientError],
    ['PL04000005 at 403', 403, { described: described('result', 'PL04000005') }, IntacctPermissionError],
    ['XL03000003 at 400', 400, { described: described('control', 'XL03000003') }, IntacctProtocolError],
    ['nothing readable at 404', 404, {}, IntacctProtocolError],
  ])('%s', (_label, status, body, type) => {
    const error = errorFromHttpStatus(status, {}, body);

    expect(error).toBeInstanceOf(type);
    expect(error.httpStatus).toBe(status);
    if (body.described) expect(error).toMatchObject({ errorno: body.described.errorno, description: body.described.description });
  });

  it("puts Intacct's errorno and text in the message", () => {
    const error = errorFromHttpStatus(401, {}, { described: described('control', 'XMLGW_JPP0002', 'Sign-in information is incorrect.') });

    expect(error.message).toBe('Intacct gateway answered HTTP 401: XMLGW_JPP0002: Sign-in information is incorrect.');
  });

  it('redactSecrets scrubs description too', () => {
    const error = new IntacctQueryError('x', { description: 'pw hunter2' });

    expect(redactSecrets(error, ['hunter2']).description).toBe('pw [redacted]');
  });
});
