/**
 * The linearised two-species collision operator L of the paper (eq. 2.10), its kernel projection P
 * (2.11–2.12) and its inverse on (Ker L)^⊥ (2.13), in float64 on ONE x-cell (issue 17; the GPU twin
 * is still to come). transportCoefficients.ts builds the mixture's transport coefficients on it.
 *
 * Around a local bi-Maxwellian μ = (μ^A, μ^B) with one drift u and one temperature θ (PHYSICS.md §1)
 * the paper writes F^α = μ^α + √μ^α f^α and
 *     (Lf)^α = −μ_α^{−1/2} Σ_β [Q^{αβ}(μ^α, √μ^β f^β) + Q^{αβ}(√μ^α f^α, μ^β)].
 * Here the same operator acts on the perturbation h = √μ f itself:
 *     (𝓛h)^α = −Σ_β [Q^{αβ}(μ^α, h^β) + Q^{αβ}(h^α, μ^β)],   L f = μ^{−1/2} 𝓛(μ^{1/2} f),
 * because dividing the discrete operator by √μ amplifies its consistency error without bound in the
 * tails. Every statement about L carries over: ⟨f, Lg⟩ = ⟨h, 𝓛k⟩_{1/μ} (⟨a, b⟩_{1/μ} = Σ_α Σ_v a b/μ^α)
 * with h = √μ f, k = √μ g, so L is self-adjoint and non-negative exactly when 𝓛 is in ⟨·,·⟩_{1/μ}.
 * Each Q^{αβ}(a, b) is the run's own spectral operator (spectral.ts), evaluated by polarisation
 * (apply below). In h-variables Ker 𝓛 = span{μ ψ} for the six collision invariants ψ (1_A, 1_B,
 * m_α v_i, m_α|v|²/2), and P is the ⟨·,·⟩_{1/μ}-orthogonal projection onto it:
 * P h = Σ_d c_d μψ_d with Σ_e (Σ_v μ ψ_d ψ_e) c_e = Σ_v ψ_d h, no division. (I − P)h = 0 means the
 * perturbation carries no mass, momentum or energy, as in the paper.
 *
 * The discrete operator is 𝓛 = (I − P) χ L̃ χ (I − P), L̃ the spectral bilinear sum above and χ the
 * indicator of the support ball |v − u_α| ≤ R (R the kernel truncation of the tables):
 * - (I − P) on the right makes 𝓛(Ker) = 0 exactly, not only to the spectral consistency error
 *   (without it 𝓛(μψ) was 0.3–3 % of the operator's size, N_v = 16, L = 6); (I − P) on the left keeps
 *   the range ⊥ the invariants (Σ_v ψ 𝓛h = 0) with a correction along μψ, as L's range is. The
 *   run's conservation projection (conservation.ts) corrects along the unweighted ψ instead, which
 *   is right for Q(F, F) but puts polynomial tails into 𝓛h. Both factors are ⟨·,·⟩_{1/μ}-symmetric,
 *   so 𝓛 is as self-adjoint as L̃ (measured 1.0 % / 0.04 % at γ = 0 / 1, N_v = 16, L = 6).
 * - χ: the truncated kernel |q| ≤ R sees all of μ only for |v − u| well inside R; in the box corners
 *   (|v| up to √3 L) the discrete loss frequency ν falls to 1e−7 of its bulk value, 𝓛 has modes of
 *   eigenvalue ≈ 0 there, and a Krylov solve fills them with noise that the moments c_i c_j h weight
 *   by |v|⁴ (measured: η 26 % off). On the ball ν stays within a factor ≈ 2 of its bulk value and
 *   μ < e^{−R²/2θ} outside it, so nothing physical is lost.
 */
import { fft3d } from '../fft';
import { gmres } from '../krylov';
import { type MaxwellianState, maxwellianOnGrid, solveLinear } from '../maxwellian';
import { InvalidParameterError, type VelocityGrid, velocityNodes } from '../velocityGrid';
import { type MixtureTables, mixtureCollisionOperators, realSpectrum, type SpectralTables } from './spectral';

export interface LinearizedOperator {
  /** Values per species on the grid (N_v³); vectors are [A; B], 2·points long. */
  readonly points: number;
  /** μ^A, μ^B on the grid. */
  readonly mu: readonly [Float64Array, Float64Array];
  /** 1 on the support ball of each species, 0 outside ([A; B]); 𝓛 acts on and into it. */
  readonly support: Float64Array;
  /** 𝓛 h (module comment) for a perturbation h = √μ f. */
  apply(h: Float64Array): Float64Array;
  /** P h: the projection onto Ker 𝓛 = span{μ ψ} (module comment). */
  kernelProjection(h: Float64Array): Float64Array;
  /** The six invariant moments Σ_v ψ_d h (zero ⟺ P h = 0). */
  invariantMoments(h: Float64Array): Float64Array;
  /** The six kernel vectors μ^α ψ_α, [A; B] each. */
  readonly kernel: readonly Float64Array[];
  /** The six invariants ψ_α on the grid, [A; B] each. */
  readonly invariants: readonly Float64Array[];
  /**
   * The loss frequency ν^α(v) = Σ_β (μ^β ∗ Φ_{αβ})(v) of the discrete operator ([A; B]): 𝓛 = ν − K
   * with K compact, so 1/ν is the preconditioner of 𝓛⁻¹.
   */
  readonly lossFrequency: Float64Array;
}

