// The remainder's weights and constants (PHYSICS.md §3, src/physics/remainder.ts), against values
// computed by hand (the literals below), not from the code: ⟨v⟩ = 1 + |v|, κ̃(t), w_γ in its three
// regimes and in log form, θ_M with both label orders, μ_M in the paper's form, y(k, γ), E(t) and
// the trusted velocity ball.
import { describe, expect, it } from 'vitest';
import {
  gammaRegime,
  globalMaxwellian,
  globalMaxwellianTemperature,
  japaneseBracket,
  kappaTilde,
  logGlobalMaxwellian,
  logWeightCoefficients,
  logWeightGamma,
  remainderEnergy,
  remainderLogWeight,
  theoremExponent,
  trustedBallRadius,
  weightGamma,
} from '../../../src/physics/remainder';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

const params = { kappa0: 0.01, k: 6, l: 7 };
const close = (a: number, b: number, tol = 1e-14) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b));

describe('⟨v⟩ and κ̃(t)', () => {
  it('⟨v⟩ = 1 + |v|', () => {
    expect(japaneseBracket(0)).toBe(1);
    expect(japaneseBracket(2)).toBe(3);
    expect(japaneseBracket(-2.5)).toBe(3.5);
  });

  it('κ̃(0) = 2κ0, κ̃(3) = κ0 (1 + 4^{−2/11}) at k = 6, κ̃ → κ0 as t → ∞, decreasing', () => {
    expect(kappaTilde(0, 0.01, 6)).toBe(0.02);
    close(kappaTilde(3, 0.01, 6), 0.017772031408854597);
    expect(Math.abs(kappaTilde(1e30, 0.01, 6) - 0.01)).toBeLessThan(1e-7);
    expect(kappaTilde(1e30, 0.01, 6)).toBeGreaterThan(0.01);
    let previous = Number.POSITIVE_INFINITY;
    for (const t of [0, 0.5, 1, 10, 100, 1e4]) {
      expect(kappaTilde(t, 0.01, 6)).toBeLessThan(previous);
      previous = kappaTilde(t, 0.01, 6);
    }
  });
});

describe('γ regimes and w_γ', () => {
  it.each([
    [1, 'hard-sphere'],
    [0.999, 'hard-or-moderately-soft'],
    [0, 'hard-or-moderately-soft'],
    [-1, 'hard-or-moderately-soft'],
    [-1.0001, 'very-soft'],
    [-2.9, 'very-soft'],
  ] as const)('γ = %s → %s', (gamma, regime) => {
    expect(gammaRegime(gamma)).toBe(regime);
  });

  it('refuses γ outside (−3, 1] naming collisions.gamma', () => {
    for (const gamma of [-3, 1.1, Number.NaN, -Infinity]) {
      expect(() => gammaRegime(gamma)).toThrow(InvalidParameterError);
      expect(() => gammaRegime(gamma)).toThrow(/collisions\.gamma .*\(−3, 1\]/);
    }
  });

  // |v| = 2, so ⟨v⟩ = 3; t = 0, so κ̃ = 2κ0 = 0.02.
  it.each([
    ['γ = 1: ⟨v⟩^l = 3^7', 1, 2187],
    ['γ = 0: exp(κ̃ ⟨v⟩^{3/2}) = exp(0.02 · 3^1.5)', 0, 1.1095150727304695],
    ['γ = 0.5: exp(κ̃ ⟨v⟩^{5/4})', 0.5, 1.0821658404098495],
    ['γ = −1: exp(κ̃ ⟨v⟩^2) = exp(0.18)', -1, 1.1972173631218102],
    ['γ = −2: exp(κ̃ ⟨v⟩²) = exp(0.18)', -2, 1.1972173631218102],
  ])('%s', (_name, gamma, expected) => {
    close(weightGamma(2, gamma, 0, params), expected, 1e-13);
    close(logWeightGamma(2, gamma, 0, params), Math.log(expected), 1e-13);
  });

  it('the log form has one shape for every regime, and stays finite where w overflows', () => {
    expect(logWeightCoefficients(1, 5, params)).toEqual({
      regime: 'hard-sphere',
      bracketPower: 7,
      expCoefficient: 0,
      expPower: 0,
    });
    const soft = logWeightCoefficients(0, 3, params);
    expect(soft.bracketPower).toBe(0);
    expect(soft.expPower).toBe(1.5);
    close(soft.expCoefficient, 0.017772031408854597);
    expect(logWeightCoefficients(-2, 0, params).expPower).toBe(2);
    expect(weightGamma(1000, -2, 0, params)).toBe(Number.POSITIVE_INFINITY);
    close(logWeightGamma(1000, -2, 0, params), 0.02 * 1001 ** 2);
  });
});

