/**
 * `sim run --config <file.json> --out <dir> [--backend gpu|cpu]`: one full simulation from a
 * configuration file, writing <dir>/timeseries.csv (TIMESERIES_COLUMNS, one row per output) and
 * <dir>/summary.json (resolved config, steps, wall time, backend, adapter, conservation drifts).
 *
 * The engine is passed in (RunSimulation), so this file is only the plumbing: read, validate,
 * resolve, run with a progress display, write atomically. The command handles its own failures
 * instead of throwing to the caller: it prints ONE line `error: <message>` and exits 2 (input
 * refused: unreadable file, bad JSON, a field out of range, a bad option), 3 (no WebGPU adapter)
 * or 1 (anything else). `exit` and `stderr` are injectable so tests drive the real command
 * in-process; commander's own usage errors are routed through the same two.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { WebGpuUnavailableError } from '../gpu/context';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../physics/config';
import { parseConfig, resolveConfig, stepCount, timeStepLimits } from '../physics/configSchema';
import { InvalidParameterError } from '../physics/velocityGrid';

/** The engine: runs the resolved config to tEnd, calling onRow at every output (step 0 included). */
export type RunSimulation = (
  config: ResolvedConfig,
  backend: 'gpu' | 'cpu',
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
) => Promise<{ steps: number; adapter: string }>;

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

/** 2 input refused, 3 no WebGPU adapter, 1 anything else (the convention of sim.ts). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof InvalidInputError || error instanceof InvalidParameterError) return 2;
  if (error instanceof WebGpuUnavailableError) return 3;
  return 1;
}

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
  config: string;
  out: string;
  backend: 'gpu' | 'cpu';
}

export function registerRunCommand(program: Command, runner: RunSimulation, io: RunCommandIo = {}): Command {
  const command = program
    .command('run')
    .description('run a simulation from a JSON config; writes timeseries.csv and summary.json')
    .requiredOption('--config <file.json>', 'the run configuration (see examples/*.json)')
    .requiredOption('--out <dir>', 'output directory (created if missing)')
    .addOption(
      new Option('--backend <backend>', 'where the kernels run').choices(['gpu', 'cpu']).default('gpu'),
    );
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
  action: (options: O, stderr: TextSink) => Promise<void>,
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
    .action(async (options: O) => {
      try {
        await action(options, stderr);
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
  const { config, warnings, automatic } = loadConfig(options.config);
  for (const w of warnings) stderr.write(`warning: ${w}\n`);
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (e) {
    throw new InvalidInputError(`cannot create the output directory ${options.out}: ${messageOf(e)}`);
  }
  const totalSteps = stepCount(config);
  stderr.write(`${describeRun(config, automatic, totalSteps, options.backend)}\n`);

  const lines = [TIMESERIES_COLUMNS.join(',')];
  let first: TimeseriesRow | undefined;
  let last: TimeseriesRow | undefined;
  const started = performance.now();
  progress.start(started, totalSteps);
  const result = await runner(config, options.backend, (row, step) => {
    for (const c of TIMESERIES_COLUMNS) {
      if (typeof row[c] !== 'number')
        throw new Error(`the engine's row at step ${step} has no number for "${c}"`);
    }
    lines.push(TIMESERIES_COLUMNS.map((c) => row[c].toPrecision(9)).join(','));
    first ??= row;
    last = row;
    progress.update(step, row.t);
  });
  const wallSeconds = (performance.now() - started) / 1000;
  progress.endLine();
  if (!first || !last) throw new Error('the engine produced no output rows (not even the initial state)');
  if (result.steps !== totalSteps) {
    stderr.write(`warning: the engine took ${result.steps} steps, the config asks for ${totalSteps}\n`);
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
    backend: options.backend,
    adapter: result.adapter,
    conservation,
    // How to read `conservation`: (last − first) / max(|first|, scale); scale is 0 except momentum.
    conservationScale: { momentum: momentumScale },
    warnings,
  };
  const csvPath = join(options.out, 'timeseries.csv');
  const summaryPath = join(options.out, 'summary.json');
  // The CSV first: a summary.json on disk means the run finished and both files are whole.
  writeAtomically(csvPath, `${lines.join('\n')}\n`);
  writeAtomically(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  stderr.write(`adapter: ${result.adapter}\n`);
  stderr.write(
    `conservation (relative drift): ${CONSERVED_COLUMNS.map((c) => `${c} ${fmt(conservation[c])}`).join(', ')}\n`,
  );
  stderr.write(
    `wrote ${csvPath} (${lines.length - 1} rows) and ${summaryPath}: ` +
      `${result.steps} steps in ${duration(wallSeconds)}\n`,
  );
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
    return { ...resolveConfig(parsed), automatic };
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

/** Write to a temporary file in the same directory, then rename: readers never see half a file. */
export function writeAtomically(path: string, text: string): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    writeFileSync(temporary, text);
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
    `; backend ${backend}`
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

  update(step: number, t: number): void {
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
