/**
 * What a run allocates on the GPU, checked against the device's limits BEFORE anything is
 * allocated: a grid too large for the adapter is refused with the largest n_x that fits, not met
 * with an out-of-memory error or a lost device halfway through building the pipelines.
 *
 * Sizes per x-cell, with P = N_v³ points and both species (src/gpu/*.ts):
 *   state ×2 (ping-pong), CollisionOperator q and ν, CollisionStep M − F, M and Q(F): 2P f32 each
 *   (the order-2 collision step, which no run selects yet, adds Q(M): one more);
 *   CollisionOperator spectra: 2P complex f32 (the largest single buffer);
 *   the shifted grids, sphere sums, gain and loss are chunked under their own budget (collisionPlan.ts);
 *   the trapezoidal collision step (TrapezoidalCollisionStep.ts): its Krylov basis, one buffer of
 *   GPU_KRYLOV_MAX_ITERATIONS + 1 vectors of 2P f32 (the largest buffer from N_v = 8 on), and 14 vectors.
 */
import { InvalidParameterError } from '../physics/velocityGrid';

export interface GridSize {
  readonly nx: number;
  readonly nv: number;
  readonly collisions: boolean;
  /** Vectors in the trapezoidal step's Krylov basis (0 or absent: the exponential step). */
  readonly krylovVectors?: number;
}

export interface BufferLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

export interface MemoryPlan {
  /** The largest single storage buffer, bytes. */
  readonly largestBuffer: number;
  /** Everything that scales with n_x, bytes (the fixed-size chunks come on top). */
  readonly scaledBytes: number;
}

const F32 = 4;
const COMPLEX = 8;

/** The trapezoidal step's vectors besides its basis (TrapezoidalCollisionStep.v). */
const TRAPEZOIDAL_VECTORS = 13;

export function memoryPlan({ nx, nv, collisions, krylovVectors = 0 }: GridSize): MemoryPlan {
  const values = 2 * nx * nv ** 3;
  const stateBytes = 2 * values * F32;
  if (!collisions) return { largestBuffer: values * F32, scaledBytes: stateBytes };
  const basis = krylovVectors * values * F32;
  return {
    largestBuffer: Math.max(values * COMPLEX, basis),
    scaledBytes:
      stateBytes +
      5 * values * F32 +
      values * COMPLEX +
      (krylovVectors > 0 ? basis + TRAPEZOIDAL_VECTORS * values * F32 : 0),
  };
}

/** The per-buffer ceiling a device accepts (a binding must fit both limits). */
export function bufferCeiling(limits: BufferLimits): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/**
 * Throws InvalidParameterError naming grid.nx (with the largest n_x that fits at this N_v) or
 * grid.nv (when not even one cell fits) if a buffer would exceed the device's limits.
 */
export function checkGridFitsDevice(size: GridSize, limits: BufferLimits, adapter = 'this adapter'): void {
  const ceiling = bufferCeiling(limits);
  if (memoryPlan(size).largestBuffer <= ceiling) return;
  const perCell = memoryPlan({ ...size, nx: 1 }).largestBuffer;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  if (perCell > ceiling) {
    let nv = size.nv;
    while (nv > 8 && memoryPlan({ ...size, nx: 1, nv }).largestBuffer > ceiling) nv /= 2;
    throw new InvalidParameterError(
      'grid.nv',
      `nv ≤ ${nv} on ${adapter} (one x-cell at nv = ${size.nv} needs a ${mib(perCell)} buffer; the device binds at most ${mib(ceiling)})`,
      size.nv,
    );
  }
  const largest = Math.floor(ceiling / perCell);
  throw new InvalidParameterError(
    'grid.nx',
    `nx ≤ ${largest} at nv = ${size.nv} on ${adapter} (${size.krylovVectors ? "the trapezoidal collision step's Krylov basis" : 'the collision spectra'} need ${mib(memoryPlan(size).largestBuffer)} in one buffer; the device binds at most ${mib(ceiling)})`,
    size.nx,
  );
}
