/**
 * Running the ε-sweep of the validity time (PHYSICS.md §3) that physics/sweepPlan.ts plans: one run
 * per Knudsen number, T_valid = the first time the chosen remainder norm exceeds the threshold, each
 * point rerun at dt/2 and on 2 n_x cells (the trust check of "numerical honesty"), then the log–log fit of T_valid
 * against 1/ε with its standard error over the trustworthy points, and validity.csv. No node:
 * imports: `sim sweep` (src/cli/sweep.ts) writes files and a terminal log from it, the worker streams
 * its points to the page. The engine that runs one config is passed in (SweepRunner); progress comes
 * back through SweepObserver, and an AbortSignal cancels between steps (the runner's job) and
 * between runs (this loop's).
 */
import type { RemainderConfig, ResolvedConfig, TimeseriesRow } from '../physics/config';
import { stepCount } from '../physics/configSchema';
import {
  failedRefinements,
  REMAINDER_COLUMNS,
  type RemainderColumn,
  refinedNvConfig,
  refinedNxConfig,
  rerunPasses,
  type SweepPlan,
  type SweepPoint,
  type SweepRerun,
  type SweepResume,
} from '../physics/sweepPlan';
import {
  type LogLogFit,
  logLogFit,
  refinementCheck,
  TRUST_TOLERANCE,
  type TrustCheck,
  validityTime,
} from '../physics/validity';

/** validity.csv columns, in this order. */
export const VALIDITY_CSV_COLUMNS = [
  'knudsen',
  'validity_time',
  'trustworthy',
  'dt',
  ...REMAINDER_COLUMNS.map((c) => `${c}_at_tEnd` as const),
  'validity_time_half_dt',
  'trust_change',
  'validity_time_double_nx',
  'nx_change',
  'validity_time_double_nv',
  'nv_change',
  'failed_refinements',
  'fluid_reference_failed_at',
] as const;

/** The rule of the trust check, in words (validity.csv comment, sweep.json). */
export const TRUST_RULE =
  `a point is trustworthy when halving dt (same output times) and, where run, doubling n_x or N_v (same dt) each change ` +
  `T_valid by less than ${100 * TRUST_TOLERANCE} % ` +
  '(relative to the larger of the two); when neither run crosses the threshold, the chosen norm at tEnd; ' +
  'not trustworthy when only one run crosses it';

/** Runs one resolved config to tEnd (or until `signal` aborts), calling onRow at every output. */
export type SweepRunner = (
  config: ResolvedConfig,
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  signal?: AbortSignal,
) => Promise<{ steps: number; adapter: string }>;

/**
 * One run of the sweep: point `point` of `points`, at dt or (halfDt) at dt/2, or (doubleNx) on 2 n_x
 * cells, or (doubleNv) on 2 N_v points in a √2 × wider box.
 */
export interface SweepRun {
  readonly point: number;
  readonly points: number;
  readonly knudsen: number;
  readonly halfDt: boolean;
  readonly doubleNx?: boolean;
  /** The rerun on 2 N_v velocity points in a √2 × wider box (refinedNvConfig). */
  readonly doubleNv?: boolean;
  readonly config: ResolvedConfig;
  readonly totalSteps: number;
}

export interface SweepRunOutcome {
  readonly validityTime: number | null;
  readonly steps: number;
  readonly seconds: number;
  /** A rerun (dt/2, 2 n_x, 2 N_v) only: its verdict against the run at dt. */
  readonly check?: TrustCheck;
  /** The time its fluid reference failed (the remainder unknown from there), or null. */
  readonly referenceFailed?: number | null;
}

