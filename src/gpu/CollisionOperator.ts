/**
 * The four collision integrals Q^{AA}, Q^{AB}, Q^{BA}, Q^{BB} of a two-species mixture on the GPU,
 * for every x-cell at once, by the fast Fourier spectral method (PHYSICS.md §4). Float64 twin:
 * mixtureCollisionOperators() in src/physics/collision/spectral.ts, whose tables this class uploads
 * in f32 (collisionTables.ts), so both evaluate the same formulas. This class creates the
 * pipelines and buffers and records; how the work is cut into chunks of cells and blocks of radial
 * nodes, and in what order the passes run, is collisionPlan.ts.
 *
 * Output: q = (Q_A, Q_B) with Q_A = Q^{AA}(F^A,F^A) + Q^{AB}(F^A,F^B), Q_B = Q^{BA} + Q^{BB}, and the
 * loss frequencies ν_α = Σ_β F^β ∗ Φ_{αβ}; layout [species][cell][N_v³] f32, like the state.
 */
import {
  antipodalHalf,
  type CollidingSpecies,
  type MixtureTables,
  mixtureSpectralTables,
  pairSharesSphereSums,
  type SpectralQuadrature,
} from '../physics/collision/spectral';
import type { VelocityGrid } from '../physics/velocityGrid';
import combineSource from '../shaders/collisionCombine.wgsl?raw';
import fusedSource from '../shaders/collisionGainFused.wgsl?raw';
import radialSource from '../shaders/collisionGainRadial.wgsl?raw';
import lossSource from '../shaders/collisionLoss.wgsl?raw';
import fftLineSource from '../shaders/fftLine.wgsl?raw';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import spectrumSource from '../shaders/spectrumOfReal.wgsl?raw';
import { BindGroupCache, type BindingResource } from './bindings';
import {
  COMPLEX_BYTES,
  createEmptyStorageBuffer,
  createStorageBuffer,
  createUniformBuffer,
  F32_BYTES,
} from './buffers';
import {
  type BlockPass,
  type CollisionPlan,
  collisionDispatchCount,
  collisionPlan,
  GAIN_SLOTS,
  PAIRS,
  type PairName,
  type PlanLimits,
  pairSphereCount,
  planePassFits,
  SPECIES_INDEX,
} from './collisionPlan';
import { lossKernelTable, pairTables } from './collisionTables';
import { dispatchLinear } from './dispatch';
import { Fft3d, type Fft3dOptions, isSoftwareDevice } from './Fft3d';
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

/** spectrumOfReal.wgsl's uniform `count`, a vec4u whose x is the number of values (the rest 0). */
export const SpectrumCount = defineStruct('SpectrumCount', {
  count: 'u32',
});

const WORKGROUP_SIZE = 256;

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

/** The table buffers of one pair (collisionTables.ts) and its uniform. */
interface PairBuffers {
  readonly params: GPUBuffer;
  readonly phaseF: GPUBuffer;
  readonly phaseG: GPUBuffer;
  readonly radial: GPUBuffer;
  readonly sphereWeights: GPUBuffer;
}

/** What depends on the tables: replaced by setParameters(). */
interface TableBuffers {
  readonly pairs: Record<PairName, PairBuffers>;
  /** Φ̂_{αβ} per |k|², [pair][|k|²] (collisionLoss.wgsl). */
  readonly lossKernels: GPUBuffer;
  /** The cursor of each pass of the plan, in recording order. */
  readonly cursorTable: GPUBuffer;
}

type KernelName = 'spectrum' | 'shift' | 'sphere' | 'radial' | 'loss' | 'combine';
/** The fused gain passes (collisionGainFused.wgsl): their entry points. */
const FUSED_ENTRY = { shift: 'shiftFirstPass', plane: 'shiftPlanePass', sphere: 'sphereLastPass' } as const;

/** The plan of `tables` on a device (the sphere-rule sizes and whether BA shares AB's sums come from the tables). */
function planFor(
  tables: MixtureTables,
  cellCount: number,
  caps: Pick<CollisionSetup, 'maxChunkCells' | 'maxRadialBlock'>,
  limits: PlanLimits,
): CollisionPlan {
  const sphereCount = tables.AA.sphere.count;
  return collisionPlan(
    {
      nv: tables.AA.grid.nv,
      cellCount,
      nRho: tables.AA.radialNodes.length,
      sphereCount,
      halfSphereCount: antipodalHalf(tables.AA.sphere)?.count ?? sphereCount,
      sharedSums: pairSharesSphereSums(tables.AB, tables.BA),
      maxChunkCells: caps.maxChunkCells,
      maxRadialBlock: caps.maxRadialBlock,
    },
    limits,
  );
}

