/**
 * `sim run --checkpoint-every` and `sim run --resume` (issue 8), on the BUILT CLI in a child process
 * (the bundle of vite.node.config.ts, built here into node_modules/.cache), float64 CPU backend,
 * n_x = 4, N_v = 8 with collisions and field:
 * (a) a run is SIGKILLed after its first checkpoint file appears, resumed from that file, and the
 *     final timeseries.csv equals an uninterrupted run's byte for byte;
 * (b) a truncated, a byte-flipped and a wrong-version checkpoint, and a valid file that is not a
 *     session's, each exit with status 2 and their own one-line message, touching no file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/checkpoint';
import { buildCliBundle, smallCollisionalConfig, spawnCli } from '../../support/cli';

const repo = join(import.meta.dirname, '../../..');
// inside the repository, so that the bundle's external imports resolve from its node_modules
const bundleDir = join(repo, 'node_modules/.cache', `vpb-cli-test-${randomBytes(4).toString('hex')}`);
const cli = join(bundleDir, 'sim.js');

/** Collisions and field on: ~0.3 s a step on the CPU backend, 24 steps, an output every 2. */
const CONFIG = smallCollisionalConfig({ dt: 0.05, tEnd: 1.2, outputEvery: 2 });

let tmp = '';
let configPath = '';
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-resume-'));
  configPath = join(tmp, 'config.json');
  writeFileSync(configPath, JSON.stringify(CONFIG));
  await buildCliBundle(repo, bundleDir);
}, 120_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(bundleDir, { recursive: true, force: true });
});

const start = (args: string[]) => spawnCli(cli, args);
const sim = (args: string[]) => start(args).exited;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('sim run: killed mid-run and resumed from its checkpoint', () => {
  let checkpointFile = '';

  it('(a) SIGKILL after the first checkpoint, --resume, and timeseries.csv equals the uninterrupted run byte for byte', async () => {
    const killed = join(tmp, 'killed');
    checkpointFile = join(killed, 'checkpoints', 'checkpoint.vpbc');
    const run = start([
      'run',
      '--config',
      configPath,
      '--out',
      killed,
      '--backend',
      'cpu',
      '--checkpoint-every',
      '4',
    ]);
    await waitFor(() => existsSync(checkpointFile), 'the first checkpoint');
    run.child.kill('SIGKILL');
    const death = await run.exited;
    expect(death.signal).toBe('SIGKILL');
    // killed mid-run: no output yet, and the checkpoint on disk is whole (written atomically)
    expect(existsSync(join(killed, 'summary.json'))).toBe(false);
    expect(existsSync(join(killed, 'timeseries.csv'))).toBe(false);
    const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(checkpointFile)));
    expect(checkpoint.step).toBeGreaterThanOrEqual(4);
    expect(checkpoint.step).toBeLessThan(24);

    const resumed = await sim(['run', '--resume', checkpointFile, '--out', killed]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(
      new RegExp(`resume: .*checkpoint\\.vpbc at step ${checkpoint.step} of 24`),
    );

    const straight = join(tmp, 'straight');
    const reference = await sim(['run', '--config', configPath, '--out', straight, '--backend', 'cpu']);
    expect(reference.code, reference.stderr).toBe(0);
    const expected = readFileSync(join(straight, 'timeseries.csv'));
    expect(expected.toString().trimEnd().split('\n')).toHaveLength(1 + 13);
    expect(readFileSync(join(killed, 'timeseries.csv')).equals(expected)).toBe(true);
    const summary = JSON.parse(readFileSync(join(killed, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ steps: 24, halvings: 0, resumedFrom: { step: checkpoint.step } });
  }, 240_000);

  it('(b) a truncated, a byte-flipped, a wrong-version and a non-session checkpoint: status 2, each its own message, no file touched', async () => {
    const good = new Uint8Array(readFileSync(checkpointFile));
    const flipped = good.slice();
    flipped[good.length - 100]! ^= 0xff;
    const versioned = good.slice();
    new DataView(versioned.buffer).setUint32(8, 99, true);
    const decoded = decodeCheckpoint(good);
    const notASession = encodeCheckpoint({
      ...decoded,
      sections: { distribution: decoded.sections.distribution! },
      extras: {},
    });
    const cases = [
      {
        name: 'truncated',
        bytes: good.subarray(0, good.length - 1000),
        message: /^error: checkpoint refused \(truncated\): \d+ of \d+ bytes present$/,
      },
      {
        name: 'flipped',
        bytes: flipped,
        message:
          /^error: checkpoint refused \(checksum\): CRC-32 0x[0-9a-f]{8} does not match the stored 0x[0-9a-f]{8}: the file is corrupted$/,
      },
      {
        name: 'version',
        bytes: versioned,
        message:
          /^error: checkpoint refused \(version\): format version 99; this build reads version 1 only$/,
      },
      {
        name: 'not-a-session',
        bytes: notASession,
        message: /^error: checkpoint refused \(format\): extras\.columns .* is missing$/,
      },
    ];
    const out = join(tmp, 'untouched');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'timeseries.csv'), 'the current run\n');
    const seen = new Set<string>();
    for (const c of cases) {
      const file = join(tmp, `${c.name}.vpbc`);
      writeFileSync(file, c.bytes);
      const { code, stderr } = await sim(['run', '--resume', file, '--out', out]);
      expect(code, `${c.name}: ${stderr}`).toBe(2);
      const lines = stderr.trimEnd().split('\n');
      expect(lines, c.name).toHaveLength(1);
      expect(lines[0], c.name).toMatch(c.message);
      seen.add(lines[0]!);
      expect(readFileSync(join(out, 'timeseries.csv'), 'utf8')).toBe('the current run\n');
      expect(existsSync(join(out, 'summary.json'))).toBe(false);
    }
    expect(seen.size).toBe(cases.length);
  }, 60_000);

  it('--config and --resume together, or neither, are refused with status 2', async () => {
    const both = await sim([
      'run',
      '--config',
      configPath,
      '--resume',
      checkpointFile,
      '--out',
      join(tmp, 'x'),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: --config and --resume exclude each other/);
    const neither = await sim(['run', '--out', join(tmp, 'x')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/^error: required option '--config <file\.json>' not specified/);
  }, 60_000);
});
