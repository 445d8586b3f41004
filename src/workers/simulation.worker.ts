/**
 * The simulation's worker: it owns the GPU device (the main thread only draws). Exposed with
 * comlink; results come back as transferred typed arrays.
 */
import * as Comlink from 'comlink';
import { DEFAULT_PROBE, momentsProbe, type ProbeResult, type ProbeSetup } from '../engine/momentsProbe';
import { type AdapterReport, acquireGpu, type GpuContext, WebGpuUnavailableError } from '../gpu/context';
import { WORKER_READY } from './protocol';

export type InitResult =
  | { readonly ok: true; readonly report: AdapterReport }
  | { readonly ok: false; readonly reason: string; readonly advice: string };

let context: GpuContext | null = null;
let lost: string | null = null;

const api = {
  async init(): Promise<InitResult> {
    try {
      context = await acquireGpu(self.navigator.gpu, 'browser-worker', {
        onDeviceLost: (info) => {
          lost = `${info.reason}: ${info.message}`;
          context = null;
        },
      });
      return { ok: true, report: context.report };
    } catch (e) {
      if (e instanceof WebGpuUnavailableError) return { ok: false, reason: e.reason, advice: e.advice };
      return { ok: false, reason: (e as Error).message, advice: '' };
    }
  },

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

  deviceLostReason(): string | null {
    return lost;
  },
};

export type SimulationWorkerApi = typeof api;
Comlink.expose(api);
// Tell the page the API is listening: a message sent before this point could be lost when the
// module is loaded late (a wrapper script, a slow network).
self.postMessage(WORKER_READY);
