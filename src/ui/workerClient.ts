/**
 * The page's side of the simulation worker: start it (it says when its comlink API listens), and
 * call it through ONE queue, so the worker is never asked to do two things at once (sessionApi.ts).
 * Every queued call is tagged with the session's epoch when it STARTED: a configure or reset that
 * was accepted bumps the epoch, so a result of the previous run can be recognised and dropped.
 */
import type * as Comlink from 'comlink';
import { WORKER_READY } from '../workers/protocol';
import type { SimulationWorkerApi as SessionApi } from '../workers/sessionApi';
import type { SimulationWorkerApi as WorkerModuleApi } from '../workers/simulation.worker';

/** The worker's whole API: the session contract plus what the module exposes beside it (probe, run). */
export type WorkerApi = SessionApi & Omit<WorkerModuleApi, keyof SessionApi>;
export type RemoteWorker = Comlink.Remote<WorkerApi>;

/** The simulation worker, once its API listens; its load errors become exceptions. */
export function startWorker(timeoutMs = 60_000): Promise<Worker> {
  const worker = new Worker(new URL('../workers/simulation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'simulation',
  });
  return whenReady(worker, 'simulation', timeoutMs);
}

/** Resolves with `worker` once it posts WORKER_READY (its comlink API then listens). */
export function whenReady(worker: Worker, name: string, timeoutMs = 60_000): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${name} worker did not start`)), timeoutMs);
    worker.addEventListener('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} worker failed to load: ${e.message || 'unknown error'}`));
    });
    const onMessage = (e: MessageEvent) => {
      if (e.data !== WORKER_READY) return;
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      resolve(worker);
    };
    worker.addEventListener('message', onMessage);
  });
}

export interface Tagged<T> {
  /** The session epoch when the call started. */
  readonly epoch: number;
  readonly value: T;
}

/** Serialises calls into the worker; see the file comment. */
export class WorkerQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private epochValue = 0;
  private pending = 0;

  constructor(readonly remote: RemoteWorker) {}

  get epoch(): number {
    return this.epochValue;
  }

  /** Calls queued or running. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /** Starts a new run's epoch: call it inside a queued task, when the worker accepted a restart. */
  bump(): number {
    this.epochValue += 1;
    return this.epochValue;
  }

  /** Runs `task` after every call queued before it; the result carries the epoch it started in. */
  run<T>(task: (remote: RemoteWorker) => Promise<T>): Promise<Tagged<T>> {
    this.pending += 1;
    const next = this.tail.then(async () => {
      const epoch = this.epochValue;
      try {
        return { epoch, value: await task(this.remote) };
      } finally {
        this.pending -= 1;
      }
    });
    // A failed call must not block the ones after it; its caller sees the rejection.
    this.tail = next.catch(() => undefined);
    return next;
  }
}
