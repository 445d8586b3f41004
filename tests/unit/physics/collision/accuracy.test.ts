// The accuracy/speed setting of the collision operator (issue 7): the named quadrature sizes, the
// error each makes against a much finer quadrature (float64, a real evaluation of Q^AB on a test
// pair), the config field's validation and its share-URL key.
import { describe, expect, it } from 'vitest';
import {
  accuracyCostRatio,
  accuracyQuadrature,
  COLLISION_ACCURACIES,
  describeQuadratureError,
  measureQuadratureErrors,
  quadratureErrorForConfig,
  referenceQuadrature,
} from '../../../../src/physics/collision/accuracy';
import { defaultSpectralQuadrature } from '../../../../src/physics/collision/spectral';
import { parseConfig, resolveConfig } from '../../../../src/physics/configSchema';
import { presetById } from '../../../../src/physics/presets';
import { decodeShareParams, encodeShareParams } from '../../../../src/physics/shareUrl';
import { chooseVelocityBox } from '../../../../src/physics/velocityBox';
import { InvalidParameterError, SUPPORTED_NV, velocityGrid } from '../../../../src/physics/velocityGrid';

const sphere = (q: { nTheta: number; nPhi: number }) => q.nTheta * q.nPhi;

describe('collisions.accuracy → quadrature sizes', () => {
  it('"standard" is exactly defaultSpectralQuadrature on every supported grid', () => {
    for (const nv of SUPPORTED_NV) {
      expect(accuracyQuadrature('standard', nv)).toEqual(defaultSpectralQuadrature(velocityGrid(nv, 3)));
    }
  });

  it('is monotone: fine has more radial nodes and sphere points than standard, standard than fast', () => {
    for (const nv of SUPPORTED_NV) {
      const [fast, standard, fine] = COLLISION_ACCURACIES.map((a) => accuracyQuadrature(a, nv)) as [
        ReturnType<typeof accuracyQuadrature>,
        ReturnType<typeof accuracyQuadrature>,
        ReturnType<typeof accuracyQuadrature>,
      ];
      expect(fast.nRho).toBeLessThan(standard.nRho);
      expect(standard.nRho).toBeLessThan(fine.nRho);
      expect(sphere(fast)).toBeLessThan(sphere(standard));
      expect(sphere(standard)).toBeLessThan(sphere(fine));
      const reference = referenceQuadrature(nv);
      expect(reference.nRho).toBeGreaterThan(fine.nRho);
      expect(sphere(reference)).toBeGreaterThanOrEqual(4 * sphere(fine));
      for (const q of [fast, standard, fine, reference]) expect(q.nPhi % 2).toBe(0);
      expect(accuracyCostRatio('fast', nv)).toBeLessThan(0.5);
      expect(accuracyCostRatio('standard', nv)).toBe(1);
      expect(accuracyCostRatio('fine', nv)).toBeGreaterThan(2);
    }
  });
});

describe('the measured quadrature error', () => {
  it('falls from fast to standard to fine for Q^AB of O+/NO+ (m 16/30, γ = 0) on an N_v = 8 grid', () => {
    const species = [
      { mass: 16, diameter: 1 },
      { mass: 30, diameter: 1 },
    ] as const;
    const thermal = species.map((s) => ({ mass: s.mass, temperature: 1, drift: [0, 0, 0] as const }));
    const vmax = chooseVelocityBox(thermal as never).vmax;
    const errors = measureQuadratureErrors({ species, gamma: 0, nv: 8, vmax });
    const [fast, standard, fine] = errors.map((e) => e.relativeL2) as [number, number, number];
    // a quadrature that converges: each step of the setting buys at least a factor 3
    expect(fast).toBeGreaterThan(3 * standard);
    expect(standard).toBeGreaterThan(3 * fine);
    expect(fine).toBeGreaterThan(0); // not the reference itself
    expect(fine).toBeLessThan(1e-2);
    expect(errors.every((e) => e.measuredNv === 8 && e.runNv === 8)).toBe(true);
    expect(describeQuadratureError(errors[1]!)).toMatch(
      /^quadrature error \d\.\de-\d+ vs reference .*1× cost/,
    );
  });

  it('a run at N_v = 32 is measured on N_v = 8 with its own quadrature sizes, and says so', () => {
    const { config } = resolveConfig(presetById('f1-layer')!.config);
    const error = quadratureErrorForConfig(config, config.grid.vmax)!;
    expect(error.runNv).toBe(config.grid.nv);
    expect(error.measuredNv).toBe(8);
    expect(Number.isFinite(error.relativeL2) && error.relativeL2 > 0).toBe(true);
    expect(describeQuadratureError(error)).toContain('measured on N_v = 8 with the same box');
    const off = { ...config, collisions: { ...config.collisions, enabled: false } };
    expect(quadratureErrorForConfig(off, config.grid.vmax)).toBeNull();
  });
});

