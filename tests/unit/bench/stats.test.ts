// The bench's statistics (src/bench/stats.ts): the median and the repeat budget.
import { describe, expect, it } from 'vitest';
import { median, repeatsWithinBudget } from '../../../src/bench/stats';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, without reordering the input', () => {
    const values = [5, 1, 4];
    expect(median(values)).toBe(4);
    expect(values).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('repeatsWithinBudget', () => {
  it('fits whole repeats after the fixed cost, at most the wanted number, null when none fits', () => {
    expect(repeatsWithinBudget(10, 10, 5, 1000)).toBe(5);
    expect(repeatsWithinBudget(100, 100, 5, 400)).toBe(3);
    expect(repeatsWithinBudget(100, 100, 5, 199)).toBeNull();
  });
});
