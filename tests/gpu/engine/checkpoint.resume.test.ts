/**
 * Session checkpoints (issue 8) on real WebGPU: a run checkpointed at step k — through the file
 * bytes, encode → decode — and restored continues with exactly the rows (every column, bit for bit)
 * of the uninterrupted run, with the collision step and the field on; and the same on the float64
 * CPU backend, whose checkpoint carries its float64 state. Tiny grid (n_x = 4, N_v = 8).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/checkpoint';
import { SimulationSession } from '../../../src/engine/session';
import type { GpuContext } from '../../../src/gpu/context';
import { DEFAULT_REMAINDER, type ResolvedConfig } from '../../../src/physics/config';
import { testGpu } from '../../support/gpu';
import { speciesConfig } from '../../support/species';

const species = speciesConfig;

/** Field and collisions on, unequal masses; 7 steps, output every 2 (and at the end). */
const CONFIG: ResolvedConfig = {
  species: [species('A', 1, 1, 1), species('B', 1.2, -1, 0.7)],
  collisions: { enabled: true, gamma: 0, knudsen: 0.3 },
  field: { enabled: true },
  grid: { nx: 4, length: 6, nv: 8, vmax: 4 },
  perturbation: { kind: 'isentropic', amplitude: 0.1, mode: 1 },
  time: { dt: 0.05, tEnd: 0.35, outputEvery: 2 },
  remainder: DEFAULT_REMAINDER,
};

async function uninterrupted(device: GPUDevice | null) {
  const session = await SimulationSession.create(CONFIG, device);
  await session.advance(session.totalSteps);
  const rows = session.rows.slice();
  session.destroy();
  return rows;
}

/** Run to `stop`, checkpoint, throw the session away, restore from the file's bytes, run to the end. */
async function resumedAt(stop: number, device: GPUDevice | null) {
  const first = await SimulationSession.create(CONFIG, device);
  await first.advance(stop);
  const bytes = encodeCheckpoint(await first.checkpoint());
  first.destroy();
  const checkpoint = decodeCheckpoint(bytes);
  expect([checkpoint.step, checkpoint.time]).toEqual([stop, stop * CONFIG.time.dt]);
  const second = await SimulationSession.restore(checkpoint, device);
  expect(second.step).toBe(stop);
  expect(second.backendName).toBe(device ? 'webgpu' : 'cpu');
  await second.advance(second.totalSteps);
  const rows = second.rows.slice();
  second.destroy();
  return { rows, checkpoint };
}

describe('checkpoint and restore continue bit-identically', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('on the GPU: restored at an output step (4) and between outputs (3), the rows equal the uninterrupted run', async () => {
    const reference = await uninterrupted(gpu.device);
    expect(reference.map((r) => r.t)).toEqual([0, 0.1, 0.2, 0.30000000000000004, 0.35000000000000003]);
    for (const stop of [4, 3]) {
      const { rows, checkpoint } = await resumedAt(stop, gpu.device);
      expect(checkpoint.sections.distribution64).toBeUndefined(); // the GPU state is f32
      expect(rows).toEqual(reference); // exact: toEqual compares numbers with Object.is
    }
  });

  it('on the CPU backend (float64 state in the checkpoint): the rows equal the uninterrupted run', async () => {
    const reference = await uninterrupted(null);
    const { rows, checkpoint } = await resumedAt(3, null);
    expect(checkpoint.sections.distribution64).toBeInstanceOf(Float64Array);
    expect(rows).toEqual(reference);
  });
});
