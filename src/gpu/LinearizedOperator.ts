/**
 * The linearised collision operator 𝓛 on the GPU for every x-cell at once (issue 17), host side of
 * src/shaders/linearizedOperator.wgsl; float64 twin: src/physics/collision/linearized.ts, whose
 * module comment derives 𝓛 = (I − P) χ L̃ χ (I − P). L̃ is the run's own GPU collision operator
 * (CollisionOperator) by polarisation, L̃ h = −(Q̃(μ + s h) − Q̃(μ − s h))/(2s), with a per-cell s
 * that makes s h a tenth of max μ so that the f32 difference keeps its digits (as the trapezoidal
 * step does). The per-cell μ, the support χ and the inverse Gram matrices of P come from the float64
 * twin (linearizedKernel) and are uploaded by setEquilibria. One apply = two operator evaluations,
 * one buffer copy and four small passes, in one submit.
 * L⁻¹ (inverse) is the float64 twin's solve batched over the cells: GMRES on 𝓛 + P + (1 − χ) with
 * the loss-frequency preconditioner (ν from the GPU operator evaluated at μ), every cell's Krylov
 * recurrence on the host in float64 and one GPU 𝓛 for all cells per step (gmresBatched), so the
 * host holds the bases: 2 N_v³ · cells · (steps + 1) doubles.
 */
import {
  ConvergenceError,
  kernelProjection,
  linearizedKernel,
  refuseKernelComponent,
} from '../physics/collision/linearized';
import { gmresBatched } from '../physics/krylov';
import { type MaxwellianState, solveLinear } from '../physics/maxwellian';
import type { VelocityGrid } from '../physics/velocityGrid';
import conservedSumsSource from '../shaders/conservedSums.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import source from '../shaders/linearizedOperator.wgsl?raw';
import velocityGridSource from '../shaders/velocityGrid.wgsl?raw';
import { BindGroupCache } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES, readFloat32 } from './buffers';
import { CollisionOperator, type CollisionSetup } from './CollisionOperator';
import { ProjectionParams, SIZES } from './ConservationProjection';
import { dispatchLinear } from './dispatch';
import { buildComputePipeline } from './pipelines';

const WORKGROUP_SIZE = 256;
/** s h is this fraction of max μ in the polarised evaluation (module comment). */
const POLARISATION_FRACTION = 0.1;
const ENTRY_POINTS = ['complement', 'polarisePlus', 'polariseMinus', 'difference'] as const;
type EntryPoint = (typeof ENTRY_POINTS)[number];

