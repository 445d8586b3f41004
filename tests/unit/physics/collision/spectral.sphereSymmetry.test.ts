// The ±e symmetry of the sphere rule (issue 7; spectral.ts antipodalHalf): Q^{αα} over the half
// rule and Q^{βα} from Q^{αβ}'s sphere sums must equal the full evaluation of every pair (the same
// sums in exact arithmetic), on random positive, non-equilibrium data with unequal masses.
import { describe, expect, it } from 'vitest';
import {
  antipodalHalf,
  collisionOperator,
  mixtureCollisionOperators,
  mixtureSpectralTables,
  pairSharesSphereSums,
  spectralTables,
} from '../../../../src/physics/collision/spectral';
import { sphereQuadrature } from '../../../../src/physics/quadrature';
import { seededRandom } from '../../../../src/physics/random';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return Number.isFinite(num) ? num / den : Number.POSITIVE_INFINITY;
}

/** A positive, anisotropic, non-Maxwellian cell: random values on a Gaussian envelope. */
function randomCell(n: number, mass: number, seed: number): Float64Array {
  const grid = velocityGrid(n, 5);
  const rand = seededRandom(seed);
  const out = new Float64Array(grid.pointsPerCell);
  for (let i1 = 0; i1 < n; i1++)
    for (let i2 = 0; i2 < n; i2++)
      for (let i3 = 0; i3 < n; i3++) {
        const v = [i1, i2, i3].map((i) => -grid.vmax + (i + 0.5) * grid.dv);
        const r2 = (v[0]! - 0.4) ** 2 + 0.7 * v[1]! ** 2 + 1.3 * v[2]! ** 2;
        out[(i1 * n + i2) * n + i3] = Math.exp((-mass * r2) / 2) * (0.5 + rand());
      }
  return out;
}

describe('antipodalHalf', () => {
  it('keeps one point of each antipodal pair with the summed weight', () => {
    for (const [nTheta, nPhi] of [
      [3, 6],
      [4, 8],
      [6, 12],
    ] as const) {
      const full = sphereQuadrature(nTheta, nPhi);
      const half = antipodalHalf(full);
      expect(half).not.toBeNull();
      expect(half!.count).toBe(full.count / 2);
      const total = half!.weights.reduce((s, w) => s + w, 0);
      expect(Math.abs(total - 4 * Math.PI)).toBeLessThan(1e-12);
      // no kept point is the antipode of another kept point
      for (let p = 0; p < half!.count; p++)
        for (let q = p + 1; q < half!.count; q++) {
          const d = [0, 1, 2].reduce(
            (s, c) => s + Math.abs(half!.points[3 * p + c]! + half!.points[3 * q + c]!),
            0,
          );
          expect(d).toBeGreaterThan(1e-6);
        }
      // an even function of e integrates the same over both rules
      const even = (x: number, y: number, z: number) => x * x * y * y + z ** 4 + x * z;
      const sum = (rule: typeof full) => {
        let s = 0;
        for (let p = 0; p < rule.count; p++)
          s += rule.weights[p]! * even(rule.points[3 * p]!, rule.points[3 * p + 1]!, rule.points[3 * p + 2]!);
        return s;
      };
      expect(Math.abs(sum(half!) - sum(full))).toBeLessThan(1e-12 * Math.abs(sum(full)));
    }
  });

  it('refuses a rule without antipodal pairs', () => {
    const full = sphereQuadrature(4, 8);
    const tilted = { ...full, points: full.points.map((x, i) => (i % 3 === 2 ? x + 0.01 : x)) };
    expect(antipodalHalf(tilted)).toBeNull();
    const odd = {
      ...full,
      count: 3,
      points: full.points.subarray(0, 9),
      weights: full.weights.subarray(0, 3),
    };
    expect(antipodalHalf(odd)).toBeNull();
  });
});

describe('the symmetric operator equals the full one', () => {
  it('mixture Q^{AA}, Q^{AB}, Q^{BA}, Q^{BB} with m_B = 2.5 m_A, three γ, two sphere rules', () => {
    const n = 8;
    const grid = velocityGrid(n, 5);
    const fA = randomCell(n, 1, 11);
    const fB = randomCell(n, 2.5, 12);
    for (const [gamma, quadrature] of [
      [0, { nRho: 4, nTheta: 4, nPhi: 8 }],
      [-2, { nRho: 3, nTheta: 3, nPhi: 6 }],
      [1, { nRho: 4, nTheta: 4, nPhi: 8 }],
    ] as const) {
      const tables = mixtureSpectralTables(
        grid,
        [
          { mass: 1, diameter: 1 },
          { mass: 2.5, diameter: 1.4 },
        ],
        gamma,
        quadrature,
      );
      expect(pairSharesSphereSums(tables.AB, tables.BA)).toBe(true);
      const fast = mixtureCollisionOperators(fA, fB, tables);
      const full = mixtureCollisionOperators(fA, fB, tables, { sphereSymmetry: false });
      for (const name of ['AA', 'AB', 'BA', 'BB'] as const) {
        // the gain alone: the loss does not use the sphere rule
        expect(relativeError(fast[name].gain, full[name].gain)).toBeLessThan(1e-12);
        expect(relativeError(fast[name].q, full[name].q)).toBeLessThan(1e-12);
      }
      expect(relativeError(fast.qA, full.qA)).toBeLessThan(1e-12);
      expect(relativeError(fast.qB, full.qB)).toBeLessThan(1e-12);
      // and the symmetry is not vacuous: BA's gain differs from AB's (different sinc fractions)
      expect(relativeError(fast.BA.gain, fast.AB.gain)).toBeGreaterThan(1e-3);
    }
  });

  it('single pair: the half rule only where the summand is even (same data, equal masses)', () => {
    const n = 8;
    const grid = velocityGrid(n, 5);
    const f = randomCell(n, 1, 21);
    const g = randomCell(n, 1, 22);
    const A = { mass: 1, diameter: 1 };
    const tables = spectralTables(grid, { alpha: A, beta: A, gamma: 0 }, { nRho: 4, nTheta: 4, nPhi: 8 });
    const same = collisionOperator(f, f, tables);
    const sameFull = collisionOperator(f, f, tables, { sphereSymmetry: false });
    expect(relativeError(same.gain, sameFull.gain)).toBeLessThan(1e-12);
    // f ≠ g: the summand is not even in e, and the operator must not take the half rule
    const mixed = collisionOperator(f, g, tables);
    const mixedFull = collisionOperator(f, g, tables, { sphereSymmetry: false });
    expect(relativeError(mixed.gain, mixedFull.gain)).toBe(0);
  });

  it('sphere sums are not shared between pairs of different rules', () => {
    const grid = velocityGrid(8, 5);
    const A = { mass: 1, diameter: 1 };
    const B = { mass: 2, diameter: 1 };
    const ab = spectralTables(
      grid,
      { alpha: A, beta: B, gamma: 0 },
      { nRho: 4, nTheta: 4, nPhi: 8, truncation: 4 },
    );
    const ba = spectralTables(
      grid,
      { alpha: B, beta: A, gamma: 0 },
      { nRho: 4, nTheta: 4, nPhi: 10, truncation: 4 },
    );
    expect(pairSharesSphereSums(ab, ba)).toBe(false);
    const baOtherR = spectralTables(
      grid,
      { alpha: B, beta: A, gamma: 0 },
      { nRho: 4, nTheta: 4, nPhi: 8, truncation: 5 },
    );
    expect(pairSharesSphereSums(ab, baOtherR)).toBe(false);
  });
});
