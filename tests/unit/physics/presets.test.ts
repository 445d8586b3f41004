// The app's presets (src/physics/presets.ts): every one is a complete config of the CLI contract
// that parses to itself and is accepted without a warning, with a unique id and a one-line
// explanation; the ionosphere pairs carry the paper's masses and charges at one ion temperature, and
// every collisional preset is on a grid that meets the 1 % exchange-rate target against the exact
// rates while the next coarser N_v does not (issue 16).
import { describe, expect, it } from 'vitest';
import {
  exchangeRateAccuracy,
  exchangeRateError,
  GRID_TOLERANCE,
} from '../../../src/physics/collision/gridAccuracy';
import { acceptConfig } from '../../../src/physics/configAcceptance';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { PRESETS, presetById } from '../../../src/physics/presets';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

describe('presets', () => {
  it('ids are unique and slug-like; titles and explanations are non-empty single lines', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PRESETS) {
      expect(p.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const text of [p.title, p.explanation]) {
        expect(text.trim().length).toBeGreaterThan(0);
        expect(text).not.toMatch(/[\n\r]/);
      }
      expect(presetById(p.id)).toBe(p);
    }
    expect(presetById('no-such-preset')).toBeUndefined();
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s parses to itself and is accepted without warnings',
    (_id, p) => {
      const parsed = parseConfig(p.config);
      // already in parsed form (remainder section included): what a share URL decodes back to
      expect(parsed).toEqual(p.config);
      const accepted = acceptConfig(p.config);
      if (!accepted.ok) throw new Error(accepted.message);
      const { config, warnings } = accepted;
      expect(warnings).toEqual([]);
      // sized for a live demo: n_x·N_v³ ≤ 64·32³ per species, and at most 500 steps at the stable Δt,
      // 2000 at the default "accurate" one (the collision bound takes up to 4× the steps)
      expect(config.grid.nx * config.grid.nv ** 3).toBeLessThanOrEqual(64 * 32 ** 3);
      expect(Math.round(config.time.tEnd / config.time.dt)).toBeLessThanOrEqual(2000);
      const stable = resolveConfig({ ...parsed, time: { ...parsed.time, dtRule: 'stable' } }).config;
      expect(Math.round(stable.time.tEnd / stable.time.dt)).toBeLessThanOrEqual(500);
    },
  );

  it("covers the paper's ionosphere list, equal masses, Landau damping and a small-ε demo", () => {
    const pair = (id: string) => {
      const c = presetById(id)!.config;
      return c.species.map((s) => [s.mass, s.charge]);
    };
    expect(pair('e-layer')).toEqual([
      [30, 1],
      [32, 1],
    ]);
    expect(pair('f1-layer')).toEqual([
      [16, 1],
      [30, 1],
    ]);
    expect(pair('f2-layer-no')).toEqual([
      [16, 1],
      [30, 1],
    ]);
    expect(pair('f2-layer-he')).toEqual([
      [16, 1],
      [4, 1],
    ]);
    expect(pair('d-layer')).toEqual([
      [30, 1],
      [32, -1],
    ]);
    const equal = presetById('equal-masses')!.config.species;
    expect(equal[0].mass).toBe(equal[1].mass);
    expect(presetById('landau')!.config.collisions.enabled).toBe(false);
    const limit = presetById('hydrodynamic-limit')!.config.collisions;
    expect(limit.enabled).toBe(true);
    expect(limit.knudsen).toBeLessThanOrEqual(1e-3);
  });

  const collisional = PRESETS.filter((p) => p.config.collisions.enabled);
  it.each(collisional.map((p) => [p.id, p] as const))(
    '%s: its grid meets the 1 %% exchange-rate target against exact theory; N_v / 2 does not',
    (_id, p) => {
      const { config } = resolveConfig(parseConfig(p.config));
      const measured = exchangeRateAccuracy(config, config.grid.vmax)!;
      expect(measured).not.toBeNull(); // N_v ≤ 32: measured
      expect(exchangeRateError(measured)).toBeLessThanOrEqual(GRID_TOLERANCE);
      expect(Math.max(...measured.massOutside)).toBeLessThan(1e-8);
      // one grid step coarser at the same box: refused as unresolvable, or above the target
      const coarser = { ...p.config, grid: { ...p.config.grid, nv: p.config.grid.nv / 2 } };
      let coarseError: number;
      try {
        const c = resolveConfig(parseConfig(coarser)).config;
        coarseError = exchangeRateError(exchangeRateAccuracy(c, c.grid.vmax)!);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidParameterError);
        expect((e as InvalidParameterError).field).toBe('grid.nv');
        coarseError = Number.POSITIVE_INFINITY;
      }
      expect(coarseError).toBeGreaterThan(GRID_TOLERANCE);
    },
  );

  it('the ionosphere pairs share one ion temperature', () => {
    for (const id of ['e-layer', 'f1-layer', 'f2-layer-no', 'f2-layer-he', 'd-layer']) {
      const [a, b] = presetById(id)!.config.species;
      expect(a.temperature).toBe(b.temperature);
    }
  });
});
