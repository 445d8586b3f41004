/**
 * The first-order fluid system of the Hilbert expansion (src/physics/hilbert/firstOrderFluid.ts).
 *
 * - Its dispersion relation: for a small wave about a uniform state U_1 must be ∂/∂ε at ε = 0 of the
 *   linearised Navier–Stokes–Poisson wave (fluid/navierStokesWave.ts, derived separately and tested
 *   against the Stokes–Kirchhoff attenuation and the Euler frequencies): with B(s) = B_0 + s B_1 its
 *   4 × 4 matrix (η, λ, D_AB scaled by s; k_T and Q_w fixed), X_0' = −iB_0X_0 and
 *   X_1' = −iB_0X_1 − iB_1X_0, X_1(0) = 0, integrated here in complex arithmetic. Every coefficient
 *   (k_T and Q_w too) is nonzero and the mixture is charged with e_A/m_A ≠ e_B/m_B, so every term of
 *   Π_1 and of the field sources is exercised; neutral too.
 * - The closure is the moments of h_1 (firstOrder.ts) when its coefficients come from the same
 *   discrete 𝓛 (transportCoefficients.ts on the run's grid).
 * - The scaling of scaledClosure: hard spheres (η ∝ √θ) and the Maxwell-molecule D_AB ∝ θ/n, exact.
 * - A non-uniform composition is refused.
 */
import { describe, expect, it } from 'vitest';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { transportCoefficients } from '../../../../src/physics/collision/transportCoefficients';
import { hardSphereOneGas, maxwellMoleculeDiffusion } from '../../../../src/physics/collision/transportExact';
import { type Complex, type WaveProblem, waveMatrix } from '../../../../src/physics/fluid/navierStokesWave';
import {
  type CellGradients,
  type CellState,
  firstOrderFluxes,
  microscopicFirstOrder,
} from '../../../../src/physics/hilbert/firstOrder';
import {
  closureFluxes,
  type FirstOrderCoefficients,
  firstOrderCoefficients,
  HilbertFluid,
  scaledClosure,
} from '../../../../src/physics/hilbert/firstOrderFluid';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

type Vec = Complex[];
const cmul = (a: Complex, b: Complex): Complex => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const matVec = (m: Complex[][], x: Vec): Vec =>
  m.map((row) =>
    row.reduce<Complex>((s, a, j) => [s[0] + cmul(a, x[j]!)[0], s[1] + cmul(a, x[j]!)[1]], [0, 0]),
  );
const minusI = (x: Vec): Vec => x.map(([re, im]) => [im, -re]);

/** X_0(t), X_1(t) of the module comment by RK4 on the 8 complex unknowns. */
function firstOrderWave(b0: Complex[][], b1: Complex[][], x0: Vec, t: number, steps = 4000): [Vec, Vec] {
  const rhs = ([a, b]: [Vec, Vec]): [Vec, Vec] => {
    const da = minusI(matVec(b0, a));
    const db = minusI(matVec(b0, b)).map(
      (z, i) => [z[0] + minusI(matVec(b1, a))[i]![0], z[1] + minusI(matVec(b1, a))[i]![1]] as Complex,
    );
    return [da, db];
  };
  const axpy = (y: [Vec, Vec], k: [Vec, Vec], h: number): [Vec, Vec] =>
    [0, 1].map((p) => y[p]!.map((z, i) => [z[0] + h * k[p]![i]![0], z[1] + h * k[p]![i]![1]] as Complex)) as [
      Vec,
      Vec,
    ];
  let y: [Vec, Vec] = [x0, x0.map(() => [0, 0] as Complex)];
  const h = t / steps;
  for (let s = 0; s < steps; s++) {
    const k1 = rhs(y);
    const k2 = rhs(axpy(y, k1, h / 2));
    const k3 = rhs(axpy(y, k2, h / 2));
    const k4 = rhs(axpy(y, k3, h));
    y = [0, 1].map((p) =>
      y[p]!.map(
        (z, i) =>
          [
            z[0] + (h / 6) * (k1[p]![i]![0] + 2 * k2[p]![i]![0] + 2 * k3[p]![i]![0] + k4[p]![i]![0]),
            z[1] + (h / 6) * (k1[p]![i]![1] + 2 * k2[p]![i]![1] + 2 * k3[p]![i]![1] + k4[p]![i]![1]),
          ] as Complex,
      ),
    ) as [Vec, Vec];
  }
  return y;
}

const made: FirstOrderCoefficients = {
  viscosity: 0.3,
  thermalConductivity: 0.7,
  diffusion: 0.2,
  thermalDiffusionRatio: 0.05,
  heatOfDiffusion: 0.4,
};

