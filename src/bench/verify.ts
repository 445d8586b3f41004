/**
 * The benchmark's correctness gate: before anything is timed, the GPU collision operator, in the
 * layout the adapter runs (whole lines or not, the plane pass or not), is evaluated on random
 * positive cells and compared with its float64 twin (mixtureCollisionOperators, lossFrequencies),
 * so that the kernels are known to compile and agree on the hardware being measured. A kernel
 * that disagrees is not worth timing: bench stops with the errors.
 *
 * The error is the largest |GPU − twin| over the cells, relative to the largest gain or loss term
 * of the twin (what f32 round-off is relative to; Q itself nearly cancels), as in
 * tests/gpu/gpu/CollisionOperator.test.ts. NaN or ±∞ anywhere gives an infinite error.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { CollisionOperator } from '../gpu/CollisionOperator';
import { lossFrequencies } from '../physics/collision/collisionStep';
import { mixtureCollisionOperators } from '../physics/collision/spectral';
import type { ResolvedConfig } from '../physics/config';
import { maxwellianOnGrid } from '../physics/maxwellian';
import { seededRandom } from '../physics/random';
import { type VelocityGrid, velocityGrid } from '../physics/velocityGrid';
import { collisionSetup } from './measure';

/**
 * Largest agreement error accepted: 5× the bound the GPU tests hold SwiftShader to (2e−5), room
 * for another driver's f32 rounding (fused multiply-adds), far below a wrong factor or sign.
 */
export const AGREEMENT_BOUND = 1e-4;

export interface CollisionAgreement {
  readonly nv: number;
  readonly cells: number;
  /** Largest error of Q_A, Q_B (module comment). */
  readonly q: number;
  /** Largest error of ν_A, ν_B, relative to the largest ν. */
  readonly nu: number;
  readonly planePass: boolean;
}

/** max_i |actual_i − expected_i| / scale; ∞ if any value is not finite or the scale is not positive. */
export function scaledMaxError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: number,
): number {
  if (actual.length !== expected.length) throw new RangeError(`length ${actual.length} ≠ ${expected.length}`);
  if (!(scale > 0 && Number.isFinite(scale))) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(e)) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, Math.abs(a - e) / scale);
  }
  return worst;
}

/**
 * Positive test data, [species][cell][N³] f32: per cell a Maxwellian with random density,
 * temperature and drift, times a random factor in [0.8, 1.2] per point (not smooth, so every
 * mode of the spectra is exercised).
 */
export function randomPositiveState(
  grid: VelocityGrid,
  masses: readonly [number, number],
  cells: number,
  random: () => number,
): Float32Array {
  const points = grid.pointsPerCell;
  const state = new Float32Array(2 * cells * points);
  for (let s = 0; s < 2; s++) {
    for (let c = 0; c < cells; c++) {
      const f = maxwellianOnGrid(grid, {
        density: 0.5 + random(),
        mass: masses[s]!,
        temperature: 0.6 + random(),
        drift: [random() - 0.5, random() - 0.5, random() - 0.5],
      });
      state.set(
        f.map((x) => x * (0.8 + 0.4 * random())),
        (s * cells + c) * points,
      );
    }
  }
  return state;
}

/** max |a_i| without spreading N_v³ values into one call (64³ overflows the stack). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * The GPU operator of `config` (its species, γ, velocity grid; the default quadrature, as the
 * bench's step runs) against the twin on `cells` random cells (seeded: the same data every run).
 */
export async function verifyCollisionOperator(
  device: GPUDevice,
  config: ResolvedConfig,
  cells: number,
): Promise<CollisionAgreement> {
  const { nv, vmax } = config.grid;
  const grid = velocityGrid(nv, vmax);
  const setup = collisionSetup(config);
  const { species } = setup;
  const points = grid.pointsPerCell;
  const state = randomPositiveState(grid, [species[0].mass, species[1].mass], cells, seededRandom(nv));
  const operator = await CollisionOperator.create(device, grid, cells, setup);
  const input = createStorageBuffer(device, 'verify.state', state);
  try {
    const encoder = device.createCommandEncoder();
    operator.record(encoder, input);
    device.queue.submit([encoder.finish()]);
    const q = await readFloat32(device, operator.q);
    const nu = await readFloat32(device, operator.frequency);
    let qError = 0;
    let nuError = 0;
    const cell = (a: Float32Array | Float64Array, s: number, c: number) =>
      a.subarray((s * cells + c) * points, (s * cells + c + 1) * points);
    for (let c = 0; c < cells; c++) {
      const fA = cell(state, 0, c);
      const fB = cell(state, 1, c);
      const ref = mixtureCollisionOperators(fA, fB, operator.tables);
      const freq = lossFrequencies(fA, fB, operator.tables);
      const scale = Math.max(
        ...[ref.AA, ref.AB, ref.BA, ref.BB].flatMap((t) => [maxAbs(t.gain), maxAbs(t.loss)]),
      );
      const nuScale = Math.max(maxAbs(freq.nuA), maxAbs(freq.nuB));
      qError = Math.max(
        qError,
        scaledMaxError(cell(q, 0, c), ref.qA, scale),
        scaledMaxError(cell(q, 1, c), ref.qB, scale),
      );
      nuError = Math.max(
        nuError,
        scaledMaxError(cell(nu, 0, c), freq.nuA, nuScale),
        scaledMaxError(cell(nu, 1, c), freq.nuB, nuScale),
      );
    }
    return { nv, cells, q: qError, nu: nuError, planePass: operator.planePass };
  } finally {
    input.destroy();
    operator.destroy();
  }
}

/** Whether an agreement passes AGREEMENT_BOUND (NaN never does). */
export function agrees(a: CollisionAgreement): boolean {
  return a.q <= AGREEMENT_BOUND && a.nu <= AGREEMENT_BOUND;
}
