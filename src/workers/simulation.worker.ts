/**
 * The simulation's worker: it owns the GPU device, so that the main thread only draws. It
 * implements sessionApi.ts over the engine (exposed with comlink, typed arrays transferred): the
 * interactive session, the ε-sweep, checkpoints in and out, plus a one-shot `run` and the moments
 * `probe` of the self-check.
 *
 * Session calls (configure, advance, snapshot, reset, rows, checkpoints) run one at a time in
 * arrival order, so a configure that arrives during an advance replaces the session only after
 * that advance has returned. A sweep runs beside them on sessions of its own (the running session
 * is untouched) and yields to the event loop after every step, so that cancelSweep is delivered
 * between two steps.
 *
 * A lost device is survived: the running session is a RecoveringSession (rebuilt from its last
 * checkpoint on a new device, or on the CPU backend), and a sweep's run that fails on a lost device
 * is redone on a new one, the finished points kept (engine/deviceLoss.ts tells the loss in both).
 */
import * as Comlink from 'comlink';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../engine/checkpoint';
import { DeviceWatch } from '../engine/deviceLoss';
import { floorCheck } from '../engine/floorCheck';
import { LiveFloor, type LiveFloorStatus } from '../engine/liveFloor';
import { momentsProbe, type ProbeResult } from '../engine/momentsProbe';
import { RecoveringSession } from '../engine/recoveringSession';
import { runSimulation } from '../engine/run';
import {
  describeRunKind,
  runKindOf,
  runSweep,
  type SweepRecovery,
  type SweepRunner,
  validityCsv,
} from '../engine/sweep';
import { timeStepCheck } from '../engine/timeStepCheck';
import { acquireGpu, type GpuContext, WebGpuUnavailableError } from '../gpu/context';
import { describeQuadratureError, quadratureErrorForConfig } from '../physics/collision/accuracy';
import { gridAccuracyReport } from '../physics/collision/gridAccuracy';
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { acceptConfig, configRefusal } from '../physics/configAcceptance';
import { type ParsedConfig, parseConfig, resolveConfig } from '../physics/configSchema';
import type { FloorCheck } from '../physics/floorCheck';
import { DEFAULT_PROBE, type ProbeSetup } from '../physics/probe';
import { theoremExponent } from '../physics/remainder';
import {
  planSweep,
  resumeFromStored,
  type SweepPlan,
  type SweepResume,
  SweepResumeError,
} from '../physics/sweepPlan';
import type { TimeStepCheck } from '../physics/timeStepCheck';
import { WORKER_READY } from './protocol';
import type {
  CheckpointRefusal,
  ConfigAccepted,
  ConfigRefusal,
  InitResult,
  SimulationWorkerApi as SessionApi,
  SessionSnapshot,
  SweepOptions,
  SweepPointReport,
  SweepProgress,
  SweepResult,
} from './sessionApi';
import { sweepPointReport } from './sweepReport';

export type { InitResult } from './sessionApi';

let context: GpuContext | null = null;
let lost: string | null = null;
/** init() found a GPU once: after a loss, a new device is asked for instead of using the CPU. */
let hadGpu = false;

let session: RecoveringSession | null = null;
/** The live floor (setLiveFloor): wanted by the page, and the floor session when it runs. */
let liveFloorWanted = false;
let liveFloor: LiveFloor | null = null;
let sessionConfig: ParsedConfig | null = null;
let queue: Promise<unknown> = Promise.resolve();
let sweepAbort: AbortController | null = null;
/** Bumped by abandonAdvance(): an advance that started under an older value stops between steps. */
let advanceGeneration = 0;

/** Most progress messages per second sent to the page during a sweep. */
const PROGRESS_PER_SECOND = 10;

/**
 * A check that reruns the running session's run so far on a session of its own (the Δt/2 check,
 * the floor check), with throttled progress; the running session is untouched and keeps stepping.
 */
async function rerunCheck<T>(
  check: (
    config: ResolvedConfig,
    row: TimeseriesRow,
    device: GPUDevice | null,
    options: { signal?: AbortSignal; onStep?: (step: number, totalSteps: number) => void },
  ) => Promise<T>,
  onProgress?: (fraction: number) => void,
): Promise<T> {
  const { config, row } = await serial(async () => {
    const s = running().session;
    return { config: s.config, row: s.latestRow };
  });
  let lastProgress = -Infinity;
  return check(config, row, await currentDevice(), {
    // with a signal the rerun yields after every step, so the running session keeps stepping
    signal: new AbortController().signal,
    onStep: (step, total) => {
      const now = performance.now();
      if (!onProgress || now - lastProgress < 1000 / PROGRESS_PER_SECOND) return;
      lastProgress = now;
      notify(onProgress, step / total);
    },
  });
}

