/**
 * The contract between the page (src/ui) and the simulation worker (simulation.worker.ts). Types
 * only: the worker implements `SimulationWorkerApi`, the page calls it through comlink, and this
 * file (with protocol.ts) is all the page knows of the engine. Typed arrays in results are
 * transferred, not copied.
 *
 * The page drives the run: while playing it calls `advance(k)` again as soon as the previous call
 * returns (k = the speed setting), so the worker is never asked to do two things at once and the
 * main thread only draws what comes back.
 */
import type { SessionSnapshot } from '../engine/snapshot';
import type { ResolvedConfig, SimulationConfig, TimeseriesRow } from '../physics/config';
import type { ParsedConfig } from '../physics/configSchema';
import type { FinishedSweepPoint, SweepPoint } from '../physics/sweepPlan';

/** What the views draw at one moment of the run (made by the engine's snapshot.ts). */
export type { SessionSnapshot } from '../engine/snapshot';

/** Why a config (or one field of it) was refused: `field` is the dotted path, e.g. "species.0.mass". */
export interface ConfigRefusal {
  readonly ok: false;
  readonly field: string | null;
  readonly message: string;
}

export interface ConfigAccepted {
  readonly ok: true;
  readonly config: ResolvedConfig;
  readonly warnings: readonly string[];
  readonly backend: 'webgpu' | 'cpu';
  readonly totalSteps: number;
  /**
   * The measured error of collisions.accuracy's quadrature against the reference
   * (collision/accuracy.ts), one line for the panel; absent when collisions are off.
   */
  readonly quadratureError?: {
    readonly relativeL2: number;
    readonly costRatio: number;
    readonly text: string;
  };
  /**
   * The run's exchange rates against the exact ones (collision/gridAccuracy.ts: kernel truncation and
   * box included), one line for the panel; absent when collisions are off or N_v > 32.
   */
  readonly gridAccuracy?: {
    readonly energy: number;
    readonly momentum: number;
    readonly withinTolerance: boolean;
    readonly text: string;
  };
  /** loadCheckpoint only: where the loaded run stands; absent for a fresh run at t = 0. */
  readonly resumedAt?: { readonly step: number; readonly time: number };
}

/**
 * loadCheckpoint's refusal of a file (truncated, corrupted, another version, not a
 * session's, a grid the device cannot hold): the CheckpointError's one-line message; `field` null
 * (grid.nx/grid.nv for a grid too large). The running session is kept.
 */
export interface CheckpointRefusal extends ConfigRefusal {
  /** CheckpointError's kind ('truncated', 'checksum', 'version', …), or 'config' for a grid refusal. */
  readonly kind: string;
}

/** One point of an ε-sweep as it arrives (the CLI's validity.csv row, plus its trust verdict). */
export interface SweepPointReport {
  readonly knudsen: number;
  readonly validityTime: number | null;
  readonly trustworthy: boolean;
  readonly norms: Readonly<Record<string, number>>;
  /** The run's dt and steps (validity.csv's dt column). */
  readonly dt?: number;
  readonly steps?: number;
  /** The rerun at dt/2 (validity_time_half_dt) and the relative change it made (trust_change; null when not comparable). */
  readonly validityTimeHalfDt?: number | null;
  readonly trustChange?: number | null;
  /** The rerun on 2 n_x cells (validity_time_double_nx) and its relative change (nx_change). */
  readonly validityTimeDoubleNx?: number | null;
  readonly nxChange?: number | null;
  /** The rerun on 2 N_v points (validity_time_double_nv) and its relative change (nv_change). */
  readonly validityTimeDoubleNv?: number | null;
  readonly nvChange?: number | null;
  /** The reruns that moved the point by 10 % or more ("dt", "nx"): why it is not trustworthy. */
  readonly failedRefinements?: readonly string[];
  /** The point's index in the sweep's ε list. */
  readonly index?: number;
  /** The engine's whole record of the point, which the page stores so a reload can resume the sweep. */
  readonly record?: SweepPoint;
}

/**
 * What defines a sweep, sent once when it starts (SweepProgress.started): the page
 * stores it with each finished point, and gives it back (SweepOptions) to resume after a reload.
 */
