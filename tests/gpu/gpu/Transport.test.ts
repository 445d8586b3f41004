import { beforeAll, describe, expect, it } from 'vitest';
import { createEmptyStorageBuffer, createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { Transport } from '../../../src/gpu/Transport';
import { seededRandom } from '../../../src/physics/random';
import {
  advectV,
  advectVShifts,
  advectVWeights,
  advectX,
  advectXWeights,
  vShiftMomentCorrection,
} from '../../../src/physics/transport';
import { velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { poison, testGpu } from '../../support/gpu';

describe('advectX.wgsl, advectV.wgsl and vShiftMomentCorrection.wgsl against the float64 twins', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  for (const [nv, nx, seed] of [
    [8, 12, 1],
    [16, 5, 2],
  ] as const) {
    it(`agree at f32 level on random positive states (N_v = ${nv}, n_x = ${nx})`, async () => {
      const { device } = gpu;
      const grid = velocityGrid(nv, 5);
      const length = 7.3;
      const random = seededRandom(seed);
      const state = Float32Array.from({ length: 2 * nx * grid.pointsPerCell }, () => random());
      const transport = await Transport.create(device, grid, nx, length);
      const tau = 0.21;
      const field = Float64Array.from({ length: nx }, () => random() - 0.5);
      const chargeToMass = [1, -0.25] as const;
      transport.setAdvectXStep(tau);
      transport.setField(field, chargeToMass, tau);
      const source = createStorageBuffer(device, 'test.source', state);
      const afterX = createEmptyStorageBuffer(device, 'test.afterX', state.byteLength);
      const afterV = createEmptyStorageBuffer(device, 'test.afterV', state.byteLength);
      poison(device, afterX);
      poison(device, afterV);
      const encoder = device.createCommandEncoder();
      transport.recordX(encoder, source, afterX);
      transport.recordV(encoder, afterX, afterV);
      device.queue.submit([encoder.finish()]);
      const gotX = await readFloat32(device, afterX);
      const gotV = await readFloat32(device, afterV);
      const refX = advectX(state, grid, nx, advectXWeights(grid, nx, length, tau));
      const bareV = advectV(gotX, grid, nx, advectVWeights(grid, field, chargeToMass, tau));
      const refV = Float64Array.from(bareV);
      vShiftMomentCorrection(gotX, refV, grid, nx, advectVShifts(field, chargeToMass, tau));
      const scale = new Float64Array(state.length).fill(1);
      expect(maxRelativeError(gotX, refX, scale)).toBeLessThan(2e-6);
      expect(maxRelativeError(gotV, refV, scale)).toBeLessThan(4e-6);
      // random data are far from band-limited: the correction is large enough to be seen
      expect(maxRelativeError(refV, bareV, scale)).toBeGreaterThan(1e-3);
      // the shifts really moved the data
      expect(maxRelativeError(gotX, state, scale)).toBeGreaterThan(1e-2);
      for (const b of [source, afterX, afterV]) b.destroy();
      transport.destroy();
    });
  }
});
