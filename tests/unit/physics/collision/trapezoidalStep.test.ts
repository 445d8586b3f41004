import { describe, expect, it } from 'vitest';
import { collisionStep, discreteMixtureMaxwellian } from '../../../../src/physics/collision/collisionStep';
import { conservationResiduals } from '../../../../src/physics/collision/conservation';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import {
  KrylovNotConvergedError,
  trapezoidalCollisionStep,
} from '../../../../src/physics/collision/trapezoidalStep';
import { gmres } from '../../../../src/physics/krylov';
import { maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { velocityMoments } from '../../../../src/physics/moments';
import { type VelocityGrid, velocityGrid, velocityNode } from '../../../../src/physics/velocityGrid';

const maxAbs = (f: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < f.length; i++) m = Math.max(m, Math.abs(f[i]!));
  return m;
};

describe('gmres', () => {
  it('solves a non-symmetric system to the tolerance, and says when the cap stops it', () => {
    const n = 40;
    const d = Float64Array.from({ length: n }, (_, i) => 1 + 5 * i);
    const apply = (x: Float64Array) => x.map((xi, i) => d[i]! * xi + (i > 0 ? 0.7 * x[i - 1]! : 0));
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const solved = gmres(apply, b, d, null, 1e-10, 60);
    const r = apply(solved.x).map((v, i) => v - b[i]!);
    expect(maxAbs(r) / maxAbs(b)).toBeLessThan(1e-9);
    const capped = gmres(apply, b, new Float64Array(n).fill(1), null, 1e-10, 3);
    expect(capped.iterations).toBe(3);
    expect(capped.residual).toBeGreaterThan(1e-3);
  });

  it('a solve that fails says what to change, naming the fields', () => {
    const message = new KrylovNotConvergedError(0.5, 60).message;
    expect(message).toContain('collisions.scheme');
    expect(message).toContain('grid.nv');
    expect(message).toContain('5.00e-1');
  });
});

describe('the trapezoidal collision step (float64)', () => {
  const species = [
    { mass: 1, diameter: 1 },
    { mass: 2, diameter: 1 },
  ] as const;
  const A = { density: 1, mass: 1, temperature: 1.3, drift: [0.2, 0, 0] as const };
  const B = { density: 0.7, mass: 2, temperature: 0.8, drift: [-0.2, 0.1, 0] as const };

  it('conserves n_A, n_B, momentum and energy to round-off at λ ≫ 1', () => {
    const grid = velocityGrid(8, 5);
    const tables = mixtureSpectralTables(grid, species, 0);
    const fA = maxwellianOnGrid(grid, A);
    const fB = maxwellianOnGrid(grid, B);
    // initialLayer off: the trapezoidal solve itself, not the exponential step it would hand this to
    const step = trapezoidalCollisionStep(fA, fB, tables, 0.05, 1e-3, { initialLayer: false });
    expect(step.exponential).toBe(false);
    const residual = conservationResiduals(
      step.fA.map((x, i) => x - fA[i]!),
      step.fB.map((x, i) => x - fB[i]!),
      grid,
      1,
      2,
    );
    const scale = velocityMoments(fA, grid, 1, 1)[4]! + velocityMoments(fB, grid, 1, 2)[4]!;
    expect(maxAbs(residual) / scale).toBeLessThan(1e-12);
    // the state moved (it is not a no-op): the exchange of momentum and energy happened
    expect(maxAbs(step.fA.map((x, i) => x - fA[i]!)) / maxAbs(fA)).toBeGreaterThan(1e-2);
  });

  it('an equilibrium is returned unchanged (well-balanced)', () => {
    const grid = velocityGrid(8, 5);
    const tables = mixtureSpectralTables(grid, species, 1);
    // the discrete bi-Maxwellian: one step of the exponential step at λ → ∞ lands on it exactly
    const eq = collisionStep(maxwellianOnGrid(grid, A), maxwellianOnGrid(grid, B), tables, 1, 1e-9);
    const step = trapezoidalCollisionStep(eq.fA, eq.fB, tables, 0.05, 0.01);
    expect(maxAbs(step.fA.map((x, i) => x - eq.fA[i]!)) / maxAbs(eq.fA)).toBeLessThan(1e-13);
    expect(maxAbs(step.fB.map((x, i) => x - eq.fB[i]!)) / maxAbs(eq.fB)).toBeLessThan(1e-13);
  });

  it('an ill-prepared start at λ ≫ 1 is an initial layer: one exponential step takes it to M (Rannacher)', () => {
    const grid = velocityGrid(8, 5);
    const tables = mixtureSpectralTables(grid, species, 0);
    const fA = maxwellianOnGrid(grid, A);
    const fB = maxwellianOnGrid(grid, B);
    const { mA } = discreteMixtureMaxwellian(fA, fB, grid, 1, 2);
    const distance = (f: Float64Array) => maxAbs(f.map((x, i) => x - mA[i]!)) / maxAbs(mA);
    expect(distance(Float64Array.from(fA))).toBeGreaterThan(0.1); // two temperatures, two drifts
    const [dt, knudsen] = [0.05, 1e-3]; // λ ≈ 150
    const first = trapezoidalCollisionStep(fA, fB, tables, dt, knudsen);
    expect(first.exponential).toBe(true);
    expect(distance(first.fA)).toBeLessThan(1e-6);
    const second = trapezoidalCollisionStep(first.fA, first.fB, tables, dt, knudsen);
    expect(second.exponential).toBe(false);
    expect(distance(second.fA)).toBeLessThan(1e-6);
    // without the switch the trapezoidal rule reflects the layer about M (R(∞) = −1): still O(1) away
    const once = trapezoidalCollisionStep(fA, fB, tables, dt, knudsen, { initialLayer: false });
    const twice = trapezoidalCollisionStep(once.fA, once.fB, tables, dt, knudsen, { initialLayer: false });
    expect(distance(twice.fA)).toBeGreaterThan(0.05);
  }, 60_000);

  // ε = 1, N_v = 8, box 5: the homogeneous relaxation as an ODE; the error at t = 0.4 against Δt/8
  it.each([-2, 0, 1])(
    'is second order in Δt (γ = %d): the error falls 4× per halving',
    (gamma) => {
      const grid = velocityGrid(8, 5);
      const tables = mixtureSpectralTables(grid, species, gamma);
      const run = (dt: number) => {
        let fA = maxwellianOnGrid(grid, A);
        let fB = maxwellianOnGrid(grid, B);
        for (let k = 0; k < Math.round(0.4 / dt); k++)
          ({ fA, fB } = trapezoidalCollisionStep(fA, fB, tables, dt, 1));
        return fA;
      };
      const reference = run(0.0125);
      const error = (dt: number) => maxAbs(run(dt).map((x, i) => x - reference[i]!));
      const ratio = error(0.1) / error(0.05);
      // 4 × (1 − 1/16)/(1 − 1/4)... the reference's own error shifts the ratio up by ~5 %: accept 3.4–4.8
      expect(ratio).toBeGreaterThan(3.4);
      expect(ratio).toBeLessThan(4.8);
    },
    60_000,
  );
});

