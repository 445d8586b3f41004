/**
 * remainder.order 1 on the GPU backend (issue 18): the well-prepared F_0(0) + εF_1(0) is loaded as
 * f32, the kinetic run steps on WebGPU, and at each output F_0 + εF_1 is built on the host and
 * subtracted from the read-back state (remainderMonitor.ts). Checked against the float64 CPU session
 * of the same config: the host part is identical code, so what differs is the f32 state and the f32
 * kernels. A GPU path that skipped the shift by εF_1, used the wrong F_0, or lost U_1 would differ
 * by the whole ε‖F_1‖ (here ≈ 50× the residual).
 *
 * Small on purpose (SwiftShader): one gas as two species, n_x 8, N_v 8, ε = 0.1, 4 steps of the
 * trapezoidal step, output every 2.
 */
import { describe, expect, it } from 'vitest';
import { SimulationSession } from '../../../src/engine/session';
import { FIRST_ORDER_COLUMNS, type ResolvedConfig, type TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { testGpu } from '../../support/gpu';

const CONFIG: ResolvedConfig = resolveConfig(
  parseConfig({
    species: [
      { name: 'A', mass: 1, charge: 0, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      { name: 'B', mass: 1, charge: 0, diameter: 1, density: 0.5, temperature: 1, drift: [0, 0, 0] },
    ],
    collisions: { enabled: true, gamma: 0, knudsen: 0.1, accuracy: 'fast', scheme: 'trapezoidal' },
    field: { enabled: false },
    grid: { nx: 8, length: 2 * Math.PI, nv: 8, vmax: 4.5, tolerance: 0.5 },
    perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
    time: { dt: 0.02, tEnd: 0.08, outputEvery: 2 },
    remainder: { order: 1, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy' },
  }),
).config;

async function rowsOf(device: GPUDevice | null): Promise<readonly TimeseriesRow[]> {
  const session = await SimulationSession.create(CONFIG, device);
  try {
    await session.advance(session.totalSteps);
    return session.rows;
  } finally {
    session.destroy();
  }
}

describe('remainder.order 1 on the GPU backend against the float64 CPU session', () => {
  it('the residual ‖F_ε − F_0 − εF_1‖, F_R and U_1 agree at every output', async () => {
    const gpu = await testGpu();
    const onGpu = await rowsOf(gpu.device);
    const onCpu = await rowsOf(null);
    expect(onGpu.map((r) => r.t)).toEqual(onCpu.map((r) => r.t));
    expect(onGpu).toHaveLength(3);
    // t = 0: the f32 rounding of F_0(0) + εF_1(0) only (ε‖F_1(0)‖ is ~1e−3 here)
    expect(onGpu[0]!.hilbert_residual_L2).toBeLessThan(1e-6);
    for (let k = 1; k < onGpu.length; k++) {
      const g = onGpu[k]!;
      const c = onCpu[k]!;
      expect(c.hilbert_residual_L2).toBeGreaterThan(1e-6);
      // f32 state and kernels: a few per cent of a residual that is itself ~2 % of ε‖F_1‖
      expect(Math.abs(g.hilbert_residual_L2 / c.hilbert_residual_L2 - 1)).toBeLessThan(0.05);
      expect(Math.abs(g.remainder_L2 / c.remainder_L2 - 1)).toBeLessThan(0.05);
      // U_1 is host float64 from the initial moments (f32 vs f64 F(0)): equal to ~1e−6
      for (const col of FIRST_ORDER_COLUMNS) {
        if (c[col] === 0) expect(g[col]).toBe(0);
        else expect(Math.abs(g[col] / c[col] - 1), col).toBeLessThan(1e-4);
      }
    }
  }, 900_000);
});
