/**
 * A run that survives the loss of its GPU device: the worker's interactive session. It wraps a
 * SimulationSession, keeps the run's checkpoint in memory after every call that changes the run,
 * and after a loss (deviceLoss.ts) rebuilds the session from that checkpoint on a new device, or
 * on the float64 CPU backend when none can be had, and repeats the call.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import type { Checkpoint } from './checkpoint';
import { DeviceWatch } from './deviceLoss';
import { type SessionOptions, SimulationSession } from './session';
import type { SessionSnapshot } from './snapshot';
import type { GuardEvent } from './stepGuard';

/** What RecoveringSession.advance returns: SimulationSession.advance's rows and what happened on the way. */
export interface RecoveringAdvance {
  readonly rows: TimeseriesRow[];
  /** Set when the device was lost and the run was rebuilt from its last checkpoint (in words). */
  readonly recovered?: string;
  /** The step guard's rollbacks during the call. */
  readonly guardEvents: readonly GuardEvent[];
}

/**
 * A session that survives the loss of its GPU device. After every call that changes the run it
 * keeps the run's checkpoint in memory (a CPU copy: a lost device cannot be read). When the device
 * is lost (device.lost resolves, for any reason: a driver reset, a GPU process crash, or
 * destroy() by a test — the device belongs to the caller, who never destroys it under a running
 * session) or a call fails because it was, it asks `acquire` for a new device (null or a throw: the
 * float64 CPU backend), rebuilds the session with SimulationSession.restore from that checkpoint and
 * repeats the call. Rows are then exactly those of an uninterrupted run on the new backend.
 */
export class RecoveringSession {
  private events: GuardEvent[] = [];
  private readonly device: DeviceWatch;

  private constructor(
    private current: SimulationSession,
    device: GPUDevice | null,
    private saved: Checkpoint,
    acquire: () => Promise<GPUDevice | null>,
    private readonly options: SessionOptions,
  ) {
    this.device = new DeviceWatch(device, acquire);
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
    return this.device.lost;
  }

  /** Session.advance; `abandoned` stops it between two steps (the page replaces the run). */
  async advance(steps: number, abandoned?: () => boolean): Promise<RecoveringAdvance> {
    const { value: rows, recovered } = await this.guarded(async (s) => {
      this.events = []; // a repeated call reports its own events only
      const rows = await s.advance(steps, undefined, abandoned);
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
    this.device.release();
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
    if (this.device.lost) notes.push(await this.recover());
    let value: T;
    try {
      value = await task(this.current);
      if (this.device.lost) throw new Error(`the GPU device was lost (${this.device.lost})`);
    } catch (e) {
      if (!(await this.device.wasLost())) throw e;
      notes.push(await this.recover());
      value = await task(this.current);
    }
    return notes.length > 0 ? { value, recovered: notes.join('; ') } : { value };
  }

  /** A new device (or the CPU backend) and the session rebuilt on it from the kept checkpoint. */
  private async recover(): Promise<string> {
    const reason = this.device.lost ?? 'unknown reason';
    const how = await this.device.replace(async (device) => {
      const next = await SimulationSession.restore(this.saved, device, this.options);
      try {
        this.current.destroy(); // its buffers belong to the lost device
      } catch {
        // a lost device may refuse the last submit; nothing to release then
      }
      this.current = next;
    });
    return (
      `the GPU device was lost (${reason}); ${how}` +
      ` and the run resumed from its checkpoint at step ${this.saved.step} (t = ${fmt(this.saved.time)})`
    );
  }
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
