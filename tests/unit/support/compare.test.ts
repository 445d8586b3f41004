import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../../support/compare';

describe('maxRelativeError', () => {
  it('is infinite as soon as a NaN or infinity appears, so NaN never passes', () => {
    expect(maxRelativeError([1, Number.NaN], [1, 2])).toBe(Number.POSITIVE_INFINITY);
    expect(maxRelativeError([1, 2], [1, Number.NaN])).toBe(Number.POSITIVE_INFINITY);
    expect(maxRelativeError([Number.POSITIVE_INFINITY], [1])).toBe(Number.POSITIVE_INFINITY);
  });
  it('measures relative error, or error against a given scale', () => {
    expect(maxRelativeError([1.1, 2], [1, 2])).toBeCloseTo(0.1, 12);
    expect(maxRelativeError([0.001], [0], [0.1])).toBeCloseTo(0.01, 12);
  });
});
