import { describe, expect, it } from 'vitest';
import { maxwellianOnGrid } from '../../../src/physics/maxwellian';
import { fieldEnergy, poissonSolveFft } from '../../../src/physics/poisson';
import {
  advectV,
  advectVShifts,
  advectVWeights,
  advectX,
  advectXWeights,
  shiftWeights,
  vShiftMomentCorrection,
} from '../../../src/physics/transport';
import { velocityGrid, velocityNodes } from '../../../src/physics/velocityGrid';

describe('band-limited shift weights', () => {
  it('conserve mass and translate a band-limited signal exactly by any real shift', () => {
    for (const n of [8, 9, 32]) {
      for (const s of [0.3, -2.75, 5.5]) {
        const w = shiftWeights(n, s);
        expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 13);
        const signal = (x: number) =>
          1 + 0.5 * Math.cos((2 * Math.PI * x) / n) - 0.3 * Math.sin((6 * Math.PI * x) / n);
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let m = 0; m < n; m++) sum += w[(i - m + n) % n]! * signal(m);
          expect(sum).toBeCloseTo(signal(i - s), 12);
        }
      }
    }
  });
});

describe('advectX and advectV (float64)', () => {
  const grid = velocityGrid(8, 4);
  const nx = 16;
  const length = 4 * Math.PI;
  const points = grid.pointsPerCell;
  const v = velocityNodes(grid);

  it('x-advection moves each v1 slice by v1 τ (band-limited data: exactly)', () => {
    const tau = 0.37;
    const profile = (x: number, j: number) =>
      (1 + 0.2 * Math.cos((2 * Math.PI * x) / length + j)) * (1 + j / points);
    const state = new Float64Array(2 * nx * points);
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < nx; i++)
        for (let j = 0; j < points; j++)
          state[(s * nx + i) * points + j] = profile(((i + 0.5) * length) / nx, j) * (s + 1);
    const out = advectX(state, grid, nx, advectXWeights(grid, nx, length, tau));
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < nx; i++)
        for (let j = 0; j < points; j += 37) {
          const v1 = v[Math.floor(j / 64)]!;
          const x = ((i + 0.5) * length) / nx - v1 * tau;
          expect(out[(s * nx + i) * points + j]).toBeCloseTo(profile(x, j) * (s + 1), 11);
        }
  });

  it('v-advection shifts along v1 by (e/m) E τ, per cell and species; a neutral species stays', () => {
    const fine = velocityGrid(32, 6);
    const cells = 2;
    const n = fine.nv;
    const pts = fine.pointsPerCell;
    const vf = velocityNodes(fine);
    // periodic in v1 (period 2L = 12), as the shift treats the velocity axis
    const gauss = (x: number) => Math.exp((-x * x) / 2);
    const periodicGauss = (x: number) => gauss(x) + gauss(x + 12) + gauss(x - 12);
    const state = new Float64Array(2 * cells * pts);
    for (let k = 0; k < 2 * cells; k++)
      for (let j = 0; j < pts; j++) {
        state[k * pts + j] = periodicGauss(vf[Math.floor(j / (n * n))]!) * gauss(vf[Math.floor(j / n) % n]!);
      }
    const field = [0.5, -1.2];
    const tau = 0.4;
    const out = advectV(state, fine, cells, advectVWeights(fine, field, [2, 0], tau));
    for (let i = 0; i < cells; i++) {
      const a = 2 * field[i]! * tau;
      for (let j = 0; j < pts; j += 101) {
        const v1 = vf[Math.floor(j / (n * n))]!;
        const v2 = vf[Math.floor(j / n) % n]!;
        // the tail that leaves at one end re-enters at the other
        expect(out[i * pts + j]).toBeCloseTo(periodicGauss(v1 - a) * gauss(v2), 12);
        expect(out[(cells + i) * pts + j]).toBeCloseTo(state[(cells + i) * pts + j]!, 12); // neutral B
      }
    }
  });
});

describe('poissonSolveFft', () => {
  it('solves Gauss’s law E′ = ρ − n̄_e for a band-limited charge, with the paper’s sign', () => {
    const n = 32;
    const length = 5;
    const kappa = (2 * Math.PI) / length;
    const x = Float64Array.from({ length: n }, (_, i) => ((i + 0.5) * length) / n);
    const charge = x.map((xi) => 0.7 + 0.1 * Math.cos(kappa * xi) - 0.05 * Math.sin(3 * kappa * xi));
    const { field, potential, background } = poissonSolveFft(charge, length);
    expect(background).toBeCloseTo(0.7, 13);
    x.forEach((xi, i) => {
      // E = ∫(ρ − n̄) dx with zero mean; φ″ = ρ − n̄
      expect(field[i]).toBeCloseTo(
        (0.1 * Math.sin(kappa * xi)) / kappa + (0.05 * Math.cos(3 * kappa * xi)) / (3 * kappa),
        13,
      );
      expect(potential[i]).toBeCloseTo(
        (-0.1 * Math.cos(kappa * xi)) / kappa ** 2 + (0.05 * Math.sin(3 * kappa * xi)) / (3 * kappa) ** 2,
        13,
      );
    });
    const exact = (0.5 * length * ((0.1 / kappa) ** 2 + (0.05 / (3 * kappa)) ** 2)) / 2;
    expect(fieldEnergy(field, length)).toBeCloseTo(exact, 13);
  });
});

