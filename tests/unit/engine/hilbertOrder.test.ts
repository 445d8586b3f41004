/**
 * F_0 + εF_1 against the kinetic run itself (issue 18; src/engine/hilbertOrder.ts), on the real
 * float64 engine: a charged 1 : 2 mixture (e_A/m_A ≠ e_B/m_B, so diffusion, the field terms and the
 * Joule source all act), well-prepared data F(0) = F_0(0) + εF_1(0), ε = 0.1, t = 0.2,
 * N_v = 16, L = 6, n_x = 8, γ = 0, the exponential collision step at Δt = ε/40.
 *
 * What is asserted, and why no more: ‖F_ε − F_0‖ is ε‖F_1‖ to within 15 % (measured 6 %), and F_1
 * takes away most of it: ‖F_ε − F_0 − εF_1‖ ≤ 0.15 ‖F_ε − F_0‖ (measured 0.098; a factor 2 or a sign
 * in F_1, or a missing microscopic part, gives ≥ 0.5). The expansion's ORDER is not asserted: the
 * residual falls like ε, not ε², over ε = 0.1, 0.05, 0.025 on this grid with every time step tried
 * (README, "F_1, the first Hilbert term"): an O(ε) inconsistency of about 5 % of F_1 between this
 * F_1 and the discrete kinetic model remains, unexplained.
 */
import { describe, expect, it } from 'vitest';
import { hilbertOrder } from '../../../src/engine/hilbertOrder';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';

describe('F_0 + εF_1 against the kinetic run (real engine)', () => {
  it('F_1 carries the first-order deviation of F_ε from F_0', async () => {
    const configAt = (knudsen: number) =>
      resolveConfig(
        parseConfig({
          species: [
            { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
            { name: 'B', mass: 2, charge: 0.5, diameter: 1, density: 0.5, temperature: 1, drift: [0, 0, 0] },
          ],
          collisions: { enabled: true, gamma: 0, knudsen, accuracy: 'fast' },
          field: { enabled: true },
          grid: { nx: 8, length: 2 * Math.PI, nv: 16, vmax: 6, tolerance: 0.5 },
          perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
          time: { dt: knudsen / 40, tEnd: 0.2, outputEvery: 1 },
        }),
      ).config;
    const result = await hilbertOrder(configAt, [0.1], 0.2);
    const [point] = result.points;
    console.info(
      `‖F_ε − F_0‖ ${point!.zerothResidual.toExponential(3)}, ε‖F_1‖ ${(0.1 * result.firstTermNorm).toExponential(3)}, ` +
        `‖F_ε − F_0 − εF_1‖ ${point!.firstResidual.toExponential(3)}`,
    );
    expect(point!.steps).toBe(80);
    expect(Math.abs(point!.zerothResidual / (0.1 * result.firstTermNorm) - 1)).toBeLessThan(0.15);
    expect(point!.firstResidual).toBeLessThan(0.15 * point!.zerothResidual);
    expect(point!.firstResidual).toBeGreaterThan(0); // not a comparison of a run with itself
  }, 300_000);
});
