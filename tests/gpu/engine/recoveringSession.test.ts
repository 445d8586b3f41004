/**
 * Device loss, the recovery logic the worker uses (RecoveringSession, recoveringSession.ts), on
 * Dawn: the run's device is destroyed between two calls and in the middle of one; each time the
 * session acquires a new device, rebuilds from its last checkpoint and goes on, and the rows are
 * exactly those of an uninterrupted run. Also: a grid larger than the device's buffer limits is
 * refused before anything is allocated, naming the largest n_x that fits.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RecoveringSession } from '../../../src/engine/recoveringSession';
import { SimulationSession } from '../../../src/engine/session';
import type { GpuContext } from '../../../src/gpu/context';
import { acquireNodeGpu } from '../../../src/gpu/node';
import { DEFAULT_REMAINDER, type ResolvedConfig } from '../../../src/physics/config';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';
import { testGpu } from '../../support/gpu';
import { speciesConfig } from '../../support/species';

const species = speciesConfig;

/** Field on, collisionless (pipelines are rebuilt at every recovery: keep them few); 9 steps. */
const CONFIG: ResolvedConfig = {
  species: [species('A', 1, 1, 1), species('B', 2, -1, 0.7)],
  collisions: { enabled: false, gamma: 0, knudsen: 0.3 },
  field: { enabled: true },
  grid: { nx: 4, length: 6, nv: 8, vmax: 4.5 },
  perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
  time: { dt: 0.1, tEnd: 0.9, outputEvery: 2 },
  remainder: DEFAULT_REMAINDER,
};

describe('RecoveringSession: the GPU device is lost during a run', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('recovers on a new device, between calls and in the middle of one, with the rows of an uninterrupted run', async () => {
    const straight = await SimulationSession.create(CONFIG, gpu.device);
    await straight.advance(straight.totalSteps);
    const reference = straight.rows.slice();
    straight.destroy();

    const devices: GPUDevice[] = [(await acquireNodeGpu()).device];
    const acquire = async () => {
      const device = (await acquireNodeGpu()).device;
      devices.push(device);
      return device;
    };
    const run = await RecoveringSession.create(CONFIG, devices[0]!, acquire);
    const first = await run.advance(3);
    expect(first.recovered).toBeUndefined();

    // lost between two calls (as loseDeviceForTest does in the worker): noticed before the next one
    devices[0]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.pendingLoss).toMatch(/destroyed/);
    const second = await run.advance(2);
    expect(second.recovered).toMatch(/GPU device was lost \(destroyed.*a new device was acquired.*step 3 /);
    expect(devices).toHaveLength(2);
    expect(run.session.backendName).toBe('webgpu');
    expect(run.session.step).toBe(5);

    // lost in the middle of a call: its readback fails, the call is repeated on a new device
    setTimeout(() => devices[1]!.destroy(), 1);
    const third = await run.advance(run.session.totalSteps);
    expect(third.recovered).toMatch(/GPU device was lost.*step 5 /);
    expect(devices).toHaveLength(3);
    expect(run.session.done).toBe(true);

    const rows = run.session.rows;
    expect(rows.map((r) => r.t)).toEqual(reference.map((r) => r.t));
    expect(rows).toEqual(reference); // bit for bit: the restore continues exactly
    for (const row of rows) for (const v of Object.values(row)) expect(Number.isFinite(v)).toBe(true);
    run.destroy();
    devices[2]!.destroy();
  });

  it('without a GPU to re-acquire, it continues on the float64 CPU backend', async () => {
    const device = (await acquireNodeGpu()).device;
    const run = await RecoveringSession.create(CONFIG, device, async () => null);
    await run.advance(2);
    device.destroy();
    const next = await run.advance(2);
    expect(next.recovered).toMatch(/continuing on the float64 CPU backend/);
    expect(run.session.backendName).toBe('cpu');
    expect(run.session.step).toBe(4);
    run.destroy();
  });
});

describe('device limits', () => {
  it('a grid whose buffers exceed the device limits is refused before allocation, naming the largest n_x', async () => {
    const gpu = await testGpu();
    const ceiling = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
    // collisions on, N_v = 32: one x-cell's spectra need 2·32³·8 bytes = 512 KiB
    const perCell = 2 * 32 ** 3 * 8;
    const nx = Math.floor(ceiling / perCell) + 1;
    const config: ResolvedConfig = {
      ...CONFIG,
      collisions: { enabled: true, gamma: 0, knudsen: 0.3 },
      grid: { ...CONFIG.grid, nx, nv: 32 },
    };
    const refusal = await SimulationSession.create(config, gpu.device).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(InvalidParameterError);
    expect((refusal as Error).message).toMatch(new RegExp(`grid\\.nx.*nx ≤ ${nx - 1} at nv = 32`));
  });
});