export interface SweepStarted {
  /** The set-up swept (the running session's parsed config, or SweepOptions.config). */
  readonly config: ParsedConfig;
  readonly knudsen: readonly number[];
  /** Indices of the points taken from SweepOptions.resume (not run again). */
  readonly resumed: readonly number[];
}

/** sweep()'s options (plain data; the callbacks are sweep()'s own arguments). */
export interface SweepOptions {
  /** The set-up to sweep (config JSON, parsed and checked as configure's); default: the running session's. */
  readonly config?: unknown;
  /**
   * Finished points of an earlier, interrupted run of the same sweep (same config and ε list), as
   * stored: taken as they are, only the other points run. Checked against the plan first: points
   * that do not belong to it are a refusal (field "resume") and nothing runs.
   */
  readonly resume?: readonly FinishedSweepPoint[];
}

export interface SweepProgress {
  /** Index of the point being run, 0-based, and how many in all. */
  readonly point: number;
  readonly points: number;
  /** Fraction of the whole sweep done, 0..1. */
  readonly fraction: number;
  /** Set on the first report only, before any run: what defines the sweep. */
  readonly started?: SweepStarted;
  /**
   * The GPU device was lost during a run of point `point`; a new one was acquired
   * (or the CPU backend taken) and that run is being redone, the finished points kept. In words.
   */
  readonly recovered?: string;
}

export interface SweepResult {
  readonly cancelled: boolean;
  readonly points: readonly SweepPointReport[];
  /** Fitted slope of log T_valid against log(1/ε) and its standard error (null below 2 points). */
  readonly slope: number | null;
  readonly slopeError: number | null;
  /** The theorem's y(k, γ) for the config's k and γ. */
  readonly theoremExponent: number;
  /** ln T_valid = intercept + slope · ln(1/ε), over fitPoints points. */
  readonly intercept?: number | null;
  readonly fitPoints?: number;
  /** The timeseries column T_valid reads and its threshold (the config's remainder section). */
  readonly column?: string;
  readonly threshold?: number;
  /** resolveConfig's warnings over every ε. */
  readonly warnings?: readonly string[];
  /** The table as the CLI's validity.csv (same comments, header and number format), for export. */
  readonly validityCsv?: string;
  /**
   * Set when the sweep was refused before any run (collisions off, an ε the
   * grid cannot resolve, a bad list): nothing ran, `points` is empty. field "knudsen" for the list.
   */
  readonly refusal?: ConfigRefusal;
  /** Indices of the points run by this call, and of those taken from SweepOptions.resume. */
  readonly computed?: readonly number[];
  readonly resumed?: readonly number[];
  /** Each device-loss recovery during the sweep, in words (SweepProgress.recovered). */
  readonly recoveries?: readonly string[];
  /** The adapter (or backend) the points were computed on. */
  readonly adapter?: string;
}

export type InitResult =
  | { readonly ok: true; readonly report: import('../gpu/context').AdapterReport }
  | { readonly ok: false; readonly reason: string; readonly advice: string };

/** The live floor after an advance (engine/liveFloor.ts). */
export type LiveFloorStatus = import('../engine/liveFloor').LiveFloorStatus;

