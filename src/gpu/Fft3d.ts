/**
 * Host side of src/shaders/fft.wgsl: batched, in-place 3D complex FFT of N³ grids of vec2f
 * (PHYSICS.md §4), with the conventions of src/physics/fft.ts (fft3d): forward unnormalised,
 * inverse normalised by 1/N³, natural order, layout [grid][i1][i2][i3] with i3 fastest.
 *
 * Six pipelines are built once (2 directions × 3 axes; direction and stride are override
 * constants, so the kernel's index arithmetic is compile-time). record() only records: one
 * compute pass with three dispatches (i3, i2, i1), each dispatch seeing the previous one's writes.
 *
 * No uniform carries the batch: the dispatch shape (N²/LINES, grids) and a binding of exactly
 * those grids carry it. So any number of record() calls with different batches and directions
 * can share one encoder (nothing is written to the queue, nothing can be overwritten before the
 * submit), and the kernel cannot touch bytes past the batch even in principle. Batches beyond
 * maxComputeWorkgroupsPerDimension (or the binding-size limit) are split into several dispatches
 * over consecutive ranges of grids. Bind groups are cached per buffer and range.
 */
import { fftPlan } from '../physics/fft';
import source from '../shaders/fft.wgsl?raw';
import lineSource from '../shaders/fftLine.wgsl?raw';
import { BindGroupCache } from './bindings';
import { COMPLEX_BYTES, createStorageBuffer } from './buffers';
import { isSoftwareAdapterInfo } from './context';
import { buildComputePipeline } from './pipelines';

export type FftDirection = 'forward' | 'inverse';

/** Sizes the kernel handles: one radix-8 stage and at most one more of radix N/8. */
const SIZES = [8, 16, 32, 64];
/** Invocations per workgroup on GPUs: two warps, one AMD wavefront. */
const GPU_WORKGROUP_SIZE = 64;
/**
 * On software adapters (SwiftShader) the zero-initialisation of workgroup memory and the barriers
 * cost in proportion to workgroup size × workgroup memory: 16 runs 2–4× faster there than 64
 * (SwiftShader on 2 busy cores, one 3D transform: N = 16 × 64 grids ≈ 80 vs 190–230 ms,
 * N = 32 × 16 grids ≈ 170 vs 360–800 ms).
 */
const SOFTWARE_WORKGROUP_SIZE = 16;
/** Values each invocation holds (one radix-8 group): the workgroup takes 8·workgroupSize/N lines. */
const VALUES_PER_INVOCATION = 8;
const DIRECTIONS: readonly FftDirection[] = ['forward', 'inverse'];
/** The three passes, in the order fft3d applies them. */
export const AXES = ['i3', 'i2', 'i1'] as const;
export type FftAxis = (typeof AXES)[number];

export interface Fft3dOptions {
  /**
   * Twiddle factors from a float64 table rounded once to f32 ('table', the default), or from
   * cos/sin in f32 ('computed': less accurate, kept so the tests can measure the difference).
   */
  twiddles?: 'table' | 'computed';
  /**
   * Invocations per workgroup, a power of two in [N/8, N³/8]. Default: 64, or 16 on a software
   * adapter (see SOFTWARE_WORKGROUP_SIZE).
   */
  workgroupSize?: number;
  /** At most this many grids per dispatch (default: as many as the limits allow). For tests. */
  maxGridsPerDispatch?: number;
  /**
   * N = 16 or 32 only: one invocation per line, N values in registers (fftLine.wgsl WHOLE_LINE),
   * instead of N/8 invocations exchanging values through workgroup memory with a barrier. Default:
   * on a software adapter, where the exchange costs 3–4× the radix work per value (BENCHMARKS.md).
   */
  wholeLines?: boolean;
}

export class Fft3d {
  /** Values per grid, N³. */
  readonly gridValues: number;
  /** Bytes per grid, N³ · 8. */
  readonly gridBytes: number;
  /** Grids per dispatch at most (workgroup-count and binding-size limits). */
  readonly maxGridsPerDispatch: number;
  /** (cos, sin)(2πk/N), k < N/2, binding 1 of every kernel that includes fftLine.wgsl. */
  readonly twiddleTable: GPUBuffer;
  private readonly bindings: BindGroupCache;

