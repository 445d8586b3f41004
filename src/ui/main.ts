/**
 * The page: asks the worker (which owns the GPU) for the demo slab's moments and draws them.
 * The main thread also acquires an adapter through the same code path, to show what it found.
 */
import * as Comlink from 'comlink';
import { DEFAULT_PROBE } from '../engine/momentsProbe';
import { acquireGpu, describeAdapter, WebGpuUnavailableError } from '../gpu/context';
import { WORKER_READY } from '../workers/protocol';
import type { SimulationWorkerApi } from '../workers/simulation.worker';
import { ProfilePlot } from './profilePlot';
import './style.css';

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const setText = (id: string, text: string) => {
  byTestId(id).textContent = text;
};

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

/** The simulation worker, once its API listens (it says so); its load errors become exceptions. */
function startWorker(timeoutMs = 60_000): Promise<Worker> {
  const worker = new Worker(new URL('../workers/simulation.worker.ts', import.meta.url), {
    type: 'module',
    name: 'simulation',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulation worker did not start')), timeoutMs);
    worker.addEventListener('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`the simulation worker failed to load: ${e.message || 'unknown error'}`));
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

async function start(): Promise<void> {
  await probeMainThread();
  const worker = Comlink.wrap<SimulationWorkerApi>(await startWorker());
  const init = await worker.init();
  // An automation hook (tests, the developer console): run a config of the `sim run` contract in
  // the worker and collect its timeseries rows.
  (window as unknown as { vpb: unknown }).vpb = {
    run: async (json: unknown) => {
      const rows: unknown[] = [];
      const result = await worker.run(
        json,
        Comlink.proxy((row) => {
          rows.push(row);
        }),
      );
      return { ...result, rows };
    },
  };
  let setup = DEFAULT_PROBE;
  if (init.ok) {
    setText('adapter-worker', describeAdapter(init.report));
    setText('limits', JSON.stringify(init.report.limits, null, 2));
  } else {
    setText('adapter-worker', `unavailable: ${init.reason}`);
    showUnavailable(init.reason, init.advice);
    setup = { ...DEFAULT_PROBE, nx: 32, nv: 8 }; // the CPU reference, small grid
  }
  const result = await worker.probe(setup);
  setText('backend', result.backend === 'webgpu' ? 'WebGPU (WGSL kernel)' : 'CPU (float64 reference)');
  setText(
    'moments-error',
    result.backend === 'webgpu' ? result.maxRelativeError.toExponential(2) : 'n/a (CPU)',
  );
  setText('moments-time', `${result.milliseconds.toFixed(1)} ms`);
  setText('grid', `N_x = ${setup.nx}, N_v = ${setup.nv}³, m = ${setup.species.mass} m_p`);
  setText('x-max', `ℓ = ${setup.length.toFixed(3)}`);

  const plot = new ProfilePlot(document.querySelector<HTMLCanvasElement>('#profile')!);
  const { density, temperature } = setup.species;
  const series = [
    { label: 'density n(x)/n̄', color: 0x1f6feb, values: result.density.map((n) => n / density) },
    { label: 'temperature θ(x)/θ̄', color: 0xd9480f, values: result.temperature.map((t) => t / temperature) },
  ];
  const [lo, hi] = plot.draw(result.x, series);
  setText('y-max', hi.toFixed(3));
  setText('y-min', lo.toFixed(3));
  byTestId('legend').innerHTML = series
    .map((s) => {
      const [min, max] = [Math.min(...s.values), Math.max(...s.values)];
      const color = `#${s.color.toString(16).padStart(6, '0')}`;
      return `<span><i class="swatch" style="background:${color}"></i>${s.label}: ${min.toFixed(4)} … ${max.toFixed(4)}</span>`;
    })
    .join('');
  window.addEventListener('resize', () => plot.resize());
  document.body.dataset.state = 'ready';
}

start().catch((e: unknown) => {
  document.body.dataset.state = 'error';
  showUnavailable('The app failed to start', String(e instanceof Error ? e.message : e));
  console.error(e);
});
