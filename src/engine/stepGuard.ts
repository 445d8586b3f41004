/**
 * Guarding the numerics (issue 8): after each output step the run is checked for NaN/Inf, large
 * negative values of F and loss of conservation beyond its bound. A failed check is answered by a
 * rollback to the last good state with Δt halved (down to a floor); giving up names the likely
 * cause. This file holds the checks and the cause (pure); the session does the rollback.
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
import { timeStepLimits } from '../physics/configSchema';

export const NEGATIVE_FRACTION = 0.05;
export const MASS_DRIFT = 1e-3;
export const ENERGY_DRIFT = 1e-1;
/** Δt is halved at most this many times (Δt ≥ Δt₀/2^MAX_HALVINGS) before the run gives up. */
export const MAX_HALVINGS = 6;

export type HealthVerdict = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/** Checks one output: the state F ([species][cell][N³]) and its row against the t = 0 row. */
export function assessHealth(
  state: ArrayLike<number>,
  row: TimeseriesRow,
  initial: TimeseriesRow,
): HealthVerdict {
  for (const [name, value] of Object.entries(row)) {
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
  const limits = timeStepLimits(config, config.grid.vmax);
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
