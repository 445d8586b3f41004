/**
 * The exact Maxwellian exchange rates for any γ (exchangeRates.ts) against what is known without
 * them: maxwellMolecules.ts's closed form at γ = 0; at equal drifts, the Gamma-function moment
 * E|q|^p of a centred Gaussian; and for drifting pairs at γ = 1 and −2, a brute-force sum of the
 * defining 3D integral E[|q|^γ q], E[|q|^γ V·q] over a Cartesian grid in q (no angle reduction).
 */
import { describe, expect, it } from 'vitest';
import { maxwellianExchangeRates } from '../../../../src/physics/collision/exchangeRates';
import { maxwellMoleculeRates } from '../../../../src/physics/collision/maxwellMolecules';
import type { MaxwellianState } from '../../../../src/physics/maxwellian';
import { gammaFunction } from '../../../../src/physics/quadrature';

const A: MaxwellianState = { density: 1, mass: 1, temperature: 1.2, drift: [0.3, -0.1, 0.05] };
const B: MaxwellianState = { density: 0.7, mass: 2, temperature: 0.8, drift: [-0.2, 0.1, 0] };
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** −π d² μ n n E[...] by a midpoint sum over q on a cube of ±(|D| + 9s), 120³ points. */
function bruteForce(alpha: MaxwellianState, beta: MaxwellianState, d: number, gamma: number) {
  const M = alpha.mass + beta.mass;
  const mu = (alpha.mass * beta.mass) / M;
  const s2 = alpha.temperature / alpha.mass + beta.temperature / beta.mass;
  const D = [0, 1, 2].map((i) => alpha.drift[i]! - beta.drift[i]!);
  const U = [0, 1, 2].map((i) => (alpha.mass * alpha.drift[i]! + beta.mass * beta.drift[i]!) / M);
  const c = (alpha.temperature - beta.temperature) / (M * s2);
  const half = Math.hypot(...D) + 9 * Math.sqrt(s2);
  const n = 120; // even: no point at q = 0, where |q|^γ is singular for γ < 0
  const h = (2 * half) / n;
  const norm = (2 * Math.PI * s2) ** -1.5 * h ** 3;
  const mom = [0, 0, 0];
  let energy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const q = [-half + (i + 0.5) * h, -half + (j + 0.5) * h, -half + (k + 0.5) * h];
        const r2 = q[0]! ** 2 + q[1]! ** 2 + q[2]! ** 2;
        const dev = (q[0]! - D[0]!) ** 2 + (q[1]! - D[1]!) ** 2 + (q[2]! - D[2]!) ** 2;
        const weight = norm * Math.exp(-dev / (2 * s2)) * r2 ** (gamma / 2);
        let vq = 0;
        for (let x = 0; x < 3; x++) {
          mom[x]! += weight * q[x]!;
          vq += (U[x]! + c * (q[x]! - D[x]!)) * q[x]!;
        }
        energy += weight * vq;
      }
    }
  }
  const scale = -Math.PI * d * d * mu * alpha.density * beta.density;
  return { momentum: mom.map((x) => scale * x), energy: scale * energy };
}

describe('maxwellianExchangeRates (exact, any γ)', () => {
  it('γ = 0: the Maxwell-molecule closed form, to 1e−12', () => {
    const exact = maxwellMoleculeRates(A, B, 1.3);
    const rates = maxwellianExchangeRates(A, B, 1.3, 0);
    for (let i = 0; i < 3; i++) expect(Math.abs(rates.momentum[i]! - exact.momentum[i]!)).toBeLessThan(1e-12);
    expect(relative(rates.energy, exact.energy)).toBeLessThan(1e-12);
  });

  it('equal drifts: no momentum, and E|q|^{γ+2} = (2s²)^{(γ+2)/2} Γ((5+γ)/2)/Γ(3/2)', () => {
    for (const gamma of [-2.5, -2, -1, 0.5, 1]) {
      const b = { ...B, drift: A.drift };
      const rates = maxwellianExchangeRates(A, b, 1, gamma);
      const s2 = A.temperature / A.mass + B.temperature / B.mass;
      const moment = (2 * s2) ** ((gamma + 2) / 2) * (gammaFunction((5 + gamma) / 2) / gammaFunction(1.5));
      const M = A.mass + B.mass;
      // E[|q|^γ V·q] = U·E[|q|^γ q] + c E|q|^{γ+2} with E[|q|^γ q] = 0
      const expected =
        -Math.PI *
        ((A.mass * B.mass) / M) *
        A.density *
        B.density *
        ((A.temperature - B.temperature) / (M * s2)) *
        moment;
      expect(rates.momentum.every((x) => Math.abs(x) < 1e-14)).toBe(true);
      expect(relative(rates.energy, expected)).toBeLessThan(1e-10);
    }
  });

  it.each([1, -2])(
    'drifting pair, γ = %d: the brute-force 3D integral to 1e−4',
    (gamma) => {
      const rates = maxwellianExchangeRates(A, B, 1, gamma);
      const brute = bruteForce(A, B, 1, gamma);
      const scale = Math.hypot(...brute.momentum);
      for (let i = 0; i < 3; i++)
        expect(Math.abs(rates.momentum[i]! - brute.momentum[i]!) / scale).toBeLessThan(1e-4);
      expect(relative(rates.energy, brute.energy)).toBeLessThan(1e-4);
      // momentum and energy are conserved by the pair: Q^{BA}'s rates are the opposite
      const back = maxwellianExchangeRates(B, A, 1, gamma);
      for (let i = 0; i < 3; i++)
        expect(Math.abs(rates.momentum[i]! + back.momentum[i]!)).toBeLessThan(1e-13);
      expect(Math.abs(rates.energy + back.energy)).toBeLessThan(1e-13);
    },
    60_000,
  );
});
