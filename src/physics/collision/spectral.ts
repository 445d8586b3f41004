/**
 * The fast Fourier spectral method for the unequal-mass Boltzmann operator Q^{αβ}(f, g)
 * (PHYSICS.md §1 for the operator, §4 for the method: Gamba, Haack, Hauck & Hu 2017 in the
 * multi-species form of Jaiswal, Alexeenko & Hu 2019), float64 reference of the WGSL kernels.
 *
 * Normalisation (derived from §1 with b ≡ b0, B = π d_{αβ}² |q|^γ b0, a = m_β/(m_α+m_β),
 * â = m_α/(m_α+m_β) = 1 − a). With v* = v − q, q = ρ e (dv* = dq = ρ² dρ de):
 *   V = v − a q,  v' = v + a ρ (σ − e),  v*' = v − a ρ e − â ρ σ.
 * So Q^+ = π d² b0 ∫_0^R ρ^{γ+2} ∫_{S²}∫_{S²} f(v + aρ(σ − e)) g(v − aρe − âρσ) dσ de dρ.
 * Rename (e, σ) → (σ, e) (both range over all of S² with the same measure):
 *   ∫∫ f(v − aρσ + aρe) g(v − aρσ − âρe) de dσ = ∫ dσ h_ρ(v − aρσ),
 *   h_ρ(v) = ∫_{S²} f(v + aρe) g(v − âρe) de ≈ Σ_p w_p f(v + aρe_p) g(v − âρe_p).
 * The spherical average of a shift is a Fourier multiplier: ∫_{S²} h(v − aρσ) dσ has
 * coefficients 4π sinc(aρ|ξ|) ĥ(ξ). Hence
 *   Q^+ = c Σ_r w_r IFFT[ sinc(aρ_r|ξ|) FFT(h_{ρ_r}) ],   c = 4π b0 π d² (= π d² for b0 = 1/4π),
 * with w_r the radial weights that ALREADY CONTAIN ρ_r^{γ+2} (see radialQuadrature). The loss is
 *   Q^- = f(v) ∫ B dσ g(v − q) dq = f · (g ∗ Φ),  Φ(q) = c |q|^γ 1{|q| ≤ R},
 *   Φ̂(ξ) = ∫_{|q|≤R} Φ(q) e^{−iξ·q} dq = 4πc ∫_0^R ρ^{γ+2} sinc(ρ|ξ|) dρ.
 *
 * Discrete conventions a GPU implementation must mirror exactly:
 * - Modes ξ_k = (π/L) k with k the signed FFT frequency (fft.ts order: 0..N/2−1, −N/2..−1);
 *   forward FFT unnormalised, inverse normalised by 1/N³. The cell-centred grid offset cancels
 *   because every operation is a Fourier multiplier (diagonal in k).
 * - Band-limited shift: f(v + s) ↦ coefficients f̂_k e^{+iξ_k·s}. In the shifts only, every mode
 *   with any component at the Nyquist index N/2 is set to zero (its phase e^{iξ·s} would break
 *   the Hermitian symmetry), so shifted real data stay exactly real. The sinc and Φ̂ multipliers
 *   are real and even in ξ and are applied to all modes, Nyquist included, using |ξ| with
 *   ξ = −(π/L)(N/2) at the Nyquist index.
 * - The f-shift is +aρe_p (a = m_β/(m_α+m_β)) and the g-shift is −âρe_p (â = m_α/(m_α+m_β));
 *   the sinc argument is aρ|ξ|.
 * - Truncation R defaults to 2S with S from the multi-species rule of §4 (velocityBox.ts).
 * - Order of work per x-cell: f̂ = FFT f, ĝ = FFT g once; for each radial node r, for each sphere
 *   point p, one complex IFFT of f̂·e^{iξ·aρe_p} + i ĝ·e^{−iξ·âρe_p} gives f(v + aρe_p) in its real
 *   part and g(v − âρe_p) in its imaginary part (both real because of the Nyquist rule above);
 *   h_r += w_p Re·Im; then Ĝain += w_r sinc(aρ_r|ξ|) FFT(h_r) is accumulated in Fourier space and a
 *   single IFFT at the end gives gain = c · Re IFFT(Ĝain). Loss = f · Re IFFT(Φ̂ ĝ).
 */
