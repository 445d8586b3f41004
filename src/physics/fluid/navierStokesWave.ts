/**
 * The linearised two-species Navier–Stokes–Poisson prediction of a single-mode wave (issue 17): the
 * first-order (ε) Chapman–Enskog fluid beside the Euler–Poisson limit of PHYSICS.md §2, with the
 * transport coefficients of transportCoefficients.ts (Chapman & Cowling's convention, ε included).
 *
 * Around the uniform state (n_A, n_B, u = 0, θ, E = 0; the background n̄_e = e_A n_A + e_B n_B is
 * neutralised) every perturbation ∝ e^{ikx − iωt} along x obeys
 *   ∂t n_A + ∂x(n_A u + j_A) = 0,   ∂t n_B + ∂x(n_B u + j_B) = 0,
 *   ρ ∂t u + ∂x p − (4/3) η ∂xx u = n̄_e E,       ∂x E = e_A δn_A + e_B δn_B       (PHYSICS.md §1, §2)
 *   (3/2) n ∂t θ + p ∂x u + ∂x q − (3/2) θ ∂x(j_A + j_B) = 0,
 * the last from ∂t[(3/2) nθ] + ∂x[(5/2) p u + q] = 0 (the field's work n_e E u is quadratic) with
 * ∂t n from the continuity equations. The fluxes of the first-order Chapman–Enskog solution:
 *   j_A = (m_B n_A n_B/ρ) w,  j_B = −(m_A n_A n_B/ρ) w  (number fluxes relative to u; Σ m_α j_α = 0),
 *   w = u_A − u_B = −(n²/(n_A n_B)) D_AB (d_A + k_T ∂x ln θ),
 *   d_A = ∂x(n_A/n) + (n_A/n − ρ_A/ρ) ∂x ln p − (n_A/p)(e_A − m_A n̄_e/ρ) E      (C&C §8.3, with forces),
 *   q = −λ ∂x θ + Q_w w                                            (Q_w: transportCoefficients.ts),
 * p = nθ, ρ = m_A n_A + m_B n_B. With X = (δn_A, δn_B, δu, δθ) this is ω X = B X, B a complex
 * 4 × 4 matrix; its eigenvalues are the four modes (two ion-acoustic or ion-plasma waves, the
 * entropy mode, the interdiffusion mode), Im ω their damping. With η = λ = D_AB = 0 it is the
 * linearised Euler–Poisson system of §2. The initial perturbation of the config (n_α = n̄_α(1 + a cos kx),
 * θ fixed or isentropic δθ = (2/3) a θ, u = 0) is expanded in the eigenvectors and advanced exactly.
 *
 * Checked (tests/unit/physics/fluid/navierStokesWave.test.ts) against classical results that share
 * nothing with this code: the Euler sound and ion-plasma frequencies, the Stokes–Kirchhoff sound
 * attenuation (k²/2ρ)[(4/3)η + (1/c_v − 1/c_p)λ] and the entropy and diffusion modes' decay at small k.
 */
import type { SimulationConfig } from '../config';

/** A complex number as [re, im]. */
export type Complex = readonly [number, number];

const add = (a: Complex, b: Complex): Complex => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Complex, b: Complex): Complex => [a[0] - b[0], a[1] - b[1]];
const mul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const div = (a: Complex, b: Complex): Complex => {
  const d = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
};
const abs = (a: Complex) => Math.hypot(a[0], a[1]);
const scale = (s: number, a: Complex): Complex => [s * a[0], s * a[1]];

export interface WaveSpecies {
  readonly mass: number;
  readonly charge: number;
  readonly density: number;
}

/** The uniform state, the wave number and the coefficients (zero coefficients: Euler–Poisson). */
export interface WaveProblem {
  readonly species: readonly [WaveSpecies, WaveSpecies];
  readonly temperature: number;
  readonly waveNumber: number;
  /** The self-consistent field on (PHYSICS.md §1) or off. */
  readonly field: boolean;
  readonly viscosity: number;
  readonly thermalConductivity: number;
  readonly diffusion: number;
  readonly thermalDiffusionRatio: number;
  readonly heatOfDiffusion: number;
}

