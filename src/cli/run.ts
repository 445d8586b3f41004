/**
 * `sim run --config <file.json> --out <dir> [--backend gpu|cpu]`: one full simulation from a
 * configuration file, writing <dir>/timeseries.csv (TIMESERIES_COLUMNS, one row per output) and
 * <dir>/summary.json (resolved config, steps, wall time, backend, adapter, conservation drifts).
 *
 * Checkpoints: `--checkpoint-every <steps>` writes <dir>/checkpoints/checkpoint.vpbc
 * (or `--checkpoint-dir <dir>`), atomically, at the first output at or after every <steps> steps,
 * keeping the latest only; `sim run --resume <file> --out <dir>` continues it and writes the same
 * timeseries.csv as the uninterrupted run (the rows up to the checkpoint come from it). A refused
 * checkpoint exits with status 2 and the CheckpointError's message, touching no file. The step
 * guard's rollbacks are one `guard: …` line each on stderr; a run the guard gives up on exits 4.
 *
 * The engine is passed in (RunSimulation), so this file is only the plumbing: read, validate,
 * resolve, run with a progress display, write atomically. The command handles its own failures
 * instead of throwing to the caller: it prints ONE line `error: <message>` and exits 2 (input
 * refused: unreadable file, bad JSON, a field out of range, a bad option), 3 (no WebGPU adapter)
 * or 1 (anything else). `exit` and `stderr` are injectable so tests drive the real command
 * in-process; commander's own usage errors are routed through the same two.
 */

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type Checkpoint,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type SessionCheckpointContents,
  sessionCheckpointContents,
} from '../engine/checkpoint';
import type { FluidReferenceStatus } from '../engine/remainderMonitor';
import { type GuardEvent, UnstableRunError } from '../engine/stepGuard';
import { WebGpuUnavailableError } from '../gpu/context';
import {
  accuracyQuadrature,
  COLLISION_ACCURACIES,
  type CollisionAccuracy,
  DEFAULT_COLLISION_ACCURACY,
  describeQuadratureError,
  quadratureErrorForConfig,
  referenceQuadrature,
} from '../physics/collision/accuracy';
import {
  describeExchangeRateAccuracy,
  gridAccuracyReport,
  refuseInaccurateGrid,
  withAccurateAutomaticBox,
} from '../physics/collision/gridAccuracy';
import { collisionStiffness } from '../physics/collision/stiffness';
import {
  DEFAULT_REMAINDER,
  type ResolvedConfig,
  TIMESERIES_COLUMNS,
  type TimeseriesRow,
} from '../physics/config';
import { parseConfig, resolveConfig, stepCount, timeStepLimits } from '../physics/configSchema';
import { describeRemainder } from '../physics/remainder';
import { remainderBall } from '../physics/remainderBall';
import { InvalidParameterError } from '../physics/velocityGrid';

/** What `run` asks of the engine besides the config (all optional: an engine may ignore them). */
export interface EngineOptions {
  /** Continue this checkpoint (its config is the run's); onRow then gets the rows after it only. */
  readonly resume?: Checkpoint;
  /** Hand a checkpoint to onCheckpoint at the first output at or after every this many steps. */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void;
  /** The step guard rolled back and halved dt. */
  readonly onGuardEvent?: (event: GuardEvent) => void;
}

/** The engine: runs the resolved config to tEnd, calling onRow at every output (step 0 included). */
export type RunSimulation = (
  config: ResolvedConfig,
  backend: 'gpu' | 'cpu',
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  options?: EngineOptions,
) => Promise<{
  steps: number;
  adapter: string;
  dt?: number;
  halvings?: number;
  /** The fluid reference's scheme at the end, and its failure or hand-over (remainderMonitor.ts). */
  fluidReference?: FluidReferenceStatus;
}>;

/** Where progress and errors go: process.stderr, or a test's recorder. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface RunCommandIo {
  /** Default process.exit. A test's exit may throw to stop the command; if it returns, the command stops anyway. */
  readonly exit?: (code: number) => void;
  /** Default process.stderr. The progress bar is one \r-updated line only when isTTY. */
  readonly stderr?: TextSink;
}

/** Input the user can fix (file, JSON, a field): exit status 2. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
}

/**
 * 2 input refused (a checkpoint file too), 3 no WebGPU adapter, 4 a run the step guard gave up
 * on (unstable even at the smallest dt), 1 anything else (the convention of sim.ts).
 */
