/**
 * `sim sweep plan | point | merge` (issue 19) on the BUILT CLI in child processes, float64 CPU
 * backend, a small collisional set-up (n_x 4, N_v 8 and its 2 N_v rerun, 12 steps a run):
 * - a plan's jobs run in shuffled order, two at once, then merged, give the single-process sweep's
 *   validity.csv and validity.svg byte for byte and its sweep.json but for wallSeconds and adapter;
 * - a finished job is not rerun; a job killed (SIGKILL) after its first checkpoint and run again
 *   resumes and writes the result of an uninterrupted one;
 * - merge with a job missing lists the point and its job and exits 5;
 * - --vary makes one sweep per combination and slopes.csv;
 * - refusals happen at plan time: status 2, one line, no plan written.
 * The same commands under a real Slurm: tests/cluster/slurm.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, smallCollisionalConfig, spawnCli } from '../../support/cli';

const repo = join(import.meta.dirname, '../../..');
const bundleDir = join(repo, 'node_modules/.cache', `vpb-cluster-test-${randomBytes(4).toString('hex')}`);
const cli = join(bundleDir, 'sim.js');

/** 12 steps of dt 0.05 a run; the threshold is crossed at ε = 0.3 only. */
const SMALL_SWEEP_CONFIG = smallCollisionalConfig(
  { dt: 0.05, tEnd: 0.6, outputEvery: 2 },
  { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 0.2, norm: 'energy' },
);

let tmp = '';
let configPath = '';
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-cluster-'));
  configPath = join(tmp, 'config.json');
  writeFileSync(configPath, JSON.stringify(SMALL_SWEEP_CONFIG));
  await buildCliBundle(repo, bundleDir);
}, 120_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

const start = (args: string[]) => spawnCli(cli, args);
const sim = (args: string[]) => start(args).exited;

/** `sim sweep point` of each pair's two jobs at once, pair after pair; every one must succeed. */
async function runJobsInPairs(dir: string, pairs: readonly (readonly number[])[]): Promise<void> {
  for (const pair of pairs) {
    const exits = await Promise.all(pair.map((i) => sim(['sweep', 'point', dir, String(i)])));
    for (const e of exits) expect(e.code, e.stderr).toBe(0);
  }
}

const read = (path: string) => readFileSync(path, 'utf8');
/** sweep.json without what differs between a merge and a single process by nature. */
const comparable = (path: string) => {
  const { wallSeconds: _w, adapter: _a, ...rest } = JSON.parse(read(path));
  return rest;
};
const pointResult = (dir: string, i: number) => {
  const { result } = JSON.parse(read(join(dir, 'points', `${i}.json`)));
  const { seconds: _s, adapter: _a, ...rest } = result;
  return rest;
};

const KNUDSEN = '0.3,0.1';

