/**
 * Linear kinetic dispersion relation of a collisionless, unmagnetised plasma of drifting Maxwellian
 * species, for electrostatic waves along x (PHYSICS.md §5 items 4 and 6: the reference for the Landau
 * damping test and for the collisionless plasma frequency ω² → Σ_α e_α² n_α / m_α).
 *
 * Units and signs are those of PHYSICS.md §1: Gauss's law div E = Σ_α e_α n_α − n̄ (no 4π, ε0 = 1), the
 * force on species α is e_α E, θ_α is a temperature in energy units. Hence
 *   ω_pα² = e_α² n_α / m_α,   v_tα = √(θ_α / m_α),   ζ_α = (ω − k u_α) / (√2 k v_tα),
 *   ε(k, ω) = 1 + Σ_α χ_α,   χ_α = ω_pα² / (k² v_tα²) · (1 + ζ_α Z(ζ_α)),
 * for perturbations ∝ exp(i(kx − ωt)); damped modes have Im ω < 0. u_α is the drift along x (the wave
 * vector's direction); drifts across k do not Doppler-shift the wave. Neutral species drop out.
 *
 * Z(ζ) = i√π w(ζ) with w the Faddeeva function, which is entire, so Z below is the Landau-continued
 * function in the lower half plane (where damped roots live) without any extra residue term.
 */
import { InvalidParameterError } from './velocityGrid';

/** A complex number (float64 parts). */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** One species as the dispersion relation sees it (SpeciesConfig of config.ts fits this shape). */
export interface DispersionSpecies {
  /** Charge e_α (any sign; 0 = neutral, which contributes nothing). */
  readonly charge: number;
  /** Mass m_α > 0. */
  readonly mass: number;
  /** Mean density n_α ≥ 0. */
  readonly density: number;
  /** Temperature θ_α ≥ 0 in energy units (0 = cold fluid, χ = −ω_p² / (ω − k u)²). */
  readonly temperature: number;
  /** Drift along x, or the 3-vector whose first component is along x. Default 0. */
  readonly drift?: number | readonly [number, number, number];
}

export interface DispersionRootOptions {
  /** Stop when a Newton step is below tolerance · |ω| (default 1e−13). */
  readonly tolerance?: number;
  /** Newton iterations allowed (default 60). */
  readonly maxIterations?: number;
}

export interface DispersionRoot {
  /** The complex frequency; Im ω < 0 is damping at rate −Im ω. */
  readonly omega: Complex;
  /** |ε(k, ω)| at the returned ω. */
  readonly residual: number;
  /** Newton iterations used (the last solve, for langmuirRoot). */
  readonly iterations: number;
}

// ---- Small complex arithmetic, local to this module (float64, no allocation tricks needed here). ----

const cx = (re: number, im: number): Complex => ({ re, im });
const cadd = (a: Complex, b: Complex): Complex => cx(a.re + b.re, a.im + b.im);
const csub = (a: Complex, b: Complex): Complex => cx(a.re - b.re, a.im - b.im);
const cmul = (a: Complex, b: Complex): Complex => cx(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const cscale = (a: Complex, s: number): Complex => cx(a.re * s, a.im * s);
const cabs = (a: Complex): number => Math.hypot(a.re, a.im);

/** a / b with Smith's scaling, so that |b| near the overflow or underflow limits is harmless. */
function cdiv(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const r = b.im / b.re;
    const d = b.re + b.im * r;
    return cx((a.re + a.im * r) / d, (a.im - a.re * r) / d);
  }
  const r = b.re / b.im;
  const d = b.re * r + b.im;
  return cx((a.re * r + a.im) / d, (a.im * r - a.re) / d);
}

const SQRT_PI = Math.sqrt(Math.PI);

// ---- The Faddeeva function (Weideman, SIAM J. Numer. Anal. 31, 1497 (1994)). ----

