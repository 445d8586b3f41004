/**
 * Guarding the numerics: after each output step the run is checked for NaN/Inf, large negative
 * values of F and loss of conservation beyond its bound. A failed check is answered by a rollback
 * to the last good state with Δt halved (down to a floor); giving up names the likely cause. This
 * file holds the checks, the rollback rule and the cause (pure); the session keeps its last good
 * state and goes back to it.
 *
 * Bounds, and why:
 * - min F ≥ −NEGATIVE_FRACTION · max F per species: the spectral collision operator leaves small
 *   negative tail values (measured ≲ 1 % of the peak in relaxation tests, README), a blown-up step
 *   gives O(1) ones;
 * - n_α conserved to MASS_DRIFT relative: every part of the step conserves n_α to f32 round-off
 *   (x and v shifts are exact on the mean, collisions are projected), so 1e−3 is a failure;
 * - total energy (kinetic + field) to ENERGY_DRIFT relative: the semi-Lagrangian Vlasov–Poisson
 *   step conserves it only to its truncation error, so the bound is loose (1e−1 flags a blow-up,
 *   not an accuracy problem; the conservation columns show the drift itself).
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { resolveConfig, timeStepLimits } from '../physics/configSchema';
import { FLUID_REFERENCE_COLUMNS } from './step';

export const NEGATIVE_FRACTION = 0.05;
export const MASS_DRIFT = 1e-3;
export const ENERGY_DRIFT = 1e-1;
/** Δt is halved at most this many times (Δt ≥ Δt₀/2^MAX_HALVINGS) before the run gives up. */
export const MAX_HALVINGS = 6;

export type HealthVerdict = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Checks one output: the state F ([species][cell][N³]) and its row against the t = 0 row. The
 * remainder columns are the fluid reference's, an observer's: a failed reference (NaN there) is
 * not the kinetic run's failure (remainderMonitor.ts), so only the kinetic columns are checked.
 */
export function assessHealth(
  state: ArrayLike<number>,
  row: TimeseriesRow,
  initial: TimeseriesRow,
): HealthVerdict {
  const observed = new Set<string>(FLUID_REFERENCE_COLUMNS);
  for (const [name, value] of Object.entries(row)) {
    if (observed.has(name)) continue;
    if (!Number.isFinite(value)) return { ok: false, problem: `${name} = ${value} (not finite)` };
  }
  const half = state.length / 2;
  for (let s = 0; s < 2; s++) {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = s * half; i < (s + 1) * half; i++) {
      const f = state[i]!;
      if (!Number.isFinite(f))
        return { ok: false, problem: `F of species ${'AB'[s]} has a non-finite value` };
      if (f < min) min = f;
      if (f > max) max = f;
    }
    if (min < -NEGATIVE_FRACTION * max) {
      return {
        ok: false,
        problem: `F of species ${'AB'[s]} reaches ${min.toPrecision(3)}, below −${NEGATIVE_FRACTION} × its peak ${max.toPrecision(3)}`,
      };
    }
  }
  for (const column of ['mass_A', 'mass_B'] as const) {
    const drift = Math.abs(row[column] - initial[column]) / Math.abs(initial[column]);
    if (drift > MASS_DRIFT) {
      return { ok: false, problem: `${column} drifted by ${drift.toExponential(2)} (bound ${MASS_DRIFT})` };
    }
  }
  const energyDrift = Math.abs(row.energy_total - initial.energy_total) / Math.abs(initial.energy_total);
  if (energyDrift > ENERGY_DRIFT) {
    return {
      ok: false,
      problem: `energy_total drifted by ${energyDrift.toExponential(2)} (bound ${ENERGY_DRIFT})`,
    };
  }
  return { ok: true };
}

/** The likely cause of a run that failed its checks even at the smallest Δt, in words. */
export function likelyCause(config: ResolvedConfig, warnings: readonly string[] = []): string {
  // the collision limit is accuracy, not stability (both collision steps are stable at any Δt)
  const { collision: _accuracyOnly, ...limits } = timeStepLimits(config, config.grid.vmax);
  const named = Object.entries(limits).filter(([, limit]) => limit !== undefined) as [string, number][];
  const tightest = named.sort((a, b) => a[1] - b[1])[0];
  if (tightest && config.time.dt > 2 * tightest[1]) {
    return `time step above the CFL limit: dt = ${config.time.dt.toPrecision(3)} > ${tightest[1].toPrecision(3)} (${tightest[0]} limit); leave time.dt null for the automatic choice`;
  }
  const coarse = warnings.find((w) => /grid\.nv|mass ratio|resolve/i.test(w));
  if (coarse) return `velocity grid too coarse for the mass ratio (${coarse})`;
  if (config.collisions.enabled && config.collisions.knudsen < 1e-3) {
    return `ε regime: ε = ${config.collisions.knudsen} is small for this grid; the spectral collision operator's tail errors grow (try a larger grid.nv or ε)`;
  }
  return 'no single cause identified: check the perturbation amplitude, the grid and dt';
}

