// `sim sweep` (src/cli/sweep.ts), driven in-process through commander with a FAKE engine whose
// remainder norms grow like t · ε^p · (1 + K (dt/ε)^4): T_valid = threshold / (ε^p (1 + K (dt/ε)^4))
// is a power law of exponent p in 1/ε, spoiled at small ε by a discretisation error that halving dt
// removes (PHYSICS.md §3, numerical honesty). Checks the three files, the fitted slope, the trust
// flags, which column each remainder.norm reads, and the exit codes of invalid input (table-driven).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSimulation } from '../../../src/cli/run';
import { registerSweepCommand, VALIDITY_CSV_COLUMNS } from '../../../src/cli/sweep';
import { FLUID_REFERENCE_COLUMNS } from '../../../src/engine/step';
import { WebGpuUnavailableError } from '../../../src/gpu/context';
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../../../src/physics/config';
import { stepCount } from '../../../src/physics/configSchema';
import { theoremExponent } from '../../../src/physics/remainder';
import { simInProcess } from '../../support/cli';

// biome-ignore lint/suspicious/noExplicitAny: configs are mutated as raw JSON on purpose
type Json = any;

const examplesDir = join(import.meta.dirname, '../../../examples');
const example = (name: string): Json => JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'));

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-cli-sweep-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
function writeConfig(json: unknown, text = JSON.stringify(json)): string {
  const path = join(tmp, `config-${fileCount++}.json`);
  writeFileSync(path, text);
  return path;
}

/** The exponent p of each remainder column in the fake engine: T_valid ∝ (1/ε)^p. */
const EXPONENT = { remainder_L2: 0.3, remainder_Linf_w: 0.5, remainder_field_L2: 0.2, remainder_energy: 0.4 };
const K = 1e-4;
const DT = 0.01;
const T_END = 40;
const discretisation = (dt: number, eps: number) => 1 + K * (dt / eps) ** 4;
const norm = (column: keyof typeof EXPONENT, t: number, eps: number, dt: number) =>
  t * eps ** EXPONENT[column] * discretisation(dt, eps);

/** Ionosphere (collisions on, γ = 0), a fixed dt, and a "remainder" section. */
function sweepConfig(remainder: Json = {}): Json {
  const c = example('ionosphere-f1');
  c.time = { dt: DT, tEnd: T_END, outputEvery: 10 };
  c.remainder = { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', ...remainder };
  return c;
}

interface Call {
  config: ResolvedConfig;
  backend: string;
}

/**
 * `xError` C adds an x-grid error the remainder reads divided by ε (issue 20): every norm times
 * 1 + C/(n_x² ε), which halving dt cannot see and doubling n_x divides by 4 in its second term;
 * `vError` the same in N_v.
 */
function fakeRunner(calls: Call[], fail?: unknown, omit?: string, xError = 0, vError = 0): RunSimulation {
  return async (config, backend, onRow) => {
    calls.push({ config, backend });
    if (fail !== undefined) throw fail;
    const total = stepCount(config);
    const { dt } = config.time;
    const eps = config.collisions.knudsen;
    const x = (1 + xError / (config.grid.nx ** 2 * eps)) * (1 + vError / (config.grid.nv ** 2 * eps));
    for (let step = 0; step <= total; step++) {
      if (step % config.time.outputEvery !== 0 && step !== total) continue;
      const t = step * dt;
      const row = Object.fromEntries(TIMESERIES_COLUMNS.map((c) => [c, 1])) as TimeseriesRow;
      row.t = t;
      for (const c of Object.keys(EXPONENT) as (keyof typeof EXPONENT)[]) row[c] = norm(c, t, eps, dt) * x;
      if (omit) delete (row as Json)[omit];
      onRow(row, step, total);
    }
    return { steps: total, adapter: 'fake adapter (test)' };
  };
}

function sim(args: string[], runner: RunSimulation) {
  return simInProcess(registerSweepCommand, runner, 'sweep', args);
}

/** validity.csv without its # comment lines, as records. */
function readCsv(path: string): { comments: string[]; rows: Record<string, string>[] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const comments = lines.filter((l) => l.startsWith('#'));
  const [header, ...data] = lines.filter((l) => !l.startsWith('#'));
  const keys = header!.split(',');
  return {
    comments,
    rows: data.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i]!, v]))),
  };
}

