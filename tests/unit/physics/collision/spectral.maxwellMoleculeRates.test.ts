import { describe, expect, it } from 'vitest';
import { maxwellMoleculeRates } from '../../../../src/physics/collision/maxwellMolecules';
import { collisionOperator, spectralTables } from '../../../../src/physics/collision/spectral';
import { maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { velocityMoments } from '../../../../src/physics/moments';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

// Two Maxwellians out of equilibrium (different drifts and temperatures, m_B = 2 m_A).
const A = { density: 1, mass: 1, temperature: 1, drift: [0.3, 0, 0] as const };
const B = { density: 0.7, mass: 2, temperature: 1.5, drift: [-0.2, 0.1, 0] as const };
const pair = { alpha: { mass: 1, diameter: 1 }, beta: { mass: 2, diameter: 1.5 }, gamma: 0 };

/** Largest relative error of the momentum and energy transfer of spectral Q^{AB} at N_v. */
function rateError(nv: number): number {
  // R = 7.6 exceeds every relative speed of the two supports (3.5 thermal speeds + drift each),
  // so the truncated kernel gives the exact rates
  const grid = velocityGrid(nv, 8);
  const tables = spectralTables(grid, pair, { nRho: nv / 2, nTheta: 4, nPhi: 8, truncation: 7.6 });
  const q = collisionOperator(maxwellianOnGrid(grid, A), maxwellianOnGrid(grid, B), tables).q;
  const m = velocityMoments(q, grid, 1, A.mass);
  const exact = maxwellMoleculeRates(A, B, (1 + 1.5) / 2);
  const scale = Math.hypot(...exact.momentum);
  return Math.max(
    Math.abs(m[1]! - exact.momentum[0]) / scale,
    Math.abs(m[2]! - exact.momentum[1]) / scale,
    Math.abs(m[3]! - exact.momentum[2]) / scale,
    Math.abs(m[4]! - exact.energy) / Math.abs(exact.energy),
  );
}

describe('spectral Q^{AB} against the exact Maxwell-molecule exchange rates (γ = 0)', () => {
  it('the rates are what momentum and energy conservation demand of the pair', () => {
    const ab = maxwellMoleculeRates(A, B, 1.25);
    const ba = maxwellMoleculeRates(B, A, 1.25);
    for (let k = 0; k < 3; k++) expect(ab.momentum[k]! + ba.momentum[k]!).toBeCloseTo(0, 14);
    expect(ab.energy + ba.energy).toBeCloseTo(0, 14);
    // equal drifts and temperatures: no exchange
    const same = maxwellMoleculeRates(A, { ...B, drift: A.drift, temperature: A.temperature }, 1.25);
    expect(Math.abs(same.energy)).toBeLessThan(1e-14);
  });

  it('converges spectrally as N_v doubles: 8 → 16 → 32', () => {
    const errors = [8, 16, 32].map(rateError);
    expect(errors[1]!).toBeLessThan(1e-2);
    expect(errors[2]!).toBeLessThan(1e-4);
    // spectral, not algebraic: each doubling gains far more than the 2^2 = 4 of a second-order method
    expect(errors[1]! / errors[2]!).toBeGreaterThan(100);
    expect(errors[0]! / errors[1]!).toBeGreaterThan(10);
  }, 60_000);
});
