/**
 * One kinetic run that can be stepped, looked at and rewound (issue 6): the backend (GPU or the
 * float64 CPU twin) with its Strang step, the Euler–Poisson fluid beside it (RemainderMonitor), and
 * the timeseries rows recorded so far. The worker's interactive session, its ε-sweep and
 * `runSimulation` (the CLI) all step through this class, so there is one stepping code path.
 *
 * Rows are produced exactly as `sim run` writes them: at t = 0, every outputEvery steps, and at the
 * last step. A snapshot (what the page draws) is an observer: it reads the state and changes nothing.
 *
 * Reliability (issue 8):
 * - checkpoint() / SimulationSession.restore(): the whole state (F, the fluid's conserved variables
 *   and clock, the t = 0 moments, every row, the guard's Δt) in the checkpoint format of
 *   checkpoint.ts; a restored session continues bit-identically (same backend).
 * - The step guard (on by default): every output is checked by assessHealth against the t = 0 row.
 *   A failed check never becomes a row: the run goes back to the last good output (kept in memory),
 *   Δt is halved AND outputEvery doubled, so the outputs stay at the same times (step 2k at Δt/2 is
 *   step k at Δt, exactly: halving is exact in binary), and the event is reported (onGuardEvent).
 *   After MAX_HALVINGS halvings the run stops with an UnstableRunError naming the likely cause.
 * - RecoveringSession: a session that survives the loss of its GPU device.
 */

import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { TIMESERIES_COLUMNS } from '../physics/config';
import { type ParsedConfig, parseConfig, resolveConfig, stepCount } from '../physics/configSchema';
import type { FluidSolverState } from '../physics/eulerPoisson';
import { discreteMaxwellianOnGrid } from '../physics/maxwellian';
import { MOMENT_COUNT } from '../physics/moments';
import { fluidCellParameters } from '../physics/remainderNorms';
import { InvalidParameterError, velocityNodes } from '../physics/velocityGrid';
import type { SessionSnapshot } from '../workers/sessionApi';
import { type Checkpoint, CheckpointError, sessionCheckpointContents } from './checkpoint';
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
import { assessHealth, likelyCause, MAX_HALVINGS, UnstableRunError } from './stepGuard';

export interface SessionOptions {
  /** Keep every row (default true; `rows`); false keeps only the latest (a CLI run to tEnd). */
  readonly recordRows?: boolean;
  /** Check every output and roll back with Δt halved on a failure (default true; file comment). */
  readonly guard?: boolean;
  /** Each rollback of the step guard, as it happens (the CLI prints it, the worker returns it). */
  readonly onGuardEvent?: (event: GuardEvent) => void;
}

/** One rollback of the step guard. Times are simulation times; dt and outputEvery the new ones. */
export interface GuardEvent {
  /** The output that failed its check, and why (assessHealth's problem). */
  readonly failedTime: number;
  readonly problem: string;
  /** The last good output the run went back to. */
  readonly resumedTime: number;
  readonly dt: number;
  readonly outputEvery: number;
  /** Halvings so far (≤ MAX_HALVINGS). */
  readonly halvings: number;
  /** All of it in one line. */
  readonly message: string;
}

/** The last output that passed the guard: what a rollback goes back to. */
interface GoodState {
  /** In steps of the current Δt (doubled with every halving). */
  step: number;
  readonly state: Float32Array | Float64Array;
  readonly fluid: FluidSolverState;
  /** How many rows were recorded then, and the latest of them. */
  readonly recorded: number;
  readonly latest: TimeseriesRow;
}

interface SessionParts {
  readonly config: ResolvedConfig;
  readonly baseConfig: ResolvedConfig;
  readonly halvings: number;
  readonly setup: SimulationSetup;
  readonly backend: StepBackend;
  /** F at t = 0 and its raw moments: what reset() goes back to. */
  readonly initial: Float32Array<ArrayBuffer>;
  readonly initialMoments: Float64Array;
  readonly options: SessionOptions;
}

