/**
 * The cases of `npm run bench` and the a-priori estimate of their cost (to skip, not to fake, what
 * does not fit the per-case budget). Pure: no GPU, no I/O (tested in tests/unit/bench/cases.test.ts).
 *
 * Every case is the "default demo" kind of run: both species charged, collisions and field on,
 * m_B = 2 m_A with equal thermal speeds (θ_B = 2 θ_A), Maxwell molecules γ = 0, ε = 0.1, a density
 * perturbation; the default quadrature (N_ρ = N_v/2, 4 × 8 sphere points). The velocity box is
 * explicit rather than the alias-free choice of velocityBox.ts, which refuses N_v = 8 for this pair:
 * L = 8 from N_v = 16 on, where the operator meets the 1 % exchange-rate target (measured 0.48 % at
 * N_v = 16, 0.36 % at 32), and L = 5 at N_v = 8, the only box that resolves the pair there (25 %
 * off: no N_v = 8 box meets it). The kernels' work does not depend on L, so times stay comparable
 * with the records made at L = 5 everywhere; each record carries its grid's exchange-rate error.
 */

import { defaultSpectralQuadrature } from '../physics/collision/spectral';
import type { ResolvedConfig } from '../physics/config';
import { DEFAULT_REMAINDER } from '../physics/config';
import { velocityGrid } from '../physics/velocityGrid';
import { type CollisionWork, collisionStepWork } from './collisionCost';
import type { Backend, BenchCase } from './record';
import { repeatsWithinBudget } from './stats';

export type { BenchCase };

export const BENCH_MASS_RATIO = 2;
export const BENCH_GAMMA = 0;
/** The case's box (module comment). */
export function benchVmax(nv: number): number {
  return nv >= 16 ? 8 : 5;
}
const BENCH_DT = 0.01;
const BENCH_KNUDSEN = 0.1;

export function caseName(c: BenchCase): string {
  return `${c.backend} ${c.kind} nv=${c.nv} nx=${c.nx}`;
}

/**
 * --quick (under 2 minutes on the 2-core SwiftShader machine when idle): the full step at N_v = 8
 * for n_x = 1 and 16, the collision step alone at N_v = 16 (for the per-cell scaling 16 / 8), and
 * the CPU backend at N_v = 8, n_x = 1. Full: the step over N_v ∈ {8, 16, 32} × n_x ∈ {1, 16, 64} on
 * the GPU and N_v = 8, n_x ∈ {1, 16} on the CPU.
 */
export function benchCases(quick: boolean): BenchCase[] {
  const step = (backend: Backend, nv: number, nx: number): BenchCase => ({ kind: 'step', backend, nv, nx });
  if (quick) {
    return [
      step('webgpu', 8, 1),
      step('webgpu', 8, 16),
      { kind: 'collision', backend: 'webgpu', nv: 16, nx: 1 },
      step('cpu', 8, 1),
    ];
  }
  const gpu = [8, 16, 32].flatMap((nv) => [1, 16, 64].map((nx) => step('webgpu', nv, nx)));
  // cheapest first, so that each estimate is calibrated by the measurements before it
  gpu.sort((a, b) => caseWork(a).flops - caseWork(b).flops);
  return [...gpu, step('cpu', 8, 1), step('cpu', 8, 16)];
}

/** The run configuration of a case (module comment). */
export function benchConfig(nv: number, nx: number): ResolvedConfig {
  const species = (name: string, mass: number) => ({
    name,
    mass,
    charge: 1,
    diameter: 1,
    density: 1,
    temperature: mass, // the same thermal speed √(θ/m) = 1 for both
    drift: [0, 0, 0] as const,
  });
  return {
    species: [species('A', 1), species('B', BENCH_MASS_RATIO)],
    collisions: { enabled: true, gamma: BENCH_GAMMA, knudsen: BENCH_KNUDSEN },
    field: { enabled: true },
    grid: { nx, length: 4 * Math.PI, nv, vmax: benchVmax(nv) },
    perturbation:
      nx > 2 ? { kind: 'density', amplitude: 0.01, mode: 1 } : { kind: 'density', amplitude: 0, mode: 0 },
    time: { dt: BENCH_DT, tEnd: 100 * BENCH_DT, outputEvery: 1 },
    remainder: DEFAULT_REMAINDER,
  };
}

