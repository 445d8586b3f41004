/**
 * A sweep that outgrows one machine (issue 19): `sim sweep plan` writes every run of the sweep
 * (each ε at dt and the trust check's reruns, for each combination of `--vary`) as a job of its own
 * and a Slurm job-array script; `sim sweep point <dir> <i>` runs job i on whatever node Slurm gives
 * it; `sim sweep merge <dir>` assembles the points exactly as the single-process `sim sweep` does
 * (engine/sweep.ts assembleSweepPoint, the same fit and the same writer), listing what is missing.
 *
 * The plan directory:
 *   plan.json            the options, each combination's parsed config (the automatic box chosen)
 *                        and every job's resolved config; point and merge re-plan from the parsed
 *                        config and refuse a plan whose jobs this version would not run the same
 *   sweep.sbatch         `sbatch <dir>/sweep.sbatch` (its --array covers every job; --gres editable)
 *   logs/                Slurm's output per array task
 *   points/<i>.json      job i's result, written atomically when the run has finished: a point that
 *                        exists is not rerun; <i>.checkpoint while it runs (a preempted task resumes)
 * Every refusal (a config, a --vary value, a grid) happens at plan time, before anything is queued.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  sessionCheckpointContents,
} from '../engine/checkpoint';
import {
  assembleSweepPoint,
  describeRunKind,
  type SweepRunKind,
  type SweepRunResult,
  seriesFromRows,
  sweepFits,
  sweepJobs,
  sweepRunResult,
} from '../engine/sweep';
import { refuseInaccurateGrid, withAccurateAutomaticBox } from '../physics/collision/gridAccuracy';
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { type ParsedConfig, parseConfig } from '../physics/configSchema';
import { planSweep, REMAINDER_COLUMNS, type SweepPlan, type SweepPoint } from '../physics/sweepPlan';
import {
  InvalidInputError,
  type RunCommandIo,
  type RunSimulation,
  type TextSink,
  withOneLineErrors,
  writeAtomically,
} from './run';
import {
  fmt,
  keepNonFinite,
  loadConfig,
  messageOf,
  parseKnudsenList,
  RunProgress,
  requireSweepInputs,
  restoreNonFinite,
  wrapInput,
  writeSweepOutputs,
} from './sweep';

export const PLAN_FILE = 'plan.json';
export const SBATCH_FILE = 'sweep.sbatch';
const PLAN_VERSION = 1;
const POINT_VERSION = 1;
/** Exit status of `sim sweep merge` when some points are missing (the files cover the rest). */
export const MERGE_INCOMPLETE_STATUS = 5;

/** One `--vary key=v1,v2,…`: a dotted path into the config file and its values. */
export interface Variation {
  readonly key: string;
  readonly values: readonly (number | string | boolean)[];
}

/** `species.1.mass=16,30` → {key, values}; numbers, true/false, else strings. */
export function parseVariation(text: string, previous: Variation[] = []): Variation[] {
  const eq = text.indexOf('=');
  const key = eq < 0 ? '' : text.slice(0, eq).trim();
  const raw =
    eq < 0
      ? []
      : text
          .slice(eq + 1)
          .split(',')
          .map((v) => v.trim());
  if (!/^[A-Za-z_][\w]*(\.[\w]+)*$/.test(key) || raw.length === 0 || raw.some((v) => v === '')) {
    throw new InvalidArgumentError(
      `--vary must be key=v1,v2,… with a dotted config path and at least one value (e.g. species.1.mass=16,30); got "${text}"`,
    );
  }
  if (previous.some((v) => v.key === key)) throw new InvalidArgumentError(`--vary ${key} is given twice`);
  const values = raw.map((v) => {
    if (v === 'true' || v === 'false') return v === 'true';
    const n = Number(v);
    return Number.isFinite(n) ? n : v;
  });
  if (new Set(values).size !== values.length)
    throw new InvalidArgumentError(`--vary ${key}: a value is repeated`);
  return [...previous, { key, values }];
}

/** The config file's JSON with `key` (dotted, array indices as numbers) set to `value`. */
function withValue(json: unknown, key: string, value: number | string | boolean): unknown {
  const copy = structuredClone(json) as Record<string, unknown>;
  const parts = key.split('.');
  let node: Record<string, unknown> = copy;
  for (const [k, part] of parts.entries()) {
    if (k === parts.length - 1) {
      node[part] = value;
      break;
    }
    const next = node[part];
    if (next === null || typeof next !== 'object') {
      throw new InvalidInputError(
        `--vary ${key}: the config has no object at "${parts.slice(0, k + 1).join('.')}"`,
      );
    }
    node = next as Record<string, unknown>;
  }
  return copy;
}

