// The kinetic dispersion relation behind PHYSICS.md §5 items 4 (Landau damping of a Langmuir wave) and
// 6 (collisionless plasma frequency ω² → Σ e_α² n_α / m_α), checked against values computed here by
// independent means (series, continued fractions, mpmath) and the classic Landau roots.
import { describe, expect, it } from 'vitest';
import {
  type Complex,
  type DispersionSpecies,
  dielectric,
  dispersionRoot,
  faddeeva,
  langmuirRoot,
  plasmaDispersionZ,
  plasmaDispersionZPrime,
  plasmaFrequencySquared,
  susceptibility,
} from '../../../src/physics/dispersion';
import { seededRandom } from '../../../src/physics/random';

const SQRT_PI = Math.sqrt(Math.PI);

function relErr(a: Complex, b: Complex): number {
  return Math.hypot(a.re - b.re, a.im - b.im) / Math.hypot(b.re, b.im);
}

/** e^{y²} erfc(y) for y ≥ 0: the Maclaurin series of erf for y ≤ 2 (erfc(2) ≈ 5e−3 keeps ~14 digits),
 *  Laplace's continued fraction √π e^{y²} erfc(y) = 1/(y + (1/2)/(y + 1/(y + (3/2)/(y + …)))) beyond. */
function scaledErfc(y: number): number {
  if (y <= 2) {
    let term = y;
    let sum = y;
    for (let n = 1; n < 80; n++) {
      term *= (-y * y) / n;
      sum += term / (2 * n + 1);
    }
    return Math.exp(y * y) * (1 - (2 / SQRT_PI) * sum);
  }
  let cf = y;
  for (let n = 200; n >= 1; n--) cf = y + n / 2 / cf;
  return 1 / (SQRT_PI * cf);
}

/** Z(ζ) from its everywhere-convergent power series i√π e^{−ζ²} − 2ζ Σ_n (−2ζ²)^n / (2n+1)!!. */
function zSeries(z: Complex): Complex {
  const z2 = { re: z.re * z.re - z.im * z.im, im: 2 * z.re * z.im };
  let term: Complex = { re: 1, im: 0 };
  let sum: Complex = { re: 1, im: 0 };
  for (let n = 1; n < 80; n++) {
    const f = -2 / (2 * n + 1);
    term = { re: f * (term.re * z2.re - term.im * z2.im), im: f * (term.re * z2.im + term.im * z2.re) };
    sum = { re: sum.re + term.re, im: sum.im + term.im };
  }
  const e = Math.exp(-z2.re);
  const expMinusZ2 = { re: e * Math.cos(-z2.im), im: e * Math.sin(-z2.im) };
  return {
    re: -SQRT_PI * expMinusZ2.im - 2 * (z.re * sum.re - z.im * sum.im),
    im: SQRT_PI * expMinusZ2.re - 2 * (z.re * sum.im + z.im * sum.re),
  };
}

