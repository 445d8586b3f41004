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
  for (let s = 0; s < 2; s++) {
    for (let i = 0; i < nx; i++) {
      const shift = (chargeToMass[s]! * field[i]! * tau) / grid.dv;
      out.set(shiftWeights(grid.nv, shift), (s * nx + i) * grid.nv);
    }
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