describe('sim sweep plan / point / merge in separate processes', () => {
  let single = '';
  let plan = '';
  beforeAll(async () => {
    single = join(tmp, 'single');
    const done = await sim([
      'sweep',
      '--config',
      configPath,
      '--knudsen',
      KNUDSEN,
      '--out',
      single,
      '--backend',
      'cpu',
    ]);
    expect(done.code, done.stderr).toBe(0);
  }, 300_000);

  it('shuffled, two at once, then merged: the single-process sweep’s files', async () => {
    plan = join(tmp, 'plan');
    const planned = await sim([
      'sweep',
      'plan',
      '--config',
      configPath,
      '--knudsen',
      KNUDSEN,
      '--out',
      plan,
      '--backend',
      'cpu',
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stderr).toContain('8 jobs');
    const stored = JSON.parse(read(join(plan, 'plan.json')));
    // each ε at dt, at dt/2, on 2 n_x and on 2 N_v (√2 × wider box): eight resolved configs
    expect(stored.jobs.map((j: { kind: string; knudsen: number }) => `${j.knudsen}:${j.kind}`)).toEqual([
      '0.3:main',
      '0.3:halfDt',
      '0.3:doubleNx',
      '0.3:doubleNv',
      '0.1:main',
      '0.1:halfDt',
      '0.1:doubleNx',
      '0.1:doubleNv',
    ]);
    expect(stored.jobs[1].config.time.dt).toBe(stored.jobs[0].config.time.dt / 2);
    expect(stored.jobs[2].config.grid.nx).toBe(8);
    expect(stored.jobs[3].config.grid).toMatchObject({ nx: 4, nv: 16, vmax: 4 * Math.SQRT2 });
    const sbatch = read(join(plan, 'sweep.sbatch'));
    expect(sbatch).toContain('#SBATCH --array=0-7');
    expect(sbatch).toMatch(/sweep point '.*plan' "\$SLURM_ARRAY_TASK_ID"/);
    expect(sbatch).not.toContain('#SBATCH --gres'); // --backend cpu: no GPU request
    await runJobsInPairs(plan, [
      [4, 1],
      [7, 0],
      [5, 3],
      [2, 6],
    ]);
    // a finished job is not rerun
    const again = await sim(['sweep', 'point', plan, '3']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('not rerun');
    const merged = await sim(['sweep', 'merge', plan]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(read(join(plan, 'validity.csv'))).toBe(read(join(single, 'validity.csv')));
    expect(read(join(plan, 'validity.svg'))).toBe(read(join(single, 'validity.svg')));
    expect(comparable(join(plan, 'sweep.json'))).toEqual(comparable(join(single, 'sweep.json')));
  }, 300_000);

  it('a job killed after its first checkpoint resumes when run again, to the same result', async () => {
    const killed = join(tmp, 'killed');
    const planned = await sim([
      'sweep',
      'plan',
      '--config',
      configPath,
      '--knudsen',
      KNUDSEN,
      '--out',
      killed,
      '--backend',
      'cpu',
      '--checkpoint-every',
      '2',
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    const checkpoint = join(killed, 'points', '1.checkpoint');
    const run = start(['sweep', 'point', killed, '1']); // the dt/2 run: 24 steps
    const deadline = Date.now() + 120_000;
    while (!existsSync(checkpoint) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(existsSync(checkpoint)).toBe(true);
    run.child.kill('SIGKILL');
    const exit = await run.exited;
    expect(exit.signal).toBe('SIGKILL');
    expect(existsSync(join(killed, 'points', '1.json'))).toBe(false);
    const resumed = await sim(['sweep', 'point', killed, '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('resuming from');
    expect(existsSync(checkpoint)).toBe(false);
    expect(pointResult(killed, 1)).toEqual(pointResult(plan, 1));
  }, 300_000);

  it('merge with a job missing: the point named with its job, exit status 5, the rest written', async () => {
    unlinkSync(join(plan, 'points', '4.json'));
    const merged = await sim(['sweep', 'merge', plan]);
    expect(merged.code).toBe(5);
    expect(merged.stderr).toContain('missing 1 of 2 points: ε = 0.1 (job 4)');
    const summary = JSON.parse(read(join(plan, 'sweep.json')));
    expect(summary.missing).toEqual([{ knudsen: 0.1, jobs: [4] }]);
    expect(summary.points.map((p: { knudsen: number }) => p.knudsen)).toEqual([0.3]);
  }, 120_000);
});

describe('sim sweep plan --vary: one sweep per combination, and slopes.csv', () => {
  it('writes each combination’s files and a row per combination', async () => {
    const dir = join(tmp, 'vary');
    const planned = await sim([
      'sweep',
      'plan',
      '--config',
      configPath,
      '--knudsen',
      KNUDSEN,
      '--out',
      dir,
      '--backend',
      'cpu',
      '--no-trust-check',
      '--vary',
      'collisions.gamma=0,1',
    ]);
    expect(planned.code, planned.stderr).toBe(0);
    const stored = JSON.parse(read(join(dir, 'plan.json')));
    expect(stored.jobs).toHaveLength(4);
    expect(
      stored.jobs.map((j: { config: { collisions: { gamma: number } } }) => j.config.collisions.gamma),
    ).toEqual([0, 0, 1, 1]);
    await runJobsInPairs(dir, [
      [0, 3],
      [2, 1],
    ]);
    const merged = await sim(['sweep', 'merge', dir]);
    expect(merged.code, merged.stderr).toBe(0);
    const lines = read(join(dir, 'slopes.csv')).trimEnd().split('\n');
    expect(lines[1]).toBe(
      'collisions.gamma,slope,slope_error,fit_points,points,missing_points,model_slope,theorem_y,directory',
    );
    for (const [k, gamma] of [0, 1].entries()) {
      const sub = join(dir, `collisions.gamma=${gamma}`);
      const summary = JSON.parse(read(join(sub, 'sweep.json')));
      expect(summary.config.collisions.gamma).toBe(gamma);
      const row = lines[2 + k]!.split(',');
      expect(row[0]).toBe(String(gamma));
      expect(row[1]).toBe(String(summary.fit.slope ?? ''));
      // (n, r) = (0, 1): the model's slope 0, and no theorem covers it
      expect(Number(row[6])).toBe(0);
      expect(summary.theorem).toMatchObject({ n: 0, r: 1, applies: false, modelSlope: 0 });
      expect(row[7]).toBe('');
      expect(existsSync(join(sub, 'validity.csv'))).toBe(true);
    }
  }, 300_000);
});

describe('sim sweep plan refuses at plan time: status 2, one line, no plan written', () => {
  it.each([
    { name: 'a --vary without values', args: ['--vary', 'species.1.mass'], text: '--vary must be key=v1,v2' },
    {
      name: 'a --vary value out of range',
      args: ['--vary', 'species.1.mass=1.1,-1'],
      text: 'species.1.mass=-1',
    },
    {
      name: 'a --vary path that is no object',
      args: ['--vary', 'time.dt.x=1'],
      text: 'no object at "time.dt"',
    },
    { name: '--knudsen missing', args: [], text: "required option '--knudsen <list>'" },
  ])(
    '$name',
    async ({ args, text }) => {
      const dir = join(tmp, `refused-${randomBytes(3).toString('hex')}`);
      const knudsen = text.includes('--knudsen') ? [] : ['--knudsen', KNUDSEN];
      const e = await sim([
        'sweep',
        'plan',
        '--config',
        configPath,
        ...knudsen,
        '--out',
        dir,
        '--backend',
        'cpu',
        ...args,
      ]);
      expect(e.code, e.stderr).toBe(2);
      const errors = e.stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('warning: '));
      expect(errors, e.stderr).toHaveLength(1);
      expect(errors[0]).toContain(text);
      expect(existsSync(join(dir, 'plan.json'))).toBe(false);
    },
    60_000,
  );
});
