/**
 * The float64 tables behind the GPU field solve (src/shaders/fieldSolve.wgsl) reproduce their
 * references: the Green's function gives poissonSolveFft's field, the twiddles give shiftWeights;
 * and the CPU Strang step takes its field from the state after X(Δt/2) (PHYSICS.md §1, §4).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/engine/cpuBackend';
import { fieldFromMoments, initialState, simulationSetup, strangStep } from '../../../src/engine/step';
import type { ResolvedConfig } from '../../../src/physics/config';
import { velocityMoments } from '../../../src/physics/moments';
import { poissonFieldKernel, poissonSolveFft } from '../../../src/physics/poisson';
import { seededRandom } from '../../../src/physics/random';
import {
  advectV,
  advectVShifts,
  advectVWeights,
  advectX,
  advectXWeights,
  shiftTwiddles,
  shiftWeights,
  vShiftMomentCorrection,
} from '../../../src/physics/transport';
import { speciesConfig } from '../../support/species';

describe('the Poisson Green function and the shift twiddles (float64)', () => {
  it('E = G ∗ ρ equals poissonSolveFft on random charges, for odd and even n_x', () => {
    for (const n of [1, 2, 3, 8, 9, 16, 33]) {
      const random = seededRandom(n);
      const length = 5.3;
      const charge = Float64Array.from({ length: n }, () => 3 + random() - 0.5);
      const expected = poissonSolveFft(charge, length).field;
      const kernel = poissonFieldKernel(n, length);
      const scale = Math.max(1e-300, ...Array.from(expected, Math.abs));
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let j = 0; j < n; j++) e += kernel[(i - j + n) % n]! * charge[j]!;
        expect(Math.abs(e - expected[i]!) / scale).toBeLessThan(1e-12);
      }
      if (n > 2) expect(scale).toBeGreaterThan(1e-3); // a field to compare at all
    }
  });

  it('the twiddles rebuild shiftWeights for any shift', () => {
    for (const n of [2, 7, 8, 16]) {
      const modes = Math.ceil(n / 2) - 1;
      const t = shiftTwiddles(n);
      expect(t.length).toBe(2 * modes * n);
      for (const s of [0, 0.37, -2.6, 11.2]) {
        const expected = shiftWeights(n, s);
        for (let d = 0; d < n; d++) {
          let w = 1;
          for (let k = 1; k <= modes; k++) {
            const b = (2 * Math.PI * k * s) / n;
            w += 2 * (t[(k - 1) * n + d]! * Math.cos(b) + t[(modes + k - 1) * n + d]! * Math.sin(b));
          }
          if (n % 2 === 0) w += (d % 2 === 0 ? 1 : -1) * Math.cos(Math.PI * s);
          expect(w / n).toBeCloseTo(expected[d]!, 13);
        }
      }
    }
  });
});

describe('the CPU Strang step', () => {
  it('is X(Δt/2) → Poisson of the state after it → V(Δt/2) → V(Δt/2) → X(Δt/2), composed from the twins', async () => {
    const config: ResolvedConfig = {
      species: [speciesConfig('A', 1, 1, 1), speciesConfig('B', 2, -1, 0.6)],
      collisions: { enabled: false, gamma: 0, knudsen: 1 },
      field: { enabled: true },
      grid: { nx: 6, length: 5, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'density', amplitude: 0.2, mode: 1 },
      time: { dt: 0.3, tEnd: 0.3, outputEvery: 1 },
    };
    const setup = simulationSetup(config);
    const { grid, chargeToMass } = setup;
    const { nx, length } = config.grid;
    const state = initialState(setup);
    const backend = new CpuBackend(setup, state);
    await strangStep(setup, backend);
    const tau = config.time.dt / 2;
    const xWeights = advectXWeights(grid, nx, length, tau);
    let f = advectX(state, grid, nx, xWeights);
    const field = fieldFromMoments(setup, velocityMoments(f, grid, 2 * nx, 1));
    // each V(Δt/2) is the shift and its moment correction
    const vStep = (g: Float64Array, e: Float64Array) => {
      const out = advectV(g, grid, nx, advectVWeights(grid, e, chargeToMass, tau));
      vShiftMomentCorrection(g, out, grid, nx, advectVShifts(e, chargeToMass, tau));
      return out;
    };
    f = advectX(vStep(vStep(f, field), field), grid, nx, xWeights);
    const got = backend.snapshot();
    const peak = Math.max(...f);
    let worst = 0;
    for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(got[i]! - f[i]!) / peak);
    expect(worst).toBeLessThan(1e-13);
    // the field of the initial state would give another step: the order is visible
    const early = fieldFromMoments(setup, velocityMoments(state, grid, 2 * nx, 1));
    const other = advectX(vStep(vStep(advectX(state, grid, nx, xWeights), early), early), grid, nx, xWeights);
    let apart = 0;
    for (let i = 0; i < f.length; i++) apart = Math.max(apart, Math.abs(other[i]! - f[i]!) / peak);
    expect(apart).toBeGreaterThan(1e-6);
  });
});