export class CollisionOperator {
  /** (Q_A, Q_B), [species][cell][N³] f32. */
  readonly q: GPUBuffer;
  /** (ν_A, ν_B), the loss frequencies, same layout. */
  readonly frequency: GPUBuffer;
  tables: MixtureTables;
  /** Chunks, blocks and the recording order of the current tables. */
  plan: CollisionPlan;
  private readonly spectra: GPUBuffer;
  private readonly shifted: GPUBuffer;
  private readonly sphereSum: GPUBuffer;
  /**
   * Per species α of the chunk, its gain spectrum Ĝ_α = Σ_β c_{αβ} Q̂⁺_{αβ} and its loss spectrum
   * L̂_α = Σ_β Φ̂_{αβ} f̂_β: [G_A, G_B, L_A, L_B][localCell][N³], one inverse FFT for all four.
   */
  private readonly gain: GPUBuffer;
  private readonly cursor: GPUBuffer;
  private readonly countUniform: GPUBuffer;
  private readonly mixtureParams: GPUBuffer;
  private uploaded: TableBuffers;
  private readonly bindings: BindGroupCache;
  /** The chunk and block caps of the setup the buffers were sized for (setParameters keeps them). */
  private readonly caps: Pick<CollisionSetup, 'maxChunkCells' | 'maxRadialBlock'>;

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
    this.tables = mixtureSpectralTables(grid, setup.species, setup.gamma, setup.quadrature);
    this.caps = { maxChunkCells: setup.maxChunkCells, maxRadialBlock: setup.maxRadialBlock };
    this.plan = planFor(this.tables, cellCount, this.caps, device.limits);
    const label = (name: string) => `CollisionOperator.${name}`;
    this.q = createEmptyStorageBuffer(device, label('q'), 2 * cellCount * points * F32_BYTES);
    this.frequency = createEmptyStorageBuffer(device, label('frequency'), 2 * cellCount * points * F32_BYTES);
    this.spectra = createEmptyStorageBuffer(device, label('spectra'), 2 * cellCount * points * COMPLEX_BYTES);
    this.shifted = createEmptyStorageBuffer(device, label('shifted'), this.plan.shiftedBytes);
    this.sphereSum = createEmptyStorageBuffer(device, label('sphereSum'), this.plan.sphereSumBytes);
    this.gain = createEmptyStorageBuffer(device, label('gain'), this.plan.gainBytes);
    this.cursor = createUniformBuffer(device, label('cursor'), CollisionCursor);
    this.mixtureParams = createUniformBuffer(device, label('mixtureParams'), MixtureParams);
    this.countUniform = createUniformBuffer(device, label('count'), SpectrumCount);
    device.queue.writeBuffer(this.countUniform, 0, SpectrumCount.pack({ count: 2 * cellCount * points }));
    device.queue.writeBuffer(this.mixtureParams, 0, MixtureParams.pack({ cellCount }));
    this.bindings = new BindGroupCache(device);
    this.uploaded = this.upload(this.tables, this.plan);
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
    const fits = planePassFits(fft.n, fft.wholeLines, device.limits);
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

  /** Cells per chunk of the batched shifted grids. */
  get chunkCells(): number {
    return this.plan.chunkCells;
  }

  /** The sphere-sum passes of one record(), in recording order. */
  get blockPasses(): readonly BlockPass[] {
    return this.plan.passes;
  }

  /** Dispatches one record() makes (the shape of the work, for the benchmark's records). */
  get dispatchCount(): number {
    return collisionDispatchCount(this.plan, this.fft.maxGridsPerDispatch, this.planePass);
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
    this.bindings.clear();
    this.tables = tables;
    this.plan = planFor(tables, this.cellCount, this.caps, this.device.limits);
    this.uploaded = this.upload(tables, this.plan);
  }

