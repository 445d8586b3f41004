import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RemainderConfig, ResolvedConfig, TimeseriesRow } from '../physics/config';
import { MAX_STEPS, type ParsedConfig, parseConfig, resolveConfig, stepCount } from '../physics/configSchema';
import { theoremExponent } from '../physics/remainder';
import {
  type LogLogFit,
  logLogFit,
  REMAINDER_NORM_COLUMN,
  refinementCheck,
  TRUST_TOLERANCE,
  type TrustCheck,
  validityPlotSvg,
  validityTime,
} from '../physics/validity';
import { InvalidParameterError } from '../physics/velocityGrid';
import {
  InvalidInputError,
  type RunCommandIo,
  type RunSimulation,
  type TextSink,
  withOneLineErrors,
  writeAtomically,
} from './run';

/** The remainder columns the sweep reads from every row (config.ts TIMESERIES_COLUMNS). */
export const REMAINDER_COLUMNS = [
  'remainder_L2',
  'remainder_Linf_w',
  'remainder_field_L2',
  'remainder_energy',
] as const;
type RemainderColumn = (typeof REMAINDER_COLUMNS)[number];

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

const KNUDSEN_ALLOWED = 'a comma-separated list of distinct finite numbers > 0, e.g. 0.1,0.05,0.025';

/** `--knudsen 0.1,0.05,0.025` → [0.1, 0.05, 0.025]; commander reports a refusal naming the option. */
export function parseKnudsenList(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const numbers = parts.map((s) => (s === '' ? Number.NaN : Number(s)));
  const bad = parts.find((_part, i) => !(Number.isFinite(numbers[i]) && numbers[i]! > 0));
  if (bad !== undefined) {
    throw new InvalidArgumentError(`--knudsen must be ${KNUDSEN_ALLOWED}; "${bad}" is not a number > 0`);
  }
  if (new Set(numbers).size !== numbers.length)
    throw new InvalidArgumentError(`--knudsen must be ${KNUDSEN_ALLOWED}; a value is repeated`);
  return numbers;
}

interface SweepOptions {
  config: string;
  knudsen: number[];
  out: string;
  backend: 'gpu' | 'cpu';
  trustCheck: boolean;
}

export function registerSweepCommand(
  program: Command,
  runner: RunSimulation,
  io: RunCommandIo = {},
): Command {
  const command = program
    .command('sweep')
    .description(
      'validity time of the Hilbert expansion over a sweep of the Knudsen number; ' +
        'writes validity.csv, validity.svg and sweep.json',
    )
    .requiredOption(
      '--config <file.json>',
      'the run configuration (its "remainder" section: norm, threshold, k)',
    )
    .requiredOption(
      '--knudsen <list>',
      'the Knudsen numbers ε, comma-separated (e.g. 0.1,0.05,0.025)',
      parseKnudsenList,
    )
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .addOption(
      new Option('--backend <backend>', 'where the kernels run').choices(['gpu', 'cpu']).default('gpu'),
    )
    .option(
      '--no-trust-check',
      `skip the rerun at dt/2 (a point is trustworthy when T_valid changes by < ${100 * TRUST_TOLERANCE} %)`,
    );
  return withOneLineErrors<SweepOptions>(command, io, async (options, stderr) => {
    const progress = new RunProgress(stderr);
    try {
      await execute(options, runner, stderr, progress);
    } finally {
      progress.endLine();
    }
  });
}

/** One run's remainder norms at each output. */
interface RunSeries {
  readonly t: number[];
  readonly norms: Record<RemainderColumn, number[]>;
  readonly steps: number;
  readonly adapter: string;
  readonly seconds: number;
}

/** The record of one ε in sweep.json (and one row of validity.csv). */
export interface SweepPoint {
  readonly knudsen: number;
  readonly dt: number;
  readonly steps: number;
  /** First time the chosen norm exceeds the threshold; null = never up to tEnd. */
  readonly validityTime: number | null;
  /** null: not checked (--no-trust-check). */
  readonly trustworthy: boolean | null;
  readonly normsAtEnd: Record<RemainderColumn, number>;
  /** The rerun at dt/2, absent with --no-trust-check. */
  readonly halfDt?: {
    readonly dt: number;
    readonly validityTime: number | null;
    readonly normsAtEnd: Record<RemainderColumn, number>;
    /** Relative change |a − b|/max(|a|, |b|) of `compared`; null in JSON when not comparable. */
    readonly change: number;
    readonly compared: TrustCheck['compared'];
  };
}