export interface SweepObserver {
  /** A point taken from an earlier, interrupted sweep instead of being run (SweepResume). */
  onSkip?(point: SweepPoint, index: number): void;
  onRunStart?(run: SweepRun): void;
  /**
   * After each output of a run; `step`: the run's step; `done`/`total`: the work of the whole sweep
   * in steps of the point's run at dt, weighted by phase-space points (runWork; for a progress bar).
   */
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

/**
 * The work of a run in steps of its point's run at dt: its steps times the phase-space points per
 * step relative to that run's (n_x N_v³). So the rerun at dt/2 counts twice, the one on 2 n_x cells
 * twice and the one on 2 N_v points 8 times (a lower bound: the collision operator grows faster than
 * N_v³, measured 8–19× on the CPU, README issue 20), and a progress bar does not sit at 3/4 while
 * the 2 N_v rerun takes most of the time.
 */
function runWork(job: ResolvedConfig, main: ResolvedConfig): number {
  const points = (c: ResolvedConfig) => c.grid.nx * c.grid.nv ** 3;
  return stepCount(job) * (points(job) / points(main));
}

/** The work of the whole sweep (runWork summed over every run of every point), for SweepObserver.onStep. */
export function sweepTotalWork(plan: SweepPlan): number {
  return plan.configs.reduce((sum, _c, i) => sum + workOfPoint(plan, i), 0);
}

function workOfPoint(plan: SweepPlan, i: number): number {
  return pointJobs(plan, i).reduce((sum, job) => sum + runWork(job.config, plan.configs[i]!), 0);
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
  const total = sweepTotalWork(plan);
  let done = 0;
  const started = performance.now();
  const points: SweepPoint[] = [];
  let adapter = resume?.adapter ?? '';
  let cancelled = false;

  const runSeries = async (run: SweepRun, work: number) => {
    const before = done;
    for (let recoveries = 0; ; recoveries++) {
      observer.onRunStart?.(run);
      try {
        // a fresh series per attempt: rows of an interrupted attempt are not mixed in
        const series = await seriesOf(run.config, runner, signal, (step) => {
          done = before + (work * step) / run.totalSteps;
          observer.onStep?.(run, step, done, total);
        });
        done = before + work;
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
      done += workOfPoint(plan, i);
      points.push(finished);
      observer.onSkip?.(finished, i);
      continue;
    }
    // the point's runs in sweepJobs' order: at dt, then the trust check's reruns
    const results: Partial<Record<SweepRunKind, SweepRunResult>> = {};
    for (const job of pointJobs(plan, i)) {
      const run: SweepRun = {
        point: i,
        points: configs.length,
        knudsen: eps,
        halfDt: job.kind === 'halfDt',
        ...(job.kind === 'doubleNx' ? { doubleNx: true } : {}),
        ...(job.kind === 'doubleNv' ? { doubleNv: true } : {}),
        config: job.config,
        totalSteps: stepCount(job.config),
      };
      const series = await runSeries(run, runWork(job.config, config));
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
      adapter ||= series.adapter;
      const result = sweepRunResult(series, column, settings.threshold);
      results[job.kind] = result;
      const main = results.main!;
      observer.onRunEnd?.(run, {
        validityTime: result.validityTime,
        steps: result.steps,
        seconds: result.seconds,
        referenceFailed: result.referenceFailed,
        ...(job.kind === 'main'
          ? {}
          : { check: refinementCheck(outcomeOf(main, column), outcomeOf(result, column)) }),
      });
    }
    if (cancelled) break;
    const point = assembleSweepPoint(plan, i, results);
    points.push(point);
    observer.onPoint?.(point, i);
  }
  if (signal?.aborted) cancelled = true;
  const wallSeconds = (performance.now() - started) / 1000;
  return { cancelled, points, ...sweepFits(points), adapter, wallSeconds };
}

/** The fit over the points not found untrustworthy, and the fit over all of them (SweepOutcome). */
export function sweepFits(points: readonly SweepPoint[]): { fit: SweepFit; fitAll: SweepFit } {
  return { fit: sweepFit(points.filter((p) => p.trustworthy !== false)), fitAll: sweepFit(points) };
}

/** Which run of a point a job is: at dt, or one of the trust check's reruns. */
export type SweepRunKind = 'main' | 'halfDt' | 'doubleNx' | 'doubleNv';

/** A run kind in words, for logs: "at dt", "at dt/2", "on 2 n_x", "on 2 N_v". */
export function describeRunKind(kind: SweepRunKind): string {
  return { main: 'at dt', halfDt: 'at dt/2', doubleNx: 'on 2 n_x', doubleNv: 'on 2 N_v' }[kind];
}

/** The kind of a run from its flags (SweepRun). */
export function runKindOf(run: SweepRun): SweepRunKind {
  return run.doubleNv ? 'doubleNv' : run.doubleNx ? 'doubleNx' : run.halfDt ? 'halfDt' : 'main';
}

/**
 * One run of the sweep as a unit of work of its own (`sim sweep plan` gives each to a Slurm array
 * task): job `index` is point `point`'s run `kind` with its resolved config.
 */
export interface SweepJob {
  readonly index: number;
  readonly point: number;
  readonly kind: SweepRunKind;
  readonly config: ResolvedConfig;
}

/** What the sweep keeps of one run: T_valid, the norms at tEnd, where its reference failed. */
export interface SweepRunResult {
  readonly validityTime: number | null;
  readonly normsAtEnd: Record<RemainderColumn, number>;
  /** The first output without a fluid reference, or null (RunSeries). */
  readonly referenceFailed: number | null;
  readonly steps: number;
  readonly seconds: number;
  readonly adapter: string;
}

/** The config of a point's run `kind` (the same output times at dt/2; only one grid doubled). */
export function jobConfig(config: ResolvedConfig, kind: SweepRunKind): ResolvedConfig {
  switch (kind) {
    case 'main':
      return config;
    case 'halfDt':
      return {
        ...config,
        time: { ...config.time, dt: config.time.dt / 2, outputEvery: 2 * config.time.outputEvery },
      };
    case 'doubleNx':
      return refinedNxConfig(config);
    case 'doubleNv':
      return refinedNvConfig(config);
  }
}

/** The runs of point i: at dt, then at dt/2 (trust check), on 2 n_x, on 2 N_v (as the plan asks). */
function pointJobs(plan: SweepPlan, i: number): Omit<SweepJob, 'index'>[] {
  const kinds: SweepRunKind[] = [
    'main',
    ...(plan.trustCheck ? (['halfDt'] as const) : []),
    ...(plan.refineNx ? (['doubleNx'] as const) : []),
    ...(plan.refineNv ? (['doubleNv'] as const) : []),
  ];
  return kinds.map((kind) => ({ point: i, kind, config: jobConfig(plan.configs[i]!, kind) }));
}

/** Every run of the plan, numbered in the order runSweep runs them. */
export function sweepJobs(plan: SweepPlan): SweepJob[] {
  return plan.configs.flatMap((_, i) => pointJobs(plan, i)).map((job, index) => ({ index, ...job }));
}

/** A run's series as the sweep keeps it (T_valid over the outputs that have a fluid reference). */
export function sweepRunResult(
  series: RunSeries,
  column: RemainderColumn,
  threshold: number,
): SweepRunResult {
  return {
    validityTime: measuredValidityTime(series, column, threshold),
    normsAtEnd: lastValues(series),
    referenceFailed: series.referenceFailed,
    steps: series.steps,
    seconds: series.seconds,
    adapter: series.adapter,
  };
}

const outcomeOf = (result: SweepRunResult, column: RemainderColumn) => ({
  validityTime: result.validityTime,
  normAtEnd: result.normsAtEnd[column],
});

/**
 * Point i of the plan from its runs' results (`main` and the reruns the plan asks for): the trust
 * check of each rerun against the run at dt (validity.ts refinementCheck), the point trustworthy when
 * every rerun passes and its T_valid was measured. The one assembly of runSweep and `sim sweep merge`.
 */
export function assembleSweepPoint(
  plan: SweepPlan,
  i: number,
  results: Partial<Record<SweepRunKind, SweepRunResult>>,
): SweepPoint {
  const config = plan.configs[i]!;
  const { column } = plan;
  const main = results.main;
  if (!main) throw new RangeError(`assembleSweepPoint: point ${i} has no run at dt`);
  const needed = pointJobs(plan, i).map((j) => j.kind);
  const absent = needed.filter((kind) => !results[kind]);
  if (absent.length > 0)
    throw new RangeError(`assembleSweepPoint: point ${i} lacks the run(s) ${absent.join(', ')}`);
  // the fluid reference failed before the norm crossed: T_valid is unmeasured, not "never"
  const unmeasured = main.validityTime === null && main.referenceFailed !== null;
  let point: SweepPoint = {
    knudsen: config.collisions.knudsen,
    dt: config.time.dt,
    steps: main.steps,
    validityTime: main.validityTime,
    trustworthy: unmeasured ? false : null,
    normsAtEnd: main.normsAtEnd,
    ...(unmeasured ? { referenceFailed: main.referenceFailed! } : {}),
  };
  const rerunOf = (result: SweepRunResult): SweepRerun => {
    const check = refinementCheck(outcomeOf(main, column), outcomeOf(result, column));
    return {
      validityTime: result.validityTime,
      normsAtEnd: result.normsAtEnd,
      change: check.change,
      compared: check.compared,
    };
  };
  if (results.halfDt) {
    const rerun = rerunOf(results.halfDt);
    point = {
      ...point,
      trustworthy: !unmeasured && rerunPasses(rerun),
      halfDt: { dt: jobConfig(config, 'halfDt').time.dt, ...rerun },
    };
  }
  if (results.doubleNx) {
    const rerun = rerunOf(results.doubleNx);
    point = {
      ...point,
      trustworthy: point.trustworthy !== false && rerunPasses(rerun),
      doubleNx: { nx: jobConfig(config, 'doubleNx').grid.nx, ...rerun },
    };
  }
  if (results.doubleNv) {
    const rerun = rerunOf(results.doubleNv);
    point = {
      ...point,
      trustworthy: point.trustworthy !== false && rerunPasses(rerun),
      doubleNv: { nv: jobConfig(config, 'doubleNv').grid.nv, ...rerun },
    };
  }
  return point;
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
    '# validity_time_double_nx, nx_change: the rerun on 2 n_x cells (same dt) and its change (empty if not run)',
    '# validity_time_double_nv, nv_change: the rerun on 2 N_v points in a √2 × wider box (same dt) and its change (empty if not run)',
    '# failed_refinements: the reruns that moved the point by the tolerance or more (dt, nx, nv; "+"-joined), ' +
      'and fluid when the fluid reference failed before T_valid',
    '# fluid_reference_failed_at: the time the fluid reference failed before the norm crossed the threshold ' +
      '(validity_time then empty: not measured); empty otherwise',
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
        number(p.doubleNx?.validityTime),
        number(p.doubleNx?.change),
        number(p.doubleNv?.validityTime),
        number(p.doubleNv?.change),
        failedRefinements(p).join('+'),
        number(p.referenceFailed),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One run's remainder norms at each output. */
export interface RunSeries {
  readonly t: number[];
  readonly norms: Record<RemainderColumn, number[]>;
  /**
   * The first output without a fluid reference (every remainder column NaN: remainderMonitor.ts),
   * or null; the norms are not read from there on.
   */
  readonly referenceFailed: number | null;
  readonly steps: number;
  readonly adapter: string;
  readonly seconds: number;
}

export async function seriesOf(
  config: ResolvedConfig,
  runner: SweepRunner,
  signal: AbortSignal | undefined,
  onStep: (step: number) => void,
): Promise<RunSeries> {
  const rows: TimeseriesRow[] = [];
  const started = performance.now();
  const result = await runner(
    config,
    (row: TimeseriesRow, step) => {
      rows.push(row);
      onStep(step);
    },
    signal,
  );
  return seriesFromRows(rows, result.steps, result.adapter, (performance.now() - started) / 1000);
}

/** A run's series from its rows (every output, t = 0 first); throws for a row without a remainder column. */
export function seriesFromRows(
  rows: readonly TimeseriesRow[],
  steps: number,
  adapter: string,
  seconds: number,
): RunSeries {
  const t: number[] = [];
  const norms = Object.fromEntries(REMAINDER_COLUMNS.map((c) => [c, [] as number[]])) as Record<
    RemainderColumn,
    number[]
  >;
  for (const [i, row] of rows.entries()) {
    for (const c of ['t', ...REMAINDER_COLUMNS] as const) {
      if (typeof row[c] !== 'number') throw new Error(`the engine's row ${i} has no number for "${c}"`);
    }
    t.push(row.t);
    for (const c of REMAINDER_COLUMNS) norms[c].push(row[c]);
  }
  if (t.length === 0) throw new Error('the engine produced no output rows (not even the initial state)');
  const failedAt = t.findIndex((_, i) => REMAINDER_COLUMNS.every((c) => Number.isNaN(norms[c][i])));
  return { t, norms, referenceFailed: failedAt < 0 ? null : t[failedAt]!, steps, adapter, seconds };
}

/**
 * T_valid of a run: validity.ts validityTime over the outputs that have a fluid reference (a
 * non-finite norm after it failed is not a crossing: the remainder is unknown there).
 */
function measuredValidityTime(series: RunSeries, column: RemainderColumn, threshold: number): number | null {
  const { t, norms, referenceFailed } = series;
  const kept = referenceFailed === null ? t.length : t.indexOf(referenceFailed);
  return validityTime(t.slice(0, kept), norms[column].slice(0, kept), threshold);
}

function lastValues(series: RunSeries): Record<RemainderColumn, number> {
  return Object.fromEntries(REMAINDER_COLUMNS.map((c) => [c, series.norms[c].at(-1)!])) as Record<
    RemainderColumn,
    number
  >;
}