// w(z) = 2 Σ_{n=1}^{N} a_n Z^{n−1} / (L − iz)² + 1 / (√π (L − iz)),  Z = (L + iz) / (L − iz), for Im z ≥ 0.
// The a_n are the Fourier coefficients of (L² + t²) e^{−t²} under t = L tan(θ/2), computed once by the
// trapezoidal rule with M = 2N points, as in Weideman's reference code. Checked against mpmath (40
// digits) on a grid of 4500 points of the upper half plane (0 ≤ x ≤ 1e4, 0 ≤ y ≤ 1e3): N = 32 gives a
// worst relative error 3e−13, N = 40 gives 1.1e−15; we take N = 40.
const WEIDEMAN_N = 40;
const WEIDEMAN_L = Math.sqrt(WEIDEMAN_N / Math.SQRT2);
const WEIDEMAN_A: Float64Array = (() => {
  const m = 2 * WEIDEMAN_N;
  const f = new Float64Array(2 * m - 1);
  for (let j = 0; j < f.length; j++) {
    const t = WEIDEMAN_L * Math.tan(((j - m + 1) * Math.PI) / m / 2);
    f[j] = Math.exp(-t * t) * (WEIDEMAN_L * WEIDEMAN_L + t * t);
  }
  const a = new Float64Array(WEIDEMAN_N + 1);
  for (let n = 1; n <= WEIDEMAN_N; n++) {
    let s = 0;
    for (let j = 0; j < f.length; j++) s += f[j]! * Math.cos((Math.PI * (j - m + 1) * n) / m);
    a[n] = s / (2 * m);
  }
  return a;
})();

function faddeevaUpper(x: number, y: number): Complex {
  const lMinusIz = cx(WEIDEMAN_L + y, -x); // L − iz never vanishes for y ≥ 0
  const zz = cdiv(cx(WEIDEMAN_L - y, x), lMinusIz);
  let p = cx(WEIDEMAN_A[WEIDEMAN_N]!, 0);
  for (let n = WEIDEMAN_N - 1; n >= 1; n--) p = cadd(cmul(p, zz), cx(WEIDEMAN_A[n]!, 0));
  const inv = cdiv(cx(1, 0), lMinusIz);
  return cadd(cscale(cmul(p, cmul(inv, inv)), 2), cscale(inv, 1 / SQRT_PI));
}

/** The largest y² − x² for which e^{−z²} (hence w in the lower half plane) stays finite with margin. */
const MAX_EXPONENT = 700;

/**
 * The Faddeeva function w(z) = e^{−z²} erfc(−iz), for all complex z where it is representable.
 *
 * Upper half plane: Weideman's rational approximation, relative error ≈ 1e−15 (verified against mpmath).
 * Lower half plane: w(z) = 2e^{−z²} − w(−z). That is exact, but 2e^{−z²} grows like e^{y²−x²}, so
 * (i) a RangeError is thrown where y² − x² > 700 (the value would overflow float64), and (ii) the
 * relative accuracy degrades near the zeros of w and where |2xy| is so large that cos/sin of it lose
 * digits (|2xy| ≳ 1e8); neither occurs for the damped roots of interest (|Im ζ| ≲ |Re ζ|).
 * Near the real axis Re w(x) = e^{−x²} carries an ABSOLUTE error ~1e−17 (relative to |w| ≈ 1/(√π x)
 * that is fine, but e^{−x²} itself is lost for |x| ≳ 5). The dielectric function therefore switches to an
 * asymptotic form with the exact e^{−ζ²} for |Re ζ| ≥ 7 (responseAndDerivative); in between, at
 * 4 ≲ |Re ζ| < 7, damping rates below ~1e−8 ω_p come out with an absolute error ~1e−14 ω_p.
 */
