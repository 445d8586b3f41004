/**
 * One kinetic run that can be stepped, looked at and rewound: the backend (GPU or the float64 CPU
 * twin) with its Strang step (step.ts), the Euler–Poisson fluid beside it (RemainderMonitor), and
 * the timeseries rows recorded so far. The worker's interactive session, its ε-sweep and
 * runSimulation (run.ts: the CLI) all step through this class, so there is one stepping code path.
 * Rows are produced exactly as `sim run` writes them: at t = 0, every outputEvery steps, and at the
 * last step; a snapshot (snapshot.ts) only reads the state.
 *
 * checkpoint() and SimulationSession.restore() carry the whole run (F, the fluid's conserved
 * variables and clock, the t = 0 moments, every row, the guard's Δt), so a restored session
 * continues bit-identically on the same backend. The step guard (stepGuard.ts, on by default)
 * checks every output against the t = 0 row; a failed check never becomes a row: the session goes
 * back to the last good output, kept in memory, and steps on with Δt halved (onGuardEvent says so).
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { TIMESERIES_COLUMNS } from '../physics/config';
import { stepCount } from '../physics/configSchema';
import { type Checkpoint, CheckpointError, sessionCheckpointContents } from './checkpoint';
import { CpuBackend } from './cpuBackend';
import { type HilbertExpansionParts, hilbertExpansionParts, wellPreparedState } from './firstOrderReference';
import { GpuBackend } from './gpuBackend';
import { type FluidReferenceState, type FluidReferenceStatus, RemainderMonitor } from './remainderMonitor';
import { type SessionSnapshot, SnapshotMaker } from './snapshot';
import {
  diagnosticsRow,
  fieldFromMoments,
  initialState,
  type SimulationSetup,
  type StepBackend,
  simulationSetup,
  strangStep,
} from './step';
import { assessHealth, type GuardEvent, guardRollback } from './stepGuard';

export interface SessionOptions {
  /** Keep every row (default true; `rows`); false keeps only the latest (a CLI run to tEnd). */
  readonly recordRows?: boolean;
  /** Check every output and roll back with Δt halved on a failure (default true; file comment). */
  readonly guard?: boolean;
  /** Each rollback of the step guard, as it happens (the CLI prints it, the worker returns it). */
  readonly onGuardEvent?: (event: GuardEvent) => void;
}

/** The last output that passed the guard: what a rollback goes back to. */
interface GoodState {
  /** In steps of the current Δt (doubled with every halving). */
  step: number;
  readonly state: Float32Array | Float64Array;
  readonly reference: FluidReferenceState;
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
  readonly initial: Float32Array<ArrayBuffer> | Float64Array;
  readonly initialMoments: Float64Array;
  /** The first-order reference's set-up (remainder.order 1), else null. */
  readonly expansion: HilbertExpansionParts | null;
  readonly options: SessionOptions;
}

/**
 * F at t = 0: the config's perturbed Maxwellians, or with remainder.order 1 and wellPrepared (its
 * default) F_0(0) + εF_1(0) in float64 (firstOrderReference.ts). The first-order set-up is built here
 * once (its closure takes 𝓛⁻¹ solves) and handed to the session.
 */
function startingState(
  config: ResolvedConfig,
  setup: SimulationSetup,
): { state: Float32Array<ArrayBuffer> | Float64Array; expansion: HilbertExpansionParts | null } {
  if (config.remainder?.order !== 1) return { state: initialState(setup), expansion: null };
  const expansion = hilbertExpansionParts(config);
  const state =
    config.remainder.wellPrepared === false ? initialState(setup) : wellPreparedState(config, expansion);
  return { state, expansion };
}

export class SimulationSession {
  /** The config as given (reset() returns to it); `config` differs only when the guard halved Δt. */
  readonly baseConfig: ResolvedConfig;
  private configNow: ResolvedConfig;
  private setupNow: SimulationSetup;
  private halvingsNow: number;
  private readonly backend: StepBackend;
  private readonly initial: Float32Array<ArrayBuffer> | Float64Array;
  private readonly initialMoments: Float64Array;
  private readonly expansion: HilbertExpansionParts | null;
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
  private readonly snapshots = new SnapshotMaker();