  /**
   * Records Q and ν of `state` ([species][cell][N³] f32) into this.q and this.frequency.
   *
   * Per pair and block of radial nodes, in one compute pass: the batched inverse FFT of the shifted
   * spectra for all radial nodes of the block, sphere points and cells of a chunk, with the shift
   * fused into its first axis pass and the sphere sum into its last (collisionGainFused.wgsl: the
   * shifted spectra and the transformed shifted grids are never written to memory), one forward
   * FFT per (node, cell) and the sinc multipliers summed over the block's nodes. On GPUs the
   * inverse FFT's i3 and i2 passes over the shifted grids are one plane pass through workgroup
   * memory (planePass: one memory round trip fewer). The ±e symmetry of the sphere rule
   * (antipodalHalf in spectral.ts) halves the shifted products: Q^{AA} and Q^{BB} run over half the
   * sphere points with doubled weights, and Q^{BA} takes Q^{AB}'s sphere sums with its own sinc
   * multiplier (a second radial pass into its own gain slot). Both pairs of a species add their
   * gain spectra, scaled by their c_{αβ}, into one slot (the operator is linear in the pairs), and
   * one kernel forms both species' loss spectra (collisionLoss.wgsl); one inverse FFT of the
   * chunk's four slots and one combine pass then give Q_A, Q_B and ν_A, ν_B. The block and the
   * chunk reach the kernels through a small uniform `cursor` that the encoder itself overwrites
   * (copyBufferToBuffer from a table) between passes, so one encoder and one submit carry the
   * whole operator.
   */
  record(encoder: GPUCommandEncoder, state: GPUBuffer): void {
    const points = this.grid.pointsPerCell;
    const total = 2 * this.cellCount;
    const { chunkCells, passes, sizes } = this.plan;
    let pass = encoder.beginComputePass({ label: 'CollisionOperator.spectrum' });
    const spectrum = { count: this.countUniform, real: state, complex: this.spectra };
    this.dispatch(pass, 'spectrum', spectrum, total * points);
    pass.end();
    this.fft.record(encoder, this.spectra, total, 'forward');

