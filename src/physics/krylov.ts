/**
 * GMRES (Saad & Schultz 1986; Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed.,
 * Alg. 9.5) with a diagonal right preconditioner, float64: the Krylov solve of the trapezoidal
 * collision step (collision/trapezoidalStep.ts, the twin of the GPU step's f32 GMRES) and of 𝓛⁻¹
 * (collision/linearized.ts, paper eq. 2.13). GMRES rather than conjugate gradients because neither
 * operator is exactly symmetric: the discrete 𝓛 is self-adjoint only to the spectral operator's
 * consistency error (≈ 1 %), enough to break CG's short recurrence but not GMRES's minimal residual.
 * Right preconditioning keeps the monitored residual the true one, b − A x.
 */
/**
 * Solve A x = b by GMRES with right preconditioner diag(precondition)⁻¹, from x = 0 (or `guess`),
 * to ‖b − Ax‖ ≤ tolerance · max(‖b‖, floor/tolerance).
 * Modified Gram–Schmidt, Givens rotations; no restart (the cap is small).
 */
export function gmres(
  apply: (x: Float64Array) => Float64Array,
  b: Float64Array,
  precondition: Float64Array,
  guess: Float64Array | null,
  tolerance: number,
  maxIterations: number,
  floor = 0,
): { x: Float64Array; iterations: number; residual: number } {
  const size = b.length;
  const norm = (u: Float64Array) => Math.sqrt(u.reduce((s, x) => s + x * x, 0));
  // below `floor` (the round-off of the data) a residual is zero: stop there even if b is tiny
  const bNorm = Math.max(norm(b), floor / tolerance);
  const x = guess ? Float64Array.from(guess) : new Float64Array(size);
  if (norm(b) === 0) return { x: new Float64Array(size), iterations: 0, residual: 0 };
  const ax = guess ? apply(x) : null;
  const r = ax ? b.map((bi, i) => bi - ax[i]!) : Float64Array.from(b);
  const beta = norm(r);
  if (beta <= tolerance * bNorm) return { x, iterations: 0, residual: beta / bNorm };
  const basis: Float64Array[] = [r.map((ri) => ri / beta)];
  const h: number[][] = [];
  const cs: number[] = [];
  const sn: number[] = [];
  const g = [beta];
  let k = 0;
  let residual = beta;
  while (k < maxIterations) {
    const z = basis[k]!.map((vi, i) => vi / precondition[i]!);
    const w = apply(z);
    const column: number[] = [];
    for (let j = 0; j <= k; j++) {
      const vj = basis[j]!;
      let dot = 0;
      for (let i = 0; i < size; i++) dot += w[i]! * vj[i]!;
      for (let i = 0; i < size; i++) w[i]! -= dot * vj[i]!;
      column.push(dot);
    }
    const wNorm = norm(w);
    column.push(wNorm);
    for (let j = 0; j < k; j++) {
      const t = cs[j]! * column[j]! + sn[j]! * column[j + 1]!;
      column[j + 1] = -sn[j]! * column[j]! + cs[j]! * column[j + 1]!;
      column[j] = t;
    }
    const rho = Math.hypot(column[k]!, column[k + 1]!);
    cs.push(column[k]! / rho);
    sn.push(column[k + 1]! / rho);
    column[k] = rho;
    column[k + 1] = 0;
    g.push(-sn[k]! * g[k]!);
    g[k] = cs[k]! * g[k]!;
    h.push(column);
    k++;
    residual = Math.abs(g[k]!);
    if (residual <= tolerance * bNorm || wNorm === 0) break;
    basis.push(w.map((wi) => wi / wNorm));
  }
  // back substitution: y = H⁻¹ g, x += P⁻¹ V y
  const y = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = g[i]!;
    for (let j = i + 1; j < k; j++) s -= h[j]![i]! * y[j]!;
    y[i] = s / h[i]![i]!;
  }
  for (let j = 0; j < k; j++) {
    const vj = basis[j]!;
    for (let i = 0; i < size; i++) x[i]! += (y[j]! * vj[i]!) / precondition[i]!;
  }
  return { x, iterations: k, residual: residual / bNorm };
}

