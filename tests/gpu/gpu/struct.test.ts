import { describe, expect, it } from 'vitest';
import { createEmptyStorageBuffer, readBuffer } from '../../../src/gpu/buffers';
import { buildComputePipeline, ShaderCompileError } from '../../../src/gpu/pipelines';
import { defineStruct } from '../../../src/gpu/struct';
import { testGpu } from '../../support/gpu';

// Mixed alignments (vec3f after f32, vec2f after u32, vec4f last) are where hand-written offsets go wrong.
const Mixed = defineStruct('Mixed', {
  a: 'f32',
  b: 'vec3f',
  c: 'u32',
  d: 'vec2f',
  e: 'i32',
  f: 'vec4f',
});

describe('defineStruct', () => {
  it('lays out fields by the WGSL rules (offsets from the spec, checked by hand)', () => {
    expect(Mixed.offsets).toEqual({ a: 0, b: 16, c: 28, d: 32, e: 40, f: 48 });
    expect(Mixed.byteSize).toBe(64);
  });

  it('packs values where a real WGSL compiler reads them', async () => {
    const { device } = await testGpu();
    const pipeline = await buildComputePipeline(device, {
      label: 'struct-probe',
      prelude: Mixed.wgsl,
      code: `
        @group(0) @binding(0) var<uniform> u: Mixed;
        @group(0) @binding(1) var<storage, read_write> out: array<u32>;
        @compute @workgroup_size(1) fn main() {
          out[0] = bitcast<u32>(u.a);
          out[1] = bitcast<u32>(u.b.x); out[2] = bitcast<u32>(u.b.y); out[3] = bitcast<u32>(u.b.z);
          out[4] = u.c;
          out[5] = bitcast<u32>(u.d.x); out[6] = bitcast<u32>(u.d.y);
          out[7] = bitcast<u32>(u.e);
          out[8] = bitcast<u32>(u.f.x); out[9] = bitcast<u32>(u.f.w);
        }`,
    });
    const values = { a: 1.5, b: [2, 3, 4], c: 4000000000, d: [-5, 6.25], e: -7, f: [8, 9, 10, 11] } as const;
    const uniform = device.createBuffer({
      size: Mixed.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(uniform, 0, Mixed.pack(values));
    const out = createEmptyStorageBuffer(device, 'struct-probe.out', 10 * 4);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: uniform } },
          { binding: 1, resource: { buffer: out } },
        ],
      }),
    );
    pass.dispatchWorkgroups(1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const bytes = await readBuffer(device, out);
    const f = new Float32Array(bytes);
    const u = new Uint32Array(bytes);
    const i = new Int32Array(bytes);
    expect([f[0], f[1], f[2], f[3]]).toEqual([1.5, 2, 3, 4]);
    expect(u[4]).toBe(4000000000);
    expect([f[5], f[6]]).toEqual([-5, 6.25]);
    expect(i[7]).toBe(-7);
    expect([f[8], f[9]]).toEqual([8, 11]);
  });

  it('reports WGSL compile errors with the shader label and position', async () => {
    const { device } = await testGpu();
    await expect(
      buildComputePipeline(device, {
        label: 'broken',
        code: '@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }',
      }),
    ).rejects.toThrow(ShaderCompileError);
  });
});
