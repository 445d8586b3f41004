// The run configuration (config.ts, configSchema.ts): every field out of range is refused with ONE
// InvalidParameterError naming its path and the allowed range; the examples pass; the automatic
// vmax and dt follow the documented rules, recomputed here from the formulas, not from the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collisionStiffness } from '../../../src/physics/collision/stiffness';
import { DEFAULT_REMAINDER, type ResolvedConfig } from '../../../src/physics/config';
import {
  MAX_STEPS,
  parseConfig,
  resolveConfig,
  stepCount,
  timeStepLimits,
} from '../../../src/physics/configSchema';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

// biome-ignore lint/suspicious/noExplicitAny: configs are mutated as raw JSON on purpose
type Json = any;

const examplesDir = join(import.meta.dirname, '../../../examples');
const example = (name: string): Json => JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'));

/** A valid collisionless config; each table row breaks one field of a copy. */
function base(): Json {
  const s = (name: string, mass: number, charge: number) => ({
    name,
    mass,
    charge,
    diameter: 1,
    density: 1,
    temperature: 1,
    drift: [0, 0, 0],
  });
  return {
    species: [s('A', 1, 1), s('B', 4, -1)],
    collisions: { enabled: false, gamma: 0, knudsen: 1 },
    field: { enabled: true },
    grid: { nx: 16, length: 10, nv: 32, vmax: null },
    perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
    time: { dt: null, tEnd: 2, outputEvery: 1 },
  };
}

function refusal(json: unknown): InvalidParameterError {
  try {
    parseConfig(json);
  } catch (e) {
    if (e instanceof InvalidParameterError) return e;
    throw e;
  }
  throw new Error('accepted');
}

