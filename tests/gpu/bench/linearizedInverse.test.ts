// The bench's L⁻¹ case (src/bench/linearizedInverse.ts) on this adapter at N_v = 8, two cells: a
// converged solve (f32 residual), and a record whose cost ratio is consistent with its own figures
// (a solve is its GMRES steps plus two applications' worth, give or take the host's share).
import { beforeAll, describe, expect, it } from 'vitest';
import { measureLinearizedInverse } from '../../../src/bench/linearizedInverse';
import type { GpuContext } from '../../../src/gpu/context';
import { testGpu } from '../../support/gpu';

describe('the bench L⁻¹ case', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('solves every cell and states the solve in operator applications', async () => {
    const measured = await measureLinearizedInverse(gpu.device, 8, 2);
    if ('skipped' in measured) throw new Error('no budget was given: nothing may be skipped');
    const r = measured;
    console.log(JSON.stringify(r));
    expect(r.case).toBe('webgpu linearized-inverse nv=8 nx=2');
    expect(r.residual).toBeLessThan(1e-4);
    expect(r.gmres_steps).toBeGreaterThan(2);
    expect(r.gmres_steps).toBeLessThan(40);
    expect(r.ms_per_cell).toBeCloseTo(r.ms_per_solve / 2, 10);
    expect(r.solve_in_applications).toBeCloseTo(r.ms_per_solve / r.ms_per_operator_application, 10);
    // each GMRES step is one application, plus the final residual check
    expect(r.solve_in_applications).toBeGreaterThan(0.5 * r.gmres_steps);
  }, 300_000);

  it('skips a case whose projected time is over the budget, saying so', async () => {
    const r = await measureLinearizedInverse(gpu.device, 8, 2, 1);
    expect(r).toMatchObject({ skipped: 'webgpu linearized-inverse nv=8 nx=2' });
    expect('projectedMs' in r && r.projectedMs > 1).toBe(true);
  }, 300_000);
});