describe('faddeeva', () => {
  it('w(0) = 1', () => {
    const w = faddeeva({ re: 0, im: 0 });
    expect(Math.abs(w.re - 1)).toBeLessThan(1e-15);
    expect(Math.abs(w.im)).toBeLessThan(1e-15);
  });

  it('w(iy) = e^{y²} erfc(y) on the imaginary axis, both half planes', () => {
    for (const y of [0.1, 0.5, 1, 1.7, 2, 3, 5, 10, 100]) {
      const up = faddeeva({ re: 0, im: y });
      expect(Math.abs(up.re / scaledErfc(y) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(up.im)).toBeLessThan(1e-16 * up.re);
      if (y > 10) continue;
      // erfc(−y) = 2 − erfc(y): the lower half plane goes through the reflection w(z) = 2e^{−z²} − w(−z).
      const down = faddeeva({ re: 0, im: -y });
      const exact = 2 * Math.exp(y * y) - scaledErfc(y);
      expect(Math.abs(down.re / exact - 1)).toBeLessThan(1e-13);
    }
  });

  it('matches mpmath (30 digits) at points in both half planes', () => {
    // mpmath 1.3: exp(-z**2) * erfc(-1j*z) with mp.dps = 30, printed to 17 digits (shortest float64 form here).
    const table: [number, number, number, number][] = [
      [1, 1, 0.3047442052569126, 0.20821893820283163],
      [3.5, 0.02, 0.0010732869466682927, 0.1688219509107834],
      [-2, 0.5, 0.10335882374136666, -0.28478588475009375],
      [6, 0, 2.3195228302435696e-16, 0.09539620896911076],
      [50, 100, 0.004513480543788212, 0.002256559757223319],
      [0.5, -0.5, 1.2220084158685705, 1.1893393085928643],
      [1.5, -1, -0.7791117842317566, 0.3140340958886437],
      [-3, -2, -0.08133907992862736, -0.12108616246299846],
      [30, -10, -0.005649243697366032, 0.01693076468372746],
    ];
    for (const [x, y, re, im] of table) {
      expect(relErr(faddeeva({ re: x, im: y }), { re, im })).toBeLessThan(1e-13);
    }
  });

  it('has the symmetry w(−z̄) = conj(w(z))', () => {
    const rand = seededRandom(11);
    for (let i = 0; i < 200; i++) {
      const z = { re: 12 * rand() - 6, im: 8 * rand() - 4 };
      const a = faddeeva(z);
      const b = faddeeva({ re: -z.re, im: z.im });
      expect(Math.abs(a.re - b.re)).toBeLessThan(1e-14 * Math.hypot(a.re, a.im));
      expect(Math.abs(a.im + b.im)).toBeLessThan(1e-14 * Math.hypot(a.re, a.im));
    }
  });

  it('refuses, rather than returning Infinity, where e^{−z²} overflows', () => {
    expect(() => faddeeva({ re: 0, im: -30 })).toThrow(RangeError);
    expect(() => faddeeva({ re: 1, im: Number.NaN })).toThrow(RangeError);
  });
});

describe('plasmaDispersionZ', () => {
  it('matches the power series for |ζ| ≤ 1.5 in both half planes', () => {
    const rand = seededRandom(5);
    for (let i = 0; i < 200; i++) {
      const r = 1.5 * Math.sqrt(rand());
      const t = 2 * Math.PI * rand();
      const zeta = { re: r * Math.cos(t), im: r * Math.sin(t) };
      expect(relErr(plasmaDispersionZ(zeta), zSeries(zeta))).toBeLessThan(1e-13);
    }
    // The first terms quoted in the literature: Z(ζ) ≈ i√π e^{−ζ²} − 2ζ(1 − 2ζ²/3 + 4ζ⁴/15) for small ζ.
    const z = plasmaDispersionZ({ re: 0.01, im: 0 });
    expect(Math.abs(z.re - -0.02 * (1 - 2e-4 / 3 + 4e-8 / 15))).toBeLessThan(5e-15);
    expect(Math.abs(z.im - SQRT_PI * Math.exp(-1e-4))).toBeLessThan(1e-15);
  });

  it("Z'(ζ) = −2(1 + ζZ) agrees with a finite difference of Z", () => {
    const h = 1e-5;
    for (const zeta of [
      { re: 0.3, im: 0.2 },
      { re: 1.2, im: -0.4 },
      { re: 3, im: -1 },
    ]) {
      const zp = plasmaDispersionZ({ re: zeta.re + h, im: zeta.im });
      const zm = plasmaDispersionZ({ re: zeta.re - h, im: zeta.im });
      const fd = { re: (zp.re - zm.re) / (2 * h), im: (zp.im - zm.im) / (2 * h) };
      expect(relErr(plasmaDispersionZPrime(zeta), fd)).toBeLessThan(1e-9);
    }
  });
});

describe('susceptibility', () => {
  it('matches mpmath for 1 + ζZ(ζ) at large ζ, including the exponentially small Landau term', () => {
    // ω_p = 1, v_t = 1, k = 1/√2: ζ = ω and χ = 2(1 + ζZ(ζ)). mpmath 1.3 at mp.dps = 40 of
    // 1 + 1j*sqrt(pi)*z*exp(-z**2)*erfc(-1j*z). The points straddle the switch to the asymptotic form at
    // |Re ζ| = 7, where going through w would lose a factor 2|ζ|² to cancellation.
    const s: DispersionSpecies = { charge: 1, mass: 1, density: 1, temperature: 1 };
    const table: [number, number, number, number][] = [
      [10, -0.001, -0.005076943594051425, -1.031180642600567e-6],
      [7.5, 1.5, -0.00804736661907735, 0.0034522012542746623],
      [-20, -3, -0.0011724210403925629, 0.00036121459132714627],
      [6.99, 0.1, -0.010557803325569928, 0.000312163857235088],
      [7.01, 0.1, -0.01049570549916783, 0.00030938079975492764],
      [5, -4, -0.005055657860253522, -0.012220672157007149],
      [1000, -1, -4.99999249996875e-7, -1.00000099999925e-9],
    ];
    for (const [x, y, re, im] of table) {
      const chi = susceptibility(s, Math.SQRT1_2, { re: x, im: y });
      expect(relErr(chi, { re: 2 * re, im: 2 * im })).toBeLessThan(1e-13);
    }
    // On the real axis Im(1 + ζZ) = √π ζ e^{−ζ²} exactly; at ζ = 8 that is 2.27e−27 beside Re ≈ −8e−3.
    const chi = susceptibility(s, Math.SQRT1_2, { re: 8, im: 0 });
    expect(Math.abs(chi.re / (2 * -0.008003179320854207) - 1)).toBeLessThan(1e-13);
    expect(Math.abs(chi.im / (2 * 2.2741446312617105e-27) - 1)).toBeLessThan(1e-12);
  });

  it('a neutral species contributes nothing', () => {
    const chi = susceptibility({ charge: 0, mass: 1, density: 1, temperature: 1 }, 0.3, { re: 1, im: -0.1 });
    expect(chi).toEqual({ re: 0, im: 0 });
  });
});

// One species with ω_p = 1, v_t = 1.
const electrons: DispersionSpecies = { charge: -1, mass: 1, density: 1, temperature: 1 };

describe('Landau damping of the Langmuir wave (PHYSICS.md §5 item 4)', () => {
  // Literature values (4 digits) and mpmath.findroot at 30 digits of
  // 1 + (1 + ζZ(ζ))/k² = 0, ζ = ω/(√2 k), Z(ζ) = i√π exp(−ζ²) erfc(−iζ).
  const cases = [
    { k: 0.3, lit: [1.1598, -0.0126], mp: [1.15984648059191, -0.0126203684211172] },
    { k: 0.4, lit: [1.285, -0.0661], mp: [1.28505696965375, -0.0661279586907493] },
    { k: 0.5, lit: [1.4156, -0.1533], mp: [1.41566188860454, -0.153359466909605] },
    { k: 1, lit: [2.0459, -0.8513], mp: [2.04590486569062, -0.851330458692056] },
  ] as const;

  it('reproduces the classic roots ω(k), for either sign of the charge', () => {
    for (const { k, lit, mp } of cases) {
      for (const charge of [-1, 1]) {
        const { omega } = langmuirRoot([{ ...electrons, charge }], k);
        expect(Math.abs(omega.re - lit[0])).toBeLessThan(1e-4);
        expect(Math.abs(omega.im - lit[1])).toBeLessThan(1e-4);
        expect(relErr(omega, { re: mp[0], im: mp[1] })).toBeLessThan(1e-12);
      }
    }
  });

  it('the root really zeroes ε', () => {
    for (const k of [0.05, 0.2, 0.3, 0.4, 0.5, 0.8, 1.5]) {
      const { omega, residual } = langmuirRoot([electrons], k);
      const eps = dielectric([electrons], k, omega);
      expect(Math.hypot(eps.re, eps.im)).toBeLessThan(1e-10);
      expect(residual).toBeLessThan(1e-10);
      expect(omega.im).toBeLessThanOrEqual(0);
    }
  });

  it('a drift Doppler-shifts the root (ω → ω + k u) and k < 0 mirrors it', () => {
    const k = 0.4;
    const still = langmuirRoot([electrons], k).omega;
    const moving = langmuirRoot([{ ...electrons, drift: [0.7, 3, -2] }], k).omega;
    expect(relErr(moving, { re: still.re + k * 0.7, im: still.im })).toBeLessThan(1e-12);
    const mirrored = langmuirRoot([{ ...electrons, drift: -0.7 }], -k).omega;
    expect(relErr(mirrored, moving)).toBeLessThan(1e-12);
  });

  it('dispersionRoot finds the same root from a rough guess and fails clearly when it cannot', () => {
    const r = dispersionRoot([electrons], 0.5, { re: 1.3, im: -0.1 });
    expect(relErr(r.omega, { re: 1.41566188860454, im: -0.153359466909605 })).toBeLessThan(1e-12);
    expect(() => dispersionRoot([electrons], 0.5, { re: 1.3, im: -0.1 }, { maxIterations: 1 })).toThrow(
      /did not converge in 1 iterations at k = 0.5/,
    );
    expect(() => dispersionRoot([electrons], 0, { re: 1, im: 0 })).toThrow(/k = 0 is not allowed/);
  });
});

describe('collisionless long-wavelength limit (PHYSICS.md §5 item 6)', () => {
  // Different e/m: ω_p² = 1·1/1 + 4·0.5/4 = 1.5.
  const mixture: DispersionSpecies[] = [
    { charge: 1, mass: 1, density: 1, temperature: 1 },
    { charge: -2, mass: 4, density: 0.5, temperature: 1 },
  ];

  it('Re ω → √(Σ ω_pα²), with Bohm–Gross exact to O(k²) and the next order as predicted', () => {
    const wp2 = plasmaFrequencySquared(mixture);
    expect(wp2).toBeCloseTo(1.5, 15);
    // Expanding ε = 1 − Σ ω_pα²/ω² (1 + 3k²v_tα²/ω² + 15k⁴v_tα⁴/ω⁴ + …) = 0 with W = Σ ω_pα² = 1.5,
    // A = Σ ω_pα² v_tα² = 1.125, B = Σ ω_pα² v_tα⁴ = 1.03125: ω = √(W + 3Ak²/W) + c k⁴ + O(k⁶) with
    // c = (15B − 9A²/W) / (2 W^{5/2}). The k = 1e−3 point needs 1 + ζZ without cancellation (ζ ≈ 1e3).
    const [w, a, b] = [1.5, 1.125, 1.03125];
    const c = (15 * b - (9 * a * a) / w) / (2 * w ** 2.5);
    for (const k of [0.1, 0.05, 0.02, 0.01, 1e-3]) {
      const { omega } = langmuirRoot(mixture, k);
      const bohmGross = Math.sqrt(w + (3 * a * k * k) / w);
      expect(Math.abs(omega.re - bohmGross - c * k ** 4)).toBeLessThan(5 * k ** 6 + 1e-15);
      expect(Math.abs(omega.im)).toBeLessThan(1e-15);
    }
    expect(Math.abs(langmuirRoot(mixture, 1e-3).omega.re - Math.sqrt(wp2))).toBeLessThan(1e-6);
  });

  it('a neutral species changes nothing', () => {
    for (const k of [0.02, 0.5]) {
      const alone = langmuirRoot([electrons], k).omega;
      const withNeutral = langmuirRoot(
        [electrons, { charge: 0, mass: 3, density: 2, temperature: 0.5 }],
        k,
      ).omega;
      expect(withNeutral.re).toBe(alone.re);
      expect(withNeutral.im).toBe(alone.im);
    }
  });

  it('a cold species oscillates exactly at ω_p', () => {
    const cold: DispersionSpecies[] = [{ charge: 2, mass: 3, density: 0.75, temperature: 0, drift: 0.2 }];
    const { omega } = langmuirRoot(cold, 0.3);
    expect(Math.abs(omega.re - (1 + 0.3 * 0.2))).toBeLessThan(1e-14);
    expect(Math.abs(omega.im)).toBeLessThan(1e-14);
  });
});
