/**
 * Radix-2 complex FFT in float64 (PHYSICS.md §4: the fast spectral collision operator works on
 * the N_v³ velocity grid through FFTs). Separate real and imaginary Float64Arrays, in place.
 *
 * Conventions (the WGSL FFT must mirror them):
 *   forward  X_k = Σ_j x_j e^{−2πi jk/N}            (no normalisation)
 *   inverse  x_j = (1/N) Σ_k X_k e^{+2πi jk/N}      (1/N per axis, so 1/N³ in 3D)
 * Output in natural FFT order: index k holds frequency k for k < N/2 and k − N for k ≥ N/2
 * (index N/2 is the Nyquist frequency −N/2). 3D arrays use the velocity layout [i1][i2][i3],
 * i3 fastest.
 */

/** Precomputed twiddles and bit-reversal permutation for one length N (a power of two). */
export class FftPlan {
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly bitReverse: Uint32Array;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1 || (n & (n - 1)) !== 0) {
      throw new RangeError(`FftPlan: length ${n} is not a power of two`);
    }
    const half = Math.max(1, n >> 1);
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    this.bitReverse = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitReverse[i] = r;
    }
  }

  /**
   * Unnormalised in-place transform of the N values re/im[offset + j·stride], j < N.
   * inverse = true uses e^{+2πi jk/N}.
   */
  transform(re: Float64Array, im: Float64Array, inverse: boolean, offset = 0, stride = 1): void {
    const { n, cos, sin, bitReverse } = this;
    for (let i = 0; i < n; i++) {
      const j = bitReverse[i]!;
      if (j > i) {
        const a = offset + i * stride;
        const b = offset + j * stride;
        const tr = re[a]!;
        re[a] = re[b]!;
        re[b] = tr;
        const ti = im[a]!;
        im[a] = im[b]!;
        im[b] = ti;
      }
    }
    const sign = inverse ? 1 : -1;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let j = 0; j < half; j++) {
          const wr = cos[j * step]!;
          const wi = sign * sin[j * step]!;
          const a = offset + (start + j) * stride;
          const b = a + half * stride;
          const xr = re[b]!;
          const xi = im[b]!;
          const tr = xr * wr - xi * wi;
          const ti = xr * wi + xi * wr;
          const ur = re[a]!;
          const ui = im[a]!;
          re[a] = ur + tr;
          im[a] = ui + ti;
          re[b] = ur - tr;
          im[b] = ui - ti;
        }
      }
    }
  }

  /**
   * The same transform applied to `width` interleaved sequences at once: element j of sequence t
   * is at offset + j·stride + t (t < width ≤ stride). Used for the strided axes of the 3D FFT so
   * that each butterfly sweeps a contiguous row (cache-friendly, one twiddle per row).
   */
  transformRows(
    re: Float64Array,
    im: Float64Array,
    inverse: boolean,
    offset: number,
    stride: number,
    width: number,
  ): void {
    const { n, cos, sin, bitReverse } = this;
    for (let i = 0; i < n; i++) {
      const j = bitReverse[i]!;
      if (j > i) {
        const a = offset + i * stride;
        const b = offset + j * stride;
        for (let t = 0; t < width; t++) {
          const tr = re[a + t]!;
          re[a + t] = re[b + t]!;
          re[b + t] = tr;
          const ti = im[a + t]!;
          im[a + t] = im[b + t]!;
          im[b + t] = ti;
        }
      }
    }
    const sign = inverse ? 1 : -1;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let j = 0; j < half; j++) {
          const wr = cos[j * step]!;
          const wi = sign * sin[j * step]!;
          const a = offset + (start + j) * stride;
          const b = a + half * stride;
          for (let t = 0; t < width; t++) {
            const xr = re[b + t]!;
            const xi = im[b + t]!;
            const tr = xr * wr - xi * wi;
            const ti = xr * wi + xi * wr;
            const ur = re[a + t]!;
            const ui = im[a + t]!;
            re[a + t] = ur + tr;
            im[a + t] = ui + ti;
            re[b + t] = ur - tr;
            im[b + t] = ui - ti;
          }
        }
      }
    }
  }
}

const plans = new Map<number, FftPlan>();

/** The cached plan for length n. */
export function fftPlan(n: number): FftPlan {
  let plan = plans.get(n);
  if (!plan) {
    plan = new FftPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

function checkLengths(re: Float64Array, im: Float64Array, expected: number, who: string): void {
  if (re.length !== expected || im.length !== expected) {
    throw new RangeError(
      `${who}: expected re and im of length ${expected}, got ${re.length} and ${im.length}`,
    );
  }
}

/** In-place 1D FFT; the inverse is normalised by 1/N. */
export function fft1d(re: Float64Array, im: Float64Array, inverse = false): void {
  checkLengths(re, im, re.length, 'fft1d');
  const n = re.length;
  fftPlan(n).transform(re, im, inverse);
  if (inverse) scale(re, im, 1 / n);
}

/** In-place 3D FFT of an N³ array in layout [i1][i2][i3] (i3 fastest); inverse normalised by 1/N³. */
export function fft3d(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  checkLengths(re, im, n * n * n, 'fft3d');
  const plan = fftPlan(n);
  const n2 = n * n;
  for (let l = 0; l < n2; l++) plan.transform(re, im, inverse, l * n, 1); // along i3
  for (let i1 = 0; i1 < n; i1++) plan.transformRows(re, im, inverse, i1 * n2, n, n); // along i2
  plan.transformRows(re, im, inverse, 0, n2, n2); // along i1
  if (inverse) scale(re, im, 1 / (n2 * n));
}

function scale(re: Float64Array, im: Float64Array, s: number): void {
  for (let i = 0; i < re.length; i++) {
    re[i]! *= s;
    im[i]! *= s;
  }
}

/** Signed integer frequency of FFT index k: k for k < N/2, k − N otherwise (N/2 ↦ −N/2). */
export function fftFrequency(k: number, n: number): number {
  return k < n / 2 ? k : k - n;
}
