// The constrained least-squares projection of PHYSICS.md §4 (Gamba & Tharkabhushanam 2009):
// after it, the discrete n_A, n_B, total momentum and total energy rates are zero to round-off; it
// leaves a conservative Q alone, and it is the Euclidean-nearest conservative Q.
import { describe, expect, it } from 'vitest';
import {
  applyConstraints,
  CONSTRAINT_COUNT,
  conservationGramInverse,
  conservationProjection,
  weightedConservationProjection,
} from '../../../../src/physics/collision/conservation';
import { mixtureCollisionOperators, mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { velocityMoments } from '../../../../src/physics/moments';
import { seededRandom } from '../../../../src/physics/random';
import { velocityGrid, velocityNodes } from '../../../../src/physics/velocityGrid';

const mA = 16;
const mB = 30;
const grid = velocityGrid(16, 1.6);

/** A non-conservative (Q_A, Q_B): the spectral operator of a relaxing O+/NO+ mixture plus noise. */
function sampleQ(): { qA: Float64Array; qB: Float64Array } {
  const fA = maxwellianOnGrid(grid, { density: 1, mass: mA, temperature: 1.5, drift: [0.1, 0, 0] });
  const fB = maxwellianOnGrid(grid, { density: 0.8, mass: mB, temperature: 0.8, drift: [-0.1, 0.05, 0] });
  const tables = mixtureSpectralTables(
    grid,
    [
      { mass: mA, diameter: 1 },
      { mass: mB, diameter: 1.2 },
    ],
    0,
    { nRho: 6, nTheta: 3, nPhi: 6 },
  );
  const { qA, qB } = mixtureCollisionOperators(fA, fB, tables);
  const rand = seededRandom(5);
  const s = 1e-3 * Math.max(...qA.map(Math.abs));
  for (let i = 0; i < qA.length; i++) {
    qA[i]! += s * (rand() - 0.5);
    qB[i]! += s * (rand() - 0.5);
  }
  return { qA, qB };
}

const relative = (qA: Float64Array, qB: Float64Array): number[] => {
  const { cq, scale } = applyConstraints(qA, qB, grid, mA, mB);
  return Array.from(cq, (x, d) => Math.abs(x) / scale[d]!);
};

describe('conservationProjection', () => {
  const { qA, qB } = sampleQ();
  const projected = conservationProjection(qA, qB, grid, mA, mB);

  it('zeroes all six discrete constraints to ~1e−12 relative (they were not zero before)', () => {
    const before = relative(qA, qB);
    const after = relative(projected.qA, projected.qB);
    console.info('relative constraints before', before, 'after', after);
    expect(Math.max(...before)).toBeGreaterThan(1e-6);
    for (const x of after) expect(x).toBeLessThan(1e-12);
    // The same statement through moments.ts (the diagnostics' midpoint rule).
    const momA = velocityMoments(projected.qA, grid, 1, mA);
    const momB = velocityMoments(projected.qB, grid, 1, mB);
    const scaleA = velocityMoments(projected.qA.map(Math.abs), grid, 1, mA);
    expect(Math.abs(momA[0]!) / scaleA[0]!).toBeLessThan(1e-12);
    expect(Math.abs(momA[4]! + momB[4]!) / scaleA[4]!).toBeLessThan(1e-12);
  });

  it('changes an already-conservative Q by no more than round-off (idempotent)', () => {
    const again = conservationProjection(projected.qA, projected.qB, grid, mA, mB);
    const scale = Math.max(...projected.qA.map(Math.abs), ...projected.qB.map(Math.abs));
    let change = 0;
    for (let i = 0; i < qA.length; i++) {
      change = Math.max(
        change,
        Math.abs(again.qA[i]! - projected.qA[i]!),
        Math.abs(again.qB[i]! - projected.qB[i]!),
      );
    }
    expect(change / scale).toBeLessThan(1e-14);
  });

  it('is the nearest conservative Q: the correction is orthogonal to conservative directions', () => {
    const rand = seededRandom(9);
    const dA = Float64Array.from({ length: qA.length }, () => rand() - 0.5);
    const dB = Float64Array.from({ length: qA.length }, () => rand() - 0.5);
    const d = conservationProjection(dA, dB, grid, mA, mB); // a random conservative direction
    let dot = 0;
    let norm1 = 0;
    let norm2 = 0;
    for (let i = 0; i < qA.length; i++) {
      const cA = qA[i]! - projected.qA[i]!;
      const cB = qB[i]! - projected.qB[i]!;
      dot += cA * d.qA[i]! + cB * d.qB[i]!;
      norm1 += cA * cA + cB * cB;
      norm2 += d.qA[i]! ** 2 + d.qB[i]! ** 2;
    }
    expect(Math.abs(dot) / Math.sqrt(norm1 * norm2)).toBeLessThan(1e-12);
    // And the correction is small next to Q itself (the spectral Q was nearly conservative).
    expect(Math.sqrt(norm1)).toBeLessThan(0.05 * Math.hypot(...qA, ...qB));
  });

  it('exports (CCᵀ)⁻¹ with which Q − Cᵀ(CCᵀ)⁻¹CQ gives the same projection', () => {
    const inverse = conservationGramInverse(grid, mA, mB);
    const { cq } = applyConstraints(qA, qB, grid, mA, mB);
    const lambda = new Float64Array(CONSTRAINT_COUNT);
    for (let a = 0; a < CONSTRAINT_COUNT; a++) {
      for (let b = 0; b < CONSTRAINT_COUNT; b++) lambda[a]! += inverse[a * CONSTRAINT_COUNT + b]! * cq[b]!;
    }
    const v = velocityNodes(grid);
    const { nv } = grid;
    const w = grid.dv ** 3;
    let err = 0;
    const scale = Math.max(...qA.map(Math.abs));
    for (let i1 = 0; i1 < nv; i1++) {
      for (let i2 = 0; i2 < nv; i2++) {
        for (let i3 = 0; i3 < nv; i3++) {
          const i = (i1 * nv + i2) * nv + i3;
          const shared =
            v[i1]! * lambda[2]! +
            v[i2]! * lambda[3]! +
            v[i3]! * lambda[4]! +
            0.5 * (v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2) * lambda[5]!;
          const pa = qA[i]! - w * (lambda[0]! + mA * shared);
          const pb = qB[i]! - w * (lambda[1]! + mB * shared);
          err = Math.max(err, Math.abs(pa - projected.qA[i]!), Math.abs(pb - projected.qB[i]!));
        }
      }
    }
    expect(err / scale).toBeLessThan(1e-10);
  });

  it('refuses arrays of the wrong length', () => {
    expect(() => conservationProjection(new Float64Array(10), new Float64Array(10), grid, mA, mB)).toThrow(
      /N_v³ = 4096/,
    );
  });
});

// The projection weighted by w (collisionStep.ts CollisionProjection "maxwellian"): the correction is
// w·(Cᵀλ) with C W Cᵀ λ = C Q, so it is carried where w is, and it is the nearest conservative Q in
// the metric Σ q²/w.
describe('weightedConservationProjection', () => {
  const { qA, qB } = sampleQ();
  const wA = maxwellianOnGrid(grid, { density: 1, mass: mA, temperature: 1.1, drift: [0.05, 0, 0] });
  const wB = maxwellianOnGrid(grid, { density: 0.8, mass: mB, temperature: 1.1, drift: [0.05, 0, 0] });
  const projected = weightedConservationProjection(qA, qB, grid, mA, mB, [wA, wB]);

  it('zeroes all six discrete constraints to ~1e−12 relative', () => {
    const before = relative(qA, qB);
    const after = relative(projected.qA, projected.qB);
    expect(Math.max(...before)).toBeGreaterThan(1e-6);
    for (const x of after) expect(x).toBeLessThan(1e-12);
  });

  it('puts the correction along w ψ: (Q − ΠQ)/w is a collision invariant a + b·m v + c·m|v|²/2', () => {
    // fit the correction divided by w on a few points, then check it everywhere w is not tiny
    const v = velocityNodes(grid);
    const { nv } = grid;
    const fitFrom = (s: 0 | 1) => {
      const q = s === 0 ? qA : qB;
      const p = s === 0 ? projected.qA : projected.qB;
      const w = s === 0 ? wA : wB;
      const mass = s === 0 ? mA : mB;
      let worst = 0;
      let size = 0;
      // the invariant's coefficients from the correction at v = 0-ish, ±e_k and |v|² (least squares by hand: 5 unknowns)
      const samples: number[][] = [];
      const values: number[] = [];
      for (let i1 = 0; i1 < nv; i1++)
        for (let i2 = 0; i2 < nv; i2++)
          for (let i3 = 0; i3 < nv; i3++) {
            const k = (i1 * nv + i2) * nv + i3;
            if (w[k]! < 1e-3 * Math.max(...w)) continue;
            const x = [
              1,
              mass * v[i1]!,
              mass * v[i2]!,
              mass * v[i3]!,
              0.5 * mass * (v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2),
            ];
            samples.push(x);
            values.push((q[k]! - p[k]!) / w[k]!);
          }
      // normal equations (5×5), Gaussian elimination
      const A = Array.from({ length: 5 }, (_, a) =>
        Array.from({ length: 5 }, (_, b) => samples.reduce((t, x) => t + x[a]! * x[b]!, 0)),
      );
      const r = Array.from({ length: 5 }, (_, a) => samples.reduce((t, x, j) => t + x[a]! * values[j]!, 0));
      for (let c = 0; c < 5; c++)
        for (let d = c + 1; d < 5; d++) {
          const f = A[d]![c]! / A[c]![c]!;
          for (let e = c; e < 5; e++) A[d]![e]! -= f * A[c]![e]!;
          r[d]! -= f * r[c]!;
        }
      const coef = new Array<number>(5).fill(0);
      for (let c = 4; c >= 0; c--) {
        let t = r[c]!;
        for (let e = c + 1; e < 5; e++) t -= A[c]![e]! * coef[e]!;
        coef[c] = t / A[c]![c]!;
      }
      samples.forEach((x, j) => {
        const fit = x.reduce((t, xi, a) => t + xi * coef[a]!, 0);
        worst = Math.max(worst, Math.abs(fit - values[j]!));
        size = Math.max(size, Math.abs(values[j]!));
      });
      return { worst, size };
    };
    for (const s of [0, 1] as const) {
      const { worst, size } = fitFrom(s);
      expect(size).toBeGreaterThan(0);
      expect(worst / size).toBeLessThan(1e-9);
    }
  });

  it('corrects nothing where w = 0, and is the uniform projection for w ≡ 1', () => {
    const cut = wA.map((x, i) => (i % 3 === 0 ? 0 : x));
    const p = weightedConservationProjection(qA, qB, grid, mA, mB, [cut, wB]);
    for (let i = 0; i < qA.length; i += 3) expect(p.qA[i]).toBe(qA[i]);
    const ones = new Float64Array(qA.length).fill(1);
    const u = weightedConservationProjection(qA, qB, grid, mA, mB, [ones, ones]);
    const e = conservationProjection(qA, qB, grid, mA, mB);
    const scale = Math.max(...e.qA.map(Math.abs));
    for (let i = 0; i < qA.length; i++) expect(Math.abs(u.qA[i]! - e.qA[i]!)).toBeLessThan(1e-12 * scale);
  });

  it('refuses a negative or NaN weight', () => {
    const bad = Float64Array.from(wA);
    bad[7] = -1;
    expect(() => weightedConservationProjection(qA, qB, grid, mA, mB, [bad, wB])).toThrow(/weight/);
    bad[7] = Number.NaN;
    expect(() => weightedConservationProjection(qA, qB, grid, mA, mB, [bad, wB])).toThrow(/weight/);
  });
});
