/**
 * The four collision integrals Q^{AA}, Q^{AB}, Q^{BA}, Q^{BB} of a two-species mixture on the GPU,
 * for every x-cell at once, by the fast Fourier spectral method (PHYSICS.md §4). Float64 twin:
 * mixtureCollisionOperators() in src/physics/collision/spectral.ts, whose tables (quadratures,
 * Φ̂, shift fractions) this class uploads, so both evaluate the same formulas.
 *
 * Output: q = (Q_A, Q_B) with Q_A = Q^{AA}(F^A,F^A) + Q^{AB}(F^A,F^B), Q_B = Q^{BA} + Q^{BB}, and the
 * loss frequencies ν_α = Σ_β F^β ∗ Φ_{αβ}; layout [species][cell][N_v³] f32, like the state.
 *
 * Per pair and radial node, in one compute pass: the batched inverse FFT of the shifted spectra
 * for all sphere points and cells of a chunk, with the shift fused into its first axis pass and
 * the sphere sum into its last (collisionGainFused.wgsl: the shifted spectra and the transformed
 * shifted grids are never written to memory), one forward FFT and the sinc multiplier. The
 * ±e symmetry of the sphere rule (antipodalHalf in spectral.ts) halves that work: Q^{AA} and Q^{BB}
 * run over half the sphere points with doubled weights, and Q^{BA} takes Q^{AB}'s sphere sums with
 * its own sinc multiplier (a second radial pass into its own gain buffer), so the shifted products
 * are formed for 2M instead of 4M sphere points per radial node. The
 * radial node and the chunk reach the kernels through a small uniform `cursor` that the encoder
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
import { COMPLEX_BYTES, Fft3d, type Fft3dOptions } from './Fft3d';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const PairParams = defineStruct('PairParams', {
  alpha: 'u32',
  beta: 'u32',
  cellCount: 'u32',
  sphereCount: 'u32',
  accumulate: 'u32',
  shiftFractionF: 'f32',
  kernelConstant: 'f32',
  waveNumberScale: 'f32',
});

export const CollisionCursor = defineStruct('CollisionCursor', {
  radial: 'u32',
  cellOffset: 'u32',
  chunkCells: 'u32',
});

const WORKGROUP_SIZE = 256;
const PAIRS = ['AA', 'AB', 'BA', 'BB'] as const;
type PairName = (typeof PAIRS)[number];
const SPECIES_INDEX: Record<PairName, [number, number]> = { AA: [0, 0], AB: [0, 1], BA: [1, 0], BB: [1, 1] };

/** Budget for the batched shifted grids (cells × sphere points × N³ complex). */
const SHIFTED_BYTES_BUDGET = 256 * 1024 * 1024;

export interface CollisionSetup {
  readonly species: readonly [CollidingSpecies, CollidingSpecies];
  readonly gamma: number;
  readonly quadrature?: SpectralQuadrature;
  /** At most this many cells per chunk of the shifted grids (default: as many as the budget allows). For tests. */
  readonly maxChunkCells?: number;
  /**
   * Fft3d's line layout for the transforms and the fused passes (default: the adapter's). For tests:
   * { wholeLines: false, workgroupSize: 64 } is what a GPU runs.
   */
  readonly fft?: Pick<Fft3dOptions, 'wholeLines' | 'workgroupSize'>;
}

interface PairResources {
  readonly params: GPUBuffer;
  readonly phaseF: GPUBuffer;
  readonly phaseG: GPUBuffer;
  readonly radial: GPUBuffer;
  readonly sphereWeights: GPUBuffer;
  readonly lossKernel: GPUBuffer;
  readonly nRho: number;
  /** Sphere points this pair's shift pass runs over (half the rule for AA and BB). */
  readonly sphereCount: number;
}

