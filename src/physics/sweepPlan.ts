/**
 * The ε-sweep before and between runs (PHYSICS.md §3): the plan (one resolved config per Knudsen
 * number, every refusal decided before the first run), the record of a finished point, and the
 * check of stored finished points against a plan so that an interrupted sweep resumes with only
 * its own points. Pure data and checks: the engine's runSweep runs a plan, the CLI keeps finished
 * points in sweep-progress.json and the page in IndexedDB, and both resume from them.
 */
import type { DtRule } from './collision/stiffness';
import type { RemainderConfig, ResolvedConfig } from './config';
import { MAX_NX, MAX_STEPS, type ParsedConfig, resolveConfig, stepCount } from './configSchema';
import {
  REMAINDER_NORM_COLUMN,
  remainderValidityReference,
  type TheoremReference,
  TRUST_TOLERANCE,
  type TrustCheck,
} from './validity';
import { InvalidParameterError, SUPPORTED_NV } from './velocityGrid';

/** The remainder columns the sweep reads from every row (config.ts TIMESERIES_COLUMNS). */
export const REMAINDER_COLUMNS = [
  'remainder_L2',
  'remainder_Linf_w',
  'remainder_field_L2',
  'remainder_energy',
] as const;
export type RemainderColumn = (typeof REMAINDER_COLUMNS)[number];

/** Everything decided before the first run: a refusal must not come after an hour of computing. */
export interface SweepPlan {
  readonly parsed: ParsedConfig;
  /** One resolved config per ε, in the order given. */
  readonly configs: readonly ResolvedConfig[];
  /** resolveConfig's warnings over all ε, each once. */
  readonly warnings: readonly string[];
  readonly settings: RemainderConfig;
  readonly column: RemainderColumn;
  /** What is known of T_valid(ε) for the measured (n, r): the model's slope, the theorem where it applies. */
  readonly theorem: TheoremReference;
  readonly trustCheck: boolean;
  /** Each point also rerun on 2 n_x cells (refinedNxConfig), part of the trust check (issue 20). */
  readonly refineNx: boolean;
  /** Each point also rerun on 2 N_v velocity points in a √2 × wider box (refinedNvConfig), part of the trust check. */
  readonly refineNv: boolean;
  /** The automatic Δt's rule at every point (sweepDtRule). */
  readonly dtRule: DtRule;
}

/**
 * The automatic Δt's rule of a sweep: the config's time.dtRule where it sets one, else "expansion"
 * with the exponential collision step (λ̄ ≤ 1 at every ε: the capped "accurate" rule lets λ̄ grow
 * like 1/ε, and the step's O(Δt) deviation then dominates the remainder, ε-independently; README
 * issue 20) and "accurate" with the trapezoidal one (its fixed point is exact at any λ̄).
 */
export function sweepDtRule(parsed: ParsedConfig): DtRule {
  if (parsed.time.dtRule !== undefined) return parsed.time.dtRule;
  return (parsed.collisions.scheme ?? 'exponential') === 'exponential' ? 'expansion' : 'accurate';
}

export interface SweepPlanOptions {
  /** Rerun every point at dt/2 (default true). */
  readonly trustCheck?: boolean;
  /**
   * Rerun every point on 2 n_x cells too (default: with the trust check, where n_x > 1): the
   * remainder divides whatever the kinetic run and its fluid reference do differently by ε, the
   * x-grid's error included, which halving dt cannot see (issue 20).
   */
  readonly refineNx?: boolean;
  /** How the user turns the trust check off, quoted in the dt refusal (the CLI: "pass --no-trust-check"). */
  readonly trustCheckOff?: string;
  /** How the user turns the 2 n_x rerun off, quoted in the n_x refusal (the CLI: "pass --no-refine-nx"). */
  readonly refineNxOff?: string;
  /**
   * Rerun every point on the refined velocity grid too (refinedNvConfig; default: with the trust
   * check). It costs 8× the work and memory of a step, but the velocity grid enters the remainder
   * twice, neither of which a dt or n_x rerun sees: the discrete Maxwellian's fluxes (an Euler-level
   * error, divided by ε) and the collision operator's resolution and kernel truncation (the
   * Navier–Stokes-level F_1 the n = 0 remainder reads).
   */
  readonly refineNv?: boolean;
  /** How the user turns the velocity rerun off, quoted in the N_v refusal (the CLI: "pass --no-refine-nv"). */
  readonly refineNvOff?: string;
}