const KNUDSEN = [0.1, 0.05, 0.025, 0.001];
const expectedT = (column: keyof typeof EXPONENT, eps: number, dt: number, threshold = 1) =>
  threshold / (eps ** EXPONENT[column] * discretisation(dt, eps));

describe('sim sweep with a fake engine', () => {
  it.each([
    ['energy', 'remainder_energy'],
    ['L2', 'remainder_L2'],
    ['Linf', 'remainder_Linf_w'],
    ['field', 'remainder_field_L2'],
  ] as const)(
    'norm "%s" reads %s: files, T_valid, trust flags and the fitted slope',
    async (normName, column) => {
      const calls: Call[] = [];
      const out = join(tmp, `sweep-${normName}`, 'nested');
      const config = writeConfig(sweepConfig({ norm: normName }));
      const { code, stderr } = await sim(
        ['--config', config, '--knudsen', KNUDSEN.join(','), '--out', out, '--backend', 'cpu'],
        fakeRunner(calls),
      );
      expect(code, stderr).toBe(0);
      expect(readdirSync(out).sort()).toEqual(['sweep.json', 'validity.csv', 'validity.svg']);

      // Each ε run at dt, then at dt/2 with the same output times, then on 2 n_x cells at dt, then
      // on 2 N_v points in a √2 × wider box at dt.
      const box = calls[0]!.config.grid.vmax;
      expect(
        calls.map((c) => [
          c.config.collisions.knudsen,
          c.config.time.dt,
          c.config.time.outputEvery,
          c.config.grid.nx,
          c.config.grid.nv,
          c.config.grid.vmax,
        ]),
      ).toEqual(
        KNUDSEN.flatMap((eps) => [
          [eps, DT, 10, 32, 32, box],
          [eps, DT / 2, 20, 32, 32, box],
          [eps, DT, 10, 64, 32, box],
          [eps, DT, 10, 32, 64, Math.SQRT2 * box],
        ]),
      );
      expect(calls.every((c) => c.backend === 'cpu')).toBe(true);

      // The small-ε point carries a dt error of 100 % (K (dt/ε)^4 = 1): halving dt moves it by > 10 %.
      const trust = [true, true, true, false];
      const { comments, rows } = readCsv(join(out, 'validity.csv'));
      expect(Object.keys(rows[0]!)).toEqual([...VALIDITY_CSV_COLUMNS]);
      expect(comments.join(' ')).toContain('less than 10 %');
      expect(comments.join(' ')).toContain(`first time ${column}`);
      rows.forEach((row, i) => {
        const eps = KNUDSEN[i]!;
        expect(Number(row.knudsen)).toBe(eps);
        expect(Number(row.dt)).toBe(DT);
        expect(row.trustworthy).toBe(String(trust[i]));
        const t = Number(row.validity_time);
        expect(Math.abs(t - expectedT(column, eps, DT)) / t).toBeLessThan(1e-8);
        const half = Number(row.validity_time_half_dt);
        expect(Math.abs(half - expectedT(column, eps, DT / 2)) / half).toBeLessThan(1e-8);
        // the fake has no x-grid error: 2 n_x gives the same T_valid, and only dt can fail
        expect(Number(row.validity_time_double_nx)).toBe(t);
        expect(Number(row.nx_change)).toBe(0);
        expect(row.failed_refinements).toBe(trust[i] ? '' : 'dt');
        for (const c of Object.keys(EXPONENT) as (keyof typeof EXPONENT)[]) {
          const expected = norm(c, T_END, eps, DT);
          expect(Math.abs(Number(row[`${c}_at_tEnd`]) - expected) / expected).toBeLessThan(1e-8);
        }
      });

      const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
      expect(summary.column).toBe(column);
      // Over the three trustworthy points the power law is exact up to K (dt/ε)^4 ≤ 3e−6.
      expect(summary.fit.points).toBe(3);
      expect(summary.fit.knudsen).toEqual([0.1, 0.05, 0.025]);
      expect(Math.abs(summary.fit.slope - EXPONENT[column])).toBeLessThan(1e-5);
      expect(summary.fit.slope_error).toBeLessThan(1e-5);
      expect(Math.abs(summary.fit.intercept)).toBeLessThan(1e-5); // threshold 1: T = (1/ε)^p
      // Including the untrusted point spoils the slope: that is why it is left out.
      expect(summary.fitAll.points).toBe(4);
      expect(Math.abs(summary.fitAll.slope - EXPONENT[column])).toBeGreaterThan(0.01);
      // the measured remainder is (F_ε − F_0)/ε: (n, r) = (0, 1), which no theorem covers
      expect(summary.theorem).toMatchObject({
        y: theoremExponent(6, 0),
        k: 6,
        gamma: 0,
        n: 0,
        r: 1,
        applies: false,
        modelSlope: 0,
      });
      expect(summary.theorem.coverage).toContain('no theorem covers (n, r) = (0, 1)');
      expect(summary.points.map((p: Json) => p.trustworthy)).toEqual(trust);
      expect(summary.points[3].halfDt.compared).toBe('validity_time');

      const svg = readFileSync(join(out, 'validity.svg'), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.match(/<circle[^\n]*<title>/g)).toHaveLength(4);
      expect(svg).toContain(`slope = ${Number(summary.fit.slope.toPrecision(4))} ± `);
      expect(svg).toContain('no theorem covers (n, r) = (0, 1)');

      // Progress: a line per run of each point, and the final slope.
      expect(stderr).toContain('sweep: [1/4] ε = 0.1: T_valid = ');
      expect(stderr).toContain('sweep: [4/4] ε = 0.001: at dt/2, T_valid = ');
      expect(stderr).toContain('NOT trustworthy');
      expect(stderr).toMatch(/sweep: slope of ln T_valid against ln\(1\/ε\) = 0\.\d+ ± .* over 3 points/);
      expect(stderr).not.toContain('\r');
    },
  );

  it('--no-trust-check: one run per ε, trustworthy empty, the fit over every measured point', async () => {
    const calls: Call[] = [];
    const out = join(tmp, 'no-trust');
    const { code, stderr } = await sim(
      [
        '--config',
        writeConfig(sweepConfig()),
        '--knudsen',
        '0.1,0.05,0.025',
        '--out',
        out,
        '--no-trust-check',
      ],
      fakeRunner(calls),
    );
    expect(code, stderr).toBe(0);
    expect(calls.map((c) => c.config.time.dt)).toEqual([DT, DT, DT]);
    expect(calls[0]!.backend).toBe('gpu');
    const { rows, comments } = readCsv(join(out, 'validity.csv'));
    expect(rows.map((r) => r.trustworthy)).toEqual(['', '', '']);
    expect(rows.map((r) => r.validity_time_half_dt)).toEqual(['', '', '']);
    expect(comments.join(' ')).toContain('not checked');
    const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(summary.fit.points).toBe(3);
    expect(Math.abs(summary.fit.slope - 0.4)).toBeLessThan(1e-5);
    expect(summary.points.every((p: Json) => p.trustworthy === null && p.halfDt === undefined)).toBe(true);
  });

  it('an x-grid error read as remainder: the 2 n_x rerun flags it where dt/2 cannot; --no-refine-nx does not', async () => {
    // C/(n_x² ε) with C = 20: at n_x = 32, 2 % at ε = 1 but 20 % at ε = 0.1, 78 % at ε = 0.025
    const knudsen = [1, 0.1, 0.025];
    const run = async (extra: string[], name: string) => {
      const calls: Call[] = [];
      const out = join(tmp, name);
      const { code, stderr } = await sim(
        ['--config', writeConfig(sweepConfig()), '--knudsen', knudsen.join(','), '--out', out, ...extra],
        fakeRunner(calls, undefined, undefined, 20),
      );
      expect(code, stderr).toBe(0);
      return {
        calls,
        stderr,
        ...readCsv(join(out, 'validity.csv')),
        summary: JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')),
      };
    };
    const refined = await run([], 'x-error');
    expect(refined.rows.map((r) => r.failed_refinements)).toEqual(['', 'nx', 'nx']);
    expect(refined.rows.map((r) => r.trustworthy)).toEqual(['true', 'false', 'false']);
    // T_valid ∝ 1/(1 + C/(n_x² ε)): the change of doubling n_x, exactly
    refined.rows.forEach((row, i) => {
      const eps = knudsen[i]!;
      const coarse = 1 + 20 / (32 ** 2 * eps);
      const fine = 1 + 20 / (64 ** 2 * eps);
      expect(Number(row.nx_change)).toBeCloseTo(1 - fine / coarse, 8);
      expect(Number(row.trust_change)).toBeLessThan(0.1); // dt/2 sees nothing of it
    });
    // fewer than two trustworthy points: no fit, and the summary says over which points
    expect(refined.summary.fit.points).toBe(1);
    expect(refined.summary.fit.slope).toBeNull();
    expect(refined.stderr).toContain('FAILS: NOT trustworthy');
    expect(refined.stderr).toContain(
      'no fit (1 trustworthy point with a T_valid; a slope needs 2: ε = 0.1 failed nx; ε = 0.025 failed nx)',
    );
    expect(refined.stderr).toContain('on 2 n_x = 64 cells');
    const dtOnly = await run(['--no-refine-nx'], 'x-error-dt-only');
    expect(dtOnly.calls.every((c) => c.config.grid.nx === 32)).toBe(true);
    expect(dtOnly.rows.map((r) => r.trustworthy)).toEqual(['true', 'true', 'true']);
    expect(dtOnly.rows.map((r) => r.validity_time_double_nx)).toEqual(['', '', '']);
  });

  it('a velocity-grid error: the 2 N_v rerun (√2 × wider box) sees it, and says so; --no-refine-nv does not', async () => {
    const knudsen = [1, 0.1];
    const run = async (extra: string[], name: string) => {
      const calls: Call[] = [];
      const out = join(tmp, name);
      const { code, stderr } = await sim(
        ['--config', writeConfig(sweepConfig()), '--knudsen', knudsen.join(','), '--out', out, ...extra],
        fakeRunner(calls, undefined, undefined, 0, 20),
      );
      expect(code, stderr).toBe(0);
      return { calls, stderr, ...readCsv(join(out, 'validity.csv')) };
    };
    const plain = await run(['--no-refine-nv'], 'v-error-off');
    expect(plain.calls.every((c) => c.config.grid.nv === 32)).toBe(true);
    expect(plain.rows.map((r) => r.trustworthy)).toEqual(['true', 'true']);
    expect(plain.rows.map((r) => r.validity_time_double_nv)).toEqual(['', '']);
    const refined = await run([], 'v-error-default');
    // per ε: dt, dt/2, 2 n_x, then 2 N_v in a √2 × wider box at dt
    const box = refined.calls[0]!.config.grid.vmax;
    expect(refined.calls.map((c) => [c.config.grid.nx, c.config.grid.nv, c.config.grid.vmax])).toEqual(
      knudsen.flatMap(() => [
        [32, 32, box],
        [32, 32, box],
        [64, 32, box],
        [32, 64, Math.SQRT2 * box],
      ]),
    );
    // C/(N_v² ε) = 2 % at ε = 1, 20 % at ε = 0.1: the 2 N_v rerun moves the second by > 10 %
    expect(refined.rows.map((r) => r.failed_refinements)).toEqual(['', 'nv']);
    expect(refined.rows.map((r) => r.trustworthy)).toEqual(['true', 'false']);
    const coarse = 1 + 20 / (32 ** 2 * 0.1);
    const fine = 1 + 20 / (64 ** 2 * 0.1);
    expect(Number(refined.rows[1]!.nv_change)).toBeCloseTo(1 - fine / coarse, 8);
    expect(refined.stderr).toContain('on 2 N_v = 64 points');
  });

  it('a threshold never reached: validity_time empty, trust from the norm at tEnd, no fit', async () => {
    const out = join(tmp, 'never');
    const { code, stderr } = await sim(
      ['--config', writeConfig(sweepConfig({ threshold: 1e6 })), '--knudsen', '0.1,0.001', '--out', out],
      fakeRunner([]),
    );
    expect(code, stderr).toBe(0);
    const { rows } = readCsv(join(out, 'validity.csv'));
    expect(rows.map((r) => [r.validity_time, r.trustworthy])).toEqual([
      ['', 'true'],
      ['', 'false'],
    ]);
    const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(summary.points[0].halfDt.compared).toBe('norm_at_tEnd');
    expect(summary.fit).toMatchObject({ slope: null, slope_error: null, points: 0 });
    const svg = readFileSync(join(out, 'validity.svg'), 'utf8');
    expect(svg).toContain('fit: none');
    expect(svg).toContain(`below the threshold up to tEnd = ${T_END}`);
    expect(stderr).toContain('T_valid = never');
  });
});

