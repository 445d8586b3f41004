/**
 * The one record type of `npm run bench`, one per measured case, its validation, and the
 * human summary printed to stderr. Pure: no GPU, no I/O (tested in tests/unit/bench/record.test.ts).
 *
 * Which times are what:
 * - `ms_collision` (the collision STEP: Q(F) and Q(M), projections, bi-Maxwellian, update) and
 *   `ms_transport` (the four free-flow passes of one Strang step, X V V X) are GPU time of the
 *   kernels alone, measured as `timing` says (on the CPU backend: wall time of the float64 twins).
 * - `ms_per_step` (one whole Strang step; on the GPU its Poisson solve is recorded with it, no
 *   read-back), `ms_poisson` (moments kernel → Poisson solve and v-advection weights → one V pass:
 *   on the GPU fieldSolve.wgsl, on the CPU poissonSolveFft + advectVWeights) and `ms_remainder`
 *   (remainder-norms kernel + read-back) are wall time, submit to completion, so they contain a
 *   host round trip (the final wait). `ms_poisson` and `ms_transport` share one V pass.
 * - A field is null when the case does not measure it (kind 'collision' measures the collision
 *   step only) and, on the CPU backend, for the roofline figures (the roofline is the adapter's).
 */

import { collisionStepWork } from './collisionCost';
import { formatMs } from './stats';

export type Backend = 'webgpu' | 'cpu';
export type CaseKind = 'step' | 'collision';
export type TimingMethod = 'timestamp-query' | 'queue-completion' | 'wall-clock';

export interface BenchRecord {
  /** e.g. "webgpu step nv=16 nx=64". */
  case: string;
  /** 'step': the full VPB step and all its parts; 'collision': the collision step alone. */
  kind: CaseKind;
  backend: Backend;
  /** The WebGPU adapter, or the CPU the float64 backend ran on. */
  adapter: string;
  /** Timings are not a GPU's (a software adapter such as SwiftShader, or the CPU backend). */
  software: boolean;
  nx: number;
  nv: number;
  /** Quadrature of the collision operator: radial nodes and sphere points. */
  n_rho: number;
  sphere_points: number;
  mass_ratio: number;
  gamma: number;
  ms_per_step: number | null;
  steps_per_second: number | null;
  ms_collision: number;
  ms_collision_per_cell: number;
  ms_transport: number | null;
  ms_poisson: number | null;
  ms_remainder: number | null;
  /** Counted work of one collision step (src/bench/collisionCost.ts). */
  collision_gflop: number;
  collision_gbyte: number;
  /** Achieved rates of the collision step from the counted work. */
  gflops: number;
  gbs: number;
  peak_gflops: number | null;
  peak_gbs: number | null;
  fraction_of_peak_flops: number | null;
  fraction_of_peak_bandwidth: number | null;
  /** How ms_collision and ms_transport were timed ('wall-clock' on the CPU backend). */
  timing: TimingMethod;
  /** Timed repeats behind each median (after one warm-up). */
  repeats: number;
  /** Back-to-back executions per GPU kernel sample (short kernels are batched; 1 on the CPU). */
  kernel_batch: number;
  /** Compute dispatches of one collision-operator evaluation (two per collision step); null on the CPU. */
  collision_dispatches: number | null;
  /** The GPU collision operator's largest error against its float64 twin (src/bench/verify.ts); null on the CPU. */
  collision_error_vs_twin: number | null;
  /**
   * The case's operator against the exact exchange rates (collision/gridAccuracy.ts: the worst
   * relative error of the momentum and energy exchange, kernel truncation and box included), so that
   * a time comes with what it buys; null above N_v = 32 (not measured).
   */
  exchange_rate_error: number | null;
  /** ISO 8601 time of the run. */
  date: string;
  /** `git rev-parse --short HEAD`, or "unknown". */
  commit: string;
  /** The working tree had uncommitted changes (null: unknown). */
  worktree_dirty: boolean | null;
}

const BACKENDS: readonly Backend[] = ['webgpu', 'cpu'];
const KINDS: readonly CaseKind[] = ['step', 'collision'];
const TIMINGS: readonly TimingMethod[] = ['timestamp-query', 'queue-completion', 'wall-clock'];