export class SimulationSession {
  /** The config as given (reset() returns to it); `config` differs only when the guard halved Δt. */
  readonly baseConfig: ResolvedConfig;
  private configNow: ResolvedConfig;
  private setupNow: SimulationSetup;
  private halvingsNow: number;
  private readonly backend: StepBackend;
  private readonly initial: Float32Array<ArrayBuffer>;
  private readonly initialMoments: Float64Array;
  private readonly recordRows: boolean;
  private readonly guard: boolean;
  private readonly onGuardEvent: ((event: GuardEvent) => void) | undefined;
  private monitor: RemainderMonitor;
  private current = 0;
  private recorded: TimeseriesRow[] = [];
  private latest: { row: TimeseriesRow; step: number };
  /** The t = 0 row: the guard's reference. */
  private firstRow: TimeseriesRow;
  private lastGood: GoodState | null = null;
  private destroyed = false;
  private ghostCache: { step: number; cell: number; f: [Float32Array, Float32Array] } | null = null;

  private constructor(parts: SessionParts) {
    this.baseConfig = parts.baseConfig;
    this.configNow = parts.config;
    this.setupNow = parts.setup;
    this.halvingsNow = parts.halvings;
    this.backend = parts.backend;
    this.initial = parts.initial;
    this.initialMoments = parts.initialMoments;
    this.recordRows = parts.options.recordRows ?? true;
    this.guard = parts.options.guard ?? true;
    this.onGuardEvent = parts.options.onGuardEvent;
    this.monitor = new RemainderMonitor(parts.setup, parts.initialMoments);
    // the t = 0 row (or the checkpoint's rows) replaces these before anyone sees the session
    this.latest = { row: {} as TimeseriesRow, step: -1 };
    this.firstRow = this.latest.row;
  }

  /** A session at t = 0 with its first row recorded. `device` null: the float64 CPU backend. */
  static async create(
    config: ResolvedConfig,
    device: GPUDevice | null,
    options: SessionOptions = {},
  ): Promise<SimulationSession> {
    const setup = simulationSetup(config);
    if (device) GpuBackend.checkFits(device, setup); // before the initial state is even computed
    const state = initialState(setup);
    const backend: StepBackend = device
      ? await GpuBackend.create(device, setup, state)
      : new CpuBackend(setup, state);
    try {
      const session = new SimulationSession({
        config,
        baseConfig: config,
        halvings: 0,
        setup,
        backend,
        initial: state,
        initialMoments: await backend.moments(),
        options,
      });
      await session.output();
      session.keepGood(state);
      return session;
    } catch (e) {
      backend.destroy();
      throw e;
    }
  }

  /**
   * The session a checkpoint describes, at its step, with its rows, fluid and Δt; it continues
   * bit-identically on the backend that wrote it (a CPU checkpoint carries the float64 state; a
   * GPU one the f32 state, which the CPU backend then starts from). Throws CheckpointError for a
   * checkpoint that is not a session's (sessionCheckpointContents), InvalidParameterError for a
   * grid the device cannot hold.
   */
  static async restore(
    checkpoint: Checkpoint,
    device: GPUDevice | null,
    options: SessionOptions = {},
  ): Promise<SimulationSession> {
    const contents = sessionCheckpointContents(checkpoint);
    const { config, step, rows } = contents;
    const setup = simulationSetup(config);
    const start = !device && contents.state64 ? contents.state64 : contents.state;
    const backend: StepBackend = device
      ? await GpuBackend.create(device, setup, contents.state)
      : new CpuBackend(setup, start);
    try {
      const session = new SimulationSession({
        config,
        baseConfig: contents.baseConfig,
        halvings: contents.halvings,
        setup,
        backend,
        initial: initialState(setup),
        initialMoments: contents.initialMoments,
        options,
      });
      try {
        session.monitor.fluid.restoreState(contents.fluid);
      } catch (e) {
        throw new CheckpointError('size', (e as Error).message);
      }
      const latest = rows.at(-1)!;
      session.current = step;
      session.recorded = session.recordRows ? rows : [];
      session.firstRow = rows[0]!;
      session.latest = { row: latest, step: Math.round(latest.t / config.time.dt) };
      session.keepGood(start);
      return session;
    } catch (e) {
      backend.destroy();
      throw e;
    }
  }