import { fft3d, fftFrequency } from '../fft';
import { radialQuadrature, type SphereRule, sphereQuadrature } from '../quadrature';
import { truncationRadius } from '../velocityBox';
import { InvalidParameterError, type VelocityGrid } from '../velocityGrid';

/** Isotropic angular kernel b ≡ b0 = 1/(4π), so that ∫_{S²} b dσ = 1 (§1). */
export const ISOTROPIC_B0 = 1 / (4 * Math.PI);

export interface CollidingSpecies {
  /** Mass m_α > 0. */
  readonly mass: number;
  /** Diameter d_α > 0. */
  readonly diameter: number;
}

/** The ordered pair (α, β) of Q^{αβ}(f, g): f is species α, g is species β. */
export interface CollisionPair {
  readonly alpha: CollidingSpecies;
  readonly beta: CollidingSpecies;
  /** Kernel exponent γ ∈ (−3, 1]. */
  readonly gamma: number;
}

export interface SpectralQuadrature {
  /** N_ρ, radial Gauss–Jacobi nodes on (0, R). */
  readonly nRho: number;
  /** Gauss–Legendre nodes in cosθ of the sphere rule. */
  readonly nTheta: number;
  /** Uniform azimuths of the sphere rule (even). */
  readonly nPhi: number;
  /** Truncation radius R of the kernel; default 2S from the §4 multi-species rule. */
  readonly truncation?: number;
  /** Gauss–Jacobi nodes for the loss kernel Φ̂ (default: enough for R·max|ξ|). */
  readonly lossNodes?: number;
}

/** A default quadrature: N_ρ = N_v/2 (§4 "plan on N_ρ ≈ N_v/2"), 4 × 8 sphere points. */
export function defaultSpectralQuadrature(grid: VelocityGrid): SpectralQuadrature {
  return { nRho: Math.max(4, grid.nv / 2), nTheta: 4, nPhi: 8 };
}

export interface SpectralTables {
  readonly grid: VelocityGrid;
  readonly pair: CollisionPair;
  /** Truncation radius R. */
  readonly truncation: number;
  /** c = 4π b0 π d_{αβ}². */
  readonly kernelConstant: number;
  /** a = m_β/(m_α+m_β): f is shifted by +aρe and the sinc argument is aρ|ξ|. */
  readonly shiftFractionF: number;
  /** â = m_α/(m_α+m_β): g is shifted by −âρe. */
  readonly shiftFractionG: number;
  /** Radial nodes ρ_r. */
  readonly radialNodes: Float64Array;
  /** Radial weights w_r, INCLUDING the factor ρ_r^{γ+2}. */
  readonly radialWeights: Float64Array;
  readonly sphere: SphereRule;
  /** ξ per axis in FFT order, (π/L)·signed frequency. */
  readonly waveNumbers: Float64Array;
  /** |ξ_k| for the N³ modes in FFT order. */
  readonly waveNumberNorm: Float64Array;
  /** Φ̂(ξ_k) for the N³ modes in FFT order (real, even). */
  readonly lossKernel: Float64Array;
}

export function sinc(s: number): number {
  if (Math.abs(s) < 1e-4) {
    const s2 = s * s;
    return 1 - s2 / 6 + (s2 * s2) / 120;
  }
  return Math.sin(s) / s;
}

function checkPair(pair: CollisionPair): void {
  for (const [name, sp] of [
    ['alpha', pair.alpha],
    ['beta', pair.beta],
  ] as const) {
    if (!(sp.mass > 0) || !Number.isFinite(sp.mass)) {
      throw new InvalidParameterError(`collision.${name}.mass`, 'a finite number > 0', sp.mass);
    }
    if (!(sp.diameter > 0) || !Number.isFinite(sp.diameter)) {
      throw new InvalidParameterError(`collision.${name}.diameter`, 'a finite number > 0', sp.diameter);
    }
  }
  if (!(pair.gamma > -3 && pair.gamma <= 1)) {
    throw new InvalidParameterError('collision.gamma', 'a number in (−3, 1]', pair.gamma);
  }
}

/**
 * Φ̂(k) = 4πc ∫_0^R ρ^{γ+2} sinc(ρk) dρ for each k in `norms`, by one high-order Gauss–Jacobi
 * rule (α = 0, β = γ + 2). The integrand is entire in ρ with frequency ≤ R·max k, so
 * n ≈ R·max(k)/2 + 40 nodes make it accurate to rounding.
 */