/** Positive finite times and rates; null only where the module comment allows it. */
const POSITIVE = [
  'nx',
  'nv',
  'n_rho',
  'sphere_points',
  'mass_ratio',
  'ms_collision',
  'ms_collision_per_cell',
  'collision_gflop',
  'collision_gbyte',
  'gflops',
  'gbs',
  'repeats',
  'kernel_batch',
] as const;
const STEP_TIMES = ['ms_per_step', 'steps_per_second', 'ms_transport', 'ms_poisson', 'ms_remainder'] as const;
const ROOFLINE = ['peak_gflops', 'peak_gbs', 'fraction_of_peak_flops', 'fraction_of_peak_bandwidth'] as const;
const INTEGERS = ['nx', 'nv', 'n_rho', 'sphere_points', 'repeats', 'kernel_batch'] as const;

function isPositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function closeTo(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** What is wrong with `value` as a BenchRecord: an empty list when nothing is. */
export function recordProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const r = value as Record<string, unknown>;
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  need(typeof r.case === 'string' && r.case.length > 0, 'case: a non-empty string');
  need(KINDS.includes(r.kind as CaseKind), `kind: one of ${KINDS.join(', ')}`);
  need(BACKENDS.includes(r.backend as Backend), `backend: one of ${BACKENDS.join(', ')}`);
  need(typeof r.adapter === 'string' && r.adapter.length > 0, 'adapter: a non-empty string');
  need(typeof r.software === 'boolean', 'software: a boolean');
  need(typeof r.gamma === 'number' && Number.isFinite(r.gamma), 'gamma: a finite number');
  for (const key of POSITIVE) need(isPositive(r[key]), `${key}: a finite number > 0, got ${r[key]}`);
  for (const key of INTEGERS) need(Number.isInteger(r[key]), `${key}: an integer`);
  const step = r.kind === 'step';
  for (const key of STEP_TIMES) {
    need(
      step ? isPositive(r[key]) : r[key] === null,
      `${key}: ${step ? 'a finite number > 0 for a step case' : 'null for a collision-only case'}, got ${r[key]}`,
    );
  }
  const gpu = r.backend === 'webgpu';
  for (const key of ROOFLINE) {
    need(
      gpu ? isPositive(r[key]) : r[key] === null,
      `${key}: ${gpu ? 'a finite number > 0 on webgpu' : 'null on the cpu backend'}, got ${r[key]}`,
    );
  }
  need(
    gpu
      ? Number.isInteger(r.collision_dispatches) && (r.collision_dispatches as number) > 0
      : r.collision_dispatches === null,
    `collision_dispatches: ${gpu ? 'a positive integer on webgpu' : 'null on the cpu backend'}, got ${r.collision_dispatches}`,
  );
  need(
    gpu
      ? typeof r.collision_error_vs_twin === 'number' &&
          Number.isFinite(r.collision_error_vs_twin) &&
          r.collision_error_vs_twin >= 0
      : r.collision_error_vs_twin === null,
    `collision_error_vs_twin: ${gpu ? 'a finite number ≥ 0 on webgpu' : 'null on the cpu backend'}, got ${r.collision_error_vs_twin}`,
  );
  need(
    r.exchange_rate_error === null ||
      (typeof r.exchange_rate_error === 'number' &&
        Number.isFinite(r.exchange_rate_error) &&
        r.exchange_rate_error >= 0),
    `exchange_rate_error: a finite number ≥ 0, or null above N_v = 32, got ${r.exchange_rate_error}`,
  );
  need(TIMINGS.includes(r.timing as TimingMethod), `timing: one of ${TIMINGS.join(', ')}`);
  need(
    (r.timing === 'wall-clock') === !gpu,
    "timing: 'wall-clock' exactly on the cpu backend, a GPU method on webgpu",
  );
  need(typeof r.date === 'string' && !Number.isNaN(Date.parse(r.date)), 'date: an ISO 8601 time');
  need(typeof r.commit === 'string' && r.commit.length > 0, 'commit: a non-empty string');
  need(typeof r.worktree_dirty === 'boolean' || r.worktree_dirty === null, 'worktree_dirty: boolean or null');
  if (problems.length > 0) return problems;
  // derived fields agree with what they are derived from
  const x = r as unknown as BenchRecord;
  need(
    closeTo(x.gflops, x.collision_gflop / (x.ms_collision / 1000)),
    'gflops ≠ collision_gflop / ms_collision',
  );
  need(closeTo(x.gbs, x.collision_gbyte / (x.ms_collision / 1000)), 'gbs ≠ collision_gbyte / ms_collision');
  need(closeTo(x.ms_collision_per_cell, x.ms_collision / x.nx), 'ms_collision_per_cell ≠ ms_collision / nx');
  if (x.ms_per_step !== null && x.steps_per_second !== null) {
    need(closeTo(x.steps_per_second, 1000 / x.ms_per_step), 'steps_per_second ≠ 1000 / ms_per_step');
  }
  if (x.peak_gflops !== null && x.fraction_of_peak_flops !== null) {
    need(
      closeTo(x.fraction_of_peak_flops, x.gflops / x.peak_gflops),
      'fraction_of_peak_flops ≠ gflops / peak',
    );
  }
  if (x.peak_gbs !== null && x.fraction_of_peak_bandwidth !== null) {
    need(
      closeTo(x.fraction_of_peak_bandwidth, x.gbs / x.peak_gbs),
      'fraction_of_peak_bandwidth ≠ gbs / peak',
    );
  }
  return problems;
}

