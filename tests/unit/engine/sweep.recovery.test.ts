/**
 * The engine's side of a browser sweep that survives a closed tab and a lost device (issue 8), with
 * a FAKE engine (as tests/unit/cli/sweep.resume.test.ts; the real one runs in tests/e2e/reliability.test.ts):
 * - stored finished points are checked against the plan (resumeFromStored, isSweepPoint) and the
 *   page's IndexedDB record as a whole (checkStoredSweep): each fault refused with its own reason;
 * - a sweep resumed from points that went through a structured clone (IndexedDB, postMessage) is
 *   the uninterrupted one and runs only the missing points;
 * - a run that throws is redone after `recover` says it can be (only that run, never a finished
 *   point); an error recover does not claim is rethrown, and so is one that keeps coming back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RUN_RECOVERIES, runSweep, type SweepRunner, validityCsv } from '../../../src/engine/sweep';
import { TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, stepCount } from '../../../src/physics/configSchema';
import {
  finishedSweepPoints,
  isSweepPoint,
  planSweep,
  resumeFromStored,
  type SweepPlan,
  type SweepPoint,
} from '../../../src/physics/sweepPlan';
import { checkStoredSweep, STORED_SWEEP_VERSION, type StoredSweep } from '../../../src/ui/sweepStore';

const examples = join(import.meta.dirname, '../../../examples');
const KNUDSEN = [0.1, 0.001, 0.01];
const K = 1e-4;

/** ionosphere-f1 with a short run; at ε = 0.001 only the run at dt crosses (change = +Infinity). */
function configJson(): Record<string, unknown> {
  const c = JSON.parse(readFileSync(join(examples, 'ionosphere-f1.json'), 'utf8'));
  c.time = { dt: 0.01, tEnd: 10, outputEvery: 10 };
  c.remainder = { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy' };
  return c;
}

function plan(knudsen = KNUDSEN): SweepPlan {
  return planSweep(parseConfig(configJson()), knudsen);
}

interface Call {
  readonly eps: number;
  readonly dt: number;
}

/**
 * norm = t ε^0.4 (1 + K (dt/ε)^4) in every remainder column. `failAt(call)`: throw at the first
 * output after step 0 of that call (a run interrupted midway, as a lost device interrupts it).
 */
function fakeRunner(calls: Call[], failAt: (call: Call, n: number) => boolean = () => false): SweepRunner {
  return async (config, onRow) => {
    const call = { eps: config.collisions.knudsen, dt: config.time.dt };
    calls.push(call);
    const n = calls.length - 1;
    const total = stepCount(config);
    const { dt, outputEvery } = config.time;
    for (let step = 0; step <= total; step++) {
      if (step % outputEvery !== 0 && step !== total) continue;
      if (step > 0 && failAt(call, n)) throw new Error('the GPU device was lost (simulated)');
      const t = step * dt;
      const row = Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, 1])) as TimeseriesRow;
      row.t = t;
      const norm = t * call.eps ** 0.4 * (1 + K * (dt / call.eps) ** 4);
      row.remainder_L2 = row.remainder_Linf_w = row.remainder_field_L2 = row.remainder_energy = norm;
      onRow(row, step, total);
    }
    return { steps: total, adapter: 'fake adapter (test)' };
  };
}

/** The uninterrupted sweep: its points and validity.csv. */
async function straight() {
  const p = plan();
  const outcome = await runSweep(p, fakeRunner([]));
  return { outcome, csv: validityCsv(outcome.points, p.column, p.settings, 10, true) };
}

/** Finished points as the page stores them, after a structured clone (IndexedDB, postMessage). */
async function storedPoints(count: number) {
  const { outcome } = await straight();
  const map = new Map<number, SweepPoint>(outcome.points.slice(0, count).map((p, i) => [i, p]));
  return structuredClone(finishedSweepPoints(map));
}