/**
 * The kernel side of 𝓛 for one cell (module comment), shared with the GPU operator's host side
 * (gpu/LinearizedOperator.ts): μ^A, μ^B on the grid, the support χ (the ball |v − u_α| ≤ R), the six
 * invariants ψ_d, the kernel vectors χμψ_d and their Gram matrix G_de = Σ_v ψ_d χ μ ψ_e (row-major).
 */
export function linearizedKernel(
  states: readonly [MaxwellianState, MaxwellianState],
  grid: VelocityGrid,
  supportRadius: number,
) {
  if (!(supportRadius > 0)) {
    throw new InvalidParameterError('linearised operator support radius', 'a number > 0', supportRadius);
  }
  const n = grid.pointsPerCell;
  const mu = states.map((s) => maxwellianOnGrid(grid, s)) as [Float64Array, Float64Array];
  const masses = [states[0].mass, states[1].mass] as const;

  const v = velocityNodes(grid);
  const nv = grid.nv;
  const invariants: Float64Array[] = [];
  for (let d = 0; d < 6; d++) invariants.push(new Float64Array(2 * n));
  for (let s = 0; s < 2; s++) {
    const m = masses[s]!;
    for (let i1 = 0; i1 < nv; i1++) {
      for (let i2 = 0; i2 < nv; i2++) {
        for (let i3 = 0; i3 < nv; i3++) {
          const i = s * n + (i1 * nv + i2) * nv + i3;
          const [v1, v2, v3] = [v[i1]!, v[i2]!, v[i3]!];
          invariants[s]![i] = 1; // the number of species s
          invariants[2]![i] = m * v1;
          invariants[3]![i] = m * v2;
          invariants[4]![i] = m * v3;
          invariants[5]![i] = 0.5 * m * (v1 * v1 + v2 * v2 + v3 * v3);
        }
      }
    }
  }
  const support = new Float64Array(2 * n);
  for (let s = 0; s < 2; s++) {
    const u = states[s]!.drift;
    for (let i1 = 0; i1 < nv; i1++)
      for (let i2 = 0; i2 < nv; i2++)
        for (let i3 = 0; i3 < nv; i3++) {
          const r = Math.hypot(v[i1]! - u[0], v[i2]! - u[1], v[i3]! - u[2]);
          support[s * n + (i1 * nv + i2) * nv + i3] = r <= supportRadius ? 1 : 0;
        }
  }
  const weight = new Float64Array(2 * n);
  weight.set(mu[0], 0);
  weight.set(mu[1], n);
  for (let i = 0; i < 2 * n; i++) weight[i]! *= support[i]!;
  const kernel = invariants.map((psi) => psi.map((x, i) => x * weight[i]!));
  const gram = new Float64Array(36);
  for (let d = 0; d < 6; d++)
    for (let e = 0; e < 6; e++) gram[6 * d + e] = dotProduct(invariants[d]!, kernel[e]!);
  return { mu, support, weight, invariants, kernel, gram };
}

