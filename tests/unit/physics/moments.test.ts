import { describe, expect, it } from 'vitest';
import { type MaxwellianState, maxwellianMoments, maxwellianOnGrid } from '../../../src/physics/maxwellian';
import { MOMENT_COUNT, velocityMoments } from '../../../src/physics/moments';
import { InvalidParameterError, velocityGrid, velocityNodes } from '../../../src/physics/velocityGrid';

describe('velocity grid', () => {
  it('is cell-centred and symmetric about v = 0', () => {
    const v = velocityNodes(velocityGrid(8, 4));
    expect(v[0]).toBeCloseTo(-3.5, 14);
    expect(v[7]).toBeCloseTo(3.5, 14);
    for (let j = 0; j < 8; j++) expect(v[j]! + v[7 - j]!).toBe(0);
  });

  it('refuses a bad N_v or box, naming the field and the allowed range', () => {
    expect(() => velocityGrid(12, 4)).toThrow(InvalidParameterError);
    expect(() => velocityGrid(12, 4)).toThrow(/grid\.nv.*power of two/);
    expect(() => velocityGrid(16, Number.NaN)).toThrow(/grid\.vmax.*> 0/);
    expect(() => velocityGrid(16, 0)).toThrow(/grid\.vmax/);
  });
});

describe('velocityMoments (float64 reference)', () => {
  // The midpoint rule on a periodic box is spectrally accurate for a Gaussian well inside it, so the
  // discrete moments must match the exact ones of PHYSICS.md §1 to near machine precision.
  const cases: MaxwellianState[] = [
    { density: 1, mass: 1, temperature: 1, drift: [0, 0, 0] },
    { density: 0.7, mass: 16, temperature: 2, drift: [0.2, -0.1, 0.05] },
    { density: 2.5, mass: 30, temperature: 0.5, drift: [-0.05, 0, 0.1] },
  ];
  for (const s of cases) {
    it(`match the exact moments of a Maxwellian (m = ${s.mass}, θ = ${s.temperature})`, () => {
      const thermal = Math.sqrt(s.temperature / s.mass);
      const grid = velocityGrid(32, 8 * thermal);
      const got = velocityMoments(maxwellianOnGrid(grid, s), grid, 1, s.mass);
      const exact = maxwellianMoments(s);
      // momentum scale m n √(θ/m) so that a zero drift is still tested meaningfully
      const scale = [
        s.density,
        s.mass * s.density * thermal,
        s.mass * s.density * thermal,
        s.mass * s.density * thermal,
        exact[4]!,
        Math.max(Math.abs(exact[5]!), s.density),
      ];
      for (let k = 0; k < MOMENT_COUNT; k++)
        expect(Math.abs(got[k]! - exact[k]!) / scale[k]!).toBeLessThan(1e-10);
    });
  }

  it('treats cells independently', () => {
    const grid = velocityGrid(8, 5);
    const a = maxwellianOnGrid(grid, { density: 1, mass: 1, temperature: 1, drift: [0.3, 0, 0] });
    const b = maxwellianOnGrid(grid, { density: 2, mass: 1, temperature: 1.5, drift: [0, -0.2, 0] });
    const both = new Float64Array(2 * grid.pointsPerCell);
    both.set(a, 0);
    both.set(b, grid.pointsPerCell);
    const m = velocityMoments(both, grid, 2, 1);
    expect([...m.subarray(0, MOMENT_COUNT)]).toEqual([...velocityMoments(a, grid, 1, 1)]);
    expect([...m.subarray(MOMENT_COUNT, 2 * MOMENT_COUNT)]).toEqual([...velocityMoments(b, grid, 1, 1)]);
  });

  it('refuses input of the wrong size', () => {
    const grid = velocityGrid(8, 5);
    expect(() => velocityMoments(new Float64Array(100), grid, 1, 1)).toThrow(RangeError);
  });
});
