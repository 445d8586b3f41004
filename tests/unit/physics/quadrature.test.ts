// Quadrature rules of PHYSICS.md §4 (radial Gauss–Jacobi, sphere product rule) against exact
// integrals: closed-form Chebyshev rules, Jacobi moments 2^{β+k+1}/(β+k+1), Beta functions at
// half-integers, and sphere monomial integrals 4π (2i−1)!!(2j−1)!!(2k−1)!!/(2i+2j+2k+1)!!.
import { describe, expect, it } from 'vitest';
import {
  gammaFunction,
  gaussJacobi,
  gaussLegendre,
  radialQuadrature,
  sphereQuadrature,
} from '../../../src/physics/quadrature';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

function doubleFactorial(n: number): number {
  let p = 1;
  for (let k = n; k > 1; k -= 2) p *= k;
  return p;
}

/** ∫_{S²} x^a y^b z^c dσ (exact). */
function sphereMonomial(a: number, b: number, c: number): number {
  if (a % 2 || b % 2 || c % 2) return 0;
  return (
    (4 * Math.PI * doubleFactorial(a - 1) * doubleFactorial(b - 1) * doubleFactorial(c - 1)) /
    doubleFactorial(a + b + c + 1)
  );
}

describe('gammaFunction', () => {
  it('matches factorials and half-integer values', () => {
    expect(gammaFunction(5)).toBeCloseTo(24, 12);
    expect(Math.abs(gammaFunction(0.5) / Math.sqrt(Math.PI) - 1)).toBeLessThan(1e-14);
    expect(Math.abs(gammaFunction(3.5) / ((15 / 8) * Math.sqrt(Math.PI)) - 1)).toBeLessThan(1e-14);
    expect(Math.abs(gammaFunction(0.1) / 9.513507698668732 - 1)).toBeLessThan(1e-14);
  });
});

describe('gaussJacobi', () => {
  it('reproduces the closed-form Chebyshev rules (α = β = ∓½)', () => {
    for (const n of [1, 5, 17, 40]) {
      const first = gaussJacobi(n, -0.5, -0.5);
      const second = gaussJacobi(n, 0.5, 0.5);
      for (let j = 0; j < n; j++) {
        // ascending nodes: x_j = −cos((2j+1)π/(2n)), w = π/n
        expect(Math.abs(first.nodes[j]! + Math.cos(((2 * j + 1) * Math.PI) / (2 * n)))).toBeLessThan(1e-14);
        expect(Math.abs(first.weights[j]! - Math.PI / n)).toBeLessThan(1e-13);
        const t = ((j + 1) * Math.PI) / (n + 1);
        expect(Math.abs(second.nodes[j]! + Math.cos(t))).toBeLessThan(1e-14);
        expect(Math.abs(second.weights[j]! - (Math.PI / (n + 1)) * Math.sin(t) ** 2)).toBeLessThan(1e-14);
      }
    }
  });

  it('integrates (1+x)^k exactly against (1+x)^β up to degree 2n−1 (α = 0)', () => {
    for (const beta of [-0.9, -0.5, 0, 0.5, 1.5, 2.5, 3, 4]) {
      for (const n of [3, 8, 20, 40]) {
        const { nodes, weights } = gaussJacobi(n, 0, beta);
        for (const k of [0, 1, n, 2 * n - 1]) {
          let s = 0;
          for (let j = 0; j < n; j++) s += weights[j]! * ((1 + nodes[j]!) / 2) ** k;
          // ∫ (1+x)^{β} ((1+x)/2)^k dx = 2^{β+1}/(β+k+1)
          const exact = 2 ** (beta + 1) / (beta + k + 1);
          expect(Math.abs(s / exact - 1), `β=${beta} n=${n} k=${k}`).toBeLessThan(1e-13);
        }
        // Degree 2n is not exact: the rule really has degree 2n − 1 (visible for small n; the
        // relative error of (1+x)^{2n} falls like 4^{−n}).
        if (n > 8) continue;
        let s = 0;
        for (let j = 0; j < n; j++) s += weights[j]! * ((1 + nodes[j]!) / 2) ** (2 * n);
        expect(Math.abs(s / (2 ** (beta + 1) / (beta + 2 * n + 1)) - 1)).toBeGreaterThan(1e-12);
      }
    }
  });

  it('integrates Jacobi moments for α ≠ 0 (half-integer Beta functions)', () => {
    // ∫ (1−x)^α (1+x)^{β+k} dx = 2^{α+β+k+1} Γ(α+1)Γ(β+k+1)/Γ(α+β+k+2); with α = ½, β = 3/2 the
    // Gammas are Γ(3/2) = √π/2, Γ(5/2+k) and Γ(4+k) = (3+k)!
    const n = 12;
    const { nodes, weights } = gaussJacobi(n, 0.5, 1.5);
    // Γ(m + ½) = (2m−1)!! √π / 2^m
    const halfGamma = (m: number): number => (doubleFactorial(2 * m - 1) / 2 ** m) * Math.sqrt(Math.PI);
    let factorial = 6; // 3!
    for (let k = 0; k < 2 * n; k++) {
      if (k > 0) factorial *= 3 + k;
      let s = 0;
      for (let j = 0; j < n; j++) s += weights[j]! * (1 + nodes[j]!) ** k;
      const exact = (2 ** (3 + k) * (Math.sqrt(Math.PI) / 2) * halfGamma(2 + k)) / factorial;
      expect(Math.abs(s / exact - 1), `k=${k}`).toBeLessThan(1e-13);
    }
  });

  it('Gauss–Legendre integrates x^k and has symmetric nodes', () => {
    const { nodes, weights } = gaussLegendre(10);
    for (let j = 0; j < 10; j++) expect(Math.abs(nodes[j]! + nodes[9 - j]!)).toBeLessThan(1e-15);
    for (let k = 0; k <= 19; k++) {
      let s = 0;
      for (let j = 0; j < 10; j++) s += weights[j]! * nodes[j]! ** k;
      expect(Math.abs(s - (k % 2 ? 0 : 2 / (k + 1)))).toBeLessThan(1e-14);
    }
  });

  it('refuses parameters outside the allowed range', () => {
    expect(() => gaussJacobi(0, 0, 0)).toThrow(InvalidParameterError);
    expect(() => gaussJacobi(4, -1, 0)).toThrow(/quadrature\.alpha.*> −1/);
    expect(() => gaussJacobi(4, 0, -1.2)).toThrow(/quadrature\.beta/);
  });
});

