/**
 * The linearised Navier–Stokes–Poisson wave (navierStokesWave.ts) against classical results derived
 * here, none from this code:
 * - Euler, no field: sound ω = ±k c_s, c_s² = (5/3) p/ρ, and two modes at ω = 0 (entropy, diffusion);
 * - Euler with the field, one velocity (PHYSICS.md §2): continuity gives δn_α = n_α k δu/ω for both
 *   species, Gauss ik δE = Σ e_α δn_α, so ω² = (5/3) k² p/ρ + n̄_e²/ρ, n̄_e = Σ e_α n_α;
 * - small k, no field: sound attenuation (Stokes–Kirchhoff) Im ω = −(k²/2ρ)[(4/3)η + (1/c_v − 1/c_p)λ]
 *   with c_v = 3/(2m), c_p = 5/(2m) per unit mass, i.e. (4m/15)λ; the entropy mode ω = −iλk²/((5/2)n)
 *   (heat conduction at constant pressure); the interdiffusion mode ω = −i D_AB k².
 * Each to O(k²) relative, so k is small and the tolerances are a few k².
 */
import { describe, expect, it } from 'vitest';
import {
  type Complex,
  evolveWave,
  predictedProfiles,
  type WaveProblem,
  waveFrequencies,
  waveModes,
} from '../../../../src/physics/fluid/navierStokesWave';

const gas = (overrides: Partial<WaveProblem> = {}): WaveProblem => ({
  species: [
    { mass: 1, charge: 1, density: 0.6 },
    { mass: 1, charge: 1, density: 0.4 },
  ],
  temperature: 1.3,
  waveNumber: 0.05,
  field: false,
  viscosity: 0,
  thermalConductivity: 0,
  diffusion: 0,
  thermalDiffusionRatio: 0,
  heatOfDiffusion: 0,
  ...overrides,
});

const byRe = (w: Complex[]) => [...w].sort((a, b) => a[0] - b[0]);

describe('linearised Navier–Stokes–Poisson wave', () => {
  it('Euler without field: sound at (5/3)p/ρ and two ω = 0 modes', () => {
    const p = gas({
      species: [
        { mass: 1, charge: 0, density: 0.6 },
        { mass: 3, charge: 0, density: 0.4 },
      ],
    });
    const rho = 0.6 + 1.2;
    const cs = Math.sqrt(((5 / 3) * 1.3) / rho);
    const w = byRe(waveFrequencies(p));
    expect(w[0]![0]).toBeCloseTo(-p.waveNumber * cs, 12);
    expect(w[3]![0]).toBeCloseTo(p.waveNumber * cs, 12);
    for (const x of w) expect(Math.abs(x[1])).toBeLessThan(1e-7);
    expect(Math.abs(w[1]![0]) + Math.abs(w[2]![0])).toBeLessThan(1e-7);
  });

  it('Euler with the field: ω² = (5/3)k² p/ρ + n̄_e²/ρ for unequal e/m', () => {
    const species = [
      { mass: 1, charge: 1, density: 1 },
      { mass: 2, charge: 2, density: 0.5 },
    ] as const;
    const p = gas({ species, field: true, waveNumber: 0.7 });
    const rho = 2;
    const ne = 2;
    const omega = Math.sqrt(((5 / 3) * 0.49 * 1.5 * 1.3) / rho + (ne * ne) / rho);
    const w = byRe(waveFrequencies(p));
    expect(w[3]![0]).toBeCloseTo(omega, 10);
    expect(w[0]![0]).toBeCloseTo(-omega, 10);
  });

  it('small k: Stokes–Kirchhoff sound attenuation, the entropy mode and the interdiffusion mode', () => {
    const eta = 0.02;
    const lambda = 0.05;
    const D = 0.03;
    const k = 0.01;
    const p = gas({
      species: [
        { mass: 2, charge: 0, density: 0.6 },
        { mass: 2, charge: 0, density: 0.4 },
      ],
      waveNumber: k,
      viscosity: eta,
      thermalConductivity: lambda,
      diffusion: D,
    });
    const rho = 2;
    const modes = waveModes(p);
    const sound = modes.filter((m) => Math.abs(m.frequency[0]) > 1e-6);
    const still = modes.filter((m) => Math.abs(m.frequency[0]) <= 1e-6).map((m) => -m.frequency[1]);
    expect(sound).toHaveLength(2);
    const attenuation = ((k * k) / (2 * rho)) * ((4 / 3) * eta + ((4 * 2) / 15) * lambda);
    for (const m of sound) expect(Math.abs(-m.frequency[1] - attenuation) / attenuation).toBeLessThan(1e-3);
    const entropy = (lambda * k * k) / (2.5 * 1);
    const diffusion = D * k * k;
    still.sort((a, b) => a - b);
    const expected = [entropy, diffusion].sort((a, b) => a - b);
    for (let i = 0; i < 2; i++) expect(Math.abs(still[i]! - expected[i]!) / expected[i]!).toBeLessThan(1e-3);
  });

  it('the interdiffusion mode of unequal masses decays at D_AB k² to O(k²) (no Soret/Dufour coupling)', () => {
    const k = 0.01;
    const D = 0.04;
    const p = gas({
      species: [
        { mass: 1, charge: 0, density: 0.7 },
        { mass: 4, charge: 0, density: 0.3 },
      ],
      waveNumber: k,
      viscosity: 0.01,
      thermalConductivity: 0.2,
      diffusion: D,
    });
    const rates = waveModes(p)
      .filter((m) => Math.abs(m.frequency[0]) < 1e-6)
      .map((m) => -m.frequency[1] / (k * k));
    expect(rates.some((r) => Math.abs(r - D) / D < 0.01)).toBe(true);
  });

  it('evolves the initial perturbation: X(0) back to round-off, a damped oscillation after', () => {
    const p = gas({
      waveNumber: 0.5,
      field: true,
      viscosity: 0.01,
      thermalConductivity: 0.03,
      diffusion: 0.02,
    });
    const initial: Complex[] = [
      [0.006, 0],
      [0.004, 0],
      [0, 0],
      [0, 0],
    ];
    const x = evolveWave(waveModes(p), initial);
    x(0).forEach((c, i) => {
      expect(Math.abs(c[0] - initial[i]![0])).toBeLessThan(1e-14);
      expect(Math.abs(c[1])).toBeLessThan(1e-14);
    });
    const later = x(200);
    expect(Math.hypot(...later[0]!)).toBeLessThan(0.006);
  });
});

