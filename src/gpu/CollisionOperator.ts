/**
 * The four collision integrals Q^{AA}, Q^{AB}, Q^{BA}, Q^{BB} of a two-species mixture on the GPU,
 * for every x-cell at once, by the fast Fourier spectral method (PHYSICS.md §4). Float64 twin:
 * mixtureCollisionOperators() in src/physics/collision/spectral.ts, whose tables (quadratures,
 * Φ̂, shift fractions) this class uploads, so both evaluate the same formulas.
 *
 * Output: q = (Q_A, Q_B) with Q_A = Q^{AA}(F^A,F^A) + Q^{AB}(F^A,F^B), Q_B = Q^{BA} + Q^{BB}, and the
 * loss frequencies ν_α = Σ_β F^β ∗ Φ_{αβ}; layout [species][cell][N_v³] f32, like the state.
 *
 * Per pair and BLOCK of radial nodes, in one compute pass: the batched inverse FFT of the shifted
 * spectra for all radial nodes of the block, sphere points and cells of a chunk, with the shift
 * fused into its first axis pass and the sphere sum into its last (collisionGainFused.wgsl: the
 * shifted spectra and the transformed shifted grids are never written to memory), one forward FFT
 * per (node, cell) and the sinc multipliers summed over the block's nodes. On GPUs the inverse
 * FFT's i3 and i2 passes over the shifted grids are one plane pass through workgroup memory
 * (planePass: 32 instead of 48 counted bytes per shifted value). The ±e symmetry of the
 * sphere rule (antipodalHalf in spectral.ts) halves that work: Q^{AA} and Q^{BB} run over half the
 * sphere points with doubled weights, and Q^{BA} takes Q^{AB}'s sphere sums with its own sinc
 * multiplier (a second radial pass into its own gain slot), so the shifted products are formed
 * for 2M instead of 4M sphere points per radial node. A block holds as many nodes as the shifted
 * grids' memory budget allows (radialBlocks), so the ~8 dispatches of a pass are recorded once
 * per block instead of once per node (issue 7: 24·N_ρ + 32 dispatches per operator before).
 * Both pairs of a species add their gain spectra, scaled by their c_{αβ}, into one slot (the
 * operator is linear in the pairs), and one kernel forms both species' loss spectra
 * (collisionLoss.wgsl); one inverse FFT of the chunk's four slots and one combine pass then give
 * Q_A, Q_B and ν_A, ν_B (8 tail transforms and 32 dispatches per chunk before: 4 and 5 now).
 * The block and the chunk reach the kernels through a small uniform `cursor` that the encoder
 * itself overwrites (copyBufferToBuffer from a table) between passes, so one encoder and one
 * submit carry the whole operator.
 */
import {
  antipodalHalf,
  type CollidingSpecies,
  type MixtureTables,
  mixtureSpectralTables,
  pairSharesSphereSums,
  type SpectralQuadrature,
  type SpectralTables,
  sinc,
} from '../physics/collision/spectral';
import type { SphereRule } from '../physics/quadrature';
import type { VelocityGrid } from '../physics/velocityGrid';
import combineSource from '../shaders/collisionCombine.wgsl?raw';
import fusedSource from '../shaders/collisionGainFused.wgsl?raw';
import radialSource from '../shaders/collisionGainRadial.wgsl?raw';
import lossSource from '../shaders/collisionLoss.wgsl?raw';
import fftLineSource from '../shaders/fftLine.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import spectrumSource from '../shaders/spectrumOfReal.wgsl?raw';
import { createEmptyStorageBuffer, createStorageBuffer } from './buffers';
import { dispatchLinear } from './dispatch';
import { COMPLEX_BYTES, Fft3d, type Fft3dOptions, isSoftwareDevice } from './Fft3d';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const PairParams = defineStruct('PairParams', {
  alpha: 'u32',
  beta: 'u32',
  cellCount: 'u32',
  sphereCount: 'u32',
  /** 0 for the pair whose gain comes first into species α's slot (AA, BA), 1 for the other. */
  accumulate: 'u32',
});

