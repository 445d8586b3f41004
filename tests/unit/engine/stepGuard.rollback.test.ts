/**
 * The step guard (issue 8) on real runs, float64 CPU backend, n_x = 8, N_v = 8, collisionless with a
 * strong field (opposite charges). The automatic dt is 0.0625 (the x-CFL limit 0.5 Δx/L); these
 * runs force dt far above it:
 * - dt = 1.25 (20×), 20 % density perturbation: F turns negative beyond 5 % of its peak late in the
 *   run; it is rolled back one output, dt halved, and completes with finite rows at the same output
 *   times;
 * - dt = 2.5 (40×), 50 % perturbation: the damage is done before the last good check, so halving
 *   never helps; after MAX_HALVINGS the run stops with an UnstableRunError naming the CFL limit.
 * (Which output fails depends on the scheme's details, e.g. the moment-exact v-shift moved it; the
 * mechanics asserted here do not.)
 * Which of the two happens is asserted, and that no row carries a NaN. Also: a checkpoint taken
 * after a halving resumes bit-identically, and `sim run` prints the rollbacks and exits 4 on give-up.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunSimulation, registerRunCommand } from '../../../src/cli/run';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  sessionCheckpointContents,
} from '../../../src/engine/checkpoint';
import { runSimulation } from '../../../src/engine/run';
import { SimulationSession } from '../../../src/engine/session';
import { type GuardEvent, MAX_HALVINGS, UnstableRunError } from '../../../src/engine/stepGuard';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { simInProcess } from '../../support/cli';

const json = (dt: number | null, amplitude = 0.2) => ({
  species: [
    { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    { name: 'B', mass: 1.2, charge: -1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
  ],
  collisions: { enabled: false, gamma: 0, knudsen: 1 },
  field: { enabled: true },
  grid: { nx: 8, length: 6, nv: 8, vmax: null },
  perturbation: { kind: 'density', amplitude, mode: 1 },
  time: { dt, tEnd: 20, outputEvery: 1 },
});
const resolved = (dt: number | null, amplitude = 0.2): ResolvedConfig =>
  resolveConfig(parseConfig(json(dt, amplitude))).config;
/** The run that halving cannot save: 40× the CFL limit, a 50 % perturbation. */
const hopeless = () => resolved(2.5, 0.5);