/** The 4 × 4 complex matrix B of ω X = B X, X = (δn_A, δn_B, δu, δθ), row-major. */
export function waveMatrix(problem: WaveProblem): Complex[][] {
  const { species, temperature: theta, waveNumber: k } = problem;
  const [A, B] = species;
  const nA = A.density;
  const nB = B.density;
  const n = nA + nB;
  const rho = A.mass * nA + B.mass * nB;
  const p = n * theta;
  const background = problem.field ? A.charge * nA + B.charge * nB : 0;
  const ik: Complex = [0, k];
  // δE = (e_A δn_A + e_B δn_B)/(ik), as a row acting on X
  const fieldRow: Complex[] = problem.field
    ? [div([A.charge, 0], ik), div([B.charge, 0], ik), [0, 0], [0, 0]]
    : [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ];
  // δp/p = (δn_A + δn_B)/n + δθ/θ; ∂x → ik
  const lnP: Complex[] = [
    [1 / n, 0],
    [1 / n, 0],
    [0, 0],
    [1 / theta, 0],
  ];
  const xA = nA / n;
  const massFraction = (A.mass * nA) / rho;
  // d_A = ik[(δn_A − x_A δn)/n + (x_A − ρ_A/ρ) δp/p] − (n_A/p)(e_A − m_A n̄_e/ρ) δE
  const forceCoefficient = (nA / p) * (problem.field ? A.charge - (A.mass * background) / rho : 0);
  const dA: Complex[] = [0, 1, 2, 3].map((j) => {
    const gradientFraction = j === 0 ? (1 - xA) / n : j === 1 ? -xA / n : 0;
    const pressure = scale(xA - massFraction, lnP[j]!);
    const gradient = mul(ik, add([gradientFraction, 0], pressure));
    return sub(gradient, scale(forceCoefficient, fieldRow[j]!));
  });
  // w = −(n²/(n_A n_B)) D_AB (d_A + k_T ik δθ/θ)
  const wFactor = -((n * n) / (nA * nB)) * problem.diffusion;
  const w: Complex[] = [0, 1, 2, 3].map((j) => {
    const thermal = j === 3 ? scale(problem.thermalDiffusionRatio / theta, ik) : ([0, 0] as Complex);
    return scale(wFactor, add(dA[j]!, thermal));
  });
  const jA = w.map((x) => scale((B.mass * nA * nB) / rho, x));
  const jB = w.map((x) => scale((-A.mass * nA * nB) / rho, x));
  // δq = −λ ik δθ + Q_w w
  const q: Complex[] = [0, 1, 2, 3].map((j) => {
    const conduction = j === 3 ? scale(-problem.thermalConductivity, ik) : ([0, 0] as Complex);
    return add(conduction, scale(problem.heatOfDiffusion, w[j]!));
  });
  const rows: Complex[][] = [[], [], [], []];
  for (let j = 0; j < 4; j++) {
    const unitU: Complex = j === 2 ? [1, 0] : [0, 0];
    // ω δn_A = k (n_A δu + j_A)
    rows[0]![j] = scale(k, add(scale(nA, unitU), jA[j]!));
    rows[1]![j] = scale(k, add(scale(nB, unitU), jB[j]!));
    // ω δu = (1/ρ)[k δp − i (4/3) η k² δu + i n̄_e δE]
    const deltaP: Complex = j === 0 || j === 1 ? [theta, 0] : j === 3 ? [n, 0] : [0, 0];
    const viscous = mul([0, -(4 / 3) * problem.viscosity * k * k], unitU);
    const force = mul([0, background], fieldRow[j]!);
    rows[2]![j] = scale(1 / rho, add(add(scale(k, deltaP), viscous), force));
    // ω (3/2) n δθ = k p δu + k δq − (3/2) θ k (j_A + j_B)
    const energy = add(
      add(scale(k * p, unitU), scale(k, q[j]!)),
      scale(-1.5 * theta * k, add(jA[j]!, jB[j]!)),
    );
    rows[3]![j] = scale(1 / (1.5 * n), energy);
  }
  return rows;
}