  private constructor(
    device: GPUDevice,
    readonly n: number,
    /** Lines per workgroup. */
    readonly linesPerWorkgroup: number,
    /** One invocation per line (Fft3dOptions.wholeLines). */
    readonly wholeLines: boolean,
    private readonly twiddles: 'table' | 'computed',
    /** pipelines[direction][axis] */
    private readonly pipelines: Readonly<Record<FftDirection, readonly GPUComputePipeline[]>>,
    maxGridsPerDispatch: number | undefined,
  ) {
    this.gridValues = n ** 3;
    this.gridBytes = this.gridValues * COMPLEX_BYTES;
    const { limits } = device;
    if (this.gridBytes % limits.minStorageBufferOffsetAlignment !== 0) {
      throw new RangeError(
        `Fft3d: a grid (${this.gridBytes} B) is not a multiple of the storage offset alignment`,
      );
    }
    this.maxGridsPerDispatch = Math.min(
      limits.maxComputeWorkgroupsPerDimension,
      Math.floor(limits.maxStorageBufferBindingSize / this.gridBytes),
      maxGridsPerDispatch ?? Number.POSITIVE_INFINITY,
    );
    const plan = fftPlan(n);
    const table = new Float32Array(n); // (cos, sin)(2πk/N), k < N/2, rounded once from float64
    for (let k = 0; k < n / 2; k++) {
      table[2 * k] = plan.cos[k]!;
      table[2 * k + 1] = plan.sin[k]!;
    }
    this.twiddleTable = createStorageBuffer(device, `Fft3d(N=${n}).twiddles`, table);
    this.bindings = new BindGroupCache(device);
  }

  static async create(device: GPUDevice, n: number, options: Fft3dOptions = {}): Promise<Fft3d> {
    if (!SIZES.includes(n)) throw new RangeError(`Fft3d: N must be one of ${SIZES.join(', ')}, got ${n}`);
    const workgroupSize =
      options.workgroupSize ?? (isSoftwareDevice(device) ? SOFTWARE_WORKGROUP_SIZE : GPU_WORKGROUP_SIZE);
    const wholeLineSize = n === 16 || n === 32;
    const wholeLines = options.wholeLines ?? (wholeLineSize && isSoftwareDevice(device));
    if (wholeLines && !wholeLineSize) throw new RangeError(`Fft3d: wholeLines needs N = 16 or 32, got ${n}`);
    const threadsPerLine = wholeLines ? 1 : n / VALUES_PER_INVOCATION;
    const lines = workgroupSize / threadsPerLine;
    // lines a power of two from 1 to N²: whole lines per workgroup, whole workgroups per grid
    if (!Number.isInteger(lines) || lines < 1 || lines > n * n || (lines & (lines - 1)) !== 0) {
      throw new RangeError(
        `Fft3d: workgroupSize must be a power of two in [${threadsPerLine}, ${n * n * threadsPerLine}], got ${workgroupSize}`,
      );
    }
    const sharedBytes = n === 8 || wholeLines ? 0 : lines * (n + n / 8 + 1) * COMPLEX_BYTES; // padded rows, fftLine.wgsl
    if (
      workgroupSize > device.limits.maxComputeInvocationsPerWorkgroup ||
      sharedBytes > device.limits.maxComputeWorkgroupStorageSize
    ) {
      throw new RangeError(`Fft3d: workgroupSize ${workgroupSize} exceeds the device's limits`);
    }
    const { maxGridsPerDispatch } = options;
    if (
      maxGridsPerDispatch !== undefined &&
      !(Number.isInteger(maxGridsPerDispatch) && maxGridsPerDispatch >= 1)
    ) {
      throw new RangeError(
        `Fft3d: maxGridsPerDispatch must be a positive integer, got ${maxGridsPerDispatch}`,
      );
    }
    const build = (direction: FftDirection, axis: number) =>
      buildComputePipeline(device, {
        label: `Fft3d(N=${n}).${direction}.${AXES[axis]}`,
        code: lineSource + source,
        constants: lineConstants(n, lines, wholeLines, direction, AXES[axis]!, options.twiddles ?? 'table'),
      });
    const [forward, inverse] = await Promise.all(
      DIRECTIONS.map((direction) => Promise.all(AXES.map((_, axis) => build(direction, axis)))),
    );
    return new Fft3d(
      device,
      n,
      lines,
      wholeLines,
      options.twiddles ?? 'table',
      { forward: forward!, inverse: inverse! },
      maxGridsPerDispatch,
    );
  }

