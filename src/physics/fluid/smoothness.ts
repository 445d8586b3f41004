/**
 * Is a periodic fluid state resolved on its grid? The spectral fluid (spectral.ts) is exact to
 * round-off for smooth data and wrong for a steepened front (Gibbs oscillations, then a negative
 * pressure); the kinetic x-transport is a trigonometric shift (transport.ts), so for smooth data
 * the spectral fluid is the reference that makes the same x-discretisation as the kinetic run.
 * `remainder.fluid: "auto"` uses it while the state is resolved, and this is the test: the part of
 * f carried by the upper half of the modes, k_max/2 < |k| ≤ k_max (k_max = ⌊n_x/2⌋), at its
 * largest in x, relative to the range of f,
 *   tail(f) = max_j |Σ_{k_max/2 < |k| ≤ k_max} f̂_k e^{2πijk/n}| / (max f − min f).
 * A resolved smooth wave has a geometrically decaying spectrum (a 5 % sine's third harmonic is
 * ~1e−3 of its first): tail ≪ 1. A front has |f̂_k| ∝ 1/k, and the upper half of a truncated
 * Fourier series of a jump is an oscillation of a fixed fraction of the jump next to it, at any n_x:
 * tail = 0.25 for a square wave (an energy share would instead fall like n_x^{−1/2} and miss fronts
 * on fine grids).
 * The limit, 5 %, sits between: a wave steepening toward a shock crosses it well before the spectral
 * scheme's Gibbs oscillations turn a pressure negative (tests/unit/physics/fluid/smoothness.test.ts).
 */
import { EN, M1, NA, NB } from './variables';

/** The tail above which a state is not resolved: the spectral fluid hands over to finite volumes. */
export const SPECTRAL_TAIL_LIMIT = 0.05;

const tables = new Map<number, { cos: Float64Array; sin: Float64Array }>();

function twiddles(n: number) {
  let t = tables.get(n);
  if (!t) {
    t = {
      cos: Float64Array.from({ length: n }, (_, m) => Math.cos((2 * Math.PI * m) / n)),
      sin: Float64Array.from({ length: n }, (_, m) => Math.sin((2 * Math.PI * m) / n)),
    };
    tables.set(n, t);
  }
  return t;
}

/**
 * tail(f) of the file comment for n samples f[offset … offset + n − 1]: 0 when f varies by less
 * than 1e−12 of its size (a constant up to round-off), NaN when a sample is not finite. Direct DFT
 * of the upper modes and their synthesis: O(n²).
 */
export function spectralTail(f: ArrayLike<number>, n = f.length, offset = 0): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const v = f[offset + j]!;
    if (!Number.isFinite(v)) return Number.NaN;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const kMax = Math.floor(n / 2);
  if (kMax < 1 || !(max - min > 1e-12 * Math.max(Math.abs(max), Math.abs(min)))) return 0;
  const { cos, sin } = twiddles(n);
  const upper = new Float64Array(n);
  for (let k = Math.floor(kMax / 2) + 1; k <= kMax; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const m = (j * k) % n;
      const v = f[offset + j]!;
      re += v * cos[m]!;
      im -= v * sin[m]!;
    }
    // f_j = (1/n) Σ_k f̂_k e^{2πijk/n}: the modes ±k together give (2/n) Re(f̂_k e^{2πijk/n});
    // the Nyquist mode of an even n appears once
    const weight = (2 * k === n ? 1 : 2) / n;
    for (let j = 0; j < n; j++) {
      const m = (j * k) % n;
      upper[j] = upper[j]! + weight * (re * cos[m]! - im * sin[m]!);
    }
  }
  let largest = 0;
  for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(upper[j]!));
  return largest / (max - min);
}

/** The conserved variables whose tails are checked: n_A, n_B, ρu1 and 𝓔 (u2, u3 are only advected). */
const CHECKED = [
  [NA, 'n_A'],
  [NB, 'n_B'],
  [M1, 'ρu1'],
  [EN, 'energy'],
] as const;

/**
 * The first checked variable of a conserved fluid state ([var][cell], n_x cells) whose tail exceeds
 * `limit`, with its tail; null when all are resolved. A non-finite tail is reported (it is not resolved).
 */
export function unresolvedVariable(
  conserved: Float64Array,
  nx: number,
  limit = SPECTRAL_TAIL_LIMIT,
): { readonly variable: string; readonly tail: number } | null {
  for (const [index, variable] of CHECKED) {
    const tail = spectralTail(conserved, nx, index * nx);
    if (!(tail <= limit)) return { variable, tail };
  }
  return null;
}