/** Every combination of the variations' values, in the order given (the last varies fastest). */
function combinations(variations: readonly Variation[]): Record<string, number | string | boolean>[] {
  let combos: Record<string, number | string | boolean>[] = [{}];
  for (const { key, values } of variations) {
    combos = combos.flatMap((c) => values.map((value) => ({ ...c, [key]: value })));
  }
  return combos;
}

/** A directory name for a combination: "species.1.mass=16,collisions.gamma=-2" made file-safe. */
function comboName(vary: Record<string, number | string | boolean>): string {
  const entries = Object.entries(vary);
  if (entries.length === 0) return '.';
  return entries.map(([k, v]) => `${k}=${String(v)}`.replace(/[^\w.=+-]/g, '_')).join(',');
}

interface PlanOptions {
  config?: string;
  knudsen?: number[];
  out?: string;
  vary?: Variation[];
  backend: 'gpu' | 'cpu';
  trustCheck: boolean;
  refineNx: boolean;
  refineNv?: boolean;
  checkpointEvery: number;
  gres?: string;
}

/** The options a plan's sweeps are planned with (also what point and merge re-plan with). */
interface StoredOptions {
  readonly knudsen: readonly number[];
  readonly backend: 'gpu' | 'cpu';
  readonly trustCheck: boolean;
  readonly refineNx: boolean;
  readonly refineNv: boolean;
  readonly checkpointEvery: number;
}

/** plan.json. */
interface StoredPlan {
  readonly description: string;
  readonly version: number;
  readonly options: StoredOptions;
  readonly vary: readonly Variation[];
  readonly combos: readonly {
    readonly name: string;
    readonly vary: Record<string, number | string | boolean>;
    readonly config: ParsedConfig;
  }[];
  readonly jobs: readonly {
    readonly index: number;
    readonly combo: number;
    readonly point: number;
    readonly kind: SweepRunKind;
    readonly knudsen: number;
    readonly config: ResolvedConfig;
  }[];
}

function sweepPlanOf(config: ParsedConfig, options: StoredOptions): SweepPlan {
  return planSweep(config, options.knudsen, {
    trustCheck: options.trustCheck,
    trustCheckOff: 'plan with --no-trust-check',
    refineNx: options.refineNx,
    refineNxOff: 'plan with --no-refine-nx',
    refineNv: options.refineNv,
    refineNvOff: 'plan with --no-refine-nv',
  });
}

export function registerClusterCommands(sweep: Command, runner: RunSimulation, io: RunCommandIo = {}): void {
  const plan = sweep
    .command('plan')
    .description(
      'write every run of the sweep as a job of its own, and a Slurm job-array script (sweep.sbatch) ' +
        'that runs them with `sim sweep point`; `sim sweep merge` then writes the sweep’s files',
    )
    .option('--config <file.json>', 'the run configuration (as for sim sweep)')
    .option('--knudsen <list>', 'the Knudsen numbers ε, comma-separated', parseKnudsenList)
    .option('--out <dir>', 'the plan directory (created; must not hold another plan)')
    .option(
      '--vary <key=v1,v2>',
      'a grid of sweeps: set a config path to each value (repeatable, e.g. species.1.mass=16,30)',
      parseVariation,
    )
    .addOption(
      new Option('--backend <backend>', 'where the kernels run on the nodes')
        .choices(['gpu', 'cpu'])
        .default('gpu'),
    )
    .option('--no-trust-check', 'no reruns at dt/2, on 2 n_x cells and on 2 N_v points (as for sim sweep)')
    .option('--no-refine-nx', 'no rerun on 2 n_x cells')
    .option('--no-refine-nv', 'no rerun on 2 N_v velocity points in a √2 × wider box')
    .option(
      '--checkpoint-every <steps>',
      'each job writes a checkpoint every this many steps (a preempted task resumes from it)',
      positiveInteger('--checkpoint-every'),
      200,
    )
    .option(
      '--gres <request>',
      'the #SBATCH --gres line of sweep.sbatch (default gpu:1 with --backend gpu, none with cpu; "" for none)',
    );
  withOneLineErrors<PlanOptions>(plan, io, async (options, stderr) => writePlan(options, stderr));

  const point = sweep
    .command('point')
    .description(
      'run job <i> of a plan (a Slurm array task: $SLURM_ARRAY_TASK_ID); a finished job is not rerun',
    )
    .argument('<dir>', 'the plan directory')
    .argument('<i>', 'the job index');
  withOneLineErrors<Record<string, never>>(point, io, async (_options, stderr, [dir, index]) =>
    runPoint(dir!, index!, runner, stderr),
  );

  const merge = sweep
    .command('merge')
    .description(
      'the sweep’s validity.csv, validity.svg and sweep.json from the finished jobs (per --vary combination, ' +
        `and slopes.csv); exit status ${MERGE_INCOMPLETE_STATUS} when points are missing`,
    )
    .argument('<dir>', 'the plan directory');
  withOneLineErrors<Record<string, never>>(merge, io, async (_options, stderr, [dir]) => {
    const complete = mergePlan(dir!, stderr);
    if (!complete) (io.exit ?? ((code: number) => process.exit(code)))(MERGE_INCOMPLETE_STATUS);
  });
}