describe('collisions.accuracy in the config and the share URL', () => {
  const base = presetById('equal-masses')!.config;
  const withAccuracy = (accuracy: unknown) => ({ ...base, collisions: { ...base.collisions, accuracy } });

  it('is optional (absent = standard) and takes fast, standard, fine', () => {
    expect(parseConfig(base).collisions.accuracy).toBeUndefined();
    for (const a of COLLISION_ACCURACIES) expect(parseConfig(withAccuracy(a)).collisions.accuracy).toBe(a);
  });

  it('a bad value is refused naming collisions.accuracy and the allowed values', () => {
    for (const bad of ['ultra', 'Fast', 3, null]) {
      let error: unknown;
      try {
        parseConfig(withAccuracy(bad));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidParameterError);
      const e = error as InvalidParameterError;
      expect(e.field).toBe('collisions.accuracy');
      expect(e.message).toContain('"fast", "standard", "fine"');
    }
  });

  it('round-trips in the share URL as acc; a link without acc means standard; a bad acc is refused', () => {
    const fine = parseConfig(withAccuracy('fine'));
    expect(decodeShareParams(encodeShareParams(fine))).toEqual({ ok: true, config: fine });
    const params = encodeShareParams(base);
    expect(params.get('acc')).toBe('standard');
    params.delete('acc');
    expect(decodeShareParams(params)).toEqual({ ok: true, config: parseConfig(base) });
    params.set('acc', 'best');
    const refused = decodeShareParams(params);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.parameter).toBe('acc');
      expect(refused.message).toContain('"fast", "standard", "fine"');
    }
  });
});

describe('the run uses the setting (CPU float64 backend)', () => {
  it('fast and standard relax differently; an explicit "standard" is bit-identical to an absent one', async () => {
    const { runSimulation } = await import('../../../../src/engine/run');
    const preset = presetById('equal-masses')!.config;
    const homogeneous = (accuracy?: 'fast' | 'standard') =>
      resolveConfig({
        ...preset,
        species: [
          { ...preset.species[0], temperature: 1.2 },
          { ...preset.species[1], temperature: 0.8 },
        ],
        collisions: { ...preset.collisions, knudsen: 1, ...(accuracy ? { accuracy } : {}) },
        field: { enabled: false },
        grid: { ...preset.grid, nx: 1, nv: 8, vmax: 4.5 }, // the e2e test's small grid
        perturbation: { ...preset.perturbation, amplitude: 0, mode: 0 },
        time: { dt: 0.1, tEnd: 0.2, outputEvery: 2 },
      }).config;
    const last = async (accuracy?: 'fast' | 'standard') => {
      let row: Record<string, number> = {};
      await runSimulation(homogeneous(accuracy), null, (r) => {
        row = r as unknown as Record<string, number>;
      });
      return row;
    };
    const [absent, standard, fast] = [await last(), await last('standard'), await last('fast')];
    expect(standard.temperature_B).toBe(absent.temperature_B);
    expect(absent.temperature_B).toBeGreaterThan(0.8); // B heats towards A
    expect(Math.abs(fast.temperature_B! - standard.temperature_B!)).toBeGreaterThan(1e-9);
  });
});