function det3(m: Complex[][]): Complex {
  const [a, b, c] = m as [Complex[], Complex[], Complex[]];
  const t1 = mul(a[0]!, sub(mul(b[1]!, c[2]!), mul(b[2]!, c[1]!)));
  const t2 = mul(a[1]!, sub(mul(b[0]!, c[2]!), mul(b[2]!, c[0]!)));
  const t3 = mul(a[2]!, sub(mul(b[0]!, c[1]!), mul(b[1]!, c[0]!)));
  return add(sub(t1, t2), t3);
}

function minor(m: Complex[][], row: number, col: number): Complex[][] {
  return m.filter((_, i) => i !== row).map((r) => r.filter((_, j) => j !== col));
}

/** Coefficients c_0..c_4 of det(ωI − B) = Σ c_i ω^i (Faddeev–LeVerrier, exact for 4 × 4). */
function characteristicPolynomial(b: Complex[][]): Complex[] {
  const size = 4;
  const coefficients: Complex[] = new Array(size + 1).fill([0, 0]);
  coefficients[size] = [1, 0];
  let m: Complex[][] = b.map((r) => r.map(() => [0, 0] as Complex));
  for (let kk = 1; kk <= size; kk++) {
    // M_k = B M_{k−1} + c_{n−k+1} I;  c_{n−k} = −tr(B M_k)/k
    const next: Complex[][] = b.map((_, i) =>
      b.map((_, j) => {
        let s: Complex = i === j ? coefficients[size - kk + 1]! : [0, 0];
        for (let l = 0; l < size; l++) s = add(s, mul(b[i]![l]!, m[l]![j]!));
        return s;
      }),
    );
    m = next;
    let trace: Complex = [0, 0];
    for (let i = 0; i < size; i++) {
      for (let l = 0; l < size; l++) trace = add(trace, mul(b[i]![l]!, m[l]![i]!));
    }
    coefficients[size - kk] = scale(-1 / kk, trace);
  }
  return coefficients;
}

function evaluate(coefficients: Complex[], z: Complex): Complex {
  let value: Complex = [0, 0];
  for (let i = coefficients.length - 1; i >= 0; i--) value = add(mul(value, z), coefficients[i]!);
  return value;
}

/** The roots of a monic polynomial (Durand–Kerner, then Newton polishing). */
function roots(coefficients: Complex[]): Complex[] {
  const degree = coefficients.length - 1;
  let radius = 0;
  for (let i = 0; i < degree; i++) radius = Math.max(radius, abs(coefficients[i]!) ** (1 / (degree - i)));
  radius = Math.max(radius, 1e-12);
  let z: Complex[] = Array.from({ length: degree }, (_, i) => {
    const angle = (2 * Math.PI * i) / degree + 0.4;
    return [radius * Math.cos(angle), radius * Math.sin(angle)] as Complex;
  });
  for (let iteration = 0; iteration < 500; iteration++) {
    let change = 0;
    z = z.map((zi, i) => {
      let denominator: Complex = [1, 0];
      z.forEach((zj, j) => {
        if (j !== i) denominator = mul(denominator, sub(zi, zj));
      });
      const step = div(evaluate(coefficients, zi), denominator);
      change = Math.max(change, abs(step) / Math.max(abs(zi), radius * 1e-12));
      return sub(zi, step);
    });
    if (change < 1e-15) break;
  }
  return z;
}