export function lossKernelTransform(
  norms: Float64Array,
  truncation: number,
  gamma: number,
  kernelConstant: number,
  nodes?: number,
): Float64Array {
  let kmax = 0;
  for (const k of norms) kmax = Math.max(kmax, k);
  const n = nodes ?? Math.ceil((truncation * kmax) / 2) + 40;
  const rule = radialQuadrature(n, truncation, gamma);
  const out = new Float64Array(norms.length);
  const cache = new Map<number, number>();
  for (let i = 0; i < norms.length; i++) {
    const k = norms[i]!;
    let value = cache.get(k);
    if (value === undefined) {
      let s = 0;
      for (let r = 0; r < n; r++) s += rule.weights[r]! * sinc(rule.nodes[r]! * k);
      value = 4 * Math.PI * kernelConstant * s;
      cache.set(k, value);
    }
    out[i] = value;
  }
  return out;
}

/** Precompute everything of Q^{αβ} on one grid that does not depend on f and g. */
export function spectralTables(
  grid: VelocityGrid,
  pair: CollisionPair,
  quadrature: SpectralQuadrature = defaultSpectralQuadrature(grid),
): SpectralTables {
  checkPair(pair);
  const { nv } = grid;
  const mAlpha = pair.alpha.mass;
  const mBeta = pair.beta.mass;
  const truncation = quadrature.truncation ?? truncationRadius(grid.vmax, mAlpha / mBeta);
  if (!(truncation > 0) || !Number.isFinite(truncation)) {
    throw new InvalidParameterError('collision.truncation', 'a finite number > 0', truncation);
  }
  const dAlphaBeta = (pair.alpha.diameter + pair.beta.diameter) / 2;
  const kernelConstant = 4 * Math.PI * ISOTROPIC_B0 * Math.PI * dAlphaBeta * dAlphaBeta;
  const radial = radialQuadrature(quadrature.nRho, truncation, pair.gamma);
  const sphere = sphereQuadrature(quadrature.nTheta, quadrature.nPhi);
  const waveNumbers = new Float64Array(nv);
  for (let k = 0; k < nv; k++) waveNumbers[k] = (Math.PI / grid.vmax) * fftFrequency(k, nv);
  const waveNumberNorm = new Float64Array(grid.pointsPerCell);
  for (let k1 = 0; k1 < nv; k1++) {
    for (let k2 = 0; k2 < nv; k2++) {
      for (let k3 = 0; k3 < nv; k3++) {
        waveNumberNorm[(k1 * nv + k2) * nv + k3] = Math.hypot(
          waveNumbers[k1]!,
          waveNumbers[k2]!,
          waveNumbers[k3]!,
        );
      }
    }
  }
  const lossKernel = lossKernelTransform(
    waveNumberNorm,
    truncation,
    pair.gamma,
    kernelConstant,
    quadrature.lossNodes,
  );
  return {
    grid,
    pair,
    truncation,
    kernelConstant,
    shiftFractionF: mBeta / (mAlpha + mBeta),
    shiftFractionG: mAlpha / (mAlpha + mBeta),
    radialNodes: radial.nodes,
    radialWeights: radial.weights,
    sphere,
    waveNumbers,
    waveNumberNorm,
    lossKernel,
  };
}

/**
 * The gain multiplier of radial node r: sinc(a ρ_r |ξ_k|) for the N³ modes in FFT order
 * (a = m_β/(m_α+m_β), the spherical average of the shift by a ρ_r σ).
 */
export function gainSincFactors(tables: SpectralTables, r: number): Float64Array {
  const s = tables.shiftFractionF * tables.radialNodes[r]!;
  return tables.waveNumberNorm.map((k) => sinc(s * k));
}

/** The three per-axis phase vectors e^{iξ_k s_d} of a shift s, Nyquist zeroed (re, im per axis). */
function shiftPhases(waveNumbers: Float64Array, s0: number, s1: number, s2: number): Float64Array[] {
  const n = waveNumbers.length;
  const out: Float64Array[] = [];
  for (const s of [s0, s1, s2]) {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      if (n > 1 && k === n / 2) continue; // Nyquist: zero
      const phase = waveNumbers[k]! * s;
      re[k] = Math.cos(phase);
      im[k] = Math.sin(phase);
    }
    out.push(re, im);
  }
  return out;
}

/**
 * z ← a·P(s) + i·b·P(t): the spectrum of the complex field f(v + s) + i g(v + t) for real f, g
 * with spectra (aRe, aIm), (bRe, bIm), P the separable phase products (Nyquist zeroed).
 */
