import { describe, expect, it } from 'vitest';
import {
  collisionStep,
  discreteMixtureMaxwellian,
  exponentialWeights,
} from '../../../../src/physics/collision/collisionStep';
import { conservationResiduals } from '../../../../src/physics/collision/conservation';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { maxwellianOnGrid, mixtureEquilibrium } from '../../../../src/physics/maxwellian';
import { velocityMoments } from '../../../../src/physics/moments';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

const species = [
  { mass: 1, diameter: 1 },
  { mass: 2, diameter: 1 },
] as const;
const A = { density: 1, mass: 1, temperature: 1.3, drift: [0.2, 0, 0] as const };
const B = { density: 0.7, mass: 2, temperature: 0.8, drift: [-0.2, 0.1, 0] as const };

/** n_A, n_B, total momentum, total energy of a cell (midpoint rule). */
function conserved(fA: ArrayLike<number>, fB: ArrayLike<number>, grid: ReturnType<typeof velocityGrid>) {
  const a = velocityMoments(fA, grid, 1, 1);
  const b = velocityMoments(fB, grid, 1, 2);
  return [a[0]!, b[0]!, a[1]! + b[1]!, a[2]! + b[2]!, a[3]! + b[3]!, a[4]! + b[4]!];
}

const relativeDistance = (f: ArrayLike<number>, m: ArrayLike<number>) => {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < m.length; i++) {
    err = Math.max(err, Math.abs(f[i]! - m[i]!));
    scale = Math.max(scale, Math.abs(m[i]!));
  }
  return err / scale;
};

describe('exponentialWeights (F ← aF + bQ + cM)', () => {
  it('is forward Euler for λ → 0 and the equilibrium for λ → ∞', () => {
    const [a0, b0, c0] = exponentialWeights(1e-8, 0.5);
    expect(a0).toBeCloseTo(1, 12);
    expect(b0).toBeCloseTo(0.5, 7);
    expect(c0).toBeLessThan(1e-15);
    const [a1, b1, c1] = exponentialWeights(200, 1e4);
    expect(a1).toBeLessThan(1e-80);
    expect(b1).toBeLessThan(1e-80);
    expect(c1).toBe(1);
  });
  it('the small-λ series joins the closed form (no cancellation, no jump)', () => {
    const below = exponentialWeights(0.00999999, 1)[2];
    const above = exponentialWeights(0.01000001, 1)[2];
    expect(Math.abs(above - below) / above).toBeLessThan(1e-5);
    // the weights are a partition of unity: a + c = 1
    for (const lambda of [1e-6, 1e-3, 0.5, 3, 40]) {
      const [a, , c] = exponentialWeights(lambda, 1);
      expect(a + c).toBeCloseTo(1, 12);
    }
  });
});

describe('the float64 collision step', () => {
  it('ε → 0 with Δt = 10⁴ε: one step gives the bi-Maxwellian of the conserved quantities (strong AP)', () => {
    const grid = velocityGrid(16, 6);
    const tables = mixtureSpectralTables(grid, species, 0, { nRho: 4, nTheta: 4, nPhi: 8 });
    const fA = maxwellianOnGrid(grid, A);
    const fB = maxwellianOnGrid(grid, B);
    const step = collisionStep(fA, fB, tables, 1e-2, 1e-6);
    const eq = mixtureEquilibrium(velocityMoments(fA, grid, 1, 1), velocityMoments(fB, grid, 1, 2), 1, 2);
    const muA = maxwellianOnGrid(grid, {
      density: eq.densityA,
      mass: 1,
      temperature: eq.temperature,
      drift: eq.drift,
    });
    expect(relativeDistance(fA, muA)).toBeGreaterThan(0.1);
    expect(relativeDistance(step.fA, muA)).toBeLessThan(1e-6); // discretisation of the Maxwellian only
    const discrete = discreteMixtureMaxwellian(fA, fB, grid, 1, 2);
    expect(relativeDistance(step.fA, discrete.mA)).toBeLessThan(1e-12);
    expect(relativeDistance(step.fB, discrete.mB)).toBeLessThan(1e-12);
  });

  it('well-balanced: the discrete bi-Maxwellian is an exact fixed point; without Q(M) subtracted it is not', () => {
    const grid = velocityGrid(8, 5);
    const tables = mixtureSpectralTables(grid, species, 0, { nRho: 4, nTheta: 4, nPhi: 8 });
    const { mA, mB } = discreteMixtureMaxwellian(
      maxwellianOnGrid(grid, A),
      maxwellianOnGrid(grid, B),
      grid,
      1,
      2,
    );
    const balanced = collisionStep(mA, mB, tables, 0.05, 1);
    expect(Math.max(relativeDistance(balanced.fA, mA), relativeDistance(balanced.fB, mB))).toBeLessThan(
      1e-13,
    );
    // the spectral residual Q(M) ≠ 0 at N_v = 8 moves the plain step off M by far more than round-off
    const plain = collisionStep(mA, mB, tables, 0.05, 1, false);
    expect(Math.max(relativeDistance(plain.fA, mA), relativeDistance(plain.fB, mB))).toBeGreaterThan(1e-5);
  });

  it('relaxes a two-temperature mixture: exact conservation, H falls, the bi-Maxwellian is approached', () => {
    const grid = velocityGrid(16, 6);
    const tables = mixtureSpectralTables(grid, species, 0, { nRho: 8, nTheta: 4, nPhi: 8 });
    let fA: Float64Array = maxwellianOnGrid(grid, A);
    let fB: Float64Array = maxwellianOnGrid(grid, B);
    const before = conserved(fA, fB, grid);
    const target = discreteMixtureMaxwellian(fA, fB, grid, 1, 2);
    const entropy = (f: Float64Array) =>
      f.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0) * grid.dv ** 3;
    const h = [entropy(fA) + entropy(fB)];
    const distance = [Math.max(relativeDistance(fA, target.mA), relativeDistance(fB, target.mB))];
    for (let n = 0; n < 30; n++) {
      ({ fA, fB } = collisionStep(fA, fB, tables, 0.05, 1));
      h.push(entropy(fA) + entropy(fB));
      distance.push(Math.max(relativeDistance(fA, target.mA), relativeDistance(fB, target.mB)));
    }
    const after = conserved(fA, fB, grid);
    const scale = [before[0]!, before[1]!, 1, 1, 1, before[5]!];
    for (let k = 0; k < 6; k++) expect(Math.abs(after[k]! - before[k]!) / scale[k]!).toBeLessThan(1e-12);
    // H strictly decreasing at every step: the positivity limiter (positivity.ts) keeps F ≥ 0.
    // (Before it, from distance ≲ 5e−2 on, Σ F log F over F > 0 crept up by ~2e−5 per step.)
    for (let n = 1; n <= 30; n++) expect(h[n]!).toBeLessThan(h[n - 1]!);
    for (const f of [fA, fB]) expect(Math.min(...f)).toBeGreaterThanOrEqual(0);
    expect(h.at(-1)!).toBeLessThan(h[0]! - 1e-3 * Math.abs(h[0]!));
    expect(distance[0]!).toBeGreaterThan(0.5);
    // measured 1.9e−2 (1.8e−2 without the limiter: it slows the approach a little)
    expect(distance.at(-1)!).toBeLessThan(2e-2);
    // the projected operator itself conserves exactly
    const ops = conservationResiduals(fA, fB, grid, 1, 2);
    expect(ops.every(Number.isFinite)).toBe(true);
  }, 60_000);
});