async function execute(
  options: SweepOptions,
  runner: RunSimulation,
  stderr: TextSink,
  progress: RunProgress,
): Promise<void> {
  const parsed = loadConfig(options.config);
  const settings: RemainderConfig = parsed.remainder;
  const column = REMAINDER_NORM_COLUMN[settings.norm];
  const gamma = parsed.collisions.gamma;
  const theorem = { y: theoremExponent(settings.k, gamma), k: settings.k, gamma };

  // Resolve every ε before the first run: a refusal should not come after an hour of computing.
  const warnings = new Set<string>();
  const configs = options.knudsen.map((knudsen) => {
    const { config, warnings: w } = wrapInput(options.config, () =>
      resolveConfig({ ...parsed, collisions: { ...parsed.collisions, knudsen } }),
    );
    for (const text of w) warnings.add(text);
    const steps = stepCount(config);
    if (options.trustCheck && 2 * steps > MAX_STEPS) {
      throw new InvalidInputError(
        `${options.config}: time.dt = ${config.time.dt} is not allowed: the trust check reruns at dt/2, ` +
          `${2 * steps} steps, more than ${MAX_STEPS} (raise time.dt or pass --no-trust-check)`,
      );
    }
    return config;
  });
  for (const w of warnings) stderr.write(`warning: ${w}\n`);
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (e) {
    throw new InvalidInputError(`cannot create the output directory ${options.out}: ${messageOf(e)}`);
  }
  stderr.write(
    `sweep: ${configs.length} Knudsen number${configs.length === 1 ? '' : 's'}, T_valid = first time ` +
      `${column} > ${settings.threshold}, backend ${options.backend}` +
      `${options.trustCheck ? ', each point rerun at dt/2 (trust check)' : ', no trust check'}\n`,
  );

  const started = performance.now();
  const points: SweepPoint[] = [];
  let adapter = '';
  for (const [i, config] of configs.entries()) {
    const eps = config.collisions.knudsen;
    const tag = `sweep: [${i + 1}/${configs.length}] ε = ${fmt(eps)}`;
    const series = await runSeries(
      config,
      options.backend,
      runner,
      progress,
      `${tag}, dt = ${fmt(config.time.dt)}`,
    );
    adapter ||= series.adapter;
    const tValid = validityTime(series.t, series.norms[column], settings.threshold);
    const normsAtEnd = lastValues(series);
    stderr.write(`${tag}: T_valid = ${describeT(tValid, config)} (${stepsText(series)})\n`);
    let point: SweepPoint = {
      knudsen: eps,
      dt: config.time.dt,
      steps: series.steps,
      validityTime: tValid,
      trustworthy: null,
      normsAtEnd,
    };
    if (options.trustCheck) {
      // Same output times at dt/2: the interpolation of T_valid is then the same in both runs.
      const half: ResolvedConfig = {
        ...config,
        time: { ...config.time, dt: config.time.dt / 2, outputEvery: 2 * config.time.outputEvery },
      };
      const rerun = await runSeries(
        half,
        options.backend,
        runner,
        progress,
        `${tag}, dt/2 = ${fmt(half.time.dt)}`,
      );
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
      stderr.write(
        `${tag}: at dt/2, T_valid = ${describeT(halfT, config)}; ${check.compared === 'validity_time' ? 'T_valid' : `${column} at tEnd`} ` +
          `changes by ${Number.isFinite(check.change) ? `${fmt(100 * check.change)} %` : 'an incomparable amount'} → ` +
          `${check.trustworthy ? 'trustworthy' : 'NOT trustworthy'} (${stepsText(rerun)})\n`,
      );
    }
    points.push(point);
  }
  const wallSeconds = (performance.now() - started) / 1000;

  // The fit: over the trustworthy points (unchecked ones with --no-trust-check), and over all.
  const usable = points.filter((p) => p.trustworthy !== false);
  const fitOf = (ps: readonly SweepPoint[]): LogLogFit & { knudsen: number[] } => ({
    ...logLogFit(
      ps.map((p) => 1 / p.knudsen),
      ps.map((p) => p.validityTime),
    ),
    knudsen: ps.filter((p) => p.validityTime !== null).map((p) => p.knudsen),
  });
  const fit = fitOf(usable);
  const fitAll = fitOf(points);
  const tEnd = parsed.time.tEnd;

  const csv = validityCsv(points, column, settings, tEnd, options.trustCheck);
  const svg = validityPlotSvg(
    points.map((p) => ({
      knudsen: p.knudsen,
      validityTime: p.validityTime,
      trustworthy: p.trustworthy,
      tEnd,
    })),
    fit,
    theorem,
    { title: `Validity time of the Hilbert expansion: first time ${column} > ${settings.threshold}` },
  );
  const summary = {
    description:
      'T_valid(ε) = first time the chosen remainder norm exceeds the threshold (PHYSICS.md §3). fit: ' +
      'ln T_valid = intercept + slope · ln(1/ε) by least squares over the trustworthy points (the unchecked ' +
      'ones with --no-trust-check); fitAll: over every point with a T_valid. theorem.y: Theorem 1.1 ' +
      'guarantees T = O(ε^−y), a guaranteed scaling, not a prediction of the measured time.',
    norm: settings.norm,
    column,
    threshold: settings.threshold,
    tEnd,
    trustRule: options.trustCheck ? TRUST_RULE : 'not checked (--no-trust-check)',
    fit: { over: options.trustCheck ? 'trustworthy points' : 'unchecked points', ...fitJson(fit) },
    fitAll: fitJson(fitAll),
    theorem: { ...theorem, guarantee: 'T = O(ε^−y): a guaranteed scaling, not a prediction' },
    points,
    backend: options.backend,
    adapter,
    wallSeconds: Number(wallSeconds.toFixed(3)),
    warnings: [...warnings],
    config: parsed,
  };
  const csvPath = join(options.out, 'validity.csv');
  const svgPath = join(options.out, 'validity.svg');
  const jsonPath = join(options.out, 'sweep.json');
  // sweep.json last: on disk, it means the sweep finished and the other two files are whole.
  writeAtomically(csvPath, csv);
  writeAtomically(svgPath, svg);
  writeAtomically(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
  stderr.write(
    `sweep: ${fit.slope === null ? `no fit (${fit.n} usable point${fit.n === 1 ? '' : 's'} with a T_valid)` : `slope of ln T_valid against ln(1/ε) = ${fmt(fit.slope)} ± ${fit.slopeError === null ? '? (2 points)' : fmt(fit.slopeError)} over ${fit.n} points`}; ` +
      `theorem: T = O(ε^−y), y(${settings.k}, ${gamma}) = ${fmt(theorem.y)} (a guaranteed scaling, not a prediction)\n`,
  );
  stderr.write(`wrote ${csvPath}, ${svgPath} and ${jsonPath} in ${fmt(wallSeconds)} s\n`);
}

const TRUST_RULE =
  `a point is trustworthy when halving dt (same output times) changes T_valid by less than ${100 * TRUST_TOLERANCE} % ` +
  '(relative to the larger of the two); when neither run crosses the threshold, the chosen norm at tEnd; ' +
  'not trustworthy when only one run crosses it';

function fitJson(fit: LogLogFit & { knudsen: number[] }) {
  return {
    slope: fit.slope,
    slope_error: fit.slopeError,
    intercept: fit.intercept,
    points: fit.n,
    knudsen: fit.knudsen,
  };
}

async function runSeries(
  config: ResolvedConfig,
  backend: 'gpu' | 'cpu',
  runner: RunSimulation,
  progress: RunProgress,
  label: string,
): Promise<RunSeries> {
  const t: number[] = [];
  const norms = Object.fromEntries(REMAINDER_COLUMNS.map((c) => [c, [] as number[]])) as Record<
    RemainderColumn,
    number[]
  >;
  const started = performance.now();
  const total = stepCount(config);
  progress.start(label, total);
  const result = await runner(config, backend, (row: TimeseriesRow, step) => {
    for (const c of ['t', ...REMAINDER_COLUMNS] as const) {
      if (typeof row[c] !== 'number')
        throw new Error(`the engine's row at step ${step} has no number for "${c}"`);
    }
    t.push(row.t);
    for (const c of REMAINDER_COLUMNS) norms[c].push(row[c]);
    progress.update(step);
  });
  progress.endLine();
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

function validityCsv(
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

function describeT(tValid: number | null, config: ResolvedConfig): string {
  return tValid === null ? `never (below the threshold up to tEnd = ${config.time.tEnd})` : fmt(tValid);
}

function stepsText(series: RunSeries): string {
  return `${series.steps} steps in ${fmt(series.seconds)} s`;
}

/** Read, parse and validate; every failure names the file and is invalid input (as `sim run`). */
function loadConfig(path: string): ParsedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidInputError(`cannot read the config file ${path}: ${messageOf(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InvalidInputError(`the config file ${path} is not valid JSON: ${messageOf(e)}`);
  }
  const parsed = wrapInput(path, () => parseConfig(json));
  if (!parsed.collisions.enabled) {
    const e = new InvalidParameterError(
      'collisions.enabled',
      'true (the sweep varies collisions.knudsen, which acts only through the collisions)',
      false,
    );
    throw new InvalidInputError(`${path}: ${e.message}`, { cause: e });
  }
  return parsed;
}

function wrapInput<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidParameterError)
      throw new InvalidInputError(`${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Within a run: a \r-updated percentage on a terminal only (the per-point lines are the log). */
class RunProgress {
  private label = '';
  private total = 1;
  private lastDraw = -Infinity;
  private open = false;

  constructor(private readonly sink: TextSink) {}

  start(label: string, total: number): void {
    this.label = label;
    this.total = Math.max(1, total);
    this.lastDraw = -Infinity;
  }

  update(step: number): void {
    if (!this.sink.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && step < this.total) return;
    this.lastDraw = now;
    const percent = (100 * Math.min(1, step / this.total)).toFixed(0).padStart(3);
    this.sink.write(`\r${`${this.label}: ${percent}%  step ${step}/${this.total}`.padEnd(79)}`);
    this.open = true;
  }

  /** Clear the \r line, so the next message starts on a clean line. */
  endLine(): void {
    if (this.open) this.sink.write(`\r${' '.repeat(79)}\r`);
    this.open = false;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