function shiftedPairSpectrum(
  n: number,
  aRe: Float64Array,
  aIm: Float64Array,
  pa: Float64Array[],
  bRe: Float64Array,
  bIm: Float64Array,
  pb: Float64Array[],
  zRe: Float64Array,
  zIm: Float64Array,
): void {
  const [a1r, a1i, a2r, a2i, a3r, a3i] = pa as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const [b1r, b1i, b2r, b2i, b3r, b3i] = pb as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  for (let k1 = 0; k1 < n; k1++) {
    for (let k2 = 0; k2 < n; k2++) {
      // Phase of the first two axes.
      const a12r = a1r[k1]! * a2r[k2]! - a1i[k1]! * a2i[k2]!;
      const a12i = a1r[k1]! * a2i[k2]! + a1i[k1]! * a2r[k2]!;
      const b12r = b1r[k1]! * b2r[k2]! - b1i[k1]! * b2i[k2]!;
      const b12i = b1r[k1]! * b2i[k2]! + b1i[k1]! * b2r[k2]!;
      const base = (k1 * n + k2) * n;
      for (let k3 = 0; k3 < n; k3++) {
        const i = base + k3;
        const par = a12r * a3r[k3]! - a12i * a3i[k3]!;
        const pai = a12r * a3i[k3]! + a12i * a3r[k3]!;
        const pbr = b12r * b3r[k3]! - b12i * b3i[k3]!;
        const pbi = b12r * b3i[k3]! + b12i * b3r[k3]!;
        // a·Pa
        const ur = aRe[i]! * par - aIm[i]! * pai;
        const ui = aRe[i]! * pai + aIm[i]! * par;
        // b·Pb
        const wr = bRe[i]! * pbr - bIm[i]! * pbi;
        const wi = bRe[i]! * pbi + bIm[i]! * pbr;
        // u + i w
        zRe[i] = ur - wi;
        zIm[i] = ui + wr;
      }
    }
  }
}

/** Spectrum (FFT, unnormalised) of real data f. */
export function realSpectrum(f: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  const re = Float64Array.from(f);
  const im = new Float64Array(re.length);
  fft3d(re, im, n);
  return { re, im };
}

/**
 * The band-limited shift v ↦ f(v + s) on the grid (Nyquist modes zeroed), the same operation the
 * gain term applies to f and g.
 */
export function bandLimitedShift(
  f: ArrayLike<number>,
  grid: VelocityGrid,
  shift: readonly [number, number, number],
): Float64Array {
  const { nv } = grid;
  const waveNumbers = new Float64Array(nv);
  for (let k = 0; k < nv; k++) waveNumbers[k] = (Math.PI / grid.vmax) * fftFrequency(k, nv);
  const spec = realSpectrum(f, nv);
  const zero = new Float64Array(grid.pointsPerCell);
  const zRe = new Float64Array(grid.pointsPerCell);
  const zIm = new Float64Array(grid.pointsPerCell);
  const p = shiftPhases(waveNumbers, shift[0], shift[1], shift[2]);
  shiftedPairSpectrum(nv, spec.re, spec.im, p, zero, zero, p, zRe, zIm);
  fft3d(zRe, zIm, nv, true);
  return zRe;
}

export interface CollisionTerms {
  /** Q^{αβ,+}. */
  readonly gain: Float64Array;
  /** Q^{αβ,−} = f · (g ∗ Φ). */
  readonly loss: Float64Array;
  /** Q^{αβ} = gain − loss. */
  readonly q: Float64Array;
}

function checkCell(f: ArrayLike<number>, grid: VelocityGrid, name: string): void {
  if (f.length !== grid.pointsPerCell) {
    throw new RangeError(
      `collisionOperator: ${name} has ${f.length} values, expected N_v³ = ${grid.pointsPerCell}`,
    );
  }
}

/**
 * The ±e symmetry of the sphere rule (PHYSICS.md §4). sphereQuadrature's points come in
 * antipodal pairs e, −e of equal weight (Gauss–Legendre nodes symmetric in cosθ, an even number of
 * azimuths). Returns one point of each pair carrying the pair's summed weight, or null when `rule`
 * has no such pairing. Used where the sphere sum's summand is even in e:
 * - Q^{αα}(f, f): a = â = ½ and f(v + ρe/2) f(v − ρe/2) is even in e, so the half rule with doubled
 *   weights gives the same h_ρ (exactly: the band-limited shifts by ±s are the same operator);
 * - Q^{βα} from Q^{αβ}: the summand of Q^{βα} at −e, F^β(v − âρe) F^α(v + aρe), is Q^{αβ}'s at e,
 *   so both share h_ρ and differ only in the sinc multiplier (a for αβ, â for βα).
 */