const POSITIVE = '> 0';
const REMAINDER = { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', fluid: 'spectral' };
/** A mutation of a valid "remainder" section (PHYSICS.md §3). */
const remainder =
  (mutate: (r: Json) => void) =>
  (c: Json): void => {
    c.remainder = { ...REMAINDER };
    mutate(c.remainder);
  };
// [field path, mutation, a fragment of the allowed range]
const invalid: [string, (c: Json) => void, string][] = [
  ['species', (c) => (c.species = {}), 'exactly 2 species'],
  ['species', (c) => c.species.pop(), 'exactly 2 species'],
  ['species', (c) => c.species.push(c.species[0]), 'exactly 2 species'],
  ['species[0].name', (c) => (c.species[0].name = 7), 'a string'],
  ['species[1].name', (c) => delete c.species[1].name, 'a string'],
  ['species[1].mass', (c) => (c.species[1].mass = 0), POSITIVE],
  ['species[1].mass', (c) => (c.species[1].mass = -16), POSITIVE],
  ['species[1].mass', (c) => (c.species[1].mass = '16'), POSITIVE],
  ['species[1].mass', (c) => (c.species[1].mass = Number.NaN), POSITIVE],
  ['species[1].mass', (c) => (c.species[1].mass = Number.POSITIVE_INFINITY), POSITIVE],
  ['species[1].mass', (c) => delete c.species[1].mass, POSITIVE],
  ['species[0].charge', (c) => (c.species[0].charge = '+1'), 'a finite number'],
  ['species[0].charge', (c) => (c.species[0].charge = Number.NEGATIVE_INFINITY), 'a finite number'],
  ['species[0].diameter', (c) => (c.species[0].diameter = 0), POSITIVE],
  ['species[1].diameter', (c) => (c.species[1].diameter = -1), POSITIVE],
  ['species[0].density', (c) => (c.species[0].density = 0), POSITIVE],
  ['species[1].density', (c) => (c.species[1].density = null), POSITIVE],
  ['species[0].temperature', (c) => (c.species[0].temperature = 0), POSITIVE],
  ['species[1].temperature', (c) => (c.species[1].temperature = -0.5), POSITIVE],
  ['species[0].drift', (c) => (c.species[0].drift = [0, 0]), 'three finite numbers'],
  ['species[0].drift', (c) => (c.species[0].drift = [0, 0, 0, 0]), 'three finite numbers'],
  ['species[1].drift', (c) => (c.species[1].drift = [0, Number.NaN, 0]), 'three finite numbers'],
  ['species[1].drift', (c) => (c.species[1].drift = '0,0,0'), 'three finite numbers'],
  ['collisions.enabled', (c) => (c.collisions.enabled = 'yes'), 'true or false'],
  ['collisions.gamma', (c) => (c.collisions.gamma = -3), '(−3, 1]'],
  ['collisions.gamma', (c) => (c.collisions.gamma = 1.5), '(−3, 1]'],
  ['collisions.gamma', (c) => (c.collisions.gamma = Number.NaN), '(−3, 1]'],
  ['collisions.knudsen', (c) => (c.collisions.knudsen = 0), POSITIVE],
  ['collisions.scheme', (c) => (c.collisions.scheme = 'implicit'), '"exponential", "trapezoidal"'],
  ['collisions.knudsen', (c) => delete c.collisions.knudsen, POSITIVE],
  ['field.enabled', (c) => (c.field.enabled = 1), 'true or false'],
  ['field', (c) => delete c.field, 'an object {enabled}'],
  ['grid.nx', (c) => (c.grid.nx = 0), 'an integer from 1 to 4096'],
  ['grid.nx', (c) => (c.grid.nx = 2.5), 'an integer from 1 to 4096'],
  ['grid.nx', (c) => (c.grid.nx = 8192), 'an integer from 1 to 4096'],
  ['grid.length', (c) => (c.grid.length = 0), POSITIVE],
  ['grid.length', (c) => (c.grid.length = -10), POSITIVE],
  ['grid.nv', (c) => (c.grid.nv = 12), 'one of 8, 16, 32, 64'],
  ['grid.nv', (c) => (c.grid.nv = 128), 'one of 8, 16, 32, 64'],
  ['grid.nv', (c) => (c.grid.nv = '32'), 'one of 8, 16, 32, 64'],
  ['grid.vmax', (c) => (c.grid.vmax = 0), 'null (automatic) or a finite number > 0'],
  ['grid.vmax', (c) => (c.grid.vmax = 'auto'), 'null (automatic) or a finite number > 0'],
  ['grid.vmax', (c) => delete c.grid.vmax, 'null (automatic) or a finite number > 0'],
  ['perturbation.kind', (c) => (c.perturbation.kind = 'sine'), '"density" or "isentropic"'],
  ['perturbation.amplitude', (c) => (c.perturbation.amplitude = 1), '|a| < 1'],
  ['perturbation.amplitude', (c) => (c.perturbation.amplitude = -1.5), '|a| < 1'],
  ['perturbation.mode', (c) => (c.perturbation.mode = -1), 'an integer ≥ 0'],
  ['perturbation.mode', (c) => (c.perturbation.mode = 0.5), 'an integer ≥ 0'],
  // A mode the x grid cannot carry: nx = 1 is homogeneous, and the Nyquist mode is dropped.
  [
    'perturbation.mode',
    (c) => {
      c.grid.nx = 1;
      c.perturbation.mode = 1;
    },
    '2·mode < grid.nx = 1',
  ],
  ['perturbation.mode', (c) => (c.perturbation.mode = 8), '2·mode < grid.nx = 16'],
  ['time.dt', (c) => (c.time.dt = 0), 'null (automatic, CFL) or a finite number > 0'],
  ['time.dt', (c) => (c.time.dt = -0.1), 'null (automatic, CFL) or a finite number > 0'],
  ['time.tEnd', (c) => (c.time.tEnd = 0), POSITIVE],
  ['time.tEnd', (c) => (c.time.tEnd = Number.POSITIVE_INFINITY), POSITIVE],
  ['time.outputEvery', (c) => (c.time.outputEvery = 0), 'an integer ≥ 1'],
  ['time.outputEvery', (c) => (c.time.outputEvery = 2.5), 'an integer ≥ 1'],
  ['time', (c) => (c.time = 5), 'an object {dt, tEnd, outputEvery[, dtRule]}'],
  ['time.dtRule', (c) => (c.time.dtRule = 'fast'), '"accurate", "stable"'],
  ['grid.tolerance', (c) => (c.grid.tolerance = 1), 'a finite number in (0, 1)'],
  ['grid.tolerance', (c) => (c.grid.tolerance = Number.NaN), 'a finite number in (0, 1)'],
  [
    'remainder',
    (c) => (c.remainder = 5),
    'an object {order, k, kappa0, l, threshold, norm[, scaling, wellPrepared, fluid]}',
  ],
  [
    'remainder',
    (c) => (c.remainder = null),
    'an object {order, k, kappa0, l, threshold, norm[, scaling, wellPrepared, fluid]}',
  ],
  ['remainder.order', remainder((r) => (r.order = 2)), '0 or 1'],
  ['remainder.order', remainder((r) => (r.order = 0.5)), '0 or 1'],
  ['remainder.order', remainder((r) => delete r.order), '0 or 1'],
  ['remainder.scaling', remainder((r) => (r.scaling = 2)), 'only 1 with remainder.order 0 or 1'],
  [
    'remainder.scaling',
    remainder((r) => {
      r.order = 1;
      r.scaling = 2;
    }),
    '1 ≤ r ≤ max(n, 1)',
  ],
  ['remainder.wellPrepared', remainder((r) => (r.wellPrepared = true)), 'only with remainder.order 1'],
  [
    'remainder.wellPrepared',
    remainder((r) => {
      r.order = 1;
      r.wellPrepared = 'yes';
    }),
    'true or false',
  ],
  [
    'remainder.order',
    (c: Json) => {
      c.remainder = { ...REMAINDER, order: 1 };
      c.collisions.enabled = false;
    },
    'needs collisions.enabled true',
  ],
  ['remainder.scaling', remainder((r) => (r.scaling = 0)), '1 ≤ r ≤ max(n, 1)'],
  ['remainder.k', remainder((r) => (r.k = 5)), 'an integer ≥ 6'],
  ['remainder.k', remainder((r) => (r.k = 6.5)), 'an integer ≥ 6'],
  ['remainder.k', remainder((r) => delete r.k), 'an integer ≥ 6'],
  ['remainder.kappa0', remainder((r) => (r.kappa0 = 0)), 'in (0, 1)'],
  ['remainder.kappa0', remainder((r) => (r.kappa0 = 1)), 'in (0, 1)'],
  ['remainder.kappa0', remainder((r) => (r.kappa0 = '0.01')), 'in (0, 1)'],
  ['remainder.l', remainder((r) => (r.l = 6.9)), '≥ 7'],
  ['remainder.l', remainder((r) => (r.l = Number.POSITIVE_INFINITY)), '≥ 7'],
  ['remainder.threshold', remainder((r) => (r.threshold = 0)), POSITIVE],
  ['remainder.threshold', remainder((r) => (r.threshold = -1)), POSITIVE],
  ['remainder.norm', remainder((r) => (r.norm = 'L1')), '"energy", "L2", "Linf" or "field"'],
  ['remainder.norm', remainder((r) => (r.norm = 'linf')), '"energy", "L2", "Linf" or "field"'],
  ['remainder.fluid', remainder((r) => (r.fluid = 'weno')), '"auto", "finiteVolume" or "spectral"'],
];

describe('parseConfig refuses each broken field with its path and allowed range', () => {
  it.each(invalid.map(([path, mutate, allowed], i) => ({ i, path, mutate, allowed })))(
    '#$i $path ($allowed)',
    ({ path, mutate, allowed }) => {
      const json = base();
      mutate(json);
      const e = refusal(json);
      // Drift items are reported at the item (species[0].drift[2]); the path starts with the field.
      expect(e.field.startsWith(path)).toBe(true);
      expect(e.message).toContain(path);
      expect(e.message).toContain(allowed);
      expect(e.message).not.toContain('\n');
    },
  );

  it('quotes the value received, and says when a key is missing', () => {
    const c = base();
    c.species[1].mass = '16';
    expect(refusal(c).message).toBe(
      'species[1].mass = "16" is not allowed: a finite number > 0 (proton masses)',
    );
    const d = base();
    delete d.time.tEnd;
    expect(refusal(d).message).toBe('time.tEnd = undefined (missing) is not allowed: a finite number > 0');
  });

  it('refuses a config that is not an object, naming it "config"', () => {
    for (const json of [null, [], 'landau', 3]) expect(refusal(json).field).toBe('config');
  });
});

describe('parseConfig accepts', () => {
  it('remainder.order 1, with well-prepared data by default (issue 18) and only there', () => {
    const first = base();
    first.collisions.enabled = true;
    first.remainder = { ...REMAINDER, order: 1 };
    expect(parseConfig(first).remainder).toMatchObject({ order: 1, wellPrepared: true });
    first.remainder.wellPrepared = false;
    expect(parseConfig(first).remainder).toMatchObject({ order: 1, wellPrepared: false });
    const zeroth = base();
    zeroth.remainder = { ...REMAINDER };
    expect(parseConfig(zeroth).remainder).not.toHaveProperty('wellPrepared');
  });

  it('every example, with extra keys ignored and dropped', () => {
    const names = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
    expect(names).toEqual(
      expect.arrayContaining(['landau.json', 'ionosphere-f1.json', 'two-ion-plasma-oscillation.json']),
    );
    for (const name of names) {
      const json = JSON.parse(readFileSync(join(examplesDir, name), 'utf8'));
      const config = parseConfig(json);
      expect(config).not.toHaveProperty('description');
      const { config: resolved } = resolveConfig(config);
      expect(Number.isInteger(stepCount(resolved))).toBe(true);
      expect(Math.abs(resolved.time.tEnd / resolved.time.dt - stepCount(resolved))).toBeLessThan(1e-9);
    }
  });

  it('unknown keys at every level, explicit numbers for vmax and dt, neutral species with the field on', () => {
    const c = base();
    c.comment = 'x';
    c.grid.note = 1;
    c.species[0].colour = 'red';
    c.grid.vmax = 7;
    c.time.dt = 0.05;
    c.species[0].charge = 0;
    c.species[1].charge = 0;
    const config = parseConfig(c);
    expect(config.grid).toEqual({ nx: 16, length: 10, nv: 32, vmax: 7 });
    expect(config.species[0]).not.toHaveProperty('colour');
    expect(config).not.toHaveProperty('comment');
  });

  it('no "remainder" section: DEFAULT_REMAINDER is filled in, so config.remainder is always set', () => {
    expect(parseConfig(base()).remainder).toEqual(DEFAULT_REMAINDER);
    expect(DEFAULT_REMAINDER).toEqual({
      order: 0,
      k: 6,
      kappa0: 0.01,
      l: 7,
      threshold: 1,
      norm: 'energy',
      fluid: 'auto',
    });
  });

  it('a "remainder" section as given, its optional fluid defaulting to auto', () => {
    const c = base();
    c.remainder = { ...REMAINDER, k: 10, kappa0: 0.5, l: 7.5, threshold: 0.2, norm: 'Linf', extra: 1 };
    expect(parseConfig(c).remainder).toEqual({
      ...REMAINDER,
      k: 10,
      kappa0: 0.5,
      l: 7.5,
      threshold: 0.2,
      norm: 'Linf',
    });
    delete c.remainder.fluid;
    expect(parseConfig(c).remainder.fluid).toBe('auto');
  });

  it('nx = 1 with mode 0 (homogeneous)', () => {
    const c = base();
    c.grid.nx = 1;
    c.perturbation.mode = 0;
    expect(parseConfig(c).grid.nx).toBe(1);
  });
});

// The §4 multi-species alias-free rule, written out here: L = S max(D(m_r), D(1/m_r)) / 2.
const D = (m: number) => Math.max((4 * m) / (1 + m), 2) + Math.sqrt(1 + m) + 1;
const aliasFreeL = (S: number, mr: number) => (S * Math.max(D(mr), D(1 / mr))) / 2;
const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** dt from the rule: the smallest limit, shrunk so that tEnd/dt is an integer. */
const divided = (tEnd: number, limit: number) => tEnd / Math.ceil(tEnd / limit);

describe('resolveConfig: automatic vmax', () => {
  it('collisionless: L = max_α 6 √(θ_max/m) + |u|, θ raised by an isentropic perturbation', () => {
    const c = base();
    c.perturbation = { kind: 'isentropic', amplitude: -0.5, mode: 1 };
    c.species[1].drift = [0.3, 0.4, 0];
    c.species[1].temperature = 9;
    const { config } = resolveConfig(parseConfig(c));
    const raise = 1.5 ** (2 / 3);
    const expected = Math.max(6 * Math.sqrt(raise / 1), 6 * Math.sqrt((9 * raise) / 4) + 0.5);
    expect(relative(config.grid.vmax, expected)).toBeLessThan(1e-14);
  });

  it('with collisions: the alias-free box around 5.5 thermal speeds of the lighter species', () => {
    const { config, warnings } = resolveConfig(parseConfig(example('ionosphere-f1')));
    expect(relative(config.grid.vmax, aliasFreeL(5.5 * Math.sqrt(1 / 16), 16 / 30))).toBeLessThan(1e-14);
    // NO+ at N_v = 32 is near the resolution floor: accepted with a warning
    expect(warnings.join(' ')).toContain('grid.nv = 32');
  });

  it('keeps a vmax the user set, and only warns when a species does not fit the support ball', () => {
    const c = example('ionosphere-f1');
    c.grid.vmax = 3;
    const { config, warnings } = resolveConfig(parseConfig(c));
    expect(config.grid.vmax).toBe(3);
    expect(warnings.join(' ')).toContain('grid.vmax = 3 is too small');
  });

  it('refuses a velocity grid too coarse for the collisions, naming the needed N_v', () => {
    const c = example('ionosphere-f1');
    c.grid.nv = 16;
    const L = aliasFreeL(5.5 / 4, 16 / 30);
    // heavier species: √(θ/m) must span ≥ 0.75 cells of 2L/N_v
    const needed = 2 ** Math.ceil(Math.log2((0.75 * 2 * L) / Math.sqrt(1 / 30)));
    expect(needed).toBe(32);
    let error: unknown;
    try {
      resolveConfig(parseConfig(c));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidParameterError);
    expect((error as InvalidParameterError).field).toBe('grid.nv');
    expect((error as Error).message).toContain(`nv ≥ ${needed}`);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses a mass ratio no supported N_v resolves, saying so', () => {
    const c = example('ionosphere-f1');
    c.species[1].mass = 16 * 100;
    c.grid.nv = 64;
    expect(() => resolveConfig(parseConfig(c))).toThrow(
      /grid\.nv = 64 .*beyond the largest supported N_v = 64/,
    );
  });
});

describe('resolveConfig: automatic dt', () => {
  it('Landau: min(0.5 Δx/L, 0.1/ω_p, 0.5 Δv/(|e/m| E_est)) shrunk to divide tEnd', () => {
    const { config } = resolveConfig(parseConfig(example('landau')));
    const L = 6; // 6 thermal speeds of θ = 1, m = 1
    const ell = 4 * Math.PI;
    const dtX = (0.5 * (ell / 32)) / L;
    const dtP = 0.1 / 1; // ω_p² = 1² · 1 / 1 (species B is neutral)
    const fieldAmplitude = (0.01 * ell) / (2 * Math.PI); // |Σ e n̄ a| ℓ/(2π j)
    const dtV = (0.5 * ((2 * L) / 32)) / fieldAmplitude;
    expect(config.grid.vmax).toBe(L);
    expect(relative(config.time.dt, divided(15, Math.min(dtX, dtP, dtV)))).toBeLessThan(1e-14);
    expect(stepCount(config)).toBe(459);
  });

  it('two-ion oscillation: the plasma period binds, ω_p² = Σ e² n̄ / m', () => {
    const { config } = resolveConfig(parseConfig(example('two-ion-plasma-oscillation')));
    const dtP = 0.1 / Math.sqrt(1 / 1 + 1 / 4);
    const L = 6 * Math.sqrt(0.1);
    const dtX = (0.5 * ((20 * Math.PI) / 32)) / L;
    const dtV = (0.5 * ((2 * L) / 32)) / (1 * ((0.02 * 20 * Math.PI) / (2 * Math.PI)));
    expect(dtP).toBeLessThan(Math.min(dtX, dtV));
    expect(relative(config.time.dt, divided(30, dtP))).toBeLessThan(1e-14);
  });

  it('the field limits need a charged species; with none and nx = 1, dt = tEnd/100', () => {
    const c = base();
    c.species[0].charge = 0;
    c.species[1].charge = 0;
    const neutral = resolveConfig(parseConfig(c)).config;
    expect(relative(neutral.time.dt, divided(2, (0.5 * (10 / 16)) / neutral.grid.vmax))).toBeLessThan(1e-14);
    c.grid.nx = 1;
    c.perturbation.mode = 0;
    expect(resolveConfig(parseConfig(c)).config.time.dt).toBe(2 / 100);
  });

  it('a given dt that divides tEnd is kept; one that does not is shrunk, with a warning', () => {
    const c = base();
    c.time = { dt: 0.1, tEnd: 0.7, outputEvery: 1 };
    const kept = resolveConfig(parseConfig(c));
    expect(stepCount(kept.config)).toBe(7);
    expect(kept.warnings).toEqual([]);
    c.time = { dt: 0.4, tEnd: 1, outputEvery: 1 };
    const shrunk = resolveConfig(parseConfig(c));
    expect(shrunk.config.time.dt).toBe(1 / 3);
    expect(shrunk.warnings.join(' ')).toContain('time.dt = 0.4 does not divide time.tEnd = 1');
  });

  it('refuses more than MAX_STEPS steps on time.dt', () => {
    const c = base();
    c.time.dt = 1e-9;
    c.time.tEnd = 1;
    expect(() => resolveConfig(parseConfig(c))).toThrow(
      new RegExp(`^time\\.dt = 1e-9 .*at most ${MAX_STEPS}`),
    );
  });

  describe('time.dtRule "accurate" (default): λ̄ = Δt ν̄/ε ≤ λ_acc, at most 4× the other limits\' steps', () => {
    /** base() with collisions on (Maxwell molecules: ν̄ = π d² Σ n̄ = 2π exactly) at Knudsen ε. */
    const collisional = (knudsen: number, scheme: string, dtRule?: string): Json => {
      const c = base();
      c.collisions = { enabled: true, gamma: 0, knudsen, scheme };
      c.grid.vmax = 8;
      if (dtRule) c.time.dtRule = dtRule;
      return c;
    };
    const nu = 2 * Math.PI;
    const transportDt = (c: Json) => {
      const stable = resolveConfig(parseConfig({ ...c, time: { ...c.time, dtRule: 'stable' } })).config;
      return stable.time.dt;
    };

    it('transition regime: the trapezoidal step takes λ̄ = 0.5, the exponential one λ̄ = 1', () => {
      for (const [scheme, lambda] of [
        ['trapezoidal', 0.5],
        ['exponential', 1],
      ] as const) {
        // ε chosen so that the transport step has λ̄ = 2λ_acc: the bound binds, the cap does not
        const probe = collisional(1, scheme);
        const dtTransport = transportDt(probe);
        const knudsen = (dtTransport * nu) / (2 * lambda);
        const c = collisional(knudsen, scheme);
        const { config } = resolveConfig(parseConfig(c));
        expect(relative(config.time.dt, divided(2, (lambda * knudsen) / nu))).toBeLessThan(1e-14);
        const stiffness = collisionStiffness(config);
        expect(stiffness.lambda).toBeLessThanOrEqual(lambda);
        expect(stiffness.lambda).toBeGreaterThan(0.9 * lambda);
        // "stable" is the transport step, unchanged
        expect(transportDt(c)).toBe(dtTransport);
        expect(
          collisionStiffness(resolveConfig(parseConfig(collisional(knudsen, scheme, 'stable'))).config).note,
        ).toContain('"stable"');
      }
    });

    it('near the hydrodynamic limit the bound is capped at 1/4 of the transport step, and the note says so', () => {
      const c = collisional(1e-4, 'trapezoidal');
      const { collision, ...others } = timeStepLimits(parseConfig(c), 8);
      const transport = Math.min(...(Object.values(others) as number[]));
      expect(collision).toBe(transport / 4);
      const { config } = resolveConfig(parseConfig(c));
      expect(relative(config.time.dt, divided(2, transport / 4))).toBeLessThan(1e-14);
      expect(collisionStiffness(config).note).toContain('capped at 1/4 of the transport step');
    });

    it('ε = 1 with transport: the bound does not bind, dt is the transport step', () => {
      const c = collisional(1, 'trapezoidal');
      expect(resolveConfig(parseConfig(c)).config.time.dt).toBe(transportDt(c));
    });

    it('a homogeneous run long against 1/ν̄ takes λ̄ = 0.5 instead of tEnd/100', () => {
      const c = collisional(1, 'trapezoidal');
      c.grid.nx = 1;
      c.perturbation.mode = 0;
      c.field.enabled = false;
      c.time.tEnd = 10; // tEnd/100 = 0.1: λ̄ = 0.63
      const { config } = resolveConfig(parseConfig(c));
      expect(relative(config.time.dt, divided(10, 0.5 / nu))).toBeLessThan(1e-14);
      expect(transportDt(c)).toBe(0.1);
    });
  });

  it('stepCount is tEnd/dt for every resolved example', () => {
    for (const name of ['landau', 'ionosphere-f1', 'two-ion-plasma-oscillation']) {
      const config: ResolvedConfig = resolveConfig(parseConfig(example(name))).config;
      expect(stepCount(config) * config.time.dt).toBeCloseTo(config.time.tEnd, 12);
    }
  });
});
