/**
 * Fuzzing the config contract (issue 8): whatever arrives — random JSON, or a valid config with
 * one field replaced by a random value (NaN, ±Infinity, strings, nulls, huge numbers) — the parser
 * either refuses it with one InvalidParameterError naming a field, or accepts a config whose every
 * value is inside its allowed range; resolving an accepted config yields a finite dt and box.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

const valid = {
  species: [
    { name: 'O+', mass: 16, charge: 1, diameter: 1, density: 1, temperature: 1, drift: [0, 0, 0] },
    { name: 'NO+', mass: 30, charge: 1, diameter: 1.2, density: 0.5, temperature: 1, drift: [0, 0, 0] },
  ],
  collisions: { enabled: true, gamma: -1, knudsen: 0.1 },
  field: { enabled: true },
  grid: { nx: 8, length: 6.283185307179586, nv: 16, vmax: null },
  perturbation: { kind: 'isentropic', amplitude: 0.05, mode: 1 },
  time: { dt: null, tEnd: 1, outputEvery: 2 },
  remainder: { order: 0, k: 6, kappa0: 0.01, l: 7, threshold: 1, norm: 'energy', fluid: 'spectral' },
};

/** Every leaf path of the valid config (arrays by index). */
function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leafPaths(v, [...prefix, Array.isArray(value) ? Number(k) : k]),
    );
  }
  return [prefix];
}
const paths = leafPaths(valid);

function withValue(path: (string | number)[], replacement: unknown): unknown {
  const copy = structuredClone(valid) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const strange = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1e308,
    -1e308,
    5e-324,
  ),
  fc.double(),
  fc.integer({ min: -100, max: 5000 }),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, undefined, true, false, [], {}, [1, 2, 3], '16'),
);

function outcome(
  json: unknown,
): { refused: InvalidParameterError } | { accepted: ReturnType<typeof parseConfig> } {
  try {
    return { accepted: parseConfig(json) };
  } catch (e) {
    if (e instanceof InvalidParameterError) return { refused: e };
    throw e;
  }
}

/** The allowed ranges, checked independently of the schema. */
function expectInRange(c: ReturnType<typeof parseConfig>) {
  for (const s of c.species) {
    for (const x of [s.mass, s.diameter, s.density, s.temperature])
      expect(x > 0 && Number.isFinite(x)).toBe(true);
    expect(Number.isFinite(s.charge)).toBe(true);
    expect(s.drift.length).toBe(3);
    for (const u of s.drift) expect(Number.isFinite(u)).toBe(true);
  }
  expect(c.collisions.gamma > -3 && c.collisions.gamma <= 1).toBe(true);
  expect(c.collisions.knudsen > 0 && Number.isFinite(c.collisions.knudsen)).toBe(true);
  expect(Number.isInteger(c.grid.nx) && c.grid.nx >= 1).toBe(true);
  expect([8, 16, 32, 64]).toContain(c.grid.nv);
  expect(c.grid.length > 0 && Number.isFinite(c.grid.length)).toBe(true);
  expect(Math.abs(c.perturbation.amplitude) < 1).toBe(true);
  expect(c.time.tEnd > 0 && Number.isFinite(c.time.tEnd)).toBe(true);
  expect(Number.isInteger(c.time.outputEvery) && c.time.outputEvery >= 1).toBe(true);
}

describe('config parser fuzzing', () => {
  it('the valid base config is accepted (the fuzz below starts from a good config)', () => {
    expect('accepted' in outcome(valid)).toBe(true);
  });

  it('random JSON values are refused with an InvalidParameterError, never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect('refused' in outcome(json)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('one field replaced by a strange value: refused naming a field, or accepted inside every range', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths), strange, (path, replacement) => {
        const result = outcome(withValue(path, replacement));
        if ('refused' in result) {
          expect(result.refused.field.length).toBeGreaterThan(0);
          expect(result.refused.message).toMatch(/is not allowed: /);
          return;
        }
        expectInRange(result.accepted);
        try {
          const { config } = resolveConfig(result.accepted);
          expect(config.time.dt > 0 && Number.isFinite(config.time.dt)).toBe(true);
          expect(config.grid.vmax > 0 && Number.isFinite(config.grid.vmax)).toBe(true);
        } catch (e) {
          // a grid that cannot resolve the mass ratio, or too many steps, is a refusal too
          expect(e).toBeInstanceOf(InvalidParameterError);
        }
      }),
      { numRuns: 4000 },
    );
  });
});
