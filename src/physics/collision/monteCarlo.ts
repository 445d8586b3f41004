/**
 * Monte Carlo evaluation of the unequal-mass Boltzmann operator straight from its definition in
 * PHYSICS.md §1, as an independent check of the spectral method (spectral.ts): it shares no formula
 * with it (no Fourier transforms, no quadrature, no shifted grid functions).
 *
 *   Q^{αβ}(f, g)(v) = ∫_{ℝ³} ∫_{S²} π d_{αβ}² |q|^γ b0 [ f(v') g(v*') − f(v) g(v*) ] dσ dv*,
 *   q = v − v*,  V = (m_α v + m_β v*)/(m_α+m_β),
 *   v' = V + m_β/(m_α+m_β) |q| σ,  v*' = V − m_α/(m_α+m_β) |q| σ,  b0 = 1/(4π).
 *
 * Estimator: v* ~ N(μ_imp, s² I) (importance density p), σ uniform on S² (density 1/(4π)), and
 *   X = 4π π d² b0 |q|^γ [ f(v')g(v*') − f(v)g(v*) ] / p(v*),   E[X] = Q(v).
 * Gain and loss use the same samples (their difference has a much smaller variance than either).
 * For γ < 0 the variance is finite only for γ > −3/2 (|q|^{2γ} must be integrable near q = 0).
 */
import { seededRandom } from '../random';

export type Vector3 = readonly [number, number, number];

/** A distribution given as an analytic function of the velocity. */
export type VelocityDensity = (v1: number, v2: number, v3: number) => number;

export interface MonteCarloPair {
  readonly massAlpha: number;
  readonly massBeta: number;
  /** d_{αβ} = (d_α + d_β)/2. */
  readonly diameter: number;
  /** γ ∈ (−3/2, 1] for a finite variance. */
  readonly gamma: number;
}

export interface MonteCarloOptions {
  /** Number of (v*, σ) samples. */
  readonly samples: number;
  /** PRNG seed (mulberry32, src/physics/random.ts). */
  readonly seed: number;
  /** Mean of the Gaussian importance density of v*. */
  readonly importanceMean: Vector3;
  /** Standard deviation (per axis) of the importance density; wider than g, and than f(v')g(v*'). */
  readonly importanceStd: number;
  /** Optional kernel truncation |q| ≤ R (the spectral method's R); default: none. */
  readonly truncation?: number;
}

export interface MonteCarloEstimate {
  /** Estimate of Q^{αβ}(f, g)(v). */
  readonly q: number;
  /** Its standard error (sample standard deviation / √samples). */
  readonly standardError: number;
  /** Estimate of the gain term Q^{αβ,+}(v) (same samples). */
  readonly gain: number;
  readonly gainStandardError: number;
  /** Estimate of the loss term Q^{αβ,−}(v). */
  readonly loss: number;
}

/** Q^{αβ}(f, g)(v) by Monte Carlo over (v*, σ). */
export function collisionMonteCarlo(
  f: VelocityDensity,
  g: VelocityDensity,
  v: Vector3,
  pair: MonteCarloPair,
  options: MonteCarloOptions,
): MonteCarloEstimate {
  const { massAlpha: ma, massBeta: mb, gamma } = pair;
  const n = options.samples;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`collisionMonteCarlo: samples = ${n}, need ≥ 2`);
  const rand = seededRandom(options.seed);
  const s = options.importanceStd;
  const [c1, c2, c3] = options.importanceMean;
  const logNorm = -1.5 * Math.log(2 * Math.PI * s * s);
  const b0 = 1 / (4 * Math.PI);
  const prefactor = 4 * Math.PI * Math.PI * pair.diameter * pair.diameter * b0; // 4π (σ) × π d² b0
  const R = options.truncation ?? Number.POSITIVE_INFINITY;
  const total = ma + mb;
  const [v1, v2, v3] = v;
  const fv = f(v1, v2, v3);
  let gaussSpare: number | null = null;
  const normal = (): number => {
    if (gaussSpare !== null) {
      const z = gaussSpare;
      gaussSpare = null;
      return z;
    }
    // Box–Muller; 1 − u ∈ (0, 1] keeps the logarithm finite.
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const t = 2 * Math.PI * rand();
    gaussSpare = r * Math.sin(t);
    return r * Math.cos(t);
  };
  let sumQ = 0;
  let sumQ2 = 0;
  let sumG = 0;
  let sumG2 = 0;
  let sumL = 0;
  for (let i = 0; i < n; i++) {
    const z1 = normal();
    const z2 = normal();
    const z3 = normal();
    const w1 = c1 + s * z1;
    const w2 = c2 + s * z2;
    const w3 = c3 + s * z3;
    const p = Math.exp(logNorm - 0.5 * (z1 * z1 + z2 * z2 + z3 * z3));
    // σ uniform on S².
    const ct = 2 * rand() - 1;
    const st = Math.sqrt(Math.max(0, 1 - ct * ct));
    const ph = 2 * Math.PI * rand();
    const q1 = v1 - w1;
    const q2 = v2 - w2;
    const q3 = v3 - w3;
    const qn = Math.sqrt(q1 * q1 + q2 * q2 + q3 * q3);
    let gainX = 0;
    let lossX = 0;
    if (qn <= R && qn > 0) {
      const weight = (prefactor * qn ** gamma) / p;
      const V1 = (ma * v1 + mb * w1) / total;
      const V2 = (ma * v2 + mb * w2) / total;
      const V3 = (ma * v3 + mb * w3) / total;
      const s1 = qn * st * Math.cos(ph);
      const s2 = qn * st * Math.sin(ph);
      const s3 = qn * ct;
      const fa = mb / total;
      const fb = ma / total;
      gainX =
        weight * f(V1 + fa * s1, V2 + fa * s2, V3 + fa * s3) * g(V1 - fb * s1, V2 - fb * s2, V3 - fb * s3);
      lossX = weight * fv * g(w1, w2, w3);
    }
    const x = gainX - lossX;
    sumQ += x;
    sumQ2 += x * x;
    sumG += gainX;
    sumG2 += gainX * gainX;
    sumL += lossX;
  }
  const mean = sumQ / n;
  const varQ = Math.max(0, (sumQ2 - n * mean * mean) / (n - 1));
  const meanG = sumG / n;
  const varG = Math.max(0, (sumG2 - n * meanG * meanG) / (n - 1));
  return {
    q: mean,
    standardError: Math.sqrt(varQ / n),
    gain: meanG,
    gainStandardError: Math.sqrt(varG / n),
    loss: sumL / n,
  };
}
