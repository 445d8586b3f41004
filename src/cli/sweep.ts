/**
 * `sim sweep --config <f> --knudsen <list> --out <dir>`: the ε-sweep of src/engine/sweep.ts with a
 * terminal log, writing validity.csv, validity.svg and sweep.json atomically.
 *
 * Interrupted sweeps resume: after each finished point <out>/sweep-progress.json is
 * rewritten atomically with every finished point and a hash of the inputs (the parsed config, the
 * ε list, the trust check and the backend). A rerun with the same --out and the same inputs takes
 * those points as they are (stderr names each skipped one) and runs the rest, so validity.csv is the
 * uninterrupted sweep's; other inputs start over (stderr says so). The progress file is removed once
 * the outputs are written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { runSweep, type SweepFit, type SweepRun, TRUST_RULE, validityCsv } from '../engine/sweep';
import { refuseInaccurateGrid, withAccurateAutomaticBox } from '../physics/collision/gridAccuracy';
import type { ResolvedConfig } from '../physics/config';
import { type ParsedConfig, parseConfig } from '../physics/configSchema';
import {
  failedRefinements,
  finishedSweepPoints,
  isSweepPoint,
  planSweep,
  type SweepPlan,
  type SweepPoint,
  type SweepResume,
} from '../physics/sweepPlan';
import { modelDescription, TRUST_TOLERANCE, theoremCoverage, validityPlotSvg } from '../physics/validity';
import { InvalidParameterError } from '../physics/velocityGrid';
import {
  InvalidInputError,
  type RunCommandIo,
  type RunSimulation,
  type TextSink,
  withOneLineErrors,
  writeAtomically,
} from './run';

// The sweep's logic lives in src/physics/sweepPlan.ts and src/engine/sweep.ts (shared with the
// worker); re-exported for callers.
export { VALIDITY_CSV_COLUMNS } from '../engine/sweep';
export { REMAINDER_COLUMNS, type SweepPoint } from '../physics/sweepPlan';

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
  config?: string;
  knudsen?: number[];
  out?: string;
  backend: 'gpu' | 'cpu';
  trustCheck: boolean;
  refineNx: boolean;
  refineNv?: boolean;
}

export function registerSweepCommand(
  program: Command,
  runner: RunSimulation,
  io: RunCommandIo = {},
): Command {
  // `sim sweep plan|point|merge` (sweepCluster.ts) are subcommands of this one: with positional
  // options, the options after a subcommand's name are that subcommand's
  program.enablePositionalOptions();
  const command = program
    .command('sweep')
    .enablePositionalOptions()
    .description(
      'validity time of the Hilbert expansion over a sweep of the Knudsen number; ' +
        'writes validity.csv, validity.svg and sweep.json',
    )
    // required, but checked in the action: commander checks a parent's required options before it
    // dispatches to a subcommand (sim sweep plan …)
    .option('--config <file.json>', 'the run configuration (its "remainder" section: norm, threshold, k)')
    .option(
      '--knudsen <list>',
      'the Knudsen numbers ε, comma-separated (e.g. 0.1,0.05,0.025)',
      parseKnudsenList,
    )
    .option('--out <dir>', 'output directory (created if missing)')
    .addOption(
      new Option('--backend <backend>', 'where the kernels run').choices(['gpu', 'cpu']).default('gpu'),
    )
    .option(
      '--no-trust-check',
      `skip the reruns at dt/2, on 2 n_x cells and on 2 N_v points (a point is trustworthy when each changes T_valid by < ${100 * TRUST_TOLERANCE} %)`,
    )
    .option('--no-refine-nx', 'skip the rerun on 2 n_x cells')
    .option(
      '--no-refine-nv',
      'skip the rerun on 2 N_v velocity points in a √2 × wider box (about 8× the work of a run)',
    );
  withOneLineErrors<SweepOptions>(command, io, async (options, stderr) => {
    requireSweepInputs(options);
    const progress = new RunProgress(stderr);
    try {
      await execute(options as Required<SweepOptions>, runner, stderr, progress);
    } finally {
      progress.endLine();
    }
  });
  return command;
}

/**
 * --config, --knudsen and --out, which `sim sweep` and `sim sweep plan` require: checked here, in
 * the action, because commander checks a parent's required options before it dispatches to a
 * subcommand. The message is commander's own.
 */
export function requireSweepInputs(options: { config?: string; knudsen?: number[]; out?: string }): void {
  for (const [key, flag] of [
    ['config', '--config <file.json>'],
    ['knudsen', '--knudsen <list>'],
    ['out', '--out <dir>'],
  ] as const) {
    if (options[key] === undefined) throw new InvalidInputError(`required option '${flag}' not specified`);
  }
}

