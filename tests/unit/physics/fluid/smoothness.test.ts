// The resolution test that lets remainder.fluid "auto" use the spectral fluid (fluid/smoothness.ts):
// exact values on signals whose spectra are known, and on a neutral wave steepening toward a shock,
// that the test fires well before the spectral scheme breaks down.
import { describe, expect, it } from 'vitest';
import type { SpeciesConfig } from '../../../../src/physics/config';
import {
  SPECTRAL_TAIL_LIMIT,
  spectralTail,
  unresolvedVariable,
} from '../../../../src/physics/fluid/smoothness';
import { TwoFluidEulerPoisson } from '../../../../src/physics/fluid/twoFluidEulerPoisson';

const cos = (n: number, k: number, a = 1) =>
  Float64Array.from({ length: n }, (_, j) => a * Math.cos((2 * Math.PI * k * j) / n));
const plus = (a: Float64Array, b: Float64Array) => a.map((x, j) => x + b[j]!);

describe('spectralTail', () => {
  it('is 0 for a constant (round-off included), ≪ 1 for a resolved wave, ½ for a mode in the upper half', () => {
    expect(spectralTail(new Float64Array(16).fill(3))).toBe(0);
    expect(spectralTail(new Float64Array(16).fill(0.1 + 0.2))).toBe(0);
    expect(spectralTail(plus(new Float64Array(16).fill(1), cos(16, 1, 0.05)))).toBeLessThan(1e-13);
    expect(spectralTail(cos(16, 4))).toBeLessThan(1e-13); // k = 4 = k_max/2: the lower half
    expect(spectralTail(cos(16, 5))).toBeCloseTo(0.5, 12); // all of f is upper: max |f| / range = ½
    expect(spectralTail(cos(15, 7))).toBeCloseTo(0.5, 1); // odd n: k_max = 7 (range sampled off the peaks)
    // a 5 % wave and its harmonics at a², a³ on 8 cells: only the third harmonic (a³) is upper
    const a = 0.05;
    const wave = plus(
      plus(new Float64Array(8).fill(1), cos(8, 1, a)),
      plus(cos(8, 2, a * a), cos(8, 3, a ** 3)),
    );
    const range = Math.max(...wave) - Math.min(...wave);
    expect(spectralTail(wave)).toBeCloseTo(a ** 3 / range, 14);
  });

  it('is the upper modes at their largest over the range: modes 1 and 6 of n = 16 at amplitudes 1 and a', () => {
    for (const a of [0.01, 0.1, 1]) {
      const f = plus(cos(16, 1), cos(16, 6, a));
      // the upper part is a cos(6·2πj/16), largest (a) at j = 0
      expect(spectralTail(f)).toBeCloseTo(a / (Math.max(...f) - Math.min(...f)), 12);
    }
    // the Nyquist mode of an even n enters once: (−1)^j a
    const f = plus(cos(16, 1), cos(16, 8, 0.3));
    expect(spectralTail(f)).toBeCloseTo(0.3 / (Math.max(...f) - Math.min(...f)), 12);
  });

  it('is ¼ for a square wave at any n (a jump is not resolved however fine the grid)', () => {
    for (const n of [8, 32, 128, 1024]) {
      const step = Float64Array.from({ length: n }, (_, j) => (j < n / 2 ? 1 : 0));
      expect(spectralTail(step)).toBeCloseTo(0.25, 10);
    }
  });

  it('is NaN for a non-finite sample, which unresolvedVariable reports', () => {
    const f = cos(8, 1);
    f[3] = Number.NaN;
    expect(spectralTail(f)).toBeNaN();
    const conserved = new Float64Array(6 * 8).fill(1);
    conserved[2] = Number.NaN; // n_A at cell 2
    expect(unresolvedVariable(conserved, 8)?.variable).toBe('n_A');
  });
});

/** Local extrema of a periodic sample (a smooth two-pulse wave has ≤ 4; Gibbs oscillations many). */
function extrema(f: Float64Array): number {
  const n = f.length;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [f[(i + n - 1) % n]!, f[i]!, f[(i + 1) % n]!];
    if ((b > a && b > c) || (b < a && b < c)) count++;
  }
  return count;
}

describe('a neutral wave steepening into shocks (spectral fluid, 64 cells; finite volumes on 512 as reference)', () => {
  const gas = (mass: number): SpeciesConfig => ({
    name: `m${mass}`,
    mass,
    charge: 0,
    diameter: 1,
    density: 1,
    temperature: 1,
    drift: [0, 0, 0],
  });
  const input = (nx: number) => ({
    species: [gas(1), gas(2)] as [SpeciesConfig, SpeciesConfig],
    grid: { nx, length: 1 },
    perturbation: { kind: 'isentropic' as const, amplitude: 0.3, mode: 1 },
  });
  it('the tail crosses the limit when the spectral solution stops being accurate, not before or long after', () => {
    const spectral = TwoFluidEulerPoisson.fromConfig(input(64), { scheme: 'spectral' });
    const reference = TwoFluidEulerPoisson.fromConfig(input(512), { scheme: 'finiteVolume' });
    const dt = 0.005;
    let crossed: number | null = null;
    let worstBefore = 0;
    let extremaBefore = 0;
    let extremaAfter = 0;
    for (let step = 1; step <= 200; step++) {
      spectral.advance(dt);
      reference.advance(dt);
      const t = step * dt;
      const density = spectral.densityA;
      if (crossed === null && unresolvedVariable(spectral.exportState().conserved, 64) !== null) crossed = t;
      if (crossed === null) {
        // the cell averages of the fine solution against the spectral one (max over x)
        const fine = reference.densityA;
        for (let i = 0; i < 64; i++) {
          let mean = 0;
          for (let q = 0; q < 8; q++) mean += fine[8 * i + q]! / 8;
          worstBefore = Math.max(worstBefore, Math.abs(density[i]! - mean));
        }
        extremaBefore = Math.max(extremaBefore, extrema(density));
      } else if (t <= crossed + 0.05) {
        extremaAfter = Math.max(extremaAfter, extrema(density));
      }
    }
    expect(crossed).not.toBeNull();
    // until the crossing: no Gibbs oscillation, and within 2 % of the wave's amplitude of the
    // reference (whose own error near the steepened fronts is part of it); after it, 5–20 %
    expect(extremaBefore).toBeLessThanOrEqual(4);
    expect(worstBefore).toBeLessThan(0.006);
    // right after it the spectral solution oscillates: the hand-over was needed
    expect(extremaAfter).toBeGreaterThan(8);
    expect(SPECTRAL_TAIL_LIMIT).toBe(0.05);
  });
});
