/**
 * One kinetic run that can be stepped, looked at and rewound (issue 6): the backend (GPU or the
 * float64 CPU twin) with its Strang step, the Euler–Poisson fluid beside it (RemainderMonitor), and
 * the timeseries rows recorded so far. The worker's interactive session, its ε-sweep and
 * `runSimulation` (the CLI) all step through this class, so there is one stepping code path.
 *
 * Rows are produced exactly as `sim run` writes them: at t = 0, every outputEvery steps, and at the
 * last step. A snapshot (what the page draws) is an observer: it reads the state and changes nothing.
 */

import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { type ParsedConfig, parseConfig, resolveConfig, stepCount } from '../physics/configSchema';
import { discreteMaxwellianOnGrid } from '../physics/maxwellian';
import { MOMENT_COUNT } from '../physics/moments';
import { fluidCellParameters } from '../physics/remainderNorms';
import { InvalidParameterError, velocityNodes } from '../physics/velocityGrid';
import type { SessionSnapshot } from '../workers/sessionApi';
import { cellCentres } from './initialData';
import { RemainderMonitor } from './remainderMonitor';
import {
  CpuBackend,
  diagnosticsRow,
  fieldFromMoments,
  GpuBackend,
  initialState,
  type SimulationSetup,
  type StepBackend,
  simulationSetup,
  strangStep,
} from './simulation';

export interface SessionOptions {
  /** Keep every row (default true; `rows`); false keeps only the latest (a CLI run to tEnd). */
  readonly recordRows?: boolean;
}

export class SimulationSession {
  readonly totalSteps: number;
  private monitor: RemainderMonitor;
  private current = 0;
  private recorded: TimeseriesRow[] = [];
  private latest: { row: TimeseriesRow; step: number };
  private destroyed = false;
  private ghostCache: { step: number; cell: number; f: [Float32Array, Float32Array] } | null = null;

  private constructor(
    readonly config: ResolvedConfig,
    readonly setup: SimulationSetup,
    private readonly backend: StepBackend,
    /** F at t = 0 and its raw moments: what reset() goes back to. */
    private readonly initial: Float32Array<ArrayBuffer>,
    private readonly initialMoments: Float64Array,
    private readonly recordRows: boolean,
  ) {
    this.totalSteps = stepCount(config);
    this.monitor = new RemainderMonitor(setup, initialMoments);
    // the t = 0 row replaces it in create(), before anyone sees the session
    this.latest = { row: {} as TimeseriesRow, step: -1 };
  }

  /** A session at t = 0 with its first row recorded. `device` null: the float64 CPU backend. */
  static async create(
    config: ResolvedConfig,
    device: GPUDevice | null,
    options: SessionOptions = {},
  ): Promise<SimulationSession> {
    const setup = simulationSetup(config);
    const state = initialState(setup);
    const backend: StepBackend = device
      ? await GpuBackend.create(device, setup, state)
      : new CpuBackend(setup, state);
    try {
      const session = new SimulationSession(
        config,
        setup,
        backend,
        state,
        await backend.moments(),
        options.recordRows ?? true,
      );
      await session.output();
      return session;
    } catch (e) {
      backend.destroy();
      throw e;
    }
  }

  get backendName(): 'webgpu' | 'cpu' {
    return this.backend.name;
  }

  /** Steps taken since t = 0. */
  get step(): number {
    return this.current;
  }

  get time(): number {
    return this.current * this.config.time.dt;
  }

  /** True at tEnd: advance() does nothing more. */
  get done(): boolean {
    return this.current >= this.totalSteps;
  }

  /** Every row since t = 0 (only the latest when recordRows is false). */
  get rows(): readonly TimeseriesRow[] {
    return this.recordRows ? this.recorded : [this.latest.row];
  }

  /** The last row produced (t = 0 right after create and reset). */
  get latestRow(): TimeseriesRow {
    return this.latest.row;
  }