describe('shift weights at integer shifts', () => {
  it('are an exact index shift, Nyquist mode included (s = 0 is the identity)', () => {
    for (const n of [8, 9]) {
      const data = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) + 0.1 * i);
      for (const s of [0, 3, -2]) {
        const w = shiftWeights(n, s);
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let m = 0; m < n; m++) sum += w[(i - m + n) % n]! * data[m]!;
          expect(sum).toBeCloseTo(data[(((i - s) % n) + n) % n]!, 12);
        }
      }
    }
  });
});

describe('the moment-exact v-shift (vShiftMomentCorrection)', () => {
  // per line: Σ f, Σ v1 f, Σ |v|² f
  function lineMoments(state: ArrayLike<number>, grid: ReturnType<typeof velocityGrid>, line: number) {
    const v = velocityNodes(grid);
    const { nv, pointsPerCell: points } = grid;
    const sums = [0, 0, 0];
    for (let j = 0; j < points; j++) {
      const f = state[line * points + j]!;
      const v1 = v[Math.floor(j / (nv * nv))]!;
      const v2 = v[Math.floor(j / nv) % nv]!;
      const v3 = v[j % nv]!;
      sums[0]! += f;
      sums[1]! += v1 * f;
      sums[2]! += (v1 * v1 + v2 * v2 + v3 * v3) * f;
    }
    return sums as [number, number, number];
  }

  // species A (m 1) and B (m 1.1) at rest, θ = 1, one cell, on the automatic box of the issue-20
  // wave (N_v 16, L 7.62: Δv ≈ 0.95 thermal speeds, not band-limited)
  const grid = velocityGrid(16, 7.62);
  const maxwellians = (g: typeof grid) => {
    const a = maxwellianOnGrid(g, { density: 1, temperature: 1, mass: 1, drift: [0, 0, 0] });
    const b = maxwellianOnGrid(g, { density: 0.7, temperature: 1, mass: 1.1, drift: [0.1, 0, 0] });
    const state = new Float64Array(2 * g.pointsPerCell);
    state.set(a, 0);
    state.set(b, g.pointsPerCell);
    return state;
  };
  const field = [0.8];
  const chargeToMass = [1, 2 / 1.1] as const;
  const tau = 0.05;

  it('imparts exactly the momentum and energy of the free flow, where the bare shift is off by %', () => {
    const before = maxwellians(grid);
    const shifts = advectVShifts(field, chargeToMass, tau);
    const bare = advectV(before, grid, 1, advectVWeights(grid, field, chargeToMass, tau));
    const exact = Float64Array.from(bare);
    vShiftMomentCorrection(before, exact, grid, 1, shifts);
    for (const line of [0, 1]) {
      const a = shifts[line]!;
      const [f0, f1, f2] = lineMoments(before, grid, line);
      const want = [f0, f1 + a * f0, f2 + 2 * a * f1 + a * a * f0];
      const got = lineMoments(exact, grid, line);
      const gotBare = lineMoments(bare, grid, line);
      expect(Math.abs(got[0] - want[0]!) / f0).toBeLessThan(1e-13);
      expect(Math.abs(got[1] - want[1]!) / (a * f0)).toBeLessThan(1e-11);
      expect(Math.abs(got[2] - want[2]!) / f2).toBeLessThan(1e-13);
      // the bare trigonometric shift's force is wrong by more than half a per cent here
      expect(Math.abs(gotBare[1] - want[1]!) / (a * f0)).toBeGreaterThan(5e-3);
    }
    // the correction is small where F is small: no tails made, F stays positive
    for (let j = 0; j < exact.length; j++) {
      expect(Math.abs(exact[j]! - bare[j]!)).toBeLessThanOrEqual(0.05 * Math.abs(bare[j]!) + 1e-300);
    }
  });

  it('leaves a resolved shift as it was, and is the identity at E = 0', () => {
    const fine = velocityGrid(32, 7.62); // Δv ≈ 0.48: the bare shift is already exact to ~1e−7
    const before = maxwellians(fine);
    const shifts = advectVShifts(field, chargeToMass, tau);
    const bare = advectV(before, fine, 1, advectVWeights(fine, field, chargeToMass, tau));
    const exact = Float64Array.from(bare);
    vShiftMomentCorrection(before, exact, fine, 1, shifts);
    let change = 0;
    let size = 0;
    for (let j = 0; j < exact.length; j++) {
      change = Math.max(change, Math.abs(exact[j]! - bare[j]!));
      size = Math.max(size, Math.abs(bare[j]!));
    }
    expect(change / size).toBeLessThan(1e-5);
    expect(change).toBeGreaterThan(0); // it did run

    const still = Float64Array.from(before);
    vShiftMomentCorrection(before, still, fine, 1, advectVShifts([0], chargeToMass, tau));
    expect(Array.from(still)).toEqual(Array.from(before));
  });
});