/** Runs session calls one after another (see the file comment); a failure does not block the next. */
function serial<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task);
  queue = run.catch(() => undefined);
  return run;
}

function running(): RecoveringSession {
  if (!session) throw new Error('no simulation is configured yet: call configure(config) first');
  return session;
}

/** The worker's GPU device, acquired with the loss handler that keeps deviceLostReason() up to date. */
async function acquireWorkerGpu(): Promise<GpuContext> {
  const acquired: GpuContext = await acquireGpu(self.navigator.gpu, 'browser-worker', {
    onDeviceLost: (info) => {
      lost = `${info.reason}: ${info.message}`;
      if (context === acquired) context = null;
    },
  });
  context = acquired;
  return acquired;
}

/** The device for a new session: the current one, a new one after a loss, null (CPU) without a GPU. */
async function currentDevice(): Promise<GPUDevice | null> {
  if (context) return context.device;
  if (!hadGpu) return null;
  try {
    return (await acquireWorkerGpu()).device;
  } catch {
    return null;
  }
}

/**
 * RecoveringSession's way to a new device after a loss (a throw: it continues on the CPU). The lost
 * device's handler has cleared `context` by then (it was registered first), so a context still set
 * is a live device acquired since (e.g. by a configure or a sweep after the loss).
 */
async function reacquire(): Promise<GPUDevice | null> {
  if (context) return context.device;
  if (!hadGpu) return null;
  return (await acquireWorkerGpu()).device;
}

/**
 * The snapshot with its arrays ready to transfer: every array owns its whole buffer, none shared
 * (a view into a larger buffer, or a second view of one buffer, is copied first).
 */
function transferable(snapshot: SessionSnapshot): [SessionSnapshot, ArrayBuffer[]] {
  const buffers = new Set<ArrayBuffer>();
  const own = <A extends Float32Array | Float64Array>(a: A): A => {
    const mine =
      a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength
        ? !buffers.has(a.buffer)
        : false;
    const out = (mine ? a : a.slice()) as A;
    buffers.add(out.buffer as ArrayBuffer);
    return out;
  };
  const pair = <A extends Float32Array | Float64Array>(p: readonly [A, A]): [A, A] => [own(p[0]), own(p[1])];
  const ready: SessionSnapshot = {
    ...snapshot,
    x: own(snapshot.x),
    v: own(snapshot.v),
    phaseSpace: pair(snapshot.phaseSpace),
    density: pair(snapshot.density),
    field: own(snapshot.field),
    fluidDensity: pair(snapshot.fluidDensity),
    fluidField: own(snapshot.fluidField),
    velocity: pair(snapshot.velocity),
    velocityFluid: pair(snapshot.velocityFluid),
  };
  return [ready, [...buffers]];
}

function sendSnapshot(snapshot: SessionSnapshot): SessionSnapshot {
  const [ready, buffers] = transferable(snapshot);
  return Comlink.transfer(ready, buffers);
}

/** A comlink callback (a proxy of the page's function): fire and forget, a closed page is no error. */
function notify<T>(callback: (value: T) => unknown, value: T): void {
  try {
    void Promise.resolve(callback(value)).catch(() => undefined);
  } catch {
    // the page went away
  }
}

/** The sweep's list of ε, as `sim sweep --knudsen` takes it: distinct finite numbers > 0. */
function knudsenRefusal(knudsen: unknown): ConfigRefusal | null {
  const allowed = 'a non-empty list of distinct finite numbers > 0';
  const refusal = (why: string): ConfigRefusal => ({
    ok: false,
    field: 'knudsen',
    message: `knudsen ${why} is not allowed: ${allowed}`,
  });
  if (!Array.isArray(knudsen) || knudsen.length === 0) return refusal('= (no list)');
  const bad = knudsen.findIndex((k) => !(typeof k === 'number' && Number.isFinite(k) && k > 0));
  if (bad >= 0) return refusal(`= ${String(knudsen[bad])} (entry ${bad})`);
  if (new Set(knudsen).size !== knudsen.length) return refusal('with a repeated value');
  return null;
}

/** A sweep refused before any run: nothing ran. */
function sweepRefusal(refusal: ConfigRefusal, theorem: number): SweepResult {
  return { cancelled: false, points: [], slope: null, slopeError: null, theoremExponent: theorem, refusal };
}

