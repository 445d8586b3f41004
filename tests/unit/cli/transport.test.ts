// `sim transport` driven in-process through commander: bad inputs (table-driven, each ends with status
// 2 and one line naming the field, with a solver that must not be reached), and the --json object of a
// real solve (N_v = 16, the quick grid) checked against a schema and against the config it came from.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTransportCommand, solveTransport, type TransportSolver } from '../../../src/cli/transport';

// biome-ignore lint/suspicious/noExplicitAny: configs are mutated as raw JSON on purpose
type Json = any;

const examplesDir = join(import.meta.dirname, '../../../examples');
const example = (): Json => JSON.parse(readFileSync(join(examplesDir, 'ionosphere-f1.json'), 'utf8'));

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vpb-cli-transport-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let count = 0;
function writeConfig(text: string): string {
  const path = join(tmp, `config-${count++}.json`);
  writeFileSync(path, text);
  return path;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function transport(args: string[], solver: TransportSolver) {
  let stdout = '';
  let stderr = '';
  const program = new Command('sim').exitOverride();
  registerTransportCommand(program, solver, {
    exit: (code) => {
      throw new Exit(code);
    },
    stderr: { write: (t: string) => (stderr += t) },
    stdout: { write: (t: string) => (stdout += t) },
  });
  try {
    await program.parseAsync(['transport', ...args], { from: 'user' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (e instanceof Exit) return { code: e.code, stdout, stderr };
    throw e;
  }
}

const unreachable: TransportSolver = () => {
  throw new Error('the solver must not run on refused input');
};

describe('sim transport', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing file', () => ['--config', join(tmp, 'nope.json')], /cannot read the config file/],
    ['invalid JSON', () => ['--config', writeConfig('{ "species": [')], /not valid JSON/],
    [
      'a zero mass',
      () => {
        const c = example();
        c.species[0].mass = 0;
        return ['--config', writeConfig(JSON.stringify(c))];
      },
      /species\[0\]\.mass|species\.0\.mass/,
    ],
    [
      'γ out of range',
      () => {
        const c = example();
        c.collisions.gamma = 2;
        return ['--config', writeConfig(JSON.stringify(c))];
      },
      /collisions\.gamma/,
    ],
    [
      'collisions disabled',
      () => {
        const c = example();
        c.collisions.enabled = false;
        return ['--config', writeConfig(JSON.stringify(c))];
      },
      /collisions\.enabled/,
    ],
    ['an unsupported N_v', () => ['--config', join(examplesDir, 'ionosphere-f1.json'), '--nv', '64'], /--nv/],
    ['no --config', () => [], /--config/],
  ];
  for (const [name, args, message] of cases) {
    it(`refuses ${name} with status 2 and one line naming it`, async () => {
      const { code, stderr, stdout } = await transport(args(), unreachable);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stdout).toBe('');
    });
  }

  it('--json: one object with the coefficients, the grid and the residual, at the config state', async () => {
    const c = example();
    // a mixture that resolves on the quick grid: m_B = 2 m_A, unequal temperatures (θ is their mean)
    c.species[0].mass = 1;
    c.species[1].mass = 2;
    c.species[0].density = 0.7;
    c.species[1].density = 0.5;
    c.species[0].temperature = 1.2;
    c.species[1].temperature = 0.9;
    const path = writeConfig(JSON.stringify(c));
    const { code, stdout, stderr } = await transport(
      ['--config', path, '--json', '--nv', '16'],
      solveTransport,
    );
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/shear[\s\S]*heat[\s\S]*diffusion/); // progress, one line per solve
    const positive = v.pipe(v.number(), v.finite(), v.gtValue(0));
    const schema = v.strictObject({
      viscosity: positive,
      thermal_conductivity: positive,
      diffusion: positive,
      thermal_diffusion_ratio: v.pipe(v.number(), v.finite()),
      knudsen: positive,
      grid: v.strictObject({
        nv: v.literal(16),
        vmax: positive,
        radial_nodes: v.pipe(v.number(), v.integer()),
        sphere_points: v.tuple([v.number(), v.number()]),
        truncation: positive,
        support_radius: positive,
      }),
      residual: v.pipe(v.number(), v.maxValue(1e-8)),
      onsager_defect: v.pipe(v.number(), v.minValue(0)),
      iterations: v.strictObject({ shear: v.number(), heat: v.number(), diffusion: v.number() }),
      state: v.strictObject({
        density_A: v.literal(0.7),
        density_B: v.literal(0.5),
        temperature: v.number(),
        mass_A: v.literal(1),
        mass_B: v.literal(2),
        diameter_A: v.number(),
        diameter_B: v.number(),
        gamma: v.literal(0),
      }),
      convention: v.string(),
      exact_maxwell_molecules: v.strictObject({
        viscosity: positive,
        diffusion: positive,
        thermal_diffusion_ratio: v.literal(0),
        viscosity_relative_error: v.pipe(v.number(), v.minValue(0)),
        diffusion_relative_error: v.pipe(v.number(), v.minValue(0)),
        thermal_diffusion_ratio_error: v.number(),
      }),
    });
    const record = v.parse(schema, JSON.parse(stdout));
    expect(record.state.temperature).toBeCloseTo((0.7 * 1.2 + 0.5 * 0.9) / 1.2, 14);
    expect(record.knudsen).toBe(c.collisions.knudsen);
    // the quick grid: 7 thermal speeds of the lighter species, the support ball χ 5 of them
    expect(record.grid.vmax).toBeCloseTo(7 * Math.sqrt(record.state.temperature), 12);
    expect(record.grid.support_radius).toBeCloseTo(5 * Math.sqrt(record.state.temperature), 12);
  }, 120_000);

  it('prints a labelled table by default', async () => {
    const fake: TransportSolver = (state) => ({
      viscosity: 0.5,
      thermalConductivity: 2,
      diffusion: 0.25,
      thermalDiffusionRatio: 0.01,
      heatOfDiffusion: 0,
      onsagerDefect: 0.2,
      knudsen: state.knudsen,
      grid: { nv: 32, vmax: 9, nRho: 16, nTheta: 4, nPhi: 8, truncation: 8, support: 8 },
      residual: 1e-9,
      iterations: [5, 6, 7],
    });
    const { code, stdout } = await transport(['--config', join(examplesDir, 'ionosphere-f1.json')], fake);
    expect(code).toBe(0);
    for (const label of [
      'η',
      'λ',
      'D_AB',
      'k_T',
      'N_v = 32',
      'residual',
      'exact (Maxwell molecules)',
      'Onsager',
      'not converged',
    ])
      expect(stdout).toContain(label);
  });
});
