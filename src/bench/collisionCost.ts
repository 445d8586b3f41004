/**
 * Counted work of the collision kernels, for the GFLOP/s and GB/s figures of `npm run bench`: the
 * operator's work model (src/physics/collision/work.ts) on the chunks and radial blocks the GPU
 * operator runs (src/gpu/collisionPlan.ts), and the collision step around it.
 *
 * The collision STEP (CollisionStep.record(), the well-balanced exponential AP step) evaluates the
 * operator TWICE, Q(F) and Q(M), at order 1 (the default) and three times at order 2 (also Q(F₁)),
 * and adds O(n) work per value of the state (n = N_v³; estimated from the shaders, about 2 % of the
 * total at N_v = 8 and less above): three conservation projections (≈ 28 FLOP, 12 B each; a fourth
 * at order 2), the q copy (8 B; two at order 2), the discrete bi-Maxwellian by 3 Newton iterations
 * (≈ 420 FLOP, 16 B), the equilibrium state (1 FLOP, 12 B) and the update (≈ 18 FLOP, 20 B; at
 * order 2 a predictor of that cost and a corrector of ≈ 20 FLOP, 28 B).
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
/** Per collision-step order: operator evaluations (Q(F), Q(M)[, Q(F₁)]) and the O(n) work per value. */
const STEP_SHAPE = {
  1: { evaluations: 2, flops: 3 * 28 + 420 + 1 + 18, bytes: 3 * 12 + 8 + 16 + 12 + 20 },
  2: { evaluations: 3, flops: 4 * 28 + 420 + 1 + 18 + 20, bytes: 4 * 12 + 2 * 8 + 16 + 12 + 28 + 28 },
} as const;

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

/** Work of ONE collision step (CollisionStep.record()): 2 (order 1) or 3 operator evaluations plus O(n) kernels. */
export function collisionStepWork(size: CollisionSize, order: 1 | 2 = 1): CollisionWork {
  const operator = collisionOperatorWork(size);
  const values = 2 * size.cells * size.nv ** 3;
  const shape = STEP_SHAPE[order];
  return {
    flops: shape.evaluations * operator.flops + values * shape.flops,
    bytes: shape.evaluations * operator.bytes + values * shape.bytes,
    transforms: shape.evaluations * operator.transforms,
  };
}
