/**
 * The conservative positivity limiter of the collision step (src/physics/collision/positivity.ts)
 * and what it is for: a relaxation whose entropy H = Σ∫F log F never increases (issue 3).
 */
import { describe, expect, it } from 'vitest';
import { collisionStep, discreteMixtureMaxwellian } from '../../../../src/physics/collision/collisionStep';
import { limitPositivity, positivityLimiter } from '../../../../src/physics/collision/positivity';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { seededRandom } from '../../../../src/physics/random';
import { type VelocityGrid, velocityGrid, velocityNode } from '../../../../src/physics/velocityGrid';

/** n, n·u (3) and Σ|v|²F of one species' cell: what the limiter must keep. */
function speciesMoments(f: ArrayLike<number>, grid: VelocityGrid): number[] {
  const { nv } = grid;
  const m = [0, 0, 0, 0, 0];
  for (let i = 0; i < grid.pointsPerCell; i++) {
    const v = [
      velocityNode(grid, Math.floor(i / (nv * nv))),
      velocityNode(grid, Math.floor(i / nv) % nv),
      velocityNode(grid, i % nv),
    ];
    const value = f[i]!;
    m[0]! += value;
    for (let k = 0; k < 3; k++) m[1 + k]! += value * v[k]!;
    m[4]! += value * (v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2);
  }
  return m;
}

const SPECIES = [
  { mass: 1, diameter: 1 },
  { mass: 2, diameter: 1 },
] as const;
const START_A = (grid: VelocityGrid) =>
  maxwellianOnGrid(grid, { density: 1, mass: 1, temperature: 1.3, drift: [0.2, 0, 0] });
const START_B = (grid: VelocityGrid) =>
  maxwellianOnGrid(grid, { density: 0.7, mass: 2, temperature: 0.8, drift: [-0.2, 0.1, 0] });

/** A drifting Maxwellian with signed noise of relative size `noise` in its tails. */
function signedCell(grid: VelocityGrid, seed: number, noise: number): Float64Array {
  const random = seededRandom(seed);
  const f = maxwellianOnGrid(grid, { density: 1, mass: 1, temperature: 1.2, drift: [0.3, -0.1, 0] });
  const peak = Math.max(...f);
  return f.map((x) => x + noise * peak * (random() - 0.5) * (x < 0.05 * peak ? 1 : 0));
}

describe('positivityLimiter (one species, one cell)', () => {
  const grid = velocityGrid(16, 6);

  it('leaves no negative value and keeps n, momentum and energy to f64 round-off', () => {
    // what the limiter really sees: one unlimited collision step from a two-temperature mixture
    for (const nv of [8, 16]) {
      const g = velocityGrid(nv, 5);
      const tables = mixtureSpectralTables(g, SPECIES, 0, { nRho: 4, nTheta: 4, nPhi: 8 });
      const { fA, fB } = collisionStep(START_A(g), START_B(g), tables, 0.02, 1, { positivity: false });
      for (const f of [fA, fB]) {
        expect(f.filter((x) => x < 0).length).toBeGreaterThan(10); // the input really needs limiting
        const result = positivityLimiter(f, g);
        const before = speciesMoments(f, g);
        const after = speciesMoments(result.f, g);
        for (let k = 0; k < 5; k++) {
          const scale = k === 0 || k === 4 ? Math.abs(before[k]!) : before[0]!;
          expect(Math.abs(after[k]! - before[k]!) / scale).toBeLessThan(1e-12);
        }
        let cut = 0;
        for (const x of f) if (x < 0) cut -= x;
        expect(result.cutMass).toBeCloseTo(cut * g.dv ** 3, 14);
        // the correction is small where F is large: the bulk is not reshaped
        const peak = Math.max(...f);
        for (let i = 0; i < f.length; i++)
          if (f[i]! > 0.1 * peak) expect(Math.abs(result.f[i]! / f[i]! - 1)).toBeLessThan(0.01);
        // and the limiter as the step applies it (two passes) leaves nothing negative
        const limited = limitPositivity(f, g);
        expect(Math.min(...limited)).toBeGreaterThanOrEqual(0);
        const twice = speciesMoments(limited, g);
        for (let k = 0; k < 5; k++)
          expect(Math.abs(twice[k]! - before[k]!) / Math.abs(before[0]!)).toBeLessThan(1e-12);
      }
    }
  });

  it('reports a correction that cannot stay positive (a cut as large as the tails themselves)', () => {
    const result = positivityLimiter(signedCell(grid, 5, 0.05), grid);
    expect(result.minFactor).toBeLessThan(0);
    expect(Math.min(...result.f)).toBeLessThan(0); // left for the step guard to see, not hidden
  });

  it('returns a non-negative state unchanged', () => {
    const f = maxwellianOnGrid(grid, { density: 0.7, mass: 2, temperature: 0.8, drift: [0, 0.2, 0] });
    const result = positivityLimiter(f, grid);
    expect(result.cutMass).toBe(0);
    expect(Array.from(result.f)).toEqual(Array.from(f));
  });

  it('does not clean a NaN away: it poisons the cell', () => {
    const f = signedCell(grid, 4, 0.05);
    f[123] = Number.NaN;
    expect(limitPositivity(f, grid).some(Number.isNaN)).toBe(true);
  });
});

