/**
 * The discretisation floor kept live beside a running session (issue 20): a second session of the
 * same run as its own ε → 0 limit (floorCheck.ts fluidLimitConfig: the collision step at λ = ∞, the
 * same grid, Δt and output times), advanced in lock-step with the run and compared with it at every
 * output (physics/floorCheck.ts compareFloor). It costs a second run, so it is the page's choice
 * ("live" beside the floor check). Switched on mid-run it starts at t = 0 and catches up, a bounded
 * number of steps per call, so the run it follows never waits for the whole catch-up.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { compareFloor, type FloorCheck } from '../physics/floorCheck';
import { fluidLimitConfig } from './floorCheck';
import { SimulationSession } from './session';

export type LiveFloorStatus =
  | { readonly state: 'catching-up'; readonly time: number; readonly target: number }
  | { readonly state: 'live'; readonly check: FloorCheck };

export class LiveFloor {
  private constructor(
    private readonly session: SimulationSession,
    /** The Δt of the run it follows (a run whose guard halved Δt is no longer followed). */
    readonly dt: number,
  ) {}

  /** The floor session of `config` (collisions on: without them there is no limit to take). */
  static async create(config: ResolvedConfig, device: GPUDevice | null): Promise<LiveFloor> {
    if (!config.collisions.enabled) {
      throw new RangeError('the live floor needs collisions on: its run is the collision step’s ε → 0 limit');
    }
    const limit = fluidLimitConfig(config, config.time.tEnd, config.time.outputEvery);
    // no guard: its rollbacks would change Δt and the floor would no longer be the run's
    const session = await SimulationSession.create(limit, device, { guard: false, recordRows: false });
    return new LiveFloor(session, config.time.dt);
  }

  /** Steps taken (of the same Δt as the run). */
  get step(): number {
    return this.session.step;
  }

  /** At most `budget` steps toward the run's step `target`. */
  async follow(target: number, budget: number): Promise<void> {
    const steps = Math.max(0, Math.min(target - this.session.step, Math.floor(budget)));
    if (steps > 0) await this.session.advance(steps);
  }

  /**
   * The floor against the run's latest output `row` (taken at the run's step `outputStep`), or how
   * far the catch-up is when the floor session has not reached that output yet.
   */
  status(row: TimeseriesRow, outputStep: number): LiveFloorStatus {
    if (this.session.lastOutputStep !== outputStep) {
      return { state: 'catching-up', time: this.session.time, target: row.t };
    }
    return { state: 'live', check: compareFloor(row, this.session.latestRow) };
  }

  /** Back to t = 0 (the run was reset). */
  async reset(): Promise<void> {
    await this.session.reset();
  }

  destroy(): void {
    this.session.destroy();
  }
}