  /**
   * Up to `steps` Strang steps (fewer at tEnd), the fluid advanced in lock-step; returns the rows
   * produced on the way, each also passed to `onRow` as soon as it is made (a throw there stops the
   * run, as `sim run`'s column check does).
   */
  async advance(
    steps: number,
    onRow?: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  ): Promise<TimeseriesRow[]> {
    this.assertAlive();
    if (!(Number.isInteger(steps) && steps >= 0))
      throw new RangeError(`advance: steps must be an integer ≥ 0, got ${steps}`);
    const produced: TimeseriesRow[] = [];
    const last = Math.min(this.totalSteps, this.current + steps);
    const { dt, outputEvery } = this.config.time;
    while (this.current < last) {
      await strangStep(this.setup, this.backend);
      this.monitor.advance(dt);
      this.current++;
      if (this.current % outputEvery === 0 || this.current === this.totalSteps) {
        const row = await this.output();
        produced.push(row);
        onRow?.(row, this.current, this.totalSteps);
      }
    }
    return produced;
  }

  /**
   * What the views draw now. `velocityCell` is clamped to [0, nx − 1] (the snapshot says which cell
   * it used). The phase-space marginal is summed on the CPU from a readback of the whole state: at
   * n_x·N_v³ ≤ 64·32³ floats per species (16 MB in all) one readback per snapshot is cheap next to
   * the steps between two snapshots, and it keeps the snapshot an observer with no kernel of its own.
   */
  async snapshot(velocityCell = 0): Promise<SessionSnapshot> {
    this.assertAlive();
    const { config, setup } = this;
    const { grid } = setup;
    const { nx, length } = config.grid;
    const { nv, pointsPerCell, dv } = grid;
    const cell = clampCell(velocityCell, nx);
    const moments = await this.backend.moments();
    const state = await this.backend.readState();

    // ∫∫ F dv2 dv3 on (x, v1): Δv² Σ_{j2, j3} F[cell][j1][j2][j3]
    const area = dv * dv;
    const phaseSpace = [0, 1].map((s) => {
      const out = new Float32Array(nx * nv);
      for (let i = 0; i < nx; i++) {
        const base = (s * nx + i) * pointsPerCell;
        for (let j1 = 0; j1 < nv; j1++) {
          let sum = 0;
          const start = base + j1 * nv * nv;
          for (let k = 0; k < nv * nv; k++) sum += state[start + k]!;
          out[i * nv + j1] = area * sum;
        }
      }
      return out;
    }) as [Float32Array, Float32Array];
    const density = [0, 1].map((s) =>
      Float64Array.from({ length: nx }, (_, i) => moments[(s * nx + i) * MOMENT_COUNT]!),
    ) as [Float64Array, Float64Array];
    const velocity = [0, 1].map((s) => {
      const start = (s * nx + cell) * pointsPerCell;
      return Float32Array.from(state.subarray(start, start + pointsPerCell));
    }) as [Float32Array, Float32Array];

    const fluid = this.monitor.fluid;
    const fluidDensity: [Float64Array, Float64Array] = [fluid.densityA, fluid.densityB];
    const velocityFluid = this.ghost(cell);

    return {
      step: this.current,
      time: this.time,
      totalSteps: this.totalSteps,
      x: cellCentres(nx, length),
      v: velocityNodes(grid),
      phaseSpace,
      density,
      field: fieldFromMoments(setup, moments),
      fluidDensity,
      fluidField: fluid.field,
      velocityCell: cell,
      velocity,
      velocityFluid,
      // the latest output row (its t is this time at an output step, earlier between outputs):
      // measuring the remainder between outputs would cost a Newton solve per cell per snapshot
      row: { ...this.latest.row },
    };
  }

  /** Back to t = 0: the initial state reloaded, a fresh fluid, the rows cleared to the t = 0 row. */
  async reset(): Promise<void> {
    this.assertAlive();
    this.backend.load(this.initial);
    this.monitor = new RemainderMonitor(this.setup, this.initialMoments);
    this.current = 0;
    this.recorded = [];
    this.ghostCache = null;
    await this.output();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.backend.destroy();
  }

