/**
 * The first-order reference's start (src/engine/firstOrderReference.ts): U_0(0) comes from the
 * moments of the kinetic initial data, which carry f32 rounding in n_A/n; the closure holds one
 * composition and HilbertFluid refuses a spread above 1e−9. Rounding (≤ 1e−6) is removed at unchanged
 * n, anything larger is refused naming the cell.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPOSITION_SNAP,
  FirstOrderReference,
  hilbertExpansionParts,
} from '../../../src/engine/firstOrderReference';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { fluidStateFromConfig } from '../../../src/physics/fluid/twoFluidEulerPoisson';

const config = resolveConfig(
  parseConfig({
    species: [
      { name: 'A', mass: 1, charge: 0, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 2, charge: 0, diameter: 1, density: 0.5, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen: 0.1, accuracy: 'fast' },
    field: { enabled: false },
    grid: { nx: 4, length: 2 * Math.PI, nv: 8, vmax: 3.5, tolerance: 0.5 },
    perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
    time: { dt: 0.01, tEnd: 0.1, outputEvery: 1 },
    remainder: { order: 1, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy' },
  }),
).config;

describe('the first-order reference starts at the closure composition', () => {
  const parts = hilbertExpansionParts(config);
  const composition = 1 / 1.5;

  it('f32-sized rounding of n_A/n is removed at unchanged n; a real spread is refused naming the cell', () => {
    expect(parts.closure.composition).toBeCloseTo(composition, 15);
    const state = fluidStateFromConfig(config);
    const densityA = Float64Array.from(state.densityA);
    const densityB = Float64Array.from(state.densityB);
    densityA[2] = densityA[2]! * (1 + 1e-8); // what f32 moments carry
    const reference = new FirstOrderReference({ ...state, densityA, densityB }, parts);
    const u0 = reference.zerothOrderState();
    for (let i = 0; i < 4; i++) {
      const n = u0.densityA[i]! + u0.densityB[i]!;
      expect(u0.densityA[i]! / n).toBeCloseTo(composition, 14);
      expect(n / (densityA[i]! + densityB[i]!)).toBeCloseTo(1, 14);
    }
    const off = Float64Array.from(state.densityA);
    off[1] = off[1]! * (1 + 10 * COMPOSITION_SNAP);
    expect(() => new FirstOrderReference({ ...state, densityA: off, densityB }, parts)).toThrow(
      /first-order reference: n_A\/n = .* in cell 1, the closure holds/,
    );
  });
});
