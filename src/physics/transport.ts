/**
 * Transport along characteristics (PHYSICS.md §1, §4): the two free flows of the Strang splitting,
 *   x-advection  ∂t F + v1 ∂x F = 0            → F(x, v) ← F(x − v1 τ, v)
 *   v-advection  ∂t F + (e_α/m_α) E ∂v1 F = 0  → F(x, v) ← F(x, v − (e_α/m_α) E(x) τ e1)
 * each a band-limited (trigonometric-interpolation) shift along one periodic axis, i.e. a
 * circulant matrix. Mass is conserved exactly (the mean mode is untouched); the shift is exact for
 * band-limited data. The velocity axis is treated as periodic like the collision operator's
 * spectral view of the box: F must be negligible at ±L (the box rules ensure ~1e−7).
 * Float64 twin of src/shaders/advectX.wgsl and advectV.wgsl, which use the same weights.
 */

import { solveLinear } from './maxwellian';
import type { VelocityGrid } from './velocityGrid';
import { velocityNodes } from './velocityGrid';

/**
 * Weights W[d], d = 0 … n−1, of the shift f_new[i] = Σ_m W[(i − m) mod n] f[m] = f(x_i − sΔ) on a
 * periodic grid of n points (s in grid cells, any real), the trigonometric interpolant:
 *   W[d] = (1/n) [1 + 2 Σ_{k=1}^{K} cos(2πk(d − s)/n) + (even n) cos(π(d − s))],  K = ⌈n/2⌉ − 1.
 * The Nyquist mode (even n) enters through its real part, so real data stay real, an integer s is
 * an exact index shift (s = 0 the identity: a neutral species is left untouched), and Σ_d W[d] = 1
 * (mass). For non-integer s the Nyquist mode is damped by cos(πs): harmless for resolved data.
 */
export function shiftWeights(n: number, s: number): Float64Array {
  const w = new Float64Array(n);
  const modes = Math.ceil(n / 2) - 1;
  for (let d = 0; d < n; d++) {
    let sum = 1;
    for (let k = 1; k <= modes; k++) sum += 2 * Math.cos((2 * Math.PI * k * (d - s)) / n);
    if (n % 2 === 0) sum += Math.cos(Math.PI * (d - s));
    w[d] = sum / n;
  }
  return w;
}

/**
 * The twiddles of shiftWeights' modes, cos(2πkd/n) and sin(2πkd/n) for k = 1 … K, d = 0 … n−1,
 * laid out [cos | sin][k − 1][d] (2·K·n values): with them W[d] = (1/n)[1 + 2 Σ_k (cos_kd
 * cos(2πks/n) + sin_kd sin(2πks/n)) + (even n) (−1)^d cos(πs)], the same weights with only the
 * shift-dependent factors left to compute (src/shaders/fieldSolve.wgsl). Tabulated in float64.
 */
export function shiftTwiddles(n: number): Float64Array {
  const modes = Math.ceil(n / 2) - 1;
  const out = new Float64Array(2 * modes * n);
  for (let k = 1; k <= modes; k++) {
    for (let d = 0; d < n; d++) {
      const angle = (2 * Math.PI * ((k * d) % n)) / n;
      out[(k - 1) * n + d] = Math.cos(angle);
      out[(modes + k - 1) * n + d] = Math.sin(angle);
    }
  }
  return out;
}

/** x-advection weights for all v1 nodes: [i1][d], nv × nx (τ the sub-step, Δx = ℓ/nx). */
export function advectXWeights(grid: VelocityGrid, nx: number, length: number, tau: number): Float64Array {
  const v = velocityNodes(grid);
  const out = new Float64Array(grid.nv * nx);
  const dx = length / nx;
  for (let i1 = 0; i1 < grid.nv; i1++) out.set(shiftWeights(nx, (v[i1]! * tau) / dx), i1 * nx);
  return out;
}

/**
 * v-advection weights per species and cell: [species][cell][d], 2 × nx × nv, for the field E(x)
 * (charge-to-mass ratios e_α/m_α) and sub-step τ; a neutral species gets the identity.
 */
export function advectVWeights(
  grid: VelocityGrid,
  field: ArrayLike<number>,
  chargeToMass: readonly [number, number],
  tau: number,
): Float64Array {
  const nx = field.length;
  const out = new Float64Array(2 * nx * grid.nv);
  const shifts = advectVShifts(field, chargeToMass, tau);
  for (let line = 0; line < 2 * nx; line++) {
    out.set(shiftWeights(grid.nv, shifts[line]! / grid.dv), line * grid.nv);
  }
  return out;
}

/** x-advection of the state F [species][cell][N³] (float64), out of place. */
export function advectX(
  state: ArrayLike<number>,
  grid: VelocityGrid,
  nx: number,
  weights: Float64Array,
): Float64Array {
  const points = grid.pointsPerCell;
  const out = new Float64Array(state.length);
  const perI1 = grid.nv * grid.nv;
  for (let s = 0; s < 2; s++) {
    for (let i = 0; i < nx; i++) {
      for (let j = 0; j < points; j++) {
        const row = Math.floor(j / perI1) * nx;
        let sum = 0;
        for (let m = 0; m < nx; m++)
          sum += weights[row + ((i - m + nx) % nx)]! * state[(s * nx + m) * points + j]!;
        out[(s * nx + i) * points + j] = sum;
      }
    }
  }
  return out;
}

