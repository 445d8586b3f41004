// The Transport readout's pure parts: the text of a result (numbers Number() can parse, the grid's
// measured accuracy, ε and the residual stated) and the key that decides whether a new set-up needs
// a new solve (only the background state counts: not the grid, the perturbation or the charges).
import { describe, expect, it } from 'vitest';
import { transportStateOf } from '../../../src/physics/collision/transportCoefficients';
import { presetById } from '../../../src/physics/presets';
import { describeTransport, TRANSPORT_ACCURACY, transportKey } from '../../../src/ui/transportReadout';

const result = {
  viscosity: 0.012345678,
  thermalConductivity: 0.5,
  diffusion: 2e-3,
  thermalDiffusionRatio: -0.0421,
  heatOfDiffusion: 0.3,
  onsagerDefect: 0.007,
  knudsen: 0.1,
  grid: { nv: 32, vmax: 9, nRho: 16, nTheta: 4, nPhi: 8, truncation: 8, support: 8 },
  residual: 3e-9,
  iterations: [5, 6, 7] as const,
};

describe('transport readout', () => {
  it('shows four parseable numbers and what they are accurate to', () => {
    for (const nv of [16, 32] as const) {
      const text = describeTransport(result, nv);
      expect(Number(text.viscosity)).toBeCloseTo(0.01235, 6);
      expect(Number(text.conductivity)).toBe(0.5);
      expect(Number(text.diffusion)).toBe(0.002);
      expect(Number(text.thermalDiffusion)).toBe(-0.0421);
      expect(text.status).toContain(TRANSPORT_ACCURACY[nv]);
      expect(text.status).toMatch(/ε = 0\.1 included/);
      expect(text.status).toMatch(/residual 3\.0e-9/);
    }
    expect(describeTransport({ ...result, viscosity: Number.NaN }, 32).viscosity).toBe('not finite');
    expect(describeTransport(result, 32).status).toMatch(/Onsager check 0\.70 %\)$/);
    expect(describeTransport({ ...result, onsagerDefect: 0.46 }, 32).status).toMatch(/not converged/);
  });

  it('recomputes only when the background state changes', () => {
    const preset = presetById('equal-masses')!.config;
    const key = transportKey(transportStateOf(preset));
    const regrid = { ...preset, grid: { ...preset.grid, nv: 8, nx: 4 } };
    const recharged = {
      ...preset,
      species: [{ ...preset.species[0], charge: 3 }, preset.species[1]] as const,
    };
    expect(transportKey(transportStateOf(regrid))).toBe(key);
    expect(transportKey(transportStateOf(recharged))).toBe(key);
    const denser = { ...preset, species: [{ ...preset.species[0], density: 2 }, preset.species[1]] as const };
    const rarer = { ...preset, collisions: { ...preset.collisions, knudsen: 0.2 } };
    expect(transportKey(transportStateOf(denser))).not.toBe(key);
    expect(transportKey(transportStateOf(rarer))).not.toBe(key);
    const off = { ...preset, collisions: { ...preset.collisions, enabled: false } };
    expect(transportStateOf(off)).toBeNull();
    expect(transportKey(null)).toBe('collisions off');
  });

  it('takes the density-weighted temperature', () => {
    const preset = presetById('equal-masses')!.config;
    const [A, B] = preset.species;
    const state = transportStateOf(preset)!;
    expect(state.temperature).toBeCloseTo(
      (A.density * A.temperature + B.density * B.temperature) / (A.density + B.density),
      15,
    );
    expect(state.knudsen).toBe(preset.collisions.knudsen);
    expect(state.gamma).toBe(preset.collisions.gamma);
  });
});