export function exitCodeFor(error: unknown): number {
  if (
    error instanceof InvalidInputError ||
    error instanceof InvalidParameterError ||
    error instanceof CheckpointError
  )
    return 2;
  if (error instanceof WebGpuUnavailableError) return 3;
  // its own status: a script must tell "no adapter here" from "this config blows the scheme up"
  if (error instanceof UnstableRunError) return 4;
  return 1;
}

/** The latest checkpoint's file name in the checkpoint directory. */
export const CHECKPOINT_FILE = 'checkpoint.vpbc';

/** Conserved columns whose relative drift goes to summary.json. */
export const CONSERVED_COLUMNS = [
  'mass_A',
  'mass_B',
  'momentum_x',
  'momentum_y',
  'momentum_z',
  'energy_total',
] as const;

interface RunOptions {
  config?: string;
  resume?: string;
  out: string;
  backend?: 'gpu' | 'cpu';
  checkpointEvery?: number;
  checkpointDir?: string;
  accuracy?: CollisionAccuracy;
}

function accuracyOption(value: string): CollisionAccuracy {
  const allowed = COLLISION_ACCURACIES as readonly string[];
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(
      `--accuracy (collisions.accuracy) must be one of ${COLLISION_ACCURACIES.join(', ')}, got "${value}"`,
    );
  }
  return value as CollisionAccuracy;
}

function stepsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`--checkpoint-every must be an integer ≥ 1 (steps), got "${value}"`);
  return n;
}

export function registerRunCommand(program: Command, runner: RunSimulation, io: RunCommandIo = {}): Command {
  const command = program
    .command('run')
    .description('run a simulation from a JSON config; writes timeseries.csv and summary.json')
    .option('--config <file.json>', 'the run configuration (see examples/*.json); required unless --resume')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .addOption(
      new Option(
        '--backend <backend>',
        "where the kernels run (default gpu; with --resume the checkpoint's)",
      ).choices(['gpu', 'cpu']),
    )
    .option(
      '--checkpoint-every <steps>',
      'write a checkpoint at the first output at or after every <steps> steps (latest kept)',
      stepsOption,
    )
    .option('--checkpoint-dir <dir>', 'where checkpoints go (default <out>/checkpoints)')
    .option(
      '--accuracy <setting>',
      "collision quadrature sizes: fast, standard or fine (overrides the config's collisions.accuracy)",
      accuracyOption,
    )
    .option('--resume <checkpoint>', 'continue the run saved in this checkpoint file (instead of --config)');
  return withOneLineErrors<RunOptions>(command, io, async (options, stderr) => {
    const progress = new Progress(stderr);
    try {
      await execute(options, runner, stderr, progress);
    } finally {
      progress.endLine();
    }
  });
}

/**
 * The error contract of `run` and `sweep`: a commander usage error or a failure of the action ends
 * as ONE line `error: …` on stderr and the status of exitCodeFor (2 for invalid input, not
 * commander's 1). `io` makes exit and stderr injectable for in-process tests.
 */