describe('sim sweep when the fluid reference fails (remainder columns NaN from then: remainderMonitor.ts)', () => {
  /** The fake engine of the trust checks, its reference failing at t = 5 for ε < 0.01 in every run. */
  const failingReference = (): RunSimulation => {
    const inner = fakeRunner([]);
    return (config, backend, onRow, options) =>
      inner(
        config,
        backend,
        (row, step, total) => {
          if (config.collisions.knudsen < 0.01 && row.t >= 5) {
            for (const c of FLUID_REFERENCE_COLUMNS) row[c] = Number.NaN;
          }
          onRow(row, step, total);
        },
        options,
      );
  };
  it('a failure before the crossing: T_valid not measured, the point not trustworthy ("fluid"), left out of the fit', async () => {
    const out = join(tmp, 'reference-fails');
    const { code, stderr } = await sim(
      ['--config', writeConfig(sweepConfig()), '--knudsen', '0.1,0.05,0.001', '--out', out],
      failingReference(),
    );
    expect(code, stderr).toBe(0);
    const { rows } = readCsv(join(out, 'validity.csv'));
    // ε = 0.001 crosses at T = ε^−0.4 (1 + K(dt/ε)^4) ≈ 7.9 in the fake, after the failure at t = 5
    expect(expectedT('remainder_energy', 0.001, DT)).toBeGreaterThan(5);
    expect(rows.map((r) => [r.validity_time === '', r.trustworthy])).toEqual([
      [false, 'true'],
      [false, 'true'],
      [true, 'false'],
    ]);
    expect(rows.map((r) => r.failed_refinements!.split('+')[0])).toEqual(['', '', 'fluid']);
    expect(Number(rows[2]!.fluid_reference_failed_at)).toBe(5);
    expect(rows[0]!.fluid_reference_failed_at).toBe('');
    const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(summary.fit.knudsen).toEqual([0.1, 0.05]);
    expect(summary.points[2]).toMatchObject({ validityTime: null, trustworthy: false, referenceFailed: 5 });
    expect(stderr).toContain('ε = 0.001: the fluid reference failed at t = 5');
  });
  it('a failure after the crossing leaves T_valid as measured', async () => {
    const out = join(tmp, 'reference-fails-late');
    const { code, stderr } = await sim(
      ['--config', writeConfig(sweepConfig({ threshold: 0.2 })), '--knudsen', '0.005', '--out', out],
      failingReference(),
    );
    expect(code, stderr).toBe(0);
    const { rows } = readCsv(join(out, 'validity.csv'));
    const t = Number(rows[0]!.validity_time);
    expect(Math.abs(t - expectedT('remainder_energy', 0.005, DT, 0.2)) / t).toBeLessThan(1e-8);
    expect(t).toBeLessThan(5);
    expect(rows[0]!.fluid_reference_failed_at).toBe('');
    expect(rows[0]!.failed_refinements).not.toContain('fluid');
  });
});

