/**
 * The mixture's transport coefficients from the discrete 𝓛⁻¹ (transportCoefficients.ts) against
 * exact kinetic theory; no number here comes from an earlier run of this code.
 *
 * Maxwell molecules (γ = 0). With B = π d² b0 (∫b0 dσ = 1, isotropic) the moment equations close
 * (transportExact.ts derives each step): the m_α v_1 v_2 moments of the shear problem
 * 𝓛h = −μ^α (m_α/θ) c_1 c_2 are the 2 × 2 system
 *   [π d_αα² n_α/2 + π d_αβ² (m_β/M²)(2m_α + m_β) n_β] P^α − π d_αβ² (m_β/M²) m_α n_α P^β = −n_α θ
 * for the partial stresses, η = −ε(P^A + P^B); one gas: η = 2εθ/(π d²). The m_A v_1 moment of the
 * diffusion problem uses ∫ m_A v Q^{AB} = −π d_AB² m_red n_A n_B (u_A − u_B) (the exchange rate
 * tested in spectral.maxwellMoleculeRates.test.ts): D_AB = εθ/(π d_AB² m_red n); the heat source
 * has no momentum moment, so k_T = 0 at every mass ratio; the heat flux of one gas relaxes at ⅔ of
 * the stress rate: λ = (15/4) η/m (Prandtl number 2/3).
 * Hard spheres (γ = 1, one gas): Chapman & Cowling's converged η = 1.016034 [η]₁ and
 * λ = 1.025218 [λ]₁, [η]₁ = (5/16)√(mθ/π)/d², [λ]₁ = (75/64)√(θ/(πm))/d², times ε.
 *
 * Stated grid: N_v = 32 on the box of 9 thermal speeds of the lighter species, the default
 * quadrature (N_ρ = 16, 4 × 8 sphere points), GMRES to 1e−8. Measured there: 2e−5 to 7.3e−4 (table
 * in the README); the bound 1 % is the issue's. N_v = 16 (7 thermal speeds, support ball χ of 5) is
 * printed beside it for the convergence, and tested on its own for one gas and for γ = −2.
 * The states are not the unit ones (θ, ε, m, d ≠ 1) so that a wrong power of any of them fails.
 */
import { describe, expect, it } from 'vitest';
import {
  type TransportState,
  transportCoefficients,
  transportGrid,
} from '../../../../src/physics/collision/transportCoefficients';
import {
  hardSphereOneGas,
  maxwellMoleculeDiffusion,
  maxwellMoleculeViscosity,
} from '../../../../src/physics/collision/transportExact';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** One gas split into two identical species (k_T = 0 by symmetry; λ is the one-gas λ). */
function oneGas(mass: number, diameter: number, gamma: number): TransportState {
  return {
    species: [
      { mass, diameter, density: 0.7 },
      { mass, diameter, density: 0.5 },
    ],
    temperature: 1.3,
    gamma,
    knudsen: 0.1,
  };
}

describe('transport coefficients of the discrete operator against exact kinetic theory (N_v = 32)', () => {
  it('Maxwell molecules, one gas: η = 2εθ/(πd²), λ = (15/4)η/m (Prandtl 2/3), k_T = 0, within 1 %', () => {
    const state = oneGas(2, 0.9, 0);
    const r = transportCoefficients(state, transportGrid(state, 32));
    const { temperature: theta, knudsen: eps } = state;
    const eta = (2 * eps * theta) / (Math.PI * 0.9 * 0.9);
    const lambda = ((15 / 4) * eta) / 2;
    console.log(
      `MM one gas: η ${relative(r.viscosity, eta).toExponential(2)}, λ ${relative(r.thermalConductivity, lambda).toExponential(2)}, ` +
        `k_T ${r.thermalDiffusionRatio.toExponential(2)}, GMRES ${r.iterations.join('/')}, residual ${r.residual.toExponential(1)}`,
    );
    expect(relative(r.viscosity, eta)).toBeLessThan(0.01);
    expect(relative(r.thermalConductivity, lambda)).toBeLessThan(0.01);
    expect(Math.abs(r.thermalDiffusionRatio)).toBeLessThan(1e-6);
    expect(r.residual).toBeLessThan(1e-8);
    expect(r.grid).toMatchObject({ nv: 32, nRho: 16 });
  }, 300_000);

  it('Maxwell molecules, m_B = 2 m_A, unequal diameters: η (2 × 2 moment system), D_AB, k_T = 0; N_v = 16 coarser', () => {
    const state: TransportState = {
      species: [
        { mass: 1, diameter: 1, density: 0.7 },
        { mass: 2, diameter: 1.4, density: 0.5 },
      ],
      temperature: 0.8,
      gamma: 0,
      knudsen: 0.05,
    };
    const eta = maxwellMoleculeViscosity(state);
    const dAB = 1.2;
    const reduced = 2 / 3;
    const diffusion = (state.knudsen * state.temperature) / (Math.PI * dAB * dAB * reduced * 1.2);
    expect(relative(maxwellMoleculeDiffusion(state), diffusion)).toBeLessThan(1e-14);
    const errors = [32, 16].map((nv) => {
      const r = transportCoefficients(state, transportGrid(state, nv));
      return {
        nv,
        viscosity: relative(r.viscosity, eta),
        diffusion: relative(r.diffusion, diffusion),
        kT: Math.abs(r.thermalDiffusionRatio),
        onsager: r.onsagerDefect,
      };
    });
    console.log(
      errors
        .map(
          (e) =>
            `MM 1:2, N_v = ${e.nv}: η ${e.viscosity.toExponential(2)}, D_AB ${e.diffusion.toExponential(2)}, |k_T| ${e.kT.toExponential(2)}, Onsager ${e.onsager.toExponential(2)}`,
        )
        .join('\n'),
    );
    const [fine, coarse] = errors as [(typeof errors)[0], (typeof errors)[0]];
    expect(fine.viscosity).toBeLessThan(0.01);
    expect(fine.diffusion).toBeLessThan(0.01);
    // k_T = 0 exactly; a hard-sphere mixture of this mass ratio has |k_T| of a few 1e−2
    expect(fine.kT).toBeLessThan(5e-3);
    // the convergence in N_v: the coarser grid is worse, and not by orders of magnitude worse
    expect(coarse.viscosity).toBeGreaterThan(fine.viscosity);
    expect(coarse.viscosity).toBeLessThan(0.2);
    // Onsager's reciprocity (heat of diffusion against k_T, two different solves) tells the grids
    // apart without the exact values: measured 0.5 % and 20 %
    expect(fine.onsager).toBeLessThan(0.02);
    expect(coarse.onsager).toBeGreaterThan(0.05);
  }, 300_000);

  it('hard spheres, one gas: η and λ within 1 % of the converged Chapman–Cowling values', () => {
    const state = oneGas(1.5, 1.1, 1);
    const r = transportCoefficients(state, transportGrid(state, 32));
    const exact = hardSphereOneGas(1.5, 1.1, state.temperature, state.knudsen);
    // the first Sonine approximation is 1.6 % / 2.5 % below: the test can tell them apart
    console.log(
      `HS one gas: η ${relative(r.viscosity, exact.viscosity).toExponential(2)}, λ ${relative(r.thermalConductivity, exact.thermalConductivity).toExponential(2)}`,
    );
    expect(relative(r.viscosity, exact.viscosity)).toBeLessThan(0.01);
    expect(relative(r.thermalConductivity, exact.thermalConductivity)).toBeLessThan(0.01);
    expect(relative(r.viscosity, exact.viscosity / 1.016034)).toBeGreaterThan(0.01);
  }, 300_000);
});