export interface WaveMode {
  /** ω: Re ω the angular frequency, Im ω < 0 the damping rate. */
  readonly frequency: Complex;
  /** Its eigenvector X = (δn_A, δn_B, δu, δθ), largest component of modulus 1. */
  readonly shape: Complex[];
}

/** The four eigenvalues ω of B (repeated ones included, e.g. the two ω = 0 of Euler without field). */
export function waveFrequencies(problem: WaveProblem): Complex[] {
  return roots(characteristicPolynomial(waveMatrix(problem)));
}

/** The four modes of ω X = B X. Throws when two modes coincide (no eigenvector basis). */
export function waveModes(problem: WaveProblem): WaveMode[] {
  const b = waveMatrix(problem);
  const frequencies = roots(characteristicPolynomial(b));
  const size = 4;
  return frequencies.map((omega) => {
    // the null vector of B − ωI: a column of its adjugate (the row of cofactors with the largest norm)
    const c = b.map((r, i) => r.map((x, j) => (i === j ? sub(x, omega) : x)));
    let best: Complex[] = [];
    let bestNorm = -1;
    for (let i = 0; i < size; i++) {
      const cofactors = Array.from({ length: size }, (_, j) =>
        scale((i + j) % 2 === 0 ? 1 : -1, det3(minor(c, i, j))),
      );
      const norm = Math.hypot(...cofactors.map(abs));
      if (norm > bestNorm) {
        bestNorm = norm;
        best = cofactors;
      }
    }
    if (!(bestNorm > 0)) throw new RangeError('waveModes: a repeated mode without an eigenvector basis');
    let pivot = best[0]!;
    for (const x of best) if (abs(x) > abs(pivot)) pivot = x;
    return { frequency: omega, shape: best.map((x) => div(x, pivot)) };
  });
}

/** Solves the complex system M y = r (Gaussian elimination, partial pivoting). */
function solveComplex(matrix: Complex[][], rhs: Complex[]): Complex[] {
  const size = rhs.length;
  const a = matrix.map((r, i) => [...r, rhs[i]!]);
  for (let col = 0; col < size; col++) {
    let pivotRow = col;
    for (let r = col + 1; r < size; r++) if (abs(a[r]![col]!) > abs(a[pivotRow]![col]!)) pivotRow = r;
    [a[col], a[pivotRow]] = [a[pivotRow]!, a[col]!];
    const pivot = a[col]![col]!;
    if (!(abs(pivot) > 0)) throw new RangeError('waveModes: the modes do not span the initial perturbation');
    for (let r = col + 1; r < size; r++) {
      const f = div(a[r]![col]!, pivot);
      for (let cc = col; cc <= size; cc++) a[r]![cc] = sub(a[r]![cc]!, mul(f, a[col]![cc]!));
    }
  }
  const y: Complex[] = new Array(size).fill([0, 0]);
  for (let r = size - 1; r >= 0; r--) {
    let s = a[r]![size]!;
    for (let cc = r + 1; cc < size; cc++) s = sub(s, mul(a[r]![cc]!, y[cc]!));
    y[r] = div(s, a[r]![r]!);
  }
  return y;
}

/**
 * The complex amplitudes X(t) = Σ_j c_j V_j e^{−iω_j t} of the mode started at X(0) = initial: the
 * field is Re[X(t) e^{ikx}].
 */
export function evolveWave(modes: readonly WaveMode[], initial: readonly Complex[]) {
  const basis = [0, 1, 2, 3].map((i) => modes.map((m) => m.shape[i]!));
  const weights = solveComplex(basis, [...initial]);
  return (t: number): Complex[] =>
    [0, 1, 2, 3].map((i) => {
      let s: Complex = [0, 0];
      modes.forEach((m, j) => {
        const [re, im] = m.frequency;
        // e^{−iωt} = e^{Im ω t} (cos Re ω t − i sin Re ω t)
        const decay = Math.exp(im * t);
        const phase: Complex = [decay * Math.cos(re * t), -decay * Math.sin(re * t)];
        s = add(s, mul(weights[j]!, mul(m.shape[i]!, phase)));
      });
      return s;
    });
}

