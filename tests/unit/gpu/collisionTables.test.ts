// The f32 tables the GPU collision operator uploads (src/gpu/collisionTables.ts) against the float64
// twin's tables (src/physics/collision/spectral.ts), on the CPU: every entry is the f32 rounding of
// the twin's float64 value, at the index the kernels read it from.
import { describe, expect, it } from 'vitest';
import {
  lossKernelTable,
  pairTables,
  phaseTable,
  squaredFrequencyCount,
} from '../../../src/gpu/collisionTables';
import {
  antipodalHalf,
  gainSincFactors,
  mixtureSpectralTables,
  sinc,
} from '../../../src/physics/collision/spectral';
import { velocityGrid } from '../../../src/physics/velocityGrid';

const grid = velocityGrid(8, 5);
const tables = mixtureSpectralTables(
  grid,
  [
    { mass: 1, diameter: 1 },
    { mass: 2.5, diameter: 1.5 },
  ],
  -0.5,
  { nRho: 3, nTheta: 3, nPhi: 6 },
);
const n = grid.nv;
const rows = squaredFrequencyCount(n);

/** |k|² of mode (k1, k2, k3) in FFT order (signed frequencies). */
function squaredFrequency(mode: number): number {
  const signed = (k: number) => (k < n / 2 ? k : k - n);
  const k1 = Math.floor(mode / (n * n));
  const k2 = Math.floor(mode / n) % n;
  const k3 = mode % n;
  return signed(k1) ** 2 + signed(k2) ** 2 + signed(k3) ** 2;
}

/** |a − b| in units of the f32 spacing at b (0: the same f32). */
function f32Ulps(a: number, b: number): number {
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(b))) - 23);
  return Math.abs(a - b) / ulp;
}

describe('the f32 collision tables against the float64 twin', () => {
  it('radial multiplier tables have one row per |k|² up to 3(N/2)²', () => {
    expect(squaredFrequencyCount(8)).toBe(49);
    expect(squaredFrequencyCount(16)).toBe(193);
    let largest = 0;
    for (let mode = 0; mode < n ** 3; mode++) largest = Math.max(largest, squaredFrequency(mode));
    expect(largest + 1).toBe(rows);
  });

  it('phases: (cos, sin)(ξ_k · fraction · ρ_r e_p,d) rounded to f32 at [r][p][d][k], the Nyquist mode zero', () => {
    const t = tables.AB;
    const { sphere, radialNodes, waveNumbers } = t;
    for (const fraction of [t.shiftFractionF, -t.shiftFractionG]) {
      const table = phaseTable(t, sphere, fraction);
      expect(table.length).toBe(radialNodes.length * sphere.count * 3 * n * 2);
      for (let r = 0; r < radialNodes.length; r++) {
        for (let p = 0; p < sphere.count; p++) {
          for (let d = 0; d < 3; d++) {
            const s = fraction * radialNodes[r]! * sphere.points[3 * p + d]!;
            for (let k = 0; k < n; k++) {
              const at = 2 * (((r * sphere.count + p) * 3 + d) * n + k);
              const nyquist = k === n / 2;
              expect(table[at]).toBe(nyquist ? 0 : Math.fround(Math.cos(waveNumbers[k]! * s)));
              expect(table[at + 1]).toBe(nyquist ? 0 : Math.fround(Math.sin(waveNumbers[k]! * s)));
            }
          }
        }
      }
    }
  });

  it('AA and BB run over the antipodal half of the rule with doubled weights, AB and BA over all of it', () => {
    for (const name of ['AA', 'AB', 'BA', 'BB'] as const) {
      const t = tables[name];
      const pair = pairTables(name, t);
      const half = name === 'AA' || name === 'BB';
      const rule = half ? antipodalHalf(t.sphere)! : t.sphere;
      expect(pair.sphere.count).toBe(half ? t.sphere.count / 2 : t.sphere.count);
      expect(pair.sphere).toBe(rule);
      expect(Array.from(pair.sphereWeights)).toEqual(Array.from(rule.weights, Math.fround));
      const sum = (w: ArrayLike<number>) => Array.from(w).reduce((a, b) => a + b, 0);
      expect(sum(rule.weights)).toBeCloseTo(sum(t.sphere.weights), 12); // 4π either way
      expect(Array.from(pair.phaseF)).toEqual(Array.from(phaseTable(t, rule, t.shiftFractionF)));
      expect(Array.from(pair.phaseG)).toEqual(Array.from(phaseTable(t, rule, -t.shiftFractionG)));
    }
  });

  it('radial multipliers: c w_r sinc(aρ_r|ξ|) per (r, |k|²) in f32, the twin’s gain multiplier at every mode', () => {
    for (const name of ['AA', 'AB', 'BA', 'BB'] as const) {
      const t = tables[name];
      const { radial } = pairTables(name, t);
      expect(radial.length).toBe(t.radialNodes.length * rows);
      for (let r = 0; r < t.radialNodes.length; r++) {
        const scale = t.kernelConstant * t.radialWeights[r]!;
        for (let k2 = 0; k2 < rows; k2++) {
          const xi = (Math.PI / grid.vmax) * Math.sqrt(k2);
          expect(radial[r * rows + k2]).toBe(
            Math.fround(scale * sinc(t.shiftFractionF * t.radialNodes[r]! * xi)),
          );
        }
        // the twin's per-mode multiplier (its |ξ| by hypot may differ in the last float64 bit)
        const twin = gainSincFactors(t, r);
        for (let mode = 0; mode < n ** 3; mode++) {
          expect(
            f32Ulps(radial[r * rows + squaredFrequency(mode)]!, scale * twin[mode]!),
          ).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('loss kernels: Φ̂ of each pair per |k|², [pair][|k|²], the twin’s value at every mode; no mode, no entry', () => {
    const table = lossKernelTable(tables);
    expect(table.length).toBe(4 * rows);
    (['AA', 'AB', 'BA', 'BB'] as const).forEach((name, pair) => {
      const t = tables[name];
      const attained = new Set<number>();
      for (let mode = 0; mode < n ** 3; mode++) {
        const k2 = squaredFrequency(mode);
        attained.add(k2);
        expect(f32Ulps(table[pair * rows + k2]!, t.lossKernel[mode]!)).toBeLessThanOrEqual(1);
      }
      expect(table[pair * rows]).toBe(Math.fround(t.lossKernel[0]!)); // ξ = 0: one mode
      for (let k2 = 0; k2 < rows; k2++) {
        if (!attained.has(k2)) expect(table[pair * rows + k2]).toBe(0); // e.g. 7, 15, 23: not sums of three squares
      }
    });
    expect(table[7]).toBe(0);
  });
});
