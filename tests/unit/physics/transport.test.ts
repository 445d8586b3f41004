import { describe, expect, it } from 'vitest';
import { fieldEnergy, poissonSolveFft } from '../../../src/physics/poisson';
import {
  advectV,
  advectVWeights,
  advectX,
  advectXWeights,
  shiftWeights,
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