export class GpuLinearizedOperator {
  private readonly params: GPUBuffer;
  private readonly inverseGram: GPUBuffer;
  private readonly field: GPUBuffer;
  private readonly mu: GPUBuffer;
  private readonly support: GPUBuffer;
  private readonly cellScale: GPUBuffer;
  private readonly polarised: GPUBuffer;
  private readonly qPlus: GPUBuffer;
  private readonly bindings: BindGroupCache;
  /** max μ per cell (both species), for the polarisation scale. */
  private muMax: Float64Array;
  /**
   * For P on the host: the six invariants ψ_d (the same in every cell: they depend on the grid and
   * the masses only) and per cell the weight χμ, the support χ and the Gram matrix ([A; B], float64).
   */
  private invariants: readonly Float64Array[] = [];
  private cellKernels: { weight: Float64Array; support: Float64Array; gram: Float64Array }[] = [];
  /** Per cell the loss frequency ν ([A; B]) of the operator at μ, computed on first use. */
  private frequencies: Float64Array[] | null = null;

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
    private readonly collision: CollisionOperator,
    private readonly pipelines: Record<EntryPoint, GPUComputePipeline>,
  ) {
    const values = 2 * cellCount * grid.pointsPerCell;
    const label = (name: string) => `LinearizedOperator.${name}`;
    this.params = createUniformBuffer(device, label('params'), ProjectionParams);
    this.inverseGram = createEmptyStorageBuffer(device, label('inverseGram'), 36 * cellCount * F32_BYTES);
    this.field = createEmptyStorageBuffer(device, label('field'), values * F32_BYTES);
    this.mu = createEmptyStorageBuffer(device, label('mu'), values * F32_BYTES);
    this.support = createEmptyStorageBuffer(device, label('support'), values * F32_BYTES);
    this.cellScale = createEmptyStorageBuffer(device, label('cellScale'), cellCount * F32_BYTES);
    this.polarised = createEmptyStorageBuffer(device, label('polarised'), values * F32_BYTES);
    this.qPlus = createEmptyStorageBuffer(device, label('qPlus'), values * F32_BYTES);
    this.bindings = new BindGroupCache(device);
    this.muMax = new Float64Array(cellCount);
  }

  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    cellCount: number,
    setup: CollisionSetup,
  ): Promise<GpuLinearizedOperator> {
    const collision = await CollisionOperator.create(device, grid, cellCount, setup);
    const prelude = `${ProjectionParams.wgsl}${velocityGridSource}${linearIndexSource}${SIZES}${conservedSumsSource}`;
    const built = await Promise.all(
      ENTRY_POINTS.map((entryPoint) =>
        buildComputePipeline(device, {
          label: `LinearizedOperator.${entryPoint}`,
          prelude,
          code: source,
          entryPoint,
          constants: { NV: grid.nv, WORKGROUP_SIZE },
        }),
      ),
    );
    const pipelines = Object.fromEntries(ENTRY_POINTS.map((e, i) => [e, built[i]!])) as Record<
      EntryPoint,
      GPUComputePipeline
    >;
    return new GpuLinearizedOperator(device, grid, cellCount, collision, pipelines);
  }

  /** The support radius R of χ: the kernel truncation of the operator's tables. */
  get supportRadius(): number {
    return this.collision.tables.AA.truncation;
  }

  /** Per cell the bi-Maxwellian (one drift and one θ for both species) that 𝓛 linearises about. */
  setEquilibria(states: readonly (readonly [MaxwellianState, MaxwellianState])[]): void {
    const { grid, cellCount } = this;
    if (states.length !== cellCount) {
      throw new RangeError(`LinearizedOperator: ${states.length} cell states for ${cellCount} cells`);
    }
    const points = grid.pointsPerCell;
    const mu = new Float32Array(2 * cellCount * points);
    const support = new Float32Array(2 * cellCount * points);
    const inverses = new Float32Array(36 * cellCount);
    this.cellKernels = [];
    this.frequencies = null;
    states.forEach((cellStates, c) => {
      const kernel = linearizedKernel(cellStates, grid, this.supportRadius);
      let max = 0;
      for (let s = 0; s < 2; s++) {
        const offset = (s * cellCount + c) * points;
        mu.set(kernel.mu[s]!, offset);
        support.set(kernel.support.subarray(s * points, (s + 1) * points), offset);
        for (const x of kernel.mu[s]!) max = Math.max(max, x);
      }
      this.muMax[c] = max;
      for (let j = 0; j < 6; j++) {
        const unit = new Float64Array(6);
        unit[j] = 1;
        const column = solveLinear(kernel.gram, unit, 6);
        for (let i = 0; i < 6; i++) inverses[36 * c + 6 * i + j] = column[i]!;
      }
      if (c === 0) this.invariants = kernel.invariants;
      this.cellKernels.push({ weight: kernel.weight, support: kernel.support, gram: kernel.gram });
    });
    const [massA, massB] = [states[0]![0].mass, states[0]![1].mass];
    if (states.some(([a, b]) => a.mass !== massA || b.mass !== massB)) {
      throw new RangeError('LinearizedOperator: every cell must have the same species masses');
    }
    const queue = this.device.queue;
    queue.writeBuffer(
      this.params,
      0,
      ProjectionParams.pack({ cellCount, vmax: grid.vmax, dv: grid.dv, massA, massB }),
    );
    queue.writeBuffer(this.mu, 0, mu);
    queue.writeBuffer(this.support, 0, support);
    queue.writeBuffer(this.inverseGram, 0, inverses);
  }

  /** 𝓛 x for x of every cell ([A | B][cell][N_v³] f32), read back. */
  async apply(x: Float32Array<ArrayBuffer>): Promise<Float32Array> {
    const { device, grid, cellCount } = this;
    const points = grid.pointsPerCell;
    const values = 2 * cellCount * points;
    if (x.length !== values)
      throw new RangeError(`LinearizedOperator: ${x.length} values, expected ${values}`);
    const scales = new Float32Array(cellCount);
    for (let c = 0; c < cellCount; c++) {
      let max = 0;
      for (let s = 0; s < 2; s++) {
        const offset = (s * cellCount + c) * points;
        for (let i = 0; i < points; i++) max = Math.max(max, Math.abs(x[offset + i]!));
      }
      scales[c] = max > 0 ? (POLARISATION_FRACTION * this.muMax[c]!) / max : 1;
    }
    device.queue.writeBuffer(this.cellScale, 0, scales);
    device.queue.writeBuffer(this.field, 0, x);
    const encoder = device.createCommandEncoder({ label: 'LinearizedOperator.apply' });
    const resources = {
      params: this.params,
      inverseGram: this.inverseGram,
      field: this.field,
      mu: this.mu,
      support: this.support,
      cellScale: this.cellScale,
      polarised: this.polarised,
      qPlus: this.qPlus,
      qMinus: this.collision.q,
    };
    const run = (entry: EntryPoint, names: readonly (keyof typeof resources)[]) => {
      const pass = encoder.beginComputePass({ label: `LinearizedOperator.${entry}` });
      const pipeline = this.pipelines[entry];
      pass.setPipeline(pipeline);
      pass.setBindGroup(
        0,
        this.bindings.get(pipeline, Object.fromEntries(names.map((n) => [n, resources[n]]))),
      );
      if (entry === 'complement') pass.dispatchWorkgroups(cellCount);
      else dispatchLinear(pass, values, WORKGROUP_SIZE);
      pass.end();
    };
    const complement = ['params', 'inverseGram', 'field', 'mu', 'support'] as const;
    const polarise = ['params', 'field', 'mu', 'cellScale', 'polarised'] as const;
    run('complement', complement);
    run('polarisePlus', polarise);
    this.collision.record(encoder, this.polarised);
    encoder.copyBufferToBuffer(this.collision.q, 0, this.qPlus, 0, values * F32_BYTES);
    run('polariseMinus', polarise);
    this.collision.record(encoder, this.polarised);
    run('difference', ['params', 'field', 'support', 'cellScale', 'qPlus', 'qMinus']);
    run('complement', complement);
    device.queue.submit([encoder.finish()]);
    return readFloat32(device, this.field, values);
  }

  /** P h for one cell (the twin's kernelProjection). */
  private kernelPart(c: number, h: Float64Array): Float64Array {
    const { weight, gram } = this.cellKernels[c]!;
    return kernelProjection(this.invariants, weight, gram, h);
  }

  /** ν per cell from the GPU operator evaluated at μ (its loss frequencies). */
  private async lossFrequencies(): Promise<Float64Array[]> {
    if (this.frequencies) return this.frequencies;
    const { device, grid, cellCount } = this;
    const points = grid.pointsPerCell;
    const encoder = device.createCommandEncoder({ label: 'LinearizedOperator.lossFrequency' });
    this.collision.record(encoder, this.mu);
    device.queue.submit([encoder.finish()]);
    const all = await readFloat32(device, this.collision.frequency, 2 * cellCount * points);
    this.frequencies = Array.from({ length: cellCount }, (_, c) => {
      const nu = new Float64Array(2 * points);
      for (let s = 0; s < 2; s++)
        nu.set(all.subarray((s * cellCount + c) * points, (s * cellCount + c + 1) * points), s * points);
      return nu;
    });
    return this.frequencies;
  }

  /**
   * h = 𝓛⁻¹ g for every cell (g: [A | B][cell][N_v³]), with P h = 0. Refuses a cell whose source has a
   * kernel component (SolvabilityError naming the cell), and says which cell missed the tolerance
   * (ConvergenceError). f32: the tolerance is on the relative residual, default 1e−5.
   */
  async inverse(
    g: Float32Array,
    options: { tolerance?: number; maxIterations?: number; solvabilityTolerance?: number } = {},
  ): Promise<{ solution: Float32Array; iterations: number[]; residuals: number[] }> {
    const { grid, cellCount } = this;
    const points = grid.pointsPerCell;
    const tolerance = options.tolerance ?? 1e-5;
    const maxIterations = options.maxIterations ?? 40;
    const solvability = options.solvabilityTolerance ?? 1e-5;
    if (g.length !== 2 * cellCount * points || !g.every(Number.isFinite)) {
      throw new RangeError(`L⁻¹ (GPU): the source must be ${2 * cellCount * points} finite values`);
    }
    const unpack = (all: Float32Array, c: number) => {
      const h = new Float64Array(2 * points);
      for (let s = 0; s < 2; s++)
        h.set(all.subarray((s * cellCount + c) * points, (s * cellCount + c + 1) * points), s * points);
      return h;
    };
    const pack = (cells: readonly Float64Array[]) => {
      const all = new Float32Array(2 * cellCount * points);
      cells.forEach((h, c) => {
        for (let s = 0; s < 2; s++)
          all.set(h.subarray(s * points, (s + 1) * points), (s * cellCount + c) * points);
      });
      return all;
    };
    const sources = Array.from({ length: cellCount }, (_, c) => {
      const support = this.cellKernels[c]!.support;
      const b = unpack(g, c).map((x, i) => x * support[i]!);
      refuseKernelComponent(this.invariants, b, solvability, ` in cell ${c}`);
      return b;
    });
    const frequencies = await this.lossFrequencies();
    const preconditions = frequencies.map((nu, c) => {
      const support = this.cellKernels[c]!.support;
      const max = Math.max(...nu);
      return nu.map((x, i) => (support[i]! > 0 ? Math.max(x, 1e-3 * max) : 1));
    });
    const applyAll = async (xs: readonly Float64Array[]) => {
      const lx = await this.apply(pack(xs));
      return xs.map((x, c) => {
        const out = unpack(lx, c);
        const px = this.kernelPart(c, x);
        const support = this.cellKernels[c]!.support;
        for (let i = 0; i < out.length; i++) out[i]! += px[i]! + (1 - support[i]!) * x[i]!;
        return out;
      });
    };
    const result = await gmresBatched(applyAll, sources, preconditions, tolerance, maxIterations);
    // the recurrence's residuals, checked against the operator itself
    const back = await applyAll(result.solutions);
    const residuals = sources.map((b, c) => {
      let rr = 0;
      let bb = 0;
      for (let i = 0; i < b.length; i++) {
        rr += (b[i]! - back[c]![i]!) ** 2;
        bb += b[i]! ** 2;
      }
      return bb > 0 ? Math.sqrt(rr / bb) : 0;
    });
    residuals.forEach((r, c) => {
      if (!(result.residuals[c]! <= tolerance && r <= 10 * tolerance)) {
        throw new ConvergenceError(result.iterations[c]!, Math.max(r, result.residuals[c]!), tolerance);
      }
    });
    const solutions = result.solutions.map((x, c) => {
      const px = this.kernelPart(c, x);
      return x.map((value, i) => value - px[i]!);
    });
    return { solution: pack(solutions), iterations: result.iterations, residuals };
  }

  destroy(): void {
    this.collision.destroy();
    for (const b of [
      this.params,
      this.inverseGram,
      this.field,
      this.mu,
      this.support,
      this.cellScale,
      this.polarised,
      this.qPlus,
    ])
      b.destroy();
  }
}
