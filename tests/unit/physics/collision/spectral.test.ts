// The float64 fast spectral collision operator of PHYSICS.md §4 (unequal masses, §1's definition)
// against analytic facts: Φ̂ in closed form, band-limited shifts of Gaussians, Q(μ^α, μ^β) = 0 at a
// common drift and temperature, an independent Monte Carlo evaluation of the definition, and the
// conservation laws of §1.
import { describe, expect, it } from 'vitest';
import { collisionMonteCarlo, type VelocityDensity } from '../../../../src/physics/collision/monteCarlo';
import {
  bandLimitedShift,
  type CollidingSpecies,
  collisionOperator,
  lossKernelTransform,
  mixtureCollisionOperators,
  mixtureSpectralTables,
  type SpectralQuadrature,
  spectralTables,
} from '../../../../src/physics/collision/spectral';
import { type MaxwellianState, maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { boxHalfWidth, velocityGridFor } from '../../../../src/physics/velocityBox';
import {
  type VelocityGrid,
  velocityGrid,
  velocityNode,
  velocityNodes,
} from '../../../../src/physics/velocityGrid';

const maxAbs = (a: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/** The analytic Maxwellian of maxwellian.ts as a function (for Monte Carlo). */
function maxwellianFunction(s: MaxwellianState): VelocityDensity {
  const c = s.density * (s.mass / (2 * Math.PI * s.temperature)) ** 1.5;
  const a = s.mass / (2 * s.temperature);
  const [u1, u2, u3] = s.drift;
  return (x, y, z) => c * Math.exp(-a * ((x - u1) ** 2 + (y - u2) ** 2 + (z - u3) ** 2));
}

/** ∫ Q dv, ∫ v Q dv, ∫ |v|²/2 Q dv (midpoint rule), per unit mass. */
function rawMoments(q: Float64Array, grid: VelocityGrid): number[] {
  const v = velocityNodes(grid);
  const { nv } = grid;
  const w = grid.dv ** 3;
  const m = [0, 0, 0, 0, 0];
  for (let i1 = 0; i1 < nv; i1++) {
    for (let i2 = 0; i2 < nv; i2++) {
      for (let i3 = 0; i3 < nv; i3++) {
        const x = q[(i1 * nv + i2) * nv + i3]! * w;
        m[0]! += x;
        m[1]! += v[i1]! * x;
        m[2]! += v[i2]! * x;
        m[3]! += v[i3]! * x;
        m[4]! += 0.5 * (v[i1]! ** 2 + v[i2]! ** 2 + v[i3]! ** 2) * x;
      }
    }
  }
  return m;
}

/** Σ_i |Q_i| Δv³ · (1, L, L, L, L²): the scale of each moment of Q. */
function momentScale(gain: Float64Array, grid: VelocityGrid): number[] {
  let s = 0;
  for (const x of gain) s += Math.abs(x);
  s *= grid.dv ** 3;
  const L = grid.vmax;
  return [s, s * L, s * L, s * L, s * L * L];
}

describe('loss kernel Φ̂(ξ) = 4πc ∫_0^R ρ^{γ+2} sinc(ρ|ξ|) dρ', () => {
  // Closed forms of ∫_0^R ρ^{γ+2} sin(ρk)/(ρk) dρ for γ = −1, 0, 1.
  const exact: Record<string, (k: number, R: number) => number> = {
    '-1': (k, R) => (1 - Math.cos(k * R)) / (k * k),
    '0': (k, R) => (Math.sin(k * R) / (k * k) - (R * Math.cos(k * R)) / k) / k,
    '1': (k, R) =>
      ((2 * R * Math.sin(k * R)) / (k * k) + (2 / k ** 3 - (R * R) / k) * Math.cos(k * R) - 2 / k ** 3) / k,
  };
  it('matches the closed forms up to the largest |ξ| of an N_v = 64 grid', () => {
    const R = 7.3;
    const kmax = Math.sqrt(3) * 32 * (Math.PI / 8);
    const norms = Float64Array.from({ length: 200 }, (_, i) => ((i + 1) / 200) * kmax);
    for (const gamma of [-1, 0, 1]) {
      const phi = lossKernelTransform(norms, R, gamma, 1);
      const scale = (4 * Math.PI * R ** (gamma + 3)) / (gamma + 3); // Φ̂(0)
      for (let i = 0; i < norms.length; i++) {
        const want = 4 * Math.PI * exact[String(gamma)]!(norms[i]!, R);
        expect(Math.abs(phi[i]! - want) / scale, `γ=${gamma} k=${norms[i]}`).toBeLessThan(1e-13);
      }
      expect(lossKernelTransform(Float64Array.of(0), R, gamma, 1)[0]! / scale - 1).toBeLessThan(1e-14);
    }
  });
});

describe('loss term f·(g ∗ Φ) against closed forms (pins c = π d_{αβ}² and Φ̂)', () => {
  // g Maxwellian with drift u, thermal speed s = √(θ/m); kernel untruncated in effect (R ≫ support).
  // γ = 0: (g ∗ c)(v) = c n.  γ = 1: (g ∗ c|q|)(v) = c n E|X|, X ~ N(v − u, s² I):
  //   E|X| = s √(2/π) e^{−m²/(2s²)} + (m + s²/m) erf(m/(√2 s)),  m = |v − u|.
  const erf = (x: number): number => {
    // Maclaurin series: accurate to ~1e−13 for the |x| ≤ 3 used here.
    let sum = 0;
    let term = x;
    for (let k = 0; k < 200; k++) {
      sum += term / (2 * k + 1);
      term *= (-x * x) / (k + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  };
  it('γ = 0 and γ = 1 at several velocities (N_v = 32)', () => {
    // R = 7 holds g's support (~4) around |v| ≤ 2 but no periodic image (2L − R = 9 > 6).
    const grid = velocityGrid(32, 8);
    const g: MaxwellianState = { density: 0.7, mass: 2, temperature: 1, drift: [0.2, -0.1, 0] };
    const f = maxwellianOnGrid(grid, { density: 1, mass: 1, temperature: 1, drift: [0, 0, 0] });
    const gGrid = maxwellianOnGrid(grid, g);
    const s = Math.sqrt(g.temperature / g.mass);
    const d = (1 + 1.3) / 2;
    for (const gamma of [0, 1]) {
      const tables = spectralTables(
        grid,
        { alpha: { mass: 1, diameter: 1 }, beta: { mass: 2, diameter: 1.3 }, gamma },
        { nRho: 4, nTheta: 2, nPhi: 4, truncation: 7 },
      );
      const { loss } = collisionOperator(f, gGrid, tables);
      for (const [i1, i2, i3] of [
        [16, 16, 16],
        [13, 18, 15],
        [19, 14, 20],
      ] as const) {
        const v = [velocityNode(grid, i1), velocityNode(grid, i2), velocityNode(grid, i3)];
        const m = Math.hypot(v[0]! - g.drift[0], v[1]! - g.drift[1], v[2]! - g.drift[2]);
        const mean =
          s * Math.sqrt(2 / Math.PI) * Math.exp(-(m * m) / (2 * s * s)) +
          (m + (s * s) / m) * erf(m / (Math.SQRT2 * s));
        const want = Math.PI * d * d * g.density * (gamma === 0 ? 1 : mean);
        const i = (i1 * 32 + i2) * 32 + i3;
        expect(Math.abs(loss[i]! / f[i]! / want - 1), `γ=${gamma} v=${v}`).toBeLessThan(1e-6);
      }
    }
  });
});

describe('bandLimitedShift', () => {
  it('moves a Gaussian: the result at v is f(v + s), to spectral accuracy', () => {
    // 2.5 cells per thermal speed and |v| ≤ 5: the Gaussian is band-limited to ~1e−8 on this grid.
    const grid = velocityGrid(32, 5);
    const state: MaxwellianState = { density: 1, mass: 1, temperature: 0.6, drift: [0.1, -0.2, 0.3] };
    const f = maxwellianOnGrid(grid, state);
    const s = [0.37, -1.1, 0.05] as const;
    const shifted = bandLimitedShift(f, grid, s);
    const want = maxwellianOnGrid(grid, {
      ...state,
      drift: [state.drift[0] - s[0], state.drift[1] - s[1], state.drift[2] - s[2]],
    });
    let err = 0;
    for (let i = 0; i < f.length; i++) err = Math.max(err, Math.abs(shifted[i]! - want[i]!));
    expect(err / maxAbs(want)).toBeLessThan(1e-6);
    // The opposite sign is far off: the test pins the sign convention.
    const wrong = bandLimitedShift(f, grid, [-s[0], -s[1], -s[2]]);
    let errWrong = 0;
    for (let i = 0; i < f.length; i++) errWrong = Math.max(errWrong, Math.abs(wrong[i]! - want[i]!));
    expect(errWrong / maxAbs(want)).toBeGreaterThan(0.5);
  });
});

// Equilibrium: m_A = 1, m_B = 2, common u and θ = 1 (PHYSICS.md §4's check).
const speciesA: CollidingSpecies = { mass: 1, diameter: 1 };
const speciesB: CollidingSpecies = { mass: 2, diameter: 1.3 };
const drift = [0.2, -0.1, 0.05] as const;

function equilibriumResidual(
  nv: number,
  vmax: number,
  gamma: number,
  swapShiftMasses: boolean,
  nRho: number,
) {
  const grid = velocityGrid(nv, vmax);
  const muA = maxwellianOnGrid(grid, { density: 1, mass: speciesA.mass, temperature: 1, drift });
  const muB = maxwellianOnGrid(grid, { density: 0.7, mass: speciesB.mass, temperature: 1, drift });
  // "m_α and m_β swapped in the shifts": tables built for the masses (m_B, m_A) with f = μ^A, g = μ^B.
  // The masses enter the operator only through the shift fractions and the sinc argument.
  const pair = swapShiftMasses
    ? { alpha: { ...speciesA, mass: speciesB.mass }, beta: { ...speciesB, mass: speciesA.mass }, gamma }
    : { alpha: speciesA, beta: speciesB, gamma };
  const tables = spectralTables(grid, pair, { nRho, nTheta: 4, nPhi: 8 });
  const { gain, q } = collisionOperator(muA, muB, tables);
  return maxAbs(q) / maxAbs(gain);
}

describe('Q^{AB}(μ^A, μ^B) ≈ 0 at a common drift and temperature (m_A = 1, m_B = 2)', () => {
  // The product's box: S = 3.5 √(θ/m_light), L from the §4 multi-species rule (L = 9.45); the heavy
  // species then has 0.6 (N_v = 16) and 1.2 (N_v = 32) cells per thermal speed.
  const productL = boxHalfWidth(3.5, speciesA.mass / speciesB.mass);
  const residuals: Record<string, number> = {};
  for (const gamma of [0.5, -1, 1]) {
    it(`γ = ${gamma}: small at N_v = 16, and large with the masses swapped in the shifts`, () => {
      const product = equilibriumResidual(16, productL, gamma, false, 8);
      // A tighter box (L = 6, 0.94 cells per heavy thermal speed) shows the method's accuracy.
      const tight = equilibriumResidual(16, 6, gamma, false, 8);
      const swapped = equilibriumResidual(16, 6, gamma, true, 8);
      residuals[`γ=${gamma} N=16 L=${productL.toFixed(2)}`] = product;
      residuals[`γ=${gamma} N=16 L=6`] = tight;
      residuals[`γ=${gamma} N=16 L=6 swapped`] = swapped;
      expect(product).toBeLessThan(0.1);
      expect(tight).toBeLessThan(3e-3);
      expect(swapped).toBeGreaterThan(0.3);
    });
  }
  it('O+/NO+ (16 : 30) on the N_v = 32 grid velocityBox accepts: residual at the documented level', () => {
    const species = [
      { mass: 16, temperature: 1, drift: [0.05, 0, 0] as [number, number, number] },
      { mass: 30, temperature: 1, drift: [0.05, 0, 0] as [number, number, number] },
    ] as const;
    const { grid } = velocityGridFor(32, species);
    const muA = maxwellianOnGrid(grid, { density: 1, ...species[0] });
    const muB = maxwellianOnGrid(grid, { density: 1, ...species[1] });
    const tables = spectralTables(
      grid,
      { alpha: { mass: 16, diameter: 1 }, beta: { mass: 30, diameter: 1.1 }, gamma: 0.5 },
      // N_ρ = 8 would give 4e−2 here (R spans ~15 heavy thermal speeds); 12 or more give 1.2e−2.
      { nRho: 16, nTheta: 3, nPhi: 6 },
    );
    const { gain, q } = collisionOperator(muA, muB, tables);
    residuals['O+/NO+ N=32 default box'] = maxAbs(q) / maxAbs(gain);
    expect(maxAbs(q) / maxAbs(gain)).toBeLessThan(3e-2);
  });
  for (const gamma of [0.5, -1, 1]) {
    it(`γ = ${gamma}: falls spectrally with N_v (N_v = 32, product box, N_ρ = 16)`, () => {
      const r16 = equilibriumResidual(16, productL, gamma, false, 8);
      const r32 = equilibriumResidual(32, productL, gamma, false, 16);
      residuals[`γ=${gamma} N=32 L=${productL.toFixed(2)}`] = r32;
      expect(r32).toBeLessThan(3e-4);
      expect(r16 / r32).toBeGreaterThan(100);
    });
  }
  it('reports the residuals', () => {
    console.info('equilibrium residuals max|Q|/max|gain|:', residuals);
    expect(Object.keys(residuals).length).toBeGreaterThan(0);
  });
});

describe('spectral Q^{αβ} against a Monte Carlo evaluation of the definition', () => {
  // Non-equilibrium: T_A = 1.5, T_B = 0.5, different drifts; m_A = 2, m_B = 1 so that both thermal
  // speeds (0.87, 0.71) are resolved on N_v = 32 with S = 3.5 thermal speeds + drift.
  const A: MaxwellianState = { density: 1, mass: 2, temperature: 1.5, drift: [0.3, 0, 0] };
  const B: MaxwellianState = { density: 0.8, mass: 1, temperature: 0.5, drift: [-0.3, 0.2, 0] };
  const dA = 1;
  const dB = 1.4;
  it('agrees at three velocities within 4 standard errors + 1e−4 max|gain| (N_v = 32, γ = 0.5)', () => {
    const gamma = 0.5;
    const S = Math.max(3.5 * Math.sqrt(1.5 / 2) + 0.3, 3.5 * Math.sqrt(0.5) + Math.hypot(0.3, 0.2));
    const grid = velocityGrid(32, boxHalfWidth(S, A.mass / B.mass));
    const fA = maxwellianOnGrid(grid, A);
    const fB = maxwellianOnGrid(grid, B);
    const quad: SpectralQuadrature = { nRho: 16, nTheta: 4, nPhi: 8 };
    const report: string[] = [];
    for (const [name, f, g, sf, sg, df, dg] of [
      ['AB', fA, fB, A, B, dA, dB],
      ['BA', fB, fA, B, A, dB, dA],
    ] as const) {
      const tables = spectralTables(
        grid,
        { alpha: { mass: sf.mass, diameter: df }, beta: { mass: sg.mass, diameter: dg }, gamma },
        quad,
      );
      const spectral = collisionOperator(f, g, tables);
      const scale = maxAbs(spectral.gain);
      for (const [i1, i2, i3] of [
        [16, 16, 16],
        [12, 18, 16],
        [20, 12, 18],
      ] as const) {
        const v = [velocityNode(grid, i1), velocityNode(grid, i2), velocityNode(grid, i3)] as const;
        const mc = collisionMonteCarlo(
          maxwellianFunction(sf),
          maxwellianFunction(sg),
          v,
          { massAlpha: sf.mass, massBeta: sg.mass, diameter: (df + dg) / 2, gamma },
          {
            samples: 300_000,
            seed: 1234 + i1,
            importanceMean: [0, 0, 0],
            importanceStd: 1.2 * Math.sqrt(Math.max(sf.temperature, sg.temperature) / sg.mass),
            truncation: tables.truncation,
          },
        );
        const qs = spectral.q[(i1 * 32 + i2) * 32 + i3]!;
        const diff = Math.abs(qs - mc.q);
        report.push(
          `${name} v=(${v.map((x) => x.toFixed(2)).join(',')}) spectral ${qs.toExponential(4)} ` +
            `MC ${mc.q.toExponential(4)} ± ${mc.standardError.toExponential(1)} ` +
            `(${(diff / mc.standardError).toFixed(1)} SE)`,
        );
        expect(diff, report[report.length - 1]).toBeLessThan(4 * mc.standardError + 1e-4 * scale);
        // The Monte Carlo error is small enough to make the comparison meaningful.
        expect(mc.standardError).toBeLessThan(1e-2 * scale);
      }
    }
    console.info(report.join('\n'));
  });
});

describe('conservation (PHYSICS.md §1)', () => {
  it('Q^{AA} of a non-Maxwellian conserves n, p, W; Q^{AB} conserves n_A; AB + BA conserve p, W', () => {
    // Box for m_A = 1, m_B = 2 at θ ≈ 1; F^A is a sum of two displaced Maxwellians.
    const grid = velocityGrid(16, 6);
    const mA = 1;
    const mB = 2;
    const fA = maxwellianOnGrid(grid, { density: 0.6, mass: mA, temperature: 0.8, drift: [0.8, 0, 0.1] });
    const f2 = maxwellianOnGrid(grid, { density: 0.4, mass: mA, temperature: 0.6, drift: [-0.7, 0.3, 0] });
    for (let i = 0; i < fA.length; i++) fA[i]! += f2[i]!;
    const fB = maxwellianOnGrid(grid, { density: 0.9, mass: mB, temperature: 1.4, drift: [0, -0.2, 0] });
    const tables = mixtureSpectralTables(
      grid,
      [
        { mass: mA, diameter: 1 },
        { mass: mB, diameter: 1.2 },
      ],
      0.5,
      { nRho: 8, nTheta: 4, nPhi: 8 },
    );
    const Q = mixtureCollisionOperators(fA, fB, tables);
    const rel = (m: number[], s: number[]) => m.map((x, k) => Math.abs(x) / s[k]!);
    const aa = rel(rawMoments(Q.AA.q, grid), momentScale(Q.AA.gain, grid));
    const bb = rel(rawMoments(Q.BB.q, grid), momentScale(Q.BB.gain, grid));
    const ab = rawMoments(Q.AB.q, grid);
    const ba = rawMoments(Q.BA.q, grid);
    const abScale = momentScale(Q.AB.gain, grid);
    const total = ab.map((x, k) => (k === 0 ? 0 : mA * x + mB * ba[k]!));
    const totalRel = rel(
      total,
      abScale.map((s) => s * Math.max(mA, mB)),
    );
    console.info(
      'relative moments of Q: AA',
      aa,
      'BB',
      bb,
      'AB mass',
      Math.abs(ab[0]!) / abScale[0]!,
      'AB+BA',
      totalRel,
    );
    // Spectral accuracy at N_v = 16 (measured 1e−6 to 7e−5): well below the 1e−3 a wrong
    // normalisation or shift would give.
    for (const x of [...aa, ...bb]) expect(x).toBeLessThan(3e-4);
    expect(Math.abs(ab[0]!) / abScale[0]!).toBeLessThan(3e-4);
    expect(Math.abs(ba[0]!) / momentScale(Q.BA.gain, grid)[0]!).toBeLessThan(3e-4);
    for (const x of totalRel.slice(1)) expect(x).toBeLessThan(3e-4);
    // Q^{AB} alone does not conserve A's momentum (the species exchange it): the check can fail.
    expect(Math.abs(ab[1]!) / abScale[1]!).toBeGreaterThan(1e-3);
  });
});
