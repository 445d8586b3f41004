/**
 * A whole run to tEnd: `runSimulation`, a thin loop over SimulationSession (session.ts) that the
 * CLI's `sim run` and `sim sweep`, the worker's one-shot run and its ε-sweep call. It adds what a
 * run without a page needs: periodic checkpoints, and cancelling between steps by an AbortSignal.
 */
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import type { Checkpoint } from './checkpoint';
import type { FluidReferenceStatus } from './remainderMonitor';
import { SimulationSession } from './session';
import type { GuardEvent } from './stepGuard';

export interface RunResult {
  /** Steps taken, at the final dt (2^halvings times the config's count when the guard halved dt). */
  readonly steps: number;
  readonly backend: 'webgpu' | 'cpu';
  /** Only when the step guard halved the time step: how many times, and the dt at the end. */
  readonly halvings?: number;
  readonly dt?: number;
  /**
   * The fluid reference at the end: its scheme, and when and why it failed (the remainder columns
   * are NaN from then on) or handed over to finite volumes (remainderMonitor.ts).
   */
  readonly fluidReference: FluidReferenceStatus;
}

export interface RunOptions {
  /**
   * Stops the run between two steps once aborted (the result then counts the steps taken). With a
   * signal the loop also yields to the event loop after every step, so that the message that
   * aborts it (a worker's cancel) can be delivered at all.
   */
  readonly signal?: AbortSignal;
  /**
   * Continue from this checkpoint (its config is the run's; `config` is ignored). onRow is called
   * for the rows after the checkpoint only: the earlier ones are in the checkpoint.
   */
  readonly resume?: Checkpoint;
  /**
   * Take a checkpoint at the first output step at or after every `checkpointEvery` steps of the
   * config's dt (outputs only: there the step guard's last good state is the checkpointed one, so a
   * resumed run rolls back exactly as the uninterrupted run would). Needs onCheckpoint.
   */
  readonly checkpointEvery?: number;
  readonly onCheckpoint?: (checkpoint: Checkpoint) => void | Promise<void>;
  /** The step guard's rollbacks (dt halved), as they happen. */
  readonly onGuardEvent?: (event: GuardEvent) => void;
  /** Check every output and roll back on failure (default true; session.ts). */
  readonly guard?: boolean;
}

/**
 * Runs `config` to tEnd, calling onRow at t = 0 and every outputEvery steps (and at the end).
 * `device` null selects the float64 CPU backend. A thin loop over SimulationSession, the one
 * stepping code path of the CLI, the worker's interactive session and its ε-sweep.
 */
export async function runSimulation(
  config: ResolvedConfig,
  device: GPUDevice | null,
  onRow: (row: TimeseriesRow, step: number, totalSteps: number) => void,
  options: RunOptions = {},
): Promise<RunResult> {
  const { signal, resume, checkpointEvery, onCheckpoint } = options;
  const checkpointing = checkpointEvery !== undefined && onCheckpoint !== undefined;
  if (checkpointing && !(Number.isInteger(checkpointEvery) && checkpointEvery >= 1)) {
    throw new RangeError(`checkpointEvery must be an integer ≥ 1, got ${checkpointEvery}`);
  }
  const sessionOptions = {
    // a checkpoint carries every row so far (a resumed run writes the whole timeseries)
    recordRows: checkpointing || resume !== undefined,
    ...(options.guard === undefined ? {} : { guard: options.guard }),
    ...(options.onGuardEvent ? { onGuardEvent: options.onGuardEvent } : {}),
  };
  const session = resume
    ? await SimulationSession.restore(resume, device, sessionOptions)
    : await SimulationSession.create(config, device, sessionOptions);
  try {
    if (!resume) onRow(session.latestRow, 0, session.totalSteps);
    if (!signal && !checkpointing) {
      await session.advance(session.totalSteps, onRow);
    } else {
      // checkpoint times in units of the config's dt, so a halving of dt does not change them
      const baseDt = session.baseConfig.time.dt;
      let lastCheckpoint = session.time;
      while (!session.done && !signal?.aborted) {
        await session.advance(1, onRow);
        const atOutput = session.lastOutputStep === session.step;
        if (
          checkpointing &&
          atOutput &&
          !session.done &&
          session.time - lastCheckpoint >= checkpointEvery * baseDt * (1 - 1e-9)
        ) {
          await onCheckpoint(await session.checkpoint());
          lastCheckpoint = session.time;
        }
        if (signal) await yieldToEventLoop();
      }
    }
    const { halvings } = session;
    return {
      steps: session.step,
      backend: session.backendName,
      fluidReference: session.fluidReference,
      ...(halvings > 0 ? { halvings, dt: session.config.time.dt } : {}),
    };
  } finally {
    session.destroy();
  }
}

/**
 * Lets queued events (a worker's incoming messages, e.g. a cancel) run before the next step: a
 * macrotask, not a microtask (awaiting a resolved promise lets no message through). setImmediate in
 * Node; a MessageChannel in browsers and workers (setTimeout would be clamped to 4 ms when nested).
 */
function yieldToEventLoop(): Promise<void> {
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