/**
 * The setting's measured quadrature error (float64, here in the worker: ≲ 0.5 s, memoised) and the
 * exchange rates against the exact ones (≲ 2 s at N_v = 32, memoised).
 */
function quadratureErrorOf(config: ResolvedConfig): Pick<ConfigAccepted, 'quadratureError' | 'gridAccuracy'> {
  const error = quadratureErrorForConfig(config, config.grid.vmax);
  const report = gridAccuracyReport(config, config.grid.vmax);
  const gridAccuracy = report
    ? {
        gridAccuracy: {
          energy: report.accuracy.energy,
          momentum: report.accuracy.momentum,
          withinTolerance: report.withinTolerance,
          text: report.text,
        },
      }
    : {};
  return error
    ? {
        ...gridAccuracy,
        quadratureError: {
          relativeL2: error.relativeL2,
          costRatio: error.costRatio,
          text: describeQuadratureError(error),
        },
      }
    : {};
}

function dropLiveFloor(): void {
  liveFloor?.destroy();
  liveFloor = null;
}

/**
 * The live floor after an advance of `taken` steps of the running session: created when wanted
 * (from t = 0), then advanced toward the run's step by at most 2·taken steps (the run's steps and
 * as many to catch up: a catch-up costs the run half its pace; 4 when the run stood still, e.g. at
 * tEnd), and compared at the run's latest output.
 */
