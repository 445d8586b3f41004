/**
 * Where the remainder's norms are taken (PHYSICS.md §3, numerical honesty): θ_M of the global
 * Maxwellian and each species' trusted velocity ball. The engine's RemainderMonitor measures with
 * them, and the reports show them beside the numbers (summary.json of `sim run`, the page's readouts).
 */
import type { SimulationConfig } from './config';
import { globalMaxwellianTemperature, trustedBallRadius } from './remainder';

/** μ_M ≥ TRUSTED_FLOOR · μ_M(0) defines the trusted ball (f32 noise / √μ_M stays ≲ 1e−5 of F there). */
export const TRUSTED_FLOOR = 1e-4;

export interface RemainderBall {
  /** θ̄ (density-weighted background temperature) and θ_M. */
  readonly thetaBar: number;
  readonly thetaM: number;
  /** Radius r_α of the ball μ_M^α ≥ floorRatio · μ_M^α(0), per species. */
  readonly trustedRadius: readonly [number, number];
  readonly floorRatio: number;
}

export function remainderBall(config: SimulationConfig): RemainderBall {
  const [A, B] = config.species;
  const thetaBar = (A.density * A.temperature + B.density * B.temperature) / (A.density + B.density);
  const thetaM = globalMaxwellianTemperature(A.mass, B.mass, thetaBar);
  return {
    thetaBar,
    thetaM,
    trustedRadius: [
      trustedBallRadius(A.mass, thetaM, TRUSTED_FLOOR),
      trustedBallRadius(B.mass, thetaM, TRUSTED_FLOOR),
    ],
    floorRatio: TRUSTED_FLOOR,
  };
}
