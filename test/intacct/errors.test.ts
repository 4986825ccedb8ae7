import { describe, expect, it } from 'vitest';
import {
  IntacctAuthenticationError,
  IntacctError,
  IntacctPermissionError,
  IntacctProtocolError,
  IntacctQueryError,
  IntacctRateLimitError,
  IntacctTransientError,
  errorFromHttpStatus,
  errorFromIntacctStatus,
  redactSecrets,
  type IntacctStatusLevel,
} from '../../shared/intacct/errors';

function entry(errorno: string) {
  return { errorno, description: '', description2: `${errorno} happened [Support ID: abc]`, correction: 'fix it' };
}

describe('errorFromIntacctStatus', () => {
  it.each<[IntacctStatusLevel, string, Function, boolean]>([
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
  it.each<[number, Function, boolean]>([
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
