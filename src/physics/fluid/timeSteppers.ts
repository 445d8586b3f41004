/**
 * Explicit Runge–Kutta steps for the semi-discrete fluid dU/dt = L(U): Shu–Osher SSP-RK3 for the
 * finite-volume scheme (a convex combination of forward-Euler steps, so it keeps the MUSCL scheme's
 * TVD property) and classical RK4 for the pseudo-spectral one. Both advance U in place.
 */

/** L(U) into out; out has the length of U. */
export type Rhs = (u: Float64Array, out: Float64Array) => void;

/** Scratch arrays of the length of U, owned by the caller and reused from step to step. */
export interface StageArrays {
  readonly stage: Float64Array;
  readonly work: Float64Array;
  readonly rhs: Float64Array;
}

export function stageArrays(size: number): StageArrays {
  return { stage: new Float64Array(size), work: new Float64Array(size), rhs: new Float64Array(size) };
}

/** One Shu–Osher SSP-RK3 step of size h: third order, three evaluations of L. */
export function stepSspRk3(u: Float64Array, h: number, rhsOf: Rhs, arrays: StageArrays): void {
  const { stage, work, rhs } = arrays;
  const size = u.length;
  rhsOf(u, rhs);
  for (let q = 0; q < size; q++) stage[q] = u[q]! + h * rhs[q]!;
  rhsOf(stage, rhs);
  for (let q = 0; q < size; q++) work[q] = 0.75 * u[q]! + 0.25 * (stage[q]! + h * rhs[q]!);
  rhsOf(work, rhs);
  for (let q = 0; q < size; q++) u[q] = u[q]! / 3 + (2 / 3) * (work[q]! + h * rhs[q]!);
}

/** One classical RK4 step of size h: fourth order, four evaluations of L. */
export function stepRk4(u: Float64Array, h: number, rhsOf: Rhs, arrays: StageArrays): void {
  const { stage, work, rhs } = arrays;
  const size = u.length;
  const weights = [h / 6, h / 3, h / 3, h / 6];
  const nextStage = [h / 2, h / 2, h];
  work.set(u);
  rhsOf(u, rhs);
  for (let s = 0; s < 4; s++) {
    if (s > 0) rhsOf(stage, rhs);
    const w = weights[s]!;
    for (let q = 0; q < size; q++) work[q]! += w * rhs[q]!;
    if (s < 3) {
      const a = nextStage[s]!;
      for (let q = 0; q < size; q++) stage[q] = u[q]! + a * rhs[q]!;
    }
  }
  u.set(work);
}