describe('stored finished points are checked against the plan', () => {
  it('accepts the points of the same sweep, +Infinity trust change included', async () => {
    const stored = await storedPoints(2);
    expect(stored[1]!.point.halfDt!.change).toBe(Number.POSITIVE_INFINITY);
    expect(stored.every((e) => isSweepPoint(e.point))).toBe(true);
    const resume = resumeFromStored(plan(), stored);
    expect([...resume.points.keys()]).toEqual([0, 1]);
  });

  it('refuses each fault with its own reason', async () => {
    const stored = await storedPoints(2);
    const [a, b] = stored as [(typeof stored)[0], (typeof stored)[0]];
    const cases: [unknown, RegExp][] = [
      [{ 0: a }, /not a list/],
      [[a, 7], /point 2 of 2 is not an \{index, point\} entry/],
      [[{ ...a, index: 3 }], /index 3, not one of the plan's 0\.\.2/],
      [[{ ...a, index: 1.5 }], /index 1\.5/],
      [[a, { ...b, index: 0 }], /repeats index 0/],
      [[{ index: 0, point: { ...a.point, knudsen: Number.NaN } }], /not a well-formed point/],
      [[{ index: 0, point: { ...a.point, normsAtEnd: { remainder_L2: 1 } } }], /not a well-formed point/],
      [[{ index: 0, point: { ...a.point, halfDt: { ...a.point.halfDt, compared: 'x' } } }], /well-formed/],
      [[{ index: 1, point: a.point }], /for ε = 0\.1, but the plan's ε at index 1 is 0\.001/],
      [[{ index: 0, point: { ...a.point, dt: 0.02 } }], /run with dt = 0\.02; the plan's dt is 0\.01/],
      [[{ index: 0, point: { ...a.point, halfDt: undefined } }], /lacks the dt\/2 rerun/],
    ];
    for (const [entries, reason] of cases) {
      expect(() => resumeFromStored(plan(), entries), String(reason)).toThrow(reason);
    }
  });

  it('a sweep resumed from stored points is the uninterrupted one and runs only the missing points', async () => {
    const reference = await straight();
    const calls: Call[] = [];
    const p = plan();
    const skipped: number[] = [];
    const outcome = await runSweep(
      p,
      fakeRunner(calls),
      { onSkip: (_point, index) => skipped.push(index) },
      undefined,
      resumeFromStored(p, await storedPoints(2)),
    );
    expect(skipped).toEqual([0, 1]);
    expect(calls.map((c) => c.eps)).toEqual([0.01, 0.01, 0.01, 0.01]); // the last point: at dt, dt/2, on 2 n_x, on 2 N_v
    expect(validityCsv(outcome.points, p.column, p.settings, 10, true)).toBe(reference.csv);
    expect(outcome.fit).toEqual(reference.outcome.fit);
  });
});

describe("the page's stored sweep record (checkStoredSweep)", () => {
  async function record(): Promise<StoredSweep> {
    return {
      version: STORED_SWEEP_VERSION,
      savedAt: 1_700_000_000_000,
      config: parseConfig(configJson()),
      knudsen: KNUDSEN,
      points: await storedPoints(1),
    };
  }

  it('gives back a structured-cloned record with its plan and resume', async () => {
    const stored = await record();
    const checked = checkStoredSweep(structuredClone(stored));
    expect(checked.sweep).toEqual(stored);
    expect(checked.plan.configs.map((c) => c.collisions.knudsen)).toEqual(KNUDSEN);
    expect([...checked.resume.points.keys()]).toEqual([0]);
  });

  it('refuses a corrupt record with its reason', async () => {
    const good = await record();
    const collisionless = { ...good.config, collisions: { ...good.config.collisions, enabled: false } };
    const cases: [unknown, RegExp][] = [
      [null, /not an object/],
      ['garbage', /not an object/],
      [[good], /not an object/],
      [{ ...good, version: 2 }, /version is 2, this page reads version 1/],
      [{ ...good, savedAt: 'yesterday' }, /no time of writing/],
      [{ ...good, knudsen: [] }, /ε list/],
      [{ ...good, knudsen: [0.1, 0.1] }, /ε list/],
      [{ ...good, knudsen: [0.1, -1] }, /ε list/],
      [{ ...good, config: { ...good.config, grid: 'big' } }, /set-up is refused: .*grid/],
      [{ ...good, config: collisionless }, /set-up is refused: .*collisions\.enabled/],
      [{ ...good, points: 'none' }, /finished points are refused: .*not a list/],
      [
        { ...good, knudsen: [0.5, 0.001, 0.01] },
        /finished points are refused: .*plan's ε at index 0 is 0\.5/,
      ],
    ];
    for (const [value, reason] of cases) {
      expect(() => checkStoredSweep(value), String(reason)).toThrow(reason);
    }
  });
});

describe('a run that fails is redone after a recovery, the finished points kept', () => {
  it('redoes only the interrupted run and gives the uninterrupted outcome', async () => {
    const reference = await straight();
    const calls: Call[] = [];
    const recovered: string[] = [];
    // the 6th call is point 2's run at dt/2: point 1 (dt, dt/2, 2 n_x, 2 N_v) and point 2's run at dt are finished
    const outcome = await runSweep(
      plan(),
      fakeRunner(calls, (_call, n) => n === 5),
      { onRecover: (run, note) => recovered.push(`${run.point}:${run.halfDt}:${note}`) },
      undefined,
      undefined,
      async (error, run) => `recovered from "${(error as Error).message}" in point ${run.point + 1}`,
    );
    expect(recovered).toEqual(['1:true:recovered from "the GPU device was lost (simulated)" in point 2']);
    // once each, but point 2 at dt/2 twice (the interrupted attempt and its repeat); each point's
    // third and fourth runs are the ones on 2 n_x cells and on 2 N_v points at dt
    expect(calls.map((c) => `${c.eps}@${c.dt}`)).toEqual([
      '0.1@0.01',
      '0.1@0.005',
      '0.1@0.01',
      '0.1@0.01',
      '0.001@0.01',
      '0.001@0.005',
      '0.001@0.005',
      '0.001@0.01',
      '0.001@0.01',
      '0.01@0.01',
      '0.01@0.005',
      '0.01@0.01',
      '0.01@0.01',
    ]);
    expect(outcome.points).toEqual(reference.outcome.points);
    expect(outcome.fit).toEqual(reference.outcome.fit);
  });

  it('rethrows an error recover does not claim, and one that comes back after every recovery', async () => {
    await expect(
      runSweep(
        plan(),
        fakeRunner([], (call) => call.eps === 0.001),
        {},
        undefined,
        undefined,
        async () => null,
      ),
    ).rejects.toThrow(/simulated/);
    const calls: Call[] = [];
    let recoveries = 0;
    await expect(
      runSweep(
        plan(),
        fakeRunner(calls, (call) => call.eps === 0.001),
        {},
        undefined,
        undefined,
        async () => {
          recoveries++;
          return 'a new device';
        },
      ),
    ).rejects.toThrow(/simulated/);
    expect(recoveries).toBe(MAX_RUN_RECOVERIES);
    expect(calls.filter((c) => c.eps === 0.001)).toHaveLength(MAX_RUN_RECOVERIES + 1);
  });
});

describe('the progress of a sweep counts work, not steps', () => {
  it('each run adds its steps × its phase-space points over the main run’s: dt/2 2×, 2 n_x 2×, 2 N_v 8×', async () => {
    const p = plan([0.1]);
    const main = stepCount(p.configs[0]!);
    const ends: { kind: string; done: number; total: number }[] = [];
    let last = { done: 0, total: 0 };
    await runSweep(p, fakeRunner([]), {
      onStep: (_run, _step, done, total) => {
        expect(done).toBeGreaterThanOrEqual(last.done); // never goes back
        last = { done, total };
      },
      onRunEnd: (run) =>
        ends.push({
          kind: run.doubleNv ? 'nv' : run.doubleNx ? 'nx' : run.halfDt ? 'dt/2' : 'dt',
          ...last,
        }),
    });
    // the weights relative to the run at dt; the total is their sum, reached at the end
    expect(ends.map((e) => e.kind)).toEqual(['dt', 'dt/2', 'nx', 'nv']);
    expect(ends.map((e) => e.done / main)).toEqual([1, 3, 5, 13]);
    expect(ends.every((e) => e.total === 13 * main)).toBe(true);
  });
});
