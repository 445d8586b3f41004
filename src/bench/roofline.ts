/**
 * The adapter's measured limits for the roofline of `npm run bench`: a peak-FMA kernel and a copy
 * kernel (src/shaders/benchPeak.wgsl), timed by queue completion, median of repeats after warm-up.
 */
import { createEmptyStorageBuffer } from '../gpu/buffers';
import { buildComputePipeline } from '../gpu/pipelines';
import source from '../shaders/benchPeak.wgsl?raw';

const WORKGROUP_SIZE = 256;

/**
 * Median wall time (ms) of `record` submitted and completed `repeats` times after one warm-up
 * (fewer repeats when one run takes longer than `budgetMs`: slow cases on a CPU adapter).
 */
export async function timeSubmissions(
  device: GPUDevice,
  record: (e: GPUCommandEncoder) => void,
  repeats: number,
  budgetMs = 20_000,
) {
  const once = async () => {
    const encoder = device.createCommandEncoder();
    record(encoder);
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  const warmUp = await once();
  const times: number[] = [];
  const count = Math.max(1, Math.min(repeats, Math.floor(budgetMs / warmUp)));
  for (let i = 0; i < count; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export interface Roofline {
  /** Peak f32 FMA throughput, GFLOP/s (2 FLOP per FMA). */
  readonly peakGflops: number;
  /** Copy bandwidth, GB/s (bytes read + written). */
  readonly bandwidthGBs: number;
}

export async function measureRoofline(device: GPUDevice, quick: boolean): Promise<Roofline> {
  const iterations = quick ? 256 : 2048;
  const invocations = quick ? 64 * 1024 : 1024 * 1024;
  const bytes = (quick ? 16 : 128) * 1024 * 1024;
  const build = (entryPoint: string) =>
    buildComputePipeline(device, {
      label: `roofline.${entryPoint}`,
      code: source,
      entryPoint,
      constants: { WORKGROUP_SIZE, ITERATIONS: iterations },
    });
  const [fma, copy] = await Promise.all([build('peakFma'), build('copyBandwidth')]);
  const source_ = createEmptyStorageBuffer(device, 'roofline.source', bytes);
  const target = createEmptyStorageBuffer(device, 'roofline.target', bytes);
  const groupFor = (p: GPUComputePipeline) =>
    device.createBindGroup({
      layout: p.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: source_ } },
        { binding: 1, resource: { buffer: target } },
      ],
    });
  const dispatch = (p: GPUComputePipeline, count: number) => (e: GPUCommandEncoder) => {
    const pass = e.beginComputePass();
    pass.setPipeline(p);
    pass.setBindGroup(0, groupFor(p));
    const groups = Math.ceil(count / WORKGROUP_SIZE);
    const x = Math.min(groups, 65535);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
  };
  const fmaMs = await timeSubmissions(device, dispatch(fma, invocations), 3);
  const copyMs = await timeSubmissions(device, dispatch(copy, bytes / 16), 3);
  source_.destroy();
  target.destroy();
  return {
    peakGflops: (invocations * iterations * 4 * 4 * 2) / (fmaMs * 1e6),
    bandwidthGBs: (2 * bytes) / (copyMs * 1e6),
  };
}
