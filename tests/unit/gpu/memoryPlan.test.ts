import { describe, expect, it } from 'vitest';
import { checkGridFitsDevice, memoryPlan } from '../../../src/gpu/memoryPlan';
import { InvalidParameterError } from '../../../src/physics/velocityGrid';

// WebGPU's default limits (the spec's guaranteed minimum): 128 MiB per binding, 256 MiB per buffer
const defaults = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };

function refusal(fn: () => void): InvalidParameterError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidParameterError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('GPU memory plan against the device limits', () => {
  it('counts the spectra buffer (2 species × n_x × N³ complex f32) as the largest', () => {
    expect(memoryPlan({ nx: 64, nv: 16, collisions: true }).largestBuffer).toBe(2 * 64 * 4096 * 8);
    expect(memoryPlan({ nx: 64, nv: 16, collisions: false }).largestBuffer).toBe(2 * 64 * 4096 * 4);
  });

  it('accepts the default demo and refuses too many cells with the largest n_x that fits', () => {
    expect(() => checkGridFitsDevice({ nx: 64, nv: 16, collisions: true }, defaults)).not.toThrow();
    // nv = 64: one cell's spectra are 2 · 64³ · 8 B = 4 MiB, so 128 MiB holds 32 cells
    const e = refusal(() => checkGridFitsDevice({ nx: 33, nv: 64, collisions: true }, defaults));
    expect(e.field).toBe('grid.nx');
    expect(e.message).toMatch(/nx ≤ 32 at nv = 64/);
    expect(() => checkGridFitsDevice({ nx: 32, nv: 64, collisions: true }, defaults)).not.toThrow();
  });

  it('names grid.nv when not even one cell fits', () => {
    const tiny = { maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 2 ** 20 };
    const e = refusal(() => checkGridFitsDevice({ nx: 1, nv: 64, collisions: true }, tiny, 'a test adapter'));
    expect(e.field).toBe('grid.nv');
    // 1 MiB holds one cell at nv = 32 (2 · 32³ · 8 B = 0.5 MiB), not at 64 (4 MiB)
    expect(e.message).toMatch(/nv ≤ 32 on a test adapter/);
  });

  it("counts the trapezoidal step's Krylov basis, and refuses by grid.nx where it does not fit", () => {
    // 61 vectors of 2 · n_x · N³ f32: at nv = 16, n_x = 64 that is 61 · 2 MiB = 122 MiB, under 128
    const size = { nx: 64, nv: 16, collisions: true, krylovVectors: 61 };
    expect(memoryPlan(size).largestBuffer).toBe(61 * 2 * 64 * 4096 * 4);
    expect(() => checkGridFitsDevice(size, defaults)).not.toThrow();
    // nv = 32: one cell's basis is 61 · 2 · 32³ · 4 B = 15.25 MiB: 8 cells fit
    const e = refusal(() => checkGridFitsDevice({ ...size, nv: 32, nx: 16 }, defaults));
    expect(e.field).toBe('grid.nx');
    expect(e.message).toMatch(/nx ≤ 8 at nv = 32/);
    expect(e.message).toMatch(/Krylov basis/);
  });
});