describe('homogeneous relaxation with the limiter (float64 twin, N_v = 8, m_B = 2 m_A)', () => {
  const grid = velocityGrid(8, 5);
  const tables = mixtureSpectralTables(grid, SPECIES, 0, { nRho: 4, nTheta: 4, nPhi: 8 });
  const start = () => ({ fA: START_A(grid), fB: START_B(grid) });
  /** Σ F log F Δv³ over both species; −∞ marks a state with a negative value (H undefined). */
  const entropy = (fA: ArrayLike<number>, fB: ArrayLike<number>) => {
    let h = 0;
    for (const f of [fA, fB])
      for (let i = 0; i < f.length; i++) {
        const x = f[i]!;
        if (x < 0) return Number.NEGATIVE_INFINITY;
        if (x > 0) h += x * Math.log(x);
      }
    return h * grid.dv ** 3;
  };
  const { mA, mB } = discreteMixtureMaxwellian(start().fA, start().fB, grid, 1, 2);
  const entropyOfM = entropy(mA, mB);

  it('H is defined and never increases over 400 steps, and stays above H(M)', () => {
    let { fA, fB }: { fA: ArrayLike<number>; fB: ArrayLike<number> } = start();
    let previous = entropy(fA, fB);
    for (let step = 0; step < 400; step++) {
      ({ fA, fB } = collisionStep(fA, fB, tables, 0.02, 1));
      const h = entropy(fA, fB);
      expect(h).toBeGreaterThan(entropyOfM); // no negative value (−∞) and above the minimum
      expect(h).toBeLessThanOrEqual(previous);
      previous = h;
    }
    // and it is relaxing: 400 steps took H most of the way from H(F0) to H(M)
    const h0 = entropy(start().fA, start().fB);
    expect((previous - entropyOfM) / (h0 - entropyOfM)).toBeLessThan(0.15);
  }, 120_000);

  it('without the limiter the same run goes negative and Σ F log F over F > 0 falls below H(M)', () => {
    let { fA, fB }: { fA: ArrayLike<number>; fB: ArrayLike<number> } = start();
    let positivePart = 0;
    for (let step = 0; step < 10; step++)
      ({ fA, fB } = collisionStep(fA, fB, tables, 0.02, 1, { positivity: false }));
    expect(entropy(fA, fB)).toBe(Number.NEGATIVE_INFINITY);
    for (const f of [fA, fB])
      for (let i = 0; i < f.length; i++) if (f[i]! > 0) positivePart += f[i]! * Math.log(f[i]!);
    expect(positivePart * grid.dv ** 3).toBeLessThan(entropyOfM);
  });
});