export const CollisionCursor = defineStruct('CollisionCursor', {
  /** First radial node of the block, and how many. */
  radialOffset: 'u32',
  radialCount: 'u32',
  cellOffset: 'u32',
  chunkCells: 'u32',
});

/** What the loss and combine kernels need (they run over both species at once). */
export const MixtureParams = defineStruct('MixtureParams', {
  cellCount: 'u32',
});

const WORKGROUP_SIZE = 256;
const PAIRS = ['AA', 'AB', 'BA', 'BB'] as const;
type PairName = (typeof PAIRS)[number];
const SPECIES_INDEX: Record<PairName, [number, number]> = { AA: [0, 0], AB: [0, 1], BA: [1, 0], BB: [1, 1] };
/** Spectra per cell of a chunk after the sphere sums: G_A, G_B, L_A, L_B (the gain buffer). */
const SLOTS = 4;

/** Budget for the batched shifted grids (cells × sphere points × N³ complex). */
const SHIFTED_BYTES_BUDGET = 256 * 1024 * 1024;

export interface CollisionSetup {
  readonly species: readonly [CollidingSpecies, CollidingSpecies];
  readonly gamma: number;
  readonly quadrature?: SpectralQuadrature;
  /** At most this many cells per chunk of the shifted grids (default: as many as the budget allows). For tests. */
  readonly maxChunkCells?: number;
  /** At most this many radial nodes per block (default: as many as the budget allows). For tests. */
  readonly maxRadialBlock?: number;
  /**
   * Fft3d's line layout for the transforms and the fused passes (default: the adapter's). For tests:
   * { wholeLines: false, workgroupSize: 64 } is what a GPU runs.
   */
  readonly fft?: Pick<Fft3dOptions, 'wholeLines' | 'workgroupSize'>;
  /**
   * The shifted grids' i3 and i2 passes in one dispatch through workgroup memory (shiftPlanePass;
   * one memory round trip fewer). Default: on GPUs, wherever it fits (planePassFits); not on
   * software adapters, where workgroup memory and barriers are what costs (Fft3d.ts). True where
   * it does not fit is an error.
   */
  readonly planePass?: boolean;
}

interface PairResources {
  readonly params: GPUBuffer;
  readonly phaseF: GPUBuffer;
  readonly phaseG: GPUBuffer;
  readonly radial: GPUBuffer;
  readonly sphereWeights: GPUBuffer;
  readonly nRho: number;
  /** Sphere points this pair's shift pass runs over (half the rule for AA and BB). */
  readonly sphereCount: number;
}

/** One entry of the recording order: a sphere-sum pass over a block of radial nodes of a chunk. */
export interface BlockPass {
  readonly pair: PairName;
  /** Q^{BA} fed from the same sphere sums (pairSharesSphereSums), or null. */
  readonly partner: PairName | null;
  readonly chunk: number;
  readonly radialOffset: number;
  readonly radialCount: number;
}

type KernelName = 'spectrum' | 'shift' | 'sphere' | 'radial' | 'loss' | 'combine';
/** The fused gain passes (collisionGainFused.wgsl): their entry points. */
const FUSED_ENTRY = { shift: 'shiftFirstPass', plane: 'shiftPlanePass', sphere: 'sphereLastPass' } as const;

/**
 * Whether the shifted grids' i3 and i2 passes can run as one plane pass (shiftPlanePass): N ≤ 32,
 * lines split over invocations (not whole lines), and a plane of N rows in workgroup memory.
 */
function planePassFits(device: GPUDevice, fft: Fft3d): boolean {
  const n = fft.n;
  const planeBytes = n * (n + n / 8 + 1) * COMPLEX_BYTES;
  return (
    n <= 32 &&
    !fft.wholeLines &&
    (n * n) / 8 <= device.limits.maxComputeInvocationsPerWorkgroup &&
    planeBytes <= device.limits.maxComputeWorkgroupStorageSize
  );
}

