import { beforeAll, describe, expect, it } from 'vitest';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/context';
import { Fft3d, type FftDirection } from '../../../src/gpu/Fft3d';
import { fft3d } from '../../../src/physics/fft';
import { seededRandom } from '../../../src/physics/random';
import { testGpu } from '../../support/gpu';

/** Interleaved (re, im) f32 values, `grids` grids of N³, uniform in the unit square. */
function randomGrids(n: number, grids: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: 2 * grids * n ** 3 }, () => 2 * random() - 1);
}

/** The float64 reference, grid by grid, on the same (f32-rounded) values. */
function referenceTransform(
  values: Float32Array,
  n: number,
  grids: number,
  direction: FftDirection,
): Float64Array {
  const size = n ** 3;
  const out = new Float64Array(2 * grids * size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let g = 0; g < grids; g++) {
    for (let i = 0; i < size; i++) {
      re[i] = values[2 * (g * size + i)]!;
      im[i] = values[2 * (g * size + i) + 1]!;
    }
    fft3d(re, im, n, direction === 'inverse');
    for (let i = 0; i < size; i++) {
      out[2 * (g * size + i)] = re[i]!;
      out[2 * (g * size + i) + 1] = im[i]!;
    }
  }
  return out;
}

/** max |got − expected| / max |expected| over complex values; NaN or ∞ anywhere gives ∞. */
function spectralError(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(got.length).toBe(expected.length);
  let worst = 0;
  let largest = 0;
  for (let i = 0; i < got.length; i += 2) {
    const dr = got[i]! - expected[i]!;
    const di = got[i + 1]! - expected[i + 1]!;
    if (!Number.isFinite(dr) || !Number.isFinite(di)) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, Math.hypot(dr, di));
    largest = Math.max(largest, Math.hypot(expected[i]!, expected[i + 1]!));
  }
  return worst / largest;
}

/**
 * Values after the batch: complex NaN and a finite sentinel, alternating. A kernel that reads
 * them puts NaN into its output; one that transforms or writes them changes the sentinels.
 */
function spareValues(n: number, spareGrids: number): Float32Array {
  return Float32Array.from({ length: 2 * spareGrids * n ** 3 }, (_, i) => (i % 4 < 2 ? Number.NaN : 1234.5));
}

/** A buffer holding `values` followed by `spareGrids` grids of spareValues(). */
function poisonedBuffer(gpu: GpuContext, n: number, values: Float32Array, spareGrids: number): GPUBuffer {
  const padded = new Float32Array(values.length + 2 * spareGrids * n ** 3);
  padded.set(values);
  padded.set(spareValues(n, spareGrids), values.length);
  return createStorageBuffer(gpu.device, 'test.fftData', padded);
}

/** The index of the first value whose bits differ, or −1 (no giant diff printed on failure). */
function firstBitDifference(got: Float32Array, expected: Float32Array): number {
  if (got.length !== expected.length) return Math.min(got.length, expected.length);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  return a.findIndex((bits, i) => bits !== b[i]);
}

/** The spare grids after `valueCount` values are exactly as written. */
function expectSpareUntouched(got: Float32Array, n: number, valueCount: number): void {
  const spare = got.subarray(valueCount);
  expect(spare.length).toBeGreaterThan(0);
  expect(firstBitDifference(spare, spareValues(n, spare.length / (2 * n ** 3)))).toBe(-1);
}

interface Step {
  batch: number;
  direction: FftDirection;
}

/** Records `steps` on one buffer in ONE encoder and one submit; returns the whole buffer. */
async function runSteps(gpu: GpuContext, fft: Fft3d, buffer: GPUBuffer, steps: readonly Step[]) {
  const encoder = gpu.device.createCommandEncoder({ label: 'test.fft' });
  for (const { batch, direction } of steps) fft.record(encoder, buffer, batch, direction);
  gpu.device.queue.submit([encoder.finish()]);
  return readFloat32(gpu.device, buffer);
}

