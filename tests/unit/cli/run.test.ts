// `sim run` plumbing, driven in-process through commander: registerRunCommand with a FAKE engine
// (rows with known values), an exit that throws instead of ending the process, and a recorded
// stderr. Checks the files, their headers and rows, summary.json, the progress display, and that
// every invalid input ends with status 2 and one line `error: …` naming the file or field.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunSimulation, registerRunCommand } from '../../../src/cli/run';
import { WebGpuUnavailableError } from '../../../src/gpu/context';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { parseConfig, resolveConfig, stepCount } from '../../../src/physics/configSchema';
import { simInProcess } from '../../support/cli';

// biome-ignore lint/suspicious/noExplicitAny: configs are mutated as raw JSON on purpose
type Json = any;

const examplesDir = join(import.meta.dirname, '../../../examples');
const example = (name: string): Json => JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'));

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-cli-run-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(json: unknown, text = JSON.stringify(json)): string {
  const path = join(tmp, `config-${fileCount++}.json`);
  writeFileSync(path, text);
  return path;
}

/** Known, slowly drifting values: mass and energy grow by 1e−6 and 2e−5 per unit time. */
function rowAt(t: number): TimeseriesRow {
  const row = Object.fromEntries(TIMESERIES_COLUMNS.map((c, i) => [c, i + 0.25 * t])) as TimeseriesRow;
  return {
    ...row,
    t,
    mass_A: 4 * Math.PI * (1 + 1e-6 * t),
    mass_B: 4 * Math.PI,
    momentum_x: 1e-3 * t,
    momentum_y: 0,
    momentum_z: -1e-3 * t,
    energy_total: 3 * 4 * Math.PI * (1 + 2e-5 * t),
  };
}

interface Call {
  config: ResolvedConfig;
  backend: string;
}

/** The fake engine: one row at step 0, every outputEvery steps, and at the last step. */
function fakeRunner(calls: Call[], fail?: unknown): RunSimulation {
  return async (config, backend, onRow) => {
    calls.push({ config, backend });
    if (fail !== undefined) throw fail;
    const total = stepCount(config);
    for (let step = 0; step <= total; step++) {
      if (step % config.time.outputEvery === 0 || step === total)
        onRow(rowAt(step * config.time.dt), step, total);
    }
    return { steps: total, adapter: 'fake adapter (test)' };
  };
}

function sim(args: string[], runner: RunSimulation, isTTY = false) {
  return simInProcess(registerRunCommand, runner, 'run', args, isTTY);
}

describe('sim run with a fake engine', () => {
  it('writes timeseries.csv and summary.json (atomically) and reports progress every 10 %', async () => {
    const calls: Call[] = [];
    const out = join(tmp, 'landau', 'nested'); // mkdir -p
    const { code, stderr } = await sim(
      ['--config', join(examplesDir, 'landau.json'), '--out', out, '--backend', 'cpu'],
      fakeRunner(calls),
    );
    expect(code, stderr).toBe(0);
    const resolved = resolveConfig(parseConfig(example('landau'))).config;
    expect(calls).toHaveLength(1);
    expect(calls[0]!.backend).toBe('cpu');
    expect(calls[0]!.config).toEqual(resolved);
    // only the two files: no temporary file left behind
    expect(readdirSync(out).sort()).toEqual(['summary.json', 'timeseries.csv']);

    const steps = stepCount(resolved);
    expect(steps).toBe(459);
    const emitted = Array.from({ length: steps + 1 }, (_, s) => s).filter((s) => s % 5 === 0 || s === steps);
    const lines = readFileSync(join(out, 'timeseries.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(TIMESERIES_COLUMNS.join(','));
    expect(lines).toHaveLength(emitted.length + 1);
    emitted.forEach((step, k) => {
      const row = rowAt(step * resolved.time.dt);
      const values = lines[k + 1]!.split(',').map(Number);
      expect(values).toHaveLength(TIMESERIES_COLUMNS.length);
      TIMESERIES_COLUMNS.forEach((c, i) => {
        expect(Math.abs(values[i]! - row[c])).toBeLessThanOrEqual(1e-8 * Math.max(1, Math.abs(row[c])));
      });
    });

    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.config).toEqual(JSON.parse(JSON.stringify(resolved)));
    expect(summary.steps).toBe(steps);
    expect(summary.backend).toBe('cpu');
    expect(summary.adapter).toBe('fake adapter (test)');
    expect(summary.wallSeconds).toBeGreaterThanOrEqual(0);
    // the remainder's trusted balls and its t = 0 round-off floor go beside the numbers
    expect(summary.remainder.trustedRadius).toHaveLength(2);
    expect(summary.remainder.floorRatio).toBe(1e-4);
    expect(summary.remainder.roundOffFloor.remainder_L2).toBe(rowAt(0).remainder_L2);
    // (last − first)/max(|first|, scale), the momentum scale L Σ m_α mass_α(0) with L = 6, m = 1, 1
    const tEnd = 15;
    const momentumScale = 6 * (4 * Math.PI + 4 * Math.PI);
    const expected = {
      mass_A: 1e-6 * tEnd,
      mass_B: 0,
      momentum_x: (1e-3 * tEnd) / momentumScale,
      momentum_y: 0,
      momentum_z: (-1e-3 * tEnd) / momentumScale,
      energy_total: 2e-5 * tEnd,
    };
    for (const [c, value] of Object.entries(expected)) {
      expect(Math.abs(summary.conservation[c] - value), c).toBeLessThan(1e-12);
    }

    expect(stderr).not.toContain('\r');
    const progress = stderr.split('\n').filter((l) => l.startsWith('run: '));
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress.length).toBeLessThanOrEqual(11);
    expect(progress.at(-1)).toMatch(/^run: 100% {2}step 459\/459 {2}t = 15 {2}elapsed .* ETA /);
    expect(stderr).toContain('L = 6 (automatic)');
  });

  it('draws a single \\r-updated progress line on a terminal, and defaults to the GPU backend', async () => {
    const calls: Call[] = [];
    const out = join(tmp, 'tty');
    const { code, stderr } = await sim(
      ['--config', join(examplesDir, 'two-ion-plasma-oscillation.json'), '--out', out],
      fakeRunner(calls),
      true,
    );
    expect(code, stderr).toBe(0);
    expect(calls[0]!.backend).toBe('gpu');
    expect(stderr).toContain('\r100%  step 336/336');
    expect(stderr.split('\n').filter((l) => l.startsWith('run: '))).toEqual([]);
  });
});

