/**
 * Quadrature rules for the fast spectral collision operator (PHYSICS.md §4): Gauss–Jacobi rules
 * for the radial integral ∫_0^R ρ^{γ+2} (…) dρ (the weight ρ^{γ+2} is singular at 0 for γ < −2 and
 * non-polynomial for non-integer γ, so Gauss–Legendre converges slowly: "for γ < 0 the radial
 * weight ρ^{γ+2} wants Gauss–Jacobi quadrature") and a product rule on the unit sphere S².
 *
 * Gauss–Jacobi nodes and weights come from the Golub–Welsch eigenvalue problem of the Jacobi
 * matrix (implicit QL on the symmetric tridiagonal matrix, first eigenvector components only),
 * then each node is polished by Newton steps on the orthonormal Jacobi polynomial p_n and each
 * weight is recomputed from the Christoffel function λ(x) = 1 / Σ_{k<n} p_k(x)², which is
 * accurate to a few ulps even where the eigenvector components are tiny.
 */
import { InvalidParameterError } from './velocityGrid';

export interface QuadratureRule {
  /** Nodes, ascending. */
  readonly nodes: Float64Array;
  /** Weights, one per node. */
  readonly weights: Float64Array;
}

// Lanczos approximation (g = 7, 9 terms): relative error ≈ 1e−15 for real x > 0.
const LANCZOS_G = 7;
const LANCZOS_C = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Γ(x) for real x (reflection formula below ½). */
export function gammaFunction(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x));
  const z = x - 1;
  let a = LANCZOS_C[0]!;
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS_C.length; i++) a += LANCZOS_C[i]! / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}

/**
 * Recurrence coefficients of the monic Jacobi polynomials for (1−x)^α (1+x)^β:
 * p_{k+1} = (x − a_k) p_k − b_k p_{k−1}; a has n entries, b has n + 1 (b[0] unused = μ0).
 */
function jacobiRecurrence(n: number, alpha: number, beta: number): { a: Float64Array; b: Float64Array } {
  const a = new Float64Array(n);
  const b = new Float64Array(n + 1);
  const ab = alpha + beta;
  a[0] = (beta - alpha) / (ab + 2);
  b[0] = (2 ** (ab + 1) * gammaFunction(alpha + 1) * gammaFunction(beta + 1)) / gammaFunction(ab + 2);
  for (let k = 1; k < n; k++) {
    const s = 2 * k + ab;
    a[k] = (beta * beta - alpha * alpha) / (s * (s + 2));
  }
  if (n >= 1) b[1] = (4 * (1 + alpha) * (1 + beta)) / ((2 + ab) ** 2 * (3 + ab));
  for (let k = 2; k <= n; k++) {
    const s = 2 * k + ab;
    b[k] = (4 * k * (k + alpha) * (k + beta) * (k + ab)) / (s * s * (s + 1) * (s - 1));
  }
  return { a, b };
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal d, off-diagonal e[0..n−2]) and the
 * first component of each normalised eigenvector (implicit QL with Wilkinson shifts).
 * d is overwritten by the eigenvalues; returns the first components.
 */
function tridiagonalEigen(d: Float64Array, offDiagonal: Float64Array): Float64Array {
  const n = d.length;
  const e = new Float64Array(n);
  e.set(offDiagonal.subarray(0, n - 1));
  const z = new Float64Array(n);
  z[0] = 1;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 100) throw new Error('tridiagonalEigen: QL iteration did not converge');
        let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let deflated = false;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i]!;
          const bb = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1]! -= p;
            e[m] = 0;
            deflated = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1]! - p;
          r = (d[i]! - g) * s + 2 * c * bb;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - bb;
          const zf = z[i + 1]!;
          z[i + 1] = s * z[i]! + c * zf;
          z[i] = c * z[i]! - s * zf;
        }
        if (deflated) continue;
        d[l]! -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return z;
}

