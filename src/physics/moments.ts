/**
 * Velocity moments of one species per x-cell, the float64 twin of src/shaders/velocityMoments.wgsl:
 *   n = ∫ F dv,  p = m ∫ v F dv,  W = (m/2) ∫ |v|² F dv,  H = ∫ F log F dv (over F > 0)
 * by the midpoint rule on the cell-centred grid (spectrally accurate for smooth, decaying F).
 * Output per cell: [n, p1, p2, p3, W, H] (MOMENT_COUNT values), cells one after another.
 * H leaves out F ≤ 0: a spectral method's tiny negative tail values have no entropy.
 */
import { type VelocityGrid, velocityNodes } from './velocityGrid';

export const MOMENT_COUNT = 6;
export const MOMENT_NAMES = ['density', 'momentum1', 'momentum2', 'momentum3', 'energy', 'entropy'] as const;

export function velocityMoments(
  f: ArrayLike<number>,
  grid: VelocityGrid,
  cellCount: number,
  mass: number,
): Float64Array {
  const { nv, pointsPerCell, dv } = grid;
  if (f.length !== cellCount * pointsPerCell) {
    throw new RangeError(`velocityMoments: expected ${cellCount}×${pointsPerCell} values, got ${f.length}`);
  }
  const v = velocityNodes(grid);
  const w = dv * dv * dv;
  const out = new Float64Array(cellCount * MOMENT_COUNT);
  for (let c = 0; c < cellCount; c++) {
    let n = 0;
    let p1 = 0;
    let p2 = 0;
    let p3 = 0;
    let e = 0;
    let h = 0;
    const base = c * pointsPerCell;
    for (let i1 = 0; i1 < nv; i1++) {
      const v1 = v[i1]!;
      for (let i2 = 0; i2 < nv; i2++) {
        const v2 = v[i2]!;
        for (let i3 = 0; i3 < nv; i3++) {
          const v3 = v[i3]!;
          const fv = f[base + (i1 * nv + i2) * nv + i3]!;
          n += fv;
          p1 += v1 * fv;
          p2 += v2 * fv;
          p3 += v3 * fv;
          e += (v1 * v1 + v2 * v2 + v3 * v3) * fv;
          if (fv > 0) h += fv * Math.log(fv);
        }
      }
    }
    out.set(
      [n * w, mass * p1 * w, mass * p2 * w, mass * p3 * w, 0.5 * mass * e * w, h * w],
      c * MOMENT_COUNT,
    );
  }
  return out;
}

/** Per-cell fluid fields of one species from its moments: n, mean velocity u1, temperature θ. */
export interface FluidFields {
  readonly density: Float64Array;
  readonly velocity1: Float64Array;
  readonly temperature: Float64Array;
}

/** u = p/(m n), θ = (2W/n − m|u|²)/3 (θ in energy units, PHYSICS.md §1). */
export function fluidFields(moments: ArrayLike<number>, mass: number): FluidFields {
  const cells = moments.length / MOMENT_COUNT;
  const density = new Float64Array(cells);
  const velocity1 = new Float64Array(cells);
  const temperature = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    const [n, p1, p2, p3, w] = Array.from(
      { length: MOMENT_COUNT },
      (_, k) => moments[c * MOMENT_COUNT + k]!,
    ) as [number, number, number, number, number];
    const u = [p1, p2, p3].map((p) => p / (mass * n));
    density[c] = n;
    velocity1[c] = u[0]!;
    temperature[c] = ((2 * w) / n - mass * u.reduce((s, ui) => s + ui * ui, 0)) / 3;
  }
  return { density, velocity1, temperature };
}
