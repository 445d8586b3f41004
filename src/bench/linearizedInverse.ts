/**
 * The bench's L⁻¹ case (issue 17): one batched solve 𝓛h = g for every x-cell on the GPU
 * (GpuLinearizedOperator.inverse), with the time of one batched 𝓛 application beside it, so that the
 * record says what a solve costs in operator evaluations (the issue's target on a GPU: at most ~20).
 * The bench species (m_B = 2m_A, one thermal speed, γ = 0) with the cells' bi-Maxwellians varied
 * slightly; each source is 𝓛 of μ times a random quadratic polynomial, so it is smooth and ⊥ Ker L.
 */
import { GpuLinearizedOperator } from '../gpu/LinearizedOperator';
import { type MaxwellianState, maxwellianOnGrid } from '../physics/maxwellian';
import { seededRandom } from '../physics/random';
import { velocityGrid, velocityNodes } from '../physics/velocityGrid';
import { BENCH_GAMMA, BENCH_MASS_RATIO, benchVmax } from './cases';

export interface LinearizedInverseRecord {
  readonly case: string;
  readonly nv: number;
  readonly nx: number;
  /** GMRES steps of the slowest cell (all cells step together). */
  readonly gmres_steps: number;
  readonly ms_per_solve: number;
  readonly ms_per_cell: number;
  /** One batched 𝓛 (two collision-operator evaluations, all cells), read-back included. */
  readonly ms_per_operator_application: number;
  /** ms_per_solve / ms_per_operator_application: the solve's cost in 𝓛 applications. */
  readonly solve_in_applications: number;
  /** The largest relative residual ‖g − 𝓛h‖/‖g‖ over the cells, recomputed from 𝓛. */
  readonly residual: number;
}

function cellStates(c: number, cells: number): [MaxwellianState, MaxwellianState] {
  const phase = (2 * Math.PI * c) / cells;
  const drift: [number, number, number] = [0.05 * Math.sin(phase), 0, 0];
  const temperature = 1 + 0.05 * Math.cos(phase);
  return [
    { density: 1 + 0.05 * Math.cos(phase), mass: 1, temperature, drift },
    {
      density: 1 - 0.05 * Math.cos(phase),
      mass: BENCH_MASS_RATIO,
      temperature: temperature * BENCH_MASS_RATIO,
      drift,
    },
  ];
}

/** A solve is projected at this many 𝓛 applications (measured: 25 at N_v = 8 on SwiftShader). */
const PROJECTED_APPLICATIONS = 30;

/**
 * Times one batched L⁻¹ and one batched 𝓛 at N_v = nv for nx cells (a warm-up solve first), or
 * returns the projected time when a warm-up and a solve, at PROJECTED_APPLICATIONS applications
 * each, would exceed budgetMs (measured from one application first).
 */
export async function measureLinearizedInverse(
  device: GPUDevice,
  nv: number,
  nx: number,
  budgetMs = Number.POSITIVE_INFINITY,
): Promise<LinearizedInverseRecord | { readonly skipped: string; readonly projectedMs: number }> {
  const grid = velocityGrid(nv, benchVmax(nv));
  const species = [
    { mass: 1, diameter: 1 },
    { mass: BENCH_MASS_RATIO, diameter: 1 },
  ] as const;
  const op = await GpuLinearizedOperator.create(device, grid, nx, { species, gamma: BENCH_GAMMA });
  try {
    // one θ per cell for both species (the kernel of L): the bench's thermal speeds differ, so the
    // cells take θ of species A for both
    const states = Array.from({ length: nx }, (_, c) => {
      const [a, b] = cellStates(c, nx);
      return [a, { ...b, temperature: a.temperature }] as const;
    });
    op.setEquilibria(states);
    // μ times a random quadratic polynomial in v, per cell and species: smooth, like the sources
    // of the expansion (the transport coefficients' sources are μ times quadratics and cubics)
    const random = seededRandom(7);
    const points = grid.pointsPerCell;
    const v = velocityNodes(grid);
    const nvAxis = grid.nv;
    const field = new Float32Array(2 * nx * points);
    states.forEach((cell, c) => {
      cell.forEach((state, s) => {
        const mu = maxwellianOnGrid(grid, state);
        const k = Array.from({ length: 10 }, () => random() - 0.5);
        for (let i = 0; i < points; i++) {
          const [a, b, d] = [
            v[Math.floor(i / (nvAxis * nvAxis))]!,
            v[Math.floor(i / nvAxis) % nvAxis]!,
            v[i % nvAxis]!,
          ];
          const p =
            k[0]! +
            k[1]! * a +
            k[2]! * b +
            k[3]! * d +
            k[4]! * a * a +
            k[5]! * b * b +
            k[6]! * d * d +
            k[7]! * a * b +
            k[8]! * b * d +
            k[9]! * a * d;
          field[(s * nx + c) * points + i] = mu[i]! * p;
        }
      });
    });
    let started = performance.now();
    const source = await op.apply(field);
    const projectedMs = 2 * PROJECTED_APPLICATIONS * (performance.now() - started);
    if (projectedMs > budgetMs) {
      return { skipped: `webgpu linearized-inverse nv=${nv} nx=${nx}`, projectedMs };
    }
    await op.inverse(source); // warm-up: pipelines, ν
    started = performance.now();
    await op.apply(field);
    const application = performance.now() - started;
    started = performance.now();
    const solved = await op.inverse(source);
    const solve = performance.now() - started;
    return {
      case: `webgpu linearized-inverse nv=${nv} nx=${nx}`,
      nv,
      nx,
      gmres_steps: Math.max(...solved.iterations),
      ms_per_solve: solve,
      ms_per_cell: solve / nx,
      ms_per_operator_application: application,
      solve_in_applications: solve / application,
      residual: Math.max(...solved.residuals),
    };
  } finally {
    op.destroy();
  }
}
