// The bench's case lists and the cost model's skip decision (src/bench/cases.ts).
import { describe, expect, it } from 'vitest';
import {
  type BenchCase,
  benchCases,
  benchConfig,
  CostModel,
  caseWork,
  fitCase,
  planCase,
} from '../../../src/bench/cases';
import { exchangeRateAccuracy, exchangeRateError } from '../../../src/physics/collision/gridAccuracy';

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

describe('the cases time grids whose accuracy they state', () => {
  it('N_v = 16 and 32 meet the 1 % exchange-rate target against exact theory; N_v = 8 cannot', () => {
    for (const nv of [16, 32]) {
      const c = benchConfig(nv, 1);
      expect(exchangeRateError(exchangeRateAccuracy(c, c.grid.vmax)!)).toBeLessThan(0.01);
    }
    const coarse = benchConfig(8, 1);
    expect(exchangeRateError(exchangeRateAccuracy(coarse, coarse.grid.vmax)!)).toBeGreaterThan(0.1);
  }, 120_000);
});
