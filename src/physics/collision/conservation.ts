/**
 * Exact discrete conservation for the two-species collision operator (PHYSICS.md §4,
 * "Conservation"): the constrained least-squares projection of Gamba & Tharkabhushanam (2009),
 *
 *     Q ← Q − Cᵀ (C Cᵀ)⁻¹ C Q,
 *
 * for Q = (Q_A, Q_B) ∈ ℝ^{2N_v³} of one x-cell and the 6 × 2N_v³ constraint matrix C whose rows are
 * the midpoint-rule (Δv³-weighted) integrals of PHYSICS.md §1's conserved quantities:
 *   n_A:  (1, 0),  n_B:  (0, 1),
 *   total momentum k = 1..3:  (m_A v_k, m_B v_k),
 *   total energy:  (m_A |v|²/2, m_B |v|²/2).
 * The result is the Euclidean-nearest Q with C Q = 0. The midpoint rule is the one of moments.ts,
 * so the projected operator conserves exactly the moments the diagnostics measure.
 */
import { type VelocityGrid, velocityNodes } from '../velocityGrid';

export const CONSTRAINT_COUNT = 6;
export const CONSTRAINT_NAMES = [
  'densityA',
  'densityB',
  'momentum1',
  'momentum2',
  'momentum3',
  'energy',
] as const;

/** Row d of C for species s at velocity (v1, v2, v3), without the Δv³ weight. */
function constraintRows(
  v1: number,
  v2: number,
  v3: number,
  mass: number,
  species: 0 | 1,
  out: Float64Array,
): void {
  out[0] = species === 0 ? 1 : 0;
  out[1] = species === 1 ? 1 : 0;
  out[2] = mass * v1;
  out[3] = mass * v2;
  out[4] = mass * v3;
  out[5] = 0.5 * mass * (v1 * v1 + v2 * v2 + v3 * v3);
}

/** C Q: the six discrete rates [ṅ_A, ṅ_B, ṗ1, ṗ2, ṗ3, Ẇ] (midpoint rule, Δv³ included). */
export function conservationResiduals(
  qA: ArrayLike<number>,
  qB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
): Float64Array {
  return applyConstraints(qA, qB, grid, massA, massB).cq;
}

/**
 * C Q together with Σ_i |C_di| |Q_i|, the scale against which a residual is "zero": a relative
 * residual |CQ|_d / scale_d near 1e−16 is round-off.
 */
export function applyConstraints(
  qA: ArrayLike<number>,
  qB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
): { cq: Float64Array; scale: Float64Array } {
  checkLengths(qA, qB, grid);
  const { nv, dv } = grid;
  const v = velocityNodes(grid);
  const cq = new Float64Array(CONSTRAINT_COUNT);
  const scale = new Float64Array(CONSTRAINT_COUNT);
  const row = new Float64Array(CONSTRAINT_COUNT);
  const w = dv * dv * dv;
  for (const [q, mass, s] of [
    [qA, massA, 0],
    [qB, massB, 1],
  ] as const) {
    for (let i1 = 0; i1 < nv; i1++) {
      for (let i2 = 0; i2 < nv; i2++) {
        for (let i3 = 0; i3 < nv; i3++) {
          const qi = q[(i1 * nv + i2) * nv + i3]!;
          constraintRows(v[i1]!, v[i2]!, v[i3]!, mass, s, row);
          for (let d = 0; d < CONSTRAINT_COUNT; d++) {
            cq[d]! += w * row[d]! * qi;
            scale[d]! += w * Math.abs(row[d]! * qi);
          }
        }
      }
    }
  }
  return { cq, scale };
}

function checkLengths(qA: ArrayLike<number>, qB: ArrayLike<number>, grid: VelocityGrid): void {
  if (qA.length !== grid.pointsPerCell || qB.length !== grid.pointsPerCell) {
    throw new RangeError(
      `conservationProjection: expected Q_A and Q_B of N_v³ = ${grid.pointsPerCell} values, ` +
        `got ${qA.length} and ${qB.length}`,
    );
  }
}

