/** Messages between the page and the simulation worker besides comlink's own. */

/** Posted by the worker once its comlink API listens (see simulation.worker.ts). */
export const WORKER_READY = 'vpb-simulation-worker-ready';