export function antipodalHalf(rule: SphereRule): SphereRule | null {
  // the float64 operator asks for every cell of every step: pair the points once per rule
  let half = antipodalHalves.get(rule);
  if (half === undefined) {
    half = pairAntipodes(rule);
    antipodalHalves.set(rule, half);
  }
  return half;
}

const antipodalHalves = new WeakMap<SphereRule, SphereRule | null>();

function pairAntipodes(rule: SphereRule): SphereRule | null {
  const { points, weights, count } = rule;
  if (count % 2 !== 0) return null;
  const partner = new Int32Array(count).fill(-1);
  for (let p = 0; p < count; p++) {
    if (partner[p]! >= 0) continue;
    for (let q = p + 1; q < count; q++) {
      if (partner[q]! >= 0) continue;
      const d =
        Math.abs(points[3 * p]! + points[3 * q]!) +
        Math.abs(points[3 * p + 1]! + points[3 * q + 1]!) +
        Math.abs(points[3 * p + 2]! + points[3 * q + 2]!);
      if (d < 1e-12 && Math.abs(weights[p]! - weights[q]!) <= 1e-12 * Math.abs(weights[p]!)) {
        partner[p] = q;
        partner[q] = p;
        break;
      }
    }
    if (partner[p]! < 0) return null;
  }
  const half = count / 2;
  const outPoints = new Float64Array(3 * half);
  const outWeights = new Float64Array(half);
  let o = 0;
  for (let p = 0; p < count; p++) {
    if (partner[p]! < p) continue; // the partner came first and is kept
    outPoints.set(points.subarray(3 * p, 3 * p + 3), 3 * o);
    outWeights[o] = weights[p]! + weights[partner[p]!]!;
    o++;
  }
  return { points: outPoints, weights: outWeights, count: half, degree: rule.degree };
}

/**
 * Ĝain_t = Σ_r w_r sinc(a_t ρ_r|ξ|) FFT(h_r), h_r = Σ_p w_p f(v + aρ_r e_p) g(v − âρ_r e_p), for
 * each t in `multipliers` (tables sharing the radial rule of `tables`; their shiftFractionF is the
 * sinc fraction a_t). The shifts a, â are those of `tables`; `rule` is its sphere rule or the
 * antipodal half of it (antipodalHalf). Returns the accumulated spectra, before the inverse FFT.
 */
function gainSpectra(
  fHat: { re: Float64Array; im: Float64Array },
  gHat: { re: Float64Array; im: Float64Array },
  tables: SpectralTables,
  rule: SphereRule,
  multipliers: readonly SpectralTables[],
): { re: Float64Array; im: Float64Array }[] {
  const { grid, radialNodes, waveNumbers } = tables;
  const { nv, pointsPerCell } = grid;
  const a = tables.shiftFractionF;
  const aHat = tables.shiftFractionG;
  const zRe = new Float64Array(pointsPerCell);
  const zIm = new Float64Array(pointsPerCell);
  const h = new Float64Array(pointsPerCell);
  const hIm = new Float64Array(pointsPerCell);
  const acc = multipliers.map(() => ({
    re: new Float64Array(pointsPerCell),
    im: new Float64Array(pointsPerCell),
  }));
  for (let r = 0; r < radialNodes.length; r++) {
    const rho = radialNodes[r]!;
    h.fill(0);
    for (let p = 0; p < rule.count; p++) {
      const e1 = rule.points[3 * p]!;
      const e2 = rule.points[3 * p + 1]!;
      const e3 = rule.points[3 * p + 2]!;
      const pf = shiftPhases(waveNumbers, a * rho * e1, a * rho * e2, a * rho * e3);
      const pg = shiftPhases(waveNumbers, -aHat * rho * e1, -aHat * rho * e2, -aHat * rho * e3);
      // One complex IFFT gives both real shifted fields: Re = f(v + aρe), Im = g(v − âρe).
      shiftedPairSpectrum(nv, fHat.re, fHat.im, pf, gHat.re, gHat.im, pg, zRe, zIm);
      fft3d(zRe, zIm, nv, true);
      const wp = rule.weights[p]!;
      for (let i = 0; i < pointsPerCell; i++) h[i]! += wp * zRe[i]! * zIm[i]!;
    }
    hIm.fill(0);
    fft3d(h, hIm, nv);
    multipliers.forEach((t, m) => {
      const wr = t.radialWeights[r]!;
      const sincFactors = gainSincFactors(t, r);
      const { re, im } = acc[m]!;
      for (let i = 0; i < pointsPerCell; i++) {
        const factor = wr * sincFactors[i]!;
        re[i]! += factor * h[i]!;
        im[i]! += factor * hIm[i]!;
      }
    });
  }
  return acc;
}