  /**
   * The ghost: the fluid's discrete bi-Maxwellian F_0 at `cell` (remainderNorms.ts), one Newton
   * solve over N_v³ points; kept until the fluid moves or another cell is asked for.
   */
  private ghost(cell: number): [Float32Array, Float32Array] {
    if (this.ghostCache?.step !== this.current || this.ghostCache.cell !== cell) {
      const { grid } = this.setup;
      const fluid = this.monitor.fluid;
      const [densityA, densityB, velocity, temperature] = [
        fluid.densityA,
        fluid.densityB,
        fluid.velocity,
        fluid.temperature,
      ];
      const masses = [this.config.species[0].mass, this.config.species[1].mass] as const;
      const parameters = fluidCellParameters(
        grid,
        {
          densityA: [densityA[cell]!],
          densityB: [densityB[cell]!],
          velocity: [[velocity[0][cell]!], [velocity[1][cell]!], [velocity[2][cell]!]],
          temperature: [temperature[cell]!],
        },
        masses,
      );
      const f = [0, 1].map((s) =>
        Float32Array.from(discreteMaxwellianOnGrid(grid, parameters, s as 0 | 1, masses[s]!)),
      ) as [Float32Array, Float32Array];
      this.ghostCache = { step: this.current, cell, f };
    }
    // copies: the snapshot's arrays are transferred (detached) by the worker
    return [this.ghostCache.f[0].slice(), this.ghostCache.f[1].slice()];
  }

  /** The row at the current step, recorded (as `sim run` does at an output). */
  private async output(): Promise<TimeseriesRow> {
    const row = await this.measure(await this.backend.moments());
    if (this.recordRows) this.recorded.push(row);
    this.latest = { row, step: this.current };
    return row;
  }

  private async measure(moments: Float64Array): Promise<TimeseriesRow> {
    const t = this.current * this.config.time.dt;
    const kinetic = diagnosticsRow(this.setup, t, moments, fieldFromMoments(this.setup, moments));
    return { ...kinetic, ...(await this.monitor.measure(t, this.backend, moments)) };
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('this simulation session was destroyed');
  }
}

function clampCell(cell: number, nx: number): number {
  if (!Number.isFinite(cell)) return 0;
  return Math.min(nx - 1, Math.max(0, Math.floor(cell)));
}

/**
 * Lets queued events (a worker's incoming messages, e.g. a cancel) run before the next step: a
 * macrotask, not a microtask (awaiting a resolved promise lets no message through). setImmediate in
 * Node; a MessageChannel in browsers and workers (setTimeout would be clamped to 4 ms when nested).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A config accepted by configure(): parsed (optional sections filled) and resolved. */
export interface AcceptedConfig {
  readonly ok: true;
  readonly parsed: ParsedConfig;
  readonly config: ResolvedConfig;
  readonly warnings: string[];
}

/** A refusal in the shape of sessionApi's ConfigRefusal (field: dotted path, null for the whole config). */
export interface RefusedConfig {
  readonly ok: false;
  readonly field: string | null;
  readonly message: string;
}

/**
 * parseConfig + resolveConfig of the CLI's contract, a refusal as a value instead of a throw: the
 * field as a dotted path ("species.1.mass", "grid.nv"), the message the CLI would print (field,
 * value received, allowed range). Errors other than InvalidParameterError are rethrown.
 */
export function acceptConfig(json: unknown): AcceptedConfig | RefusedConfig {
  try {
    const parsed = parseConfig(json);
    const { config, warnings } = resolveConfig(parsed);
    return { ok: true, parsed, config, warnings };
  } catch (e) {
    const refusal = configRefusal(e);
    if (refusal) return refusal;
    throw e;
  }
}

/** The refusal carried by an InvalidParameterError (null for any other error). */
export function configRefusal(error: unknown): RefusedConfig | null {
  if (!(error instanceof InvalidParameterError)) return null;
  return { ok: false, field: dottedPath(error.field), message: error.message };
}

/**
 * configSchema's field path ("species[1].drift[0]") as a dotted path ("species.1.drift.0"); the
 * whole config ("config") is null.
 */
export function dottedPath(field: string): string | null {
  if (field === 'config' || field === '') return null;
  return field.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '');
}
