/**
 * The live floor (issue 20; engine/liveFloor.ts): a floor session advanced beside the run gives, at
 * each output, exactly what the on-demand floor check (a rerun from t = 0) gives there; switched on
 * mid-run it reports its catch-up and then agrees. Float64 CPU backend, the two-ion wave on
 * a small grid (n_x 8, N_v 8, L 4.5, ε = 0.02, dt 0.0625: λ̄ ≈ 20, where the run is all floor, and a
 * few steps).
 */
import { describe, expect, it } from 'vitest';
import { floorCheck } from '../../../src/engine/floorCheck';
import { LiveFloor } from '../../../src/engine/liveFloor';
import { SimulationSession } from '../../../src/engine/session';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';

const wave = (collisions = true) =>
  resolveConfig(
    parseConfig({
      species: [
        { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        { name: 'B', mass: 1.1, charge: 2, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      ],
      collisions: { enabled: collisions, gamma: 0, knudsen: 0.02 },
      field: { enabled: true },
      grid: { nx: 8, length: 4 * Math.PI, nv: 8, vmax: 4.5 },
      perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
      time: { dt: 0.0625, tEnd: 0.5, outputEvery: 2 },
    }),
  ).config;

describe('the live floor', () => {
  it('in lock-step: at each output the floor check’s numbers; from mid-run: catches up, then the same', async () => {
    const config = wave();
    const run = await SimulationSession.create(config, null);
    const live = await LiveFloor.create(config, null);
    let late: LiveFloor | null = null;
    try {
      for (let call = 1; call <= 4; call++) {
        await run.advance(2);
        await live.follow(run.step, 2);
        const status = live.status(run.latestRow, run.lastOutputStep);
        expect(status.state).toBe('live');
        if (status.state !== 'live') continue;
        const rerun = await floorCheck(config, run.latestRow, null);
        expect(status.check).toEqual(rerun);
        // λ̄ ≈ 20: the run resets F to M every step, so it is its own floor (floorCheck.test.ts)
        for (const r of Object.values(status.check.ratios)) expect(Math.abs(r - 1)).toBeLessThan(1e-6);
        if (call === 2) late = await LiveFloor.create(config, null); // switched on at step 4
      }
      // step 8 of 8: the late one, given 2 steps a call, is behind, then caught up
      await late!.follow(run.step, 2);
      const behind = late!.status(run.latestRow, run.lastOutputStep);
      expect(behind).toEqual({ state: 'catching-up', time: 0.125, target: run.latestRow.t });
      await late!.follow(run.step, 100);
      const caught = late!.status(run.latestRow, run.lastOutputStep);
      expect(caught.state).toBe('live');
      const reference = live.status(run.latestRow, run.lastOutputStep);
      expect(caught).toEqual(reference);
    } finally {
      run.destroy();
      live.destroy();
      late?.destroy();
    }
  }, 300_000);

  it('needs collisions on', async () => {
    await expect(LiveFloor.create(wave(false), null)).rejects.toThrow(/collisions on/);
  });
});
