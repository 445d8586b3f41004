/**
 * The page: starts the simulation worker (which owns the GPU), configures a session from the URL or
 * a preset, and draws what comes back. While playing it asks for `advance(speed)` again as soon as
 * the previous answer arrived, and draws the latest answer once per animation frame; the main
 * thread only copies numbers into existing buffers and redraws (no mesh is rebuilt while playing).
 *
 * Data flow (one way): controls → candidate config → worker (validates, restarts) → snapshots and
 * rows → views, plots, readouts.
 */
import * as Comlink from 'comlink';
import { acquireGpu, describeAdapter, WebGpuUnavailableError } from '../gpu/context';
import { collisionStiffness } from '../physics/collision/stiffness';
import type { ResolvedConfig, SimulationConfig, TimeseriesRow } from '../physics/config';
import { describeFloorCheck } from '../physics/floorCheck';
import { navierStokesWave } from '../physics/fluid/navierStokesWave';
import { remainderBall } from '../physics/remainderBall';
import { describeTimeStepCheck } from '../physics/timeStepCheck';
import type { ConfigAccepted, ConfigRefusal, LiveFloorStatus, SessionSnapshot } from '../workers/sessionApi';
import { type ConfigOrigin, ControlPanel, type RunState } from './controls';
import { download, snapshotJson, timeseriesCsv } from './export';
import { type AdapterKind, GPU_PRESET_NX, presetForAdapter, SOFTWARE_MAX_NX } from './parameters';
import { type LinePlot, ProfilePlots, TimeSeriesPlots } from './plots';
import { RunFiles, transferBytes } from './runFiles';
import { RunLog } from './runLog';
import { runSelfCheck } from './selfCheck';
import { PRESETS, setupFromUrl, shareUrlOf } from './setups';
import { StepClock } from './stepTime';
import { TransportReadout } from './transportReadout';
import { ValidityPanel } from './validityPanel';
import { ViewClient } from './viewClient';
import { type RemoteWorker, startWorker, type WorkerApi, WorkerQueue } from './workerClient';

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`)!;
const setText = (id: string, text: string) => {
  byTestId(id).textContent = text;
};
/** A check's line and its verdict in data-trustworthy (absent: not checked). */
const showVerdict = (id: string, text: string, good?: boolean) => {
  const out = byTestId(id);
  out.textContent = text;
  if (good === undefined) delete out.dataset.trustworthy;
  else out.dataset.trustworthy = String(good);
};
/** A plain number for the readouts (tests parse it with Number()). */
const plain = (x: number, digits = 4) => (Number.isFinite(x) ? x.toPrecision(digits) : String(x));

/** "collision step: …" under ε (stiffness.ts): λ = Δt ν̄/ε and whether the O(ε) deviation is physical. */
function collisionStepNote(config: ResolvedConfig): string | null {
  return config.collisions.enabled ? `collision step: ${collisionStiffness(config).note}` : null;
}

function refusalText(r: ConfigRefusal): string {
  return r.field && !r.message.includes(r.field) ? `${r.field}: ${r.message}` : r.message;
}

async function probeMainThread(): Promise<void> {
  try {
    const { device, report } = await acquireGpu(navigator.gpu, 'browser-main');
    setText('adapter-main', describeAdapter(report));
    device.destroy(); // only shown here; the worker owns the simulation's device
  } catch (e) {
    setText('adapter-main', e instanceof WebGpuUnavailableError ? `unavailable: ${e.reason}` : String(e));
  }
}

function showUnavailable(reason: string, advice: string): void {
  byTestId('webgpu-unavailable').hidden = false;
  setText('webgpu-reason', reason);
  setText('webgpu-advice', advice);
}

/** Shortest interval between two redraws of the time-series plots. */
const SERIES_INTERVAL_MS = 250;

interface Accepted {
  readonly accepted: ConfigAccepted;
  readonly snapshot: SessionSnapshot;
}

class App {
  private readonly profiles: ProfilePlots;
  private readonly series: TimeSeriesPlots;
  private readonly validity: ValidityPanel;
  readonly panel: ControlPanel;
  /** The run log (data-testid "run-notice"): recoveries, rollbacks, give-ups, files. */
  readonly log: RunLog;
  /** Save/load of the run as a file, and the automatic save in IndexedDB. */
  readonly files: RunFiles;
  private committed: SimulationConfig | null = null;
  /** The preset the running config is, unmodified (null after an edit). */
  private presetId: string | null = null;
  private resolved: ResolvedConfig | null = null;
  /** The config whose trusted-ball radii the readout shows. */
  private ballShownFor: ResolvedConfig | null = null;
  private runState: RunState = 'starting';
  private speed = 1;
  private velocityCell = 0;
  private latest: SessionSnapshot | null = null;
  private snapshotDirty = false;
  private frameRequested = false;
  private looping = false;
  private wasPlayingBeforeSweep = false;
  private wasStoppedBeforeSweep = false;
  /** The run's Δt now: the config's, halved by each rollback of the step guard. */
  private dtNow: number | null = null;
  private seriesDrawnAt = Number.NEGATIVE_INFINITY;
  /** The epoch of the run the page shows (set once its config and first snapshot are in place). */
  private shownEpoch = 0;
  /** Main-thread time of the drawing frames (the aim: < 50 ms each), for the automation hook. */
  private frameMs = { last: 0, max: 0, frames: 0 };
  /** Wall time of the advance calls, for the "step time" readout. */
  private readonly stepClock = new StepClock();
  /** η, λ, D_AB, k_T of the running set-up, from their own worker (never the simulation's). */
  private readonly transport = new TransportReadout(
    (t) => {
      setText('transport-viscosity', t.viscosity);
      setText('transport-conductivity', t.conductivity);
      setText('transport-diffusion', t.diffusion);
      setText('transport-thermal-diffusion', t.thermalDiffusion);
      setText('transport-status', t.status);
    },
    () => this.showNavierStokes(),
  );

  constructor(
    private readonly queue: WorkerQueue,
    private readonly adapter: AdapterKind,
    private readonly views: ViewClient,
  ) {
    this.profiles = new ProfilePlots(byTestId('plot-densities'), byTestId('plot-field'));
    this.series = new TimeSeriesPlots(
      byTestId('plot-remainder'),
      byTestId('plot-drifts'),
      byTestId('plot-entropy'),
    );
    this.validity = new ValidityPanel(byTestId('validity-panel'), {
      queue,
      config: () => this.committed ?? PRESETS[0]!.config,
      beforeSweep: () => {
        this.wasPlayingBeforeSweep = this.runState === 'playing';
        this.wasStoppedBeforeSweep = this.runState === 'stopped';
        this.setRunState('sweeping');
      },
      afterSweep: () => {
        if (this.wasStoppedBeforeSweep) {
          this.setRunState('stopped'); // the sweep ran on sessions of its own; this run still cannot go on
          return;
        }
        this.setRunState(this.latest && this.latest.step >= this.latest.totalSteps ? 'done' : 'paused');
        if (this.wasPlayingBeforeSweep) this.play();
      },
      // this.log is made below; a line is only added later
      log: (text, kind) => this.log.add(text, kind),
    });
    this.panel = new ControlPanel(document.querySelector<HTMLElement>('#gui')!, {
      presets: PRESETS,
      apply: (candidate) => this.apply(candidate, 'edit'),
      applyPreset: (id) => {
        const preset = PRESETS.find((p) => p.id === id);
        return preset ? this.apply(preset.config, { preset: id }) : Promise.resolve(`no preset "${id}"`);
      },
      playPause: () => (this.runState === 'playing' ? this.pause() : this.play()),
      step: () => void this.step(),
      reset: () => void this.reset(),
      setSpeed: (steps) => {
        this.speed = steps;
      },
      setVelocityCell: (cell) => {
        this.velocityCell = cell;
        if (this.runState !== 'playing') void this.refreshSnapshot();
      },
      setPhaseSpaceMode: (mode) => views.setPhaseSpaceMode(mode),
      setLevel: (level) => views.setLevel(level),
    });
    if (adapter === 'cpu') {
      this.panel.showCpuNote(
        'CPU fallback (no WebGPU): every set-up runs with n_x ≤ 16 and N_v = 8 (16 where a mass ratio at one temperature needs it), and an explicit box L of 4.5 thermal speeds.',
      );
    } else if (adapter === 'software') {
      this.panel.showCpuNote(
        `Software adapter (a CPU rasteriser, not a GPU): presets open with n_x ≤ ${SOFTWARE_MAX_NX} and N_v = 8 (16 where a mass ratio at one temperature needs it: seconds per step) and a box L of 4.5 thermal speeds, so that they step live; a grid you set, share or load runs as given (N_v = 32 takes about a minute per step here).`,
      );
    }
    this.wireExports();
    this.wireTimeStepCheck();
    this.log = new RunLog(byTestId('run-notice'));
    this.files = new RunFiles({
      queue,
      log: this.log,
      position: () =>
        this.latest ? { epoch: this.shownEpoch, step: this.latest.step, time: this.latest.time } : null,
      playing: () => this.runState === 'playing',
      savable: () => this.committed !== null && this.runState !== 'sweeping',
      load: (bytes) => this.loadCheckpoint(bytes),
    });
  }

  /**
   * Sends a candidate config to the worker; on acceptance the run restarts from t = 0 (and keeps
   * playing if it was). Resolves to null when accepted, else the refusal, and then nothing changed.
   */
  async apply(
    candidate: SimulationConfig,
    origin: ConfigOrigin,
    presetOfUrl: string | null = null,
  ): Promise<string | null> {
    if (this.validity.isRunning) return 'a validity sweep is running: cancel it or wait for it first';
    let config = candidate;
    let changes: string[] = [];
    // the CPU fallback shrinks every set-up, an adapter only the presets (parameters.ts)
    if (this.adapter === 'cpu' || typeof origin === 'object') {
      ({ config, changes } = presetForAdapter(candidate, this.adapter));
    }
    // the step running now is abandoned, not waited for: the new set-up takes effect at once
    if (this.looping) void this.queue.remote.abandonAdvance();
    let result: { readonly refusal: ConfigRefusal } | Accepted;
    try {
      ({ value: result } = await this.queue.run(async (remote) => {
        const answer = await remote.configure(config);
        if (!answer.ok) return { refusal: answer };
        this.queue.bump();
        return { accepted: answer, snapshot: await remote.snapshot(this.velocityCellFor(answer.config)) };
      }));
    } catch (e) {
      return `the worker failed: ${(e as Error).message ?? String(e)}`;
    }
    if ('refusal' in result) return refusalText(result.refusal);
    const { accepted, snapshot } = result;
    this.committed = config;
    this.presetId = typeof origin === 'object' ? origin.preset : origin === 'url' ? presetOfUrl : null;
    this.resolved = accepted.config;
    this.panel.showConfig(config, origin === 'url' && presetOfUrl ? { preset: presetOfUrl } : origin);
    this.panel.showQuadratureError(accepted.quadratureError?.text ?? null);
    this.panel.showGridAccuracy(
      accepted.gridAccuracy?.text ?? null,
      accepted.gridAccuracy?.withinTolerance ?? true,
    );
    this.panel.showCollisionStep(collisionStepNote(accepted.config));
    const warnings = [...accepted.warnings];
    if (changes.length > 0 && this.adapter !== 'gpu') {
      const what = this.adapter === 'cpu' ? 'CPU fallback grid' : 'software-adapter grid';
      warnings.unshift(`${what}: ${changes.join(', ')}`);
    }
    if (changes.length > 0 && this.adapter === 'gpu') {
      this.log.add(`preset opened at n_x = ${GPU_PRESET_NX} on this GPU (${changes.join(', ')})`, 'info');
    }
    this.showWarnings(warnings);
    setText('backend', accepted.backend === 'webgpu' ? 'WebGPU (WGSL kernels)' : 'CPU (float64 reference)');
    this.startRun(snapshot);
    this.validity.configChanged();
    if (this.runState === 'done' || this.runState === 'starting' || this.runState === 'stopped') {
      this.setRunState('paused');
    }
    return null;
  }

  /**
   * Replaces the run by the checkpoint in `bytes` (given up to the worker), at its step and with its
   * rows; keeps playing if it was. Resolves to null when accepted, else the refusal's message, and
   * then the running run is untouched (the worker keeps its session).
   */
  async loadCheckpoint(bytes: Uint8Array): Promise<string | null> {
    if (this.validity.isRunning) return 'a validity sweep is running: cancel it or wait for it first';
    type Loaded = Accepted & { readonly rows: readonly TimeseriesRow[] };
    let result: { readonly refusal: ConfigRefusal } | Loaded;
    try {
      ({ value: result } = await this.queue.run(async (remote) => {
        const answer = await remote.loadCheckpoint(transferBytes(bytes));
        if (!answer.ok) return { refusal: answer };
        this.queue.bump();
        const rows = await remote.rows();
        return {
          accepted: answer,
          rows,
          snapshot: await remote.snapshot(this.velocityCellFor(answer.config)),
        };
      }));
    } catch (e) {
      return `the worker failed: ${(e as Error).message ?? String(e)}`;
    }
    if ('refusal' in result) return refusalText(result.refusal);
    const { accepted, snapshot, rows } = result;
    // the run's own (resolved) config: Δt and the box as it ran, so an edit restarts it faithfully
    this.committed = accepted.config;
    this.presetId = null;
    this.resolved = accepted.config;
    this.panel.showConfig(accepted.config, 'checkpoint');
    this.panel.showQuadratureError(accepted.quadratureError?.text ?? null);
    this.panel.showGridAccuracy(
      accepted.gridAccuracy?.text ?? null,
      accepted.gridAccuracy?.withinTolerance ?? true,
    );
    this.panel.showCollisionStep(collisionStepNote(accepted.config));
    this.showWarnings(accepted.warnings);
    setText('backend', accepted.backend === 'webgpu' ? 'WebGPU (WGSL kernels)' : 'CPU (float64 reference)');
    this.startRun(snapshot, rows);
    this.validity.configChanged();
    if (snapshot.step >= snapshot.totalSteps) {
      this.setRunState('done');
    } else if (this.runState === 'done' || this.runState === 'starting' || this.runState === 'stopped') {
      this.setRunState('paused');
    }
    return null;
  }

  /** The velocity view's cell for a config: kept if it exists, else the middle cell. */
  private velocityCellFor(config: SimulationConfig): number {
    if (this.velocityCell >= config.grid.nx) {
      this.velocityCell = Math.floor(config.grid.nx / 2);
      this.panel.setVelocityCell(this.velocityCell);
    }
    return this.velocityCell;
  }

  /**
   * The linear Navier–Stokes–Poisson curves of the profile plots, from the Transport readout's
   * latest coefficients for this set-up (none until they are computed, or where the prediction does
   * not apply: its reason goes to the status line under the readout).
   */
  private showNavierStokes(): void {
    const config = this.resolved;
    const coefficients = config ? this.transport.coefficientsFor(config) : null;
    if (!config || !coefficients) {
      this.profiles.setPrediction(null);
      setText(
        'transport-wave',
        config?.collisions.enabled ? 'Navier–Stokes curve: waiting for the transport coefficients' : '—',
      );
      return;
    }
    const wave = navierStokesWave(config, coefficients);
    if ('reason' in wave) {
      this.profiles.setPrediction(null);
      setText('transport-wave', `no Navier–Stokes curve in the profile plots: ${wave.reason}`);
      return;
    }
    const [A, B] = config.species;
    this.profiles.setPrediction({
      waveNumber: wave.waveNumber,
      meanDensities: [A.density, B.density],
      charges: config.field.enabled ? [A.charge, B.charge] : null,
      amplitudes: wave.amplitudes,
    });
    const sound = wave.modes.reduce((a, b) => (Math.abs(b.frequency[0]) > Math.abs(a.frequency[0]) ? b : a));
    setText(
      'transport-wave',
      `Navier–Stokes wave (dotted in the profile plots): ω = ${plain(Math.abs(sound.frequency[0]))}, ` +
        `damping rate ${plain(-sound.frequency[1])} (Euler–Poisson: 0)` +
        (coefficients.onsagerDefect > 0.05 ? '; from coefficients not converged on their grid' : ''),
    );
  }

  /**
   * A new run (configure, reset or a loaded checkpoint): views resized, series restarted from its
   * first row (or, for a loaded run, from every row it recorded so far).
   */
  private startRun(snapshot: SessionSnapshot, rows: readonly TimeseriesRow[] = []): void {
    this.shownEpoch = this.queue.epoch;
    this.showTimeStepCheck(null);
    this.showFloorCheck(null);
    this.stepClock.reset();
    setText('step-time', '—');
    const config = this.resolved!;
    this.transport.update(config);
    this.showNavierStokes();
    const { nx, nv, length, vmax } = config.grid;
    void this.views.setGrid({
      nx,
      nv,
      length,
      vmax,
      names: [config.species[0].name, config.species[1].name],
    });
    this.series.reset(config, rows[0] ?? snapshot.row);
    this.series.append(rows.slice(1));
    setText('sim-tend', plain(config.time.tEnd));
    this.dtNow = config.time.dt;
    setText('sim-dt', plain(config.time.dt));
    byTestId<HTMLInputElement>('share-url').value = this.shareUrl();
    this.show(snapshot);
  }

  play(): void {
    if (this.runState === 'done' || this.runState === 'sweeping' || this.runState === 'stopped') return;
    if (!this.committed) return;
    this.setRunState('playing');
    void this.loop();
  }

  pause(): void {
    if (this.runState === 'playing') this.setRunState('paused');
  }

  /** advance(k) again as soon as the previous answer arrives, while playing. */
  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (this.runState === 'playing') {
        const { epoch, value } = await this.queue.run((remote) => this.timedAdvance(remote, this.speed));
        if (epoch !== this.queue.epoch) continue; // answered for a run that has been replaced
        this.report(value);
        this.series.append(value.rows);
        this.show(value.snapshot);
        if (value.done && this.runState === 'playing') this.setRunState('done');
      }
    } catch (e) {
      this.stop(e);
    } finally {
      this.looping = false;
    }
  }

  async step(): Promise<void> {
    if (this.runState !== 'paused') return; // queued behind a last advance of the loop, if any
    try {
      const { epoch, value } = await this.queue.run((remote) => this.timedAdvance(remote, 1));
      if (epoch !== this.queue.epoch) return;
      this.report(value);
      this.series.append(value.rows);
      this.show(value.snapshot);
      if (value.done) this.setRunState('done');
    } catch (e) {
      this.stop(e);
    }
  }

  /** advance(steps) measured by the step clock (stepTime.ts), its readout ticking while in flight. */
  private async timedAdvance(remote: RemoteWorker, steps: number) {
    const before = this.latest?.step ?? 0;
    const epoch = this.queue.epoch;
    this.stepClock.start(steps, performance.now());
    const ticker = setInterval(() => setText('step-time', this.stepClock.describe(performance.now())), 250);
    try {
      const value = await remote.advance(steps, this.velocityCell);
      const made = epoch === this.queue.epoch ? value.snapshot.step - before : 0;
      this.stepClock.finish(made, performance.now());
      return value;
    } catch (e) {
      this.stepClock.cancel();
      throw e;
    } finally {
      clearInterval(ticker);
      setText('step-time', this.stepClock.describe(performance.now()));
    }
  }

  /**
   * What advance() says happened besides stepping: a device-loss recovery, rollbacks of Δt, the live
   * floor (engine/liveFloor.ts) when it is on.
   */
  private report(value: {
    readonly recovered?: string;
    readonly rollbacks?: readonly string[];
    readonly floor?: LiveFloorStatus;
    readonly floorStopped?: string;
  }): void {
    const t = this.latest?.time ?? null;
    if (value.floor?.state === 'live') {
      this.showFloorCheck(`live: ${describeFloorCheck(value.floor.check)}`, value.floor.check.aboveFloor);
    } else if (value.floor) {
      this.showFloorCheck(
        `live: catching up from t = 0 (t = ${plain(value.floor.time, 3)} of ${plain(value.floor.target, 3)})`,
      );
    }
    if (value.floorStopped) {
      this.showFloorCheck(value.floorStopped, false);
      byTestId<HTMLInputElement>('live-floor').checked = false;
      this.log.add(value.floorStopped, 'warning', t);
    }
    if (value.recovered) this.log.add(`recovered: ${value.recovered}`, 'warning', t);
    for (const line of value.rollbacks ?? []) {
      this.log.add(`rolled back: ${line}`, 'warning', t);
      if (this.dtNow !== null) this.dtNow /= 2;
    }
    if (value.rollbacks?.length && this.dtNow !== null && this.resolved) {
      const halvings = Math.round(Math.log2(this.resolved.time.dt / this.dtNow));
      setText('sim-dt', `${plain(this.dtNow)} (halved ${halvings}× by the step guard)`);
      void this.resyncSeries();
    }
  }

  /**
   * A rollback dropped the rows after the last good output (they are recomputed at the smaller Δt):
   * the series are rebuilt from the worker's rows. Queued now, so it runs before the loop's next
   * advance and that one's rows are appended after it.
   */
  private async resyncSeries(): Promise<void> {
    try {
      const { epoch, value: rows } = await this.queue.run((remote) => remote.rows());
      if (epoch !== this.queue.epoch || !this.resolved || rows.length === 0) return;
      this.series.reset(this.resolved, rows[0]!);
      this.series.append(rows.slice(1));
      this.requestFrame();
    } catch (e) {
      console.warn(e);
    }
  }

  /**
   * advance() rejected: the step guard gave up (its message names the likely cause) or the worker
   * could not go on. The run stops with the message; reset, a preset or a loaded file start again.
   */
  private stop(e: unknown): void {
    const error = e as { name?: string; message?: string } | null;
    const message = error?.message ?? String(e);
    const gaveUp = error?.name === 'UnstableRunError' || /unstable/i.test(message);
    const text = gaveUp
      ? `the step guard gave up: ${message}`
      : `the run stopped: the worker failed: ${message}`;
    if (gaveUp) setText('sim-dt', 'halved to its floor without help: the step guard gave up (run log)');
    this.setRunState('stopped');
    this.log.add(
      `${text}. Reset, a preset or a loaded run starts again.`,
      'error',
      this.latest?.time ?? null,
    );
    console.warn(e);
    void this.queue.remote
      .deviceLostReason()
      .then((lost) => {
        if (lost) this.log.add(`the GPU device was lost (${lost})`, 'error');
      })
      .catch(() => undefined);
  }

  async reset(): Promise<void> {
    if (this.runState === 'sweeping' || !this.committed) return;
    if (this.looping) void this.queue.remote.abandonAdvance();
    try {
      const { value } = await this.queue.run(async (remote) => {
        const snapshot = await remote.reset(this.velocityCell);
        this.queue.bump();
        return snapshot;
      });
      this.startRun(value);
      if (this.runState === 'done' || this.runState === 'stopped') this.setRunState('paused');
    } catch (e) {
      this.fail(e);
    }
  }

  private async refreshSnapshot(): Promise<void> {
    if (!this.committed) return;
    const { epoch, value } = await this.queue.run((remote) => remote.snapshot(this.velocityCell));
    if (epoch === this.queue.epoch) this.show(value);
  }

  /** Keeps the newest snapshot; the next animation frame draws it. */
  private show(snapshot: SessionSnapshot): void {
    this.latest = snapshot;
    this.snapshotDirty = true;
    this.requestFrame();
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => this.frame());
  }

  /**
   * One piece of drawing per animation frame, so that no task grows long: the snapshot (views,
   * profiles, readouts) in one frame, the time-series plots in a later one, at most every
   * SERIES_INTERVAL_MS (they grow by a row or so per snapshot; redrawing them at 60 Hz on a fast
   * GPU would be wasted work).
   */
  private frame(): void {
    const started = performance.now();
    this.frameRequested = false;
    const s = this.latest;
    if (s && this.snapshotDirty) {
      this.snapshotDirty = false;
      this.views.show(s);
      this.profiles.update(s);
      setText('sim-time', String(Number(s.time.toPrecision(6))));
      setText('sim-step', `${s.step} / ${s.totalSteps}`);
      setText('remainder-l2', plain(s.row.remainder_L2));
      setText('remainder-linf', plain(s.row.remainder_Linf_w));
      setText('remainder-energy', plain(s.row.remainder_energy));
      setText('fluid-reference', describeFluidReference(s.fluidReference));
      if (s.step === 0) {
        setText(
          'remainder-floor',
          `L² ${plain(s.row.remainder_L2, 2)}, L∞ ${plain(s.row.remainder_Linf_w, 2)}`,
        );
      }
      if (this.resolved && this.ballShownFor !== this.resolved) {
        const ball = remainderBall(this.resolved);
        setText(
          'remainder-ball',
          `r_A ${plain(ball.trustedRadius[0], 3)}, r_B ${plain(ball.trustedRadius[1], 3)}`,
        );
        this.ballShownFor = this.resolved;
      }
      if (this.series.pending) this.requestFrame();
    } else if (this.series.pending) {
      if (started - this.seriesDrawnAt >= SERIES_INTERVAL_MS) {
        this.series.flush();
        this.seriesDrawnAt = started;
      } else {
        this.requestFrame();
      }
    }
    const spent = performance.now() - started;
    this.frameMs = { last: spent, max: Math.max(this.frameMs.max, spent), frames: this.frameMs.frames + 1 };
  }

  private setRunState(state: RunState): void {
    this.runState = state;
    setText('run-state', state);
    document.body.dataset.run = state;
    this.panel.setRunState(state);
  }

  private fail(e: unknown): void {
    this.setRunState('paused');
    const message = e instanceof Error ? e.message : String(e);
    this.showWarnings([`the worker failed: ${message}`]);
    console.warn(e);
    // a lost device explains the failure better than the error it caused
    void this.queue.remote.deviceLostReason().then((lost) => {
      if (lost) this.showWarnings([`the GPU device was lost (${lost}); the next run uses the CPU backend`]);
    });
  }

  private showWarnings(warnings: readonly string[]): void {
    const list = byTestId('run-warnings');
    list.replaceChildren(
      ...warnings.map((w) => {
        const li = document.createElement('li');
        li.textContent = w;
        return li;
      }),
    );
  }

  shareUrl(): string {
    return this.committed ? shareUrlOf(this.committed, this.presetId) : location.href;
  }

  /** On start-up: shows a stored, unfinished sweep and offers to resume it. */
  restoreSweep(): Promise<void> {
    return this.validity.restoreStored();
  }

  /** The last sweep's result (automation hook). */
  sweepResult() {
    return this.validity.lastResult;
  }

  /** The plots by name (PNG buttons, tests). */
  plot(name: string): LinePlot | null {
    const plots: Record<string, LinePlot> = {
      densities: this.profiles.densities,
      field: this.profiles.field,
      remainder: this.series.remainder,
      drifts: this.series.drifts,
      entropy: this.series.entropy,
      validity: this.validity.plot,
    };
    return plots[name] ?? null;
  }

  /** The Δt/2 trust check beside the remainder readouts (engine/timeStepCheck.ts); null: none yet. */
  private showTimeStepCheck(text: string | null, trustworthy?: boolean): void {
    showVerdict(
      'remainder-trust',
      text ?? 'not checked: the rerun at Δt/2 says whether Δt decides these numbers',
      trustworthy,
    );
  }

  /** The discretisation floor beside the remainder readouts (engine/floorCheck.ts); null: none yet. */
  private showFloorCheck(text: string | null, aboveFloor?: boolean): void {
    showVerdict(
      'remainder-discretisation-floor',
      text ?? "not checked: the run's own ε → 0 limit says what of these numbers is the discretisation's",
      aboveFloor,
    );
  }

  private wireTimeStepCheck(): void {
    this.wireRerunCheck(
      'check-dt',
      'Δt/2 check',
      'rerunning from t = 0 at Δt/2…',
      (text, good) => this.showTimeStepCheck(text, good),
      async (onProgress) => {
        const check = await this.queue.remote.checkTimeStep(onProgress);
        return { text: describeTimeStepCheck(check), good: check.trustworthy };
      },
    );
    const live = byTestId<HTMLInputElement>('live-floor');
    live.addEventListener('change', async () => {
      const refused = await this.queue.remote.setLiveFloor(live.checked);
      if (refused) {
        live.checked = false;
        this.showFloorCheck(refused, false);
      } else if (live.checked) {
        this.showFloorCheck('live: starts with the next step (from t = 0, catching up)');
      }
    });
    this.wireRerunCheck(
      'check-floor',
      'floor check',
      'rerunning from t = 0 as the ε → 0 limit…',
      (text, good) => this.showFloorCheck(text, good),
      async (onProgress) => {
        const check = await this.queue.remote.checkFloor(onProgress);
        return { text: describeFloorCheck(check), good: check.aboveFloor };
      },
    );
  }

  /** A check that reruns the run so far beside the queue (the running session is not touched). */
  private wireRerunCheck(
    buttonId: string,
    name: string,
    running: string,
    show: (text: string, good?: boolean) => void,
    run: (onProgress: (fraction: number) => void) => Promise<{ text: string; good: boolean }>,
  ): void {
    const button = byTestId<HTMLButtonElement>(buttonId);
    button.addEventListener('click', async () => {
      if (!this.latest || this.latest.step === 0) {
        show("take a step first: at t = 0 the norms are the data's");
        return;
      }
      button.disabled = true;
      const epoch = this.queue.epoch;
      show(running);
      try {
        const onProgress = Comlink.proxy((fraction: number) =>
          show(`${running} ${(100 * fraction).toFixed(0)} %`),
        );
        const { text, good } = await run(onProgress);
        if (this.queue.epoch !== epoch) {
          show('the run was restarted during the check: check again');
          return;
        }
        show(text, good);
        this.log.add(`${name}: ${text}`, good ? 'info' : 'warning');
      } catch (e) {
        show(`the check failed: ${e instanceof Error ? e.message : String(e)}`, false);
      } finally {
        button.disabled = false;
      }
    });
  }

  private wireExports(): void {
    const status = (text: string) => setText('export-status', text);
    byTestId('export-csv').addEventListener('click', async () => {
      const { value: rows } = await this.queue.run((remote) => remote.rows());
      download(new Blob([timeseriesCsv(rows)], { type: 'text/csv' }), 'timeseries.csv');
      status(`timeseries.csv: ${rows.length} rows`);
    });
    byTestId('export-json').addEventListener('click', () => {
      if (!this.latest) return;
      download(
        new Blob([snapshotJson(this.latest, this.resolved)], { type: 'application/json' }),
        `snapshot-t${this.latest.time.toPrecision(4)}.json`,
      );
      status('snapshot JSON saved');
    });
    byTestId('copy-share-url').addEventListener('click', async () => {
      const url = this.shareUrl();
      const box = byTestId<HTMLInputElement>('share-url');
      box.value = url;
      try {
        await navigator.clipboard.writeText(url);
        status('share URL copied');
      } catch {
        box.select();
        status('copy the URL from the box (the clipboard is not available here)');
      }
    });
    for (const button of document.querySelectorAll<HTMLButtonElement>('button.png')) {
      button.addEventListener('click', async () => {
        const view = button.dataset.view!;
        download(await this.png(view), `${view}.png`);
        status(`${view}.png saved`);
      });
    }
  }

  /** Resolves when every edit has been answered and the page shows its result (tests, screenshots). */
  async settled(): Promise<void> {
    await this.panel.settled();
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await this.views.idle();
  }

  /** A PNG of any view or plot, by the name of its PNG button's data-view. */
  png(view: string): Promise<Blob> {
    if (view === 'phase-space' || view === 'velocity') return this.views.png(view);
    const plot = this.plot(view);
    if (!plot) return Promise.reject(new Error(`no view "${view}"`));
    return plot.toPng();
  }

  /** For the automation hook: the numbers the views drew last (phase space, field, velocity cell). */
  drawn() {
    const s = this.latest;
    if (!s) return null;
    return {
      time: s.time,
      step: s.step,
      v: Array.from(s.v),
      phaseSpace: s.phaseSpace.map((a) => Array.from(a)),
      field: Array.from(s.field),
      velocityCell: s.velocityCell,
    };
  }

  /** For the automation hook: what the page shows now. */
  state() {
    return {
      runState: this.runState,
      epoch: this.shownEpoch,
      time: this.latest?.time ?? null,
      step: this.latest?.step ?? null,
      config: this.committed,
      resolved: this.resolved,
      rows: this.series.length,
      frameMs: { ...this.frameMs },
    };
  }
}

/** The automation hook (tests, the developer console). */
interface VpbHook {
  run: (json: unknown) => Promise<unknown>;
  state?: () => ReturnType<App['state']>;
  plotData?: (name: string) => unknown;
  drawn?: () => unknown;
  png?: (view: string) => Promise<Blob>;
  settled?: () => Promise<void>;
  /** For tests: loses the worker's GPU device as a driver reset would (false: none). */
  loseDevice?: () => Promise<boolean>;
  /** Writes the running run into the IndexedDB autosave now. */
  autosaveNow?: () => Promise<void>;
  /** The run log's lines, oldest first. */
  notices?: () => string[];
  /** The last ε-sweep's result (which points ran, which were taken as stored), null before one. */
  sweepResult?: () => unknown;
}

function installHook(queue: WorkerQueue): VpbHook {
  const hook: VpbHook = {
    // Run a config of the `sim run` contract in the worker (queued: never beside the live session)
    // and collect its timeseries rows.
    run: async (json: unknown) => {
      const rows: TimeseriesRow[] = [];
      const { value } = await queue.run((remote: RemoteWorker) =>
        remote.run(
          json,
          Comlink.proxy((row: TimeseriesRow) => {
            rows.push(row);
          }),
        ),
      );
      return { ...value, rows };
    },
  };
  (window as unknown as { vpb: VpbHook }).vpb = hook;
  return hook;
}

export async function startApp(): Promise<void> {
  // side by side where they do not depend on each other: the first data is what a user waits for
  const [, worker] = await Promise.all([probeMainThread(), startWorker()]);
  const remote = Comlink.wrap<WorkerApi>(worker);
  const queue = new WorkerQueue(remote);
  const hook = installHook(queue);
  const viewsStarting = ViewClient.start(
    byTestId<HTMLCanvasElement>('view-phase-space'),
    byTestId<HTMLCanvasElement>('view-velocity'),
  );
  viewsStarting.catch(() => undefined); // awaited below; a failure is reported there, not twice
  const init = await remote.init();
  const gpu = init.ok;
  const adapter: AdapterKind = !init.ok ? 'cpu' : init.report.isSoftware ? 'software' : 'gpu';
  if (init.ok) {
    const adapter = describeAdapter(init.report);
    setText('adapter-worker', adapter);
    setText('adapter', adapter);
    setText('limits', JSON.stringify(init.report.limits, null, 2));
    setText('backend', 'WebGPU (WGSL kernels)');
  } else {
    setText('adapter-worker', `unavailable: ${init.reason}`);
    setText('adapter', `none (${init.reason}): CPU float64 reference`);
    setText('backend', 'CPU (float64 reference)');
    showUnavailable(init.reason, init.advice);
  }

  const views = await viewsStarting;
  const app = new App(queue, adapter, views);
  hook.state = () => app.state();
  hook.plotData = (name) => app.plot(name)?.data ?? null;
  hook.drawn = () => app.drawn();
  hook.png = (view) => app.png(view);
  hook.settled = () => app.settled();
  hook.loseDevice = () => queue.remote.loseDeviceForTest();
  hook.autosaveNow = () => app.files.autosave(true);
  hook.notices = () => app.log.lines();
  hook.sweepResult = () => app.sweepResult();

  // The set-up: the URL's, else the autosaved run, else the first preset the worker accepts.
  let started = false;
  const fromUrl = setupFromUrl(location.search);
  if (fromUrl.kind === 'none') started = await app.files.resume();
  let urlError = fromUrl.kind === 'refused' ? fromUrl.message : null;
  if (fromUrl.kind === 'config') {
    urlError = await app.apply(fromUrl.config, 'url', fromUrl.presetId);
    started = urlError === null;
  }
  if (urlError !== null) {
    byTestId('url-error').hidden = false;
    setText('url-error-message', urlError);
  }
  const refusals: string[] = [];
  for (const preset of PRESETS) {
    if (started) break;
    const refusal = await app.apply(preset.config, { preset: preset.id });
    if (refusal === null) started = true;
    else refusals.push(`${preset.title}: ${refusal}`);
  }
  if (!started) throw new Error(`no preset could be started:\n${refusals.join('\n')}`);
  // after the set-up, so that the run's data comes first (issue 16: data within 10 s of load on a
  // software adapter, where compiling the run's kernels alone takes ~7 s)
  await runSelfCheck(queue, gpu);
  // an ε-sweep that a closed tab or a reload interrupted: shown, and offered for resuming
  await app.restoreSweep();
  document.body.dataset.state = 'ready';
}

/** The fluid reference's line: its scheme now, and when it handed over or failed (remainderMonitor.ts). */
export function describeFluidReference(reference: SessionSnapshot['fluidReference']): string {
  const name = reference.scheme === 'spectral' ? 'spectral' : 'finite volume';
  const parts = [
    reference.switched ? `spectral → finite volume at t = ${plain(reference.switched.time, 4)}` : name,
  ];
  if (reference.failure) {
    parts.push(
      `FAILED at t = ${plain(reference.failure.time, 4)}: the remainder is not measured from then (${reference.failure.reason})`,
    );
  }
  return parts.join('; ');
}