/** Q^{αβ} from its accumulated gain spectrum: gain = c Re IFFT(Ĝain), loss = f · Re IFFT(Φ̂ ĝ). */
function collisionFromGain(
  f: ArrayLike<number>,
  gHat: { re: Float64Array; im: Float64Array },
  gainSpectrum: { re: Float64Array; im: Float64Array },
  tables: SpectralTables,
): CollisionTerms {
  const { nv, pointsPerCell } = tables.grid;
  fft3d(gainSpectrum.re, gainSpectrum.im, nv, true);
  const gain = new Float64Array(pointsPerCell);
  for (let i = 0; i < pointsPerCell; i++) gain[i] = tables.kernelConstant * gainSpectrum.re[i]!;

  // Loss: f · IFFT(Φ̂ ĝ).
  const cRe = new Float64Array(pointsPerCell);
  const cIm = new Float64Array(pointsPerCell);
  for (let i = 0; i < pointsPerCell; i++) {
    cRe[i] = tables.lossKernel[i]! * gHat.re[i]!;
    cIm[i] = tables.lossKernel[i]! * gHat.im[i]!;
  }
  fft3d(cRe, cIm, nv, true);
  const loss = new Float64Array(pointsPerCell);
  const q = new Float64Array(pointsPerCell);
  for (let i = 0; i < pointsPerCell; i++) {
    loss[i] = f[i]! * cRe[i]!;
    q[i] = gain[i]! - loss[i]!;
  }
  return { gain, loss, q };
}

/** Q^{αβ}(f, g) from the spectra of f and g, over `rule` (the full sphere rule unless halved). */
function collisionFromSpectra(
  f: ArrayLike<number>,
  fHat: { re: Float64Array; im: Float64Array },
  gHat: { re: Float64Array; im: Float64Array },
  tables: SpectralTables,
  rule: SphereRule = tables.sphere,
): CollisionTerms {
  const [gainSpectrum] = gainSpectra(fHat, gHat, tables, rule, [tables]);
  return collisionFromGain(f, gHat, gainSpectrum!, tables);
}

/** Options of the float64 operators. */
export interface SpectralOptions {
  /**
   * Use the ±e symmetry of the sphere rule (antipodalHalf): half the sphere points for Q^{αα}(f, f)
   * and Q^{βα}'s sphere sums taken from Q^{αβ}'s. The same sums in exact arithmetic, about half the
   * work; default true (the GPU does the same). false evaluates every pair over the full rule.
   */
  readonly sphereSymmetry?: boolean;
}

/** Q^{αβ}(f, g) = gain − loss for ONE x-cell (f of species α, g of species β, N_v³ values each). */
export function collisionOperator(
  f: ArrayLike<number>,
  g: ArrayLike<number>,
  tables: SpectralTables,
  options: SpectralOptions = {},
): CollisionTerms {
  checkCell(f, tables.grid, 'f');
  checkCell(g, tables.grid, 'g');
  const fHat = realSpectrum(f, tables.grid.nv);
  const gHat = f === g ? fHat : realSpectrum(g, tables.grid.nv);
  // the half rule needs an even summand: the same data in both slots and a = â (equal masses)
  const even = (options.sphereSymmetry ?? true) && f === g && tables.shiftFractionF === tables.shiftFractionG;
  const half = even ? antipodalHalf(tables.sphere) : null;
  return collisionFromSpectra(f, fHat, gHat, tables, half ?? tables.sphere);
}

/**
 * Whether Q^{βα} may take Q^{αβ}'s sphere sums (antipodalHalf): the same radial nodes and sphere
 * points (mixtureSpectralTables gives both one truncation and one rule) and an antipodal rule.
 */
