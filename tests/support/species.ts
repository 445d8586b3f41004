import type { SpeciesConfig } from '../../src/physics/config';

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
