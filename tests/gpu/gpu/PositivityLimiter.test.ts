/**
 * The GPU positivity limiter (positivityLimiter.wgsl) against its float64 twin (positivity.ts), on
 * what it really sees — the signed output of an unlimited collision step — and on the cases it
 * must leave alone or must not hide: a non-negative cell (not written) and a NaN (poisons its cell).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { PositivityLimiter } from '../../../src/gpu/PositivityLimiter';
import { collisionStep } from '../../../src/physics/collision/collisionStep';
import { limitPositivity } from '../../../src/physics/collision/positivity';
import { mixtureSpectralTables } from '../../../src/physics/collision/spectral';
import { maxwellianOnGrid } from '../../../src/physics/maxwellian';
import { seededRandom } from '../../../src/physics/random';
import { type VelocityGrid, velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { testGpu } from '../../support/gpu';

const species = [
  { mass: 1, diameter: 1 },
  { mass: 2, diameter: 1 },
] as const;

/** One unlimited collision step from a random two-temperature, two-drift cell: signed tails. */
function signedCell(grid: VelocityGrid, seed: number) {
  const random = seededRandom(seed);
  const tables = mixtureSpectralTables(grid, species, 0, { nRho: 4, nTheta: 4, nPhi: 8 });
  const fA = maxwellianOnGrid(grid, {
    density: 0.8 + 0.4 * random(),
    mass: 1,
    temperature: 1.1 + 0.4 * random(),
    drift: [0.3 * random(), 0.1, 0],
  });
  const fB = maxwellianOnGrid(grid, {
    density: 0.5 + 0.4 * random(),
    mass: 2,
    temperature: 0.6 + 0.3 * random(),
    drift: [-0.3 * random(), 0, 0.1],
  });
  return collisionStep(fA, fB, tables, 0.02, 1, { positivity: false });
}

describe('the GPU positivity limiter against its float64 twin', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const nv of [8, 16]) {
    it(`N_v = ${nv}: the same limited cells, nothing negative; a positive cell untouched; a NaN kept`, async () => {
      const { device } = gpu;
      const grid = velocityGrid(nv, 5);
      const points = grid.pointsPerCell;
      const cells = 4; // 0, 1: signed step outputs; 2: a Maxwellian; 3: signed with a NaN
      const input: Float64Array[][] = [[], []];
      for (let c = 0; c < cells; c++) {
        const signed = signedCell(grid, 10 * nv + c);
        const positive = maxwellianOnGrid(grid, { density: 1, mass: 1, temperature: 1, drift: [0.1, 0, 0] });
        input[0]!.push(c === 2 ? positive : signed.fA);
        input[1]!.push(c === 2 ? positive : signed.fB);
      }
      input[1]![3]![17] = Number.NaN;
      const state = new Float32Array(2 * cells * points);
      for (let s = 0; s < 2; s++)
        for (let c = 0; c < cells; c++) state.set(input[s]![c]!, (s * cells + c) * points);
      const limiter = await PositivityLimiter.create(device, grid, cells);
      const buffer = createStorageBuffer(device, 'test.state', state);
      const encoder = device.createCommandEncoder();
      limiter.record(encoder, buffer);
      device.queue.submit([encoder.finish()]);
      const out = await readFloat32(device, buffer);
      const cellOut = (s: number, c: number) =>
        out.subarray((s * cells + c) * points, (s * cells + c + 1) * points);
      const cellIn = (s: number, c: number) =>
        state.subarray((s * cells + c) * points, (s * cells + c + 1) * points);
      for (let s = 0; s < 2; s++) {
        for (const c of [0, 1]) {
          expect(cellIn(s, c).some((x) => x < 0)).toBe(true); // the input really needs limiting
          const reference = limitPositivity(cellIn(s, c), grid);
          const scale = new Float64Array(points).fill(Math.max(...reference));
          expect(maxRelativeError(cellOut(s, c), reference, scale)).toBeLessThan(1e-5);
          expect(Math.min(...cellOut(s, c))).toBeGreaterThanOrEqual(0);
          // the limiter really changed the cell (a kernel that does nothing must not pass)
          expect(maxRelativeError(cellIn(s, c), reference, scale)).toBeGreaterThan(1e-6);
        }
        // a non-negative cell is not written: bit for bit what went in
        expect(Array.from(cellOut(s, 2))).toEqual(Array.from(cellIn(s, 2)));
      }
      expect(cellOut(1, 3).some(Number.isNaN)).toBe(true);
      expect(cellOut(0, 3).every(Number.isFinite)).toBe(true); // the other species' cell is its own
      buffer.destroy();
      limiter.destroy();
    });
  }
});