export function faddeeva(z: Complex): Complex {
  const { re: x, im: y } = z;
  if (!Number.isFinite(x) || !Number.isFinite(y))
    throw new RangeError(`faddeeva: non-finite argument ${x} + ${y}i`);
  if (y >= 0) return faddeevaUpper(x, y);
  const exponent = (y - x) * (y + x); // −Re(z²) = y² − x², factored to keep digits near |x| = |y|
  if (exponent > MAX_EXPONENT) {
    throw new RangeError(
      `faddeeva: w(${x} + ${y}i) overflows float64 (y² − x² = ${exponent} > ${MAX_EXPONENT})`,
    );
  }
  const mag = 2 * Math.exp(exponent);
  const phase = -2 * x * y; // e^{−z²} = e^{y²−x²} (cos(2xy) − i sin(2xy))
  const wMinus = faddeevaUpper(-x, -y);
  return cx(mag * Math.cos(phase) - wMinus.re, mag * Math.sin(phase) - wMinus.im);
}

/** The plasma dispersion function Z(ζ) = i√π w(ζ), analytically continued (Landau) for Im ζ < 0. */
export function plasmaDispersionZ(zeta: Complex): Complex {
  const w = faddeeva(zeta);
  return cx(-SQRT_PI * w.im, SQRT_PI * w.re);
}

/** Z'(ζ) = −2 (1 + ζ Z(ζ)). */
export function plasmaDispersionZPrime(zeta: Complex): Complex {
  return cscale(cadd(cx(1, 0), cmul(zeta, plasmaDispersionZ(zeta))), -2);
}

// ---- R(ζ) = 1 + ζZ(ζ), the kinetic response, and dR/dζ. ----

// For |Re ζ| ≥ 7, |Im ζ| ≤ |Re ζ|/4, R is computed from w = e^{−ζ²} + (2i/√π) D(ζ) (D the Dawson
// function, an identity for all ζ) as R = i√π ζ e^{−ζ²} − Σ_{n≥1} (2n−1)!!/(2ζ²)^n, with D's asymptotic
// series. That avoids the cancellation 1 + ζZ ≈ −1/(2ζ²) (via w it costs a factor 2|ζ|² in relative
// accuracy, fatal in the long-wavelength limit k v_t ≪ ω) and keeps the exponentially small Landau term
// exact. The series is stopped at 1e−17 relative or at its smallest term; against mpmath (40 digits)
// the relative error of R, and of Im R alone, is below 1e−16 over that region, whose edges keep the
// optimal-truncation and Stokes-smoothing errors (~e^{y²−x²}|ζ|³) under 1e−16.
const ASYMPTOTIC_RE = 7;
const ASYMPTOTIC_SLOPE = 0.25;

function responseAndDerivative(zeta: Complex): [Complex, Complex] {
  const { re: x, im: y } = zeta;
  if (Math.abs(x) >= ASYMPTOTIC_RE && Math.abs(y) <= ASYMPTOTIC_SLOPE * Math.abs(x)) {
    const inv2z2 = cdiv(cx(0.5, 0), cmul(zeta, zeta)); // 1/(2ζ²)
    let term = cx(1, 0);
    let sum = cx(0, 0);
    let dSum = cx(0, 0); // Σ 2n t_n, so that −ds/dζ = dSum/ζ
    let last = Number.POSITIVE_INFINITY;
    for (let n = 1; n <= 60; n++) {
      term = cscale(cmul(term, inv2z2), 2 * n - 1);
      const size = cabs(term);
      if (size > last) break; // past the smallest term of the asymptotic series
      sum = cadd(sum, term);
      dSum = cadd(dSum, cscale(term, 2 * n));
      last = size;
      if (size < 1e-17 * cabs(sum)) break;
    }
    const e = Math.exp((y - x) * (y + x)); // e^{−ζ²}, ≤ e^{−(15/16)·49} here
    const expMinusZ2 = cx(e * Math.cos(-2 * x * y), e * Math.sin(-2 * x * y));
    const landau = cmul(cx(0, SQRT_PI), expMinusZ2); // i√π e^{−ζ²}
    const r = csub(cmul(landau, zeta), sum);
    const dr = cadd(cmul(landau, cx(1 - 2 * (x * x - y * y), -4 * x * y)), cdiv(dSum, zeta));
    return [r, dr];
  }
  const z = plasmaDispersionZ(zeta);
  const r = cadd(cx(1, 0), cmul(zeta, z));
  // dR/dζ = Z + ζZ' with Z' = −2(1 + ζZ): the analytic derivative, so Newton converges quadratically.
  return [r, csub(z, cscale(cmul(zeta, r), 2))];
}

