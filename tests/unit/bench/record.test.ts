// The bench record schema (src/bench/record.ts): a record built from a measurement passes its
// validation; each kind of damage is named.
import { describe, expect, it } from 'vitest';
import { collisionStepWork } from '../../../src/bench/collisionCost';
import {
  type BenchRecord,
  buildRecord,
  type Measurement,
  type RunContext,
  recordProblems,
  scalingLines,
} from '../../../src/bench/record';

const measurement: Measurement = {
  msPerStep: 250,
  msCollision: 200,
  msTransport: 10,
  msPoisson: 20,
  msRemainder: 5,
  repeats: 3,
  kernelBatch: 1,
  nRho: 4,
  sphereCount: 32,
  chunkCells: 16,
  radialBlock: null,
  dispatchesPerOperator: 56,
  planePass: false,
  collisionErrorVsTwin: 3e-6,
};

const gpuContext: RunContext = {
  adapter: 'google swiftshader',
  software: true,
  roofline: { peakGflops: 6.4, bandwidthGBs: 1.4 },
  timing: 'timestamp-query',
  date: '2026-11-25T10:00:00.000Z',
  commit: 'abc1234',
  worktreeDirty: false,
};

const physics = { massRatio: 2, gamma: 0, exchangeRateError: 0.003 };

function gpuRecord(): BenchRecord {
  return buildRecord(
    'webgpu step nv=8 nx=16',
    { kind: 'step', backend: 'webgpu', nv: 8, nx: 16 },
    measurement,
    gpuContext,
    physics,
  );
}

describe('bench records', () => {
  it('a record built from a measurement is valid, with rates from the counted work', () => {
    const r = gpuRecord();
    expect(recordProblems(r)).toEqual([]);
    const work = collisionStepWork({ nv: 8, cells: 16, nRho: 4, sphereCount: 32, chunkCells: 16 });
    expect(r.gflops).toBeCloseTo(work.flops / 0.2 / 1e9);
    expect(r.fraction_of_peak_flops).toBeCloseTo(r.gflops / 6.4);
    expect(r.ms_collision_per_cell).toBeCloseTo(200 / 16);
    expect(r.steps_per_second).toBeCloseTo(4);
  });

  it('a CPU record has no roofline and wall-clock timing; a collision-only case no step parts', () => {
    const cpu = buildRecord(
      'cpu collision nv=8 nx=1',
      { kind: 'collision', backend: 'cpu', nv: 8, nx: 1 },
      {
        ...measurement,
        msPerStep: null,
        msTransport: null,
        msPoisson: null,
        msRemainder: null,
        chunkCells: 1,
        dispatchesPerOperator: null,
        collisionErrorVsTwin: null,
      },
      { ...gpuContext, roofline: null, timing: 'wall-clock', worktreeDirty: null },
      physics,
    );
    expect(recordProblems(cpu)).toEqual([]);
    expect(cpu.peak_gflops).toBeNull();
    expect(cpu.steps_per_second).toBeNull();
  });

  it('names each kind of damage', () => {
    const damaged = (change: Partial<Record<keyof BenchRecord, unknown>>) =>
      recordProblems({ ...gpuRecord(), ...change }).join('; ');
    expect(damaged({ backend: 'cuda' })).toMatch(/^backend/);
    expect(damaged({ timing: 'wall-clock' })).toMatch(/timing/);
    expect(damaged({ ms_collision: 0 })).toMatch(/ms_collision/);
    expect(damaged({ ms_per_step: null })).toMatch(/ms_per_step/);
    expect(damaged({ kind: 'collision' })).toMatch(/ms_transport: null for a collision-only case/);
    expect(damaged({ peak_gflops: null })).toMatch(/peak_gflops/);
    expect(damaged({ gflops: 1 })).toMatch(/gflops ≠/);
    expect(damaged({ date: 'yesterday' })).toMatch(/date/);
    expect(damaged({ repeats: 2.5 })).toMatch(/repeats: an integer/);
    expect(damaged({ collision_dispatches: null })).toMatch(/collision_dispatches: a positive integer/);
    expect(damaged({ collision_error_vs_twin: Number.NaN })).toMatch(/collision_error_vs_twin: a finite/);
    expect(damaged({ exchange_rate_error: -1 })).toMatch(/exchange_rate_error: a finite number ≥ 0/);
    expect(recordProblems({ ...gpuRecord(), exchange_rate_error: null })).toEqual([]);
    const { commit: _, ...withoutCommit } = gpuRecord();
    expect(recordProblems(withoutCommit).join('; ')).toMatch(/commit/);
    expect(recordProblems(null)).toEqual(['not an object']);
  });

  it('states the per-cell scaling per backend against N⁶', () => {
    const at = (nv: number, ms: number) =>
      buildRecord(
        `webgpu collision nv=${nv} nx=1`,
        { kind: 'collision', backend: 'webgpu', nv, nx: 1 },
        {
          ...measurement,
          msPerStep: null,
          msTransport: null,
          msPoisson: null,
          msRemainder: null,
          msCollision: ms,
          nRho: nv / 2,
          chunkCells: 1,
        },
        gpuContext,
        physics,
      );
    const lines = scalingLines([at(8, 100), at(16, 1500), at(32, 30000)]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/N_v=16 \/ N_v=8 \(n_x = 1\): 15\.0x .*N⁶ would be 64x/);
    expect(lines[1]).toMatch(/N_v=32 \/ N_v=16 \(n_x = 1\): 20\.0x/);
  });
});