function dotProduct(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** The six invariant moments Σ_v ψ_d h (zero ⟺ P h = 0). */
export function invariantMoments(invariants: readonly Float64Array[], h: Float64Array): Float64Array {
  return Float64Array.from(invariants, (psi) => dotProduct(psi, h));
}

/**
 * P h = Σ_d c_d weight ψ_d with Σ_e G_de c_e = Σ_v ψ_d h (module comment; weight = χμ, G the Gram
 * matrix of linearizedKernel). The kernel vectors are formed on the fly, so a caller holding many
 * cells keeps one set of invariants and a weight per cell.
 */
export function kernelProjection(
  invariants: readonly Float64Array[],
  weight: Float64Array,
  gram: Float64Array,
  h: Float64Array,
): Float64Array {
  const c = solveLinear(gram, invariantMoments(invariants, h), 6);
  const out = new Float64Array(h.length);
  for (let d = 0; d < 6; d++) {
    const psi = invariants[d]!;
    for (let i = 0; i < out.length; i++) out[i]! += c[d]! * (psi[i]! * weight[i]!);
  }
  return out;
}

/**
 * Throws SolvabilityError when g carries an invariant moment above `tolerance` of its own scale
 * Σ_v |ψ_d g| (paper eq. 2.13's solvability condition); `where` is added to the component's name.
 */
export function refuseKernelComponent(
  invariants: readonly Float64Array[],
  g: Float64Array,
  tolerance: number,
  where = '',
): void {
  const moments = invariantMoments(invariants, g);
  invariants.forEach((psi, d) => {
    let scale = 0;
    for (let i = 0; i < g.length; i++) scale += Math.abs(psi[i]! * g[i]!);
    const size = scale > 0 ? Math.abs(moments[d]!) / scale : 0;
    if (size > tolerance) throw new SolvabilityError(`${INVARIANT_NAMES[d]}${where}`, size);
  });
}

/**
 * 𝓛 at the bi-Maxwellian of `states` (Ker 𝓛 is the six invariants only when both share one drift
 * and one temperature; not enforced, since the derivative elsewhere is also well defined), with the
 * run's spectral tables, on the support ball of radius `supportRadius` (default: the truncation R).
 */
export function linearizedOperator(
  states: readonly [MaxwellianState, MaxwellianState],
  tables: MixtureTables,
  supportRadius: number = tables.AA.truncation,
): LinearizedOperator {
  const grid = tables.AA.grid;
  const n = grid.pointsPerCell;
  const { mu, support, weight, invariants, kernel, gram } = linearizedKernel(states, grid, supportRadius);
  const project = (h: Float64Array) => kernelProjection(invariants, weight, gram, h);

  let muMax = 0;
  for (const m of mu) for (const x of m) muMax = Math.max(muMax, x);
  const complement = (h: Float64Array) => {
    const ph = project(h);
    return h.map((x, i) => x - ph[i]!);
  };
  const apply = (h: Float64Array): Float64Array => {
    const input = complement(h.map((x, i) => x * support[i]!));
    // Polarisation: each Q^{αβ} is bilinear, so Q(μ + s h) − Q(μ − s h) = 2s [Q(μ, h) + Q(h, μ)] for
    // all four pairs at once, in two mixture evaluations that share sphere sums (Q^{αα}'s half rule,
    // Q^{BA}'s sums from Q^{AB}): half the work of the eight products. s scales s h to the size of μ
    // so that the difference loses no digits.
    let hMax = 0;
    for (const x of input) hMax = Math.max(hMax, Math.abs(x));
    const out = new Float64Array(2 * n);
    if (!(hMax > 0)) return out;
    const s = muMax / hMax;
    const plusA = new Float64Array(n);
    const plusB = new Float64Array(n);
    const minusA = new Float64Array(n);
    const minusB = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      plusA[i] = mu[0][i]! + s * input[i]!;
      minusA[i] = mu[0][i]! - s * input[i]!;
      plusB[i] = mu[1][i]! + s * input[n + i]!;
      minusB[i] = mu[1][i]! - s * input[n + i]!;
    }
    const plus = mixtureCollisionOperators(plusA, plusB, tables);
    const minus = mixtureCollisionOperators(minusA, minusB, tables);
    const c = -1 / (2 * s);
    for (let i = 0; i < n; i++) {
      out[i] = c * (plus.qA[i]! - minus.qA[i]!);
      out[n + i] = c * (plus.qB[i]! - minus.qB[i]!);
    }
    for (let i = 0; i < 2 * n; i++) out[i]! *= support[i]!;
    return complement(out);
  };

  const lossFrequency = new Float64Array(2 * n);
  for (const a of [0, 1]) {
    for (const b of [0, 1]) {
      const nu = convolveWithLossKernel(mu[b]!, [tables.AA, tables.AB, tables.BA, tables.BB][2 * a + b]!);
      for (let i = 0; i < n; i++) lossFrequency[a * n + i]! += nu[i]!;
    }
  }

  return {
    points: n,
    mu,
    support,
    apply,
    kernelProjection: project,
    invariantMoments: (h: Float64Array) => invariantMoments(invariants, h),
    kernel,
    invariants,
    lossFrequency,
  };
}

/** g ∗ Φ on the grid, the loss term's convolution (spectral.ts: Q⁻ = f · IFFT(Φ̂ ĝ)). */
function convolveWithLossKernel(g: Float64Array, tables: SpectralTables): Float64Array {
  const { re, im } = realSpectrum(g, tables.grid.nv);
  for (let i = 0; i < re.length; i++) {
    re[i]! *= tables.lossKernel[i]!;
    im[i]! *= tables.lossKernel[i]!;
  }
  fft3d(re, im, tables.grid.nv, true);
  return re;
}