type KernelName = 'spectrum' | 'shift' | 'sphere' | 'radial' | 'loss' | 'combine';
/** The fused gain passes (collisionGainFused.wgsl): their entry points. */
const FUSED_ENTRY = { shift: 'shiftFirstPass', sphere: 'sphereLastPass' } as const;

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
  private readonly gain: GPUBuffer;
  /** Q^{BA}'s gain spectrum, accumulated beside Q^{AB}'s from the same sphere sums. */
  private readonly gainPartner: GPUBuffer;
  private readonly loss: GPUBuffer;
  /** Whether Q^{BA} takes Q^{AB}'s sphere sums (pairSharesSphereSums). */
  private sharedSums = false;
  private readonly cursor: GPUBuffer;
  private readonly cursorTable: GPUBuffer;
  private readonly countUniform: GPUBuffer;
  private pairs: Record<PairName, PairResources>;
  private readonly bindGroupCache = new Map<string, GPUBindGroup>();
  private stateBindings = new WeakMap<GPUBuffer, Map<string, GPUBindGroup>>();

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
    private readonly fft: Fft3d,
    private readonly pipelines: Record<KernelName, GPUComputePipeline>,
    setup: CollisionSetup,
  ) {
    const points = grid.pointsPerCell;
    this.tables = mixtureSpectralTables(grid, setup.species, setup.gamma, setup.quadrature);
    const sphereCount = this.tables.AA.sphere.count;
    const nRho = this.tables.AA.radialNodes.length;
    const perCell = sphereCount * points * COMPLEX_BYTES;
    const budget = Math.min(SHIFTED_BYTES_BUDGET, device.limits.maxStorageBufferBindingSize);
    if (perCell > budget) {
      throw new RangeError(
        `CollisionOperator: one cell needs ${perCell} B of shifted grids (N_v = ${grid.nv}, ${sphereCount} sphere points), ` +
          `more than the ${budget} B this adapter binds; lower grid.nv or the sphere rule`,
      );
    }
    // the fused shift pass dispatches chunkCells · M workgroups in y
    const byWorkgroups = Math.floor(device.limits.maxComputeWorkgroupsPerDimension / sphereCount);
    this.chunkCells = Math.max(
      1,
      Math.min(cellCount, Math.floor(budget / perCell), byWorkgroups, setup.maxChunkCells ?? cellCount),
    );
    const label = (name: string) => `CollisionOperator.${name}`;
    this.q = createEmptyStorageBuffer(device, label('q'), 2 * cellCount * points * 4);
    this.frequency = createEmptyStorageBuffer(device, label('frequency'), 2 * cellCount * points * 4);
    this.spectra = createEmptyStorageBuffer(device, label('spectra'), 2 * cellCount * points * COMPLEX_BYTES);
    this.shifted = createEmptyStorageBuffer(device, label('shifted'), this.chunkCells * perCell);
    this.sphereSum = createEmptyStorageBuffer(
      device,
      label('sphereSum'),
      this.chunkCells * points * COMPLEX_BYTES,
    );
    this.gain = createEmptyStorageBuffer(device, label('gain'), this.chunkCells * points * COMPLEX_BYTES);
    this.gainPartner = createEmptyStorageBuffer(
      device,
      label('gainPartner'),
      this.chunkCells * points * COMPLEX_BYTES,
    );
    this.loss = createEmptyStorageBuffer(device, label('loss'), this.chunkCells * points * COMPLEX_BYTES);
    this.cursor = device.createBuffer({
      label: label('cursor'),
      size: CollisionCursor.byteSize,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    // every (chunk, radial node) cursor, in recording order
    const chunks = Math.ceil(cellCount / this.chunkCells);
    const cursors = new ArrayBuffer(chunks * nRho * CollisionCursor.byteSize);
    for (let c = 0; c < chunks; c++) {
      for (let r = 0; r < nRho; r++) {
        const view = new Uint8Array(
          cursors,
          (c * nRho + r) * CollisionCursor.byteSize,
          CollisionCursor.byteSize,
        );
        view.set(
          new Uint8Array(
            CollisionCursor.pack({ radial: r, cellOffset: c * this.chunkCells, chunkCells: this.chunkCells }),
          ),
        );
      }
    }
    this.cursorTable = createStorageBuffer(device, label('cursorTable'), new Uint32Array(cursors));
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
    const prelude = PairParams.wgsl + CollisionCursor.wgsl + linearIndexSource;
    const build = (name: KernelName, code: string) =>
      buildComputePipeline(device, {
        label: `CollisionOperator.${name}`,
        prelude: name === 'spectrum' ? linearIndexSource : prelude,
        code,
        constants: name === 'spectrum' ? { WORKGROUP_SIZE } : constants,
      });
    const fft = await Fft3d.create(device, grid.nv, setup.fft ?? {});
    // the gain's shift and sphere sum ride on the inverse FFT's first (i3) and last (i1) passes
    const buildFused = (name: 'shift' | 'sphere') =>
      buildComputePipeline(device, {
        label: `CollisionOperator.${name}(fused)`,
        prelude: PairParams.wgsl + CollisionCursor.wgsl,
        code: fftLineSource + fusedSource,
        entryPoint: FUSED_ENTRY[name],
        constants: fft.lineConstants('inverse', name === 'shift' ? 'i3' : 'i1'),
      });
    const [spectrum, shift, sphere, radial, loss, combine] = await Promise.all([
      build('spectrum', spectrumSource),
      buildFused('shift'),
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

    const nRho = this.pairs.AA.nRho;
    const chunks = Math.ceil(this.cellCount / this.chunkCells);
    const chunkPoints = this.chunkCells * points;
    for (let c = 0; c < chunks; c++) {
      for (const name of PAIRS) {
        const partner = this.sharedSums && name === 'AB' ? 'BA' : null;
        if (!(this.sharedSums && name === 'BA')) {
          const sphereCount = this.pairs[name].sphereCount;
          const shiftedGrids = this.chunkCells * sphereCount;
          const lineGroups = this.fft.workgroupsPerGrid;
          for (let r = 0; r < nRho; r++) {
            const at = (c * nRho + r) * CollisionCursor.byteSize;
            encoder.copyBufferToBuffer(this.cursorTable, at, this.cursor, 0, CollisionCursor.byteSize);
            // one pass per radial node: each dispatch sees the previous one's writes
            pass = encoder.beginComputePass({ label: `CollisionOperator.${name}.gain` });
            pass.setPipeline(this.pipelines.shift); // shifted spectra + the inverse i3 pass
            pass.setBindGroup(0, this.pairGroup(name, 'shift'));
            pass.dispatchWorkgroups(lineGroups, shiftedGrids);
            this.fft.recordInPass(pass, this.shifted, shiftedGrids, 'inverse', ['i2']);
            pass.setPipeline(this.pipelines.sphere); // the inverse i1 pass + the sphere sum
            pass.setBindGroup(0, this.pairGroup(name, 'sphere'));
            pass.dispatchWorkgroups(lineGroups, this.chunkCells);
            this.fft.recordInPass(pass, this.sphereSum, this.chunkCells, 'forward');
            this.dispatch(pass, 'radial', this.pairGroup(name, 'radial'), chunkPoints);
            if (partner) this.dispatch(pass, 'radial', this.pairGroup(partner, 'radial'), chunkPoints);
            pass.end();
          }
        }
        this.fft.record(encoder, this.gainOf(name), this.chunkCells, 'inverse');
        pass = encoder.beginComputePass({ label: `CollisionOperator.${name}.loss` });
        this.dispatch(pass, 'loss', this.pairGroup(name, 'loss'), chunkPoints);
        pass.end();
        this.fft.record(encoder, this.loss, this.chunkCells, 'inverse');
        pass = encoder.beginComputePass({ label: `CollisionOperator.${name}.combine` });
        this.dispatch(pass, 'combine', this.stateGroup(state, `combine.${name}`, name), chunkPoints);
        pass.end();
      }
    }
  }

  destroy(): void {
    this.destroyTables();
    for (const b of [
      this.q,
      this.frequency,
      this.spectra,
      this.shifted,
      this.sphereSum,
      this.gain,
      this.gainPartner,
      this.loss,
    ])
      b.destroy();
    for (const b of [this.cursor, this.cursorTable, this.countUniform]) b.destroy();
    this.fft.destroy();
  }

  private destroyTables(): void {
    for (const name of PAIRS) {
      const { params, phaseF, phaseG, radial, sphereWeights, lossKernel } = this.pairs[name];
      for (const b of [params, phaseF, phaseG, radial, sphereWeights, lossKernel]) b.destroy();
    }
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
          shiftFractionF: t.shiftFractionF,
          kernelConstant: t.kernelConstant,
          waveNumberScale: Math.PI / this.grid.vmax,
        }),
      );
      // w_r sinc(aρ_r|ξ|) per (r, |k|²), the multiplier of the twin's radial sum
      const radial = new Float32Array(t.radialNodes.length * squaredFrequencyCount(this.grid.nv));
      t.radialNodes.forEach((rho, r) => {
        const row = radialMultiplierTable(
          this.grid.nv,
          this.grid.vmax,
          (xi) => t.radialWeights[r]! * sinc(t.shiftFractionF * rho * xi),
        );
        radial.set(row, r * row.length);
      });
      // Φ̂ per |k|²: the twin's table is per mode; every mode of one |k|² holds the same value
      const lossKernel = new Float32Array(squaredFrequencyCount(this.grid.nv));
      t.waveNumberNorm.forEach((xi, k) => {
        lossKernel[Math.round(((xi * this.grid.vmax) / Math.PI) ** 2)] = t.lossKernel[k]!;
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
        lossKernel: createStorageBuffer(this.device, label('lossKernel'), lossKernel),
        nRho: t.radialNodes.length,
        sphereCount: sphere.count,
      };
    }
    return out;
  }

  /** Buffers by binding number; null where the kernel declares no such binding ('auto' layouts). */
  private group(key: string, kernel: KernelName, buffers: (GPUBuffer | null)[]): GPUBindGroup {
    let group = this.bindGroupCache.get(key);
    if (!group) {
      group = this.device.createBindGroup({
        label: `CollisionOperator.${key}`,
        layout: this.pipelines[kernel].getBindGroupLayout(0),
        entries: buffers.flatMap((buffer, binding) => (buffer ? [{ binding, resource: { buffer } }] : [])),
      });
      this.bindGroupCache.set(key, group);
    }
    return group;
  }

  /** The buffer the pair's gain spectrum accumulates in: Q^{BA}'s own when it shares Q^{AB}'s sums. */
  private gainOf(name: PairName): GPUBuffer {
    return this.sharedSums && name === 'BA' ? this.gainPartner : this.gain;
  }

  private pairGroup(name: PairName, kernel: 'shift' | 'sphere' | 'radial' | 'loss'): GPUBindGroup {
    const p = this.pairs[name];
    const common = [p.params, this.cursor];
    const twiddles = this.fft.twiddleTable;
    const buffers: Record<typeof kernel, (GPUBuffer | null)[]> = {
      // collisionGainFused.wgsl's bindings; each entry point's 'auto' layout has only those it uses
      shift: [this.shifted, twiddles, p.params, this.cursor, this.spectra, p.phaseF, p.phaseG],
      sphere: [this.shifted, twiddles, p.params, null, null, null, null, p.sphereWeights, this.sphereSum],
      radial: [null, this.cursor, p.radial, this.sphereSum, this.gainOf(name)],
      loss: [...common, this.spectra, p.lossKernel, this.loss],
    };
    return this.group(`${name}.${kernel}`, kernel, buffers[kernel]);
  }

  private stateGroup(state: GPUBuffer, key: string, name?: PairName): GPUBindGroup {
    let groups = this.stateBindings.get(state);
    if (!groups) {
      groups = new Map();
      this.stateBindings.set(state, groups);
    }
    let group = groups.get(key);
    if (!group) {
      const buffers =
        name === undefined
          ? [this.countUniform, state, this.spectra]
          : [
              this.pairs[name].params,
              this.cursor,
              state,
              this.gainOf(name),
              this.loss,
              this.q,
              this.frequency,
            ];
      const kernel: KernelName = name === undefined ? 'spectrum' : 'combine';
      group = this.device.createBindGroup({
        label: `CollisionOperator.${key}(${state.label})`,
        layout: this.pipelines[kernel].getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
      groups.set(key, group);
    }
    return group;
  }
}
