/**
 * The automatic Δt's collision bound (time.dtRule "accurate", stiffness.ts): at the Δt it picks for
 * the trapezoidal step (λ̄ = Δt ν̄/ε = 0.5) the time step adds less than 0.5 % to the error of the
 * exchanged temperature and drift of a Maxwell-molecule mixture, against the exact solution of the
 * closed moment equations (for γ = 0 the momentum and energy exchange depend on the moments alone,
 * maxwellMolecules.ts, so the moment ODE is exact for any f and is integrated here by RK4 to 1e−10).
 * At 4× that Δt (λ̄ = 2, what "stable" would allow with a long tEnd) the time step's part exceeds 1 %.
 *
 * The time step's part is the change of the error against exact theory between Δt and Δt/2 (a
 * second-order step's error at Δt is 4/3 of it). The grid's own part (N_v = 16, L = 6.5: kernel and
 * Maxwellian resolution, issue 16) is bounded separately, at 1.5 %. Measured: the grid's part 1.4 % (u_A)
 * and 1.0 % (θ_A); the time step's 0.12 % and 0.11 % at λ̄ = 0.5, 2.7 % and 2.4 % at λ̄ = 2.
 * On a grid that meets gridAccuracy.ts's 1 % target (N_v = 32, L = 8) the whole error at the
 * automatic Δt, grid and time step together, is within 1 % (measured 0.26 % u_A, 0.20 % θ_A; the "exchange rates within
 * 1 % at the automatic Δt", for the trapezoidal step; the exponential step's limiter keeps it at
 * 2–3 %, stiffness.ts).
 */
import { describe, expect, it } from 'vitest';
import { exchangeRateAccuracy, exchangeRateError } from '../../../../src/physics/collision/gridAccuracy';
import { maxwellMoleculeRates } from '../../../../src/physics/collision/maxwellMolecules';
import { mixtureSpectralTables } from '../../../../src/physics/collision/spectral';
import { collisionStiffness } from '../../../../src/physics/collision/stiffness';
import { trapezoidalCollisionStep } from '../../../../src/physics/collision/trapezoidalStep';
import type { SimulationConfig } from '../../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../../src/physics/configSchema';
import { type MaxwellianState, maxwellianOnGrid } from '../../../../src/physics/maxwellian';
import { fluidFields, velocityMoments } from '../../../../src/physics/moments';
import { velocityGrid } from '../../../../src/physics/velocityGrid';

// m_B = 2 m_A, T_A = 1.2, T_B = 0.8 (the mixture), opposite drifts, one diameter
const A = { density: 1, mass: 1, temperature: 1.2, drift: [0.2, 0, 0] } as const;
const B = { density: 1, mass: 2, temperature: 0.8, drift: [-0.1, 0, 0] } as const;
const DIAMETER = 1;

/** The homogeneous run as a user writes it: nx = 1, automatic dt, tEnd long against 1/ν̄. */
const config: SimulationConfig = {
  species: [
    { name: 'A', charge: 1, diameter: DIAMETER, ...A },
    { name: 'B', charge: 1, diameter: DIAMETER, ...B },
  ],
  collisions: { enabled: true, gamma: 0, knudsen: 1, scheme: 'trapezoidal' },
  field: { enabled: false },
  grid: { nx: 1, length: 1, nv: 16, vmax: 6.5 },
  perturbation: { kind: 'density', amplitude: 0, mode: 0 },
  time: { dt: null, tEnd: 10, outputEvery: 1 },
};

type Moments = [uA: number, uB: number, thetaA: number, thetaB: number];