export function pairSharesSphereSums(ab: SpectralTables, ba: SpectralTables): boolean {
  const same = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    same(ab.radialNodes, ba.radialNodes) &&
    same(ab.sphere.points, ba.sphere.points) &&
    same(ab.sphere.weights, ba.sphere.weights) &&
    ab.shiftFractionF === ba.shiftFractionG &&
    antipodalHalf(ab.sphere) !== null
  );
}

/** The four ordered pairs of a two-species mixture. */
export interface MixtureTables {
  readonly AA: SpectralTables;
  readonly AB: SpectralTables;
  readonly BA: SpectralTables;
  readonly BB: SpectralTables;
}

/**
 * Tables for Q^{AA}, Q^{AB}, Q^{BA}, Q^{BB}. All four share one truncation R: the §4 rule for the
 * mixture's mass ratio m_A/m_B (R = 2S, S the common support radius of both species), unless
 * quadrature.truncation is given.
 */
export function mixtureSpectralTables(
  grid: VelocityGrid,
  species: readonly [CollidingSpecies, CollidingSpecies],
  gamma: number,
  quadrature: SpectralQuadrature = defaultSpectralQuadrature(grid),
): MixtureTables {
  const [A, B] = species;
  const truncation = quadrature.truncation ?? truncationRadius(grid.vmax, A.mass / B.mass);
  const quad = { ...quadrature, truncation };
  return {
    AA: spectralTables(grid, { alpha: A, beta: A, gamma }, quad),
    AB: spectralTables(grid, { alpha: A, beta: B, gamma }, quad),
    BA: spectralTables(grid, { alpha: B, beta: A, gamma }, quad),
    BB: spectralTables(grid, { alpha: B, beta: B, gamma }, quad),
  };
}

export interface MixtureCollisionTerms {
  readonly AA: CollisionTerms;
  readonly AB: CollisionTerms;
  readonly BA: CollisionTerms;
  readonly BB: CollisionTerms;
  /** Q_A = Q^{AA}(F^A, F^A) + Q^{AB}(F^A, F^B). */
  readonly qA: Float64Array;
  /** Q_B = Q^{BA}(F^B, F^A) + Q^{BB}(F^B, F^B). */
  readonly qB: Float64Array;
}

/** The four operators of a species pair for ONE x-cell, and the per-species sums. */
export function mixtureCollisionOperators(
  fA: ArrayLike<number>,
  fB: ArrayLike<number>,
  tables: MixtureTables,
  options: SpectralOptions = {},
): MixtureCollisionTerms {
  const grid = tables.AA.grid;
  checkCell(fA, grid, 'fA');
  checkCell(fB, grid, 'fB');
  const aHat = realSpectrum(fA, grid.nv);
  const bHat = realSpectrum(fB, grid.nv);
  const symmetric = options.sphereSymmetry ?? true;
  const halfA = symmetric ? antipodalHalf(tables.AA.sphere) : null;
  const halfB = symmetric ? antipodalHalf(tables.BB.sphere) : null;
  const AA = collisionFromSpectra(fA, aHat, aHat, tables.AA, halfA ?? tables.AA.sphere);
  const BB = collisionFromSpectra(fB, bHat, bHat, tables.BB, halfB ?? tables.BB.sphere);
  let AB: CollisionTerms;
  let BA: CollisionTerms;
  if (symmetric && pairSharesSphereSums(tables.AB, tables.BA)) {
    // Q^{BA}'s sphere sums are Q^{AB}'s (antipodalHalf): one set of shifted products, two multipliers
    const [gainAB, gainBA] = gainSpectra(aHat, bHat, tables.AB, tables.AB.sphere, [tables.AB, tables.BA]);
    AB = collisionFromGain(fA, bHat, gainAB!, tables.AB);
    BA = collisionFromGain(fB, aHat, gainBA!, tables.BA);
  } else {
    AB = collisionFromSpectra(fA, aHat, bHat, tables.AB);
    BA = collisionFromSpectra(fB, bHat, aHat, tables.BA);
  }
  const qA = new Float64Array(grid.pointsPerCell);
  const qB = new Float64Array(grid.pointsPerCell);
  for (let i = 0; i < qA.length; i++) {
    qA[i] = AA.q[i]! + AB.q[i]!;
    qB[i] = BA.q[i]! + BB.q[i]!;
  }
  return { AA, AB, BA, BB, qA, qB };
}