/** The default quadrature of a case's grid. */
export function caseQuadrature(nv: number): { nRho: number; sphereCount: number } {
  const q = defaultSpectralQuadrature(velocityGrid(nv, benchVmax(nv)));
  return { nRho: q.nRho, sphereCount: q.nTheta * q.nPhi };
}

/** Counted work of one collision step of the case (no chunking: the estimate's lower bound). */
export function caseWork(c: BenchCase): CollisionWork {
  return collisionStepWork({ nv: c.nv, cells: c.nx, ...caseQuadrature(c.nv) });
}

/**
 * Effective collision-step rates (counted GFLOP/s) used to predict a case before running it:
 * from the roofline at first (software adapters reach a few % of FMA peak on this operator, see
 * BENCHMARKS.md), then the slowest rate measured so far on that backend (conservative: the rate
 * falls with N_v on SwiftShader).
 */
export class CostModel {
  private readonly measured = new Map<Backend, number>();

  constructor(
    private readonly gpuPeakGflops: number,
    /** Guess for the float64 twins in JavaScript before any CPU case ran (≈ 1 measured at N_v = 8). */
    private readonly cpuGuessGflops = 0.3,
  ) {}

  /** Assumed fraction of FMA peak before a measurement: 3 % (the low end seen on SwiftShader). */
  static readonly PRIOR_FRACTION = 0.03;

  rate(backend: Backend): number {
    return (
      this.measured.get(backend) ??
      (backend === 'webgpu' ? CostModel.PRIOR_FRACTION * this.gpuPeakGflops : this.cpuGuessGflops)
    );
  }

  observe(backend: Backend, gflops: number): void {
    if (!(gflops > 0)) return;
    this.measured.set(backend, Math.min(gflops, this.measured.get(backend) ?? Number.POSITIVE_INFINITY));
  }

  /** Predicted ms of one collision step of the case. */
  collisionMs(c: BenchCase): number {
    return caseWork(c).flops / (this.rate(c.backend) * 1e6);
  }

  /**
   * Predicted ms of one timed repeat, which is also the warm-up's: a step case runs one whole step
   * (taken as 1.25 collision steps), the collision step, and the small parts (transport, Poisson,
   * remainder; taken together as 0.25 of a collision step); a collision case one collision step.
   */
  perRepeatMs(c: BenchCase): number {
    const collision = this.collisionMs(c);
    return c.kind === 'collision' ? collision : 2.5 * collision;
  }
}

/** The repeats of `c` that fit `budgetMs` after the warm-up, and the projected time; null: skip. */
export function planCase(
  model: CostModel,
  c: BenchCase,
  wanted: number,
  budgetMs: number,
): { repeats: number; projectedMs: number } | null {
  const perRepeat = model.perRepeatMs(c);
  const repeats = repeatsWithinBudget(perRepeat, perRepeat, wanted, budgetMs);
  return repeats === null ? null : { repeats, projectedMs: (1 + repeats) * perRepeat };
}

/** The case to run within the budget, or null (skip): a step that does not fit falls back to its collision step. */
export function fitCase(
  model: CostModel,
  c: BenchCase,
  wanted: number,
  budgetMs: number,
): { c: BenchCase; repeats: number; projectedMs: number } | null {
  const plan = planCase(model, c, wanted, budgetMs);
  if (plan) return { c, ...plan };
  if (c.kind !== 'step') return null;
  const alone: BenchCase = { ...c, kind: 'collision' };
  const fallback = planCase(model, alone, wanted, budgetMs);
  return fallback ? { c: alone, ...fallback } : null;
}
