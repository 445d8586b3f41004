// `sim run --accuracy` and summary.json's collisionAccuracy, in-process with a fake engine (the
// error itself is a real float64 measurement of the quadrature, collision/accuracy.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunSimulation, registerRunCommand } from '../../../src/cli/run';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { stepCount } from '../../../src/physics/configSchema';
import { simInProcess } from '../../support/cli';

const f1 = join(import.meta.dirname, '../../../examples/ionosphere-f1.json');
let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-cli-accuracy-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeRunner(configs: ResolvedConfig[]): RunSimulation {
  return async (config, _backend, onRow) => {
    configs.push(config);
    const row = Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, 1])) as TimeseriesRow;
    const total = stepCount(config);
    onRow({ ...row, t: 0 }, 0, total);
    onRow({ ...row, t: config.time.tEnd }, total, total);
    return { steps: total, adapter: 'fake adapter (test)' };
  };
}

const sim = (args: string[], runner: RunSimulation) => simInProcess(registerRunCommand, runner, 'run', args);
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

describe('sim run --accuracy', () => {
  it('summary.json carries the setting, its quadrature and its measured error; --accuracy overrides', async () => {
    const configs: ResolvedConfig[] = [];
    const standardOut = join(tmp, 'standard');
    const first = await sim(['--config', f1, '--out', standardOut, '--backend', 'cpu'], fakeRunner(configs));
    expect(first.code, first.stderr).toBe(0);
    const standard = summaryOf(standardOut).collisionAccuracy;
    expect(standard.setting).toBe('standard');
    expect(standard.quadrature).toEqual({ nRho: 16, nTheta: 4, nPhi: 8 });
    expect(standard.measuredOnNv).toBe(8);
    expect(standard.relativeL2Error).toBeGreaterThan(0);
    expect(standard.costRatioToStandard).toBe(1);
    expect(first.stderr).toContain('collisions.accuracy standard: quadrature error');
    // λ = Δt ν̄/ε of the run and what it means for the Navier–Stokes-level readouts (stiffness.ts)
    const step = summaryOf(standardOut).collisionStep;
    expect(step.scheme).toBe('exponential');
    expect(step.lambda).toBeGreaterThan(0);
    expect(typeof step.navierStokesAccurate).toBe('boolean');
    expect(first.stderr).toContain(`collision step: ${step.note}`);
    // the exchange rates against the exact ones (gridAccuracy.ts), with the box's tails
    const grid = summaryOf(standardOut).gridAccuracy;
    expect(grid.energyExchangeError).toBeGreaterThan(0);
    expect(grid.energyExchangeError).toBeLessThan(grid.tolerance);
    expect(grid.tolerance).toBe(0.01);
    expect(grid.massOutsideBox).toHaveLength(2);
    expect(first.stderr).toContain(`grid: ${grid.description}`);

    const fineOut = join(tmp, 'fine');
    const second = await sim(
      ['--config', f1, '--out', fineOut, '--backend', 'cpu', '--accuracy', 'fine'],
      fakeRunner(configs),
    );
    expect(second.code, second.stderr).toBe(0);
    expect(configs[1]!.collisions.accuracy).toBe('fine');
    const fine = summaryOf(fineOut).collisionAccuracy;
    expect(fine.setting).toBe('fine');
    expect(fine.config).toBeUndefined();
    expect(summaryOf(fineOut).config.collisions.accuracy).toBe('fine');
    expect(fine.relativeL2Error).toBeLessThan(standard.relativeL2Error / 3);
    expect(fine.costRatioToStandard).toBeGreaterThan(2);
  }, 60_000); // two float64 exchange-rate measurements at N_v = 32 (one with the fine quadrature)

  it('refuses a bad value with status 2, naming collisions.accuracy and the allowed values', async () => {
    const configs: ResolvedConfig[] = [];
    const { code, stderr } = await sim(
      ['--config', f1, '--out', join(tmp, 'bad'), '--accuracy', 'best'],
      fakeRunner(configs),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('collisions.accuracy');
    expect(stderr).toContain('fast, standard, fine');
    expect(configs).toHaveLength(0);
  });
});

describe('sim run: the grid against exact exchange rates (gridAccuracy.ts)', () => {
  /** Two ions of masses 1 and 1.2 at θ 1.2 and 0.8 on N_v = 8, L = 4: fast, and ~10–30 % off. */
  const coarse = (tolerance?: number) => {
    const path = join(tmp, `coarse-${tolerance ?? 'default'}.json`);
    const grid = { nx: 4, length: 6, nv: 8, vmax: 4, ...(tolerance === undefined ? {} : { tolerance }) };
    writeFileSync(
      path,
      JSON.stringify({
        species: [
          { name: 'A', mass: 1, charge: 1, diameter: 1, density: 1, temperature: 1.2, drift: [0, 0, 0] },
          { name: 'B', mass: 1.2, charge: 1, diameter: 1, density: 1, temperature: 0.8, drift: [0, 0, 0] },
        ],
        collisions: { enabled: true, gamma: 0, knudsen: 0.3 },
        field: { enabled: true },
        grid,
        perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
        time: { dt: null, tEnd: 0.2, outputEvery: 1 },
      }),
    );
    return path;
  };

  it('beyond 5× the target: status 2 naming grid.nv, the measured error and the cheapest grid that meets it', async () => {
    const configs: ResolvedConfig[] = [];
    const { code, stderr } = await sim(
      ['--config', coarse(), '--out', join(tmp, 'coarse')],
      fakeRunner(configs),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/grid\.nv = 8 is not allowed: .*misses them by (\S+) %/);
    const missed = Number(/misses them by (\S+) %/.exec(stderr)![1]);
    expect(missed).toBeGreaterThan(5);
    expect(stderr).toMatch(
      /the cheapest grid that meets 1 %: grid\.nv = (16|32), grid\.vmax = \S+ \(measured \S+ %\)/,
    );
    expect(configs).toHaveLength(0);
  }, 60_000);

  it('within 5× a looser grid.tolerance: accepted, with a warning that carries the advice', async () => {
    const configs: ResolvedConfig[] = [];
    const out = join(tmp, 'coarse-warned');
    const { code, stderr } = await sim(['--config', coarse(0.1), '--out', out], fakeRunner(configs));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(
      /warning: grid: exchange-rate error .* above the 10 % target \(grid\.tolerance\); the cheapest grid/,
    );
    const summary = summaryOf(out).gridAccuracy;
    expect(summary.tolerance).toBe(0.1);
    expect(summary.suggestion.nv).toBeGreaterThan(8);
    expect(summaryOf(out).warnings.join(' ')).toContain('the cheapest grid that meets 10 %');
  }, 60_000);
});