function positiveInteger(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(Number.isSafeInteger(n) && n >= 1))
      throw new InvalidArgumentError(`${flag} must be an integer ≥ 1, got "${value}"`);
    return n;
  };
}

function writePlan(options: PlanOptions, stderr: TextSink): void {
  requireSweepInputs(options);
  const out = resolve(options.out!);
  if (existsSync(join(out, PLAN_FILE))) {
    throw new InvalidInputError(`${out} already holds a plan (${PLAN_FILE}): choose a new --out directory`);
  }
  const path = options.config!;
  // the config file as JSON, so that --vary can set a path in it before it is validated
  loadConfig(path);
  const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const stored: StoredOptions = {
    knudsen: options.knudsen!,
    backend: options.backend,
    trustCheck: options.trustCheck,
    refineNx: options.refineNx,
    refineNv: options.refineNv !== false,
    checkpointEvery: options.checkpointEvery,
  };
  const vary = options.vary ?? [];
  const combos: StoredPlan['combos'][number][] = [];
  const jobs: StoredPlan['jobs'][number][] = [];
  for (const values of combinations(vary)) {
    const where = Object.keys(values).length > 0 ? `${path} with ${comboName(values)}` : path;
    let varied = json;
    for (const [key, value] of Object.entries(values)) varied = withValue(varied, key, value);
    const parsed = wrapInput(where, () => parseConfig(varied));
    // the automatic box by the target, once per combination (as sim sweep does)
    const box = wrapInput(where, () => withAccurateAutomaticBox(parsed));
    const sweepPlan = wrapInput(where, () => sweepPlanOf(box.config, stored));
    const first = sweepPlan.configs[0];
    const warnings = [
      ...(box.choice ? [box.choice.note] : []),
      ...(first
        ? wrapInput(where, () => refuseInaccurateGrid(first, first.grid.vmax, sweepPlan.warnings))
        : []),
    ];
    for (const w of warnings)
      stderr.write(`warning: ${Object.keys(values).length > 0 ? `${comboName(values)}: ` : ''}${w}\n`);
    const combo = combos.length;
    combos.push({ name: comboName(values), vary: values, config: box.config });
    for (const job of sweepJobs(sweepPlan)) {
      jobs.push({
        index: jobs.length,
        combo,
        point: job.point,
        kind: job.kind,
        knudsen: job.config.collisions.knudsen,
        config: job.config,
      });
    }
  }
  try {
    mkdirSync(join(out, 'points'), { recursive: true });
    mkdirSync(join(out, 'logs'), { recursive: true });
  } catch (e) {
    throw new InvalidInputError(`cannot create the plan directory ${out}: ${messageOf(e)}`);
  }
  const file: StoredPlan = {
    description:
      'sim sweep plan: every run of a validity sweep as a job (sim sweep point <dir> <index>); ' +
      'sim sweep merge <dir> writes validity.csv, validity.svg and sweep.json from their results',
    version: PLAN_VERSION,
    options: stored,
    vary,
    combos,
    jobs,
  };
  writeAtomically(join(out, PLAN_FILE), `${JSON.stringify(file, null, 2)}\n`);
  writeAtomically(
    join(out, SBATCH_FILE),
    sbatchScript(
      out,
      jobs.length,
      options.gres ?? (options.backend === 'gpu' ? 'gpu:1' : ''),
      options.backend,
    ),
  );
  stderr.write(
    `plan: ${jobs.length} job${jobs.length === 1 ? '' : 's'} (${combos.length} sweep${combos.length === 1 ? '' : 's'} × ` +
      `${stored.knudsen.length} ε × ${jobs.length / (combos.length * stored.knudsen.length)} run${jobs.length === combos.length * stored.knudsen.length ? '' : 's'} each) in ${out}\n`,
  );
  stderr.write(`submit: sbatch ${join(out, SBATCH_FILE)}   (then: sim sweep merge ${out})\n`);
}

