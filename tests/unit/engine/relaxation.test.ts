import { describe, expect, it } from 'vitest';
import {
  homogeneousRelaxation,
  type RelaxationRow,
  type RelaxationSetup,
} from '../../../src/engine/relaxation';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

const setup: RelaxationSetup = {
  species: [
    { mass: 1, diameter: 1, density: 1, temperature: 1.3, drift: [0.2, 0, 0] },
    { mass: 2, diameter: 1, density: 0.7, temperature: 0.8, drift: [-0.2, 0.1, 0] },
  ],
  gamma: 0,
  knudsen: 1,
  dt: 0.05,
  steps: 6,
  every: 3,
  nv: 16,
  vmax: 6,
  quadrature: { nRho: 4, nTheta: 4, nPhi: 8 },
};

describe('homogeneousRelaxation (CPU backend)', () => {
  it('refuses a grid too coarse for the mass ratio, naming grid.nv and the needed N_v', async () => {
    const run = homogeneousRelaxation(null, { ...setup, vmax: null, nv: 16 }, () => {});
    await expect(run).rejects.toThrow(InvalidParameterError);
    await expect(homogeneousRelaxation(null, { ...setup, vmax: null, nv: 16 }, () => {})).rejects.toThrow(
      /grid\.nv.*nv ≥ 64 \(.*species B's thermal speed/,
    );
  });

  it('refuses bad physical input with the field and the allowed range', async () => {
    const bad = (patch: Partial<RelaxationSetup>) =>
      homogeneousRelaxation(null, { ...setup, ...patch }, () => {});
    await expect(bad({ gamma: -3 })).rejects.toThrow(/collisions\.gamma.*\(−3, 1\]/);
    await expect(bad({ knudsen: Number.NaN })).rejects.toThrow(/collisions\.knudsen.*> 0/);
    await expect(bad({ species: [{ ...setup.species[0], mass: 0 }, setup.species[1]] })).rejects.toThrow(
      /species\[0\]\.mass/,
    );
  });

  it('reports rows every `every` steps; temperatures approach each other, totals stay', async () => {
    const rows: RelaxationRow[] = [];
    await homogeneousRelaxation(null, setup, (row) => rows.push(row));
    expect(rows.map((r) => r.t.toFixed(6))).toEqual(['0.000000', '0.150000', '0.300000']);
    const [first, last] = [rows[0]!, rows.at(-1)!];
    expect(Math.abs(last.temperatureA - last.temperatureB)).toBeLessThan(
      Math.abs(first.temperatureA - first.temperatureB),
    );
    expect(Math.abs(last.energyTotal - first.energyTotal) / first.energyTotal).toBeLessThan(1e-12);
    expect(Math.abs(last.momentumTotal - first.momentumTotal)).toBeLessThan(1e-12);
  });
});
