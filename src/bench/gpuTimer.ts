/**
 * GPU time of recorded work for `npm run bench`. With the device feature 'timestamp-query'
 * (src/gpu/context.ts requests it when the adapter has it) the work is bracketed, in ONE command
 * buffer, by two empty compute passes of our own whose `timestampWrites` mark the beginning and
 * the end; the kernel classes record their own passes, which we do not touch. Without the feature,
 * the wall time from submit to `onSubmittedWorkDone()` (it then includes the submit latency).
 *
 * Dawn quantises timestamps by default (its `timestamp_quantization` toggle, about 65 µs), and a
 * submit costs tens of µs: short work is therefore recorded `batch` times back to back in the one
 * command buffer and the time divided by `batch` (see `batchFor`).
 */

export type GpuTimingMethod = 'timestamp-query' | 'queue-completion';

/** One sample lasts at least this long once batched (well above the timestamp quantum). */
const MIN_SAMPLE_MS = 5;
const MAX_BATCH = 64;

export class GpuTimer {
  readonly method: GpuTimingMethod;
  private readonly querySet: GPUQuerySet | null;
  private readonly resolved: GPUBuffer | null;
  private readonly readback: GPUBuffer | null;

  constructor(private readonly device: GPUDevice) {
    const timestamps = device.features.has('timestamp-query');
    this.method = timestamps ? 'timestamp-query' : 'queue-completion';
    this.querySet = timestamps
      ? device.createQuerySet({ label: 'bench.timestamps', type: 'timestamp', count: 2 })
      : null;
    this.resolved = timestamps
      ? device.createBuffer({
          label: 'bench.timestamps.resolved',
          size: 16,
          usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
        })
      : null;
    this.readback = timestamps
      ? device.createBuffer({
          label: 'bench.timestamps.readback',
          size: 16,
          usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
        })
      : null;
  }

  /**
   * Milliseconds per execution of what `record` records, recorded `batch` times into one command
   * buffer. Earlier work is drained first, so nothing else is inside the span.
   */
  async time(record: (encoder: GPUCommandEncoder) => void, batch = 1): Promise<number> {
    const { device } = this;
    await device.queue.onSubmittedWorkDone();
    const encoder = device.createCommandEncoder({ label: 'bench.timed' });
    const { querySet, resolved, readback } = this;
    if (querySet) {
      encoder
        .beginComputePass({
          label: 'bench.timestamp.begin',
          timestampWrites: { querySet, beginningOfPassWriteIndex: 0 },
        })
        .end();
    }
    for (let i = 0; i < batch; i++) record(encoder);
    if (!querySet || !resolved || !readback) {
      const start = performance.now();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - start) / batch;
    }
    encoder
      .beginComputePass({
        label: 'bench.timestamp.end',
        timestampWrites: { querySet, endOfPassWriteIndex: 1 },
      })
      .end();
    encoder.resolveQuerySet(querySet, 0, 2, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readback, 0, 16);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(readback.getMappedRange().slice(0));
    readback.unmap();
    if (end! <= begin!) {
      throw new Error(`timestamp query: the end (${end}) is not after the beginning (${begin})`);
    }
    return Number(end! - begin!) / 1e6 / batch;
  }

  destroy(): void {
    this.querySet?.destroy();
    this.resolved?.destroy();
    this.readback?.destroy();
  }
}

/** Executions per sample so that one sample lasts about MIN_SAMPLE_MS, from one execution's time. */
export function batchFor(onceMs: number): number {
  if (!(onceMs > 0)) return MAX_BATCH;
  return Math.max(1, Math.min(MAX_BATCH, Math.ceil(MIN_SAMPLE_MS / onceMs)));
}