/** v-advection along v1 of the state F [species][cell][N³] (float64), out of place. */
export function advectV(
  state: ArrayLike<number>,
  grid: VelocityGrid,
  nx: number,
  weights: Float64Array,
): Float64Array {
  const { nv, pointsPerCell: points } = grid;
  const perI1 = nv * nv;
  const out = new Float64Array(state.length);
  for (let s = 0; s < 2; s++) {
    for (let i = 0; i < nx; i++) {
      const base = (s * nx + i) * points;
      const w = (s * nx + i) * nv;
      for (let j = 0; j < points; j++) {
        const i1 = Math.floor(j / perI1);
        const rest = j % perI1;
        let sum = 0;
        for (let m = 0; m < nv; m++)
          sum += weights[w + ((i1 - m + nv) % nv)]! * state[base + m * perI1 + rest]!;
        out[base + j] = sum;
      }
    }
  }
  return out;
}

/** The velocity shift a = (e_α/m_α) E(x) τ of the v-advection, per species and cell: [species][cell]. */
export function advectVShifts(
  field: ArrayLike<number>,
  chargeToMass: readonly [number, number],
  tau: number,
): Float64Array {
  const nx = field.length;
  const out = new Float64Array(2 * nx);
  for (let s = 0; s < 2; s++)
    for (let i = 0; i < nx; i++) out[s * nx + i] = chargeToMass[s]! * field[i]! * tau;
  return out;
}

/**
 * Makes the v-shift exact in the three moments the free flow F ← F(v − a e1) changes (PHYSICS.md §4,
 * transport along characteristics; README "The moment-exact v-shift"), per species and cell, in
 * place on `after`:
 *   Σ F = Σ f,   Σ v1 F = Σ v1 f + a Σ f,   Σ |v|² F = Σ |v|² f + 2a Σ v1 f + a² Σ f
 * (f = `before`, the state the shift was applied to). Why: the trigonometric shift is exact only for
 * band-limited data, and a Maxwellian on an affordable grid is not (Δv ≈ one thermal speed at N_v 16
 * in the automatic box): the momentum it imparts is then off by about the Maxwellian's spectrum at the
 * Nyquist wavenumber (0.8 % for m = 1, 1.3 % for m = 1.1 at N_v 16, L 7.62; 5–7 % at N_v 8, L 4.5), a
 * wrong force that no Δt or n_x refinement removes and that the remainder divides by ε.
 * The correction is F ← F + |F| (c0 + c1 v1 + c2 |v|²), c from the 3 × 3 normal equations with the
 * Gram matrix Σ |F| φ_k φ_l, φ = (1, v1, |v|²): small where F is small (no tails are created), F
 * unchanged where the shift was already exact (a = 0: the identity, c = 0).
 */
export function vShiftMomentCorrection(
  before: ArrayLike<number>,
  after: Float64Array,
  grid: VelocityGrid,
  nx: number,
  shifts: ArrayLike<number>,
): void {
  const { nv, pointsPerCell: points } = grid;
  const v = velocityNodes(grid);
  const phi = Float64Array.of(1, 0, 0); // (1, v1, |v|²) at the current point, reused (hot loop)
  const speed2 = new Float64Array(points);
  for (let j = 0; j < points; j++) {
    const i1 = Math.floor(j / (nv * nv));
    const i2 = Math.floor(j / nv) % nv;
    const i3 = j % nv;
    speed2[j] = v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2;
  }
  for (let line = 0; line < 2 * nx; line++) {
    const a = shifts[line]!;
    if (a === 0) continue;
    const base = line * points;
    let f0 = 0;
    let f1 = 0;
    let f2 = 0;
    const gram = new Float64Array(9);
    const have = new Float64Array(3);
    for (let j = 0; j < points; j++) {
      const f = before[base + j]!;
      const g = after[base + j]!;
      phi[1] = v[Math.floor(j / (nv * nv))]!;
      phi[2] = speed2[j]!;
      f0 += f;
      f1 += phi[1]! * f;
      f2 += phi[2]! * f;
      const w = Math.abs(g);
      for (let k = 0; k < 3; k++) {
        have[k]! += phi[k]! * g;
        for (let l = 0; l < 3; l++) gram[3 * k + l]! += w * phi[k]! * phi[l]!;
      }
    }
    // the shift conserves mass exactly (Σ_d W = 1): the correction adds none (want₀ = have₀)
    const want = [have[0]!, f1 + a * f0, f2 + 2 * a * f1 + a * a * f0];
    const residual = Float64Array.from(want, (x, k) => x - have[k]!);
    const c = solveLinear(gram, residual, 3);
    if (!c.every(Number.isFinite)) continue; // an empty cell (Σ|F| = 0): nothing to correct
    for (let j = 0; j < points; j++) {
      const g = after[base + j]!;
      after[base + j] =
        g + Math.abs(g) * (c[0]! + c[1]! * v[Math.floor(j / (nv * nv))]! + c[2]! * speed2[j]!);
    }
  }
}