/** Throws with every problem of `record`, naming its case (a bug in the bench, never data). */
export function assertValidRecord(record: BenchRecord): BenchRecord {
  const problems = recordProblems(record);
  if (problems.length > 0) {
    throw new Error(`bench record "${record.case}" is invalid: ${problems.join('; ')}`);
  }
  return record;
}

/** The medians of one measured case (src/bench/measure.ts), before they become a BenchRecord. */
export interface Measurement {
  readonly msPerStep: number | null;
  readonly msCollision: number;
  readonly msTransport: number | null;
  readonly msPoisson: number | null;
  readonly msRemainder: number | null;
  readonly repeats: number;
  readonly kernelBatch: number;
  readonly nRho: number;
  readonly sphereCount: number;
  /** Cells per chunk of the collision operator's batched grids (the counted work pads to it). */
  readonly chunkCells: number;
  /** Radial nodes per block of the sphere-sum passes (full rule, half rule); null: one block. */
  readonly radialBlock: { readonly full: number; readonly half: number } | null;
  /** Dispatches of one collision-operator evaluation on the GPU; null on the CPU backend. */
  readonly dispatchesPerOperator: number | null;
  /** The shifted grids' i3 and i2 passes ran as one plane pass (CollisionOperator.planePass). */
  readonly planePass: boolean;
  /**
   * The GPU operator's largest error against the float64 twin at this N_v (src/bench/verify.ts;
   * the bench fills it in from its check before timing); null on the CPU backend.
   */
  readonly collisionErrorVsTwin: number | null;
}

/** What every record of one run shares. */
export interface RunContext {
  readonly adapter: string;
  readonly software: boolean;
  /** The adapter's measured roofline; null on the CPU backend. */
  readonly roofline: { readonly peakGflops: number; readonly bandwidthGBs: number } | null;
  readonly timing: TimingMethod;
  readonly date: string;
  readonly commit: string;
  readonly worktreeDirty: boolean | null;
}

/** A case: what runs (the full step and its parts, or the collision step alone), where, and its size. */
export interface BenchCase {
  readonly kind: CaseKind;
  readonly backend: Backend;
  readonly nv: number;
  readonly nx: number;
}