// ---- The dielectric function and its ω-derivative. ----

function driftAlongX(s: DispersionSpecies): number {
  const d = s.drift;
  if (d === undefined) return 0;
  return typeof d === 'number' ? d : d[0];
}

function checkSpecies(s: DispersionSpecies, i: number): void {
  const at = `species[${i}]`;
  if (!Number.isFinite(s.charge))
    throw new InvalidParameterError(`${at}.charge`, 'a finite number', s.charge);
  if (!(s.mass > 0) || !Number.isFinite(s.mass)) throw new InvalidParameterError(`${at}.mass`, '> 0', s.mass);
  if (!(s.density >= 0) || !Number.isFinite(s.density)) {
    throw new InvalidParameterError(`${at}.density`, '≥ 0 and finite', s.density);
  }
  if (!(s.temperature >= 0) || !Number.isFinite(s.temperature)) {
    throw new InvalidParameterError(`${at}.temperature`, '≥ 0 and finite', s.temperature);
  }
  if (!Number.isFinite(driftAlongX(s))) throw new InvalidParameterError(`${at}.drift`, 'finite', s.drift);
}

function checkK(k: number): void {
  if (!Number.isFinite(k) || k === 0) throw new InvalidParameterError('k', 'a finite non-zero wavenumber', k);
}

/** ω_p² = Σ_α e_α² n_α / m_α, the collisionless long-wavelength limit of ω² (PHYSICS.md §5 item 6). */
export function plasmaFrequencySquared(species: readonly DispersionSpecies[]): number {
  let sum = 0;
  species.forEach((s, i) => {
    checkSpecies(s, i);
    sum += (s.charge * s.charge * s.density) / s.mass;
  });
  return sum;
}

/** χ_α and ∂χ_α/∂ω, for k > 0 (the caller mirrors k < 0). */
function susceptibilityAndDerivative(s: DispersionSpecies, k: number, omega: Complex): [Complex, Complex] {
  const wp2 = (s.charge * s.charge * s.density) / s.mass;
  if (wp2 === 0) return [cx(0, 0), cx(0, 0)];
  const shifted = cx(omega.re - k * driftAlongX(s), omega.im); // Doppler shift ω − k u_α
  if (s.temperature === 0) {
    // Cold fluid, the θ → 0 limit of the kinetic χ: χ = −ω_p²/(ω − ku)², ∂χ/∂ω = 2ω_p²/(ω − ku)³.
    const inv = cdiv(cx(1, 0), shifted);
    const inv2 = cmul(inv, inv);
    return [cscale(inv2, -wp2), cscale(cmul(inv2, inv), 2 * wp2)];
  }
  const vt2 = s.temperature / s.mass;
  const a = Math.SQRT2 * k * Math.sqrt(vt2);
  const [r, dr] = responseAndDerivative(cscale(shifted, 1 / a));
  const pref = wp2 / (k * k * vt2);
  return [cscale(r, pref), cscale(dr, pref / a)]; // ∂ζ/∂ω = 1/a
}

/** ε and ∂ε/∂ω. A wave with k < 0 is the mirror image (x → −x) of one with |k| and drifts reversed. */
function dielectricAndDerivative(
  species: readonly DispersionSpecies[],
  k: number,
  omega: Complex,
): [Complex, Complex] {
  let eps = cx(1, 0);
  let dEps = cx(0, 0);
  const kk = Math.abs(k);
  for (const s of species) {
    const mirrored: DispersionSpecies = k > 0 ? s : { ...s, drift: -driftAlongX(s) };
    const [chi, dChi] = susceptibilityAndDerivative(mirrored, kk, omega);
    eps = cadd(eps, chi);
    dEps = cadd(dEps, dChi);
  }
  return [eps, dEps];
}