/** Solve the symmetric positive definite 6×6 system G x = b (Cholesky, float64). */
function solveSpd(G: Float64Array, b: Float64Array, n: number): Float64Array {
  const Lm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = G[i * n + j]!;
      for (let k = 0; k < j; k++) s -= Lm[i * n + k]! * Lm[j * n + k]!;
      if (i === j) {
        if (!(s > 0))
          throw new Error('conservationProjection: constraint Gram matrix is not positive definite');
        Lm[i * n + i] = Math.sqrt(s);
      } else {
        Lm[i * n + j] = s / Lm[j * n + j]!;
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= Lm[i * n + k]! * y[k]!;
    y[i] = s / Lm[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= Lm[k * n + i]! * x[k]!;
    x[i] = s / Lm[i * n + i]!;
  }
  return x;
}

/**
 * The Gram matrix of the constraint rows, Σ_i w_i row_d(v_i) row_e(v_i) over both species (w ≡ 1
 * when `weights` is null: the unweighted rows), scaled to unit diagonal: returns the scaled matrix
 * and the scale D (G0 = D⁻¹ G D⁻¹). A weight that is negative or NaN is refused.
 */
function scaledConstraintGram(
  grid: VelocityGrid,
  massA: number,
  massB: number,
  weights: readonly [ArrayLike<number>, ArrayLike<number>] | null = null,
): { gram: Float64Array; rowScale: Float64Array } {
  const { nv } = grid;
  const v = velocityNodes(grid);
  const n = CONSTRAINT_COUNT;
  const row = new Float64Array(n);
  // (the Δv³ weight is a common factor and drops out)
  const gram = new Float64Array(n * n);
  for (const [w, mass, s] of [
    [weights?.[0] ?? null, massA, 0],
    [weights?.[1] ?? null, massB, 1],
  ] as const) {
    for (let i1 = 0; i1 < nv; i1++) {
      for (let i2 = 0; i2 < nv; i2++) {
        for (let i3 = 0; i3 < nv; i3++) {
          const wi = w === null ? 1 : w[(i1 * nv + i2) * nv + i3]!;
          if (!(wi >= 0)) throw new RangeError(`weightedConservationProjection: weight ${wi} is not ≥ 0`);
          constraintRows(v[i1]!, v[i2]!, v[i3]!, mass, s, row);
          for (let a = 0; a < n; a++) for (let b = 0; b <= a; b++) gram[a * n + b]! += wi * row[a]! * row[b]!;
        }
      }
    }
  }
  const rowScale = new Float64Array(n);
  for (let a = 0; a < n; a++) rowScale[a] = 1 / Math.sqrt(gram[a * n + a]!);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b <= a; b++) {
      const g = gram[a * n + b]! * rowScale[a]! * rowScale[b]!;
      gram[a * n + b] = g;
      gram[b * n + a] = g;
    }
  }
  return { gram, rowScale };
}

/**
 * (C Cᵀ)⁻¹ for the Δv³-weighted C of this module (6 × 6, row-major, float64): what a GPU kernel
 * needs to apply Q ← Q − Cᵀ(CCᵀ)⁻¹CQ with C Q = Δv³ Σ row(v) Q(v) and Cᵀλ = Δv³ row(v)·λ.
 * Computed from the unit-diagonal scaled Gram matrix by Cholesky solves, then unscaled.
 */
export function conservationGramInverse(grid: VelocityGrid, massA: number, massB: number): Float64Array {
  const n = CONSTRAINT_COUNT;
  const { gram, rowScale } = scaledConstraintGram(grid, massA, massB);
  const w2 = grid.dv ** 6;
  const inverse = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const e = new Float64Array(n);
    e[j] = 1;
    const x = solveSpd(gram, e, n);
    for (let i = 0; i < n; i++) inverse[i * n + j] = (rowScale[i]! * x[i]! * rowScale[j]!) / w2;
  }
  // Symmetrise (the two triangles agree to rounding).
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (inverse[i * n + j]! + inverse[j * n + i]!);
      inverse[i * n + j] = m;
      inverse[j * n + i] = m;
    }
  }
  return inverse;
}

