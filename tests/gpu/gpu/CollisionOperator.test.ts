import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbs, randomPositiveState } from '../../../src/bench/verify';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import { CollisionOperator } from '../../../src/gpu/CollisionOperator';
import type { GpuContext } from '../../../src/gpu/context';
import { accuracyQuadrature, type CollisionAccuracy } from '../../../src/physics/collision/accuracy';
import { lossFrequencies } from '../../../src/physics/collision/collisionStep';
import { mixtureCollisionOperators, type SpectralQuadrature } from '../../../src/physics/collision/spectral';
import { seededRandom } from '../../../src/physics/random';
import { type VelocityGrid, velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { poison, testGpu } from '../../support/gpu';

const species = [
  { mass: 1, diameter: 1 },
  { mass: 2, diameter: 1.5 },
] as const;

/** Runs the GPU operator on `state` ([A|B][cell][N³]); returns q and ν read back. */
async function gpuCollision(
  gpu: GpuContext,
  grid: VelocityGrid,
  cells: number,
  gamma: number,
  state: Float32Array,
  accuracy: CollisionAccuracy | SpectralQuadrature,
  maxChunkCells?: number,
  fft?: { wholeLines: boolean; workgroupSize: number; planePass?: boolean },
  maxRadialBlock?: number,
) {
  const { device } = gpu;
  const quadrature = typeof accuracy === 'string' ? accuracyQuadrature(accuracy, grid.nv) : accuracy;
  const operator = await CollisionOperator.create(device, grid, cells, {
    species,
    gamma,
    quadrature,
    ...(maxChunkCells === undefined ? {} : { maxChunkCells }),
    ...(fft === undefined
      ? {}
      : { fft: { wholeLines: fft.wholeLines, workgroupSize: fft.workgroupSize }, planePass: fft.planePass }),
    ...(maxRadialBlock === undefined ? {} : { maxRadialBlock }),
  });
  if (fft?.planePass !== undefined) expect(operator.planePass).toBe(fft.planePass);
  if (maxChunkCells !== undefined) expect(operator.chunkCells).toBe(maxChunkCells);
  // every pair's blocks cover its radial nodes once, in order, per chunk (the last block shorter)
  const nRho = operator.tables.AA.radialNodes.length;
  const covered = new Map<string, number>();
  for (const { pair, chunk, radialOffset, radialCount } of operator.blockPasses) {
    const key = `${pair}.${chunk}`;
    expect(radialOffset).toBe(covered.get(key) ?? 0);
    expect(radialCount).toBeLessThanOrEqual(maxRadialBlock ?? nRho);
    covered.set(key, radialOffset + radialCount);
  }
  expect([...covered.values()].every((n) => n === nRho)).toBe(true);
  if (maxRadialBlock !== undefined && maxRadialBlock < nRho) {
    expect(operator.blockPasses.length).toBeGreaterThan(covered.size); // several blocks per pass
  } else {
    expect(operator.blockPasses.length).toBe(covered.size); // the default: one block per pass here
  }
  const input = createStorageBuffer(device, 'test.state', state);
  poison(device, operator.q);
  poison(device, operator.frequency);
  const encoder = device.createCommandEncoder();
  operator.record(encoder, input);
  device.queue.submit([encoder.finish()]);
  const q = await readFloat32(device, operator.q);
  const nu = await readFloat32(device, operator.frequency);
  const { tables } = operator;
  input.destroy();
  operator.destroy();
  return { q, nu, tables };
}

function cellOf(a: Float32Array, species: number, cell: number, cells: number, points: number) {
  return a.subarray((species * cells + cell) * points, (species * cells + cell + 1) * points);
}

describe('the WGSL collision operator against its float64 twin', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  // every accuracy setting's quadrature sizes (accuracy.ts: "fast" has an odd nTheta, 3 × 6)
  // the fused gain passes at every FFT size (N_v = 32, 64 with a small rule, to stay cheap here),
  // and over several chunks of cells with a padded last chunk (3 cells in chunks of 2); N_v = 16
  // runs whole lines by default on SwiftShader (Fft3dOptions.wholeLines), so the GPUs' exchange
  // through workgroup memory is forced, in the layout a GPU runs (64 invocations per workgroup)
  // blocks of radial nodes (CollisionSetup.maxRadialBlock) with a shorter last block, alone, with
  // chunks and in the GPU layout
  const small: SpectralQuadrature = { nRho: 2, nTheta: 2, nPhi: 2 };
  // a GPU's layout: lines split over invocations, the shifted grids' i3 and i2 passes as one plane
  // pass (planePass, the default on GPUs only), and also in two passes
  const gpuLayout = { wholeLines: false, workgroupSize: 64, planePass: true };
  const twoPasses = { ...gpuLayout, planePass: false };
  for (const [nv, gamma, seed, accuracy, cells, maxChunkCells, fft, maxRadialBlock] of [
    [8, 0.5, 1, 'standard', 2, undefined, undefined, undefined],
    [8, -2, 2, 'standard', 2, undefined, undefined, undefined],
    [16, 1, 3, 'standard', 2, undefined, undefined, undefined],
    [8, 0, 4, 'fast', 2, undefined, undefined, undefined],
    [8, -1, 5, 'fine', 2, undefined, undefined, 4],
    [16, 0, 6, 'fast', 3, 2, undefined, 3],
    [16, -1, 9, 'fast', 2, undefined, gpuLayout, undefined],
    [16, 0.5, 13, 'fast', 3, 2, twoPasses, 3],
    [8, 1, 10, 'fast', 2, undefined, gpuLayout, 2],
    [8, -2, 14, 'fast', 2, undefined, twoPasses, undefined],
    [32, -2, 11, small, 1, undefined, gpuLayout, undefined],
    [32, 1, 15, small, 1, undefined, twoPasses, undefined],
    [32, 0.5, 7, small, 1, undefined, undefined, undefined],
    [64, -1, 8, small, 1, undefined, undefined, undefined],
  ] as const) {
    const rule =
      typeof accuracy === 'string' ? accuracy : `N_ρ = ${accuracy.nRho}, ${accuracy.nTheta}×${accuracy.nPhi}`;
    const chunks =
      (maxChunkCells ? `, ${cells} cells in chunks of ${maxChunkCells}` : '') +
      (maxRadialBlock ? `, radial blocks of ${maxRadialBlock}` : '');
    const lines = fft
      ? `, a GPU's FFT layout (${fft.workgroupSize} invocations per workgroup, no whole lines` +
        `${fft.planePass ? ', the plane pass' : ', i3 and i2 in two passes'})`
      : '';
    it(`agrees at f32 level on random positive inputs (N_v = ${nv}, γ = ${gamma}, ${rule}${chunks}${lines})`, async () => {
      const grid = velocityGrid(nv, 6);
      const points = grid.pointsPerCell;
      const state = randomPositiveState(grid, [species[0].mass, species[1].mass], cells, seededRandom(seed));
      const { q, nu, tables } = await gpuCollision(
        gpu,
        grid,
        cells,
        gamma,
        state,
        accuracy,
        maxChunkCells,
        fft,
        maxRadialBlock,
      );
      const sizes = typeof accuracy === 'string' ? accuracyQuadrature(accuracy, nv) : accuracy;
      expect(tables.AB.sphere.count).toBe(sizes.nTheta * sizes.nPhi); // the sizes asked for
      expect(tables.AB.radialNodes.length).toBe(sizes.nRho);
      for (let c = 0; c < cells; c++) {
        const fA = cellOf(state, 0, c, cells, points);
        const fB = cellOf(state, 1, c, cells, points);
        // the twin over the FULL sphere rule for every pair: the GPU's ±e symmetry (half rule for
        // AA, BB; BA from AB's sums) must reproduce it, not merely the twin's own symmetric form
        const ref = mixtureCollisionOperators(fA, fB, tables, { sphereSymmetry: false });
        const freq = lossFrequencies(fA, fB, tables);
        // scale: the largest gain or loss term, what f32 round-off is relative to
        const scale = Math.max(
          ...[ref.AA, ref.AB, ref.BA, ref.BB].flatMap((t) => [maxAbs(t.gain), maxAbs(t.loss)]),
        );
        const flat = (a: ArrayLike<number>) => new Float64Array(a.length).fill(scale);
        expect(maxRelativeError(cellOf(q, 0, c, cells, points), ref.qA, flat(ref.qA))).toBeLessThan(2e-5);
        expect(maxRelativeError(cellOf(q, 1, c, cells, points), ref.qB, flat(ref.qB))).toBeLessThan(2e-5);
        const nuScale = Math.max(maxAbs(freq.nuA), maxAbs(freq.nuB));
        expect(
          maxRelativeError(cellOf(nu, 0, c, cells, points), freq.nuA, flat(freq.nuA).fill(nuScale)),
        ).toBeLessThan(1e-5);
        expect(
          maxRelativeError(cellOf(nu, 1, c, cells, points), freq.nuB, flat(freq.nuB).fill(nuScale)),
        ).toBeLessThan(1e-5);
      }
    });
  }

  it('refuses the plane pass where it does not fit (whole lines, N_v = 64), naming the option', async () => {
    for (const [nv, fft] of [
      [16, { wholeLines: true }],
      [64, { wholeLines: false, workgroupSize: 64 }],
    ] as const) {
      await expect(
        CollisionOperator.create(gpu.device, velocityGrid(nv, 6), 1, {
          species,
          gamma: 0,
          quadrature: small,
          fft,
          planePass: true,
        }),
      ).rejects.toThrow(/planePass needs N_v ≤ 32/);
    }
  });
});
