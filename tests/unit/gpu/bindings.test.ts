// Bind groups by WGSL name (src/gpu/bindings.ts), without a GPU: the binding names read from every
// shader of src/shaders, and one group per pipeline and buffer ranges, on a recording stand-in for
// the device.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BindGroupCache, declareBindings, wgslBindings } from '../../../src/gpu/bindings';

const shaders = new URL('../../../src/shaders/', import.meta.url);

describe('wgslBindings', () => {
  it('reads every group-0 binding of every shader, each name once', () => {
    for (const file of readdirSync(shaders).filter((f) => f.endsWith('.wgsl'))) {
      const code = readFileSync(new URL(file, shaders), 'utf8');
      const declared = code.match(/@binding\(/g)?.length ?? 0;
      const bindings = wgslBindings(code);
      expect(bindings.size, file).toBe(declared);
      expect(new Set(bindings.values()).size, file).toBe(declared);
    }
    const radial = readFileSync(new URL('collisionGainRadial.wgsl', shaders), 'utf8');
    expect([...wgslBindings(radial)]).toEqual([
      ['pair', 0],
      ['cursor', 1],
      ['radialMultiplier', 2],
      ['h', 3],
      ['gain', 4],
    ]);
  });

  it('skips other groups and refuses a name declared twice', () => {
    const code = `
      @group(0) @binding(0) var<uniform> params: P;
      @group(1) @binding(0) var<storage, read> other: array<f32>;
      @group(0)  @binding(3)  var<storage, read_write> out: array<f32>;`;
    expect([...wgslBindings(code)]).toEqual([
      ['params', 0],
      ['out', 3],
    ]);
    expect(() => wgslBindings(`${code}\n@group(0) @binding(4) var<uniform> params: P;`)).toThrow(/twice/);
  });
});

describe('BindGroupCache', () => {
  /** A device that records the bind groups it is asked for. */
  function recordingDevice() {
    const created: GPUBindGroupDescriptor[] = [];
    const device = {
      createBindGroup(descriptor: GPUBindGroupDescriptor) {
        created.push(descriptor);
        return { label: descriptor.label } as GPUBindGroup;
      },
    } as unknown as GPUDevice;
    return { device, created };
  }
  const pipeline = (label: string) =>
    ({ label, getBindGroupLayout: () => ({}) as GPUBindGroupLayout }) as unknown as GPUComputePipeline;
  const buffer = (label: string) => ({ label }) as GPUBuffer;
  const code = `
    @group(0) @binding(0) var<uniform> params: P;
    @group(0) @binding(1) var<storage, read> source: array<f32>;
    @group(0) @binding(2) var<storage, read_write> destination: array<f32>;`;

  it('binds each name at its WGSL index, once per pipeline and buffer ranges', () => {
    const { device, created } = recordingDevice();
    const cache = new BindGroupCache(device);
    const kernel = pipeline('kernel');
    const other = pipeline('other');
    declareBindings(kernel, code);
    declareBindings(other, code);
    const [params, a, b] = [buffer('params'), buffer('a'), buffer('b')];
    const first = cache.get(kernel, { params, source: a, destination: b });
    expect(created[0]!.entries).toEqual([
      { binding: 0, resource: { buffer: params } },
      { binding: 1, resource: { buffer: a } },
      { binding: 2, resource: { buffer: b } },
    ]);
    expect(cache.get(kernel, { params, source: a, destination: b })).toBe(first);
    expect(created).toHaveLength(1);
    // other buffers, another range of one, another pipeline: new groups
    cache.get(kernel, { params, source: b, destination: a });
    const range = { buffer: a, offset: 256, size: 512 };
    const ranged = cache.get(kernel, { params, source: range, destination: b });
    expect(cache.get(kernel, { params, source: { ...range }, destination: b })).toBe(ranged);
    cache.get(kernel, { params, source: { ...range, offset: 0 }, destination: b });
    cache.get(other, { params, source: a, destination: b });
    expect(created).toHaveLength(5);
    // a subset (an entry point's 'auto' layout holds only what it uses)
    cache.get(kernel, { params, destination: b });
    expect(created[5]!.entries).toEqual([
      { binding: 0, resource: { buffer: params } },
      { binding: 2, resource: { buffer: b } },
    ]);
    cache.clear();
    expect(cache.get(kernel, { params, source: a, destination: b })).not.toBe(first);
  });

  it('refuses a name the shader does not declare, and a pipeline whose source it never saw', () => {
    const { device } = recordingDevice();
    const cache = new BindGroupCache(device);
    const kernel = pipeline('kernel');
    declareBindings(kernel, code);
    expect(() => cache.get(kernel, { params: buffer('p'), input: buffer('i') })).toThrow(
      /kernel has no binding named input \(it has params, source, destination\)/,
    );
    expect(() => cache.get(pipeline('stranger'), { params: buffer('p') })).toThrow(/stranger/);
  });
});
