/**
 * Counted work of the collision kernels, for the GFLOP/s and GB/s figures of `npm run bench`: the
 * operator's work model (src/physics/collision/work.ts) on the chunks and radial blocks the GPU
 * operator runs (src/gpu/collisionPlan.ts), and the collision step around it.
 *
 * The collision STEP (CollisionStep.record(), the well-balanced second-order exponential AP step)
 * evaluates the operator THREE times, Q(F), Q(M) and Q(F₁), and adds O(n) work per value of the
 * state (n = N_v³; estimated from the shaders, about 2 % of the total at N_v = 8 and less above):
 * four conservation projections (≈ 28 FLOP, 12 B each), two q copies (8 B each), the discrete
 * bi-Maxwellian by 3 Newton iterations (≈ 420 FLOP, 16 B), the equilibrium state (1 FLOP, 12 B),
 * the predictor (≈ 18 FLOP, 28 B) and the corrector (≈ 20 FLOP, 28 B).
 */
import { paddedCells, radialBlockCount } from '../gpu/collisionPlan';
import { type CollisionWork, operatorWork } from '../physics/collision/work';

export type { CollisionWork };

export interface CollisionSize {
  readonly nv: number;
  readonly cells: number;
  readonly nRho: number;
  readonly sphereCount: number;
  /** Cells per chunk of the batched shifted grids (default: all cells in one chunk). */
  readonly chunkCells?: number;
  /** The ±e symmetry of the sphere rule (default true, as CollisionOperator runs). */
  readonly sphereSymmetry?: boolean;
  /**
   * Radial nodes per block of a pass over the full rule (M points) and over its antipodal half
   * (M/2; AA and BB with the symmetry). Default: all N_ρ nodes in one block.
   */
  readonly radialBlock?: { readonly full: number; readonly half: number };
  /** The shifted grids' i3 and i2 passes as one plane pass (default false, as on software adapters). */
  readonly planePass?: boolean;
}

/** The collision step's O(n) kernels, per value of the state (module comment). */
const STEP_EXTRA_FLOPS = 4 * 28 + 420 + 1 + 18 + 20;
const STEP_EXTRA_BYTES = 4 * 12 + 2 * 8 + 16 + 12 + 28 + 28;
/** Operator evaluations per collision step: Q(F), Q(M), Q(F₁). */
export const OPERATOR_EVALUATIONS_PER_STEP = 3;

/** Work of ONE evaluation of the four Q^{αβ} for every cell (CollisionOperator.record()). */
export function collisionOperatorWork(size: CollisionSize): CollisionWork {
  const { nRho, radialBlock } = size;
  return operatorWork({
    nv: size.nv,
    cells: size.cells,
    nRho,
    sphereCount: size.sphereCount,
    paddedCells: paddedCells(size.cells, size.chunkCells),
    sphereSymmetry: size.sphereSymmetry ?? true,
    radialBlocks: {
      full: radialBlockCount(nRho, radialBlock?.full),
      half: radialBlockCount(nRho, radialBlock?.half),
    },
    planePass: size.planePass ?? false,
  });
}

/** Work of ONE collision step (CollisionStep.record()): three operator evaluations plus O(n) kernels. */
export function collisionStepWork(size: CollisionSize): CollisionWork {
  const operator = collisionOperatorWork(size);
  const values = 2 * size.cells * size.nv ** 3;
  const k = OPERATOR_EVALUATIONS_PER_STEP;
  return {
    flops: k * operator.flops + values * STEP_EXTRA_FLOPS,
    bytes: k * operator.bytes + values * STEP_EXTRA_BYTES,
    transforms: k * operator.transforms,
  };
}