/**
 * The projected (Q_A, Q_B) for one x-cell: the nearest pair in the Euclidean norm whose discrete
 * n_A, n_B, total momentum and total energy rates are zero. New arrays; the inputs are unchanged.
 *
 * The rows of C are scaled to unit norm before forming C Cᵀ (the projection does not depend on the
 * row scaling, the conditioning does), and the projection is applied twice (one step of iterative
 * refinement), which brings the constraints to round-off of the Σ|C||Q| scale.
 */
export function conservationProjection(
  qA: ArrayLike<number>,
  qB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
): { qA: Float64Array; qB: Float64Array } {
  checkLengths(qA, qB, grid);
  const { gram, rowScale } = scaledConstraintGram(grid, massA, massB);
  return projectTwice(qA, qB, grid, massA, massB, gram, rowScale, null);
}

/**
 * The projection in the metric weighted by 1/w (w > 0 on the grid, [w_A, w_B]): the correction is
 * carried by w, Q ← Q − W Cᵀ (C W Cᵀ)⁻¹ C Q, W = diag(w). With w = the cell's bi-Maxwellian M the
 * correction lies along Mψ, the collision invariants times M (the kernel of the linearised operator,
 * PHYSICS.md §3), so it stays where M is; the unweighted projection corrects along the polynomials ψ
 * over the whole box. Applied twice (iterative refinement), as the unweighted one.
 */
export function weightedConservationProjection(
  qA: ArrayLike<number>,
  qB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
  weights: readonly [ArrayLike<number>, ArrayLike<number>],
): { qA: Float64Array; qB: Float64Array } {
  checkLengths(qA, qB, grid);
  checkLengths(weights[0], weights[1], grid);
  const { gram, rowScale } = scaledConstraintGram(grid, massA, massB, weights);
  return projectTwice(qA, qB, grid, massA, massB, gram, rowScale, weights);
}

/**
 * Q ← Q − W Cᵀ λ with (C W Cᵀ) λ = C Q (W = I when `weights` is null), from the unit-diagonal Gram
 * matrix and its row scale, applied twice (one step of iterative refinement).
 */
function projectTwice(
  qA: ArrayLike<number>,
  qB: ArrayLike<number>,
  grid: VelocityGrid,
  massA: number,
  massB: number,
  gram: Float64Array,
  rowScale: Float64Array,
  weights: readonly [ArrayLike<number>, ArrayLike<number>] | null,
): { qA: Float64Array; qB: Float64Array } {
  const { nv } = grid;
  const v = velocityNodes(grid);
  const n = CONSTRAINT_COUNT;
  const row = new Float64Array(n);
  const outA = Float64Array.from(qA);
  const outB = Float64Array.from(qB);
  for (let pass = 0; pass < 2; pass++) {
    // C Q with the scaled rows
    const cq = new Float64Array(n);
    for (const [q, mass, s] of [
      [outA, massA, 0],
      [outB, massB, 1],
    ] as const) {
      for (let i1 = 0; i1 < nv; i1++) {
        for (let i2 = 0; i2 < nv; i2++) {
          for (let i3 = 0; i3 < nv; i3++) {
            const qi = q[(i1 * nv + i2) * nv + i3]!;
            constraintRows(v[i1]!, v[i2]!, v[i3]!, mass, s, row);
            for (let d = 0; d < n; d++) cq[d]! += row[d]! * rowScale[d]! * qi;
          }
        }
      }
    }
    const lambda = solveSpd(gram, cq, n);
    for (let d = 0; d < n; d++) lambda[d]! *= rowScale[d]!;
    // Q ← Q − W Cᵀ λ
    for (const [q, w, mass, s] of [
      [outA, weights?.[0] ?? null, massA, 0],
      [outB, weights?.[1] ?? null, massB, 1],
    ] as const) {
      for (let i1 = 0; i1 < nv; i1++) {
        for (let i2 = 0; i2 < nv; i2++) {
          for (let i3 = 0; i3 < nv; i3++) {
            const k = (i1 * nv + i2) * nv + i3;
            constraintRows(v[i1]!, v[i2]!, v[i3]!, mass, s, row);
            let c = 0;
            for (let d = 0; d < n; d++) c += row[d]! * lambda[d]!;
            q[k]! -= (w === null ? 1 : w[k]!) * c;
          }
        }
      }
    }
  }
  return { qA: outA, qB: outB };
}
