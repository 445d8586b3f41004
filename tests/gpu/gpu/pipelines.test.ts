import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../../src/gpu/context';
import { buildComputePipeline, ShaderCompileError } from '../../../src/gpu/pipelines';
import { testGpu } from '../../support/gpu';

const code = `
override SCALE: f32 = 1.0;
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(1) fn main() { data[0] = data[0] * SCALE; }`;

describe('the pipeline cache', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await testGpu();
  });

  it('returns the same pipeline for the same spec, a new one when a constant differs', async () => {
    const spec = { label: 'cache.scale', code, constants: { SCALE: 2 } };
    const a = await buildComputePipeline(gpu.device, spec);
    const b = await buildComputePipeline(gpu.device, { ...spec, constants: { SCALE: 2 } });
    const c = await buildComputePipeline(gpu.device, { ...spec, constants: { SCALE: 3 } });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('does not remember a failed compilation: each call reports it', async () => {
    const broken = { label: 'cache.broken', code: 'fn main( {' };
    await expect(buildComputePipeline(gpu.device, broken)).rejects.toBeInstanceOf(ShaderCompileError);
    await expect(buildComputePipeline(gpu.device, broken)).rejects.toBeInstanceOf(ShaderCompileError);
  });
});