async function followLiveFloor(
  s: RecoveringSession,
  taken: number,
): Promise<{ floor?: LiveFloorStatus; floorStopped?: string }> {
  if (!liveFloorWanted) return {};
  const run = s.session;
  if (!run.baseConfig.collisions.enabled) return {};
  if (run.halvings > 0) {
    if (!liveFloor) return {};
    dropLiveFloor();
    return {
      floorStopped: 'the live floor stopped: the step guard halved Δt (the floor check button still works)',
    };
  }
  try {
    liveFloor ??= await LiveFloor.create(run.baseConfig, await currentDevice());
    await liveFloor.follow(run.step, Math.max(2 * taken, 4));
    return { floor: liveFloor.status(run.latestRow, run.lastOutputStep) };
  } catch (e) {
    dropLiveFloor();
    liveFloorWanted = false;
    return { floorStopped: `the live floor stopped: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const sessionApi: SessionApi = {
  async init(): Promise<InitResult> {
    try {
      const acquired = await acquireWorkerGpu();
      hadGpu = true;
      return { ok: true, report: acquired.report };
    } catch (e) {
      if (e instanceof WebGpuUnavailableError) return { ok: false, reason: e.reason, advice: e.advice };
      return { ok: false, reason: (e as Error).message, advice: '' };
    }
  },

  configure(json: unknown): Promise<ConfigAccepted | ConfigRefusal> {
    return serial(async () => {
      const accepted = acceptConfig(json);
      if (!accepted.ok) return accepted;
      // built before the old one goes: a failure here leaves the running session as it was
      let next: RecoveringSession;
      try {
        next = await RecoveringSession.create(accepted.config, await currentDevice(), reacquire);
      } catch (e) {
        // a grid too large for this device (memoryPlan.ts) is a refusal like any other field's
        const refusal = configRefusal(e);
        if (refusal) return refusal;
        throw e;
      }
      session?.destroy();
      session = next;
      sessionConfig = accepted.parsed;
      dropLiveFloor();
      return {
        ok: true,
        config: accepted.config,
        warnings: accepted.warnings,
        backend: next.session.backendName,
        totalSteps: next.session.totalSteps,
        ...quadratureErrorOf(accepted.config),
      };
    });
  },

  advance(steps: number, velocityCell = 0) {
    return serial(async () => {
      const s = running();
      const generation = advanceGeneration;
      const before = s.session.step;
      const advanced = await s.advance(
        Math.max(0, Math.floor(Number.isFinite(steps) ? steps : 0)),
        () => advanceGeneration !== generation,
      );
      const floor = await followLiveFloor(s, s.session.step - before);
      const shown = await s.snapshot(velocityCell);
      const recovered = [advanced.recovered, shown.recovered].filter(Boolean).join('; ');
      return {
        ...floor,
        rows: advanced.rows,
        snapshot: sendSnapshot(shown.snapshot),
        done: s.session.done,
        ...(recovered ? { recovered } : {}),
        ...(advanced.guardEvents.length > 0 ? { rollbacks: advanced.guardEvents.map((e) => e.message) } : {}),
      };
    });
  },

  /** Not queued: the running advance stops before its next step (see sessionApi.ts). */
  abandonAdvance(): void {
    advanceGeneration += 1;
  },

  snapshot(velocityCell = 0): Promise<SessionSnapshot> {
    return serial(async () => sendSnapshot((await running().snapshot(velocityCell)).snapshot));
  },

  reset(velocityCell = 0): Promise<SessionSnapshot> {
    return serial(async () => {
      const s = running();
      await s.reset();
      dropLiveFloor();
      return sendSnapshot((await s.snapshot(velocityCell)).snapshot);
    });
  },

  rows(): Promise<readonly TimeseriesRow[]> {
    return serial(async () => running().session.rows.slice());
  },

  checkTimeStep(onProgress?: (fraction: number) => void): Promise<TimeStepCheck> {
    return rerunCheck(timeStepCheck, onProgress);
  },

  checkFloor(onProgress?: (fraction: number) => void): Promise<FloorCheck> {
    return rerunCheck(floorCheck, onProgress);
  },

  setLiveFloor(on: boolean): Promise<string | null> {
    return serial(async () => {
      liveFloorWanted = on;
      if (!on) dropLiveFloor();
      const config = session?.session.baseConfig;
      return on && config && !config.collisions.enabled
        ? 'the live floor needs collisions on: its run is the collision step’s ε → 0 limit'
        : null;
    });
  },

  saveCheckpoint(): Promise<Uint8Array> {
    return serial(async () => {
      const bytes = encodeCheckpoint(await running().checkpoint());
      return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
    });
  },

  loadCheckpoint(bytes: Uint8Array): Promise<ConfigAccepted | CheckpointRefusal> {
    return serial(async () => {
      let next: RecoveringSession;
      try {
        const checkpoint = decodeCheckpoint(bytes);
        next = await RecoveringSession.restore(checkpoint, await currentDevice(), reacquire);
      } catch (e) {
        if (e instanceof CheckpointError) return { ok: false, field: null, message: e.message, kind: e.kind };
        const refusal = configRefusal(e);
        if (refusal) return { ...refusal, kind: 'config' };
        throw e;
      }
      session?.destroy();
      session = next;
      dropLiveFloor();
      const { baseConfig, config } = next.session;
      sessionConfig = parseConfig(baseConfig);
      let warnings: string[] = [];
      try {
        warnings = resolveConfig(baseConfig).warnings;
      } catch {
        // the run was resolved when it was made; its warnings are a courtesy here
      }
      return {
        ok: true,
        config,
        warnings,
        backend: next.session.backendName,
        totalSteps: next.session.totalSteps,
        resumedAt: { step: next.session.step, time: next.session.time },
        ...quadratureErrorOf(config),
      };
    });
  },

  loseDeviceForTest(): boolean {
    if (!context) return false;
    context.device.destroy();
    return true;
  },

  async sweep(
    knudsen: readonly number[],
    onPoint: (point: SweepPointReport) => void,
    onProgress: (progress: SweepProgress) => void,
    options: SweepOptions = {},
  ): Promise<SweepResult> {
    if (sweepAbort) throw new Error('a sweep is already running: cancel it first');
    let parsed: ParsedConfig;
    if (options.config !== undefined) {
      // a resumed sweep brings its own set-up: checked as configure checks one
      const accepted = acceptConfig(options.config);
      if (!accepted.ok) return sweepRefusal(accepted, Number.NaN);
      parsed = accepted.parsed;
    } else {
      if (!sessionConfig) throw new Error('no simulation is configured yet: call configure(config) first');
      parsed = sessionConfig;
    }
    const theorem = theoremExponent(parsed.remainder.k, parsed.collisions.gamma);
    const badList = knudsenRefusal(knudsen);
    if (badList) return sweepRefusal(badList, theorem);
    let plan: SweepPlan;
    let resume: SweepResume | undefined;
    try {
      plan = planSweep(parsed, [...knudsen], { trustCheck: true });
      if (options.resume !== undefined) resume = resumeFromStored(plan, options.resume);
    } catch (e) {
      if (e instanceof SweepResumeError) {
        return sweepRefusal(
          {
            ok: false,
            field: 'resume',
            message: `the stored points do not belong to this sweep: ${e.message}`,
          },
          theorem,
        );
      }
      const refusal = configRefusal(e);
      if (refusal) return sweepRefusal(refusal, theorem);
      throw e;
    }
    const controller = new AbortController();
    sweepAbort = controller;
    try {
      const points = plan.configs.length;
      const resumed = [...(resume?.points.keys() ?? [])].sort((a, b) => a - b);
      notify(onProgress, {
        point: 0,
        points,
        fraction: 0,
        started: { config: parsed, knudsen: [...knudsen], resumed },
      });
      // the device of the runs: replaced by a new one after a loss (recover below)
      const device = new DeviceWatch(await currentDevice(), reacquire);
      const computed: number[] = [];
      const recoveries: string[] = [];
      let lastProgress = -Infinity;
      // of the whole sweep (SweepProgress): a new point starts where the previous one ended
      let fraction = 0;
      const runner: SweepRunner = async (config, onRow, signal) => {
        const result = await runSimulation(config, device.device, onRow, signal ? { signal } : {});
        // a loss noticed by the end of the run: its last rows may not have been computed (as RecoveringSession)
        if (device.lost) throw new Error('the GPU device was lost during the run');
        return { steps: result.steps, adapter: result.backend };
      };
      // A run that failed because the device was lost (device.lost settles, given a moment) is
      // redone on a new device; the CPU backend when none can be had. Any other failure is the sweep's.
      const recover: SweepRecovery = async (_error, run) => {
        if (!(await device.wasLost())) return null;
        const reason = device.lost ?? 'unknown reason';
        const how = await device.replace();
        const kept = computed.length + resumed.length;
        const note =
          `the GPU device was lost (${reason}) during point ${run.point + 1} of ${run.points} ` +
          `(ε = ${run.knudsen}, the run ${describeRunKind(runKindOf(run))}); ${how}` +
          `; redoing that run, the ${kept} finished point${kept === 1 ? '' : 's'} kept`;
        recoveries.push(note);
        return note;
      };
      const outcome = await runSweep(
        plan,
        runner,
        {
          onRunStart: (run) => notify(onProgress, { point: run.point, points: run.points, fraction }),
          onStep: (run, _step, done, total) => {
            fraction = done / total;
            const now = performance.now();
            if (now - lastProgress < 1000 / PROGRESS_PER_SECOND) return;
            lastProgress = now;
            notify(onProgress, { point: run.point, points: run.points, fraction: done / total });
          },
          onPoint: (point, index) => {
            computed.push(index);
            notify(onPoint, sweepPointReport(point, index));
          },
          onRecover: (run, note) =>
            notify(onProgress, { point: run.point, points: run.points, fraction, recovered: note }),
        },
        controller.signal,
        resume,
        recover,
      );
      if (!outcome.cancelled) {
        notify(onProgress, { point: points - 1, points, fraction: 1 });
      }
      return {
        cancelled: outcome.cancelled,
        points: outcome.points.map((p, i) => sweepPointReport(p, i)),
        slope: outcome.fit.slope,
        slopeError: outcome.fit.slopeError,
        theoremExponent: plan.theorem.y,
        intercept: outcome.fit.intercept,
        fitPoints: outcome.fit.n,
        column: plan.column,
        threshold: plan.settings.threshold,
        warnings: [...plan.warnings],
        validityCsv: validityCsv(outcome.points, plan.column, plan.settings, parsed.time.tEnd, true),
        computed,
        resumed,
        recoveries,
        adapter: outcome.adapter,
      };
    } finally {
      sweepAbort = null;
    }
  },

  cancelSweep(): void {
    sweepAbort?.abort();
  },

  deviceLostReason(): string | null {
    return lost;
  },
};

const api = {
  ...sessionApi,

  /** Moments of the demo slab on the GPU, or with the float64 reference when there is none. */
  async probe(setup: ProbeSetup = DEFAULT_PROBE): Promise<ProbeResult> {
    const result = await momentsProbe(context?.device ?? null, setup);
    return Comlink.transfer(result, [
      result.x.buffer,
      result.density.buffer,
      result.velocity1.buffer,
      result.temperature.buffer,
    ]);
  },

  /**
   * A whole VPB run here in the worker (the engine, its GPU kernels and Poisson solve, and the diagnostics side
   * by side), rows streamed to `onRow` (a Comlink.proxy). `config` is the JSON of the CLI contract;
   * an invalid one is refused with the same one-line message as `sim run`.
   */
  async run(
    json: unknown,
    onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  ): Promise<{
    steps: number;
    backend: string;
    milliseconds: number;
    warnings: string[];
    config: ResolvedConfig;
  }> {
    const { config, warnings } = resolveConfig(parseConfig(json));
    const start = performance.now();
    const result = await runSimulation(config, context?.device ?? null, onRow);
    return { ...result, milliseconds: performance.now() - start, warnings, config };
  },
};

export type SimulationWorkerApi = typeof api;
Comlink.expose(api);
// Tell the page the API is listening: a message sent before this point could be lost when the
// module is loaded late (a wrapper script, a slow network).
self.postMessage(WORKER_READY);