/**
 * The Navier–Stokes fixed point. One gas written as two identical species (m = 1, d = 1, n = ½ + ½,
 * θ = 1, Maxwell molecules γ = 0), one x-cell, and the two transport half-steps of a Strang step
 * replaced by what they add to F near equilibrium, −(Δt/2)H: for a uniform shear ∂_x u_y = a,
 * H = a (m/θ) c_x c_y M; for a temperature gradient at uniform pressure ∂_x θ = b,
 * H = (b/θ) c_x (m|c|²/2θ − 5/2) M. For Maxwell molecules both are eigenfunctions of L, with
 * eigenvalues −ν_η = −πd²n/2 (the stress relaxation rate: η = nθε/ν_η = 2εθ/(πd²), PHYSICS.md §3)
 * and −(2/3)ν_η (Prandtl number 2/3), so the Chapman–Enskog deviation is g_NS = εL⁻¹H = −(ε/ν)H,
 * analytically. The module comment of trapezoidalStep.ts shows that the Strang step with the
 * trapezoidal collision step has g_NS as its fixed point for every λ, and the exponential one
 * (λ/4 for these modes)× it at λ ≫ 1. Started at g_NS, the trapezoidal step must stay there (to the
 * operator's discretisation error on this grid), the exponential step must leave.
 */
describe('the Strang step with the trapezoidal collision step at λ ≫ 1', () => {
  const grid: VelocityGrid = velocityGrid(16, 6);
  const tables = mixtureSpectralTables(
    grid,
    [
      { mass: 1, diameter: 1 },
      { mass: 1, diameter: 1 },
    ],
    0,
  );
  const M = maxwellianOnGrid(grid, { density: 0.5, mass: 1, temperature: 1, drift: [0, 0, 0] });
  const n = grid.pointsPerCell;
  const N = grid.nv;
  const shape = (mode: 'shear' | 'heat') =>
    M.map((m, i) => {
      const [a, b, c] = [Math.floor(i / (N * N)), Math.floor(i / N) % N, i % N].map((j) =>
        velocityNode(grid, j),
      );
      return mode === 'shear' ? a! * b! * m : a! * ((a! * a! + b! * b! + c! * c!) / 2 - 2.5) * m;
    });
  const dt = 0.05;
  const nuEta = Math.PI / 2; // πd²n/2 with n = 1

  it.each([
    { mode: 'shear', factor: 1, lambda: 300 },
    { mode: 'heat', factor: 2 / 3, lambda: 300 },
  ] as const)(
    '$mode mode, λ = $lambda: the deviation stays at the Navier–Stokes value −(ε/ν)H',
    ({ mode, factor, lambda }) => {
      const H = shape(mode);
      const knudsen = (Math.PI * dt) / lambda;
      const nu = factor * nuEta;
      const coefficient = (f: Float64Array) => {
        let num = 0;
        let den = 0;
        for (let i = 0; i < n; i++) {
          num += (f[i]! - M[i]!) * H[i]!;
          den += H[i]! * H[i]!;
        }
        return num / den / (-knudsen / nu); // 1 at the Navier–Stokes deviation
      };
      const strang = (f: Float64Array, scheme: 'trapezoidal' | 'exponential') => {
        const half = f.map((x, i) => x - 0.5 * dt * H[i]!);
        const c =
          scheme === 'trapezoidal'
            ? trapezoidalCollisionStep(half, half, tables, dt, knudsen).fA
            : collisionStep(half, half, tables, dt, knudsen, { positivity: false }).fA;
        return c.map((x, i) => x - 0.5 * dt * H[i]!);
      };
      const start = M.map((m, i) => m - (knudsen / nu) * H[i]!);
      expect(coefficient(start)).toBeCloseTo(1, 12);
      let f = start;
      const trapezoidal: number[] = [];
      for (let k = 0; k < 2; k++) {
        f = strang(f, 'trapezoidal');
        trapezoidal.push(coefficient(f));
      }
      for (const c of trapezoidal) expect(Math.abs(c - 1)).toBeLessThan(0.1);
      const exponential = coefficient(strang(start, 'exponential'));
      expect(exponential).toBeGreaterThan(10); // ≈ λΔtν/(2·πΔt)… far from 1: the artefact this step removes
    },
    120_000,
  );
});