const broken = (mutate: (c: Json) => void): (() => string) => {
  return () => {
    const c = example('landau');
    mutate(c);
    return writeConfig(c);
  };
};

// [case, --config file maker, extra args, fragments the one error line must contain]
const invalidInputs: [string, () => string, string[], string[]][] = [
  [
    'missing file',
    () => join(tmp, 'no-such-config.json'),
    [],
    ['cannot read the config file', 'no-such-config.json'],
  ],
  ['bad JSON', () => writeConfig(null, '{"species": [ '), [], ['is not valid JSON', '.json']],
  ['negative mass', broken((c) => (c.species[1].mass = -1)), [], ['species[1].mass = -1', '> 0']],
  ['nv not a power of two', broken((c) => (c.grid.nv = 12)), [], ['grid.nv = 12', 'one of 8, 16, 32, 64']],
  ['tEnd 0', broken((c) => (c.time.tEnd = 0)), [], ['time.tEnd = 0', '> 0']],
  ['gamma out of range', broken((c) => (c.collisions.gamma = 2)), [], ['collisions.gamma = 2', '(−3, 1]']],
  [
    'mode on a homogeneous grid',
    broken((c) => {
      c.grid.nx = 1;
    }),
    [],
    ['perturbation.mode = 1', 'grid.nx = 1'],
  ],
  [
    'collisions on a grid no box makes accurate',
    () => {
      // at N_v = 16 the automatic box is measured and chosen (gridAccuracy.ts); at 8 none meets 1 %
      const c = example('ionosphere-f1');
      c.grid.nv = 8;
      return writeConfig(c);
    },
    [],
    ['grid.nv = 8', 'nv ≥ 32', 'the cheapest grid that meets 1 %: grid.nv = 16'],
  ],
  [
    'unknown backend',
    () => join(examplesDir, 'landau.json'),
    ['--backend', 'tpu'],
    ['--backend', 'gpu, cpu'],
  ],
];

describe('sim run refuses invalid input: status 2, one line, the runner never called', () => {
  it.each(invalidInputs.map(([name, file, extra, fragments]) => ({ name, file, extra, fragments })))(
    '$name',
    async ({ file, extra, fragments }) => {
      const calls: Call[] = [];
      const path = file();
      const out = join(tmp, `refused-${fileCount++}`);
      const { code, stderr } = await sim(['--config', path, '--out', out, ...extra], fakeRunner(calls));
      expect(code, stderr).toBe(2);
      const lines = stderr.trimEnd().split('\n');
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]!.startsWith('error: ')).toBe(true);
      for (const fragment of fragments) expect(lines[0]).toContain(fragment);
      expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(calls).toHaveLength(0);
      expect(existsSync(out)).toBe(false);
    },
  );

  it('a missing required option is a usage error, status 2', async () => {
    const { code, stderr } = await sim(['--config', join(examplesDir, 'landau.json')], fakeRunner([]));
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toEqual(["error: required option '--out <dir>' not specified"]);
  });
});

describe('sim run reports engine failures on one line', () => {
  it.each([
    {
      name: 'an engine error',
      fail: new Error('device lost: out of memory'),
      status: 1,
      text: 'device lost',
    },
    {
      name: 'no WebGPU adapter',
      fail: new WebGpuUnavailableError('node', 'no adapter', 'Try --backend cpu.'),
      status: 3,
      text: 'WebGPU is unavailable',
    },
  ])('$name → status $status, no summary.json', async ({ fail, status, text }) => {
    const out = join(tmp, `failed-${fileCount++}`);
    const { code, stderr } = await sim(
      ['--config', join(examplesDir, 'landau.json'), '--out', out],
      fakeRunner([], fail),
    );
    expect(code).toBe(status);
    const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(text);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  it('an engine that emits no rows is a failure (status 1)', async () => {
    const silent: RunSimulation = async (config) => ({ steps: stepCount(config), adapter: 'none' });
    const { code, stderr } = await sim(
      ['--config', join(examplesDir, 'landau.json'), '--out', join(tmp, 'silent')],
      silent,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('error: the engine produced no output rows');
  });
});