describe('HilbertFluid: the first-order fluid system', () => {
  for (const field of [true, false]) {
    it(`has the ε-derivative of the Navier–Stokes–Poisson wave as its small-amplitude solution (field ${field ? 'on' : 'off'})`, () => {
      const nx = 32;
      const length = 2 * Math.PI * 1.1;
      const k = (2 * Math.PI) / length;
      const a = 1e-6;
      const [nA, nB, theta] = [1, 0.5, 1.2];
      const species = { masses: [1, 2] as const, charges: [1, 0.4] as const, fieldEnabled: field };
      const x = Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * length) / nx);
      const initial = {
        length,
        densityA: x.map((s) => nA * (1 + a * Math.cos(k * s))),
        densityB: x.map((s) => nB * (1 + a * Math.cos(k * s))),
        velocity: [new Float64Array(nx), new Float64Array(nx), new Float64Array(nx)] as const,
        temperature: new Float64Array(nx).fill(theta),
      };
      const closure = () => made;
      const fluid = new HilbertFluid(initial, species, closure);
      const t = 1.7;
      fluid.advance(t);
      const problem = (s: number): WaveProblem => ({
        species: [
          { mass: 1, charge: 1, density: nA },
          { mass: 2, charge: 0.4, density: nB },
        ],
        temperature: theta,
        waveNumber: k,
        field,
        viscosity: s * made.viscosity,
        thermalConductivity: s * made.thermalConductivity,
        diffusion: s * made.diffusion,
        thermalDiffusionRatio: made.thermalDiffusionRatio,
        heatOfDiffusion: made.heatOfDiffusion,
      });
      const b0 = waveMatrix(problem(0));
      const b1 = waveMatrix(problem(1)).map((row, i) =>
        row.map((z, j) => [z[0] - b0[i]![j]![0], z[1] - b0[i]![j]![1]] as Complex),
      );
      const [x0, x1] = firstOrderWave(
        b0,
        b1,
        [
          [a * nA, 0],
          [a * nB, 0],
          [0, 0],
          [0, 0],
        ],
        t,
      );
      const first = fluid.firstOrderState();
      const zeroth = fluid.zerothOrderState();
      const real = (c: Complex, s: number) => c[0] * Math.cos(k * s) - c[1] * Math.sin(k * s);
      const checks: [Float64Array, Complex, string][] = [
        [first.densityA, x1[0]!, 'n_1^A'],
        [first.densityB, x1[1]!, 'n_1^B'],
        [first.velocity[0], x1[2]!, 'u_1'],
        [first.temperature, x1[3]!, 'θ_1'],
      ];
      for (const [profile, amp, name] of checks) {
        const expected = x.map((s) => real(amp, s));
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < nx; i++) {
          worst = Math.max(worst, Math.abs(profile[i]! - expected[i]!));
          scale = Math.max(scale, Math.abs(expected[i]!));
        }
        expect(scale, name).toBeGreaterThan(1e-3 * a);
        expect(worst / scale, name).toBeLessThan(1e-3);
      }
      // and the zeroth order is the Euler wave (the same integration, B_0)
      const expectedA = x.map((s) => nA + real(x0[0]!, s));
      for (let i = 0; i < nx; i++)
        expect(Math.abs(zeroth.densityA[i]! - expectedA[i]!)).toBeLessThan(1e-4 * a);
      // u_2, u_3 stay zero: no shear without transverse flow
      expect(Math.max(...first.velocity[1].map(Math.abs))).toBe(0);
    });
  }

  it('conserves ∫n_1^α, ∫(ρu)_1 and the first-order energy ∫𝓔_1 + ∫E_0E_1 at finite amplitude', () => {
    // E_0 and the diffusion current Σ e_α J_α are both O(a) here, so the Joule source E_0 Σ e_α J_α
    // (quadratic, invisible to the linear wave test) is needed for the energy to balance
    const nx = 32;
    const length = 2 * Math.PI;
    const a = 0.15;
    const x = Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * length) / nx);
    const initial = {
      length,
      densityA: x.map((s) => 1 + a * Math.cos(s)),
      densityB: x.map((s) => 0.5 * (1 + a * Math.cos(s))),
      velocity: [
        x.map((s) => 0.1 * Math.sin(s)),
        x.map((s) => 0.1 * Math.cos(s)),
        new Float64Array(nx),
      ] as const,
      temperature: x.map((s) => 1 + 0.1 * Math.sin(s)),
    };
    const fluid = new HilbertFluid(initial, { masses: [1, 2], charges: [1, 0.4] }, () => made);
    let scale = 0;
    for (let step = 0; step < 5; step++) {
      fluid.advance(0.3);
      const first = fluid.firstOrderState();
      const zeroth = fluid.zerothOrderState();
      let size = 0;
      for (let i = 0; i < nx; i++) {
        const total = zeroth.densityA[i]! + zeroth.densityB[i]!;
        const total1 = first.densityA[i]! + first.densityB[i]!;
        size +=
          1.5 *
          (total * Math.abs(first.temperature[i]!) + zeroth.temperature[i]! * Math.abs(total1)) *
          (length / nx);
      }
      scale = Math.max(scale, size);
      const totals = fluid.firstOrderTotals();
      expect(Math.abs(totals.massA)).toBeLessThan(1e-12 * scale);
      expect(Math.abs(totals.massB)).toBeLessThan(1e-12 * scale);
      for (const m of totals.momentum) expect(Math.abs(m)).toBeLessThan(1e-12 * scale);
      // RK4's O(Δt⁴) on a quadratic invariant: 5e−9 measured; without the Joule term 3e−3
      expect(Math.abs(totals.energy)).toBeLessThan(1e-6 * scale);
    }
    expect(scale).toBeGreaterThan(1e-3);
  });

  it('refuses a zeroth-order state whose composition n_A/n is not the closure’s', () => {
    const nx = 8;
    const x = Float64Array.from({ length: nx }, (_, i) => ((i + 0.5) * 2 * Math.PI) / nx);
    const initial = {
      length: 2 * Math.PI,
      densityA: x.map((s) => 1 + 0.1 * Math.cos(s)),
      densityB: new Float64Array(nx).fill(0.5),
      velocity: [new Float64Array(nx), new Float64Array(nx), new Float64Array(nx)] as const,
      temperature: new Float64Array(nx).fill(1),
    };
    const closure = scaledClosure({ densityA: 1, densityB: 0.5, temperature: 1 }, made, 0);
    expect(() => new HilbertFluid(initial, { masses: [1, 2], charges: [1, 1] }, closure)).toThrow(/n_A\/n/);
  });
});

