import { DEFAULT_REMAINDER, type ResolvedConfig, type SpeciesConfig } from '../../src/physics/config';
import { resolveConfig } from '../../src/physics/configSchema';

/** A species at rest, θ = 1, unit diameter: the usual test set-up. */
export const speciesConfig = (
  name: string,
  mass: number,
  charge: number,
  density: number,
): SpeciesConfig => ({
  name,
  mass,
  charge,
  diameter: 1,
  density,
  temperature: 1,
  drift: [0, 0, 0],
});

/**
 * The well-prepared wave of issue 15's remainder tests: one gas (m = 1, n = ½ + ½, θ = 1) written as
 * two identical charged species, Maxwell molecules at ε = 0.01, an isentropic density wave
 * (F(0) = F_0(0), no O(1) initial layer), n_x = 8, N_v = 8 in a box of 5, the automatic Δt of `dtRule`.
 */
export function wellPreparedWave(
  scheme: 'exponential' | 'trapezoidal',
  time: { tEnd: number; outputEvery: number; dtRule: 'accurate' | 'stable' },
): ResolvedConfig {
  return resolveConfig({
    species: [speciesConfig('A', 1, 1, 0.5), speciesConfig('B', 1, 1, 0.5)],
    collisions: { enabled: true, gamma: 0, knudsen: 0.01, scheme },
    field: { enabled: true },
    grid: { nx: 8, length: 2 * Math.PI, nv: 8, vmax: 5 },
    perturbation: { kind: 'isentropic', amplitude: 0.01, mode: 1 },
    time: { dt: null, ...time },
    remainder: DEFAULT_REMAINDER,
  }).config;
}
