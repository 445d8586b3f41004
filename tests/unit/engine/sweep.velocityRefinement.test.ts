/**
 * Issue 20's last test, on the real float64 engine (CPU backend), not a fake: a velocity grid
 * coarsened on purpose is flagged by the trust check's 2 N_v rerun (√2 × wider box), while the
 * 2 n_x rerun of the same point sees nothing. The issue's wave (A m 1 e 1, B m 1.1 e 2, isentropic
 * 0.05, ℓ = 4π, n_x 8, γ = 0) on its coarse grid N_v 8, L = 4.5 (exchange rates 16 % off against
 * the exact ones: accepted only with grid.tolerance 0.05), ε = 0.1, to t = 0.25 at the sweep's
 * automatic dt (16 steps). Measured: the 2 N_v rerun moves remainder_energy at tEnd by 18 %, the
 * 2 n_x rerun by < 1 %. (The dt/2 rerun also moves it, by 10 %: on this grid the remainder does not
 * converge in dt, README issue 20; not asserted here.)
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/engine/run';
import { runSweep, type SweepRunner } from '../../../src/engine/sweep';
import { parseConfig } from '../../../src/physics/configSchema';
import { failedRefinements, planSweep } from '../../../src/physics/sweepPlan';

const cpuRunner: SweepRunner = async (config, onRow, signal) => {
  const result = await runSimulation(config, null, onRow, signal ? { signal } : {});
  return { steps: result.steps, adapter: result.backend };
};

describe('the trust check on a velocity grid coarsened on purpose (real engine)', () => {
  it('the 2 N_v rerun flags it; the 2 n_x rerun does not', async () => {
    const parsed = parseConfig({
      species: [
        { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      ],
      collisions: { enabled: true, gamma: 0, knudsen: 0.1 },
      field: { enabled: true },
      grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5, tolerance: 0.05 },
      perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
      time: { dt: null, tEnd: 0.25, outputEvery: 1 },
    });
    const plan = planSweep(parsed, [0.1]);
    expect([plan.trustCheck, plan.refineNx, plan.refineNv]).toEqual([true, true, true]);
    const { points } = await runSweep(plan, cpuRunner);
    const point = points[0]!;
    console.info(
      `remainder_energy at tEnd: run ${point.normsAtEnd.remainder_energy.toFixed(4)}, ` +
        `changes: dt/2 ${point.halfDt!.change.toFixed(3)}, 2 n_x ${point.doubleNx!.change.toFixed(4)}, ` +
        `2 N_v ${point.doubleNv!.change.toFixed(3)}`,
    );
    expect(point.doubleNv!.nv).toBe(16);
    expect(point.doubleNx!.nx).toBe(16);
    // the threshold is not reached by t = 0.25: the checks compare the norm at tEnd
    expect(point.validityTime).toBeNull();
    expect(point.doubleNv!.change).toBeGreaterThan(0.1);
    expect(point.doubleNx!.change).toBeLessThan(0.01);
    expect(failedRefinements(point)).toContain('nv');
    expect(failedRefinements(point)).not.toContain('nx');
    expect(point.trustworthy).toBe(false);
  }, 300_000);
});
