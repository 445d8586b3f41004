/**
 * Interrupted ε-sweeps resume (issue 8): <out>/sweep-progress.json holds the finished points and a
 * hash of the inputs; a rerun with the same inputs skips them and writes the validity.csv of an
 * uninterrupted sweep; other inputs start over.
 * - In-process with a FAKE engine (as tests/unit/cli/sweep.test.ts): a crash at the third point, a rerun; the
 *   finished points include one whose trust check changed by +Infinity (only the dt run crossed the
 *   threshold), which JSON cannot hold as a number.
 * - The BUILT CLI in a child process on the float64 CPU backend (n_x = 4, N_v = 8): SIGKILL once the
 *   progress file shows a finished point, rerun, and validity.csv equals an uninterrupted sweep's
 *   byte for byte.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSimulation } from '../../../src/cli/run';
import { registerSweepCommand, SWEEP_PROGRESS_FILE } from '../../../src/cli/sweep';
import { TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { stepCount } from '../../../src/physics/configSchema';
import { buildCliBundle, simInProcess, smallCollisionalConfig } from '../../support/cli';

const repo = join(import.meta.dirname, '../../..');
const examplesDir = join(repo, 'examples');

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-sweep-resume-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(json: unknown): string {
  const path = join(tmp, `config-${fileCount++}.json`);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

// ---- in-process, fake engine -------------------------------------------------------------------

/** norm = t ε^0.4 (1 + K (dt/ε)^4) in every remainder column: T_valid = 1/(ε^0.4 (1 + K (dt/ε)^4)). */
const K = 1e-4;
const DT = 0.01;
function fakeConfig(): unknown {
  const c = JSON.parse(readFileSync(join(examplesDir, 'ionosphere-f1.json'), 'utf8'));
  // tEnd = 10: at ε = 0.001 the run at dt crosses (T ≈ 7.9), the one at dt/2 does not (T ≈ 14.9)
  c.time = { dt: DT, tEnd: 10, outputEvery: 10 };
  c.remainder = { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy' };
  return c;
}

/** The engine; `crashAt`: throw on the first run with that ε (a crash between points). */
function fakeRunner(calls: number[], crashAt?: number): RunSimulation {
  return async (config, _backend, onRow) => {
    const eps = config.collisions.knudsen;
    calls.push(eps);
    if (eps === crashAt) throw new Error('killed (simulated)');
    const total = stepCount(config);
    const { dt, outputEvery } = config.time;
    for (let step = 0; step <= total; step++) {
      if (step % outputEvery !== 0 && step !== total) continue;
      const t = step * dt;
      const row = Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, 1])) as TimeseriesRow;
      row.t = t;
      const norm = t * eps ** 0.4 * (1 + K * (dt / eps) ** 4);
      row.remainder_L2 = row.remainder_Linf_w = row.remainder_field_L2 = row.remainder_energy = norm;
      onRow(row, step, total);
    }
    return { steps: total, adapter: 'fake adapter (test)' };
  };
}

function sweep(args: string[], runner: RunSimulation) {
  return simInProcess(registerSweepCommand, runner, 'sweep', args);
}

