/**
 * The floor check's run on real WebGPU (engine/floorCheck.ts): the GPU collision step at
 * Δt/ε = 1e30 (collisionStepKnudsen) must be the ε → 0 limit F ← M[F] as on the float64 CPU
 * backend: e^{−λ} is exactly 0 in f32 and the operator's weight with it (no 0·∞ = NaN). The issue-20
 * wave on a small grid (n_x 8, N_v 8, L 4.5), two steps at λ̄ ≈ 0.8 (ε = 0.5), where the limit is
 * far from the run: the floor readouts of both backends compared.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { floorCheck } from '../../../src/engine/floorCheck';
import { runSimulation } from '../../../src/engine/run';
import type { GpuContext } from '../../../src/gpu/context';
import type { TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { CHECKED_NORMS } from '../../../src/physics/timeStepCheck';
import { testGpu } from '../../support/gpu';

const config = resolveConfig(
  parseConfig({
    species: [
      { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen: 0.5 },
    field: { enabled: true },
    grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5 },
    perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
    time: { dt: 0.0625, tEnd: 0.125, outputEvery: 1 },
    remainder: { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', fluid: 'spectral' },
  }),
).config;

describe('the floor check on the GPU', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('takes the collision step at λ = ∞ as the float64 twin does (finite, f32-close floors)', async () => {
    const rows: TimeseriesRow[] = [];
    await runSimulation(config, null, (r) => rows.push(r), { guard: false });
    const row = rows.at(-1)!;
    const onCpu = await floorCheck(config, row, null);
    const onGpu = await floorCheck(config, row, gpu.device);
    for (const k of CHECKED_NORMS) {
      expect(Number.isFinite(onGpu.floor[k]), k).toBe(true);
      expect(Math.abs(onGpu.floor[k] - onCpu.floor[k]) / onCpu.floor[k], k).toBeLessThan(1e-3);
      // at λ̄ ≈ 0.8 the run is not its limit: the floor run really took λ = ∞
      expect(Math.abs(onCpu.ratios[k] - 1), k).toBeGreaterThan(0.1);
    }
  }, 300_000);
});