/** A source g of 𝓛⁻¹ that is not ⊥ Ker L (paper eq. 2.13's solvability condition). */
export class SolvabilityError extends Error {
  constructor(
    readonly component: string,
    readonly relativeSize: number,
  ) {
    super(
      `L⁻¹: the source carries ${component} (${relativeSize.toExponential(2)} of its own scale); ` +
        'L is invertible only on the complement of its kernel (paper eq. 2.13): remove the mass, momentum ' +
        'and energy of the source first',
    );
    this.name = 'SolvabilityError';
  }
}

/** The Krylov solve of 𝓛⁻¹ did not reach its tolerance. */
export class ConvergenceError extends Error {
  constructor(
    readonly iterations: number,
    readonly residual: number,
    readonly tolerance: number,
  ) {
    super(
      `L⁻¹: GMRES reached a relative residual of ${residual.toExponential(2)} after ${iterations} ` +
        `iterations, above the tolerance ${tolerance.toExponential(1)}: the discrete operator is too ` +
        'inaccurate on this grid (try a larger velocity box) or the iteration cap is too low',
    );
    this.name = 'ConvergenceError';
  }
}

export interface InverseOptions {
  /** Relative residual ‖g − 𝓛h‖/‖g‖ to reach; default 1e−8. */
  readonly tolerance?: number;
  /** Krylov steps at most; default 100. */
  readonly maxIterations?: number;
  /**
   * Invariant moments of g above this fraction of their scale Σ_v |ψ_d g| are refused
   * (SolvabilityError); default 1e−9 (round-off of a source built ⊥ Ker, not a physical one).
   */
  readonly solvabilityTolerance?: number;
}

export interface InverseResult {
  /** h = 𝓛⁻¹ g, with P h = 0. */
  readonly solution: Float64Array;
  readonly iterations: number;
  /** ‖g − 𝓛h‖₂/‖g‖₂ (support-restricted g), recomputed from 𝓛, not the recurrence's estimate. */
  readonly residual: number;
}

/** The six collision invariants ψ_d in order, as an error message names them. */
export const INVARIANT_NAMES = [
  'density of species A',
  'density of species B',
  'momentum along v1',
  'momentum along v2',
  'momentum along v3',
  'energy',
];

/**
 * h = 𝓛⁻¹ g on (Ker 𝓛)^⊥ (paper eq. 2.13), for g with no mass, momentum or energy. GMRES on
 * 𝓛 + P (invertible on the whole space; for g ⊥ the invariants its solution has P h = 0, because
 * the range of 𝓛 carries no invariant moment), right-preconditioned by 1/ν (𝓛 = ν − K: the
 * preconditioned operator is the identity plus a compact part, so the iteration count does not grow
 * with N_v). Throws SolvabilityError for a source with a kernel component and ConvergenceError when
 * the tolerance is not met within the cap.
 */
export function linearizedInverse(
  L: LinearizedOperator,
  g: Float64Array,
  options: InverseOptions = {},
): InverseResult {
  const tolerance = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 100;
  const solvability = options.solvabilityTolerance ?? 1e-9;
  if (g.length !== 2 * L.points || !g.every(Number.isFinite)) {
    throw new RangeError(`L⁻¹: the source must be ${2 * L.points} finite values ([A; B] on the grid)`);
  }
  // 𝓛 acts on its support ball: the source outside it (tails of μ below e^{−R²/2θ}) is dropped
  const source = g.map((x, i) => x * L.support[i]!);
  refuseKernelComponent(L.invariants, source, solvability);
  // 𝓛 + P + (1 − support): invertible on the whole grid; the last term keeps the outside at 0
  const augmented = (x: Float64Array) => {
    const lx = L.apply(x);
    const px = L.kernelProjection(x);
    for (let i = 0; i < lx.length; i++) lx[i]! += px[i]! + (1 - L.support[i]!) * x[i]!;
    return lx;
  };
  // the diagonal right preconditioner ν (𝓛 = ν − K), floored where the truncated ν is small; 1 outside
  let nuMax = 0;
  for (const x of L.lossFrequency) nuMax = Math.max(nuMax, x);
  const nu = L.lossFrequency.map((x, i) => (L.support[i]! > 0 ? Math.max(x, 1e-3 * nuMax) : 1));
  const result = gmres(augmented, source, nu, null, tolerance, maxIterations);
  // the recurrence's residual, checked against the operator itself
  const back = augmented(result.x);
  let rr = 0;
  let bb = 0;
  for (let i = 0; i < source.length; i++) {
    rr += (source[i]! - back[i]!) ** 2;
    bb += source[i]! ** 2;
  }
  const residual = bb > 0 ? Math.sqrt(rr / bb) : 0;
  if (!(result.residual <= tolerance && residual <= 10 * tolerance)) {
    throw new ConvergenceError(result.iterations, Math.max(result.residual, residual), tolerance);
  }
  const kernelPart = L.kernelProjection(result.x);
  const solution = result.x.map((x, i) => x - kernelPart[i]!);
  return { solution, iterations: result.iterations, residual };
}