  /**
   * Records the in-place transform of the first `batch` grids of `buffer` (batch · N³ vec2f,
   * layout [grid][i1][i2][i3]); values past the batch are neither read nor written.
   */
  record(
    encoder: GPUCommandEncoder,
    buffer: GPUBuffer,
    batch: number,
    direction: FftDirection,
    /** The axis passes to record, in fft3d's order (default all three; a fused kernel does the others). */
    axes: readonly FftAxis[] = AXES,
  ): void {
    const pass = encoder.beginComputePass({ label: `Fft3d(N=${this.n}).${direction}` });
    this.recordInPass(pass, buffer, batch, direction, axes);
    pass.end();
  }

  /** As record(), into an open compute pass (each dispatch sees the previous one's writes). */
  recordInPass(
    pass: GPUComputePassEncoder,
    buffer: GPUBuffer,
    batch: number,
    direction: FftDirection,
    axes: readonly FftAxis[] = AXES,
  ): void {
    if (!Number.isInteger(batch) || batch < 1) {
      throw new RangeError(`Fft3d.record: batch must be a positive integer, got ${batch}`);
    }
    if (batch * this.gridBytes > buffer.size) {
      throw new RangeError(
        `Fft3d.record: ${batch} grids of N=${this.n} need ${batch * this.gridBytes} B, ` +
          `${buffer.label || 'buffer'} has ${buffer.size} B`,
      );
    }
    const groupsPerGrid = this.workgroupsPerGrid;
    this.pipelines[direction].forEach((pipeline, axis) => {
      if (!axes.includes(AXES[axis]!)) return;
      pass.setPipeline(pipeline);
      for (let first = 0; first < batch; first += this.maxGridsPerDispatch) {
        const count = Math.min(this.maxGridsPerDispatch, batch - first);
        const data = { buffer, offset: first * this.gridBytes, size: count * this.gridBytes };
        pass.setBindGroup(0, this.bindings.get(pipeline, { data, twiddleTable: this.twiddleTable }));
        pass.dispatchWorkgroups(groupsPerGrid, count);
      }
    });
  }

  /** The override constants of fftLine.wgsl for one axis pass, for kernels that fuse work into it. */
  lineConstants(direction: FftDirection, axis: FftAxis): Record<string, number> {
    return lineConstants(this.n, this.linesPerWorkgroup, this.wholeLines, direction, axis, this.twiddles);
  }

  /** Workgroups of one axis pass over one grid: N² lines, LINES per workgroup. */
  get workgroupsPerGrid(): number {
    return (this.n * this.n) / this.linesPerWorkgroup;
  }

  destroy(): void {
    this.twiddleTable.destroy();
  }
}

function lineConstants(
  n: number,
  lines: number,
  wholeLines: boolean,
  direction: FftDirection,
  axis: FftAxis,
  twiddles: 'table' | 'computed',
): Record<string, number> {
  return {
    N: n,
    LOG2_N: Math.log2(n),
    STRIDE: n ** AXES.indexOf(axis),
    INVERSE: direction === 'inverse' ? 1 : 0,
    TABLE_TWIDDLES: twiddles === 'computed' ? 0 : 1,
    LINES: lines,
    WHOLE_LINE: wholeLines ? 1 : 0,
    THREADS_PER_LINE: wholeLines ? 1 : n / VALUES_PER_INVOCATION,
  };
}

/** The rule of context.ts (AdapterReport.isSoftware), from the device alone. */
export function isSoftwareDevice(device: GPUDevice): boolean {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return info ? isSoftwareAdapterInfo(info) : false;
}
