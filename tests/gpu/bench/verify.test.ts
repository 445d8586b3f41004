// The bench's correctness gate (src/bench/verify.ts): on this adapter the GPU collision operator
// agrees with its float64 twin within AGREEMENT_BOUND, and the measure it uses cannot be passed
// by a wrong factor, a NaN or a zero scale.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchConfig } from '../../../src/bench/cases';
import { AGREEMENT_BOUND, agrees, scaledMaxError, verifyCollisionOperator } from '../../../src/bench/verify';
import type { GpuContext } from '../../../src/gpu/context';
import { testGpu } from '../../support/gpu';

describe('the bench agreement check', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('passes the GPU operator of the bench set-up at N_v = 8 on two cells', async () => {
    const a = await verifyCollisionOperator(gpu.device, benchConfig(8, 1), 2);
    expect(a.nv).toBe(8);
    expect(a.cells).toBe(2);
    expect(a.q).toBeLessThan(AGREEMENT_BOUND);
    expect(a.nu).toBeLessThan(AGREEMENT_BOUND);
    expect(agrees(a)).toBe(true);
  });

  it('fails a factor of 2, a NaN, an infinity and a zero scale', () => {
    const expected = [1, -2, 3];
    expect(scaledMaxError(expected, expected, 3)).toBe(0);
    expect(scaledMaxError([2, -4, 6], expected, 3)).toBe(1);
    expect(scaledMaxError([1, Number.NaN, 3], expected, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(scaledMaxError([1, -2, Number.POSITIVE_INFINITY], expected, 3)).toBe(Number.POSITIVE_INFINITY);
    expect(scaledMaxError(expected, expected, 0)).toBe(Number.POSITIVE_INFINITY);
    const passing = { nv: 8, cells: 1, q: 1e-6, nu: 1e-6, planePass: false };
    expect(agrees(passing)).toBe(true);
    expect(agrees({ ...passing, q: Number.NaN })).toBe(false);
    expect(agrees({ ...passing, nu: 2 * AGREEMENT_BOUND })).toBe(false);
  });
});
