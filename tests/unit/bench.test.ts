// The pure parts of `npm run bench` (src/bench): the median and the repeat budget, the counted work
// of the collision kernels against a hand count, the case lists, the cost model's skip decision,
// and the record schema's validation (a record built from a measurement passes; each kind of
// damage is named).
import { describe, expect, it } from 'vitest';
import {
  type BenchCase,
  benchCases,
  benchConfig,
  CostModel,
  caseWork,
  fitCase,
  planCase,
} from '../../src/bench/cases';
import { collisionOperatorWork, collisionStepWork } from '../../src/bench/collisionCost';
import {
  type BenchRecord,
  buildRecord,
  type Measurement,
  type RunContext,
  recordProblems,
  scalingLines,
} from '../../src/bench/record';
import { median, repeatsWithinBudget } from '../../src/bench/stats';
import { paddedCells } from '../../src/gpu/collisionPlan';

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones, without reordering the input', () => {
    const values = [5, 1, 4];
    expect(median(values)).toBe(4);
    expect(values).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('repeatsWithinBudget', () => {
  it('fits whole repeats after the fixed cost, at most the wanted number, null when none fits', () => {
    expect(repeatsWithinBudget(10, 10, 5, 1000)).toBe(5);
    expect(repeatsWithinBudget(100, 100, 5, 400)).toBe(3);
    expect(repeatsWithinBudget(100, 100, 5, 199)).toBeNull();
  });
});

describe('collision work', () => {
  it('counts the transforms of CollisionOperator.record(): 2·cells + cells·(4·N_ρ(M+1) + 4) without the ±e symmetry', () => {
    const w = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, sphereSymmetry: false });
    // F̂; per pair and node M shifted grids and one sphere sum; gain and loss spectra of 2 species
    expect(w.transforms).toBe(2 + 4 * 4 * 33 + 4);
    const n = 512;
    const fft = 5 * n * 9;
    // shift 38 + sphere 3 per sphere point, radial 4, per (pair, node, value); loss 6 + combine 2 per (species, value)
    const elementwise = 4 * 4 * n * (32 * 41 + 4) + 2 * n * 8;
    expect(w.flops).toBe(w.transforms * fft + elementwise);
  });

  it("with the ±e symmetry: AA and BB over M/2 points, BA from AB's sums (2 + N_ρ(2M + 3) + 8 per cell)", () => {
    const w = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32 });
    // AA, BB: 4·(16 + 1) each; AB: 4·(32 + 1); BA: none; gain + loss inverse FFTs: 2 species × 2
    expect(w.transforms).toBe(2 + 2 * 4 * 17 + 4 * 33 + 4);
    const n = 512;
    const fft = 5 * n * 9;
    // 64 shifted points per node (16 + 16 + 32) at 41 FLOP each and 4 radial multipliers of 4 FLOP
    const elementwise = 4 * n * (64 * 41 + 4 * 4) + 2 * n * 8;
    expect(w.flops).toBe(w.transforms * fft + elementwise);
    // bytes: 48 per value of every transform (the 256 shifted grids through the fused passes too:
    // 16 + 8 + 16 + 8), the spectrum 12, per node 3 sphere sums written (8) and h read by 4 radial
    // passes (8), the gain slot read + written (16) once per block (one here) and pair fed (4),
    // per species loss 24 + combine 28
    const shifted = 4 * 64;
    expect(w.bytes).toBe(
      (w.transforms - shifted) * n * 48 +
        shifted * n * 48 +
        2 * n * 12 +
        4 * n * (3 * 8 + 4 * 8) +
        4 * n * 16 +
        2 * n * 52,
    );
    // blocks of 3 nodes for AB (2 blocks), 4 for AA and BB (1): 2·1 + 2·2 = 6 slot passes, not 4
    const blocked = collisionOperatorWork({
      nv: 8,
      cells: 1,
      nRho: 4,
      sphereCount: 32,
      radialBlock: { full: 3, half: 4 },
    });
    expect(blocked.bytes - w.bytes).toBe(2 * n * 16);
    expect(blocked.flops).toBe(w.flops);
    // the plane pass: the 256 shifted grids at 32 B per value instead of 48, the same arithmetic
    const plane = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, planePass: true });
    expect(w.bytes - plane.bytes).toBe(shifted * n * 16);
    expect(plane.flops).toBe(w.flops);
    const full = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, sphereSymmetry: false });
    expect(w.flops / full.flops).toBeGreaterThan(0.5);
    expect(w.flops / full.flops).toBeLessThan(0.52);
  });

  it('pads the pair loops to whole chunks of cells', () => {
    expect(paddedCells(3, 2)).toBe(4);
    expect(paddedCells(64, 64)).toBe(64);
    const chunked = collisionOperatorWork({ nv: 8, cells: 3, nRho: 4, sphereCount: 32, chunkCells: 2 });
    const whole = collisionOperatorWork({ nv: 8, cells: 4, nRho: 4, sphereCount: 32 });
    expect(chunked.transforms).toBe(whole.transforms - 2); // F̂ only for the 3 real cells
    expect(() => paddedCells(0)).toThrow(RangeError);
  });

  it('a collision step is two operator evaluations plus a few % of O(N³) work', () => {
    const size = { nv: 16, cells: 4, nRho: 8, sphereCount: 32 };
    const op = collisionOperatorWork(size);
    const step = collisionStepWork(size);
    expect(step.transforms).toBe(2 * op.transforms);
    expect(step.flops / (2 * op.flops)).toBeGreaterThan(1);
    expect(step.flops / (2 * op.flops)).toBeLessThan(1.03);
  });

  it('grows about 20x per doubling of N_v with N_ρ = N_v/2, far from the 64x of N⁶', () => {
    const at = (nv: number) => caseWork({ kind: 'collision', backend: 'webgpu', nv, nx: 1 }).flops;
    for (const [a, b] of [
      [8, 16],
      [16, 32],
    ] as const) {
      const ratio = at(b) / at(a);
      expect(ratio).toBeGreaterThan(16);
      expect(ratio).toBeLessThan(24);
    }
  });
});