  /** The config the run steps with now (Δt and outputEvery as the guard left them). */
  get config(): ResolvedConfig {
    return this.configNow;
  }

  get setup(): SimulationSetup {
    return this.setupNow;
  }

  /** How many times the guard has halved Δt. */
  get halvings(): number {
    return this.halvingsNow;
  }

  /** Steps to tEnd at the current Δt. */
  get totalSteps(): number {
    return stepCount(this.configNow);
  }

  get backendName(): 'webgpu' | 'cpu' {
    return this.backend.name;
  }

  /** Steps taken since t = 0 (at the current Δt). */
  get step(): number {
    return this.current;
  }

  get time(): number {
    return this.current * this.configNow.time.dt;
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

  /** The step of latestRow (equal to `step` right after an output). */
  get lastOutputStep(): number {
    return this.latest.step;
  }

  /**
   * Up to `steps` Strang steps (fewer at tEnd), the fluid advanced in lock-step; returns the rows
   * produced on the way, each also passed to `onRow` as soon as it is made (a throw there stops the
   * run, as `sim run`'s column check does). `steps` counts steps of the Δt at the call: when the
   * guard halves Δt on the way, the call still ends at the same time (twice the steps).
   */
  async advance(
    steps: number,
    onRow?: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  ): Promise<TimeseriesRow[]> {
    this.assertAlive();
    if (!(Number.isInteger(steps) && steps >= 0))
      throw new RangeError(`advance: steps must be an integer ≥ 0, got ${steps}`);
    const produced: TimeseriesRow[] = [];
    let last = Math.min(this.totalSteps, this.current + steps);
    while (this.current < last) {
      await strangStep(this.setupNow, this.backend);
      this.monitor.advance(this.configNow.time.dt);
      this.current++;
      if (this.current % this.configNow.time.outputEvery !== 0 && this.current !== this.totalSteps) continue;
      const row = await this.measure(await this.backend.moments());
      let state: Float32Array | Float64Array | null = null;
      if (this.guard) {
        state = await this.backend.readState();
        const verdict = assessHealth(state, row, this.firstRow);
        if (!verdict.ok) {
          this.rollBack(verdict.problem, row.t);
          last = Math.min(this.totalSteps, 2 * last);
          continue;
        }
      }
      this.record(row);
      if (state) this.keepGood(state);
      produced.push(row);
      onRow?.(row, this.current, this.totalSteps);
    }
    return produced;
  }

  /**
   * The checkpoint of the session as it is now (checkpoint.ts sessionCheckpointContents lists what
   * it holds); encodeCheckpoint makes it a file. Needs a session that records its rows.
   */
  async checkpoint(): Promise<Checkpoint> {
    this.assertAlive();
    if (!this.recordRows) {
      throw new Error('checkpoint(): this session keeps only its latest row (recordRows: false)');
    }
    // right after a checked output the state in memory is the current one: no second readback
    const good = this.lastGood?.step === this.current ? this.lastGood : null;
    const state = good ? good.state : await this.backend.readState();
    const fluid = good ? good.fluid : this.monitor.fluid.exportState();
    const columns = TIMESERIES_COLUMNS;
    const rows = new Float64Array(this.recorded.length * columns.length);
    this.recorded.forEach((row, r) => {
      columns.forEach((c, k) => {
        rows[r * columns.length + k] = row[c];
      });
    });
    const sections: Record<string, Float32Array | Float64Array> = {
      distribution: state instanceof Float32Array ? state : Float32Array.from(state),
      fluid: fluid.conserved,
      initialMoments: this.initialMoments,
      rows,
    };
    if (state instanceof Float64Array) sections.distribution64 = state;
    return {
      config: this.configNow,
      step: this.current,
      time: this.time,
      sections,
      extras: {
        columns: [...columns],
        backend: this.backend.name,
        fluidTime: fluid.time,
        fluidSubsteps: fluid.substeps,
        halvings: this.halvingsNow,
        baseDt: this.baseConfig.time.dt,
        baseOutputEvery: this.baseConfig.time.outputEvery,
      },
    };
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

  /**
   * Back to t = 0 with the config as given (a Δt the guard halved is restored): the initial state
   * reloaded, a fresh fluid, the rows cleared to the t = 0 row.
   */
  async reset(): Promise<void> {
    this.assertAlive();
    if (this.halvingsNow > 0) this.retime(this.baseConfig, 0);
    this.backend.load(this.initial);
    this.monitor = new RemainderMonitor(this.setupNow, this.initialMoments);
    this.current = 0;
    this.recorded = [];
    this.ghostCache = null;
    await this.output();
    this.keepGood(this.initial);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.backend.destroy();
  }

  /**
   * A failed check: back to the last good output with Δt halved and outputEvery doubled (outputs at
   * the same times), or, after MAX_HALVINGS, an UnstableRunError with the likely cause.
   */
  private rollBack(problem: string, failedTime: number): void {
    const good = this.lastGood!;
    const { dt } = this.configNow.time;
    if (this.halvingsNow >= MAX_HALVINGS) {
      this.returnTo(good); // the session stays at its last good output, never at the failed state
      let warnings: string[] = [];
      try {
        warnings = resolveConfig(this.baseConfig).warnings;
      } catch {
        // the config was resolved once already; its warnings are only a hint here
      }
      throw new UnstableRunError(
        problem,
        likelyCause(this.baseConfig, warnings),
        `at t = ${fmt(failedTime)}, ${problem}, still with dt halved ${MAX_HALVINGS} times ` +
          `(dt = ${fmt(dt)}, from ${fmt(this.baseConfig.time.dt)})`,
      );
    }
    const time = { ...this.configNow.time, dt: dt / 2, outputEvery: 2 * this.configNow.time.outputEvery };
    this.retime({ ...this.configNow, time }, this.halvingsNow + 1);
    good.step *= 2;
    this.returnTo(good);
    const event: GuardEvent = {
      failedTime,
      problem,
      resumedTime: this.time,
      dt: time.dt,
      outputEvery: time.outputEvery,
      halvings: this.halvingsNow,
      message:
        `at t = ${fmt(failedTime)}: ${problem}; rolled back to t = ${fmt(this.time)} with dt halved to ` +
        `${fmt(time.dt)} (halving ${this.halvingsNow} of at most ${MAX_HALVINGS}), output every ` +
        `${time.outputEvery} steps (the same output times)`,
    };
    this.onGuardEvent?.(event);
  }

  /** The state, fluid, step and rows of `good` (its step in units of the current Δt). */
  private returnTo(good: GoodState): void {
    this.backend.load(good.state);
    this.monitor.fluid.restoreState(good.fluid);
    this.current = good.step;
    if (this.recordRows) this.recorded.length = good.recorded;
    this.latest = { row: good.latest, step: good.step };
    this.ghostCache = null;
  }

  private retime(config: ResolvedConfig, halvings: number): void {
    this.configNow = config;
    this.setupNow = simulationSetup(config);
    this.halvingsNow = halvings;
    this.backend.retime(this.setupNow);
  }

  /** The state now (given: it was just read or loaded) becomes the rollback point. */
  private keepGood(state: Float32Array | Float64Array): void {
    if (!this.guard) return;
    this.lastGood = {
      step: this.current,
      state,
      fluid: this.monitor.fluid.exportState(),
      recorded: this.recorded.length,
      latest: this.latest.row,
    };
  }

  /**
   * The ghost: the fluid's discrete bi-Maxwellian F_0 at `cell` (remainderNorms.ts), one Newton
   * solve over N_v³ points; kept until the fluid moves or another cell is asked for.
   */
  private ghost(cell: number): [Float32Array, Float32Array] {
    if (this.ghostCache?.step !== this.current || this.ghostCache.cell !== cell) {
      const { grid } = this.setupNow;
      const fluid = this.monitor.fluid;
      const [densityA, densityB, velocity, temperature] = [
        fluid.densityA,
        fluid.densityB,
        fluid.velocity,
        fluid.temperature,
      ];
      const masses = [this.configNow.species[0].mass, this.configNow.species[1].mass] as const;
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
    this.record(row);
    return row;
  }

  private record(row: TimeseriesRow): void {
    if (this.recordRows) this.recorded.push(row);
    this.latest = { row, step: this.current };
    if (this.current === 0) this.firstRow = row;
  }

  private async measure(moments: Float64Array): Promise<TimeseriesRow> {
    const t = this.current * this.configNow.time.dt;
    const kinetic = diagnosticsRow(this.setupNow, t, moments, fieldFromMoments(this.setupNow, moments));
    return { ...kinetic, ...(await this.monitor.measure(t, this.backend, moments)) };
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('this simulation session was destroyed');
  }
}

/** How long a failed call waits for device.lost to say whether the device was the cause. */
const LOSS_GRACE_MS = 250;

/** What RecoveringSession.advance returns: SimulationSession.advance's rows and what happened on the way. */
export interface RecoveringAdvance {
  readonly rows: TimeseriesRow[];
  /** Set when the device was lost and the run was rebuilt from its last checkpoint (in words). */
  readonly recovered?: string;
  /** The step guard's rollbacks during the call. */
  readonly guardEvents: readonly GuardEvent[];
}

/**
 * A session that survives the loss of its GPU device (issue 8). After every call that changes the
 * run it keeps the run's checkpoint in memory (a CPU copy: a lost device cannot be read). When the
 * device is lost (device.lost resolves, for any reason: a driver reset, a GPU process crash, or
 * destroy() by a test — the device belongs to the caller, who never destroys it under a running
 * session) or a call fails because it was, it asks `acquire` for a new device (null or a throw: the
 * float64 CPU backend), rebuilds the session with SimulationSession.restore from that checkpoint and
 * repeats the call. Rows are then exactly those of an uninterrupted run on the new backend.
 */
export class RecoveringSession {
  private lost: string | null = null;
  private events: GuardEvent[] = [];

  private constructor(
    private current: SimulationSession,
    private device: GPUDevice | null,
    private saved: Checkpoint,
    private readonly acquire: () => Promise<GPUDevice | null>,
    private readonly options: SessionOptions,
  ) {
    this.watch(device);
  }

  /** `acquire` gives the device to rebuild on after a loss (null: the CPU backend). */
  static async create(
    config: ResolvedConfig,
    device: GPUDevice | null,
    acquire: () => Promise<GPUDevice | null>,
    options: Omit<SessionOptions, 'recordRows'> = {},
  ): Promise<RecoveringSession> {
    return RecoveringSession.start(
      (o) => SimulationSession.create(config, device, o),
      device,
      acquire,
      options,
    );
  }

  /** From a checkpoint (CheckpointError for one that is not a session's). */
  static async restore(
    checkpoint: Checkpoint,
    device: GPUDevice | null,
    acquire: () => Promise<GPUDevice | null>,
    options: Omit<SessionOptions, 'recordRows'> = {},
  ): Promise<RecoveringSession> {
    return RecoveringSession.start(
      (o) => SimulationSession.restore(checkpoint, device, o),
      device,
      acquire,
      options,
    );
  }

  private static async start(
    make: (options: SessionOptions) => Promise<SimulationSession>,
    device: GPUDevice | null,
    acquire: () => Promise<GPUDevice | null>,
    options: Omit<SessionOptions, 'recordRows'>,
  ): Promise<RecoveringSession> {
    let self: RecoveringSession | null = null;
    const sessionOptions: SessionOptions = {
      ...options,
      recordRows: true, // the kept checkpoint carries every row
      onGuardEvent: (event) => {
        self?.events.push(event);
        options.onGuardEvent?.(event);
      },
    };
    const session = await make(sessionOptions);
    try {
      self = new RecoveringSession(session, device, await session.checkpoint(), acquire, sessionOptions);
      return self;
    } catch (e) {
      session.destroy();
      throw e;
    }
  }

  /** The session now (a new object after a recovery). */
  get session(): SimulationSession {
    return this.current;
  }

  /** Why the device was lost, while a loss waits for the next call to recover from it. */
  get pendingLoss(): string | null {
    return this.lost;
  }

  async advance(steps: number): Promise<RecoveringAdvance> {
    const { value: rows, recovered } = await this.guarded(async (s) => {
      this.events = []; // a repeated call reports its own events only
      const rows = await s.advance(steps);
      this.saved = await s.checkpoint();
      return rows;
    });
    return { rows, guardEvents: [...this.events], ...(recovered ? { recovered } : {}) };
  }

  async snapshot(velocityCell = 0): Promise<{ snapshot: SessionSnapshot; recovered?: string }> {
    const { value, recovered } = await this.guarded((s) => s.snapshot(velocityCell));
    return { snapshot: value, ...(recovered ? { recovered } : {}) };
  }

  async reset(): Promise<{ recovered?: string }> {
    const { recovered } = await this.guarded(async (s) => {
      await s.reset();
      this.saved = await s.checkpoint();
    });
    return recovered ? { recovered } : {};
  }

  /** A fresh checkpoint of the run (e.g. to save it as a file). */
  async checkpoint(): Promise<Checkpoint> {
    const { value } = await this.guarded(async (s) => {
      this.saved = await s.checkpoint();
      return this.saved;
    });
    return value;
  }

  /** The session's backend; the device is the caller's and stays alive. */
  destroy(): void {
    this.device = null;
    this.current.destroy();
  }

  /**
   * Runs `task` on the session; a loss noticed before, during or right after it is answered by a
   * recovery and (for a loss during or after) one repeat of the task on the rebuilt session.
   */
  private async guarded<T>(
    task: (s: SimulationSession) => Promise<T>,
  ): Promise<{ value: T; recovered?: string }> {
    const notes: string[] = [];
    if (this.lost) notes.push(await this.recover());
    let value: T;
    try {
      value = await task(this.current);
      if (this.lost) throw new Error(`the GPU device was lost (${this.lost})`);
    } catch (e) {
      if (!(await this.deviceWasLost())) throw e;
      notes.push(await this.recover());
      value = await task(this.current);
    }
    return notes.length > 0 ? { value, recovered: notes.join('; ') } : { value };
  }

  /** Whether the device is lost: device.lost, given a moment to settle after a failed call. */
  private async deviceWasLost(): Promise<boolean> {
    if (this.lost) return true;
    const device = this.device;
    if (!device) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), LOSS_GRACE_MS);
    });
    const info = await Promise.race([device.lost, grace]);
    clearTimeout(timer);
    if (info && !this.lost) this.lost = `${info.reason}: ${info.message}`;
    return info !== null;
  }

  private watch(device: GPUDevice | null): void {
    void device?.lost.then((info) => {
      if (this.device === device) this.lost = `${info.reason}: ${info.message || 'no message'}`;
    });
  }

  private async recover(): Promise<string> {
    const reason = this.lost ?? 'unknown reason';
    let device: GPUDevice | null = null;
    let noGpu = '';
    try {
      device = await this.acquire();
      if (!device) noGpu = 'no GPU is available';
    } catch (e) {
      noGpu = e instanceof Error ? e.message : String(e);
    }
    const next = await SimulationSession.restore(this.saved, device, this.options);
    try {
      this.current.destroy(); // its buffers belong to the lost device
    } catch {
      // a lost device may refuse the last submit; nothing to release then
    }
    this.current = next;
    this.device = device;
    this.lost = null;
    this.watch(device);
    return (
      `the GPU device was lost (${reason}); ` +
      (device ? 'a new device was acquired' : `continuing on the float64 CPU backend (${noGpu})`) +
      ` and the run resumed from its checkpoint at step ${this.saved.step} (t = ${fmt(this.saved.time)})`
    );
  }
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
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
