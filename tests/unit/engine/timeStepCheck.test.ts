/**
 * The page's trust check (engine/timeStepCheck.ts, physics/timeStepCheck.ts): the run so far
 * repeated at Δt/2, the remainder norms compared. On the well-prepared wave of
 * run.trapezoidalRemainder.test.ts at ε = 0.01 (λ̄ ≫ 1):
 * - the exponential step at the "stable" automatic Δt (λ̄ ≈ 20, the behaviour before issue 15) has
 *   a remainder that is Δt's (its Strang fixed point is −(Δt/2)H, README "Time stepping at large λ");
 *   the check must call it untrustworthy (measured: 23–28 % at t = 0.25);
 * - the trapezoidal step at the default ("accurate") automatic Δt (λ̄ ≈ 6) has the Chapman–Enskog
 *   fixed point at any Δt; the check must pass it (measured 0.1 %).
 * Float64 CPU backend.
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/engine/run';
import { timeStepCheck } from '../../../src/engine/timeStepCheck';
import { collisionStiffness } from '../../../src/physics/collision/stiffness';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';
import { compareTimeStep, describeTimeStepCheck, relativeChange } from '../../../src/physics/timeStepCheck';
import { wellPreparedWave } from '../../support/species';

const automatic = (scheme: 'exponential' | 'trapezoidal', dtRule: 'accurate' | 'stable' = 'accurate') =>
  wellPreparedWave(scheme, { tEnd: 0.25, outputEvery: 4, dtRule });

async function lastRow(config: ResolvedConfig): Promise<TimeseriesRow> {
  let last: TimeseriesRow | null = null;
  await runSimulation(config, null, (row) => {
    last = row;
  });
  return last!;
}

describe('the Δt/2 check of the remainder readout (ε = 0.01, automatic Δt)', () => {
  it('passes the trapezoidal step at the accurate Δt and fails the exponential one at the stable Δt', async () => {
    const verdicts: Record<string, { worst: number; trustworthy: boolean }> = {};
    for (const [scheme, rule] of [
      ['trapezoidal', 'accurate'],
      ['exponential', 'stable'],
    ] as const) {
      const config = automatic(scheme, rule);
      expect(collisionStiffness(config).lambda).toBeGreaterThan(4);
      const row = await lastRow(config);
      const check = await timeStepCheck(config, row, null);
      expect(check.time).toBeCloseTo(config.time.tEnd, 12);
      expect(check.dt).toBe(config.time.dt);
      const worst = Math.max(...Object.values(check.changes));
      verdicts[scheme] = { worst, trustworthy: check.trustworthy };
    }
    expect(verdicts.trapezoidal!.trustworthy).toBe(true);
    expect(verdicts.trapezoidal!.worst).toBeLessThan(0.1);
    expect(verdicts.exponential!.trustworthy).toBe(false);
    // the artefact is ∝ Δt: halving Δt moves the remainder by a good part of itself, far beyond 10 %
    expect(verdicts.exponential!.worst).toBeGreaterThan(0.2);
  }, 600_000);

  it('refuses t = 0 and a time that is not a whole number of steps', async () => {
    const config = automatic('exponential');
    const row = await lastRow({ ...config, time: { ...config.time, tEnd: config.time.dt, outputEvery: 1 } });
    await expect(timeStepCheck(config, { ...row, t: 0 }, null)).rejects.toThrow(/at least one step/);
    await expect(timeStepCheck(config, { ...row, t: 1.5 * config.time.dt }, null)).rejects.toThrow(
      /whole number of steps/,
    );
  });
});

describe('compareTimeStep and its line for the page', () => {
  const row = (l2: number, linf: number, energy: number) =>
    ({ t: 0.5, remainder_L2: l2, remainder_Linf_w: linf, remainder_energy: energy }) as TimeseriesRow;

  it('relative changes; trustworthy only when each is below 10 %', () => {
    const ok = compareTimeStep(row(1, 2, 4), row(1.05, 1.9, 4.2), 0.01);
    expect(ok.changes.remainder_L2).toBeCloseTo(0.05, 12);
    expect(ok.changes.remainder_Linf_w).toBeCloseTo(0.05, 12);
    expect(ok.trustworthy).toBe(true);
    expect(describeTimeStepCheck(ok)).toContain('trustworthy (each < 10 %)');
    const bad = compareTimeStep(row(1, 2, 4), row(1, 2, 4.6), 0.01);
    expect(bad.trustworthy).toBe(false);
    expect(describeTimeStepCheck(bad)).toContain('NOT trustworthy');
    expect(describeTimeStepCheck(bad)).toContain('E 15 %');
  });

  it('a NaN or infinite norm in either run is never trustworthy', () => {
    expect(relativeChange(Number.NaN, 1)).toBeNaN();
    expect(relativeChange(1, Number.POSITIVE_INFINITY)).toBeNaN();
    const poisoned = compareTimeStep(row(1, 2, 4), row(1, Number.NaN, 4), 0.01);
    expect(poisoned.trustworthy).toBe(false);
    expect(describeTimeStepCheck(poisoned)).toContain('L∞ not finite');
  });
});
