import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRecordNo, MASS_UNLINK_MIN_COUNT, MASS_UNLINK_SHARE, needsUnlinkReview, normalizeName } from '#domain/sync-rules';

describe('needsUnlinkReview (I3: more than max(10, 20%) of the linked records)', () => {
  it('pins the thresholds of the spec', () => {
    expect([MASS_UNLINK_MIN_COUNT, MASS_UNLINK_SHARE]).toEqual([10, 0.2]);
  });

  it.each([
    [0, 0, false],
    [10, 10, false],
    [10, 40, false],
    [11, 40, true],
    [11, 11, true],
    [11, 55, false],
    [12, 55, true],
    [20, 100, false],
    [21, 100, true],
    [11, 0, true],
  ])('unlinking %i of %i linked records needs review: %s', (unlinkCount, linkedCount, review) => {
    expect(needsUnlinkReview(unlinkCount, linkedCount)).toBe(review);
  });

  it('agrees with exact integer arithmetic for any counts', () => {
    const share = { numerator: 1, denominator: 5 };
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (unlinkCount, linkedCount) => {
        const exact = unlinkCount > MASS_UNLINK_MIN_COUNT && unlinkCount * share.denominator > linkedCount * share.numerator;
        expect(needsUnlinkReview(unlinkCount, linkedCount)).toBe(exact);
      }),
    );
  });
});

describe('compareRecordNo', () => {
  it.each([
    ['9', '10'],
    ['99', '100'],
    ['007', '8'],
    ['123456789012345678901234567890', '123456789012345678901234567891'],
    ['99999999999999999999', '100000000000000000000'],
  ])('orders %j before %j numerically', (smaller, larger) => {
    expect(compareRecordNo(smaller, larger)).toBeLessThan(0);
    expect(compareRecordNo(larger, smaller)).toBeGreaterThan(0);
  });

  it.each([
    ['17', '17'],
    ['0017', '17'],
    ['0', '000'],
  ])('treats %j and %j as the same number', (a, b) => {
    expect(compareRecordNo(a, b)).toBe(0);
  });

  it('sorts a list of RECORDNO texts in numeric order', () => {
    expect(['100', '23', '5', '17', '1000', '9'].sort(compareRecordNo)).toEqual(['5', '9', '17', '23', '100', '1000']);
  });

  it('agrees with BigInt order for any non-negative integers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10n ** 30n }), (a, b) => {
        const expected = a === b ? 0 : a < b ? -1 : 1;
        expect(compareRecordNo(String(a), String(b))).toBe(expected);
      }),
    );
  });

  it('sorts text that is not a number after every number', () => {
    expect(['abc', '5', 'ab', '40'].sort(compareRecordNo)).toEqual(['5', '40', 'ab', 'abc']);
  });
});

describe('normalizeName', () => {
  it.each([
    ['Harbor & Pike', 'harbor & pike'],
    ['  Harbor   &\tPike  ', 'harbor & pike'],
    ['HARBOR & PIKE', 'harbor & pike'],
    ['Tromsø Fisk', 'tromsø fisk'],
  ])('normalizes %j to %j', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized);
  });

  it('makes composed and decomposed accents equal', () => {
    expect(normalizeName('Cafe\u0301 Noir')).toBe(normalizeName('Caf\u00e9 Noir'));
  });
});