const finite = (row: TimeseriesRow) => TIMESERIES_COLUMNS.every((c) => Number.isFinite(row[c]));

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-guard-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the step guard on a dt far above the CFL limit', () => {
  it('the automatic dt is 0.0625: the forced ones are 20× and 40× it', () => {
    expect(resolved(null).time.dt).toBe(0.0625);
  });

  it('dt = 20× automatic: rolled back once, completed at dt/2, finite rows at the same output times', async () => {
    const rows: TimeseriesRow[] = [];
    const events: GuardEvent[] = [];
    const result = await runSimulation(resolved(1.25), null, (row) => rows.push(row), {
      onGuardEvent: (e) => events.push(e),
    });
    expect(result.halvings).toBe(1);
    expect(result.dt).toBe(0.625);
    expect(result.steps).toBe(32);
    expect(events).toHaveLength(1);
    expect(events[0]!).toMatchObject({ dt: 0.625, outputEvery: 2 });
    expect(events[0]!.failedTime - events[0]!.resumedTime).toBe(1.25); // one output back
    expect(events[0]!.failedTime).toBeGreaterThan(5); // late: the first outputs were good
    expect(events[0]!.problem).toMatch(/F of species B reaches .* below −0\.05 × its peak/);
    expect(rows.map((r) => r.t)).toEqual(Array.from({ length: 17 }, (_, k) => k * 1.25));
    for (const row of rows) {
      expect(finite(row)).toBe(true);
      expect(Math.abs(row.mass_A / rows[0]!.mass_A - 1)).toBeLessThan(1e-9);
    }
  });

  it('dt = 40× automatic: halved MAX_HALVINGS times without help, then stops naming the CFL limit; no NaN row', async () => {
    const rows: TimeseriesRow[] = [];
    const events: GuardEvent[] = [];
    const failure = await runSimulation(hopeless(), null, (row) => rows.push(row), {
      onGuardEvent: (e) => events.push(e),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(UnstableRunError);
    const error = failure as UnstableRunError;
    expect(error.likelyCause).toMatch(
      /time step above the CFL limit: dt = 2\.50 > 0\.0625 \(advectX limit\)/,
    );
    expect(error.message).toMatch(/still with dt halved 6 times \(dt = 0\.03906, from 2\.5\)/);
    expect(events.map((e) => e.halvings)).toEqual(Array.from({ length: MAX_HALVINGS }, (_, k) => k + 1));
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      expect(finite(row)).toBe(true);
      expect(row.t).toBeLessThan(events.at(-1)!.failedTime); // the failing output never became a row
    }
  });

  it('after giving up, the session stays at its last good output (not at the failed state)', async () => {
    const events: GuardEvent[] = [];
    await runSimulation(hopeless(), null, () => undefined, { onGuardEvent: (e) => events.push(e) }).catch(
      () => undefined,
    );
    const lastGood = events.at(-1)!.resumedTime;
    expect(lastGood).toBeGreaterThan(0);
    const session = await SimulationSession.create(hopeless(), null);
    await expect(session.advance(session.totalSteps)).rejects.toThrow(UnstableRunError);
    expect(session.time).toBe(session.latestRow.t);
    expect(session.latestRow.t).toBe(lastGood);
    expect(session.rows.every(finite)).toBe(true);
    const snapshot = await session.snapshot();
    expect(snapshot.phaseSpace[0].every(Number.isFinite)).toBe(true);
    session.destroy();
  });

  it('a checkpoint taken after a halving resumes bit-identically (halved dt, outputEvery and rows carried)', async () => {
    const config = resolved(1.25);
    const straight: TimeseriesRow[] = [];
    await runSimulation(config, null, (row) => straight.push(row));
    const checkpoints: Checkpoint[] = [];
    await runSimulation(config, null, () => undefined, {
      checkpointEvery: 1,
      onCheckpoint: (c) => {
        checkpoints.push(decodeCheckpoint(encodeCheckpoint(c)));
      },
    });
    const after = checkpoints.find((c) => c.time > 15)!;
    expect(after.config.time).toMatchObject({ dt: 0.625, outputEvery: 2 });
    expect(after.extras).toMatchObject({ halvings: 1, baseDt: 1.25, baseOutputEvery: 1 });
    const rows = sessionCheckpointContents(after).rows; // the rows up to the checkpoint
    const resumed = await runSimulation(config, null, (row) => rows.push(row), { resume: after });
    expect(resumed).toMatchObject({ halvings: 1, dt: 0.625, steps: 32 });
    expect(rows).toEqual(straight);
  });
});

/** `sim run` in-process with the real engine on the CPU backend. */
async function simRun(args: string[]): Promise<{ code: number; stderr: string }> {
  const engine: RunSimulation = async (config, _backend, onRow, options) => {
    const result = await runSimulation(config, null, onRow, options);
    return { ...result, adapter: 'float64 CPU (test)' };
  };
  return simInProcess(registerRunCommand, engine, 'run', args);
}

describe('sim run with the step guard', () => {
  it('prints each rollback on stderr and writes finite rows (dt = 20×)', async () => {
    const path = join(tmp, 'twenty.json');
    writeFileSync(path, JSON.stringify(json(1.25)));
    const out = join(tmp, 'twenty');
    const { code, stderr } = await simRun(['--config', path, '--out', out, '--backend', 'cpu']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /^guard: at t = [\d.]+: F of species [AB] .* rolled back to t = [\d.]+ with dt halved to 0\.625/m,
    );
    expect(stderr).toMatch(/guard: dt was halved 1 time to 0\.625/);
    const lines = readFileSync(join(out, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(18);
    for (const line of lines.slice(1)) expect(line).not.toMatch(/nan|inf/i);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ steps: 32, dt: 0.625, halvings: 1 });
    expect(summary.config.time.dt).toBe(1.25);
  });

  it('exits 4 with the likely cause on one line, writing nothing (dt = 40×)', async () => {
    const path = join(tmp, 'forty.json');
    writeFileSync(path, JSON.stringify(json(2.5, 0.5)));
    const out = join(tmp, 'forty');
    const { code, stderr } = await simRun(['--config', path, '--out', out, '--backend', 'cpu']);
    expect(code).toBe(4);
    const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: the run is unstable: .*likely cause: time step above the CFL limit/);
    expect(stderr.split('\n').filter((l) => l.startsWith('guard: at'))).toHaveLength(MAX_HALVINGS);
    expect(existsSync(join(out, 'timeseries.csv'))).toBe(false);
  });
});