/**
 * Orthonormal Jacobi polynomials at x: returns p_n(x), p_n'(x) and Σ_{k<n} p_k(x)² for the
 * weight normalised so that ∫ p_0² w = 1 (p_0 = 1/√μ0).
 */
function orthonormalJacobi(
  x: number,
  n: number,
  a: Float64Array,
  sqrtB: Float64Array,
): { p: number; dp: number; christoffelSum: number } {
  let pPrev = 0;
  let dpPrev = 0;
  let p = 1 / sqrtB[0]!;
  let dp = 0;
  let sum = p * p;
  for (let k = 0; k < n; k++) {
    const pNext = ((x - a[k]!) * p - (k > 0 ? sqrtB[k]! * pPrev : 0)) / sqrtB[k + 1]!;
    const dpNext = (p + (x - a[k]!) * dp - (k > 0 ? sqrtB[k]! * dpPrev : 0)) / sqrtB[k + 1]!;
    pPrev = p;
    dpPrev = dp;
    p = pNext;
    dp = dpNext;
    if (k < n - 1) sum += p * p;
  }
  return { p, dp, christoffelSum: sum };
}

/**
 * n-point Gauss–Jacobi rule: Σ_j w_j h(x_j) ≈ ∫_{−1}^{1} (1−x)^α (1+x)^β h(x) dx, exact for
 * polynomials h of degree ≤ 2n − 1. α, β > −1.
 */
export function gaussJacobi(n: number, alpha: number, beta: number): QuadratureRule {
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new InvalidParameterError('quadrature.n', 'an integer from 1 to 1000', n);
  }
  if (!(alpha > -1) || !Number.isFinite(alpha)) {
    throw new InvalidParameterError('quadrature.alpha', 'a finite number > −1', alpha);
  }
  if (!(beta > -1) || !Number.isFinite(beta)) {
    throw new InvalidParameterError('quadrature.beta', 'a finite number > −1', beta);
  }
  const { a, b } = jacobiRecurrence(n, alpha, beta);
  const sqrtB = b.map(Math.sqrt);
  const d = Float64Array.from(a);
  const z = tridiagonalEigen(d, sqrtB.subarray(1, n));
  const order = Array.from(d.keys()).sort((i, j) => d[i]! - d[j]!);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let x = d[order[j]!]!;
    // Newton polish on p_n (the QL nodes are already within a few ulps; two steps suffice).
    for (let it = 0; it < 3; it++) {
      const { p, dp } = orthonormalJacobi(x, n, a, sqrtB);
      const dx = p / dp;
      if (!Number.isFinite(dx)) break;
      x -= dx;
      if (Math.abs(dx) <= 2 * Number.EPSILON * Math.max(1, Math.abs(x))) break;
    }
    nodes[j] = x;
    weights[j] = 1 / orthonormalJacobi(x, n, a, sqrtB).christoffelSum;
  }
  // Guard: the Christoffel weights must agree with the eigenvector weights μ0 z² to rounding.
  for (let j = 0; j < n; j++) {
    const wEig = b[0]! * z[order[j]!]! ** 2;
    if (!(Math.abs(wEig - weights[j]!) <= 1e-8 * b[0]!)) {
      throw new Error(`gaussJacobi(${n}, ${alpha}, ${beta}): inconsistent weight at node ${j}`);
    }
  }
  return { nodes, weights };
}

/** n-point Gauss–Legendre rule on [−1, 1] (weight 1), exact for degree ≤ 2n − 1. */
export function gaussLegendre(n: number): QuadratureRule {
  return gaussJacobi(n, 0, 0);
}

/**
 * Radial rule for the collision integral: nodes ρ_r ∈ (0, R) and weights w_r with
 *
 *     Σ_r w_r g(ρ_r) ≈ ∫_0^R ρ^{γ+2} g(ρ) dρ.
 *
 * THE WEIGHT ρ^{γ+2} IS INCLUDED IN w_r (Gauss–Jacobi with α = 0, β = γ + 2 after ρ = R(1+x)/2,
 * so w_r = (R/2)^{γ+3} W_r^{GJ}). Exact when g is a polynomial of degree ≤ 2 nRho − 1; valid for
 * every γ ∈ (−3, 1] (β ∈ (−1, 3]).
 */