describe('the predicted profiles', () => {
  it('n_α = n̄_α + Re[δn_α e^{ikx}] and E from Gauss (∂x E = Σ e_α δn_α), none without a prediction', () => {
    const k = 0.5;
    const amplitudes = () =>
      [
        [0.01, 0.02],
        [-0.03, 0.005],
        [0, 0],
        [0, 0],
      ] as const;
    const x = [0, 0.7, 2.1, 5];
    const [nA, nB] = predictedProfiles(
      { waveNumber: k, meanDensities: [1, 0.5], charges: [1, 2], amplitudes },
      x,
      3,
    );
    x.forEach((xi, i) => {
      const c = Math.cos(k * xi);
      const s = Math.sin(k * xi);
      expect(nA[i]).toBeCloseTo(1 + 0.01 * c - 0.02 * s, 14);
      expect(nB[i]).toBeCloseTo(0.5 - 0.03 * c - 0.005 * s, 14);
    });
    // ∂x E at the points, by a centred difference, equals e_A δn_A + e_B δn_B there
    const h = 1e-5;
    const field = (xi: number) =>
      predictedProfiles(
        { waveNumber: k, meanDensities: [1, 0.5], charges: [1, 2], amplitudes },
        [xi],
        0,
      )[2][0]!;
    for (const xi of x) {
      const dE = (field(xi + h) - field(xi - h)) / (2 * h);
      const charge =
        0.01 * Math.cos(k * xi) -
        0.02 * Math.sin(k * xi) +
        2 * (-0.03 * Math.cos(k * xi) - 0.005 * Math.sin(k * xi));
      expect(dE).toBeCloseTo(charge, 8);
    }
    expect(predictedProfiles(null, x, 0)[0]).toEqual([null, null, null, null]);
    const neutral = predictedProfiles(
      { waveNumber: k, meanDensities: [1, 0.5], charges: null, amplitudes },
      x,
      0,
    )[2];
    expect(neutral.every((e) => e === 0)).toBe(true);
  });
});