/** Largest |k|² of a signed FFT frequency vector, 3(N/2)²: radial multiplier tables have this + 1 entries. */
function squaredFrequencyCount(n: number): number {
  return (3 * n * n) / 4 + 1;
}

/**
 * A radial Fourier multiplier m(|ξ|) tabulated per integer |k|² (|ξ| = (π/L)|k|), in float64
 * rounded once; the kernels index it with squaredFrequency() of linearIndex.wgsl.
 */
function radialMultiplierTable(n: number, vmax: number, multiplier: (xi: number) => number): Float64Array {
  return Float64Array.from({ length: squaredFrequencyCount(n) }, (_, k2) =>
    multiplier((Math.PI / vmax) * Math.sqrt(k2)),
  );
}

/** Phase factors e^{iξ_k s_d} per (radial node, sphere point, axis, k), Nyquist zeroed (spectral.ts). */
function phaseTable(tables: SpectralTables, sphere: SphereRule, fraction: number): Float32Array {
  const { radialNodes, waveNumbers } = tables;
  const n = waveNumbers.length;
  const out = new Float32Array(radialNodes.length * sphere.count * 3 * n * 2);
  let o = 0;
  for (const rho of radialNodes) {
    for (let p = 0; p < sphere.count; p++) {
      for (let d = 0; d < 3; d++) {
        const s = fraction * rho * sphere.points[3 * p + d]!;
        for (let k = 0; k < n; k++, o += 2) {
          if (k === n / 2) continue; // Nyquist: zero, as in the twin
          out[o] = Math.cos(waveNumbers[k]! * s);
          out[o + 1] = Math.sin(waveNumbers[k]! * s);
        }
      }
    }
  }
  return out;
}