/**
 * The Navier–Stokes–Poisson prediction of a config's wave with the given coefficients, or the reason
 * it does not apply (collisions off, no wave, species at different temperatures or drifting).
 */
export function navierStokesWave(
  config: SimulationConfig,
  coefficients: Pick<
    WaveProblem,
    'viscosity' | 'thermalConductivity' | 'diffusion' | 'thermalDiffusionRatio' | 'heatOfDiffusion'
  >,
):
  | { readonly modes: WaveMode[]; readonly waveNumber: number; readonly amplitudes: (t: number) => Complex[] }
  | { readonly reason: string } {
  const [A, B] = config.species;
  if (!config.collisions.enabled) return { reason: 'collisions are off' };
  if (config.perturbation.mode === 0 || config.perturbation.amplitude === 0)
    return { reason: 'no wave in the set-up' };
  if (A.temperature !== B.temperature) return { reason: 'the species start at different temperatures' };
  if ([...A.drift, ...B.drift].some((u) => u !== 0)) return { reason: 'the species drift' };
  const theta = A.temperature;
  const waveNumber = (2 * Math.PI * config.perturbation.mode) / config.grid.length;
  const problem: WaveProblem = {
    species: [
      { mass: A.mass, charge: A.charge, density: A.density },
      { mass: B.mass, charge: B.charge, density: B.density },
    ],
    temperature: theta,
    waveNumber,
    field: config.field.enabled,
    ...coefficients,
  };
  let modes: WaveMode[];
  try {
    modes = waveModes(problem);
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
  const a = config.perturbation.amplitude;
  const initial: Complex[] = [
    [a * A.density, 0],
    [a * B.density, 0],
    [0, 0],
    [config.perturbation.kind === 'isentropic' ? (2 / 3) * a * theta : 0, 0],
  ];
  return { modes, waveNumber, amplitudes: evolveWave(modes, initial) };
}

/**
 * A wave prediction as the profile plots draw it (the amplitudes of navierStokesWave):
 * n_α(x, t) = n̄_α + Re[δn_α(t) e^{ikx}], E(x, t) = Re[δE(t) e^{ikx}], δE = Σ e_α δn_α/(ik).
 */
export interface WavePrediction {
  readonly waveNumber: number;
  readonly meanDensities: readonly [number, number];
  /** e_A, e_B, or null without the self-consistent field. */
  readonly charges: readonly [number, number] | null;
  /** (δn_A, δn_B, δu, δθ) at time t, complex as [re, im]. */
  readonly amplitudes: (t: number) => readonly (readonly [number, number])[];
}

/** The prediction's n_A, n_B and E at the points x and time t (null series without a prediction). */
export function predictedProfiles(
  prediction: WavePrediction | null,
  x: readonly number[],
  t: number,
): [(number | null)[], (number | null)[], (number | null)[]] {
  if (prediction === null) {
    const none = x.map(() => null);
    return [none, none, none];
  }
  const k = prediction.waveNumber;
  const a = prediction.amplitudes(t);
  const real = (c: readonly [number, number], xi: number) =>
    c[0] * Math.cos(k * xi) - c[1] * Math.sin(k * xi);
  const [eA, eB] = prediction.charges ?? [0, 0];
  // δE = (e_A δn_A + e_B δn_B)/(ik) = −i (e_A δn_A + e_B δn_B)/k
  const charge: [number, number] = [eA * a[0]![0] + eB * a[1]![0], eA * a[0]![1] + eB * a[1]![1]];
  const field: [number, number] = [charge[1] / k, -charge[0] / k];
  return [
    x.map((xi) => prediction.meanDensities[0] + real(a[0]!, xi)),
    x.map((xi) => prediction.meanDensities[1] + real(a[1]!, xi)),
    x.map((xi) => real(field, xi)),
  ];
}
