/**
 * The fluid reference is an observer of the run (remainderMonitor.ts), float64 CPU backend:
 * - a 90 % density wave, collisionless, opposite charges, N_v = 8 (the step-guard set-up at the
 *   automatic dt): the spectral fluid steepens and "auto" hands over to finite volumes; later the
 *   fluid's F_0 is too cold for the velocity grid and the reference fails. The kinetic run goes on
 *   to tEnd without a rollback (before this, the NaN remainder made the guard halve dt six times and
 *   give up), its columns bit-identical to the runs with either fixed scheme; the remainder columns
 *   are NaN from the failure on and finite before it;
 * - a checkpoint taken after the hand-over, and one after the failure, resume with the same rows and
 *   the same reference status;
 * - on smooth data "auto" is the spectral fluid, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/checkpoint';
import { SimulationSession } from '../../../src/engine/session';
import { FLUID_REFERENCE_COLUMNS } from '../../../src/engine/step';
import type { ResolvedConfig, TimeseriesRow } from '../../../src/physics/config';
import { TIMESERIES_COLUMNS } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';

type Fluid = 'auto' | 'spectral' | 'finiteVolume';

const strongWave = (fluid: Fluid): ResolvedConfig =>
  resolveConfig(
    parseConfig({
      species: [
        { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
        { name: 'B', mass: 1.2, charge: -1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
      ],
      collisions: { enabled: false, gamma: 0, knudsen: 1 },
      field: { enabled: true },
      grid: { nx: 8, length: 6, nv: 8, vmax: null },
      perturbation: { kind: 'density', amplitude: 0.9, mode: 1 },
      time: { dt: null, tEnd: 3, outputEvery: 1 },
      remainder: { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', fluid },
    }),
  ).config;

const KINETIC = TIMESERIES_COLUMNS.filter((c) => !(FLUID_REFERENCE_COLUMNS as readonly string[]).includes(c));

async function runToEnd(config: ResolvedConfig) {
  const session = await SimulationSession.create(config, null);
  try {
    await session.advance(session.totalSteps);
    return { rows: [...session.rows], reference: session.fluidReference, halvings: session.halvings };
  } finally {
    session.destroy();
  }
}

/** Equal, NaN equal to NaN. */
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('a fluid reference that fails does not stop the kinetic run', () => {
  it('auto: hands over, fails later; the run completes, kinetic columns as with either fixed scheme', async () => {
    const auto = await runToEnd(strongWave('auto'));
    expect(auto.halvings).toBe(0);
    expect(auto.rows.at(-1)!.t).toBeCloseTo(3, 12);
    const { switched, failure, scheme } = auto.reference;
    expect(scheme).toBe('finiteVolume');
    expect(switched?.reason).toMatch(/not resolved/);
    expect(failure?.reason).toMatch(/^finiteVolume fluid: /);
    expect(switched!.time).toBeGreaterThan(0);
    expect(failure!.time).toBeGreaterThan(switched!.time);
    for (const row of auto.rows) {
      for (const c of KINETIC) expect(Number.isFinite(row[c]), `${c} at t = ${row.t}`).toBe(true);
      for (const c of FLUID_REFERENCE_COLUMNS) {
        // the remainder is measured until the failure and not after it
        expect(Number.isNaN(row[c]), `${c} at t = ${row.t}`).toBe(row.t >= failure!.time);
      }
    }
    for (const fluid of ['spectral', 'finiteVolume'] as const) {
      const fixed = await runToEnd(strongWave(fluid));
      expect(fixed.reference.switched).toBeNull();
      expect(fixed.rows.length).toBe(auto.rows.length);
      fixed.rows.forEach((row, r) => {
        for (const c of KINETIC) expect(row[c], `${fluid}: ${c} at t = ${row.t}`).toBe(auto.rows[r]![c]);
      });
    }
  }, 120_000);

  it('checkpoints after the hand-over and after the failure resume with the same rows and status', async () => {
    const config = strongWave('auto');
    const whole = await runToEnd(config);
    const { switched, failure } = whole.reference;
    for (const at of [(switched!.time + failure!.time) / 2, (failure!.time + 3) / 2]) {
      const first = await SimulationSession.create(config, null);
      let checkpoint: Uint8Array;
      try {
        await first.advance(Math.round(at / config.time.dt));
        checkpoint = encodeCheckpoint(await first.checkpoint());
      } finally {
        first.destroy();
      }
      const resumed = await SimulationSession.restore(decodeCheckpoint(checkpoint), null);
      try {
        await resumed.advance(resumed.totalSteps);
        expect(resumed.fluidReference).toEqual(whole.reference);
        const rows: TimeseriesRow[] = [...resumed.rows];
        expect(rows.length).toBe(whole.rows.length);
        rows.forEach((row, r) => {
          for (const c of TIMESERIES_COLUMNS) {
            expect(same(row[c], whole.rows[r]![c]), `resumed at ${at}: ${c} at t = ${row.t}`).toBe(true);
          }
        });
      } finally {
        resumed.destroy();
      }
    }
  }, 120_000);

  it('on smooth data "auto" is the spectral fluid, bit for bit', async () => {
    const smooth = (fluid: Fluid) => {
      const c = strongWave(fluid);
      return {
        ...c,
        perturbation: { ...c.perturbation, amplitude: 0.05 },
        time: { ...c.time, tEnd: 1 },
      } as ResolvedConfig;
    };
    const auto = await runToEnd(smooth('auto'));
    const spectral = await runToEnd(smooth('spectral'));
    expect(auto.reference).toEqual({ scheme: 'spectral', failure: null, switched: null });
    auto.rows.forEach((row, r) => {
      for (const c of TIMESERIES_COLUMNS) expect(row[c]).toBe(spectral.rows[r]![c]);
    });
  }, 60_000);
});