/**
 * The run failed its checks even after MAX_HALVINGS halvings of Δt: the session gives up rather than
 * produce garbage. `likelyCause` is likelyCause()'s sentence; the CLI exits with status 4.
 */
export class UnstableRunError extends Error {
  override name = 'UnstableRunError';
  constructor(
    readonly problem: string,
    readonly likelyCause: string,
    detail: string,
  ) {
    super(`the run is unstable: ${detail}; likely cause: ${likelyCause}`);
  }
}

/** One rollback of the step guard. Times are simulation times; dt and outputEvery the new ones. */
export interface GuardEvent {
  /** The output that failed its check, and why (assessHealth's problem). */
  readonly failedTime: number;
  readonly problem: string;
  /** The last good output the run went back to. */
  readonly resumedTime: number;
  readonly dt: number;
  readonly outputEvery: number;
  /** Halvings so far (≤ MAX_HALVINGS). */
  readonly halvings: number;
  /** All of it in one line. */
  readonly message: string;
}

/** Where a run stands when an output fails its check. */
export interface FailedOutput {
  /** assessHealth's problem, and the time of the output that failed. */
  readonly problem: string;
  readonly failedTime: number;
  /** The config stepping now, the one given (reset() returns to it), and halvings so far. */
  readonly config: ResolvedConfig;
  readonly baseConfig: ResolvedConfig;
  readonly halvings: number;
  /** The step of the last good output, in steps of config.time.dt. */
  readonly goodStep: number;
}

/** guardRollback's answer: step on from the rollback, or give up (the error to throw). */
export type GuardRollback =
  | {
      readonly giveUp?: undefined;
      readonly config: ResolvedConfig;
      readonly goodStep: number;
      readonly event: GuardEvent;
    }
  | { readonly giveUp: UnstableRunError };

/**
 * The rollback of a failed output: the config with Δt halved AND outputEvery doubled, so the outputs
 * stay at the same times (step 2k at Δt/2 is step k at Δt, exactly: halving is exact in binary), the
 * last good output's step in the new Δt, and the event to report. After MAX_HALVINGS halvings,
 * instead, the UnstableRunError naming the likely cause. The caller goes back to its last good
 * state either way (never leaving the run at the failed state) and, on a rollback, steps on.
 */
export function guardRollback(failed: FailedOutput): GuardRollback {
  const { problem, failedTime, config, baseConfig } = failed;
  const { dt } = config.time;
  if (failed.halvings >= MAX_HALVINGS) {
    let warnings: string[] = [];
    try {
      warnings = resolveConfig(baseConfig).warnings;
    } catch {
      // the config was resolved once already; its warnings are only a hint here
    }
    return {
      giveUp: new UnstableRunError(
        problem,
        likelyCause(baseConfig, warnings),
        `at t = ${fmt(failedTime)}, ${problem}, still with dt halved ${MAX_HALVINGS} times ` +
          `(dt = ${fmt(dt)}, from ${fmt(baseConfig.time.dt)})`,
      ),
    };
  }
  const time = { ...config.time, dt: dt / 2, outputEvery: 2 * config.time.outputEvery };
  const halvings = failed.halvings + 1;
  const goodStep = 2 * failed.goodStep;
  const resumedTime = goodStep * time.dt;
  const event: GuardEvent = {
    failedTime,
    problem,
    resumedTime,
    dt: time.dt,
    outputEvery: time.outputEvery,
    halvings,
    message:
      `at t = ${fmt(failedTime)}: ${problem}; rolled back to t = ${fmt(resumedTime)} with dt halved to ` +
      `${fmt(time.dt)} (halving ${halvings} of at most ${MAX_HALVINGS}), output every ` +
      `${time.outputEvery} steps (the same output times)`,
  };
  return { config: { ...config, time }, goodStep, event };
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