export interface BatchedGmresResult {
  readonly solutions: Float64Array[];
  /** Krylov steps of each system. */
  readonly iterations: number[];
  /** The recurrence's relative residual ‖b − Ax‖/‖b‖ of each system. */
  readonly residuals: number[];
}

/**
 * GMRES on many independent systems A_c x_c = b_c at once (one per x-cell), with a diagonal right
 * preconditioner each: one call of `applyAll` per step applies every A_c (on the GPU, one batched
 * operator evaluation for all cells). The same algorithm as `gmres` (modified Gram–Schmidt, Givens
 * rotations, no restart), each system with its own Hessenberg matrix; a system that has converged
 * stops growing its basis and rides along with a zero vector until the last one is done.
 */
export async function gmresBatched(
  applyAll: (xs: readonly Float64Array[]) => Promise<Float64Array[]>,
  bs: readonly Float64Array[],
  preconditions: readonly Float64Array[],
  tolerance: number,
  maxIterations: number,
): Promise<BatchedGmresResult> {
  const count = bs.length;
  const norm = (u: Float64Array) => Math.sqrt(u.reduce((s, x) => s + x * x, 0));
  const bNorms = bs.map(norm);
  const basis: Float64Array[][] = bs.map((b, c) => [b.map((x) => (bNorms[c]! > 0 ? x / bNorms[c]! : 0))]);
  const hessenberg: number[][][] = bs.map(() => []);
  const cs: number[][] = bs.map(() => []);
  const sn: number[][] = bs.map(() => []);
  const g: number[][] = bNorms.map((b) => [b]);
  const steps = new Array<number>(count).fill(0);
  const residuals: number[] = bNorms.map((b) => (b > 0 ? 1 : 0));
  const active = bNorms.map((b) => b > 0);
  for (let k = 0; k < maxIterations && active.some(Boolean); k++) {
    const inputs = bs.map((b, c) =>
      active[c] ? basis[c]![k]!.map((v, i) => v / preconditions[c]![i]!) : new Float64Array(b.length),
    );
    const outputs = await applyAll(inputs);
    for (let c = 0; c < count; c++) {
      if (!active[c]) continue;
      const w = outputs[c]!;
      const column: number[] = [];
      for (let j = 0; j <= k; j++) {
        const vj = basis[c]![j]!;
        let dot = 0;
        for (let i = 0; i < w.length; i++) dot += w[i]! * vj[i]!;
        for (let i = 0; i < w.length; i++) w[i]! -= dot * vj[i]!;
        column.push(dot);
      }
      const wNorm = norm(w);
      column.push(wNorm);
      for (let j = 0; j < k; j++) {
        const t = cs[c]![j]! * column[j]! + sn[c]![j]! * column[j + 1]!;
        column[j + 1] = -sn[c]![j]! * column[j]! + cs[c]![j]! * column[j + 1]!;
        column[j] = t;
      }
      const rho = Math.hypot(column[k]!, column[k + 1]!);
      cs[c]!.push(column[k]! / rho);
      sn[c]!.push(column[k + 1]! / rho);
      column[k] = rho;
      column[k + 1] = 0;
      g[c]!.push(-sn[c]![k]! * g[c]![k]!);
      g[c]![k] = cs[c]![k]! * g[c]![k]!;
      hessenberg[c]!.push(column);
      steps[c] = k + 1;
      residuals[c] = Math.abs(g[c]![k + 1]!) / bNorms[c]!;
      if (residuals[c]! <= tolerance || !(wNorm > 0)) active[c] = false;
      else basis[c]!.push(w.map((x) => x / wNorm));
    }
  }
  const solutions = bs.map((b, c) => {
    const k = steps[c]!;
    const y = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = g[c]![i]!;
      for (let j = i + 1; j < k; j++) s -= hessenberg[c]![j]![i]! * y[j]!;
      y[i] = s / hessenberg[c]![i]![i]!;
    }
    const x = new Float64Array(b.length);
    for (let j = 0; j < k; j++) {
      const vj = basis[c]![j]!;
      for (let i = 0; i < x.length; i++) x[i]! += (y[j]! * vj[i]!) / preconditions[c]![i]!;
    }
    return x;
  });
  return { solutions, iterations: steps, residuals };
}