// [case, --config maker, args after --config, fragments of the one error line, status]
const invalid: [string, () => string, string[], string[]][] = [
  ['empty --knudsen', () => writeConfig(sweepConfig()), ['--knudsen', ''], ['--knudsen', 'not a number > 0']],
  ['not a number', () => writeConfig(sweepConfig()), ['--knudsen', '0.1,abc'], ['--knudsen', '"abc"']],
  ['negative', () => writeConfig(sweepConfig()), ['--knudsen', '0.1,-0.05'], ['--knudsen', '"-0.05"']],
  ['zero', () => writeConfig(sweepConfig()), ['--knudsen', '0'], ['--knudsen', '> 0']],
  ['an empty entry', () => writeConfig(sweepConfig()), ['--knudsen', '0.1,,0.05'], ['--knudsen', '""']],
  ['NaN', () => writeConfig(sweepConfig()), ['--knudsen', 'NaN'], ['--knudsen']],
  ['Infinity', () => writeConfig(sweepConfig()), ['--knudsen', 'Infinity'], ['--knudsen']],
  ['repeated', () => writeConfig(sweepConfig()), ['--knudsen', '0.1,0.1'], ['--knudsen', 'repeated']],
  ['--knudsen missing', () => writeConfig(sweepConfig()), [], ["required option '--knudsen <list>'"]],
  [
    'unknown backend',
    () => writeConfig(sweepConfig()),
    ['--knudsen', '0.1', '--backend', 'tpu'],
    ['--backend'],
  ],
  [
    'missing config file',
    () => join(tmp, 'no-such.json'),
    ['--knudsen', '0.1'],
    ['cannot read the config file', 'no-such.json'],
  ],
  ['bad JSON', () => writeConfig(null, '{"species": '), ['--knudsen', '0.1'], ['is not valid JSON']],
  [
    'collisions off',
    () => writeConfig(example('landau')),
    ['--knudsen', '0.1'],
    ['collisions.enabled = false', 'the sweep varies collisions.knudsen'],
  ],
  [
    'a bad remainder section',
    () => writeConfig(sweepConfig({ k: 5 })),
    ['--knudsen', '0.1'],
    ['remainder.k = 5', 'an integer ≥ 6'],
  ],
  [
    'a dt too small for the rerun at dt/2',
    () => {
      const c = sweepConfig();
      c.time = { dt: 1e-6, tEnd: 6, outputEvery: 1000 };
      return writeConfig(c);
    },
    ['--knudsen', '0.1'],
    ['time.dt = 0.000001', 'trust check reruns at dt/2', '--no-trust-check'],
  ],
  [
    'N_v = 64: no 2 N_v rerun possible',
    () => {
      const c = sweepConfig();
      (c.grid as Json).nv = 64;
      return writeConfig(c);
    },
    ['--knudsen', '0.1'],
    ['grid.nv = 64', 'at most 32', '2 N_v', '--no-refine-nv'],
  ],
];

