/**
 * The GPU Poisson solve and v-advection weights (src/shaders/fieldSolve.wgsl) against the float64
 * twins poissonSolveFft + advectVWeights, and the Strang step that now records it instead of
 * reading the moments back, against the float64 CPU backend (PHYSICS.md §1, §4; issue 7).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../../src/engine/cpuBackend';
import { GpuBackend } from '../../../src/engine/gpuBackend';
import { fieldFromMoments, initialState, simulationSetup, strangStep } from '../../../src/engine/step';
import { createEmptyStorageBuffer, createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { FieldSolve } from '../../../src/gpu/FieldSolve';
import type { ResolvedConfig } from '../../../src/physics/config';
import { MOMENT_COUNT } from '../../../src/physics/moments';
import { poissonSolveFft } from '../../../src/physics/poisson';
import { seededRandom } from '../../../src/physics/random';
import { advectVShifts, advectVWeights } from '../../../src/physics/transport';
import { velocityGrid } from '../../../src/physics/velocityGrid';
import { maxRelativeError } from '../../support/compare';
import { poison, testGpu } from '../../support/gpu';
import { speciesConfig } from '../../support/species';

function peak(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

describe('fieldSolve.wgsl against poissonSolveFft + advectVWeights', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  // n_x odd and even (Nyquist dropped or not), N_v from 4 to 32, perturbations O(1) and 1e−3 of
  // the mean density (the mean is removed per species before the sum), shifts up to several cells
  for (const [nx, nv, amplitude, seed] of [
    [1, 8, 0.5, 1],
    [2, 8, 0.5, 2],
    [5, 4, 0.5, 3],
    [16, 16, 0.5, 4],
    [17, 8, 1e-3, 5],
    [64, 32, 0.5, 6],
    [129, 16, 1e-3, 7],
  ] as const) {
    it(`E and the weights agree at f32 level (n_x = ${nx}, N_v = ${nv}, δn/n ~ ${amplitude})`, async () => {
      const { device } = gpu;
      const random = seededRandom(seed);
      const grid = velocityGrid(nv, 4.5);
      const length = 3 + 10 * random();
      const charges = [1, -0.7] as const;
      const chargeToMass = [1.3, -0.25] as const;
      // raw moments [species][cell][MOMENT_COUNT]: densities around 1 and 0.8, the rest arbitrary
      // (the kernel must read the densities only)
      const moments = Float32Array.from({ length: 2 * nx * MOMENT_COUNT }, (_, i) => {
        const species = Math.floor(i / (nx * MOMENT_COUNT));
        if (i % MOMENT_COUNT !== 0) return 100 * (random() - 0.5);
        return (species === 0 ? 1 : 0.8) * (1 + amplitude * (random() - 0.5));
      });
      const charge = new Float64Array(nx);
      for (let a = 0; a < 2; a++)
        for (let i = 0; i < nx; i++)
          charge[i]! += charges[a as 0 | 1] * moments[(a * nx + i) * MOMENT_COUNT]!;
      const field = poissonSolveFft(charge, length).field;
      // τ so that the largest v-shift is about 3.7 cells: the weights see every phase
      const tau = (3.7 * grid.dv) / Math.max(1e-30, peak(field) * Math.abs(chargeToMass[0]));
      const weights = advectVWeights(grid, field, chargeToMass, tau);

      const momentsBuffer = createStorageBuffer(device, 'test.moments', moments);
      const weightsBuffer = createEmptyStorageBuffer(device, 'test.weights', 2 * nx * nv * 4);
      const shiftsBuffer = createEmptyStorageBuffer(device, 'test.shifts', 2 * nx * 4);
      const solver = await FieldSolve.create(device, grid, nx, length, weightsBuffer, shiftsBuffer);
      poison(device, weightsBuffer);
      poison(device, shiftsBuffer);
      poison(device, solver.field);
      solver.setParameters(charges, chargeToMass, tau);
      const encoder = device.createCommandEncoder();
      solver.record(encoder, momentsBuffer);
      device.queue.submit([encoder.finish()]);
      const gotField = await readFloat32(device, solver.field);
      const gotWeights = await readFloat32(device, weightsBuffer);
      const gotShifts = await readFloat32(device, shiftsBuffer);

      const fieldScale = new Float64Array(nx).fill(Math.max(peak(field), 1e-30));
      expect(maxRelativeError(gotField, field, fieldScale)).toBeLessThan(1e-6);
      // weights are O(1) per row (Σ_d W = 1): absolute error at f32 level
      const ones = new Float64Array(weights.length).fill(1);
      expect(maxRelativeError(gotWeights, weights, ones)).toBeLessThan(4e-6);
      // the shifts in v-cells, for the moment correction (up to 3.7 cells: relative to that)
      const shifts = advectVShifts(field, chargeToMass, tau).map((a) => a / grid.dv);
      expect(maxRelativeError(gotShifts, shifts, new Float64Array(2 * nx).fill(3.7))).toBeLessThan(2e-6);
      if (nx > 2) {
        expect(peak(field)).toBeGreaterThan(amplitude * 1e-2); // a field to compare at all
        // and the shifts are far from the identity
        expect(
          maxRelativeError(gotWeights, advectVWeights(grid, new Float64Array(nx), chargeToMass, tau), ones),
        ).toBeGreaterThan(0.1);
      } else {
        // n_x ≤ 2 resolves no mode: E = 0, every weight row the identity
        expect(Array.from(gotField)).toEqual(new Array(nx).fill(0));
      }
      for (const b of [momentsBuffer, weightsBuffer, shiftsBuffer]) b.destroy();
      solver.destroy();
    });
  }
});

describe('the GPU Strang step without a read-back', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  // Landau-like: a light species with a 20 % density wave and a heavy one of the opposite charge
  // and half its charge density (the same wave in both must not cancel in ρ), so V(Δt/2) moves
  // both; n_x odd and even
  for (const nx of [9, 16]) {
    it(`takes the steps of the float64 CPU backend to f32 round-off (n_x = ${nx})`, async () => {
      const config: ResolvedConfig = {
        species: [speciesConfig('e', 1, -1, 1), { ...speciesConfig('i', 4, 0.5, 1), temperature: 4 }],
        collisions: { enabled: false, gamma: 0, knudsen: 1 },
        field: { enabled: true },
        grid: { nx, length: 4 * Math.PI, nv: 16, vmax: 5 },
        perturbation: { kind: 'density', amplitude: 0.2, mode: 1 },
        time: { dt: 0.25, tEnd: 1, outputEvery: 1 },
      };
      const setup = simulationSetup(config);
      const state = initialState(setup);
      const gpuBackend = await GpuBackend.create(gpu.device, setup, state);
      const cpuBackend = new CpuBackend(setup, state);
      for (let n = 0; n < 4; n++) {
        await strangStep(setup, gpuBackend);
        await strangStep(setup, cpuBackend);
      }
      const gpuState = await gpuBackend.state();
      const cpuState = cpuBackend.snapshot();
      const stateScale = new Float64Array(cpuState.length).fill(peak(cpuState));
      expect(maxRelativeError(gpuState, cpuState, stateScale)).toBeLessThan(1e-5);
      // the fields of the final states agree too, and the field did act: the state is not the
      // free flow's (the same steps with the field switched off)
      const gpuField = fieldFromMoments(setup, await gpuBackend.moments());
      const cpuField = fieldFromMoments(setup, await cpuBackend.moments());
      expect(peak(cpuField)).toBeGreaterThan(0.05);
      expect(maxRelativeError(gpuField, cpuField, new Float64Array(nx).fill(peak(cpuField)))).toBeLessThan(
        3e-5,
      );
      const free = simulationSetup({ ...config, field: { enabled: false } });
      const freeBackend = new CpuBackend(free, state);
      for (let n = 0; n < 4; n++) await strangStep(free, freeBackend);
      expect(maxRelativeError(freeBackend.snapshot(), cpuState, stateScale)).toBeGreaterThan(1e-3);
      gpuBackend.destroy();
    });
  }
});
