/**
 * The presets as the page opens them on each adapter (src/ui/parameters.ts presetForAdapter, issue
 * 16: the first set-up shown fits the adapter). Every preset must still be accepted on every
 * adapter — the page tries them in order at start-up — with the grid the adapter gets.
 */
import { describe, expect, it } from 'vitest';
import { acceptConfig } from '../../../src/physics/configAcceptance';
import { PRESETS } from '../../../src/physics/presets';
import {
  CPU_MAX_NX,
  CPU_NV,
  GPU_PRESET_NX,
  GPU_PRESET_POINTS,
  presetForAdapter,
  SOFTWARE_MAX_NX,
} from '../../../src/ui/parameters';

describe('presetForAdapter', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s is accepted on the CPU, a software adapter and a GPU',
    (_id, p) => {
      for (const [adapter, maxNx] of [
        ['cpu', CPU_MAX_NX],
        ['software', SOFTWARE_MAX_NX],
      ] as const) {
        const { config, changes } = presetForAdapter(p.config, adapter);
        // N_v = 8, or 16 where a mass ratio at one temperature leaves the heavier ion < 0.75 cells
        const heavierAtOneTheta =
          p.config.species[0].temperature === p.config.species[1].temperature &&
          Math.max(
            p.config.species[0].mass / p.config.species[1].mass,
            p.config.species[1].mass / p.config.species[0].mass,
          ) > 1.5;
        expect(config.grid.nv).toBe(heavierAtOneTheta ? 16 : CPU_NV);
        expect(config.grid.nx).toBeLessThanOrEqual(maxNx);
        // the preset's own box was chosen for its N_v: replaced with the small grid's, and said so
        expect(config.grid.vmax).not.toBe(p.config.grid.vmax);
        expect(changes.some((c) => c.startsWith('L '))).toBe(true);
        const accepted = acceptConfig(config);
        expect(accepted.ok ? 'accepted' : accepted.message).toBe('accepted');
      }
      const { config } = presetForAdapter(p.config, 'gpu');
      expect(config.grid.nv).toBe(p.config.grid.nv);
      expect(config.grid.vmax).toBe(p.config.grid.vmax);
      expect(config.grid.nx * config.grid.nv ** 3).toBeLessThanOrEqual(GPU_PRESET_POINTS);
      if (GPU_PRESET_NX * p.config.grid.nv ** 3 <= GPU_PRESET_POINTS)
        expect(config.grid.nx).toBe(GPU_PRESET_NX);
      const accepted = acceptConfig(config);
      expect(accepted.ok ? accepted.warnings : accepted.message).toEqual([]);
    },
  );

  it('a set-up already small keeps its explicit box and says nothing', () => {
    const p = PRESETS.find((q) => q.id === 'equal-masses')!.config;
    const small = { ...p, grid: { ...p.grid, nx: 8, nv: 8, vmax: 4.5, tolerance: 0.5 } };
    expect(presetForAdapter(small, 'software')).toEqual({ config: small, changes: [] });
  });
});