async function execute(
  options: Required<SweepOptions>,
  runner: RunSimulation,
  stderr: TextSink,
  progress: RunProgress,
): Promise<void> {
  const loaded = loadConfig(options.config);
  // the automatic box by the target (issue 16); it does not depend on ε: one choice for the sweep
  const box = wrapInput(options.config, () => withAccurateAutomaticBox(loaded));
  const parsed = box.config;
  // Resolve every ε before the first run: a refusal should not come after an hour of computing.
  const plan = wrapInput(options.config, () =>
    planSweep(parsed, options.knudsen, {
      trustCheck: options.trustCheck,
      trustCheckOff: 'pass --no-trust-check',
      refineNx: options.refineNx,
      refineNxOff: 'pass --no-refine-nx',
      refineNv: options.refineNv,
      refineNvOff: 'pass --no-refine-nv',
    }),
  );
  const { configs, settings, column } = plan;
  // the grid's exchange rates do not depend on ε: one check for the whole sweep (gridAccuracy.ts)
  const first = configs[0];
  const warnings = [
    ...(box.choice ? [box.choice.note] : []),
    ...(first
      ? wrapInput(options.config, () => refuseInaccurateGrid(first, first.grid.vmax, plan.warnings))
      : plan.warnings),
  ];
  for (const w of warnings) stderr.write(`warning: ${w}\n`);
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (e) {
    throw new InvalidInputError(`cannot create the output directory ${options.out}: ${messageOf(e)}`);
  }
  stderr.write(
    `sweep: ${configs.length} Knudsen number${configs.length === 1 ? '' : 's'}, T_valid = first time ` +
      `${column} > ${settings.threshold}, backend ${options.backend}, automatic dt by time.dtRule "${plan.dtRule}"` +
      `${options.trustCheck ? `, each point rerun at dt/2${plan.refineNx ? ', on 2 n_x cells' : ''}${plan.refineNv ? ', on 2 N_v points in a √2 × wider box' : ''} (trust check)` : ', no trust check'}\n`,
  );

  const progressPath = join(options.out, SWEEP_PROGRESS_FILE);
  const hash = sweepInputHash(
    parsed,
    options.knudsen,
    options.trustCheck,
    options.backend,
    plan.refineNx,
    plan.refineNv,
  );
  const resume = readSweepProgress(progressPath, hash, stderr);
  const finished = new Map<number, SweepPoint>(resume?.points ?? []);
  let adapter = resume?.adapter ?? '';
  if (resume) {
    stderr.write(
      `sweep: resuming from ${progressPath}: ${finished.size} of ${configs.length} point${configs.length === 1 ? '' : 's'} already finished\n`,
    );
  }
  const tagOf = (run: SweepRun) => `sweep: [${run.point + 1}/${run.points}] ε = ${fmt(run.knudsen)}`;
  const sweepRunner = async (config: ResolvedConfig, onRow: Parameters<RunSimulation>[2]) => {
    const result = await runner(config, options.backend, onRow, {
      onGuardEvent: (event) => {
        progress.endLine();
        stderr.write(
          `guard: ε = ${fmt(config.collisions.knudsen)}, dt = ${fmt(config.time.dt)}: ${event.message}\n`,
        );
      },
    });
    adapter ||= result.adapter;
    return result;
  };
  const outcome = await runSweep(
    plan,
    sweepRunner,
    {
      onSkip: (point, index) =>
        stderr.write(
          `sweep: [${index + 1}/${configs.length}] ε = ${fmt(point.knudsen)}: finished by an earlier run, skipped ` +
            `(T_valid = ${describeT(point.validityTime, configs[index]!)})\n`,
        ),
      onPoint: (point, index) => {
        finished.set(index, point);
        writeSweepProgress(progressPath, { hash, knudsen: options.knudsen, adapter, finished });
      },
      onRunStart: (run) =>
        progress.start(
          `${tagOf(run)}, ${run.halfDt ? 'dt/2' : 'dt'} = ${fmt(run.config.time.dt)}${run.doubleNx ? `, 2 n_x = ${run.config.grid.nx}` : ''}${run.doubleNv ? `, 2 N_v = ${run.config.grid.nv}` : ''}`,
          run.totalSteps,
        ),
      onStep: (_run, step) => progress.update(step),
      onRunEnd: (run, result) => {
        progress.endLine();
        const steps = stepsText(result);
        const config = configs[run.point]!;
        if (typeof result.referenceFailed === 'number') {
          stderr.write(
            `${tagOf(run)}: the fluid reference failed at t = ${fmt(result.referenceFailed)}: ` +
              `the remainder is not measured from there${result.validityTime === null ? ' (T_valid not measured: the point is NOT trustworthy)' : ''}\n`,
          );
        }
        if (!result.check) {
          stderr.write(`${tagOf(run)}: T_valid = ${describeT(result.validityTime, config)} (${steps})\n`);
          return;
        }
        const check = result.check;
        stderr.write(
          `${tagOf(run)}: ${run.doubleNx ? `on 2 n_x = ${run.config.grid.nx} cells` : run.doubleNv ? `on 2 N_v = ${run.config.grid.nv} points` : 'at dt/2'}, T_valid = ${describeT(result.validityTime, config)}; ${check.compared === 'validity_time' ? 'T_valid' : `${column} at tEnd`} ` +
            `changes by ${Number.isFinite(check.change) ? `${fmt(100 * check.change)} %` : 'an incomparable amount'} → ` +
            `${check.trustworthy ? 'passes' : 'FAILS: NOT trustworthy'} (${steps})\n`,
        );
      },
    },
    undefined,
    resume,
  );
  const { points, fit, fitAll, wallSeconds } = outcome;
  writeSweepOutputs(
    options.out,
    {
      plan,
      points,
      fit,
      fitAll,
      trustCheck: options.trustCheck,
      backend: options.backend,
      adapter,
      wallSeconds,
      config: parsed,
    },
    stderr,
  );
  // the sweep is complete and its outputs whole: nothing left to resume
  rmSync(progressPath, { force: true });
}