describe('fft.wgsl (Fft3d) against the float64 fft3d', () => {
  let gpu: GpuContext;
  const ffts = new Map<number, Fft3d>();
  const fftOf = async (n: number) => {
    let fft = ffts.get(n);
    if (!fft) {
      fft = await Fft3d.create(gpu.device, n);
      ffts.set(n, fft);
    }
    return fft;
  };
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('transforms a plane wave e^{2πi k·j/N} to N³ at index k (sign and axis order pinned)', async () => {
    const n = 8;
    const wavenumbers = [
      [1, 2, 3],
      [5, 0, 7],
      [0, 4, 1],
    ] as const;
    const values = new Float32Array(2 * wavenumbers.length * n ** 3);
    wavenumbers.forEach(([k1, k2, k3], g) => {
      for (let i1 = 0; i1 < n; i1++) {
        for (let i2 = 0; i2 < n; i2++) {
          for (let i3 = 0; i3 < n; i3++) {
            const phase = (2 * Math.PI * (k1 * i1 + k2 * i2 + k3 * i3)) / n;
            const at = 2 * (g * n ** 3 + (i1 * n + i2) * n + i3);
            values[at] = Math.cos(phase);
            values[at + 1] = Math.sin(phase);
          }
        }
      }
    });
    const expected = new Float64Array(values.length);
    wavenumbers.forEach(([k1, k2, k3], g) => {
      expected[2 * (g * n ** 3 + (k1 * n + k2) * n + k3)] = n ** 3;
    });
    const fft = await fftOf(n);
    const buffer = poisonedBuffer(gpu, n, values, 1);
    const forward = await runSteps(gpu, fft, buffer, [{ batch: 3, direction: 'forward' }]);
    expect(spectralError(forward.subarray(0, values.length), expected)).toBeLessThan(1e-6);
    expectSpareUntouched(forward, n, values.length);
    // and back: the inverse of N³ δ_k is the plane wave itself
    const back = await runSteps(gpu, fft, buffer, [{ batch: 3, direction: 'inverse' }]);
    expect(spectralError(back.subarray(0, values.length), values)).toBeLessThan(1e-6);
    expectSpareUntouched(back, n, values.length);
    buffer.destroy();
  });

  for (const [n, seed] of [
    [8, 1],
    [16, 2],
    [32, 3],
  ] as const) {
    it(`agrees with fft3d on random grids, batches 1 and 3, both directions (N = ${n})`, async () => {
      const fft = await fftOf(n);
      const grids = 3;
      const values = randomGrids(n, grids, seed);
      const gridLength = 2 * n ** 3;
      // batch 1 of 3: grid 0 transformed, grids 1 and 2 bit-for-bit untouched
      let buffer = poisonedBuffer(gpu, n, values, 1);
      let got = await runSteps(gpu, fft, buffer, [{ batch: 1, direction: 'forward' }]);
      const errors: Record<string, number> = {};
      errors['forward, batch 1'] = spectralError(
        got.subarray(0, gridLength),
        referenceTransform(values.subarray(0, gridLength), n, 1, 'forward'),
      );
      expect(firstBitDifference(got.subarray(gridLength, values.length), values.subarray(gridLength))).toBe(
        -1,
      );
      expectSpareUntouched(got, n, values.length);
      buffer.destroy();
      for (const direction of ['forward', 'inverse'] as const) {
        buffer = poisonedBuffer(gpu, n, values, 1);
        got = await runSteps(gpu, fft, buffer, [{ batch: grids, direction }]);
        errors[`${direction}, batch 3`] = spectralError(
          got.subarray(0, values.length),
          referenceTransform(values, n, grids, direction),
        );
        expectSpareUntouched(got, n, values.length);
        buffer.destroy();
      }
      console.log(`N = ${n}: max |gpu − ref| / max |ref|`, errors);
      for (const error of Object.values(errors)) expect(error).toBeLessThan(2e-6);
    });
  }

  it('agrees with fft3d at N = 64 and round-trips (batch 1)', async () => {
    const n = 64;
    const fft = await fftOf(n);
    const values = randomGrids(n, 1, 4);
    const buffer = poisonedBuffer(gpu, n, values, 1);
    const forward = await runSteps(gpu, fft, buffer, [{ batch: 1, direction: 'forward' }]);
    const forwardError = spectralError(
      forward.subarray(0, values.length),
      referenceTransform(values, n, 1, 'forward'),
    );
    const back = await runSteps(gpu, fft, buffer, [{ batch: 1, direction: 'inverse' }]);
    const roundTripError = spectralError(back.subarray(0, values.length), values);
    console.log('N = 64:', { forwardError, roundTripError });
    expect(forwardError).toBeLessThan(2e-6);
    expect(roundTripError).toBeLessThan(2e-6);
    expectSpareUntouched(back, n, values.length);
    buffer.destroy();
  });

  it('round-trips inverse(forward(x)) = x to f32 accuracy (N = 32, batch 2)', async () => {
    const n = 32;
    const values = randomGrids(n, 2, 5);
    const buffer = poisonedBuffer(gpu, n, values, 1);
    const got = await runSteps(gpu, await fftOf(n), buffer, [
      { batch: 2, direction: 'forward' },
      { batch: 2, direction: 'inverse' },
    ]);
    const error = spectralError(got.subarray(0, values.length), values);
    console.log('N = 32 round trip:', error);
    expect(error).toBeLessThan(2e-6);
    expectSpareUntouched(got, n, values.length);
    buffer.destroy();
  });

  it('keeps several record() calls (batches, directions, buffers) in one encoder apart', async () => {
    const n = 16;
    const fft = await fftOf(n);
    const gridLength = 2 * n ** 3;
    const values = randomGrids(n, 3, 6);
    const other = randomGrids(n, 2, 12);
    const buffer = poisonedBuffer(gpu, n, values, 2);
    const otherBuffer = poisonedBuffer(gpu, n, other, 1);
    const steps: (Step & { onOther?: boolean })[] = [
      { batch: 2, direction: 'forward' },
      { batch: 2, direction: 'inverse', onOther: true },
      { batch: 3, direction: 'inverse' },
      { batch: 1, direction: 'forward', onOther: true },
      { batch: 1, direction: 'forward' },
    ];
    const encoder = gpu.device.createCommandEncoder({ label: 'test.fft' });
    for (const { batch, direction, onOther } of steps) {
      fft.record(encoder, onOther ? otherBuffer : buffer, batch, direction);
    }
    gpu.device.queue.submit([encoder.finish()]);
    const got = await readFloat32(gpu.device, buffer);
    const gotOther = await readFloat32(gpu.device, otherBuffer);
    // the same steps in float64, rounded to f32 between steps as on the GPU
    const expected = Float64Array.from(values);
    const expectedOther = Float64Array.from(other);
    for (const { batch, direction, onOther } of steps) {
      const target = onOther ? expectedOther : expected;
      const input = Float32Array.from(target.subarray(0, batch * gridLength));
      target.set(referenceTransform(input, n, batch, direction));
    }
    // buffer: forward(x0), x1, inverse(x2); other: forward(inverse(y0)) ≈ y0, inverse(y1)
    for (const [result, reference] of [
      [got, expected],
      [gotOther, expectedOther],
    ] as const) {
      for (let g = 0; g < reference.length / gridLength; g++) {
        const range = [g * gridLength, (g + 1) * gridLength] as const;
        expect(spectralError(result.subarray(...range), reference.subarray(...range))).toBeLessThan(2e-6);
      }
    }
    expectSpareUntouched(got, n, values.length);
    expectSpareUntouched(gotOther, n, other.length);
    buffer.destroy();
    otherBuffer.destroy();
  });

  it('transforms 1025 grids at N = 8 (65600 lines per axis, more than one dispatch dimension holds)', async () => {
    const n = 8;
    const grids = 1025;
    const values = randomGrids(n, grids, 7);
    const buffer = poisonedBuffer(gpu, n, values, 1);
    const got = await runSteps(gpu, await fftOf(n), buffer, [{ batch: grids, direction: 'forward' }]);
    expect(
      spectralError(got.subarray(0, values.length), referenceTransform(values, n, grids, 'forward')),
    ).toBeLessThan(2e-6);
    expectSpareUntouched(got, n, values.length);
    buffer.destroy();
  });

  it('splits batches larger than one dispatch into ranges of grids', async () => {
    const n = 8;
    const grids = 20;
    const fft = await Fft3d.create(gpu.device, n, { maxGridsPerDispatch: 7 });
    const values = randomGrids(n, grids, 8);
    for (const direction of ['forward', 'inverse'] as const) {
      const buffer = poisonedBuffer(gpu, n, values, 1);
      const got = await runSteps(gpu, fft, buffer, [{ batch: grids, direction }]);
      expect(
        spectralError(got.subarray(0, values.length), referenceTransform(values, n, grids, direction)),
      ).toBeLessThan(2e-6);
      expectSpareUntouched(got, n, values.length);
      buffer.destroy();
    }
    fft.destroy();
  });

  it('is more accurate with float64-table twiddles than with cos/sin in f32 (N = 32)', async () => {
    const n = 32;
    const values = randomGrids(n, 1, 9);
    const expected = referenceTransform(values, n, 1, 'forward');
    const errors: Record<string, number> = {};
    for (const twiddles of ['table', 'computed'] as const) {
      // the GPU layout: with whole lines every twiddle index is a compile-time constant, and
      // SwiftShader then folds cos/sin exactly, which hides what this compares
      const fft = await Fft3d.create(gpu.device, n, { twiddles, wholeLines: false });
      const buffer = poisonedBuffer(gpu, n, values, 0);
      errors[twiddles] = spectralError(
        await runSteps(gpu, fft, buffer, [{ batch: 1, direction: 'forward' }]),
        expected,
      );
      buffer.destroy();
      fft.destroy();
    }
    console.log('twiddle source, forward error at N = 32:', errors);
    expect(errors.table).toBeLessThan(2e-6);
    expect(errors.table! * 10).toBeLessThan(errors.computed!);
  });

  // The default is 16 on SwiftShader (64 on GPUs): check the GPU default and the extremes too.
  // N = 16 and 32 run with one invocation per line by default on SwiftShader (wholeLines): the GPU's
  // exchange through workgroup memory is checked here explicitly, and whole lines on their own.
  for (const [n, workgroupSize, wholeLines] of [
    [16, 64, false],
    [16, 16, false],
    [16, 16, true],
    [16, 64, true],
    [32, 64, false],
    [32, 16, false],
    [32, 16, true],
    [8, 64, false],
    [64, 8, false],
  ] as const) {
    const lines = wholeLines ? workgroupSize : (8 * workgroupSize) / n;
    const layout = wholeLines ? 'one invocation per line' : `${n / 8} invocations per line`;
    it(`agrees with fft3d with ${workgroupSize} invocations per workgroup (N = ${n}, ${lines} lines, ${layout})`, async () => {
      const fft = await Fft3d.create(gpu.device, n, { workgroupSize, wholeLines });
      expect(fft.wholeLines).toBe(wholeLines);
      expect(fft.linesPerWorkgroup).toBe(lines);
      const grids = n === 64 ? 1 : 3;
      const values = randomGrids(n, grids, 11 + n);
      for (const direction of ['forward', 'inverse'] as const) {
        const buffer = poisonedBuffer(gpu, n, values, 1);
        const got = await runSteps(gpu, fft, buffer, [{ batch: grids, direction }]);
        expect(
          spectralError(got.subarray(0, values.length), referenceTransform(values, n, grids, direction)),
        ).toBeLessThan(2e-6);
        expectSpareUntouched(got, n, values.length);
        buffer.destroy();
      }
      fft.destroy();
    });
  }

  it('refuses bad sizes instead of transforming the wrong bytes', async () => {
    await expect(Fft3d.create(gpu.device, 12)).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 4)).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 128)).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 64, { wholeLines: true })).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 8, { wholeLines: true })).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 16, { workgroupSize: 48 })).rejects.toThrow(RangeError);
    await expect(Fft3d.create(gpu.device, 64, { workgroupSize: 4 })).rejects.toThrow(RangeError);
    const fft = await fftOf(8);
    const buffer = poisonedBuffer(gpu, 8, new Float32Array(2 * 512 * 2), 0);
    const encoder = gpu.device.createCommandEncoder();
    expect(() => fft.record(encoder, buffer, 3, 'forward')).toThrow(RangeError);
    expect(() => fft.record(encoder, buffer, 0, 'forward')).toThrow(RangeError);
    expect(() => fft.record(encoder, buffer, 1.5, 'inverse')).toThrow(RangeError);
    buffer.destroy();
  });

  it('reports the time of one batched forward transform (SwiftShader: rough, not a benchmark)', async () => {
    const timings: Record<string, string> = {};
    for (const [n, grids] of [
      [16, 64],
      [32, 16],
    ] as const) {
      const fft = await fftOf(n);
      const buffer = poisonedBuffer(gpu, n, randomGrids(n, grids, 10), 0);
      const times: number[] = [];
      for (let repeat = 0; repeat < 4; repeat++) {
        const encoder = gpu.device.createCommandEncoder({ label: 'test.fftTiming' });
        fft.record(encoder, buffer, grids, repeat % 2 === 0 ? 'forward' : 'inverse');
        const start = performance.now();
        gpu.device.queue.submit([encoder.finish()]);
        await gpu.device.queue.onSubmittedWorkDone();
        times.push(performance.now() - start);
      }
      // the first submit includes SwiftShader's lazy shader compilation
      timings[`N = ${n}, batch ${grids}`] = `${Math.min(...times.slice(1)).toFixed(1)} ms`;
      const got = await readFloat32(gpu.device, buffer);
      expect(got.every(Number.isFinite)).toBe(true);
      buffer.destroy();
    }
    console.log(`forward/inverse FFT on ${gpu.report.description || gpu.report.device}:`, timings);
  });
});
