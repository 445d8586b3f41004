/**
 * The demo slab of the moments probe: one species, a perturbed local Maxwellian on a small grid.
 * The engine's momentsProbe takes its velocity moments on the GPU and in float64; the page and
 * `npm run sim -- probe` start from DEFAULT_PROBE, so both show the same numbers.
 */
import type { Perturbation, SpeciesState } from './initialData';

export interface ProbeSetup {
  readonly nx: number;
  readonly nv: number;
  readonly length: number;
  readonly species: SpeciesState;
  readonly perturbation: Perturbation;
}

export const DEFAULT_PROBE: ProbeSetup = {
  nx: 64,
  nv: 16,
  length: 4 * Math.PI,
  species: { mass: 16, density: 1, temperature: 1, drift: [0, 0, 0] },
  perturbation: { kind: 'isentropic', amplitude: 0.3, mode: 1 },
};
