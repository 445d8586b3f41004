/**
 * The adapter's measured limits for the roofline of `npm run bench`: a peak-FMA kernel and a copy
 * kernel (src/shaders/benchPeak.wgsl), timed by GpuTimer (timestamps where the device has them).
 * The problem grows (more invocations, a larger copy, then several dispatches per sample) until one
 * sample lasts long enough to be timed well, so the same code measures SwiftShader (GFLOP/s) and a
 * data-centre GPU (tens of TFLOP/s); then the median of a few samples.
 */
import { BindGroupCache } from '../gpu/bindings';
import { createEmptyStorageBuffer } from '../gpu/buffers';
import { dispatchLinear } from '../gpu/dispatch';
import { buildComputePipeline } from '../gpu/pipelines';
import source from '../shaders/benchPeak.wgsl?raw';
import type { GpuTimer, GpuTimingMethod } from './gpuTimer';
import { median } from './stats';

const WORKGROUP_SIZE = 256;
/** FMA loop length of one invocation: 4 accumulators × vec4 × 2 FLOP per iteration. */
const ITERATIONS = 1024;
const FLOPS_PER_INVOCATION = ITERATIONS * 4 * 4 * 2;
const MAX_INVOCATIONS = 4 * 1024 * 1024;
const FIRST_INVOCATIONS = 16 * 1024;
const FIRST_COPY_BYTES = 16 * 1024 * 1024;
const MAX_COPY_BYTES = 256 * 1024 * 1024;
const MAX_DISPATCHES_PER_SAMPLE = 64;
const SAMPLES = 3;

export interface Roofline {
  /** Peak f32 FMA throughput, GFLOP/s (2 FLOP per FMA). */
  readonly peakGflops: number;
  /** Copy bandwidth, GB/s (bytes read + written). */
  readonly bandwidthGBs: number;
  readonly timing: GpuTimingMethod;
}

export async function measureRoofline(device: GPUDevice, timer: GpuTimer): Promise<Roofline> {
  // timestamps time short work well; queue completion needs long samples to hide the submit latency
  const targetMs = timer.method === 'timestamp-query' ? 20 : 100;
  const build = (entryPoint: string) =>
    buildComputePipeline(device, {
      label: `roofline.${entryPoint}`,
      code: source,
      entryPoint,
      constants: { WORKGROUP_SIZE, ITERATIONS },
    });
  const [fma, copy] = await Promise.all([build('peakFma'), build('copyBandwidth')]);
  const limit = Math.min(
    MAX_COPY_BYTES,
    device.limits.maxStorageBufferBindingSize,
    device.limits.maxBufferSize,
  );

  let bytes = Math.min(FIRST_COPY_BYTES, limit);
  let buffers = allocate(device, bytes);
  const bindings = new BindGroupCache(device);
  const run = (pipeline: GPUComputePipeline, invocations: number) => (encoder: GPUCommandEncoder) => {
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindings.get(pipeline, { source: buffers[0], destination: buffers[1] }));
    dispatchLinear(pass, invocations, WORKGROUP_SIZE, device.limits.maxComputeWorkgroupsPerDimension);
    pass.end();
  };

  // FMA: more invocations, then more dispatches per sample, until a sample reaches targetMs
  let invocations = FIRST_INVOCATIONS;
  let sample = await timer.time(run(fma, invocations));
  while (sample < targetMs && invocations < MAX_INVOCATIONS) {
    invocations *= 8;
    sample = await timer.time(run(fma, invocations));
  }
  const fmaBatch = batchToReach(sample, targetMs);
  const fmaMs = median(await samples(() => timer.time(run(fma, invocations), fmaBatch)));

  // copy: a larger buffer, then more dispatches per sample
  sample = await timer.time(run(copy, bytes / 16));
  while (sample < targetMs && bytes * 4 <= limit) {
    bytes *= 4;
    for (const b of buffers) b.destroy();
    buffers = allocate(device, bytes);
    sample = await timer.time(run(copy, bytes / 16));
  }
  const copyBatch = batchToReach(sample, targetMs);
  const copyMs = median(await samples(() => timer.time(run(copy, bytes / 16), copyBatch)));
  for (const b of buffers) b.destroy();
  return {
    peakGflops: (invocations * FLOPS_PER_INVOCATION) / (fmaMs * 1e6),
    bandwidthGBs: (2 * bytes) / (copyMs * 1e6),
    timing: timer.method,
  };
}

function allocate(device: GPUDevice, bytes: number): [GPUBuffer, GPUBuffer] {
  return [
    createEmptyStorageBuffer(device, 'roofline.source', bytes),
    createEmptyStorageBuffer(device, 'roofline.target', bytes),
  ];
}

function batchToReach(sampleMs: number, targetMs: number): number {
  if (!(sampleMs > 0)) return MAX_DISPATCHES_PER_SAMPLE;
  return Math.max(1, Math.min(MAX_DISPATCHES_PER_SAMPLE, Math.ceil(targetMs / sampleMs)));
}

async function samples(once: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) out.push(await once());
  return out;
}
