/**
 * The float32 tables the collision kernels read, built from the float64 twin's tables
 * (mixtureSpectralTables in src/physics/collision/spectral.ts) and rounded to f32 once, so that the
 * GPU and the twin evaluate the same formulas: the shift phases e^{iξ_k s_d} of the fused gain pass,
 * the radial multipliers c w_r sinc(aρ_r|ξ|) and the loss kernels Φ̂ tabulated per integer |k|²
 * (not computed with f32 `sin`, which Vulkan allows an absolute error of 2⁻¹¹), and the sphere
 * weights. Pure: no GPU object (tests/unit/gpu/collisionTables.test.ts checks them against the twin).
 */
import { antipodalHalf, type MixtureTables, type SpectralTables, sinc } from '../physics/collision/spectral';
import type { SphereRule } from '../physics/quadrature';
import { PAIRS, type PairName, usesHalfRule } from './collisionPlan';

/** Largest |k|² of a signed FFT frequency vector, 3(N/2)²: radial multiplier tables have this + 1 entries. */
export function squaredFrequencyCount(n: number): number {
  return (3 * n * n) / 4 + 1;
}

/**
 * A radial Fourier multiplier m(|ξ|) tabulated per integer |k|² (|ξ| = (π/L)|k|), in float64; the
 * kernels index it with squaredFrequency() of linearIndex.wgsl.
 */
function radialMultiplierTable(n: number, vmax: number, multiplier: (xi: number) => number): Float64Array {
  return Float64Array.from({ length: squaredFrequencyCount(n) }, (_, k2) =>
    multiplier((Math.PI / vmax) * Math.sqrt(k2)),
  );
}

/**
 * Phase factors (cos, sin)(ξ_k s_d) of the shift s = fraction · ρ_r e_p, per (radial node r, sphere
 * point p, axis d, k), Nyquist zeroed as in the twin: [r][p][d][k] vec2f.
 */
export function phaseTable(tables: SpectralTables, sphere: SphereRule, fraction: number): Float32Array {
  const { radialNodes, waveNumbers } = tables;
  const n = waveNumbers.length;
  const out = new Float32Array(radialNodes.length * sphere.count * 3 * n * 2);
  let o = 0;
  for (const rho of radialNodes) {
    for (let p = 0; p < sphere.count; p++) {
      for (let d = 0; d < 3; d++) {
        const s = fraction * rho * sphere.points[3 * p + d]!;
        for (let k = 0; k < n; k++, o += 2) {
          if (k === n / 2) continue; // Nyquist: zero, as in the twin
          out[o] = Math.cos(waveNumbers[k]! * s);
          out[o + 1] = Math.sin(waveNumbers[k]! * s);
        }
      }
    }
  }
  return out;
}

/** What the gain kernels of one pair read. */
export interface PairTables {
  /** The sphere rule its shift pass runs over: the antipodal half for AA and BB where there is one. */
  readonly sphere: SphereRule;
  /** Shifts of f by +aρe_p and of g by −âρe_p (phaseTable). */
  readonly phaseF: Float32Array;
  readonly phaseG: Float32Array;
  /**
   * c w_r sinc(aρ_r|ξ|) per (r, |k|²): the multiplier of the twin's radial sum times the kernel
   * constant the twin applies at the end (so both pairs of a species add into one gain slot).
   */
  readonly radial: Float32Array;
  readonly sphereWeights: Float32Array;
}

export function pairTables(name: PairName, t: SpectralTables): PairTables {
  const { nv, vmax } = t.grid;
  const sphere = (usesHalfRule(name) ? antipodalHalf(t.sphere) : null) ?? t.sphere;
  const radial = new Float32Array(t.radialNodes.length * squaredFrequencyCount(nv));
  t.radialNodes.forEach((rho, r) => {
    const row = radialMultiplierTable(
      nv,
      vmax,
      (xi) => t.kernelConstant * t.radialWeights[r]! * sinc(t.shiftFractionF * rho * xi),
    );
    radial.set(row, r * row.length);
  });
  return {
    sphere,
    phaseF: phaseTable(t, sphere, t.shiftFractionF),
    phaseG: phaseTable(t, sphere, -t.shiftFractionG),
    radial,
    sphereWeights: Float32Array.from(sphere.weights),
  };
}

/**
 * Φ̂_{αβ} per |k|² of the four pairs, [pair][|k|²] (collisionLoss.wgsl). The twin's table is per
 * mode; every mode of one |k|² holds the same value.
 */
export function lossKernelTable(tables: MixtureTables): Float32Array {
  const { nv, vmax } = tables.AA.grid;
  const rows = squaredFrequencyCount(nv);
  const out = new Float32Array(PAIRS.length * rows);
  PAIRS.forEach((name, index) => {
    const t = tables[name];
    t.waveNumberNorm.forEach((xi, k) => {
      out[index * rows + Math.round(((xi * vmax) / Math.PI) ** 2)] = t.lossKernel[k]!;
    });
  });
  return out;
}
