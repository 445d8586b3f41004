/**
 * Issue 15's readout test: the remainder (F_ε − F_0)/ε of a well-prepared smooth run at ε = 0.01 and
 * the automatic Δt (time.dtRule "stable": λ = μΔt/ε ≈ 25) must not depend on Δt: within 10 % of the same run at Δt/8.
 * With the exponential step it does (README "Time stepping at large λ": its fixed point is
 * −(Δt/2)H instead of εL⁻¹H); with the trapezoidal step it does not. Float64 CPU backend; one gas
 * as two identical charged species (m = 1, n = ½ + ½, θ = 1), Maxwell molecules, an isentropic
 * density wave (F(0) = F_0(0), no O(1) initial layer), N_v = 8 in a box of 5.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/engine/run';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';
import { wellPreparedWave } from '../../support/species';

// the "stable" automatic Δt (λ ≈ 25): the stiffest regime the issue is about. The default "accurate"
// rule caps at 4× the steps (λ ≈ 6), where the trapezoidal step is checked by timeStepCheck.test.ts
const automatic = (scheme: 'exponential' | 'trapezoidal') =>
  wellPreparedWave(scheme, { tEnd: 0.5, outputEvery: 1, dtRule: 'stable' });

async function remainders(config: ResolvedConfig, refine: number): Promise<TimeseriesRow[]> {
  const refined = { ...config, time: { ...config.time, dt: config.time.dt / refine, outputEvery: refine } };
  const rows: TimeseriesRow[] = [];
  await runSimulation(refined, null, (row) => rows.push(row), { guard: false });
  return rows;
}

/** The largest relative difference of remainder_L2 between the two runs at outputs t ≥ 2Δt. */
async function dependenceOnDt(scheme: 'exponential' | 'trapezoidal') {
  const config = automatic(scheme);
  const coarse = await remainders(config, 1);
  const fine = await remainders(config, 8);
  expect(fine.map((r) => r.t.toFixed(9))).toEqual(coarse.map((r) => r.t.toFixed(9)));
  let worst = 0;
  coarse.forEach((row, i) => {
    if (row.t < 2 * config.time.dt - 1e-12) return; // the first step's start from M (module comment of trapezoidalStep.ts)
    expect(Number.isFinite(row.remainder_L2)).toBe(true);
    worst = Math.max(worst, Math.abs(row.remainder_L2 - fine[i]!.remainder_L2) / fine[i]!.remainder_L2);
  });
  return { worst, lambda: (Math.PI * config.time.dt) / 0.01 };
}

describe('the remainder at the automatic Δt, ε = 0.01 (λ ≫ 1)', () => {
  it('trapezoidal collision step: within 10 % of the same run at Δt/8', async () => {
    const { worst, lambda } = await dependenceOnDt('trapezoidal');
    expect(lambda).toBeGreaterThan(20); // the regime the issue is about
    expect(worst).toBeLessThan(0.1);
  }, 600_000);

  it('exponential collision step: more than 10 % away (the artefact the trapezoidal step removes)', async () => {
    const { worst } = await dependenceOnDt('exponential');
    expect(worst).toBeGreaterThan(0.1);
  }, 120_000);
});
