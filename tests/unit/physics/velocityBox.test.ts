// Velocity box and resolvability check of PHYSICS.md §4: the §4 multi-species support rule, the
// lighter species fitting in S, and refusal (naming the needed N_v) when the heavier species spans
// too few velocity cells.
import { describe, expect, it } from 'vitest';
import {
  boxHalfWidth,
  checkResolvable,
  chooseVelocityBox,
  MIN_CELLS_PER_THERMAL_SPEED,
  type SpeciesThermalState,
  supportRadius,
  truncationRadius,
  velocityGridFor,
} from '../../../src/physics/velocityBox';
import { InvalidParameterError, velocityGrid } from '../../../src/physics/velocityGrid';

const at = (
  mass: number,
  temperature = 1,
  drift: [number, number, number] = [0, 0, 0],
): SpeciesThermalState => ({
  mass,
  temperature,
  drift,
});

describe('the §4 support rule', () => {
  it('reduces to the equal-mass alias-free rule S = 2L/(3+√2), R = 2S', () => {
    expect(Math.abs(supportRadius(10, 1) - 20 / (3 + Math.SQRT2))).toBeLessThan(1e-14);
    expect(Math.abs(truncationRadius(10, 1) - 40 / (3 + Math.SQRT2))).toBeLessThan(1e-13);
  });
  it('is symmetric in m_r ↔ 1/m_r and matches the published formula at m_r = 2', () => {
    // m_r = 2: D(2) = 8/3 + √3 + 1, D(1/2) = 2 + √1.5 + 1 → S = 2L / (8/3 + √3 + 1)
    expect(Math.abs(supportRadius(9, 2) - 18 / (8 / 3 + Math.sqrt(3) + 1))).toBeLessThan(1e-14);
    expect(supportRadius(9, 0.5)).toBe(supportRadius(9, 2));
    expect(Math.abs(boxHalfWidth(supportRadius(9, 2), 2) - 9)).toBeLessThan(1e-14);
  });
});

describe('chooseVelocityBox and checkResolvable', () => {
  it('fits O+/NO+ (m = 16, 30) at equal temperature on N_v = 32, and names N_v = 32 when given 16', () => {
    const species = [at(16, 1, [0.05, 0, 0]), at(30, 1, [-0.02, 0, 0])] as const;
    const box = chooseVelocityBox(species);
    // the lighter species (O+) sets S: 5.5 √(1/16) + 0.05
    expect(Math.abs(box.support - (5.5 * 0.25 + 0.05))).toBeLessThan(1e-14);
    expect(Math.abs(supportRadius(box.vmax, 16 / 30) - box.support)).toBeLessThan(1e-14);
    const fine = checkResolvable(velocityGrid(32, box.vmax), species);
    expect(fine.ok, fine.errors.join('; ')).toBe(true);
    expect(fine.cellsPerThermalSpeed).toBeGreaterThanOrEqual(MIN_CELLS_PER_THERMAL_SPEED);
    const coarse = checkResolvable(velocityGrid(16, box.vmax), species);
    expect(coarse.ok).toBe(false);
    expect(coarse.neededNv).toBe(32);
    expect(coarse.errors.join()).toMatch(/grid\.nv = 16 .*species B.*allowed: nv ≥ 32/);
    const { grid } = velocityGridFor(32, species);
    expect(grid.vmax).toBe(box.vmax);
    expect(() => velocityGridFor(16, species)).toThrow(/grid\.nv = 16 is not allowed: nv ≥ 32/);
  });

  it('refuses a mass ratio of 1:100, naming the needed N_v and the largest supported one', () => {
    const species = [at(1), at(100)] as const;
    for (const nv of [16, 32, 64]) {
      expect(() => velocityGridFor(nv, species)).toThrow(InvalidParameterError);
      expect(() => velocityGridFor(nv, species)).toThrow(/nv ≥ 1024.*beyond the largest supported N_v = 64/);
    }
    const check = checkResolvable(velocityGrid(64, chooseVelocityBox(species).vmax), species);
    expect(check.neededNv).toBe(1024);
    expect(check.warnings.join()).toMatch(/mass ratio 100 is beyond 4/);
  });

  it('refuses a box too small for the lighter species, naming grid.vmax and the allowed range', () => {
    const species = [at(1, 1, [0.5, 0, 0]), at(2)] as const;
    const need = boxHalfWidth(5.5 + 0.5, 0.5);
    const check = checkResolvable(velocityGrid(32, 0.8 * need), species);
    expect(check.ok).toBe(false);
    expect(check.errors.join()).toMatch(/grid\.vmax = .* too small: species A .*allowed: vmax ≥ /);
    expect(checkResolvable(velocityGrid(64, need * 1.001), species).errors).toEqual([]);
  });

  it('refuses invalid species parameters, naming the field', () => {
    expect(() => chooseVelocityBox([at(0), at(1)])).toThrow(/species\.A\.mass.*> 0/);
    expect(() => chooseVelocityBox([at(1), at(1, -1)])).toThrow(/species\.B\.temperature/);
  });
});