describe('radialQuadrature', () => {
  it('folds ρ^{γ+2} into the weights: Σ w_r ρ_r^k = R^{γ+3+k}/(γ+3+k)', () => {
    for (const gamma of [-2.9, -2, -1, 0, 0.5, 1]) {
      const R = 6.5;
      const n = 10;
      const { nodes, weights } = radialQuadrature(n, R, gamma);
      for (let j = 0; j < n; j++) {
        expect(nodes[j]!).toBeGreaterThan(0);
        expect(nodes[j]!).toBeLessThan(R);
      }
      for (const k of [0, 1, 5, 2 * n - 1]) {
        let s = 0;
        for (let j = 0; j < n; j++) s += weights[j]! * nodes[j]! ** k;
        const exact = R ** (gamma + 3 + k) / (gamma + 3 + k);
        expect(Math.abs(s / exact - 1), `γ=${gamma} k=${k}`).toBeLessThan(1e-13);
      }
    }
  });

  it('refuses γ outside (−3, 1]', () => {
    expect(() => radialQuadrature(8, 1, -3)).toThrow(/collision\.gamma.*\(−3, 1\]/);
    expect(() => radialQuadrature(8, 1, 1.5)).toThrow(InvalidParameterError);
  });
});

describe('sphereQuadrature', () => {
  it('has weights summing to 4π and comes in ±e pairs', () => {
    const rule = sphereQuadrature(4, 8);
    expect(rule.count).toBe(32);
    expect(Math.abs(rule.weights.reduce((a, b) => a + b, 0) - 4 * Math.PI)).toBeLessThan(1e-13);
    for (let p = 0; p < rule.count; p++) {
      const e = [rule.points[3 * p]!, rule.points[3 * p + 1]!, rule.points[3 * p + 2]!];
      expect(Math.abs(Math.hypot(e[0]!, e[1]!, e[2]!) - 1)).toBeLessThan(1e-15);
      let found = false;
      for (let q = 0; q < rule.count; q++) {
        const d = Math.hypot(
          rule.points[3 * q]! + e[0]!,
          rule.points[3 * q + 1]! + e[1]!,
          rule.points[3 * q + 2]! + e[2]!,
        );
        if (d < 1e-14 && rule.weights[q] === rule.weights[p]) found = true;
      }
      expect(found, `antipode of point ${p}`).toBe(true);
    }
  });

  it('integrates every monomial of degree ≤ min(2nθ−1, nφ−1) exactly, and not degree + 1', () => {
    for (const [nTheta, nPhi] of [
      [3, 6],
      [4, 8],
      [5, 8],
      [3, 10],
    ] as const) {
      const rule = sphereQuadrature(nTheta, nPhi);
      expect(rule.degree).toBe(Math.min(2 * nTheta - 1, nPhi - 1));
      for (let d = 0; d <= rule.degree + 1; d++) {
        let worst = 0;
        for (let a = 0; a <= d; a++) {
          for (let b = 0; a + b <= d; b++) {
            const c = d - a - b;
            let s = 0;
            for (let p = 0; p < rule.count; p++) {
              s +=
                rule.weights[p]! *
                rule.points[3 * p]! ** a *
                rule.points[3 * p + 1]! ** b *
                rule.points[3 * p + 2]! ** c;
            }
            worst = Math.max(worst, Math.abs(s - sphereMonomial(a, b, c)));
          }
        }
        if (d <= rule.degree) expect(worst, `${nTheta}×${nPhi} degree ${d}`).toBeLessThan(1e-13);
        else expect(worst, `${nTheta}×${nPhi} degree ${d}`).toBeGreaterThan(1e-6);
      }
    }
  });

  it('refuses an odd nPhi (no ±e symmetry)', () => {
    expect(() => sphereQuadrature(4, 7)).toThrow(/quadrature\.nPhi.*even/);
  });
});