describe('cases', () => {
  it('--quick: the step at N_v = 8 (n_x 1, 16), the collision step at N_v = 16, the CPU at N_v = 8', () => {
    expect(benchCases(true)).toEqual([
      { kind: 'step', backend: 'webgpu', nv: 8, nx: 1 },
      { kind: 'step', backend: 'webgpu', nv: 8, nx: 16 },
      { kind: 'collision', backend: 'webgpu', nv: 16, nx: 1 },
      { kind: 'step', backend: 'cpu', nv: 8, nx: 1 },
    ]);
  });

  it('full: the step over N_v × n_x on the GPU, cheapest first, and the small CPU cases', () => {
    const cases = benchCases(false);
    const gpu = cases.filter((c) => c.backend === 'webgpu');
    expect(gpu).toHaveLength(9);
    expect(new Set(gpu.map((c) => `${c.nv}x${c.nx}`)).size).toBe(9);
    const work = gpu.map((c) => caseWork(c).flops);
    expect(work).toEqual([...work].sort((a, b) => a - b));
    expect(cases.filter((c) => c.backend === 'cpu')).toEqual([
      { kind: 'step', backend: 'cpu', nv: 8, nx: 1 },
      { kind: 'step', backend: 'cpu', nv: 8, nx: 16 },
    ]);
  });

  it('runs both species charged with collisions and field on, m_B = 2 m_A, γ = 0', () => {
    const config = benchConfig(16, 64);
    expect(config.species.map((s) => [s.mass, s.charge])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(config.collisions).toMatchObject({ enabled: true, gamma: 0 });
    expect(config.field.enabled).toBe(true);
    expect(benchConfig(8, 1).perturbation.mode).toBe(0); // a perturbation needs 2j < n_x
  });
});

describe('cost model', () => {
  it('skips a case whose warm-up and one repeat exceed the budget, and learns the slowest rate', () => {
    const model = new CostModel(100); // prior: 3 GFLOP/s
    const big: BenchCase = { kind: 'step', backend: 'webgpu', nv: 32, nx: 64 };
    const small: BenchCase = { kind: 'step', backend: 'webgpu', nv: 8, nx: 1 };
    expect(planCase(model, big, 5, 120_000)).toBeNull();
    const plan = planCase(model, small, 5, 120_000);
    expect(plan?.repeats).toBe(5);
    expect(plan!.projectedMs).toBeCloseTo(6 * model.perRepeatMs(small));
    // the step does not fit but its collision step alone does: that is measured instead
    const middle: BenchCase = { kind: 'step', backend: 'webgpu', nv: 16, nx: 1 };
    const budget = 3 * model.collisionMs(middle) * (1 + 1e-12); // (budget − warm-up)/repeat must not round below 2
    expect(planCase(model, middle, 5, budget)).toBeNull();
    expect(fitCase(model, middle, 5, budget)).toMatchObject({
      c: { ...middle, kind: 'collision' },
      repeats: 2,
    });
    expect(fitCase(model, middle, 5, model.collisionMs(middle))).toBeNull();
    model.observe('webgpu', 2);
    model.observe('webgpu', 5);
    expect(model.rate('webgpu')).toBe(2);
    expect(model.rate('cpu')).toBeGreaterThan(0);
  });
});

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

const physics = { massRatio: 2, gamma: 0 };

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
