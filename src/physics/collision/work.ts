/**
 * Counted work (FLOPs, bytes, transforms) of one evaluation of the four Q^{αβ} by the spectral
 * method as the GPU kernels run it (src/gpu/CollisionOperator.ts and its shaders): the measure of
 * cost that the accuracy settings (accuracy.ts) and the bench's GFLOP/s and GB/s figures
 * (src/bench/collisionCost.ts, which takes the chunk and block counts from src/gpu/collisionPlan.ts)
 * share. Counted from what the kernels do, not measured by hardware counters. n = N_v³ values per
 * grid, M sphere points, N_ρ radial nodes; "cells" are x-cells, each holding one grid per species.
 *
 * FFTs: 5 n log₂ n real operations per complex n-point transform (the customary count); every one
 * of the 3 axis passes of src/shaders/fft.wgsl reads and writes each value once, 3 × 16 B per value
 * (twiddles come from a small table and are not counted).
 *
 * Per evaluation:
 *   spectrum      2·cells·n          0 FLOP, 4 B read + 8 B written
 *   forward FFT   2·cells grids
 *   per sphere-sum pass, per padded cell of a chunk, per radial node, with M_s sphere points (the
 *   nodes run in blocks, which changes the dispatches, not the work, except for the gain slot's
 *   read-modify-write once per block):
 *     inverse FFT M_s grids, the shift fused into its first pass and the sphere sum into its last
 *                 (collisionGainFused.wgsl): per value 38 FLOP of shift (2·3 phase products, 2
 *                 spectrum products, 2 adds) and 3 of sphere sum; 16 B read (f̂, ĝ) + 8 B written
 *                 by the first pass, 16 B by the middle one, 8 B read by the last: 48 B; with the
 *                 plane pass (the i3 and i2 passes as one, through workgroup memory) the middle
 *                 round trip goes: 32 B; phase tables not counted
 *     sphere sum  n elements         8 B written (h)
 *     forward FFT 1 grid
 *     radial      n elements         4 FLOP and 8 B read (h) per node, once per pair it feeds; the
 *                 species' gain slot read + written (16 B) once per block and pair
 *   The passes: with the ±e symmetry (antipodalHalf in spectral.ts) AA and BB with M_s = M/2 and
 *   AB with M_s = M feeding both AB and BA (3 passes, 2M sphere points, 4 radial multipliers);
 *   without it one pass per pair with M_s = M (4 passes, 4M points).
 *   per species, per padded cell (both pairs of a species share one gain and one loss spectrum):
 *     loss spectrum (two Φ̂ products and a sum, 6 FLOP; 16 B read + 8 B written), inverse FFTs of
 *     the gain and the loss spectra (4 grids per cell in all), combine (2 FLOP; 28 B: gain, loss
 *     and state read, q and ν written)
 * "Padded": the last chunk of cells runs whole; the kernels zero the cells past the end, and that
 * work is done, so it is counted.
 */

export interface CollisionWork {
  readonly flops: number;
  readonly bytes: number;
  /** Complex 3D transforms of N_v³ values. */
  readonly transforms: number;
}

export interface OperatorWorkShape {
  readonly nv: number;
  readonly cells: number;
  readonly nRho: number;
  readonly sphereCount: number;
  /** Cells the pair loops run over, whole chunks (default: cells, one chunk). */
  readonly paddedCells?: number;
  /** The ±e symmetry of the sphere rule (default true, as the GPU operator runs). */
  readonly sphereSymmetry?: boolean;
  /**
   * Blocks of radial nodes of a pass over the full rule (M points) and over its antipodal half
   * (M/2; AA and BB with the symmetry). Default: one block each.
   */
  readonly radialBlocks?: { readonly full: number; readonly half: number };
  /** The shifted grids' i3 and i2 passes as one plane pass (default false, as on software adapters). */
  readonly planePass?: boolean;
}

const FFT_BYTES_PER_VALUE = 3 * 16;
const SHIFT_FLOPS = 38;
const SPHERE_FLOPS_PER_POINT = 3;
/** Bytes per value of a shifted grid through the fused inverse transform (module comment). */
const SHIFTED_TRANSFORM_BYTES = 16 + 8 + 16 + 8;
const SHIFTED_PLANE_BYTES = 16 + 8 + 8;
const SPHERE_BYTES_WRITTEN = 8;
const RADIAL_FLOPS = 4;
const RADIAL_BYTES_PER_NODE = 8;
const RADIAL_BYTES_PER_BLOCK = 16;
const LOSS_FLOPS = 6;
const LOSS_BYTES = 24;
const COMBINE_FLOPS = 2;
const COMBINE_BYTES = 28;
/** Inverse transforms per padded cell after the sphere sums: G_A, G_B, L_A, L_B. */
const TAIL_TRANSFORMS = 4;
const SPECTRUM_BYTES = 12;

function fftFlops(n: number): number {
  return 5 * n * Math.log2(n);
}

/** Work of ONE evaluation of the four Q^{αβ} for every cell. */
export function operatorWork(shape: OperatorWorkShape): CollisionWork {
  const { nv, cells, nRho, sphereCount: m } = shape;
  const n = nv ** 3;
  const padded = shape.paddedCells ?? cells;
  const symmetric = shape.sphereSymmetry ?? true;
  // sphere-sum passes: their sphere points in all, and their count (module comment)
  const passPoints = symmetric ? 2 * m : 4 * m;
  const passes = symmetric ? 3 : 4;
  const perCell = nRho * (passPoints + passes) + TAIL_TRANSFORMS; // transforms per padded cell
  const transforms = 2 * cells + padded * perCell;
  const nodeElements = padded * nRho * n; // (cell, node, value)
  const speciesElements = 2 * padded * n; // (species, cell, value)
  // gain slots read + written: per block, per pair fed (AB's pass feeds BA too)
  const full = shape.radialBlocks?.full ?? 1;
  const fedBlocks = symmetric ? 2 * (shape.radialBlocks?.half ?? 1) + 2 * full : 4 * full;
  const elementwiseFlops =
    nodeElements * (passPoints * (SHIFT_FLOPS + SPHERE_FLOPS_PER_POINT) + 4 * RADIAL_FLOPS) +
    speciesElements * (LOSS_FLOPS + COMBINE_FLOPS);
  const shiftedGrids = padded * nRho * passPoints;
  const elementwiseBytes =
    2 * cells * n * SPECTRUM_BYTES +
    nodeElements * (passes * SPHERE_BYTES_WRITTEN + 4 * RADIAL_BYTES_PER_NODE) +
    padded * n * fedBlocks * RADIAL_BYTES_PER_BLOCK +
    speciesElements * (LOSS_BYTES + COMBINE_BYTES);
  return {
    flops: transforms * fftFlops(n) + elementwiseFlops,
    bytes:
      (transforms - shiftedGrids) * n * FFT_BYTES_PER_VALUE +
      shiftedGrids * n * (shape.planePass ? SHIFTED_PLANE_BYTES : SHIFTED_TRANSFORM_BYTES) +
      elementwiseBytes,
    transforms,
  };
}
