/**
 * What the page's trust checks share (timeStepCheck.ts, floorCheck.ts): the run so far repeated on a
 * session of its own up to the time of the run's last output, and that output of the rerun.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { runSimulation } from './run';

export interface RerunOptions {
  readonly signal?: AbortSignal;
  readonly onStep?: (step: number, totalSteps: number) => void;
}

/** Steps of Δt to `row.t`; refuses t = 0 and a time that is not a whole number of steps. */
export function stepsToOutput(row: TimeseriesRow, dt: number, check: string): number {
  const steps = Math.round(row.t / dt);
  if (!(steps >= 1)) throw new RangeError(`the ${check} needs a run that has taken at least one step`);
  if (Math.abs(steps * dt - row.t) > 1e-6 * Math.max(row.t, dt)) {
    throw new RangeError(
      `the ${check} needs an output at a whole number of steps (t = ${row.t}, Δt = ${dt})`,
    );
  }
  return steps;
}

/** Runs `config` (its tEnd the compared time t) and returns its output at t. */
export async function rerunTo(
  config: ResolvedConfig,
  t: number,
  device: GPUDevice | null,
  options: RerunOptions,
  check: string,
): Promise<TimeseriesRow> {
  let last: TimeseriesRow | null = null;
  await runSimulation(
    config,
    device,
    (r, step, total) => {
      last = r;
      options.onStep?.(step, total);
    },
    options.signal ? { signal: options.signal } : {},
  );
  const rerun = last as TimeseriesRow | null;
  if (rerun === null || Math.abs(rerun.t - t) > 1e-6 * Math.max(t, config.time.dt)) {
    throw new Error(`the ${check} was stopped before it reached the compared time`);
  }
  return rerun;
}
