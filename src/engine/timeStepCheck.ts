/**
 * The trust check of the page's remainder readout (issue 15): the run so far repeated at Δt/2 on a
 * session of its own, and the remainder norms at the same time compared (physics/timeStepCheck.ts).
 * The sweep's check (sweep.ts, refinementCheck) does the same for T_valid; this one is for the
 * numbers a user reads at any moment of an interactive run.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { compareTimeStep, type TimeStepCheck } from '../physics/timeStepCheck';
import { type RerunOptions, rerunTo, stepsToOutput } from './rerun';

/**
 * Rerun `config` (the run's current configuration, its Δt included) from t = 0 to `row.t` at Δt/2
 * and compare the remainder norms with `row`, the run's output at that time. `row.t` must be a
 * whole number of Δt (outputs are). Refuses t = 0 (nothing to check: the norms there are the data's).
 */
export async function timeStepCheck(
  config: ResolvedConfig,
  row: TimeseriesRow,
  device: GPUDevice | null,
  options: RerunOptions = {},
): Promise<TimeStepCheck> {
  const dt = config.time.dt;
  const halfSteps = 2 * stepsToOutput(row, dt, 'Δt/2 check');
  const half: ResolvedConfig = {
    ...config,
    time: { ...config.time, dt: dt / 2, tEnd: halfSteps * (dt / 2), outputEvery: halfSteps },
  };
  return compareTimeStep(row, await rerunTo(half, row.t, device, options, 'Δt/2 check'), dt);
}
