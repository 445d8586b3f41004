/**
 * The ε-sweep of the validity time (PHYSICS.md §3, issue 5): one run per Knudsen number, T_valid =
 * the first time the chosen remainder norm exceeds the threshold, each point rerun at dt/2 (the
 * trust check of "numerical honesty"), the log–log fit of T_valid against 1/ε with its standard
 * error over the trustworthy points, and the theorem's y(k, γ) beside it. Pure logic, no node:
 * imports: `sim sweep` (src/cli/sweep.ts) writes files and a terminal log from it, the worker streams
 * its points to the page. The engine that runs one config is passed in (SweepRunner); progress comes
 * back through SweepObserver, and an AbortSignal cancels between steps (the runner's job) and
 * between runs (this loop's).
 */
import type { RemainderConfig, ResolvedConfig, TimeseriesRow } from '../physics/config';
import { MAX_STEPS, type ParsedConfig, resolveConfig, stepCount } from '../physics/configSchema';
import { theoremExponent } from '../physics/remainder';
import {
  type LogLogFit,
  logLogFit,
  REMAINDER_NORM_COLUMN,
  refinementCheck,
  TRUST_TOLERANCE,
  type TrustCheck,
  validityTime,
} from '../physics/validity';
import { InvalidParameterError } from '../physics/velocityGrid';

/** The remainder columns the sweep reads from every row (config.ts TIMESERIES_COLUMNS). */
export const REMAINDER_COLUMNS = [
  'remainder_L2',
  'remainder_Linf_w',
  'remainder_field_L2',
  'remainder_energy',
] as const;
export type RemainderColumn = (typeof REMAINDER_COLUMNS)[number];

/** validity.csv columns, in this order. */
export const VALIDITY_CSV_COLUMNS = [
  'knudsen',
  'validity_time',
  'trustworthy',
  'dt',
  ...REMAINDER_COLUMNS.map((c) => `${c}_at_tEnd` as const),
  'validity_time_half_dt',
  'trust_change',
] as const;

/** The rule of the trust check, in words (validity.csv comment, sweep.json). */
export const TRUST_RULE =
  `a point is trustworthy when halving dt (same output times) changes T_valid by less than ${100 * TRUST_TOLERANCE} % ` +
  '(relative to the larger of the two); when neither run crosses the threshold, the chosen norm at tEnd; ' +
  'not trustworthy when only one run crosses it';

/** Runs one resolved config to tEnd (or until `signal` aborts), calling onRow at every output. */
export type SweepRunner = (
  config: ResolvedConfig,
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  signal?: AbortSignal,
) => Promise<{ steps: number; adapter: string }>;

/** Everything decided before the first run: a refusal must not come after an hour of computing. */
export interface SweepPlan {
  readonly parsed: ParsedConfig;
  /** One resolved config per ε, in the order given. */
  readonly configs: readonly ResolvedConfig[];
  /** resolveConfig's warnings over all ε, each once. */
  readonly warnings: readonly string[];
  readonly settings: RemainderConfig;
  readonly column: RemainderColumn;
  readonly theorem: { readonly y: number; readonly k: number; readonly gamma: number };
  readonly trustCheck: boolean;
}