/** The record of a measured case: the counted work of its collision step and the derived rates. */
export function buildRecord(
  name: string,
  c: BenchCase,
  m: Measurement,
  context: RunContext,
  physics: { readonly massRatio: number; readonly gamma: number; readonly exchangeRateError: number | null },
): BenchRecord {
  const work = collisionStepWork({
    nv: c.nv,
    cells: c.nx,
    nRho: m.nRho,
    sphereCount: m.sphereCount,
    chunkCells: m.chunkCells,
    ...(m.radialBlock ? { radialBlock: m.radialBlock } : {}),
    planePass: m.planePass,
  });
  const seconds = m.msCollision / 1000;
  const gflops = work.flops / 1e9 / seconds;
  const gbs = work.bytes / 1e9 / seconds;
  const { roofline } = context;
  return {
    case: name,
    kind: c.kind,
    backend: c.backend,
    adapter: context.adapter,
    software: context.software,
    nx: c.nx,
    nv: c.nv,
    n_rho: m.nRho,
    sphere_points: m.sphereCount,
    mass_ratio: physics.massRatio,
    gamma: physics.gamma,
    ms_per_step: m.msPerStep,
    steps_per_second: m.msPerStep === null ? null : 1000 / m.msPerStep,
    ms_collision: m.msCollision,
    ms_collision_per_cell: m.msCollision / c.nx,
    ms_transport: m.msTransport,
    ms_poisson: m.msPoisson,
    ms_remainder: m.msRemainder,
    collision_gflop: work.flops / 1e9,
    collision_gbyte: work.bytes / 1e9,
    gflops,
    gbs,
    peak_gflops: roofline?.peakGflops ?? null,
    peak_gbs: roofline?.bandwidthGBs ?? null,
    fraction_of_peak_flops: roofline ? gflops / roofline.peakGflops : null,
    fraction_of_peak_bandwidth: roofline ? gbs / roofline.bandwidthGBs : null,
    timing: context.timing,
    repeats: m.repeats,
    kernel_batch: m.kernelBatch,
    collision_dispatches: m.dispatchesPerOperator,
    collision_error_vs_twin: m.collisionErrorVsTwin,
    exchange_rate_error: physics.exchangeRateError,
    date: context.date,
    commit: context.commit,
    worktree_dirty: context.worktreeDirty,
  };
}

/** One line per record for stderr. */
export function recordLine(r: BenchRecord): string {
  const ms = (x: number | null) => (x === null ? '—' : formatMs(x));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const step =
    r.ms_per_step === null
      ? ''
      : `${ms(r.ms_per_step)} ms/step (${r.steps_per_second!.toFixed(r.steps_per_second! < 10 ? 2 : 0)} steps/s); `;
  const parts =
    r.kind === 'step'
      ? `; transport ${ms(r.ms_transport)} ms, Poisson round trip ${ms(r.ms_poisson)} ms, remainder ${ms(r.ms_remainder)} ms`
      : '';
  const of = (fraction: number | null, peak: string) =>
    fraction === null ? '' : ` = ${pct(fraction)} of ${peak}`;
  return (
    `${r.case}: ${step}collision step ${ms(r.ms_collision)} ms (${ms(r.ms_collision_per_cell)} ms/cell), ` +
    `${r.gflops.toPrecision(3)} GFLOP/s${of(r.fraction_of_peak_flops, 'FMA peak')}, ` +
    `${r.gbs.toPrecision(3)} GB/s${of(r.fraction_of_peak_bandwidth, 'copy bandwidth')}${parts} ` +
    `[${r.timing}, median of ${r.repeats}]`
  );
}

/**
 * time(N_v = b)/time(N_v = a) per cell of the collision step, per backend, at the smallest n_x
 * measured for both sizes; with the counted-work ratio beside it (N⁶ would be 64x).
 */
export function scalingLines(records: readonly BenchRecord[]): string[] {
  const lines: string[] = [];
  for (const backend of BACKENDS) {
    for (const [a, b] of [
      [8, 16],
      [16, 32],
    ] as const) {
      const at = (nv: number) => records.filter((r) => r.backend === backend && r.nv === nv);
      const shared = at(a)
        .map((r) => r.nx)
        .filter((nx) => at(b).some((r) => r.nx === nx))
        .sort((x, y) => x - y);
      const nx = shared[0];
      if (nx === undefined) continue;
      const ra = at(a).find((r) => r.nx === nx)!;
      const rb = at(b).find((r) => r.nx === nx)!;
      const time = rb.ms_collision_per_cell / ra.ms_collision_per_cell;
      const work = rb.collision_gflop / rb.nx / (ra.collision_gflop / ra.nx);
      lines.push(
        `${backend}: collision time per cell N_v=${b} / N_v=${a} (n_x = ${nx}): ${time.toFixed(1)}x ` +
          `(counted work ${work.toFixed(1)}x; N⁶ would be 64x)`,
      );
    }
  }
  return lines;
}