describe('sim sweep refuses invalid input: status 2, one line, the runner never called', () => {
  it.each(invalid.map(([name, file, args, fragments]) => ({ name, file, args, fragments })))(
    '$name',
    async ({ file, args, fragments }) => {
      const calls: Call[] = [];
      const out = join(tmp, `refused-${fileCount++}`);
      const { code, stderr } = await sim(['--config', file(), ...args, '--out', out], fakeRunner(calls));
      expect(code, stderr).toBe(2);
      const errors = stderr
        .trimEnd()
        .split('\n')
        .filter((l) => !l.startsWith('warning: '));
      expect(errors, stderr).toHaveLength(1);
      expect(errors[0]!.startsWith('error: ')).toBe(true);
      for (const fragment of fragments) expect(errors[0]).toContain(fragment);
      expect(calls).toHaveLength(0);
      expect(existsSync(out)).toBe(false);
    },
  );
});

describe('sim sweep reports engine failures on one line, and writes nothing', () => {
  it.each([
    {
      name: 'an engine error',
      runner: fakeRunner([], new Error('device lost')),
      status: 1,
      text: 'device lost',
    },
    {
      name: 'no WebGPU adapter',
      runner: fakeRunner([], new WebGpuUnavailableError('node', 'no adapter', 'Try --backend cpu.')),
      status: 3,
      text: 'WebGPU is unavailable',
    },
    {
      name: 'rows without the remainder columns',
      runner: fakeRunner([], undefined, 'remainder_energy'),
      status: 1,
      text: 'no number for "remainder_energy"',
    },
  ])('$name → status $status', async ({ runner, status, text }) => {
    const out = join(tmp, `failed-${fileCount++}`);
    const { code, stderr } = await sim(
      ['--config', writeConfig(sweepConfig()), '--knudsen', '0.1,0.05', '--out', out],
      runner,
    );
    expect(code).toBe(status);
    const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(text);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([]);
  });
});