export function radialQuadrature(nRho: number, truncation: number, gamma: number): QuadratureRule {
  if (!(gamma > -3 && gamma <= 1)) {
    throw new InvalidParameterError('collision.gamma', 'a number in (−3, 1]', gamma);
  }
  if (!(truncation > 0) || !Number.isFinite(truncation)) {
    throw new InvalidParameterError('collision.truncation', 'a finite number > 0', truncation);
  }
  const rule = gaussJacobi(nRho, 0, gamma + 2);
  const half = truncation / 2;
  const scale = half ** (gamma + 3);
  return {
    nodes: rule.nodes.map((x) => half * (1 + x)),
    weights: rule.weights.map((w) => scale * w),
  };
}

export interface SphereRule {
  /** Unit vectors e_p, packed [e1, e2, e3] per point (length 3M). */
  readonly points: Float64Array;
  /** Weights w_p, summing to 4π. */
  readonly weights: Float64Array;
  /** M = nTheta · nPhi. */
  readonly count: number;
  /** Total degree of spherical polynomials integrated exactly: min(2 nTheta − 1, nPhi − 1). */
  readonly degree: number;
}

/**
 * Product rule on S²: Gauss–Legendre in cosθ (nTheta nodes) × the trapezoidal rule in φ at
 * φ_j = (j + ½) 2π/nPhi. Weights w_p = W_i^{GL} · 2π/nPhi sum to 4π.
 *
 * Degree of exactness: a monomial e1^a e2^b e3^c of total degree d = a+b+c contains azimuthal
 * frequencies |m| ≤ a + b ≤ d, integrated exactly by the φ rule when |m| ≤ nPhi − 1, and (when
 * the φ integral is non-zero, i.e. a + b even) a polynomial of degree ≤ d in cosθ, exact when
 * d ≤ 2 nTheta − 1. So every spherical polynomial of degree ≤ min(2 nTheta − 1, nPhi − 1) is
 * integrated exactly.
 *
 * Symmetry e → −e: nPhi must be even. Then the point (cosθ_i, φ_j) has its antipode
 * (cosθ_{nTheta−1−i}, φ_{j + nPhi/2}) = (−cosθ_i, φ_j + π) in the rule with the same weight (the
 * Gauss–Legendre nodes are symmetric about 0), so the points come in ±e pairs and every odd
 * spherical polynomial is integrated to exactly zero.
 */
export function sphereQuadrature(nTheta: number, nPhi: number): SphereRule {
  if (!Number.isInteger(nTheta) || nTheta < 1 || nTheta > 64) {
    throw new InvalidParameterError('quadrature.nTheta', 'an integer from 1 to 64', nTheta);
  }
  if (!Number.isInteger(nPhi) || nPhi < 2 || nPhi > 128 || nPhi % 2 !== 0) {
    throw new InvalidParameterError('quadrature.nPhi', 'an even integer from 2 to 128 (±e symmetry)', nPhi);
  }
  const gl = gaussLegendre(nTheta);
  const count = nTheta * nPhi;
  const points = new Float64Array(3 * count);
  const weights = new Float64Array(count);
  const dphi = (2 * Math.PI) / nPhi;
  let p = 0;
  for (let i = 0; i < nTheta; i++) {
    const ct = gl.nodes[i]!;
    const st = Math.sqrt(Math.max(0, 1 - ct * ct));
    for (let j = 0; j < nPhi; j++) {
      const phi = (j + 0.5) * dphi;
      points[3 * p] = st * Math.cos(phi);
      points[3 * p + 1] = st * Math.sin(phi);
      points[3 * p + 2] = ct;
      weights[p] = gl.weights[i]! * dphi;
      p++;
    }
  }
  return { points, weights, count, degree: Math.min(2 * nTheta - 1, nPhi - 1) };
}
