/**
 * Issue 19 under a real scheduler: a one-node Slurm (Debian's slurm-wlm and munge, configured for
 * localhost by scripts/slurm/local-cluster.sh, started and stopped here; root) runs
 * `sbatch --wait` of the plan's sweep.sbatch, a job array of a three-point sweep on the float64 CPU
 * backend (no trust check: three jobs), and `sim sweep merge` gives the single-process sweep's
 * validity.csv and validity.svg byte for byte. If Slurm cannot start on the machine the test fails
 * with the script's reason; it is never skipped.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliBundle, smallCollisionalConfig, spawnCli } from '../support/cli';

const repo = join(import.meta.dirname, '../..');
const bundleDir = join(repo, 'node_modules/.cache', `vpb-slurm-test-${randomBytes(4).toString('hex')}`);
const cli = join(bundleDir, 'sim.js');
const script = join(repo, 'scripts/slurm/local-cluster.sh');
const run = promisify(execFile);

const CONFIG = smallCollisionalConfig(
  { dt: 0.05, tEnd: 0.6, outputEvery: 2 },
  { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 0.2, norm: 'energy' },
);

let tmp = '';
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-slurm-'));
  await buildCliBundle(repo, bundleDir);
  const started = await run('bash', [script, 'start'], {
    env: { ...process.env, VPB_SLURM_DIR: join(tmp, 'slurm') },
  }).catch((e: { stderr?: string; message: string }) => {
    throw new Error(`Slurm did not start on this machine: ${e.stderr || e.message}`);
  });
  const conf = /export SLURM_CONF=(\S+)/.exec(started.stdout)?.[1];
  if (!conf) throw new Error(`local-cluster.sh printed no SLURM_CONF: ${started.stdout}`);
  env = { ...process.env, SLURM_CONF: conf };
}, 180_000);
afterAll(async () => {
  await run('bash', [script, 'stop'], { env: { ...process.env, VPB_SLURM_DIR: join(tmp, 'slurm') } }).catch(
    () => {},
  );
  rmSync(tmp, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

const sim = (args: string[]) => spawnCli(cli, args, env).exited;

describe('a sweep as a Slurm job array (one-node Slurm on this machine)', () => {
  it('sbatch --array runs every job; the merge equals the single-process sweep', async () => {
    const configPath = join(tmp, 'config.json');
    writeFileSync(configPath, JSON.stringify(CONFIG));
    const common = [
      '--config',
      configPath,
      '--knudsen',
      '0.3,0.2,0.1',
      '--backend',
      'cpu',
      '--no-trust-check',
    ];
    const plan = join(tmp, 'plan');
    const planned = await sim(['sweep', 'plan', ...common, '--out', plan]);
    expect(planned.code, planned.stderr).toBe(0);
    const sbatch = join(plan, 'sweep.sbatch');
    expect(readFileSync(sbatch, 'utf8')).toContain('#SBATCH --array=0-2');
    // the real scheduler: sbatch waits for the whole array (and fails if a task does)
    const submitted = await run('sbatch', ['--wait', sbatch], { env, timeout: 240_000 }).catch(
      (e: { stdout?: string; stderr?: string; message: string }) => {
        const logs = readdirSync(join(plan, 'logs'))
          .map((f) => `--- ${f}\n${readFileSync(join(plan, 'logs', f), 'utf8')}`)
          .join('\n');
        throw new Error(`sbatch --wait failed: ${e.stderr || e.message}\n${logs}`);
      },
    );
    expect(submitted.stdout).toMatch(/Submitted batch job \d+/);
    expect(readdirSync(join(plan, 'points')).sort()).toEqual(['0.json', '1.json', '2.json']);
    expect(readdirSync(join(plan, 'logs')).sort()).toEqual(['job-0.log', 'job-1.log', 'job-2.log']);
    const merged = await sim(['sweep', 'merge', plan]);
    expect(merged.code, merged.stderr).toBe(0);
    const single = join(tmp, 'single');
    const direct = await sim(['sweep', ...common, '--out', single]);
    expect(direct.code, direct.stderr).toBe(0);
    for (const f of ['validity.csv', 'validity.svg']) {
      expect(readFileSync(join(plan, f), 'utf8')).toBe(readFileSync(join(single, f), 'utf8'));
    }
    const points = (dir: string) => JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')).points;
    expect(points(plan)).toEqual(points(single));
  }, 300_000);
});