/**
 * Resolves the config at every ε (throws the first InvalidParameterError: collisions off, a field
 * out of range, a grid the collision operator cannot resolve, a dt whose rerun at dt/2 has more
 * than MAX_STEPS steps).
 */
export function planSweep(
  parsed: ParsedConfig,
  knudsen: readonly number[],
  options: SweepPlanOptions = {},
): SweepPlan {
  const trustCheck = options.trustCheck ?? true;
  // the grid reruns are part of the trust check; a homogeneous run (n_x = 1) has no x-grid to refine
  const refineNx = trustCheck && parsed.grid.nx > 1 && (options.refineNx ?? true);
  if (refineNx && 2 * parsed.grid.nx > MAX_NX) {
    throw new InvalidParameterError(
      'grid.nx',
      `at most ${MAX_NX / 2} when the trust check reruns each point on 2 n_x cells ` +
        `(or ${options.refineNxOff ?? 'turn that rerun off'})`,
      parsed.grid.nx,
    );
  }
  const refineNv = trustCheck && (options.refineNv ?? true);
  if (refineNv && !(SUPPORTED_NV as readonly number[]).includes(2 * parsed.grid.nv)) {
    throw new InvalidParameterError(
      'grid.nv',
      `at most ${Math.max(...SUPPORTED_NV) / 2} when the trust check reruns each point on 2 N_v velocity points ` +
        `(or ${options.refineNvOff ?? 'turn that rerun off'})`,
      parsed.grid.nv,
    );
  }
  if (!parsed.collisions.enabled) {
    throw new InvalidParameterError(
      'collisions.enabled',
      'true (the sweep varies collisions.knudsen, which acts only through the collisions)',
      false,
    );
  }
  const settings: RemainderConfig = parsed.remainder;
  const column = REMAINDER_NORM_COLUMN[settings.norm];
  const gamma = parsed.collisions.gamma;
  const theorem = remainderValidityReference(settings, gamma);
  const warnings = new Set<string>();
  const dtRule = sweepDtRule(parsed);
  const configs = knudsen.map((eps) => {
    const { config, warnings: w } = resolveConfig({
      ...parsed,
      collisions: { ...parsed.collisions, knudsen: eps },
      time: { ...parsed.time, dtRule },
    });
    for (const text of w) warnings.add(text);
    const steps = stepCount(config);
    if (trustCheck && 2 * steps > MAX_STEPS) {
      throw new InvalidParameterError(
        'time.dt',
        `the trust check reruns at dt/2, ${2 * steps} steps, more than ${MAX_STEPS} ` +
          `(raise time.dt or ${options.trustCheckOff ?? 'turn the trust check off'})`,
        config.time.dt,
      );
    }
    return config;
  });
  return {
    parsed,
    configs,
    warnings: [...warnings],
    settings,
    column,
    theorem,
    trustCheck,
    refineNx,
    refineNv,
    dtRule,
  };
}

/**
 * The trust check's x-refinement of a point: 2 n_x cells, the same dt and output times (the
 * semi-Lagrangian x-shift is stable at any dt; its automatic limit is for accuracy), so that only
 * the x-grid changes, in the kinetic run and in its fluid reference alike.
 */
export function refinedNxConfig(config: ResolvedConfig): ResolvedConfig {
  return { ...config, grid: { ...config.grid, nx: 2 * config.grid.nx } };
}

/**
 * The trust check's velocity refinement: 2 N_v points on a box √2 × wider, the same dt and output
 * times. Both velocity-grid errors then shrink: the spacing Δv by 1/√2 (the quadrature of the
 * discrete Maxwellian's moments, the collision operator's resolution) and the kernel truncation
 * R = 2S by √2 with the box (PHYSICS.md §4; the box's truncation is what a finer grid in the same
 * box cannot see, README issue 16).
 */
export function refinedNvConfig(config: ResolvedConfig): ResolvedConfig {
  return { ...config, grid: { ...config.grid, nv: 2 * config.grid.nv, vmax: Math.SQRT2 * config.grid.vmax } };
}

