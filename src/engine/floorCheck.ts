/**
 * The floor check of the page's remainder readout (issue 20): the run so far repeated as its own
 * ε → 0 limit (collisions.fluidLimit: the collision step at λ = ∞, same grid, same Δt, the exponential
 * step's limit F ← M[F]), and its remainder at the run's ε compared with the run's
 * (physics/floorCheck.ts). Cheaper than the run: the operator's weight is zero, though it is still
 * evaluated.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { compareFloor, type FloorCheck } from '../physics/floorCheck';
import { type RerunOptions, rerunTo, stepsToOutput } from './rerun';

/** The floor run's config: the same run with the collision step at λ = ∞. */
export function fluidLimitConfig(config: ResolvedConfig, tEnd: number, steps: number): ResolvedConfig {
  return {
    ...config,
    collisions: { ...config.collisions, scheme: 'exponential', fluidLimit: true },
    time: { ...config.time, tEnd, outputEvery: steps },
  };
}

/**
 * Rerun `config` from t = 0 to `row.t` (a whole number of Δt) as its fluid limit and compare the
 * remainder readouts with `row`. Needs collisions on (without them there is no limit to take).
 */
export async function floorCheck(
  config: ResolvedConfig,
  row: TimeseriesRow,
  device: GPUDevice | null,
  options: RerunOptions = {},
): Promise<FloorCheck> {
  if (!config.collisions.enabled) {
    throw new RangeError('the floor check needs collisions on: its run is the collision step’s ε → 0 limit');
  }
  const steps = stepsToOutput(row, config.time.dt, 'floor check');
  const limit = fluidLimitConfig(config, steps * config.time.dt, steps);
  return compareFloor(row, await rerunTo(limit, row.t, device, options, 'floor check'));
}