export class CollisionOperator {
  /** (Q_A, Q_B), [species][cell][N³] f32. */
  readonly q: GPUBuffer;
  /** (ν_A, ν_B), the loss frequencies, same layout. */
  readonly frequency: GPUBuffer;
  /** Cells per chunk of the batched shifted grids. */
  readonly chunkCells: number;
  tables: MixtureTables;
  private readonly spectra: GPUBuffer;
  private readonly shifted: GPUBuffer;
  private readonly sphereSum: GPUBuffer;
  /**
   * Per species α of the chunk, its gain spectrum Ĝ_α = Σ_β c_{αβ} Q̂⁺_{αβ} and its loss spectrum
   * L̂_α = Σ_β Φ̂_{αβ} f̂_β: [G_A, G_B, L_A, L_B][localCell][N³], one inverse FFT for all four.
   */
  private readonly gain: GPUBuffer;
  /** Whether Q^{BA} takes Q^{AB}'s sphere sums (pairSharesSphereSums). */
  private sharedSums = false;
  private readonly cursor: GPUBuffer;
  /** The cursor of each pass, in recording order (passes). */
  private cursorTable: GPUBuffer | null = null;
  private passes: BlockPass[] = [];
  private readonly countUniform: GPUBuffer;
  private readonly mixtureParams: GPUBuffer;
  /** Radial nodes per block for a pass over this many sphere points (radialBlock). */
  private readonly radialBlockOf: (sphereCount: number) => number;
  private pairs: Record<PairName, PairResources>;
  /** Φ̂_{αβ} per |k|², [pair][|k|²] (collisionLoss.wgsl). */
  private lossKernels: GPUBuffer | null = null;
  private readonly bindGroupCache = new Map<string, GPUBindGroup>();
  private stateBindings = new WeakMap<GPUBuffer, Map<string, GPUBindGroup>>();

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
    private readonly fft: Fft3d,
    private readonly pipelines: Record<KernelName, GPUComputePipeline>,
    /** The i3 and i2 passes of the shifted grids run as one plane pass (CollisionSetup.planePass). */
    readonly planePass: boolean,
    setup: CollisionSetup,
  ) {
    const points = grid.pointsPerCell;
    const gridBytes = points * COMPLEX_BYTES;
    this.tables = mixtureSpectralTables(grid, setup.species, setup.gamma, setup.quadrature);
    const sphereCount = this.tables.AA.sphere.count;
    const nRho = this.tables.AA.radialNodes.length;
    const perCell = sphereCount * gridBytes; // one radial node of one cell
    const budget = Math.min(SHIFTED_BYTES_BUDGET, device.limits.maxStorageBufferBindingSize);
    if (perCell > budget) {
      throw new RangeError(
        `CollisionOperator: one cell needs ${perCell} B of shifted grids (N_v = ${grid.nv}, ${sphereCount} sphere points), ` +
          `more than the ${budget} B this adapter binds; lower grid.nv or the sphere rule`,
      );
    }
    for (const [name, limit] of [
      ['maxChunkCells', setup.maxChunkCells],
      ['maxRadialBlock', setup.maxRadialBlock],
    ] as const) {
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
        throw new RangeError(`CollisionOperator: ${name} must be a positive integer, got ${limit}`);
      }
    }
    // the fused shift pass dispatches radialCount · chunkCells · M workgroups in y
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    this.chunkCells = Math.max(
      1,
      Math.min(
        cellCount,
        Math.floor(budget / perCell),
        Math.floor(maxGroups / sphereCount),
        setup.maxChunkCells ?? cellCount,
      ),
    );
    const chunkCells = this.chunkCells;
    // cells first, then radial nodes: a whole chunk of one node always fits (the checks above)
    this.radialBlockOf = (m: number) =>
      Math.max(
        1,
        Math.min(
          nRho,
          Math.floor(budget / (chunkCells * m * gridBytes)),
          Math.floor(maxGroups / (chunkCells * m)),
          setup.maxRadialBlock ?? nRho,
        ),
      );
    // the passes run over the full rule (AB, BA) or its antipodal half (AA, BB)
    const counts = [sphereCount, antipodalHalf(this.tables.AA.sphere)?.count ?? sphereCount];
    const units = (m: number) => chunkCells * this.radialBlockOf(m);
    const label = (name: string) => `CollisionOperator.${name}`;
    this.q = createEmptyStorageBuffer(device, label('q'), 2 * cellCount * points * 4);
    this.frequency = createEmptyStorageBuffer(device, label('frequency'), 2 * cellCount * points * 4);
    this.spectra = createEmptyStorageBuffer(device, label('spectra'), 2 * cellCount * gridBytes);
    this.shifted = createEmptyStorageBuffer(
      device,
      label('shifted'),
      Math.max(...counts.map((m) => units(m) * m)) * gridBytes,
    );
    this.sphereSum = createEmptyStorageBuffer(
      device,
      label('sphereSum'),
      Math.max(...counts.map(units)) * gridBytes,
    );
    this.gain = createEmptyStorageBuffer(device, label('gain'), SLOTS * chunkCells * gridBytes);
    this.cursor = device.createBuffer({
      label: label('cursor'),
      size: CollisionCursor.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.mixtureParams = device.createBuffer({
      label: label('mixtureParams'),
      size: MixtureParams.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.countUniform = device.createBuffer({
      label: label('count'),
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(this.countUniform, 0, Uint32Array.of(2 * cellCount * points, 0, 0, 0));
    this.pairs = this.uploadTables(this.tables);
  }

  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    cellCount: number,
    setup: CollisionSetup,
  ): Promise<CollisionOperator> {
    const constants = { NV: grid.nv, WORKGROUP_SIZE };
    const prelude = PairParams.wgsl + CollisionCursor.wgsl + MixtureParams.wgsl + linearIndexSource;
    const build = (name: KernelName, code: string) =>
      buildComputePipeline(device, {
        label: `CollisionOperator.${name}`,
        prelude: name === 'spectrum' ? linearIndexSource : prelude,
        code,
        constants: name === 'spectrum' ? { WORKGROUP_SIZE } : constants,
      });
    const fft = await Fft3d.create(device, grid.nv, setup.fft ?? {});
    const fits = planePassFits(device, fft);
    if (setup.planePass && !fits) {
      throw new RangeError(
        `CollisionOperator: planePass needs N_v ≤ 32 and lines split over invocations (not whole lines), got N_v = ${grid.nv}` +
          (fft.wholeLines ? ' with whole lines' : ''),
      );
    }
    const planePass = setup.planePass ?? (fits && !isSoftwareDevice(device));
    const n = grid.nv;
    // a plane of N lines per workgroup, room for the whole plane in `lines` (N = 8 included), and
    // the store along i2
    const planeConstants = {
      ...fft.lineConstants('inverse', 'i2'),
      LINES: n,
      THREADS_PER_LINE: n / 8,
      WHOLE_LINE: 0,
      LINE_STORAGE: n * (n + n / 8 + 1),
    };
    // the gain's shift and sphere sum ride on the inverse FFT's first (i3, or i3 + i2) and last (i1) passes
    const buildFused = (name: keyof typeof FUSED_ENTRY) =>
      buildComputePipeline(device, {
        label: `CollisionOperator.${name}(fused)`,
        prelude: PairParams.wgsl + CollisionCursor.wgsl,
        code: fftLineSource + fusedSource,
        entryPoint: FUSED_ENTRY[name],
        constants:
          name === 'plane' ? planeConstants : fft.lineConstants('inverse', name === 'shift' ? 'i3' : 'i1'),
      });
    const [spectrum, shift, sphere, radial, loss, combine] = await Promise.all([
      build('spectrum', spectrumSource),
      buildFused(planePass ? 'plane' : 'shift'),
      buildFused('sphere'),
      build('radial', radialSource),
      build('loss', lossSource),
      build('combine', combineSource),
    ]);
    return new CollisionOperator(
      device,
      grid,
      cellCount,
      fft,
      { spectrum, shift, sphere, radial, loss, combine },
      planePass,
      setup,
    );
  }

  /** New masses, diameters or γ (same grid and quadrature sizes): recompute and upload the tables. */
  setParameters(setup: CollisionSetup): void {
    const tables = mixtureSpectralTables(this.grid, setup.species, setup.gamma, setup.quadrature);
    if (
      tables.AA.sphere.count !== this.tables.AA.sphere.count ||
      tables.AA.radialNodes.length !== this.tables.AA.radialNodes.length
    ) {
      throw new RangeError(
        'CollisionOperator.setParameters: quadrature sizes changed; create a new operator',
      );
    }
    this.destroyTables();
    this.bindGroupCache.clear();
    this.stateBindings = new WeakMap();
    this.tables = tables;
    this.pairs = this.uploadTables(tables);
  }

  /** Records Q and ν of `state` ([species][cell][N³] f32) into this.q and this.frequency. */
  record(encoder: GPUCommandEncoder, state: GPUBuffer): void {
    const points = this.grid.pointsPerCell;
    const total = 2 * this.cellCount;
    let pass = encoder.beginComputePass({ label: 'CollisionOperator.spectrum' });
    this.dispatch(pass, 'spectrum', this.stateGroup(state, 'spectrum'), total * points);
    pass.end();
    this.fft.record(encoder, this.spectra, total, 'forward');

    const chunkPoints = this.chunkCells * points;
    const lineGroups = this.fft.workgroupsPerGrid;
    this.passes.forEach((block, b) => {
      const { pair: name, partner, radialCount } = block;
      const units = radialCount * this.chunkCells; // (node, cell) of the block
      const shiftedGrids = units * this.pairs[name].sphereCount;
      encoder.copyBufferToBuffer(
        this.cursorTable!,
        b * CollisionCursor.byteSize,
        this.cursor,
        0,
        CollisionCursor.byteSize,
      );
      // one pass per block: each dispatch sees the previous one's writes
      pass = encoder.beginComputePass({ label: `CollisionOperator.${name}.gain` });
      pass.setPipeline(this.pipelines.shift); // shifted spectra + the inverse i3 (and i2) pass
      pass.setBindGroup(0, this.pairGroup(name, 'shift'));
      if (this.planePass) {
        pass.dispatchWorkgroups(this.grid.nv, shiftedGrids); // one workgroup per plane
      } else {
        pass.dispatchWorkgroups(lineGroups, shiftedGrids);
        this.fft.recordInPass(pass, this.shifted, shiftedGrids, 'inverse', ['i2']);
      }
      pass.setPipeline(this.pipelines.sphere); // the inverse i1 pass + the sphere sum
      pass.setBindGroup(0, this.pairGroup(name, 'sphere'));
      pass.dispatchWorkgroups(lineGroups, units);
      this.fft.recordInPass(pass, this.sphereSum, units, 'forward');
      this.dispatch(pass, 'radial', this.pairGroup(name, 'radial'), chunkPoints);
      if (partner) this.dispatch(pass, 'radial', this.pairGroup(partner, 'radial'), chunkPoints);
      pass.end();
      const lastOfChunk = this.passes[b + 1]?.chunk !== block.chunk;
      if (!lastOfChunk) return;
      // the four pairs of the chunk (the cursor still holds its cells): loss, one inverse FFT, Q
      pass = encoder.beginComputePass({ label: 'CollisionOperator.lossAndCombine' });
      this.dispatch(pass, 'loss', this.mixtureGroup('loss'), 2 * chunkPoints);
      this.fft.recordInPass(pass, this.gain, SLOTS * this.chunkCells, 'inverse');
      this.dispatch(pass, 'combine', this.stateGroup(state, 'combine'), 2 * chunkPoints);
      pass.end();
    });
  }

  /** The sphere-sum passes of one record(), in recording order. */
  get blockPasses(): readonly BlockPass[] {
    return this.passes;
  }

  /** Dispatches one record() makes (the shape of the work, for the benchmark's records). */
  get dispatchCount(): number {
    const fft = (grids: number, axes = 3) => axes * Math.ceil(grids / this.fft.maxGridsPerDispatch);
    const chunks = Math.ceil(this.cellCount / this.chunkCells);
    let count = 1 + fft(2 * this.cellCount);
    for (const { pair, partner, radialCount } of this.passes) {
      const units = radialCount * this.chunkCells;
      const middle = this.planePass ? 0 : fft(units * this.pairs[pair].sphereCount, 1);
      count += 2 + middle + fft(units) + (partner ? 2 : 1);
    }
    return count + chunks * (2 + fft(SLOTS * this.chunkCells));
  }

  destroy(): void {
    this.destroyTables();
    for (const b of [this.q, this.frequency, this.spectra, this.shifted, this.sphereSum, this.gain])
      b.destroy();
    for (const b of [this.cursor, this.countUniform, this.mixtureParams]) b.destroy();
    this.fft.destroy();
  }

  private destroyTables(): void {
    for (const name of PAIRS) {
      const { params, phaseF, phaseG, radial, sphereWeights } = this.pairs[name];
      for (const b of [params, phaseF, phaseG, radial, sphereWeights]) b.destroy();
    }
    this.lossKernels?.destroy();
    this.cursorTable?.destroy();
    this.cursorTable = null;
  }

  private dispatch(
    pass: GPUComputePassEncoder,
    kernel: KernelName,
    group: GPUBindGroup,
    count: number,
  ): void {
    pass.setPipeline(this.pipelines[kernel]);
    pass.setBindGroup(0, group);
    dispatchLinear(pass, count, WORKGROUP_SIZE, this.device.limits.maxComputeWorkgroupsPerDimension);
  }

  private uploadTables(tables: MixtureTables): Record<PairName, PairResources> {
    const out = {} as Record<PairName, PairResources>;
    this.sharedSums = pairSharesSphereSums(tables.AB, tables.BA);
    const rows = squaredFrequencyCount(this.grid.nv);
    const lossKernels = new Float32Array(PAIRS.length * rows);
    PAIRS.forEach((name, index) => {
      // Φ̂ per |k|²: the twin's table is per mode; every mode of one |k|² holds the same value
      const t = tables[name];
      t.waveNumberNorm.forEach((xi, k) => {
        lossKernels[index * rows + Math.round(((xi * this.grid.vmax) / Math.PI) ** 2)] = t.lossKernel[k]!;
      });
    });
    this.lossKernels = createStorageBuffer(this.device, 'CollisionOperator.lossKernels', lossKernels);
    this.device.queue.writeBuffer(this.mixtureParams, 0, MixtureParams.pack({ cellCount: this.cellCount }));
    for (const name of PAIRS) {
      const t = tables[name];
      // AA and BB: f(v + ρe/2) f(v − ρe/2) is even in e, so half the rule with doubled weights
      const sphere = (name === 'AA' || name === 'BB' ? antipodalHalf(t.sphere) : null) ?? t.sphere;
      const [alpha, beta] = SPECIES_INDEX[name];
      const label = (what: string) => `CollisionOperator.${name}.${what}`;
      const params = this.device.createBuffer({
        label: label('params'),
        size: PairParams.byteSize,
        usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      });
      this.device.queue.writeBuffer(
        params,
        0,
        PairParams.pack({
          alpha,
          beta,
          cellCount: this.cellCount,
          sphereCount: sphere.count,
          accumulate: beta === 0 ? 0 : 1, // AA and BA assign, AB and BB add
        }),
      );
      // c w_r sinc(aρ_r|ξ|) per (r, |k|²): the multiplier of the twin's radial sum, times the
      // kernel constant the twin applies at the end (so both pairs of a species add into one slot)
      const radial = new Float32Array(t.radialNodes.length * squaredFrequencyCount(this.grid.nv));
      t.radialNodes.forEach((rho, r) => {
        const row = radialMultiplierTable(
          this.grid.nv,
          this.grid.vmax,
          (xi) => t.kernelConstant * t.radialWeights[r]! * sinc(t.shiftFractionF * rho * xi),
        );
        radial.set(row, r * row.length);
      });
      out[name] = {
        params,
        phaseF: createStorageBuffer(this.device, label('phaseF'), phaseTable(t, sphere, t.shiftFractionF)),
        phaseG: createStorageBuffer(this.device, label('phaseG'), phaseTable(t, sphere, -t.shiftFractionG)),
        radial: createStorageBuffer(this.device, label('radial'), radial),
        sphereWeights: createStorageBuffer(
          this.device,
          label('sphereWeights'),
          Float32Array.from(sphere.weights),
        ),
        nRho: t.radialNodes.length,
        sphereCount: sphere.count,
      };
    }
    this.schedule(out);
    return out;
  }

  /**
   * The recording order: per chunk, each sphere-sum pass (AA, AB feeding BA where the sums are
   * shared, else BA on its own, BB) over consecutive blocks of radial nodes; and the cursor of
   * each, uploaded once as a table the encoder copies from.
   */
  private schedule(pairs: Record<PairName, PairResources>): void {
    const chunks = Math.ceil(this.cellCount / this.chunkCells);
    const nRho = pairs.AA.nRho;
    const passes: BlockPass[] = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (const pair of PAIRS) {
        if (this.sharedSums && pair === 'BA') continue;
        const partner = this.sharedSums && pair === 'AB' ? 'BA' : null;
        const block = this.radialBlockOf(pairs[pair].sphereCount);
        for (let radialOffset = 0; radialOffset < nRho; radialOffset += block) {
          passes.push({
            pair,
            partner,
            chunk,
            radialOffset,
            radialCount: Math.min(block, nRho - radialOffset),
          });
        }
      }
    }
    const cursors = new ArrayBuffer(passes.length * CollisionCursor.byteSize);
    passes.forEach(({ chunk, radialOffset, radialCount }, b) => {
      new Uint8Array(cursors, b * CollisionCursor.byteSize, CollisionCursor.byteSize).set(
        new Uint8Array(
          CollisionCursor.pack({
            radialOffset,
            radialCount,
            cellOffset: chunk * this.chunkCells,
            chunkCells: this.chunkCells,
          }),
        ),
      );
    });
    this.cursorTable = createStorageBuffer(
      this.device,
      'CollisionOperator.cursorTable',
      new Uint32Array(cursors),
    );
    this.passes = passes;
  }

  /** Buffers (or ranges) by binding number; null where the kernel declares no such binding ('auto' layouts). */
  private group(
    key: string,
    kernel: KernelName,
    buffers: (GPUBuffer | GPUBufferBinding | null)[],
  ): GPUBindGroup {
    let group = this.bindGroupCache.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: `CollisionOperator.${key}`,
        layout: this.pipelines[kernel].getBindGroupLayout(0),
        entries: buffers.flatMap((buffer, binding) =>
          buffer ? [{ binding, resource: 'buffer' in buffer ? buffer : { buffer } }] : [],
        ),
      });
      this.bindGroupCache.set(key, group);
    }
    return group;
  }

  /** Species α's gain slot of the pair α β, [G_A, G_B, L_A, L_B][localCell][N³]. */
  private gainSlot(name: PairName): GPUBufferBinding {
    const size = this.chunkCells * this.grid.pointsPerCell * COMPLEX_BYTES;
    return { buffer: this.gain, offset: SPECIES_INDEX[name][0] * size, size };
  }

  private pairGroup(name: PairName, kernel: 'shift' | 'sphere' | 'radial'): GPUBindGroup {
    const p = this.pairs[name];
    const twiddles = this.fft.twiddleTable;
    const buffers: Record<typeof kernel, (GPUBuffer | GPUBufferBinding | null)[]> = {
      // collisionGainFused.wgsl's bindings; each entry point's 'auto' layout has only those it uses
      shift: [this.shifted, twiddles, p.params, this.cursor, this.spectra, p.phaseF, p.phaseG],
      sphere: [this.shifted, twiddles, p.params, null, null, null, null, p.sphereWeights, this.sphereSum],
      radial: [p.params, this.cursor, p.radial, this.sphereSum, this.gainSlot(name)],
    };
    return this.group(`${name}.${kernel}`, kernel, buffers[kernel]);
  }

  /** The loss kernel's bindings: all four pairs at once. */
  private mixtureGroup(kernel: 'loss'): GPUBindGroup {
    return this.group(kernel, kernel, [
      this.mixtureParams,
      this.cursor,
      this.spectra,
      this.lossKernels,
      this.gain,
    ]);
  }

  private stateGroup(state: GPUBuffer, kernel: 'spectrum' | 'combine'): GPUBindGroup {
    let groups = this.stateBindings.get(state);
    if (!groups) {
      groups = new Map();
      this.stateBindings.set(state, groups);
    }
    let group = groups.get(kernel);
    if (!group) {
      const buffers =
        kernel === 'spectrum'
          ? [this.countUniform, state, this.spectra]
          : [this.mixtureParams, this.cursor, state, this.gain, this.q, this.frequency];
      group = this.device.createBindGroup({
        label: `CollisionOperator.${kernel}(${state.label})`,
        layout: this.pipelines[kernel].getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      groups.set(kernel, group);
    }
    return group;
  }
}