/** The record of one ε in sweep.json (and one row of validity.csv). */
export interface SweepPoint {
  readonly knudsen: number;
  readonly dt: number;
  readonly steps: number;
  /** First time the chosen norm exceeds the threshold; null = never up to tEnd. */
  readonly validityTime: number | null;
  /** null: not checked (no trust check). */
  readonly trustworthy: boolean | null;
  readonly normsAtEnd: Record<RemainderColumn, number>;
  /** The rerun at dt/2, absent without the trust check. */
  readonly halfDt?: SweepRerun & { readonly dt: number };
  /** The rerun on 2 n_x cells (same dt), absent without it (SweepPlan.refineNx). */
  readonly doubleNx?: SweepRerun & { readonly nx: number };
  /** The rerun on 2 N_v velocity points (same box, same dt), absent without it (SweepPlan.refineNv). */
  readonly doubleNv?: SweepRerun & { readonly nv: number };
  /**
   * The time the fluid reference failed (engine/remainderMonitor.ts) before the chosen norm crossed
   * the threshold: T_valid was not measured and the point is not trustworthy. Absent otherwise.
   */
  readonly referenceFailed?: number;
}

/** A trust-check rerun of a point, and how far it moved the point. */
export interface SweepRerun {
  readonly validityTime: number | null;
  readonly normsAtEnd: Record<RemainderColumn, number>;
  /** Relative change |a − b|/max(|a|, |b|) of `compared`; null in JSON when not comparable. */
  readonly change: number;
  readonly compared: TrustCheck['compared'];
}

/** A rerun that moved the point by less than the trust check's tolerance (validity.ts refinementCheck). */
export function rerunPasses(rerun: SweepRerun): boolean {
  return rerun.change < TRUST_TOLERANCE;
}

/**
 * Which refinements moved the point by the trust check's tolerance or more ("dt", "nx", "nv"), and
 * "fluid" when its fluid reference failed before T_valid; empty when none did or none ran.
 */
export function failedRefinements(point: SweepPoint): ('dt' | 'nx' | 'nv' | 'fluid')[] {
  const failed: ('dt' | 'nx' | 'nv' | 'fluid')[] = [];
  if (point.referenceFailed !== undefined) failed.push('fluid');
  if (point.halfDt && !rerunPasses(point.halfDt)) failed.push('dt');
  if (point.doubleNx && !rerunPasses(point.doubleNx)) failed.push('nx');
  if (point.doubleNv && !rerunPasses(point.doubleNv)) failed.push('nv');
  return failed;
}

/**
 * Points finished by an earlier run of the same plan (an interrupted sweep, resumed): index in the
 * plan → its point. The caller vouches that the plan is the same (the CLI compares a hash of the
 * config, the ε list and the settings); a point whose ε differs from the plan's is run again.
 */
export interface SweepResume {
  readonly points: ReadonlyMap<number, SweepPoint>;
  /** The adapter the earlier run reported. */
  readonly adapter?: string;
}

/**
 * A finished point as it is kept between sessions (sim sweep's sweep-progress.json, the browser's
 * IndexedDB record of an unfinished sweep): its index in the plan's ε list and the point.
 */
export interface FinishedSweepPoint {
  readonly index: number;
  readonly point: SweepPoint;
}