/** The exact Maxwell-molecule moment equations (ε = 1), RK4 with 4000 steps to t. */
function exactMoments(t: number): Moments {
  const rhs = ([uA, uB, tA, tB]: Moments): Moments => {
    const a: MaxwellianState = { ...A, drift: [uA, 0, 0], temperature: tA };
    const b: MaxwellianState = { ...B, drift: [uB, 0, 0], temperature: tB };
    const ab = maxwellMoleculeRates(a, b, DIAMETER);
    const ba = maxwellMoleculeRates(b, a, DIAMETER);
    const duA = ab.momentum[0] / (A.density * A.mass);
    const duB = ba.momentum[0] / (B.density * B.mass);
    // d(n(3θ/2 + m u²/2))/dt = energy rate, at constant n
    return [
      duA,
      duB,
      (2 / 3) * (ab.energy / A.density - A.mass * uA * duA),
      (2 / 3) * (ba.energy / B.density - B.mass * uB * duB),
    ];
  };
  let y: Moments = [A.drift[0], B.drift[0], A.temperature, B.temperature];
  const steps = 4000;
  const h = t / steps;
  const add = (x: Moments, k: Moments, s: number) => x.map((v, i) => v + s * k[i]!) as Moments;
  for (let n = 0; n < steps; n++) {
    const k1 = rhs(y);
    const k2 = rhs(add(y, k1, h / 2));
    const k3 = rhs(add(y, k2, h / 2));
    const k4 = rhs(add(y, k3, h));
    y = y.map((v, i) => v + (h / 6) * (k1[i]! + 2 * k2[i]! + 2 * k3[i]! + k4[i]!)) as Moments;
  }
  return y;
}

/**
 * Relative errors of u_A and θ_A against exact theory at t = steps·dt, after steps/factor
 * trapezoidal steps of dt·factor on N_v points in a box of L.
 */
function exchangeErrors(nv: number, vmax: number, dt: number, factor: number, steps = 8): [number, number] {
  const grid = velocityGrid(nv, vmax);
  const tables = mixtureSpectralTables(
    grid,
    [
      { mass: A.mass, diameter: DIAMETER },
      { mass: B.mass, diameter: DIAMETER },
    ],
    0,
  );
  const exact = exactMoments(steps * dt);
  let fA = maxwellianOnGrid(grid, A);
  let fB = maxwellianOnGrid(grid, B);
  for (let n = 0; n < Math.round(steps / factor); n++) {
    const step = trapezoidalCollisionStep(fA, fB, tables, dt * factor, 1);
    fA = step.fA;
    fB = step.fB;
  }
  const fields = fluidFields(velocityMoments(fA, grid, 1, A.mass), A.mass);
  return [
    (fields.velocity1[0]! - exact[0]) / Math.abs(exact[0] - A.drift[0]),
    (fields.temperature[0]! - exact[2]) / Math.abs(exact[2] - A.temperature),
  ];
}

describe("the automatic Δt bounds the trapezoidal collision step's error (ε = 1, Maxwell molecules)", () => {
  it('λ̄ = 0.5: the time step adds < 0.5 % to the exchange error; λ̄ = 2 adds > 1 %', () => {
    const { config: resolved } = resolveConfig(parseConfig(config));
    const dt = resolved.time.dt;
    // tEnd/100 would be λ̄ = 0.63; the bound gives 0.5, shrunk a little so that dt divides tEnd
    const { lambda } = collisionStiffness(resolved);
    expect(lambda).toBeLessThanOrEqual(0.5);
    expect(lambda).toBeGreaterThan(0.49);
    // t = 8 dt ≈ 0.64: the exchange is half done
    const half = exchangeErrors(16, 6.5, dt, 0.5);
    const automatic = exchangeErrors(16, 6.5, dt, 1);
    const coarse = exchangeErrors(16, 6.5, dt, 4);
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(half[k]!)).toBeLessThan(0.015); // the grid's part (issue 16)
      expect(Math.abs(automatic[k]! - half[k]!)).toBeLessThan(0.005);
      expect(Math.abs(coarse[k]! - half[k]!)).toBeGreaterThan(0.01);
    }
  }, 300_000);

  it('on a grid that meets the 1 % exchange target (N_v = 32, L = 8), the exchange at the automatic Δt is within 1 % of exact', () => {
    const fine = { ...config, grid: { ...config.grid, nv: 32, vmax: 8 } };
    const { config: resolved } = resolveConfig(parseConfig(fine));
    const grid = exchangeRateAccuracy(resolved, 8)!;
    expect(exchangeRateError(grid)).toBeLessThan(0.01);
    // 4 steps (t ≈ 0.32, a third of the exchange done): each costs ~20 s in float64 at N_v = 32
    const [u, theta] = exchangeErrors(32, 8, resolved.time.dt, 1, 4);
    expect(Math.abs(u)).toBeLessThan(0.01);
    expect(Math.abs(theta)).toBeLessThan(0.01);
  }, 600_000);
});