describe('the first-order closure', () => {
  it('reproduces the moments of h_1 with firstOrderCoefficients, which agree with transportCoefficients on the same grid', () => {
    const species = { masses: [1, 2] as const, charges: [1, 0.4] as const };
    const grid = velocityGrid(8, 5.5);
    const colliding = [
      { mass: 1, diameter: 1 },
      { mass: 2, diameter: 1.2 },
    ] as const;
    const gamma = -1;
    const tables = mixtureSpectralTables(grid, colliding, gamma);
    const cell: CellState = { densityA: 1.1, densityB: 0.5, drift: [0, 0, 0], temperature: 1.2 };
    const coefficients = firstOrderCoefficients(cell, tables, species);
    // every gradient at once: the closure is linear in them, the solve too
    const gradients: CellGradients = { velocity: [0.3, -0.2, 0], logTemperature: 0.25, diffusionForce: 0.4 };
    const micro = microscopicFirstOrder(cell, gradients, tables, species);
    const moments = firstOrderFluxes(micro.solution, grid, cell, species);
    const closure = closureFluxes(cell, gradients, species.masses, coefficients);
    const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-6 * Math.abs(a));
    close(closure.stress[0], moments.stress[0]);
    close(closure.stress[1], moments.stress[1]);
    close(closure.speciesFlux[0], moments.speciesFlux[0]);
    close(closure.speciesFlux[1], moments.speciesFlux[1]);
    close(closure.heatFlux, moments.heatFlux);
    // the same discrete 𝓛 through transportCoefficients' own formulas (its η is the c_1c_2 solve)
    const transport = transportCoefficients(
      {
        species: [
          { ...colliding[0], density: cell.densityA },
          { ...colliding[1], density: cell.densityB },
        ],
        temperature: cell.temperature,
        gamma,
        knudsen: 1,
      },
      grid,
    );
    for (const key of [
      'viscosity',
      'thermalConductivity',
      'diffusion',
      'thermalDiffusionRatio',
      'heatOfDiffusion',
    ] as const) {
      expect(Math.abs(coefficients[key] - transport[key]), key).toBeLessThan(1e-6 * Math.abs(transport[key]));
    }
  }, 30_000);

  it('carries the coefficients to another (n, θ) by the VHS scaling: exact for hard spheres and Maxwell D_AB', () => {
    const [m, d] = [1.5, 0.7];
    const ref = hardSphereOneGas(m, d, 1.1, 1);
    const maxwell = (n: number, theta: number) =>
      maxwellMoleculeDiffusion({
        species: [
          { mass: 1, diameter: 1, density: 0.6 * n },
          { mass: 2, diameter: 1.4, density: 0.4 * n },
        ],
        temperature: theta,
        gamma: 0,
        knudsen: 1,
      });
    const hs = scaledClosure(
      { densityA: 0.5, densityB: 0.5, temperature: 1.1 },
      { ...made, viscosity: ref.viscosity, thermalConductivity: ref.thermalConductivity },
      1,
    );
    const at = hardSphereOneGas(m, d, 2.3, 1);
    expect(hs(0.9, 0.9, 2.3).viscosity / at.viscosity).toBeCloseTo(1, 12);
    expect(hs(0.9, 0.9, 2.3).thermalConductivity / at.thermalConductivity).toBeCloseTo(1, 12);
    const mm = scaledClosure(
      { densityA: 0.6, densityB: 0.4, temperature: 0.8 },
      { ...made, diffusion: maxwell(1, 0.8) },
      0,
    );
    expect(mm(0.6 * 1.7, 0.4 * 1.7, 1.9).diffusion / maxwell(1.7, 1.9)).toBeCloseTo(1, 12);
  });
});
