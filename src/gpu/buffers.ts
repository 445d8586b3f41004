/**
 * Buffers: storage buffers from typed arrays and back (the only two moves between host and GPU),
 * and uniform buffers sized by their struct layout (struct.ts).
 */

type NumericArray = Float32Array | Uint32Array | Int32Array;

/** Bytes of one f32 value. */
export const F32_BYTES = 4;
/** Bytes of one complex value, vec2f (re, im). */
export const COMPLEX_BYTES = 2 * F32_BYTES;

/** A uniform buffer of one struct (its byteSize, from defineStruct), written with queue.writeBuffer. */
export function createUniformBuffer(
  device: GPUDevice,
  label: string,
  layout: { byteSize: number },
): GPUBuffer {
  return device.createBuffer({
    label,
    size: layout.byteSize,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
}

/** A storage buffer holding `data`, also usable as a copy source and destination. */
export function createStorageBuffer(
  device: GPUDevice,
  label: string,
  data: NumericArray,
  extraUsage: GPUBufferUsageFlags = 0,
): GPUBuffer {
  const buffer = device.createBuffer({
    label,
    size: Math.max(4, alignTo(data.byteLength, 4)),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
    mappedAtCreation: true,
  });
  new (data.constructor as new (b: ArrayBuffer) => NumericArray)(buffer.getMappedRange()).set(data);
  buffer.unmap();
  return buffer;
}

/** A zero-filled storage buffer of `byteLength` bytes. */
export function createEmptyStorageBuffer(
  device: GPUDevice,
  label: string,
  byteLength: number,
  extraUsage: GPUBufferUsageFlags = 0,
): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(4, alignTo(byteLength, 4)),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
}

/** Copies `byteLength` bytes of `source` (from `offset`) into a fresh ArrayBuffer. Waits for the GPU. */
export async function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  byteLength: number = source.size - 0,
  offset = 0,
): Promise<ArrayBuffer> {
  const size = alignTo(byteLength, 4);
  const staging = device.createBuffer({
    label: `${source.label}.readback`,
    size,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder({ label: `${source.label}.readback` });
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readFloat32(
  device: GPUDevice,
  source: GPUBuffer,
  count?: number,
): Promise<Float32Array> {
  const bytes = count === undefined ? source.size : count * 4;
  return new Float32Array(await readBuffer(device, source, bytes));
}

export function alignTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
