/**
 * The device for GPU tests: Dawn in Node on whatever adapter the machine has (SwiftShader here).
 * A missing adapter is a failure, never a skip: these tests exist to run WGSL for real.
 */
import type { GpuContext } from '../../src/gpu/context';
import { acquireNodeGpu } from '../../src/gpu/node';

let context: Promise<GpuContext> | undefined;

export function testGpu(): Promise<GpuContext> {
  context ??= acquireNodeGpu({
    onUncapturedError: (error) => {
      throw new Error(`uncaptured WebGPU error: ${error.message}`);
    },
  });
  return context;
}

/** Fills a buffer with NaN so a kernel that skips an element is caught. */
export function poison(device: GPUDevice, buffer: GPUBuffer): void {
  device.queue.writeBuffer(buffer, 0, new Float32Array(buffer.size / 4).fill(Number.NaN));
}