/** The susceptibility χ_α(k, ω) of one species (0 for a neutral species). */
export function susceptibility(s: DispersionSpecies, k: number, omega: Complex): Complex {
  checkSpecies(s, 0);
  checkK(k);
  const mirrored: DispersionSpecies = k > 0 ? s : { ...s, drift: -driftAlongX(s) };
  return susceptibilityAndDerivative(mirrored, Math.abs(k), omega)[0];
}

/** The longitudinal dielectric function ε(k, ω) = 1 + Σ_α χ_α. Its zeros are the normal modes. */
export function dielectric(species: readonly DispersionSpecies[], k: number, omega: Complex): Complex {
  species.forEach(checkSpecies);
  checkK(k);
  return dielectricAndDerivative(species, k, omega)[0];
}

/** Evaluate ε at a trial point; null where it is not representable (w overflows), so the step is shortened. */
function tryDielectric(
  species: readonly DispersionSpecies[],
  k: number,
  omega: Complex,
): [Complex, Complex] | null {
  try {
    const r = dielectricAndDerivative(species, k, omega);
    const ok = [r[0].re, r[0].im, r[1].re, r[1].im].every(Number.isFinite);
    return ok ? r : null;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

// Below this relative step Newton is in its quadratic regime (or at the rounding floor): no line search.
const QUADRATIC_REGIME = 1e-6;

const fmt = (z: Complex): string =>
  `${z.re.toPrecision(8)} ${z.im < 0 ? '−' : '+'} ${Math.abs(z.im).toPrecision(8)}i`;

/**
 * A root ω of ε(k, ω) = 0 near `guess`, by Newton's method with the analytic ∂ε/∂ω and step halving
 * whenever a full step would increase |ε| (or leave the region where w is representable), so a fair
 * guess cannot be thrown far away. Throws an Error naming k, the guess and the last iterate if it does
 * not converge; which root is found depends on the guess.
 */
export function dispersionRoot(
  species: readonly DispersionSpecies[],
  k: number,
  guess: Complex,
  options: DispersionRootOptions = {},
): DispersionRoot {
  species.forEach(checkSpecies);
  checkK(k);
  const tolerance = options.tolerance ?? 1e-13;
  const maxIterations = options.maxIterations ?? 60;
  const fail = (why: string, at: Complex): never => {
    throw new Error(`dispersionRoot: ${why} at k = ${k} from ω0 = ${fmt(guess)}; last ω = ${fmt(at)}`);
  };
  let omega = guess;
  let current = tryDielectric(species, k, omega);
  if (current === null) return fail('ε is not representable at the guess', omega);
  let previousStep = Number.POSITIVE_INFINITY;
  for (let it = 1; it <= maxIterations; it++) {
    const [eps, dEps] = current;
    if (eps.re === 0 && eps.im === 0) return { omega, residual: 0, iterations: it - 1 };
    if (cabs(dEps) === 0) return fail('∂ε/∂ω = 0 (a double root or a flat region)', omega);
    let step = cscale(cdiv(eps, dEps), -1);
    const size = cabs(step);
    const scale = Math.max(cabs(omega), cabs(guess), Number.MIN_VALUE);
    if (size <= tolerance * scale) {
      const last = cadd(omega, step);
      const r = tryDielectric(species, k, last);
      if (r === null || cabs(r[0]) > cabs(eps)) return { omega, residual: cabs(eps), iterations: it };
      return { omega: last, residual: cabs(r[0]), iterations: it };
    }
    // Rounding floor: ε carries an absolute error of ~1e−16 Σ|χ_α|, so close to the root the Newton
    // steps stop shrinking (quadratically) and wander at that level instead; accept where they do.
    if (size <= QUADRATIC_REGIME * scale && size >= 0.5 * previousStep) {
      return { omega, residual: cabs(eps), iterations: it };
    }
    let next: [Complex, Complex] | null = null;
    let trial = omega;
    for (let halvings = 0; halvings < 40; halvings++) {
      trial = cadd(omega, step);
      next = tryDielectric(species, k, trial);
      // Inside the quadratic regime |ε| may not decrease only because it is at its rounding floor.
      if (next !== null && (cabs(next[0]) < cabs(eps) || size <= QUADRATIC_REGIME * scale)) break;
      next = null;
      step = cscale(step, 0.5);
    }
    if (next === null) {
      return fail(`|ε| = ${cabs(eps).toExponential(3)} cannot be decreased along the Newton step`, omega);
    }
    previousStep = cabs(step);
    omega = trial;
    current = next;
  }
  return fail(`Newton did not converge in ${maxIterations} iterations`, omega);
}

// Continuation starts where the Bohm–Gross estimate is within ~1e−4 of the Langmuir root of a Maxwellian
// (kλ = 0.2 gives ω ≈ 1.0640 − 5.5e−5 i against 1.0583 from Bohm–Gross), and then walks in kλ steps small
// enough that the linearly extrapolated previous roots are well inside Newton's basin.
const CONTINUATION_START = 0.2;
const CONTINUATION_STEP = 0.05;

/**
 * The Langmuir (plasma oscillation) root of ε(k, ω) = 0 with Re(ω − k ū) > 0, ū = Σ ω_pα² u_α / Σ ω_pα².
 *
 * Guess: Bohm–Gross, ω ≈ k ū + √(ω_p² (1 + 3 k² λ²)) with ω_p² = Σ ω_pα² and λ² = Σ ω_pα² v_tα² / (ω_p²)²
 * (exact to O(k²) for Maxwellians, the cold limit when all θ_α = 0). Where kλ > 0.2 the estimate is poor
 * (the real root moves above it and Landau damping grows), so the root is followed by continuation in k
 * from kλ = 0.2, which tracks the branch connected to the long-wavelength plasma oscillation: for a single
 * Maxwellian this is the least-damped root. It is not a search over all roots, so with strong drifts
 * (beam/two-stream) or several warm species other branches may be less damped or growing.
 */
export function langmuirRoot(
  species: readonly DispersionSpecies[],
  k: number,
  options: DispersionRootOptions = {},
): DispersionRoot {
  checkK(k);
  const wp2 = plasmaFrequencySquared(species);
  if (wp2 === 0)
    throw new InvalidParameterError('species', 'at least one charged species with density > 0', wp2);
  let thermal = 0;
  let drift = 0;
  for (const s of species) {
    const w = (s.charge * s.charge * s.density) / s.mass;
    thermal += (w * s.temperature) / s.mass;
    drift += w * driftAlongX(s);
  }
  const lambda = Math.sqrt(thermal) / wp2;
  drift /= wp2;
  const bohmGross = (kk: number): Complex =>
    cx(kk * drift + Math.sqrt(wp2 * (1 + 3 * kk * kk * lambda * lambda)), 0);
  const kAbs = Math.abs(k);
  if (kAbs * lambda <= CONTINUATION_START) return dispersionRoot(species, k, bohmGross(k), options);
  const k0 = Math.sign(k) * (CONTINUATION_START / lambda);
  const steps = Math.ceil((kAbs * lambda - CONTINUATION_START) / CONTINUATION_STEP);
  let prevK = k0;
  let prev = dispersionRoot(species, k0, bohmGross(k0), options);
  let prevPrev: { k: number; omega: Complex } | null = null;
  for (let j = 1; j <= steps; j++) {
    const kj = j === steps ? k : k0 + ((k - k0) * j) / steps;
    let guess = prev.omega;
    if (prevPrev !== null) {
      // Linear extrapolation of the branch ω(k) through the last two roots.
      const slope = cscale(csub(prev.omega, prevPrev.omega), 1 / (prevK - prevPrev.k));
      guess = cadd(prev.omega, cscale(slope, kj - prevK));
    }
    prevPrev = { k: prevK, omega: prev.omega };
    prev = dispersionRoot(species, kj, guess, options);
    prevK = kj;
  }
  return prev;
}