/** sweep.sbatch: the job array over every job, the CLI run by the same node binary and bundle. */
function sbatchScript(out: string, jobs: number, gres: string, backend: 'gpu' | 'cpu'): string {
  const cli = process.argv[1] && isAbsolute(process.argv[1]) ? process.argv[1] : resolve('dist-node/sim.js');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/bash',
    `# sim sweep plan: ${jobs} jobs of the validity sweep in ${out}.`,
    `# Submit: sbatch ${join(out, SBATCH_FILE)}; when they are done: sim sweep merge ${out}`,
    '#SBATCH --job-name=vpb-sweep',
    `#SBATCH --array=0-${jobs - 1}`,
    `#SBATCH --output=${join(out, 'logs', 'job-%a.log')}`,
    ...(gres
      ? [
          `#SBATCH --gres=${gres}`,
          '# ^ the GPU request: edit it for your cluster (e.g. --gres=gpu:a100:1, a --partition line).',
          `#   Without GPUs: delete it and plan with --backend cpu (the float64 CPU backend; far slower).`,
        ]
      : [`# no --gres line: the jobs run on ${backend === 'gpu' ? 'whatever GPU the node has' : 'the CPU'}`]),
    'set -euo pipefail',
    `exec ${quote(process.execPath)} ${quote(cli)} sweep point ${quote(out)} "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

/** plan.json of `dir`, checked, with each combination re-planned (InvalidInputError otherwise). */
function readPlan(dir: string): { file: StoredPlan; plans: SweepPlan[] } {
  const path = join(dir, PLAN_FILE);
  let file: StoredPlan;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as StoredPlan;
  } catch (e) {
    throw new InvalidInputError(`cannot read the plan ${path}: ${messageOf(e)}`);
  }
  if (file?.version !== PLAN_VERSION || !Array.isArray(file.combos) || !Array.isArray(file.jobs)) {
    throw new InvalidInputError(`${path} is not a plan of this version (version ${PLAN_VERSION})`);
  }
  const plans = file.combos.map((combo) =>
    wrapInput(path, () => sweepPlanOf(parseConfig(combo.config), file.options)),
  );
  // the jobs as this version plans them: a plan written by another version is refused, not run differently
  const expected = plans.flatMap((plan, combo) => sweepJobs(plan).map((job) => ({ combo, job })));
  const same =
    expected.length === file.jobs.length &&
    expected.every(({ combo, job }, i) => {
      const stored = file.jobs[i]!;
      return (
        stored.index === i &&
        stored.combo === combo &&
        stored.point === job.point &&
        stored.kind === job.kind &&
        JSON.stringify(stored.config) === JSON.stringify(job.config)
      );
    });
  if (!same) {
    throw new InvalidInputError(
      `${path}: its jobs are not the ones this version of sim plans from its configs (planned by another version?): plan again`,
    );
  }
  return { file, plans };
}

/** A job's result file: the run's T_valid, norms at tEnd and reference failure (SweepRunResult). */
interface PointFile {
  readonly version: number;
  readonly index: number;
  readonly combo: number;
  readonly point: number;
  readonly kind: SweepRunKind;
  readonly knudsen: number;
  readonly result: SweepRunResult;
}

const pointPath = (dir: string, index: number) => join(dir, 'points', `${index}.json`);
const checkpointPath = (dir: string, index: number) => join(dir, 'points', `${index}.checkpoint`);

/** Job `index`'s finished result, or null when absent or not a whole result of this job. */
function readPoint(dir: string, job: StoredPlan['jobs'][number]): PointFile | null {
  const path = pointPath(dir, job.index);
  if (!existsSync(path)) return null;
  try {
    const p = JSON.parse(readFileSync(path, 'utf8'), restoreNonFinite) as PointFile;
    const r = p.result;
    const ok =
      p.version === POINT_VERSION &&
      p.index === job.index &&
      p.combo === job.combo &&
      p.point === job.point &&
      p.kind === job.kind &&
      p.knudsen === job.knudsen &&
      (r.validityTime === null || typeof r.validityTime === 'number') &&
      (r.referenceFailed === null || typeof r.referenceFailed === 'number') &&
      REMAINDER_COLUMNS.every((c) => typeof r.normsAtEnd?.[c] === 'number') &&
      Number.isSafeInteger(r.steps);
    return ok ? p : null;
  } catch {
    return null;
  }
}

async function runPoint(
  dir: string,
  indexText: string,
  runner: RunSimulation,
  stderr: TextSink,
): Promise<void> {
  const { file, plans } = readPlan(dir);
  const index = Number(indexText);
  if (!(Number.isSafeInteger(index) && index >= 0 && index < file.jobs.length)) {
    throw new InvalidInputError(
      `the job index must be an integer from 0 to ${file.jobs.length - 1}; got "${indexText}"`,
    );
  }
  const job = file.jobs[index]!;
  const plan = plans[job.combo]!;
  const tag = `point ${index} (ε = ${fmt(job.knudsen)}, ${describeRunKind(job.kind)}${file.combos.length > 1 ? `, ${file.combos[job.combo]!.name}` : ''})`;
  if (readPoint(dir, job)) {
    stderr.write(`${tag}: finished by an earlier task, not rerun\n`);
    return;
  }
  // a checkpoint of this job: resume from it (rows before it come from the checkpoint)
  const saved = checkpointPath(dir, index);
  let resume: Checkpoint | undefined;
  const rows: TimeseriesRow[] = [];
  if (existsSync(saved)) {
    try {
      const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(saved)));
      const contents = sessionCheckpointContents(checkpoint);
      if (JSON.stringify(contents.baseConfig) !== JSON.stringify(job.config))
        throw new Error('another config');
      resume = checkpoint;
      rows.push(...contents.rows);
      stderr.write(`${tag}: resuming from ${saved} at t = ${fmt(checkpoint.time)}\n`);
    } catch (e) {
      stderr.write(`${tag}: ${saved} cannot be resumed (${messageOf(e)}): starting over\n`);
      rows.length = 0;
    }
  }
  stderr.write(`${tag}: running on the ${file.options.backend} backend\n`);
  const progress = new RunProgress(stderr);
  const started = performance.now();
  let result: Awaited<ReturnType<RunSimulation>>;
  try {
    progress.start(tag, Math.round(job.config.time.tEnd / job.config.time.dt));
    result = await runner(
      job.config,
      file.options.backend,
      (row, step) => {
        rows.push(row);
        progress.update(step);
      },
      {
        ...(resume ? { resume } : {}),
        checkpointEvery: file.options.checkpointEvery,
        onCheckpoint: (checkpoint) => writeAtomically(saved, encodeCheckpoint(checkpoint)),
      },
    );
  } finally {
    progress.endLine();
  }
  const seconds = (performance.now() - started) / 1000;
  const series = seriesFromRows(rows, result.steps, result.adapter, seconds);
  const point: PointFile = {
    version: POINT_VERSION,
    index,
    combo: job.combo,
    point: job.point,
    kind: job.kind,
    knudsen: job.knudsen,
    result: sweepRunResult(series, plan.column, plan.settings.threshold),
  };
  writeAtomically(pointPath(dir, index), `${JSON.stringify(point, keepNonFinite, 2)}\n`);
  rmSync(saved, { force: true });
  const t = point.result.validityTime;
  stderr.write(
    `${tag}: T_valid = ${t === null ? `not reached by tEnd = ${fmt(job.config.time.tEnd)}` : fmt(t)}` +
      `${point.result.referenceFailed === null ? '' : `; the fluid reference failed at t = ${fmt(point.result.referenceFailed)}`}` +
      ` (${result.steps} steps in ${fmt(seconds)} s); wrote ${pointPath(dir, index)}\n`,
  );
}

/**
 * The sweep's files from the finished jobs: one set in `dir` (without --vary) or one per combination
 * in `dir/<combination>/` and `dir/slopes.csv`. Returns false when some point lacks a run.
 */
function mergePlan(dir: string, stderr: TextSink): boolean {
  const { file, plans } = readPlan(dir);
  const byCombo = plans.map(() => new Map<number, Partial<Record<SweepRunKind, SweepRunResult>>>());
  const missingJobs = new Map<string, number[]>();
  let adapter = '';
  let seconds = 0;
  for (const job of file.jobs) {
    const done = readPoint(dir, job);
    if (!done) {
      const key = `${job.combo}:${job.point}`;
      missingJobs.set(key, [...(missingJobs.get(key) ?? []), job.index]);
      continue;
    }
    const results = byCombo[job.combo]!.get(job.point) ?? {};
    results[job.kind] = done.result;
    byCombo[job.combo]!.set(job.point, results);
    adapter ||= done.result.adapter;
    seconds += done.result.seconds;
  }
  const slopes: string[] = [];
  const varyKeys = file.vary.map((v) => v.key);
  let complete = true;
  for (const [c, plan] of plans.entries()) {
    const combo = file.combos[c]!;
    const points: SweepPoint[] = [];
    const missing: { knudsen: number; jobs: readonly number[] }[] = [];
    for (const [i, config] of plan.configs.entries()) {
      const absent = missingJobs.get(`${c}:${i}`);
      if (absent) {
        missing.push({ knudsen: config.collisions.knudsen, jobs: absent });
        continue;
      }
      points.push(assembleSweepPoint(plan, i, byCombo[c]!.get(i)!));
    }
    const { fit, fitAll } = sweepFits(points);
    const out = combo.name === '.' ? dir : join(dir, combo.name);
    mkdirSync(out, { recursive: true });
    const label = combo.name === '.' ? '' : `${combo.name}: `;
    if (missing.length > 0) {
      complete = false;
      stderr.write(
        `merge: ${label}missing ${missing.length} of ${plan.configs.length} point${plan.configs.length === 1 ? '' : 's'}: ` +
          `${missing.map((m) => `ε = ${fmt(m.knudsen)} (job${m.jobs.length === 1 ? '' : 's'} ${m.jobs.join(', ')})`).join('; ')}\n`,
      );
    }
    writeSweepOutputs(
      out,
      {
        plan,
        points,
        fit,
        fitAll,
        trustCheck: file.options.trustCheck,
        backend: file.options.backend,
        adapter,
        wallSeconds: seconds,
        config: combo.config,
        ...(missing.length > 0 ? { missing } : {}),
      },
      { write: (text: string) => stderr.write(label ? `${label}${text}` : text) },
    );
    slopes.push(
      [
        ...varyKeys.map((k) => String(combo.vary[k])),
        String(fit.slope ?? ''),
        String(fit.slopeError ?? ''),
        String(fit.n),
        String(plan.configs.length),
        String(missing.length),
        String(plan.theorem.modelSlope),
        plan.theorem.applies ? String(plan.theorem.y) : '',
        combo.name === '.' ? '.' : combo.name,
      ].join(','),
    );
  }
  if (file.vary.length > 0) {
    const header = [
      ...varyKeys,
      'slope',
      'slope_error',
      'fit_points',
      'points',
      'missing_points',
      'model_slope',
      'theorem_y',
      'directory',
    ];
    const csv = [
      '# sim sweep merge: the fitted slope of ln T_valid against ln(1/ε) of each combination (over its trustworthy points); ' +
        'model_slope: the secular-growth model (n+1−r)/(n+1) of the measured remainder; theorem_y: Theorem 1.1, ' +
        'empty where it does not cover (n, r) (it takes n = 2k − 1, r = k, k ≥ 6)',
      header.join(','),
      ...slopes,
    ].join('\n');
    writeAtomically(join(dir, 'slopes.csv'), `${csv}\n`);
    stderr.write(`wrote ${join(dir, 'slopes.csv')}\n`);
  }
  return complete;
}

/** The plan's job files present (for a test or a progress line). */
export function finishedJobs(dir: string): number[] {
  if (!existsSync(join(dir, 'points'))) return [];
  return readdirSync(join(dir, 'points'))
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => Number(f.slice(0, -5)))
    .sort((a, b) => a - b);
}
