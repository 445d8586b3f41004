/**
 * The kernel self-check shown under the app: the worker runs the velocity-moments kernel
 * on a perturbed O⁺ slab and compares it with its float64 twin; the page draws n(x)/n̄ and θ(x)/θ̄.
 * Without WebGPU the float64 reference itself is drawn, on a small grid.
 */

import { DEFAULT_PROBE } from '../physics/probe';
import { ProfilePlot } from './profilePlot';
import type { WorkerQueue } from './workerClient';

const byTestId = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
const setText = (id: string, text: string) => {
  byTestId(id).textContent = text;
};

export async function runSelfCheck(queue: WorkerQueue, gpu: boolean): Promise<void> {
  const setup = gpu ? DEFAULT_PROBE : { ...DEFAULT_PROBE, nx: 32, nv: 8 };
  const { value: result } = await queue.run((remote) => remote.probe(setup));
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
  new ResizeObserver(() => plot.resize()).observe(plot.canvas);
}