export interface SweepPlanOptions {
  /** Rerun every point at dt/2 (default true). */
  readonly trustCheck?: boolean;
  /** How the user turns the trust check off, quoted in the dt refusal (the CLI: "pass --no-trust-check"). */
  readonly trustCheckOff?: string;
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
  const theorem = { y: theoremExponent(settings.k, gamma), k: settings.k, gamma };
  const warnings = new Set<string>();
  const configs = knudsen.map((eps) => {
    const { config, warnings: w } = resolveConfig({
      ...parsed,
      collisions: { ...parsed.collisions, knudsen: eps },
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
  return { parsed, configs, warnings: [...warnings], settings, column, theorem, trustCheck };
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
  readonly halfDt?: {
    readonly dt: number;
    readonly validityTime: number | null;
    readonly normsAtEnd: Record<RemainderColumn, number>;
    /** Relative change |a − b|/max(|a|, |b|) of `compared`; null in JSON when not comparable. */
    readonly change: number;
    readonly compared: TrustCheck['compared'];
  };
}

/** One run of the sweep: point `point` of `points`, at dt or (halfDt) at dt/2. */
export interface SweepRun {
  readonly point: number;
  readonly points: number;
  readonly knudsen: number;
  readonly halfDt: boolean;
  readonly config: ResolvedConfig;
  readonly totalSteps: number;
}

export interface SweepRunOutcome {
  readonly validityTime: number | null;
  readonly steps: number;
  readonly seconds: number;
  /** The rerun at dt/2 only: its verdict against the run at dt. */
  readonly check?: TrustCheck;
}

export interface SweepObserver {
  /** A point taken from an earlier, interrupted sweep instead of being run (SweepResume). */
  onSkip?(point: SweepPoint, index: number): void;
  onRunStart?(run: SweepRun): void;
  /** After each output of a run; `done`/`total`: steps of the whole sweep (for a progress bar). */
  onStep?(run: SweepRun, step: number, done: number, total: number): void;
  onRunEnd?(run: SweepRun, outcome: SweepRunOutcome): void;
  /** A point is complete (after its trust check). */
  onPoint?(point: SweepPoint, index: number): void;
  /** A run failed and `recover` (runSweep) made it possible to go on: `note` says how; the run is repeated. */
  onRecover?(run: SweepRun, note: string): void;
}

export type SweepFit = LogLogFit & { readonly knudsen: number[] };

export interface SweepOutcome {
  /** True when the signal stopped the sweep: `points` holds the points finished before. */
  readonly cancelled: boolean;
  readonly points: readonly SweepPoint[];
  /** Over the trustworthy points (the unchecked ones without the trust check). */
  readonly fit: SweepFit;
  /** Over every point with a T_valid. */
  readonly fitAll: SweepFit;
  readonly adapter: string;
  readonly wallSeconds: number;
}

/** Steps of the whole sweep: each ε at dt, and at dt/2 (twice the steps) with the trust check. */
export function sweepTotalSteps(plan: SweepPlan): number {
  return plan.configs.reduce((sum, c) => sum + stepCount(c) * (plan.trustCheck ? 3 : 1), 0);
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
 * What to do when a run throws (the worker: its GPU device was lost). Resolves to a line saying
 * what was done to make a repeat possible (e.g. a new device acquired), and runSweep repeats that
 * run from its start, the finished points kept; null when the error is not one to recover from
 * (runSweep rethrows it).
 */
export type SweepRecovery = (error: unknown, run: SweepRun) => Promise<string | null>;

/** Repeats of one run after recoveries before its error is rethrown (a device lost again and again). */
export const MAX_RUN_RECOVERIES = 3;

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
  const { knudsen, dt, steps, validityTime, trustworthy, normsAtEnd, halfDt } = value;
  const positive = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x > 0;
  if (!positive(knudsen) || !positive(dt) || !(Number.isSafeInteger(steps) && (steps as number) >= 0)) {
    return false;
  }
  if (!isTime(validityTime) || !(trustworthy === null || typeof trustworthy === 'boolean')) return false;
  if (!isNorms(normsAtEnd)) return false;
  if (halfDt === undefined) return true;
  return (
    isObject(halfDt) &&
    positive(halfDt.dt) &&
    isTime(halfDt.validityTime) &&
    isNorms(halfDt.normsAtEnd) &&
    typeof halfDt.change === 'number' &&
    COMPARED.includes(halfDt.compared as TrustCheck['compared'])
  );
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
    points.set(i, point);
  }
  return { points, ...(adapter ? { adapter } : {}) };
}

/**
 * Runs the plan; stops between runs (and, through the runner, between steps) once `signal` aborts.
 * With `resume`, its points are taken as they are (observer.onSkip) and the rest are run: the
 * outcome is the one of an uninterrupted sweep (every point is a pure function of its config).
 * With `recover`, a run that throws is repeated once recover says it can be (observer.onRecover):
 * only the interrupted run is redone, never a finished point.
 */
export async function runSweep(
  plan: SweepPlan,
  runner: SweepRunner,
  observer: SweepObserver = {},
  signal?: AbortSignal,
  resume?: SweepResume,
  recover?: SweepRecovery,
): Promise<SweepOutcome> {
  const { configs, settings, column } = plan;
  const total = sweepTotalSteps(plan);
  let done = 0;
  const started = performance.now();
  const points: SweepPoint[] = [];
  let adapter = resume?.adapter ?? '';
  let cancelled = false;

  const runSeries = async (run: SweepRun) => {
    const before = done;
    for (let recoveries = 0; ; recoveries++) {
      observer.onRunStart?.(run);
      try {
        // a fresh series per attempt: rows of an interrupted attempt are not mixed in
        const series = await seriesOf(run.config, runner, signal, (step) => {
          done = before + step;
          observer.onStep?.(run, step, done, total);
        });
        done = before + run.totalSteps;
        return series;
      } catch (e) {
        done = before;
        if (!recover || signal?.aborted || recoveries >= MAX_RUN_RECOVERIES) throw e;
        const note = await recover(e, run);
        if (note === null) throw e;
        observer.onRecover?.(run, note);
      }
    }
  };

  for (const [i, config] of configs.entries()) {
    if (signal?.aborted) break;
    const eps = config.collisions.knudsen;
    const finished = resume?.points.get(i);
    if (finished && finished.knudsen === eps) {
      done += stepCount(config) * (plan.trustCheck ? 3 : 1);
      points.push(finished);
      observer.onSkip?.(finished, i);
      continue;
    }
    const main: SweepRun = {
      point: i,
      points: configs.length,
      knudsen: eps,
      halfDt: false,
      config,
      totalSteps: stepCount(config),
    };
    const series = await runSeries(main);
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    adapter ||= series.adapter;
    const tValid = validityTime(series.t, series.norms[column], settings.threshold);
    const normsAtEnd = lastValues(series);
    observer.onRunEnd?.(main, { validityTime: tValid, steps: series.steps, seconds: series.seconds });
    let point: SweepPoint = {
      knudsen: eps,
      dt: config.time.dt,
      steps: series.steps,
      validityTime: tValid,
      trustworthy: null,
      normsAtEnd,
    };
    if (plan.trustCheck) {
      // Same output times at dt/2: the interpolation of T_valid is then the same in both runs.
      const half: ResolvedConfig = {
        ...config,
        time: { ...config.time, dt: config.time.dt / 2, outputEvery: 2 * config.time.outputEvery },
      };
      const halfRun: SweepRun = { ...main, halfDt: true, config: half, totalSteps: stepCount(half) };
      const rerun = await runSeries(halfRun);
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      const halfT = validityTime(rerun.t, rerun.norms[column], settings.threshold);
      const halfNorms = lastValues(rerun);
      const check = refinementCheck(
        { validityTime: tValid, normAtEnd: normsAtEnd[column] },
        { validityTime: halfT, normAtEnd: halfNorms[column] },
      );
      point = {
        ...point,
        trustworthy: check.trustworthy,
        halfDt: {
          dt: half.time.dt,
          validityTime: halfT,
          normsAtEnd: halfNorms,
          change: check.change,
          compared: check.compared,
        },
      };
      observer.onRunEnd?.(halfRun, {
        validityTime: halfT,
        steps: rerun.steps,
        seconds: rerun.seconds,
        check,
      });
    }
    points.push(point);
    observer.onPoint?.(point, i);
  }
  if (signal?.aborted) cancelled = true;
  const wallSeconds = (performance.now() - started) / 1000;
  const usable = points.filter((p) => p.trustworthy !== false);
  return { cancelled, points, fit: sweepFit(usable), fitAll: sweepFit(points), adapter, wallSeconds };
}

/** ln T_valid = intercept + slope · ln(1/ε) by least squares over `points` (those with a T_valid). */
export function sweepFit(points: readonly SweepPoint[]): SweepFit {
  // T_valid = 0 (the norm is above the threshold at t = 0: data that are not well-prepared, e.g.
  // θ_A ≠ θ_B) has no logarithm: such a point stays in validity.csv but not in the fit
  const onLogAxes = (p: SweepPoint) => p.validityTime !== null && p.validityTime > 0;
  return {
    ...logLogFit(
      points.map((p) => 1 / p.knudsen),
      points.map((p) => (onLogAxes(p) ? p.validityTime : null)),
    ),
    knudsen: points.filter(onLogAxes).map((p) => p.knudsen),
  };
}

/** validity.csv: # comment lines, the header VALIDITY_CSV_COLUMNS, one row per point. */
export function validityCsv(
  points: readonly SweepPoint[],
  column: string,
  settings: RemainderConfig,
  tEnd: number,
  trustCheck: boolean,
): string {
  const number = (x: number | null | undefined) =>
    x === null || x === undefined ? '' : Number.isFinite(x) ? x.toPrecision(9) : String(x);
  const lines = [
    '# sim sweep: validity time T_valid(ε) of the Hilbert expansion (PHYSICS.md §3)',
    `# validity_time: first time ${column} (remainder.norm = "${settings.norm}") exceeds remainder.threshold = ` +
      `${settings.threshold}, linearly interpolated between outputs; empty = not reached by tEnd = ${tEnd}`,
    `# trustworthy (true/false): ${trustCheck ? TRUST_RULE : 'not checked (--no-trust-check): empty'}`,
    '# dt: the time step of the run; *_at_tEnd: the four remainder norms at t = tEnd (run at dt)',
    '# validity_time_half_dt, trust_change: the rerun at dt/2 and the relative change it made (empty if not run)',
    VALIDITY_CSV_COLUMNS.join(','),
  ];
  for (const p of points) {
    lines.push(
      [
        String(p.knudsen),
        number(p.validityTime),
        p.trustworthy === null ? '' : String(p.trustworthy),
        String(p.dt),
        ...REMAINDER_COLUMNS.map((c) => number(p.normsAtEnd[c])),
        number(p.halfDt?.validityTime),
        number(p.halfDt?.change),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One run's remainder norms at each output. */
interface RunSeries {
  readonly t: number[];
  readonly norms: Record<RemainderColumn, number[]>;
  readonly steps: number;
  readonly adapter: string;
  readonly seconds: number;
}

async function seriesOf(
  config: ResolvedConfig,
  runner: SweepRunner,
  signal: AbortSignal | undefined,
  onStep: (step: number) => void,
): Promise<RunSeries> {
  const t: number[] = [];
  const norms = Object.fromEntries(REMAINDER_COLUMNS.map((c) => [c, [] as number[]])) as Record<
    RemainderColumn,
    number[]
  >;
  const started = performance.now();
  const result = await runner(
    config,
    (row: TimeseriesRow, step) => {
      for (const c of ['t', ...REMAINDER_COLUMNS] as const) {
        if (typeof row[c] !== 'number')
          throw new Error(`the engine's row at step ${step} has no number for "${c}"`);
      }
      t.push(row.t);
      for (const c of REMAINDER_COLUMNS) norms[c].push(row[c]);
      onStep(step);
    },
    signal,
  );
  if (t.length === 0) throw new Error('the engine produced no output rows (not even the initial state)');
  return {
    t,
    norms,
    steps: result.steps,
    adapter: result.adapter,
    seconds: (performance.now() - started) / 1000,
  };
}

function lastValues(series: RunSeries): Record<RemainderColumn, number> {
  return Object.fromEntries(REMAINDER_COLUMNS.map((c) => [c, series.norms[c].at(-1)!])) as Record<
    RemainderColumn,
    number
  >;
}