describe('the quick grid (N_v = 16) and soft potentials: the support ball χ (transportSupportThermalSpeeds)', () => {
  // Pr = (5/2)η/(mλ): exactly 2/3 for Maxwell molecules, 2/3 in the first Sonine approximation for
  // every inverse-power law (hard spheres 0.661 converged); a 3 % band is far inside a factor 2.
  const prandtl = (r: { viscosity: number; thermalConductivity: number }, mass: number) =>
    (2.5 * r.viscosity) / (mass * r.thermalConductivity);

  it('Maxwell molecules, one gas, N_v = 16: η within 0.5 %, λ within 2 %; the whole ball χ = R misses λ', () => {
    const state = oneGas(2, 0.9, 0);
    const grid = transportGrid(state, 16);
    const r = transportCoefficients(state, grid);
    const whole = transportCoefficients(state, grid, undefined, { supportThermalSpeeds: null });
    const eta = (2 * state.knudsen * state.temperature) / (Math.PI * 0.9 * 0.9);
    const lambda = ((15 / 4) * eta) / 2;
    console.log(
      `MM one gas N_v = 16: η ${relative(r.viscosity, eta).toExponential(2)}, λ ${relative(r.thermalConductivity, lambda).toExponential(2)} ` +
        `(χ ${r.grid.support.toPrecision(3)}); χ = R ${whole.grid.support.toPrecision(3)}: λ ${relative(whole.thermalConductivity, lambda).toExponential(2)}`,
    );
    expect(r.grid.support).toBeLessThan(r.grid.truncation);
    expect(relative(r.viscosity, eta)).toBeLessThan(0.005);
    expect(relative(r.thermalConductivity, lambda)).toBeLessThan(0.02);
    expect(relative(whole.thermalConductivity, lambda)).toBeGreaterThan(0.05);
  }, 300_000);

  it('γ = −2, one gas, N_v = 16: Prandtl number within 3 % of 2/3; with χ = R it is off by more than half', () => {
    const state = oneGas(2, 0.9, -2);
    const grid = transportGrid(state, 16);
    const r = transportCoefficients(state, grid);
    const whole = transportCoefficients(state, grid, undefined, { supportThermalSpeeds: null });
    console.log(
      `γ = −2 one gas N_v = 16: Pr ${prandtl(r, 2).toFixed(4)}, with χ = R ${prandtl(whole, 2).toFixed(4)}`,
    );
    expect(relative(prandtl(r, 2), 2 / 3)).toBeLessThan(0.03);
    expect(relative(prandtl(whole, 2), 2 / 3)).toBeGreaterThan(0.5);
    expect(Math.abs(r.thermalDiffusionRatio)).toBeLessThan(1e-6);
  }, 300_000);
});

describe('transport coefficients: input', () => {
  it('refuses a bad state naming the field', () => {
    const good = oneGas(1, 1, 0);
    const cases: [TransportState, RegExp][] = [
      [{ ...good, temperature: 0 }, /temperature/],
      [{ ...good, knudsen: Number.NaN }, /collisions\.knudsen/],
      [{ ...good, gamma: -3 }, /collisions\.gamma/],
      [{ ...good, species: [{ ...good.species[0], mass: -1 }, good.species[1]] }, /species\.0\.mass/],
      [{ ...good, species: [good.species[0], { ...good.species[1], density: 0 }] }, /species\.1\.density/],
    ];
    for (const [state, message] of cases) expect(() => transportCoefficients(state)).toThrow(message);
    expect(() => transportGrid(good, 64)).toThrow(/N_v/);
  });
});
