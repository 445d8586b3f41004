// The float64 FFT of PHYSICS.md §4's spectral collision method against a naive DFT.
import { describe, expect, it } from 'vitest';
import { fft1d, fft3d, fftFrequency } from '../../../src/physics/fft';
import { seededRandom } from '../../../src/physics/random';

function randomArray(n: number, rand: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * rand() - 1);
}

describe('fft1d', () => {
  it('matches the naive DFT X_k = Σ x_j e^{−2πi jk/N} on random data', () => {
    const rand = seededRandom(7);
    for (const n of [1, 2, 4, 8, 64]) {
      const re = randomArray(n, rand);
      const im = randomArray(n, rand);
      const xr = Float64Array.from(re);
      const xi = Float64Array.from(im);
      fft1d(xr, xi);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const t = (-2 * Math.PI * j * k) / n;
          sr += re[j]! * Math.cos(t) - im[j]! * Math.sin(t);
          si += re[j]! * Math.sin(t) + im[j]! * Math.cos(t);
        }
        expect(Math.abs(xr[k]! - sr)).toBeLessThan(1e-12);
        expect(Math.abs(xi[k]! - si)).toBeLessThan(1e-12);
      }
      fft1d(xr, xi, true);
      for (let j = 0; j < n; j++) {
        expect(Math.abs(xr[j]! - re[j]!)).toBeLessThan(1e-14);
        expect(Math.abs(xi[j]! - im[j]!)).toBeLessThan(1e-14);
      }
    }
  });

  it('names the signed frequencies in FFT order', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((k) => fftFrequency(k, 8))).toEqual([0, 1, 2, 3, -4, -3, -2, -1]);
  });
});

describe('fft3d', () => {
  it('matches the naive 3D DFT in layout [k1][k2][k3] and round-trips', () => {
    const rand = seededRandom(11);
    const n = 8;
    const size = n * n * n;
    const re = randomArray(size, rand);
    const im = randomArray(size, rand);
    const xr = Float64Array.from(re);
    const xi = Float64Array.from(im);
    fft3d(xr, xi, n);
    // Check a spread of modes against the direct sum.
    for (const [k1, k2, k3] of [
      [0, 0, 0],
      [1, 0, 0],
      [0, 3, 0],
      [0, 0, 5],
      [4, 4, 4],
      [7, 2, 6],
      [3, 5, 1],
    ] as const) {
      let sr = 0;
      let si = 0;
      for (let j1 = 0; j1 < n; j1++) {
        for (let j2 = 0; j2 < n; j2++) {
          for (let j3 = 0; j3 < n; j3++) {
            const t = (-2 * Math.PI * (j1 * k1 + j2 * k2 + j3 * k3)) / n;
            const j = (j1 * n + j2) * n + j3;
            sr += re[j]! * Math.cos(t) - im[j]! * Math.sin(t);
            si += re[j]! * Math.sin(t) + im[j]! * Math.cos(t);
          }
        }
      }
      const k = (k1 * n + k2) * n + k3;
      expect(Math.abs(xr[k]! - sr), `mode ${k1},${k2},${k3}`).toBeLessThan(1e-11);
      expect(Math.abs(xi[k]! - si)).toBeLessThan(1e-11);
    }
    fft3d(xr, xi, n, true);
    let err = 0;
    for (let j = 0; j < size; j++) err = Math.max(err, Math.abs(xr[j]! - re[j]!), Math.abs(xi[j]! - im[j]!));
    expect(err).toBeLessThan(1e-14);
  });

  it('round-trips at N = 32 and refuses a non-power-of-two or wrong length', () => {
    const rand = seededRandom(3);
    const n = 32;
    const re = randomArray(n ** 3, rand);
    const im = new Float64Array(n ** 3);
    const copy = Float64Array.from(re);
    fft3d(re, im, n);
    fft3d(re, im, n, true);
    let err = 0;
    for (let j = 0; j < n ** 3; j++) err = Math.max(err, Math.abs(re[j]! - copy[j]!), Math.abs(im[j]!));
    expect(err).toBeLessThan(1e-14);
    expect(() => fft1d(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
    expect(() => fft3d(new Float64Array(8), new Float64Array(8), 4)).toThrow(/length 64/);
  });
});