/** The finished points of a SweepResume-style map, in plan order, as they are stored. */
export function finishedSweepPoints(points: ReadonlyMap<number, SweepPoint>): FinishedSweepPoint[] {
  return [...points].sort((a, b) => a[0] - b[0]).map(([index, point]) => ({ index, point }));
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isTime = (x: unknown) => x === null || (typeof x === 'number' && !Number.isNaN(x));
const isNorms = (x: unknown) => isObject(x) && REMAINDER_COLUMNS.every((c) => typeof x[c] === 'number');
const COMPARED: readonly TrustCheck['compared'][] = ['validity_time', 'norm_at_tEnd'];

/**
 * Whether `value` has the shape runSweep gives a SweepPoint (a stored one read back: a file, a
 * database record). Non-finite numbers are allowed where runSweep can produce them (the norms, the
 * trust check's change); the plan-level checks are resumeFromStored's.
 */
export function isSweepPoint(value: unknown): value is SweepPoint {
  if (!isObject(value)) return false;
  const { knudsen, dt, steps, validityTime, trustworthy, normsAtEnd, halfDt, doubleNx, doubleNv } = value;
  const { referenceFailed } = value;
  if (referenceFailed !== undefined && !(typeof referenceFailed === 'number' && referenceFailed >= 0)) {
    return false;
  }
  const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (!positive(knudsen) || !positive(dt) || !(Number.isSafeInteger(steps) && (steps as number) >= 0)) {
    return false;
  }
  if (!isTime(validityTime) || !(trustworthy === null || typeof trustworthy === 'boolean')) return false;
  if (!isNorms(normsAtEnd)) return false;
  const isRerun = (rerun: unknown, key: 'dt' | 'nx' | 'nv') =>
    isObject(rerun) &&
    positive(rerun[key]) &&
    isTime(rerun.validityTime) &&
    isNorms(rerun.normsAtEnd) &&
    typeof rerun.change === 'number' &&
    COMPARED.includes(rerun.compared as TrustCheck['compared']);
  if (halfDt !== undefined && !isRerun(halfDt, 'dt')) return false;
  if (
    doubleNx !== undefined &&
    !(isRerun(doubleNx, 'nx') && Number.isSafeInteger((doubleNx as { nx: unknown }).nx))
  ) {
    return false;
  }
  if (
    doubleNv !== undefined &&
    !(isRerun(doubleNv, 'nv') && Number.isSafeInteger((doubleNv as { nv: unknown }).nv))
  ) {
    return false;
  }
  return true;
}

/** A stored sweep's finished points do not belong to its plan (or are not points at all). */
export class SweepResumeError extends Error {
  override readonly name = 'SweepResumeError';
}

/**
 * The resume of `plan` from stored finished points (FinishedSweepPoint[] as read back, unchecked).
 * Throws SweepResumeError naming the first fault: not a list, an entry that is not {index, point},
 * an index outside the plan or repeated, a point of the wrong shape, or one whose ε or dt is not
 * the plan's at that index, or whose dt/2 rerun is not the plan's (the points were made by another
 * sweep). Taken as they
 * are, such points would put another sweep's numbers into this one's fit.
 */
export function resumeFromStored(plan: SweepPlan, stored: unknown, adapter?: string): SweepResume {
  if (!Array.isArray(stored)) throw new SweepResumeError('the finished points are not a list');
  const points = new Map<number, SweepPoint>();
  for (const [n, entry] of stored.entries()) {
    const where = `finished point ${n + 1} of ${stored.length}`;
    if (!isObject(entry)) throw new SweepResumeError(`${where} is not an {index, point} entry`);
    const { index, point } = entry;
    if (!(Number.isSafeInteger(index) && (index as number) >= 0 && (index as number) < plan.configs.length)) {
      throw new SweepResumeError(
        `${where} has index ${String(index)}, not one of the plan's 0..${plan.configs.length - 1}`,
      );
    }
    const i = index as number;
    if (points.has(i)) throw new SweepResumeError(`${where} repeats index ${i}`);
    if (!isSweepPoint(point)) throw new SweepResumeError(`${where} (index ${i}) is not a well-formed point`);
    const config = plan.configs[i]!;
    const eps = config.collisions.knudsen;
    if (point.knudsen !== eps) {
      throw new SweepResumeError(
        `${where} is for ε = ${point.knudsen}, but the plan's ε at index ${i} is ${eps}`,
      );
    }
    if (point.dt !== config.time.dt) {
      throw new SweepResumeError(
        `${where} (ε = ${eps}) was run with dt = ${point.dt}; the plan's dt is ${config.time.dt}`,
      );
    }
    if (plan.trustCheck !== (point.halfDt !== undefined)) {
      throw new SweepResumeError(
        `${where} (ε = ${eps}) ${point.halfDt ? 'has' : 'lacks'} the dt/2 rerun, but the plan ${plan.trustCheck ? 'has' : 'has no'} trust check`,
      );
    }
    if (plan.refineNx !== (point.doubleNx !== undefined)) {
      throw new SweepResumeError(
        `${where} (ε = ${eps}) ${point.doubleNx ? 'has' : 'lacks'} the 2 n_x rerun, but the plan ${plan.refineNx ? 'has' : 'has no'} such rerun`,
      );
    }
    if (plan.refineNv !== (point.doubleNv !== undefined)) {
      throw new SweepResumeError(
        `${where} (ε = ${eps}) ${point.doubleNv ? 'has' : 'lacks'} the 2 N_v rerun, but the plan ${plan.refineNv ? 'has' : 'has no'} such rerun`,
      );
    }
    points.set(i, point);
  }
  return { points, ...(adapter ? { adapter } : {}) };
}