export interface SimulationWorkerApi {
  /** Acquires the GPU (or reports why there is none: the CPU float64 backend is then used). */
  init(): Promise<InitResult>;
  /**
   * Validates `json` (the CLI's config contract) and, if valid, replaces the running session with a
   * fresh one at t = 0. A refusal leaves the running session untouched.
   */
  configure(json: SimulationConfig | unknown): Promise<ConfigAccepted | ConfigRefusal>;
  /** Advances up to `steps` steps (stops at tEnd); returns the rows produced and the snapshot after. */
  advance(
    steps: number,
    velocityCell?: number,
  ): Promise<{
    readonly rows: readonly TimeseriesRow[];
    readonly snapshot: SessionSnapshot;
    readonly done: boolean;
    /**
     * The GPU device was lost during (or before) this call; the worker acquired a
     * new one (or fell back to the CPU backend), rebuilt the run from its last checkpoint and
     * continued. In words, for the page to show.
     */
    readonly recovered?: string;
    /**
     * The step guard's rollbacks during this call, one line each: an output failed
     * its checks (NaN/Inf, F negative, conservation), the run went back to the last good output and
     * halved dt (outputs stay at the same times). A run the guard gives up on rejects advance()
     * with the likely cause (CFL, grid too coarse, ε regime).
     */
    readonly rollbacks?: readonly string[];
    /**
     * With the live floor on (setLiveFloor): the floor at the latest output, or how far its catch-up
     * is; a line saying why it stopped when it had to (a Δt the guard halved, a failure).
     */
    readonly floor?: LiveFloorStatus;
    readonly floorStopped?: string;
  }>;
  /**
   * Not queued behind the session calls: the advance running now returns before its next step
   * (with the rows so far), so that a configure or reset sent right after takes effect without
   * waiting for the rest of that advance. A step already on the device is finished, not cut.
   */
  abandonAdvance(): void;
  /** The snapshot now, without stepping (e.g. another velocityCell was chosen). */
  snapshot(velocityCell?: number): Promise<SessionSnapshot>;
  /** Back to t = 0 with the current config; the snapshot after (velocityCell as in snapshot()). */
  reset(velocityCell?: number): Promise<SessionSnapshot>;
  /** Every timeseries row recorded since t = 0 (for CSV export). */
  rows(): Promise<readonly TimeseriesRow[]>;
  /**
   * An ε-sweep of the current config; points arrive through the callbacks (Comlink.proxy). Runs
   * on sessions of its own (the running session is untouched), each point rerun at dt/2, on 2 n_x
   * cells and on 2 N_v points in a √2 × wider box (trust check). A refused sweep resolves with `refusal` set; a second sweep while one runs rejects.
   * `options` resumes an interrupted sweep (its config and finished points); a GPU device
   * lost during a run is re-acquired and only that run is redone (SweepProgress.recovered).
   */
  sweep(
    knudsen: readonly number[],
    onPoint: (point: SweepPointReport) => void,
    onProgress: (progress: SweepProgress) => void,
    options?: SweepOptions,
  ): Promise<SweepResult>;
  /** Asks a running sweep to stop after the current step; its finished points are kept. */
  cancelSweep(): void;
  /**
   * The trust check of the remainder readout (engine/timeStepCheck.ts): the running session's last
   * output recomputed at Δt/2 from t = 0 on a session of its own (the running one is untouched and
   * may keep stepping), its remainder norms compared. `onProgress` gets the fraction done.
   */
  checkTimeStep(
    onProgress?: (fraction: number) => void,
  ): Promise<import('../physics/timeStepCheck').TimeStepCheck>;
  /**
   * The floor check of the remainder readout (engine/floorCheck.ts): the running session's run so
   * far repeated as its own ε → 0 limit (collision step at λ = ∞, same grid and Δt) on a session of
   * its own, its remainder at the run's ε compared with the run's. Needs collisions on.
   */
  checkFloor(onProgress?: (fraction: number) => void): Promise<import('../physics/floorCheck').FloorCheck>;
  /**
   * The floor kept live (engine/liveFloor.ts): a second session, the run's ε → 0 limit, advanced in
   * lock-step (twice the work per step); switched on mid-run it catches up from t = 0, as many
   * extra steps per advance as the advance took. Kept across reset and configure until switched
   * off. Resolves to null, or to why it cannot run (collisions off).
   */
  setLiveFloor(on: boolean): Promise<string | null>;
  /** Why the device was lost, if it was. */
  deviceLostReason(): string | null;
  /**
   * The running session as a checkpoint file (checkpoint.ts format: both
   * distributions, the fluid, time, config, every row so far), e.g. for a download or IndexedDB.
   */
  saveCheckpoint(): Promise<Uint8Array>;
  /**
   * Replaces the running session by the run saved in `bytes`, at its step with its
   * rows. A refused file resolves with a CheckpointRefusal and keeps the running session.
   */
  loadCheckpoint(bytes: Uint8Array): Promise<ConfigAccepted | CheckpointRefusal>;
  /**
   * For tests: destroys the worker's GPU device as a driver reset would lose it;
   * the next advance() recovers (its result's `recovered` says so). False when there is no device.
   */
  loseDeviceForTest(): boolean;
}