  private constructor(parts: SessionParts) {
    this.baseConfig = parts.baseConfig;
    this.configNow = parts.config;
    this.setupNow = parts.setup;
    this.halvingsNow = parts.halvings;
    this.backend = parts.backend;
    this.initial = parts.initial;
    this.initialMoments = parts.initialMoments;
    this.expansion = parts.expansion;
    this.recordRows = parts.options.recordRows ?? true;
    this.guard = parts.options.guard ?? true;
    this.onGuardEvent = parts.options.onGuardEvent;
    this.monitor = new RemainderMonitor(parts.setup, parts.initialMoments, parts.expansion);
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
    const { state, expansion } = startingState(config, setup);
    const backend: StepBackend = device
      ? await GpuBackend.create(
          device,
          setup,
          state instanceof Float32Array ? state : Float32Array.from(state),
        )
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
        expansion,
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
    const { state: initial, expansion } = startingState(config, setup);
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
        initial,
        initialMoments: contents.initialMoments,
        expansion,
        options,
      });
      try {
        session.monitor.restoreState(contents.reference);
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

  /**
   * The fluid reference now (remainderMonitor.ts): its scheme, and when and why it failed (the
   * remainder columns are NaN from then; the run goes on) or handed over to finite volumes.
   */
  get fluidReference(): FluidReferenceStatus {
    const { scheme, failure, switched } = this.monitor.exportStatus();
    return { scheme, failure, switched };
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
   * `abandoned` is asked before every step: when it says true the call returns at once with the
   * rows so far (the page abandons a run it is replacing instead of waiting for its steps).
   */
  async advance(
    steps: number,
    onRow?: (row: TimeseriesRow, step: number, totalSteps: number) => void,
    abandoned?: () => boolean,
  ): Promise<TimeseriesRow[]> {
    this.assertAlive();
    if (!(Number.isInteger(steps) && steps >= 0))
      throw new RangeError(`advance: steps must be an integer ≥ 0, got ${steps}`);
    const produced: TimeseriesRow[] = [];
    let last = Math.min(this.totalSteps, this.current + steps);
    while (this.current < last) {
      if (abandoned?.()) break;
      await strangStep(this.setupNow, this.backend);
      this.monitor.advance(this.configNow.time.dt);
      this.current++;
      if (this.current % this.configNow.time.outputEvery !== 0 && this.current !== this.totalSteps) continue;
      const state = await this.backend.readState();
      const row = await this.measure(await this.backend.moments(), state);
      if (this.guard) {
        const verdict = assessHealth(state, row, this.firstRow);
        if (!verdict.ok) {
          this.rollBack(verdict.problem, row.t);
          last = Math.min(this.totalSteps, 2 * last);
          continue;
        }
      }
      this.record(row);
      this.keepGood(state);
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
    const reference = good ? good.reference : this.monitor.exportState();
    const { fluid } = reference;
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
    if (reference.firstOrder) sections.fluidFirstOrder = reference.firstOrder.conserved;
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
        fluidScheme: reference.scheme,
        fluidFailure: reference.failure,
        fluidSwitch: reference.switched,
        ...(reference.firstOrder ? { fluidFirstOrderTime: reference.firstOrder.time } : {}),
        halvings: this.halvingsNow,
        baseDt: this.baseConfig.time.dt,
        baseOutputEvery: this.baseConfig.time.outputEvery,
      },
    };
  }

  /** What the views draw now (snapshot.ts); `velocityCell` is clamped to [0, nx − 1]. */
  async snapshot(velocityCell = 0): Promise<SessionSnapshot> {
    this.assertAlive();
    return this.snapshots.snapshot(
      {
        step: this.current,
        time: this.time,
        totalSteps: this.totalSteps,
        setup: this.setupNow,
        backend: this.backend,
        fluid: this.monitor.fluid,
        fluidReference: this.fluidReference,
        row: this.latest.row,
      },
      velocityCell,
    );
  }

  /**
   * Back to t = 0 with the config as given (a Δt the guard halved is restored): the initial state
   * reloaded, a fresh fluid, the rows cleared to the t = 0 row.
   */
  async reset(): Promise<void> {
    this.assertAlive();
    if (this.halvingsNow > 0) this.retime(this.baseConfig, 0);
    this.backend.load(this.initial);
    this.monitor = new RemainderMonitor(this.setupNow, this.initialMoments, this.expansion);
    this.current = 0;
    this.recorded = [];
    this.snapshots.forget();
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
   * the same times), or, after MAX_HALVINGS, an UnstableRunError with the likely cause (stepGuard.ts).
   */
  private rollBack(problem: string, failedTime: number): void {
    const good = this.lastGood!;
    const rollback = guardRollback({
      problem,
      failedTime,
      config: this.configNow,
      baseConfig: this.baseConfig,
      halvings: this.halvingsNow,
      goodStep: good.step,
    });
    if (rollback.giveUp) {
      this.returnTo(good); // the session stays at its last good output, never at the failed state
      throw rollback.giveUp;
    }
    this.retime(rollback.config, rollback.event.halvings);
    good.step = rollback.goodStep;
    this.returnTo(good);
    this.onGuardEvent?.(rollback.event);
  }

  /** The state, fluid, step and rows of `good` (its step in units of the current Δt). */
  private returnTo(good: GoodState): void {
    this.backend.load(good.state);
    this.monitor.restoreState(good.reference);
    this.current = good.step;
    if (this.recordRows) this.recorded.length = good.recorded;
    this.latest = { row: good.latest, step: good.step };
    this.snapshots.forget();
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
      reference: this.monitor.exportState(),
      recorded: this.recorded.length,
      latest: this.latest.row,
    };
  }

  /** The row at the current step, recorded (as `sim run` does at an output). */
  private async output(): Promise<TimeseriesRow> {
    const state = await this.backend.readState();
    const row = await this.measure(await this.backend.moments(), state);
    this.record(row);
    return row;
  }

  private record(row: TimeseriesRow): void {
    if (this.recordRows) this.recorded.push(row);
    this.latest = { row, step: this.current };
    if (this.current === 0) this.firstRow = row;
  }

  private async measure(moments: Float64Array, state: Float32Array | Float64Array): Promise<TimeseriesRow> {
    const t = this.current * this.configNow.time.dt;
    const kinetic = diagnosticsRow(this.setupNow, t, moments, fieldFromMoments(this.setupNow, moments));
    return { ...kinetic, ...(await this.monitor.measure(t, this.backend, moments, state)) };
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error('this simulation session was destroyed');
  }
}