/** What the three output files of a sweep are made of (one sweep: a single process, or merged). */
export interface SweepOutputs {
  readonly plan: SweepPlan;
  readonly points: readonly SweepPoint[];
  readonly fit: SweepFit;
  readonly fitAll: SweepFit;
  readonly trustCheck: boolean;
  readonly backend: string;
  readonly adapter: string;
  readonly wallSeconds: number;
  /** The parsed config the plan was made from (the automatic box chosen). */
  readonly config: ParsedConfig;
  /** `sim sweep merge` only: the points none of whose runs are all there, and what is missing. */
  readonly missing?: readonly { readonly knudsen: number; readonly jobs: readonly number[] }[];
}

/**
 * validity.csv, validity.svg and sweep.json in `out` (sweep.json last: on disk, it means the other
 * two are whole), and the closing lines on stderr: the fit, or why there is none.
 */
export function writeSweepOutputs(out: string, o: SweepOutputs, stderr: TextSink): void {
  const { plan, points, fit, fitAll, trustCheck } = o;
  const { settings, column, theorem } = plan;
  const tEnd = o.config.time.tEnd;
  const csv = validityCsv(points, column, settings, tEnd, trustCheck);
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
      'ones with --no-trust-check); fitAll: over every point with a T_valid. theorem: the measured ' +
      'remainder is F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r with (n, r) = (theorem.n, theorem.r); ' +
      'theorem.modelSlope: the slope (n+1−r)/(n+1) of the secular-growth model (README, a model, not a ' +
      'bound); theorem.y: Theorem 1.1 guarantees T = O(ε^−y) only where theorem.applies (n = 2k − 1, ' +
      'r = k, k ≥ 6), a guaranteed scaling, not a prediction of the measured time.',
    norm: settings.norm,
    column,
    threshold: settings.threshold,
    tEnd,
    trustRule: trustCheck ? TRUST_RULE : 'not checked (--no-trust-check)',
    dtRule: plan.dtRule,
    fit: { over: trustCheck ? 'trustworthy points' : 'unchecked points', ...fitJson(fit) },
    fitAll: fitJson(fitAll),
    theorem: { ...theorem, coverage: theoremCoverage(theorem), model: modelDescription(theorem) },
    points,
    ...(o.missing ? { missing: o.missing } : {}),
    backend: o.backend,
    adapter: o.adapter,
    wallSeconds: Number(o.wallSeconds.toFixed(3)),
    warnings: [...plan.warnings],
    config: o.config,
  };
  const csvPath = join(out, 'validity.csv');
  const svgPath = join(out, 'validity.svg');
  const jsonPath = join(out, 'sweep.json');
  writeAtomically(csvPath, csv);
  writeAtomically(svgPath, svg);
  writeAtomically(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
  stderr.write(
    `sweep: ${fit.slope === null ? `no fit (${fit.n} ${trustCheck ? 'trustworthy' : 'usable'} point${fit.n === 1 ? '' : 's'} with a T_valid; a slope needs 2${trustCheck && points.some((p) => p.trustworthy === false) ? `: ${describeFailures(points)}` : ''})` : `slope of ln T_valid against ln(1/ε) = ${fmt(fit.slope)} ± ${fit.slopeError === null ? '? (2 points)' : fmt(fit.slopeError)} over ${fit.n} points`}; ` +
      `${modelDescription(theorem)}; ${theoremCoverage(theorem)}\n`,
  );
  stderr.write(`wrote ${csvPath}, ${svgPath} and ${jsonPath} in ${fmt(o.wallSeconds)} s\n`);
}

