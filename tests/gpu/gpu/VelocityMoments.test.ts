import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { VelocityMoments } from '../../../src/gpu/VelocityMoments';
import { maxwellianMoments, maxwellianOnGrid } from '../../../src/physics/maxwellian';
import { MOMENT_COUNT, velocityMoments } from '../../../src/physics/moments';
import { seededRandom } from '../../../src/physics/random';
import { type VelocityGrid, velocityGrid, velocityNodes } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { poison, testGpu } from '../../support/gpu';

/** Runs the WGSL kernel once on `f` (rounded to f32) with a NaN-poisoned output buffer. */
async function gpuMoments(gpu: GpuContext, grid: VelocityGrid, cells: number, mass: number, f: Float32Array) {
  const { device } = gpu;
  const kernel = await VelocityMoments.create(device, grid, cells);
  kernel.setParameters({ mass });
  const input = createStorageBuffer(device, 'test.distribution', f);
  poison(device, kernel.output);
  const encoder = device.createCommandEncoder();
  kernel.record(encoder, input);
  device.queue.submit([encoder.finish()]);
  const out = await readFloat32(device, kernel.output, cells * MOMENT_COUNT);
  input.destroy();
  kernel.destroy();
  return out;
}

/**
 * Error scale per moment: Σ|integrand| (the condition of the sum), so momenta of inputs with
 * nearly zero net drift are judged against what f32 summation can promise, not against ~0.
 */
function absoluteScale(f: Float32Array, grid: VelocityGrid, cells: number, mass: number): Float64Array {
  const abs = Float64Array.from(f, Math.abs);
  const v = velocityNodes(grid);
  const scale = new Float64Array(cells * MOMENT_COUNT);
  const w = grid.dv ** 3;
  const { nv } = grid;
  for (let c = 0; c < cells; c++) {
    let s1 = 0;
    let n = 0;
    let e = 0;
    let h = 0;
    for (let i = 0; i < grid.pointsPerCell; i++) {
      const fv = abs[c * grid.pointsPerCell + i]!;
      const vx = v[Math.floor(i / (nv * nv))]!;
      const vy = v[Math.floor(i / nv) % nv]!;
      const vz = v[i % nv]!;
      n += fv;
      s1 += Math.max(Math.abs(vx), Math.abs(vy), Math.abs(vz)) * fv;
      e += (vx * vx + vy * vy + vz * vz) * fv;
      if (fv > 0) h += Math.abs(fv * Math.log(fv));
    }
    scale.set(
      [n * w, mass * s1 * w, mass * s1 * w, mass * s1 * w, 0.5 * mass * e * w, h * w],
      c * MOMENT_COUNT,
    );
  }
  return scale;
}

describe('velocityMoments.wgsl against the float64 reference', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const [nv, cells, seed] of [
    [8, 5, 1],
    [16, 3, 2],
    [32, 2, 3],
  ] as const) {
    it(`agrees to < 1e-5 on random positive inputs (N_v = ${nv}, ${cells} cells)`, async () => {
      const grid = velocityGrid(nv, 4 + seed);
      const random = seededRandom(seed);
      const mass = 0.5 + 30 * random();
      // random positive values spanning six orders of magnitude
      const f = Float32Array.from(
        { length: cells * grid.pointsPerCell },
        () => 10 ** (-6 * random()) * random(),
      );
      const got = await gpuMoments(gpu, grid, cells, mass, f);
      const expected = velocityMoments(f, grid, cells, mass);
      expect(maxRelativeError(got, expected, absoluteScale(f, grid, cells, mass))).toBeLessThan(1e-5);
      // density and energy have positive summands: plain relative error
      const positive = (a: ArrayLike<number>) =>
        Array.from(a).filter((_, i) => i % MOMENT_COUNT === 0 || i % MOMENT_COUNT === 4);
      expect(maxRelativeError(positive(got), positive(expected))).toBeLessThan(1e-5);
    });
  }

  it('gives the exact moments of drifting Maxwellians in every cell', async () => {
    const grid = velocityGrid(16, 9); // ≥ 7 thermal speeds: box truncation below 1e-9
    const states = [
      { density: 1, mass: 1, temperature: 1, drift: [0.4, -0.2, 0.1] as const },
      { density: 0.3, mass: 1, temperature: 1.5, drift: [-0.3, 0, 0.2] as const },
    ];
    const f = new Float32Array(2 * grid.pointsPerCell);
    states.forEach((s, c) => {
      f.set(maxwellianOnGrid(grid, s), c * grid.pointsPerCell);
    });
    const got = await gpuMoments(gpu, grid, 2, 1, f);
    states.forEach((s, c) => {
      const exact = maxwellianMoments(s);
      const scale = [s.density, s.density, s.density, s.density, exact[4]!, Math.abs(exact[5]!)];
      const cell = got.subarray(c * MOMENT_COUNT, (c + 1) * MOMENT_COUNT);
      expect(maxRelativeError(cell, exact, scale)).toBeLessThan(2e-5);
    });
  });

  it('propagates a NaN in the input instead of hiding it', async () => {
    const grid = velocityGrid(8, 4);
    const f = new Float32Array(2 * grid.pointsPerCell).fill(0.5);
    f[grid.pointsPerCell + 17] = Number.NaN;
    const got = await gpuMoments(gpu, grid, 2, 1, f);
    expect([...got.subarray(0, MOMENT_COUNT)].every(Number.isFinite)).toBe(true);
    expect(Number.isNaN(got[MOMENT_COUNT])).toBe(true);
  });
});