describe('sim sweep resumes an interrupted sweep (fake engine)', () => {
  const KNUDSEN = '0.1,0.001,0.01';

  it('skips the finished points, writes the uninterrupted validity.csv, and removes the progress file', async () => {
    const config = writeConfig(fakeConfig());
    const straight = join(tmp, 'fake-straight');
    const reference = await sweep(
      ['--config', config, '--knudsen', KNUDSEN, '--out', straight],
      fakeRunner([]),
    );
    expect(reference.code, reference.stderr).toBe(0);
    const expected = readFileSync(join(straight, 'validity.csv'), 'utf8');
    // the point at ε = 0.001 is not trustworthy: only one of its runs at dt and dt/2 crossed the
    // threshold; the ones on 2 n_x cells and on 2 N_v points (same dt) crossed where the run at dt did
    expect(expected).toMatch(/^0\.001,7\.9\d*,false,0\.01,.*,,Infinity,7\.9\d*,0\.0+,7\.9\d*,0\.0+,dt,$/m);

    const out = join(tmp, 'fake-interrupted');
    const crashed = await sweep(
      ['--config', config, '--knudsen', KNUDSEN, '--out', out],
      fakeRunner([], 0.01),
    );
    expect(crashed.code).toBe(1);
    expect(readdirSync(out)).toEqual([SWEEP_PROGRESS_FILE]);
    const progress = JSON.parse(readFileSync(join(out, SWEEP_PROGRESS_FILE), 'utf8'));
    expect(progress.points.map((p: { index: number }) => p.index)).toEqual([0, 1]);
    expect(progress.points[1].point.halfDt.change).toBe('__Infinity__');

    const calls: number[] = [];
    const resumed = await sweep(['--config', config, '--knudsen', KNUDSEN, '--out', out], fakeRunner(calls));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(calls).toEqual([0.01, 0.01, 0.01, 0.01]); // the last point only: at dt, at dt/2, on 2 n_x, on 2 N_v
    expect(resumed.stderr).toMatch(/resuming from .*sweep-progress\.json: 2 of 3 points already finished/);
    expect(resumed.stderr).toMatch(/\[1\/3\] ε = 0\.1: finished by an earlier run, skipped/);
    expect(resumed.stderr).toMatch(/\[2\/3\] ε = 0\.001: finished by an earlier run, skipped/);
    expect(readFileSync(join(out, 'validity.csv'), 'utf8')).toBe(expected);
    expect(readFileSync(join(out, 'validity.svg'), 'utf8')).toBe(
      readFileSync(join(straight, 'validity.svg'), 'utf8'),
    );
    const [a, b] = [out, straight].map((d) => JSON.parse(readFileSync(join(d, 'sweep.json'), 'utf8')));
    expect(a.points).toEqual(b.points);
    expect(a.fit).toEqual(b.fit);
    expect(readdirSync(out).sort()).toEqual(['sweep.json', 'validity.csv', 'validity.svg']);
  });

  it('other inputs (another ε list, or the trust check off) start over and say so', async () => {
    const config = writeConfig(fakeConfig());
    const out = join(tmp, 'fake-changed');
    await sweep(['--config', config, '--knudsen', KNUDSEN, '--out', out], fakeRunner([], 0.01));
    expect(existsSync(join(out, SWEEP_PROGRESS_FILE))).toBe(true);
    for (const args of [
      ['--knudsen', '0.1,0.001'],
      ['--knudsen', KNUDSEN, '--no-trust-check'],
    ]) {
      const calls: number[] = [];
      const rerun = await sweep(['--config', config, ...args, '--out', out], fakeRunner(calls, 0.001));
      expect(rerun.code).toBe(1);
      expect(rerun.stderr).toMatch(/sweep-progress\.json is from a different sweep .*: starting over/);
      expect(calls[0]).toBe(0.1); // the first point is run again
    }
  });
});

// ---- the built CLI, SIGKILLed ------------------------------------------------------------------

const bundleDir = join(repo, 'node_modules/.cache', `vpb-cli-test-${randomBytes(4).toString('hex')}`);

describe('sim sweep killed between points (built CLI, CPU backend)', () => {
  beforeAll(async () => {
    await buildCliBundle(repo, bundleDir);
  }, 120_000);
  afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

  const cliConfig = smallCollisionalConfig(
    { dt: 0.05, tEnd: 0.3, outputEvery: 1 },
    { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 0.05, norm: 'L2' },
  );

  function start(args: string[]) {
    const child = spawn(process.execPath, [join(bundleDir, 'sim.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
      (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
    );
    return { child, exited };
  }

  it('SIGKILL after the first finished point, rerun: the same validity.csv as an uninterrupted sweep', async () => {
    const config = writeConfig(cliConfig);
    const args = (out: string) => [
      'sweep',
      '--config',
      config,
      '--knudsen',
      '0.3,0.2,0.1',
      '--out',
      out,
      '--backend',
      'cpu',
    ];
    const out = join(tmp, 'cli-killed');
    const progressPath = join(out, SWEEP_PROGRESS_FILE);
    const finishedPoints = () => {
      try {
        return JSON.parse(readFileSync(progressPath, 'utf8')).points.length as number;
      } catch {
        return 0; // not there yet (it is renamed into place whole, never half-written)
      }
    };
    const killed = start(args(out));
    const deadline = Date.now() + 180_000;
    while (finishedPoints() < 1) {
      if (Date.now() > deadline) throw new Error('no point finished in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    const done = finishedPoints();
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(3);
    expect(existsSync(join(out, 'validity.csv'))).toBe(false);

    const resumed = await start(args(out)).exited;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`${done} of 3 points already finished`));
    expect(resumed.stderr).toMatch(/\[1\/3\] ε = 0\.3: finished by an earlier run, skipped/);
    expect(existsSync(progressPath)).toBe(false);

    const straight = join(tmp, 'cli-straight');
    const reference = await start(args(straight)).exited;
    expect(reference.code, reference.stderr).toBe(0);
    const expected = readFileSync(join(straight, 'validity.csv'));
    expect(
      expected
        .toString()
        .split('\n')
        .filter((l) => /^0\.[123],/.test(l)),
    ).toHaveLength(3);
    expect(readFileSync(join(out, 'validity.csv')).equals(expected)).toBe(true);
  }, 400_000);
});