/** Why points are not trustworthy, for the no-fit line: "ε = 0.1: nx; ε = 0.05: dt+nx". */
function describeFailures(points: readonly SweepPoint[]): string {
  return points
    .filter((p) => p.trustworthy === false)
    .map((p) => `ε = ${fmt(p.knudsen)} failed ${failedRefinements(p).join('+') || 'its check'}`)
    .join('; ');
}

/** The progress file of an unfinished sweep in its --out directory. */
export const SWEEP_PROGRESS_FILE = 'sweep-progress.json';
const SWEEP_PROGRESS_VERSION = 2; // 2: the 2 N_v rerun on by default, in a √2 × wider box

/** What decides a sweep's points: the parsed config, the ε list, the trust check (and its 2 n_x rerun), the backend. */
export function sweepInputHash(
  parsed: ParsedConfig,
  knudsen: readonly number[],
  trustCheck: boolean,
  backend: string,
  refineNx = false,
  refineNv = false,
): string {
  // refineNx only when on: a progress file of a sweep without it keeps its hash
  const inputs = JSON.stringify({
    config: parsed,
    knudsen,
    trustCheck,
    backend,
    ...(refineNx ? { refineNx } : {}),
    ...(refineNv ? { refineNv } : {}),
  });
  return createHash('sha256').update(inputs).digest('hex');
}

// JSON has no NaN or ±Infinity (a trust check's `change` can be either): they are written as tagged strings.
const NON_FINITE = /^__(NaN|Infinity|-Infinity)__$/;
export const keepNonFinite = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? `__${value}__` : value;
export const restoreNonFinite = (_key: string, value: unknown) =>
  typeof value === 'string' && NON_FINITE.test(value) ? Number(value.slice(2, -2)) : value;

function writeSweepProgress(
  path: string,
  progress: {
    hash: string;
    knudsen: readonly number[];
    adapter: string;
    finished: ReadonlyMap<number, SweepPoint>;
  },
): void {
  const file = {
    description:
      'sim sweep: the finished points of an unfinished sweep; a rerun with the same inputs resumes from them',
    version: SWEEP_PROGRESS_VERSION,
    hash: progress.hash,
    knudsen: progress.knudsen,
    adapter: progress.adapter,
    points: finishedSweepPoints(progress.finished),
  };
  writeAtomically(path, `${JSON.stringify(file, keepNonFinite, 2)}\n`);
}

/** The finished points of an earlier run with the same inputs, or undefined (saying why on stderr). */
function readSweepProgress(path: string, hash: string, stderr: TextSink): SweepResume | undefined {
  if (!existsSync(path)) return undefined;
  let file: {
    version?: unknown;
    hash?: unknown;
    adapter?: unknown;
    points?: { index?: unknown; point?: unknown }[];
  };
  try {
    file = JSON.parse(readFileSync(path, 'utf8'), restoreNonFinite);
  } catch (e) {
    stderr.write(`sweep: ${path} is unreadable (${messageOf(e)}): starting over\n`);
    return undefined;
  }
  if (file?.version !== SWEEP_PROGRESS_VERSION || file.hash !== hash) {
    stderr.write(
      `sweep: ${path} is from a different sweep (the config, the ε list, the trust check or the backend changed): starting over\n`,
    );
    return undefined;
  }
  const points = new Map<number, SweepPoint>();
  for (const entry of Array.isArray(file.points) ? file.points : []) {
    // the engine's check of a stored point (the browser's stored sweep uses the same)
    const p = entry?.point;
    if (!(Number.isSafeInteger(entry?.index) && isSweepPoint(p))) {
      stderr.write(`sweep: ${path} has a malformed point: starting over\n`);
      return undefined;
    }
    points.set(entry.index as number, p);
  }
  return { points, ...(typeof file.adapter === 'string' && file.adapter ? { adapter: file.adapter } : {}) };
}

function fitJson(fit: SweepFit) {
  return {
    slope: fit.slope,
    slope_error: fit.slopeError,
    intercept: fit.intercept,
    points: fit.n,
    knudsen: fit.knudsen,
  };
}

function describeT(tValid: number | null, config: ResolvedConfig): string {
  return tValid === null ? `never (below the threshold up to tEnd = ${config.time.tEnd})` : fmt(tValid);
}

function stepsText(run: { readonly steps: number; readonly seconds: number }): string {
  return `${run.steps} steps in ${fmt(run.seconds)} s`;
}

/** Read, parse and validate; every failure names the file and is invalid input (as `sim run`). */
export function loadConfig(path: string): ParsedConfig {
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
  return wrapInput(path, () => parseConfig(json));
}

export function wrapInput<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidParameterError)
      throw new InvalidInputError(`${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Within a run: a \r-updated percentage on a terminal only (the per-point lines are the log). */
export class RunProgress {
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

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
