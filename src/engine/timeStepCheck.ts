/**
 * The trust check of the page's remainder readout (issue 15): the run so far repeated at Δt/2 on a
 * session of its own, and the remainder norms at the same time compared (physics/timeStepCheck.ts).
 * The sweep's check (sweep.ts, refinementCheck) does the same for T_valid; this one is for the
 * numbers a user reads at any moment of an interactive run.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { compareTimeStep, type TimeStepCheck } from '../physics/timeStepCheck';
import { runSimulation } from './run';

/**
 * Rerun `config` (the run's current configuration, its Δt included) from t = 0 to `row.t` at Δt/2
 * and compare the remainder norms with `row`, the run's output at that time. `row.t` must be a
 * whole number of Δt (outputs are). Refuses t = 0 (nothing to check: the norms there are the data's).
 */
export async function timeStepCheck(
  config: ResolvedConfig,
  row: TimeseriesRow,
  device: GPUDevice | null,
  options: { signal?: AbortSignal; onStep?: (step: number, totalSteps: number) => void } = {},
): Promise<TimeStepCheck> {
  const dt = config.time.dt;
  const steps = Math.round(row.t / dt);
  if (!(steps >= 1)) throw new RangeError('the Δt/2 check needs a run that has taken at least one step');
  if (Math.abs(steps * dt - row.t) > 1e-6 * Math.max(row.t, dt)) {
    throw new RangeError(
      `the Δt/2 check needs an output at a whole number of steps (t = ${row.t}, Δt = ${dt})`,
    );
  }
  const halfSteps = 2 * steps;
  const half: ResolvedConfig = {
    ...config,
    time: { ...config.time, dt: dt / 2, tEnd: halfSteps * (dt / 2), outputEvery: halfSteps },
  };
  let last: TimeseriesRow | null = null;
  await runSimulation(
    half,
    device,
    (r, step, total) => {
      last = r;
      options.onStep?.(step, total);
    },
    options.signal ? { signal: options.signal } : {},
  );
  const rerun = last as TimeseriesRow | null;
  if (rerun === null || Math.abs(rerun.t - row.t) > 1e-6 * Math.max(row.t, dt)) {
    throw new Error('the Δt/2 check was stopped before it reached the compared time');
  }
  return compareTimeStep(row, rerun, dt);
}