export function withOneLineErrors<O>(
  command: Command,
  io: RunCommandIo,
  action: (options: O, stderr: TextSink, operands: string[]) => Promise<void>,
): Command {
  const exit = io.exit ?? ((code: number) => process.exit(code));
  const stderr = io.stderr ?? process.stderr;
  return command
    .showHelpAfterError(false)
    .configureOutput({
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => write(`${oneLine(text)}\n`),
    })
    .exitOverride((error) => {
      exit(error.exitCode === 0 ? 0 : 2);
      throw error;
    })
    .action(async (...args: unknown[]) => {
      // commander passes the command's operands, then its options and the command itself
      const operands = args.slice(0, -2) as string[];
      const options = args.at(-2) as O;
      try {
        await action(options, stderr, operands);
      } catch (error) {
        stderr.write(`error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
        exit(exitCodeFor(error));
      }
    });
}

async function execute(
  options: RunOptions,
  runner: RunSimulation,
  stderr: TextSink,
  progress: Progress,
): Promise<void> {
  if (options.config !== undefined && options.resume !== undefined) {
    throw new InvalidInputError(
      '--config and --resume exclude each other: a resumed run takes its config from the checkpoint',
    );
  }
  if (options.config === undefined && options.resume === undefined) {
    throw new InvalidInputError(
      "required option '--config <file.json>' not specified (or --resume <checkpoint>)",
    );
  }
  if (options.accuracy !== undefined && options.resume !== undefined) {
    throw new InvalidInputError(
      '--accuracy and --resume exclude each other: a resumed run keeps the quadrature of its checkpoint',
    );
  }
  if (options.checkpointDir !== undefined && options.checkpointEvery === undefined) {
    throw new InvalidInputError('--checkpoint-dir needs --checkpoint-every <steps>');
  }
  // Everything the user can get wrong is checked before the first file is touched.
  const resumed = options.resume === undefined ? null : loadCheckpoint(options.resume);
  const loaded = resumed
    ? { config: resumed.contents.baseConfig, warnings: [], automatic: { vmax: false, dt: false } }
    : loadConfig(options.config!);
  const { automatic } = loaded;
  const config: ResolvedConfig =
    options.accuracy === undefined
      ? loaded.config
      : { ...loaded.config, collisions: { ...loaded.config.collisions, accuracy: options.accuracy } };
  // the operator's exchange rates against the exact ones (truncation and box included; issue 16)
  const grid = gridAccuracyReport(config, config.grid.vmax);
  const warnings = [...loaded.warnings, ...(grid && !grid.withinTolerance ? [`grid: ${grid.text}`] : [])];
  const backend = options.backend ?? (resumed?.contents.backend === 'cpu' ? 'cpu' : 'gpu');
  for (const w of warnings) stderr.write(`warning: ${w}\n`);
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (e) {
    throw new InvalidInputError(`cannot create the output directory ${options.out}: ${messageOf(e)}`);
  }
  const checkpointPath =
    options.checkpointEvery === undefined
      ? null
      : join(options.checkpointDir ?? join(options.out, 'checkpoints'), CHECKPOINT_FILE);
  if (checkpointPath) {
    try {
      mkdirSync(dirname(checkpointPath), { recursive: true });
    } catch (e) {
      throw new InvalidInputError(
        `cannot create the checkpoint directory ${dirname(checkpointPath)}: ${messageOf(e)}`,
      );
    }
  }
  const baseSteps = stepCount(config);
  stderr.write(`${describeRun(config, automatic, baseSteps, backend)}\n`);

  const lines = [TIMESERIES_COLUMNS.join(',')];
  let first: TimeseriesRow | undefined;
  let last: TimeseriesRow | undefined;
  const addRow = (row: TimeseriesRow, step: number) => {
    for (const c of TIMESERIES_COLUMNS) {
      if (typeof row[c] !== 'number')
        throw new Error(`the engine's row at step ${step} has no number for "${c}"`);
    }
    lines.push(TIMESERIES_COLUMNS.map((c) => row[c].toPrecision(9)).join(','));
    first ??= row;
    last = row;
  };
  if (resumed) {
    const { contents, checkpoint } = resumed;
    if (backend !== (contents.backend === 'cpu' ? 'cpu' : 'gpu')) {
      stderr.write(
        `warning: the checkpoint was written by the ${contents.backend ?? 'unknown'} backend; on another backend ` +
          'the rows after it are not bit-identical to an uninterrupted run\n',
      );
    }
    for (const row of contents.rows) addRow(row, checkpoint.step);
    stderr.write(
      `resume: ${options.resume} at step ${checkpoint.step} of ${stepCount(contents.config)} (t = ${fmt(checkpoint.time)}), ` +
        `${contents.rows.length} rows from the checkpoint` +
        (contents.halvings > 0
          ? `, dt = ${fmt(contents.config.time.dt)} (halved ${contents.halvings} times)`
          : '') +
        '\n',
    );
  }
  let checkpoints = 0;
  let lastCheckpoint: Checkpoint | null = null;
  const engineOptions: EngineOptions = {
    ...(resumed ? { resume: resumed.checkpoint } : {}),
    ...(checkpointPath
      ? {
          checkpointEvery: options.checkpointEvery!,
          onCheckpoint: (checkpoint: Checkpoint) => {
            writeAtomically(checkpointPath, encodeCheckpoint(checkpoint));
            if (checkpoints++ === 0) {
              progress.endLine();
              stderr.write(
                `checkpoint: t = ${fmt(checkpoint.time)} written to ${checkpointPath} ` +
                  `(replaced at the first output after every ${options.checkpointEvery} steps)\n`,
              );
            }
            lastCheckpoint = checkpoint;
          },
        }
      : {}),
    onGuardEvent: (event) => {
      progress.endLine();
      stderr.write(`guard: ${event.message}\n`);
    },
  };
  const started = performance.now();
  progress.start(started, resumed ? stepCount(resumed.contents.config) : baseSteps);
  const result = await runner(
    resumed ? resumed.contents.config : config,
    backend,
    (row, step, totalSteps) => {
      addRow(row, step);
      progress.update(step, row.t, totalSteps);
    },
    engineOptions,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  progress.endLine();
  if (!first || !last) throw new Error('the engine produced no output rows (not even the initial state)');
  const halvings = result.halvings ?? 0;
  const expectedSteps = baseSteps * 2 ** halvings;
  if (result.steps !== expectedSteps) {
    stderr.write(`warning: the engine took ${result.steps} steps, the config asks for ${expectedSteps}\n`);
  }
  if (halvings > 0) {
    stderr.write(
      `guard: dt was halved ${halvings} time${halvings === 1 ? '' : 's'} to ${fmt(result.dt ?? config.time.dt / 2 ** halvings)}; ` +
        'the rows are at the same output times\n',
    );
  }

  const momentumScale =
    config.grid.vmax *
    (config.species[0].mass * Math.abs(first.mass_A) + config.species[1].mass * Math.abs(first.mass_B));
  const conservation = conservationDrifts(first, last, momentumScale);
  const summary = {
    config,
    steps: result.steps,
    outputs: lines.length - 1,
    wallSeconds: Number(wallSeconds.toFixed(3)),
    backend,
    adapter: result.adapter,
    conservation,
    // How to read `conservation`: (last − first) / max(|first|, scale); scale is 0 except momentum.
    conservationScale: { momentum: momentumScale },
    warnings,
    collisionAccuracy: collisionAccuracySummary(config),
    // the exchange rates of the run's operator against the exact ones (null: collisions off or
    // N_v > 32, not measured): gridAccuracy.ts
    gridAccuracy: grid
      ? {
          energyExchangeError: grid.accuracy.energy,
          momentumExchangeError: grid.accuracy.momentum,
          massOutsideBox: grid.accuracy.massOutside,
          energyOutsideBox: grid.accuracy.energyOutside,
          tolerance: grid.accuracy.tolerance,
          probe: grid.accuracy.probe,
          probeSplit: grid.accuracy.split,
          description: describeExchangeRateAccuracy(grid.accuracy),
          // above the target: the cheapest grid that meets it (null: none up to N_v = 32, or not above)
          suggestion: grid.suggestion,
        }
      : null,
    // λ = Δt ν̄/ε and whether the O(ε) deviation (the remainder's main part) is the physical one
    ...(config.collisions.enabled ? { collisionStep: collisionStiffness(config) } : {}),
    // where the remainder norms are taken, and their t = 0 values: the round-off floor (PHYSICS.md §3)
    remainder: {
      // what F_R is: remainder.order n, scaling r, the start (issue 18)
      measured: describeRemainder(config.remainder ?? DEFAULT_REMAINDER),
      ...remainderBall(config),
      // the scheme F_0 came from at the end, and when and why the reference failed (the remainder
      // columns are NaN from then; the kinetic run went on) or handed over to finite volumes
      fluidReference: result.fluidReference ?? null,
      roundOffFloor: {
        remainder_L2: first.remainder_L2,
        remainder_Linf_w: first.remainder_Linf_w,
        remainder_energy: first.remainder_energy,
        hilbert_residual_L2: first.hilbert_residual_L2,
      },
    },
    // the step guard: the final dt and how often it was halved (0: the config's dt throughout)
    dt: result.dt ?? config.time.dt,
    halvings,
    ...(resumed
      ? {
          resumedFrom: { file: options.resume, step: resumed.checkpoint.step, time: resumed.checkpoint.time },
        }
      : {}),
  };
  const csvPath = join(options.out, 'timeseries.csv');
  const summaryPath = join(options.out, 'summary.json');
  // The CSV first: a summary.json on disk means the run finished and both files are whole.
  writeAtomically(csvPath, `${lines.join('\n')}\n`);
  writeAtomically(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  stderr.write(`adapter: ${result.adapter}\n`);
  const reference = result.fluidReference;
  if (reference?.switched) {
    stderr.write(
      `fluid reference: spectral until t = ${fmt(reference.switched.time)}, finite volumes after (${reference.switched.reason})\n`,
    );
  }
  if (reference?.failure) {
    stderr.write(
      `fluid reference: failed at t = ${fmt(reference.failure.time)} (${reference.failure.reason}); ` +
        'the remainder columns are NaN from there, the kinetic columns are complete\n',
    );
  }
  if (summary.collisionStep) stderr.write(`collision step: ${summary.collisionStep.note}\n`);
  if (summary.gridAccuracy) stderr.write(`grid: ${summary.gridAccuracy.description}\n`);
  if (summary.collisionAccuracy.description) {
    stderr.write(
      `collisions.accuracy ${summary.collisionAccuracy.setting}: ${summary.collisionAccuracy.description}\n`,
    );
  }
  stderr.write(
    `conservation (relative drift): ${CONSERVED_COLUMNS.map((c) => `${c} ${fmt(conservation[c])}`).join(', ')}\n`,
  );
  if (checkpoints > 0) {
    const latest = lastCheckpoint as Checkpoint | null;
    stderr.write(
      `checkpoints: ${checkpoints} written, the latest (t = ${fmt(latest?.time ?? 0)}) in ${checkpointPath}\n`,
    );
  }
  stderr.write(
    `wrote ${csvPath} (${lines.length - 1} rows) and ${summaryPath}: ` +
      `${result.steps} steps in ${duration(wallSeconds)}\n`,
  );
}

/** A checkpoint file, decoded and checked as a session's: CheckpointError (status 2) if refused. */
function loadCheckpoint(path: string): { checkpoint: Checkpoint; contents: SessionCheckpointContents } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InvalidInputError(`cannot read the checkpoint file ${path}: ${messageOf(e)}`);
  }
  const checkpoint = decodeCheckpoint(bytes);
  return { checkpoint, contents: sessionCheckpointContents(checkpoint) };
}

/** Read, parse, validate and resolve; every failure names the file and is invalid input. */
interface AutomaticChoices {
  readonly vmax: boolean;
  readonly dt: boolean;
}

function loadConfig(path: string): ReturnType<typeof resolveConfig> & { automatic: AutomaticChoices } {
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
  try {
    const parsed = parseConfig(json);
    const automatic = { vmax: parsed.grid.vmax === null, dt: parsed.time.dt === null };
    // the automatic box by the target (issue 16), measured; the note says which box and why
    const box = withAccurateAutomaticBox(parsed);
    const resolved = resolveConfig(box.config);
    const warnings = refuseInaccurateGrid(resolved.config, resolved.config.grid.vmax, resolved.warnings);
    if (box.choice) warnings.unshift(box.choice.note);
    return { ...resolved, warnings, automatic };
  } catch (e) {
    if (e instanceof InvalidParameterError)
      throw new InvalidInputError(`${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * (last − first) / max(|first|, scale) per conserved column. Masses and the total energy are
 * positive, so their own first value is the scale; momentum starts near 0, so it is measured
 * against L Σ m_α (mass_α at t = 0), the largest momentum the box can hold, in the engine's own
 * normalisation of the columns (x-integrals or means alike).
 */
export function conservationDrifts(
  first: TimeseriesRow,
  last: TimeseriesRow,
  momentumScale: number,
): Record<(typeof CONSERVED_COLUMNS)[number], number> {
  const drift = (c: (typeof CONSERVED_COLUMNS)[number]): number => {
    const scale = Math.max(Math.abs(first[c]), c.startsWith('momentum') ? momentumScale : 0);
    return scale > 0 ? (last[c] - first[c]) / scale : last[c] - first[c];
  };
  return Object.fromEntries(CONSERVED_COLUMNS.map((c) => [c, drift(c)])) as Record<
    (typeof CONSERVED_COLUMNS)[number],
    number
  >;
}

/**
 * Write to a temporary file in the same directory, flushed to the disk, then rename: readers never
 * see half a file, and a crash (SIGKILL, power loss) leaves the old file or the new one.
 */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw e;
  }
}

const LIMIT_NAMES = {
  advectX: 'x-advection CFL 0.5 Δx/L',
  plasma: 'plasma oscillation 0.1/ω_p',
  advectV: 'v-advection CFL 0.5 Δv/(|e/m| E)',
  collision: 'collision accuracy λ_acc ε/ν̄ (time.dtRule "accurate")',
} as const;

function describeRun(
  config: ResolvedConfig,
  automatic: AutomaticChoices,
  steps: number,
  backend: string,
): string {
  const { grid, time } = config;
  const limits = Object.entries(timeStepLimits(config, grid.vmax)) as [keyof typeof LIMIT_NAMES, number][];
  const binding = limits.reduce<[keyof typeof LIMIT_NAMES, number] | undefined>(
    (best, l) => (best === undefined || l[1] < best[1] ? l : best),
    undefined,
  );
  return (
    `grid: N_x = ${grid.nx}, ℓ = ${fmt(grid.length)}, N_v = ${grid.nv}, L = ${fmt(grid.vmax)}${automatic.vmax ? ' (automatic)' : ''}, ` +
    `Δv = ${fmt((2 * grid.vmax) / grid.nv)}\n` +
    `time: dt = ${fmt(time.dt)}${automatic.dt ? ' (automatic)' : ''} × ${steps} steps to t = ${time.tEnd}, output every ${time.outputEvery}` +
    (binding ? ` (tightest limit: ${LIMIT_NAMES[binding[0]]} = ${fmt(binding[1])})` : '') +
    `; backend ${backend}\n` +
    `remainder: ${describeRemainder(config.remainder ?? DEFAULT_REMAINDER)}`
  );
}

/**
 * One \r-updated line (percentage, step/total, t, elapsed, ETA) on a terminal; on a pipe or a
 * file, a plain line each time another 10 % is done, so logs stay readable.
 */
class Progress {
  private started = 0;
  private total = 1;
  private lastDecile = -1;
  private lastDraw = -Infinity;
  private open = false;

  constructor(private readonly sink: TextSink) {}

  start(now: number, total: number): void {
    this.started = now;
    this.total = Math.max(1, total);
  }

  /** `total`: the run's steps now (the step guard doubles them when it halves dt). */
  update(step: number, t: number, total = this.total): void {
    this.total = Math.max(1, total);
    const now = performance.now();
    const fraction = Math.min(1, step / this.total);
    const elapsed = (now - this.started) / 1000;
    const eta = step > 0 ? (elapsed * (this.total - step)) / step : Number.NaN;
    const text =
      `${(100 * fraction).toFixed(0).padStart(3)}%  step ${step}/${this.total}  t = ${fmt(t)}  ` +
      `elapsed ${duration(elapsed)}  ETA ${Number.isFinite(eta) ? duration(eta) : '?'}`;
    if (this.sink.isTTY) {
      // Redraw at most ~10 times a second, but always draw the last step.
      if (now - this.lastDraw < 100 && step < this.total) return;
      this.lastDraw = now;
      this.sink.write(`\r${text.padEnd(79)}`);
      this.open = true;
    } else {
      const decile = Math.floor(10 * fraction);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.sink.write(`run: ${text}\n`);
      }
    }
  }

  /** Finish the \r line so the next message starts on its own line. */
  endLine(): void {
    if (this.open) this.sink.write('\n');
    this.open = false;
  }
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/**
 * summary.json's `collisionAccuracy`: the setting, its quadrature sizes, and the error of Q^AB
 * against the reference quadrature on a fixed test pair (collision/accuracy.ts), measured here in
 * float64; null error when collisions are off (the setting then has no effect).
 */
function collisionAccuracySummary(config: ResolvedConfig) {
  const setting = config.collisions.accuracy ?? DEFAULT_COLLISION_ACCURACY;
  const error = quadratureErrorForConfig(config, config.grid.vmax);
  return {
    setting,
    quadrature: accuracyQuadrature(setting, config.grid.nv),
    referenceQuadrature: referenceQuadrature(config.grid.nv),
    // ‖Q^AB_setting − Q^AB_reference‖₂ / ‖Q^AB_reference‖₂ on the test pair (dimensionless)
    relativeL2Error: error?.relativeL2 ?? null,
    costRatioToStandard: error?.costRatio ?? null,
    measuredOnNv: error?.measuredNv ?? null,
    description: error ? describeQuadratureError(error) : null,
  };
}
