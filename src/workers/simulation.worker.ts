/**
 * The simulation's worker: it owns the GPU device (the main thread only draws). Exposed with
 * comlink; results come back as transferred typed arrays.
 */
import * as Comlink from 'comlink';
import { DEFAULT_PROBE, momentsProbe, type ProbeResult, type ProbeSetup } from '../engine/momentsProbe';
import { runSimulation } from '../engine/simulation';
import { type AdapterReport, acquireGpu, type GpuContext, WebGpuUnavailableError } from '../gpu/context';
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { parseConfig, resolveConfig } from '../physics/configSchema';
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

  /**
   * A whole VPB run here in the worker (the engine, the CPU Poisson solve and the GPU kernels side
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

  deviceLostReason(): string | null {
    return lost;
  },
};

export type SimulationWorkerApi = typeof api;
Comlink.expose(api);
// Tell the page the API is listening: a message sent before this point could be lost when the
// module is loaded late (a wrapper script, a slow network).
self.postMessage(WORKER_READY);