    const chunkPoints = chunkCells * points;
    const lineGroups = this.fft.workgroupsPerGrid;
    const twiddleTable = this.fft.twiddleTable;
    const { pairs, lossKernels, cursorTable } = this.uploaded;
    passes.forEach((block, b) => {
      const { pair: name, partner, radialCount } = block;
      const p = pairs[name];
      const units = radialCount * chunkCells; // (node, cell) of the block
      const shiftedGrids = units * pairSphereCount(sizes, name);
      encoder.copyBufferToBuffer(
        cursorTable,
        b * CollisionCursor.byteSize,
        this.cursor,
        0,
        CollisionCursor.byteSize,
      );
      // one pass per block: each dispatch sees the previous one's writes
      pass = encoder.beginComputePass({ label: `CollisionOperator.${name}.gain` });
      pass.setPipeline(this.pipelines.shift); // shifted spectra + the inverse i3 (and i2) pass
      pass.setBindGroup(
        0,
        this.group('shift', {
          data: this.shifted,
          twiddleTable,
          pair: p.params,
          cursor: this.cursor,
          spectra: this.spectra,
          phaseF: p.phaseF,
          phaseG: p.phaseG,
        }),
      );
      if (this.planePass) {
        pass.dispatchWorkgroups(this.grid.nv, shiftedGrids); // one workgroup per plane
      } else {
        pass.dispatchWorkgroups(lineGroups, shiftedGrids);
        this.fft.recordInPass(pass, this.shifted, shiftedGrids, 'inverse', ['i2']);
      }
      pass.setPipeline(this.pipelines.sphere); // the inverse i1 pass + the sphere sum
      pass.setBindGroup(
        0,
        this.group('sphere', {
          data: this.shifted,
          twiddleTable,
          pair: p.params,
          sphereWeights: p.sphereWeights,
          h: this.sphereSum,
        }),
      );
      pass.dispatchWorkgroups(lineGroups, units);
      this.fft.recordInPass(pass, this.sphereSum, units, 'forward');
      for (const fed of partner ? [name, partner] : [name]) {
        const radial = {
          pair: pairs[fed].params,
          cursor: this.cursor,
          radialMultiplier: pairs[fed].radial,
          h: this.sphereSum,
          gain: this.gainSlot(fed),
        };
        this.dispatch(pass, 'radial', radial, chunkPoints);
      }
      pass.end();
      const lastOfChunk = passes[b + 1]?.chunk !== block.chunk;
      if (!lastOfChunk) return;
      // the four pairs of the chunk (the cursor still holds its cells): loss, one inverse FFT, Q
      pass = encoder.beginComputePass({ label: 'CollisionOperator.lossAndCombine' });
      const loss = {
        mixture: this.mixtureParams,
        cursor: this.cursor,
        spectra: this.spectra,
        lossKernel: lossKernels,
        slots: this.gain,
      };
      this.dispatch(pass, 'loss', loss, 2 * chunkPoints);
      this.fft.recordInPass(pass, this.gain, GAIN_SLOTS * chunkCells, 'inverse');
      const combine = {
        mixture: this.mixtureParams,
        cursor: this.cursor,
        state,
        slots: this.gain,
        q: this.q,
        frequency: this.frequency,
      };
      this.dispatch(pass, 'combine', combine, 2 * chunkPoints);
      pass.end();
    });
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
      const { params, phaseF, phaseG, radial, sphereWeights } = this.uploaded.pairs[name];
      for (const b of [params, phaseF, phaseG, radial, sphereWeights]) b.destroy();
    }
    this.uploaded.lossKernels.destroy();
    this.uploaded.cursorTable.destroy();
  }

  private group(kernel: KernelName, resources: Record<string, BindingResource>): GPUBindGroup {
    return this.bindings.get(this.pipelines[kernel], resources);
  }

  private dispatch(
    pass: GPUComputePassEncoder,
    kernel: KernelName,
    resources: Record<string, BindingResource>,
    count: number,
  ): void {
    pass.setPipeline(this.pipelines[kernel]);
    pass.setBindGroup(0, this.group(kernel, resources));
    dispatchLinear(pass, count, WORKGROUP_SIZE, this.device.limits.maxComputeWorkgroupsPerDimension);
  }

  /** Species α's gain slot of the pair α β, [G_A, G_B, L_A, L_B][localCell][N³]. */
  private gainSlot(name: PairName): GPUBufferBinding {
    const size = this.plan.chunkCells * this.grid.pointsPerCell * COMPLEX_BYTES;
    return { buffer: this.gain, offset: SPECIES_INDEX[name][0] * size, size };
  }

  /** The f32 tables of `tables` and the cursors of `plan`, in new buffers. */
  private upload(tables: MixtureTables, plan: CollisionPlan): TableBuffers {
    return {
      pairs: this.uploadPairs(tables),
      lossKernels: createStorageBuffer(this.device, 'CollisionOperator.lossKernels', lossKernelTable(tables)),
      cursorTable: this.uploadCursors(plan),
    };
  }

  private uploadPairs(tables: MixtureTables): Record<PairName, PairBuffers> {
    const out = {} as Record<PairName, PairBuffers>;
    for (const name of PAIRS) {
      const t = pairTables(name, tables[name]);
      const [alpha, beta] = SPECIES_INDEX[name];
      const label = (what: string) => `CollisionOperator.${name}.${what}`;
      const params = createUniformBuffer(this.device, label('params'), PairParams);
      this.device.queue.writeBuffer(
        params,
        0,
        PairParams.pack({
          alpha,
          beta,
          cellCount: this.cellCount,
          sphereCount: t.sphere.count,
          accumulate: beta === 0 ? 0 : 1, // AA and BA assign, AB and BB add
        }),
      );
      out[name] = {
        params,
        phaseF: createStorageBuffer(this.device, label('phaseF'), t.phaseF),
        phaseG: createStorageBuffer(this.device, label('phaseG'), t.phaseG),
        radial: createStorageBuffer(this.device, label('radial'), t.radial),
        sphereWeights: createStorageBuffer(this.device, label('sphereWeights'), t.sphereWeights),
      };
    }
    return out;
  }

  /** The cursor of each pass, uploaded once as a table the encoder copies from. */
  private uploadCursors(plan: CollisionPlan): GPUBuffer {
    const size = CollisionCursor.byteSize;
    const cursors = new ArrayBuffer(plan.passes.length * size);
    plan.passes.forEach(({ chunk, radialOffset, radialCount }, b) => {
      new Uint8Array(cursors, b * size, size).set(
        new Uint8Array(
          CollisionCursor.pack({
            radialOffset,
            radialCount,
            cellOffset: chunk * plan.chunkCells,
            chunkCells: plan.chunkCells,
          }),
        ),
      );
    });
    return createStorageBuffer(this.device, 'CollisionOperator.cursorTable', new Uint32Array(cursors));
  }
}
