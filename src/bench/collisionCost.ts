/**
 * Counted work of one CollisionOperator.record() (PHYSICS.md §4), for GFLOP/s and GB/s figures.
 * FFTs: 5 n log₂ n real operations per complex n-point transform (the customary count), n = N³.
 * Per pair, chunk and radial node: M inverse transforms (shifted pairs) and one forward (sphere
 * sum); per pair and chunk two inverse (gain, loss); plus the 2·cells forward transforms of F.
 * Element-wise kernels: the shifted-pair product (~40 FLOP per element and sphere point) and the
 * sphere sum (3 per point); the rest is small and not counted. Bytes: each FFT axis pass reads and
 * writes every value once (3 × 16 B per value); the shift writes 8 B and reads 16 B per element.
 */
export interface CollisionWork {
  readonly flops: number;
  readonly bytes: number;
  readonly transforms: number;
}

export function collisionWork(nv: number, cells: number, nRho: number, sphereCount: number): CollisionWork {
  const n = nv ** 3;
  const fftFlops = 5 * n * Math.log2(n);
  const transforms = 2 * cells + 4 * cells * (nRho * (sphereCount + 1) + 2);
  const elementwise = 4 * cells * nRho * n * sphereCount * (40 + 3);
  const fftBytes = transforms * 3 * 16 * n;
  const shiftBytes = 4 * cells * nRho * sphereCount * n * (8 + 16 + 8);
  return { flops: transforms * fftFlops + elementwise, bytes: fftBytes + shiftBytes, transforms };
}
