import { describe, expect, it } from 'vitest';
import { sweepFit } from '../../../src/engine/sweep';
import type { SweepPoint } from '../../../src/physics/sweepPlan';

const point = (knudsen: number, validityTime: number | null): SweepPoint =>
  ({
    knudsen,
    dt: 0.01,
    steps: 10,
    validityTime,
    trustworthy: true,
    normsAtEnd: {},
  }) as unknown as SweepPoint;

describe('sweepFit', () => {
  it('fits log T against log(1/ε): T = 3 ε^{-1/2} gives slope 1/2', () => {
    const fit = sweepFit([0.1, 0.05, 0.025].map((e) => point(e, 3 * e ** -0.5)));
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.knudsen).toEqual([0.1, 0.05, 0.025]);
  });
  it('leaves out points that crossed at t = 0 or never crossed, instead of failing', () => {
    const fit = sweepFit([point(0.1, 0), point(0.05, 2), point(0.025, 2 * Math.SQRT2), point(0.0125, null)]);
    expect(fit.n).toBe(2);
    expect(fit.slope).toBeCloseTo(0.5, 12);
    expect(fit.knudsen).toEqual([0.05, 0.025]);
  });
});