describe('the global Maxwellian μ_M', () => {
  it('θ_M = 2 m_heavy/(2 m_heavy + m_light) θ̄, whichever label is heavier', () => {
    close(globalMaxwellianTemperature(16, 30, 1), 60 / 76);
    close(globalMaxwellianTemperature(30, 16, 1), 60 / 76);
    close(globalMaxwellianTemperature(30, 16, 2.5), (2.5 * 60) / 76);
    close(globalMaxwellianTemperature(1, 1, 3), 2);
    expect(() => globalMaxwellianTemperature(0, 1, 1)).toThrow(RangeError);
  });

  it('μ_M^α(v) = (2πθ_M)^{−3/2} exp(−m|v|²/(2θ_M)), WITHOUT the m^{3/2} factor (the paper’s form)', () => {
    const thetaM = 0.5;
    close(globalMaxwellian(0, 16, thetaM), Math.PI ** -1.5); // independent of m at v = 0
    close(globalMaxwellian(0, 1, thetaM), Math.PI ** -1.5);
    close(globalMaxwellian(1.5, 2, thetaM), Math.PI ** -1.5 * Math.exp(-4.5));
    close(logGlobalMaxwellian(30, 2, thetaM), -1.5 * Math.log(Math.PI) - 1800);
  });

  it('the L∞ weight ⟨v⟩^{2−γ} w_γ / √μ_M in log form', () => {
    const thetaM = 0.5;
    // |v| = 2, m = 1: m|v|²/(2θ_M) = 4; ⟨v⟩^{2−γ} = 3², w_0 = exp(0.02 · 3^1.5)
    const expected = Math.log((3 ** 2 * 1.1095150727304695) / Math.sqrt(Math.PI ** -1.5 * Math.exp(-4)));
    close(remainderLogWeight(2, 1, thetaM, 0, 0, params), expected, 1e-13);
  });

  it('the trusted ball: μ_M ≥ floor · μ_M(0) for |v| ≤ R = √(2θ_M ln(1/floor)/m)', () => {
    close(trustedBallRadius(1, 1, Math.exp(-2)), 2);
    close(trustedBallRadius(4, 1, Math.exp(-2)), 1); // R ∝ 1/√m
    const R = trustedBallRadius(16, 0.7, 1e-4);
    close(globalMaxwellian(R, 16, 0.7) / globalMaxwellian(0, 16, 0.7), 1e-4, 1e-12);
    expect(trustedBallRadius(1, 1, 1)).toBe(0);
    for (const floor of [0, -1, 1.5, Number.NaN])
      expect(() => trustedBallRadius(1, 1, floor)).toThrow(RangeError);
  });
});

describe('the theorem’s exponent y(k, γ) and energy E(t)', () => {
  it.each([
    [1, 9 / 22],
    [0, 9 / 22],
    [-1, 9 / 22],
    [-2, 9 / 33],
  ])('k = 6, γ = %s: y = %s', (gamma, y) => {
    close(theoremExponent(6, gamma), y);
  });

  it('→ 1/2 as k → ∞ for γ ≥ −1 (1/(1−γ) below), increasing in k', () => {
    expect(theoremExponent(Number.POSITIVE_INFINITY, 0)).toBe(0.5);
    expect(theoremExponent(Number.POSITIVE_INFINITY, -2)).toBe(1 / 3);
    expect(Math.abs(theoremExponent(1e9, 1) - 0.5)).toBeLessThan(1e-9);
    expect(theoremExponent(7, 0)).toBeGreaterThan(theoremExponent(6, 0));
    expect(() => theoremExponent(1, 0)).toThrow(RangeError);
  });

  it('is continuous at γ = −1', () => {
    for (const k of [6, 10, 100]) {
      expect(Math.abs(theoremExponent(k, -1 - 1e-9) - theoremExponent(k, -1))).toBeLessThan(1e-8);
    }
  });

  it('E(t) is the sum of its terms; the ε^5 gradient term defaults to 0 (not computed yet)', () => {
    expect(remainderEnergy({ l2: 1, field: 2, linfWeighted: 3 })).toBe(6);
    expect(remainderEnergy({ l2: 1, field: 2, linfWeighted: 3, gradientTerm: 4 })).toBe(10);
    expect(remainderEnergy({ l2: Number.NaN, field: 0, linfWeighted: 0 })).toBeNaN();
    expect(() => remainderEnergy({ l2: -1, field: 0, linfWeighted: 0 })).toThrow(RangeError);
  });
});
