/**
 * The trapezoidal (Crank–Nicolson) collision step on the GPU for every x-cell at once: the
 * Navier–Stokes-accurate step of issue 15, whose float64 twin, derivation (fixed point ε L⁻¹ H at
 * any λ), initial-layer switch and limits are in src/physics/collision/trapezoidalStep.ts.
 *
 * Each cell's linear system (I − hL) g = b, h = Δt/(2ε), is solved by its own GMRES, all cells in
 * one batch: the vectors live on the GPU (trapezoidalStep.wgsl: the polarised matvec, per-cell dot
 * products, Gram–Schmidt combinations), each cell's small Hessenberg system, Givens rotations and
 * stopping test on the host, which reads back the (k + 1) dot products of every cell twice per
 * iteration (classical Gram–Schmidt twice, "CGS2": as orthogonal as modified Gram–Schmidt, with the
 * k dot products of a pass in one dispatch). A cell that has converged gets zero coefficients and
 * rides along until the last cell is done.
 *
 * f32 changes three things against the twin:
 * - L x = (Q̃(M + s x) − Q̃(M − s x))/(2s) with a per-cell s that makes s x a tenth of max M
 *   (for a Krylov vector P⁻¹v with ‖v‖ = 1: s = 0.1 max M · min P), so the cancellation costs no digits;
 * - the tolerance is GPU_KRYLOV_TOLERANCE = 1e-5 (the twin's 1e-7 is below f32 round-off), and the
 *   residual floor is 1e-7‖M‖ (F itself is stored to ~6e-8 of max M);
 * - the Picard pass is solved for every cell from the first solution (a cell whose right-hand side
 *   did not change stops at its first residual test, as the twin's skip).
 * The cells in an initial layer take the exponential step (CollisionStep), as in the twin, and are
 * left out of the solves. Conservation is exact to f32 round-off: the solution is projected
 * (ConservationProjection), then F = M + g.
 *
 * The cost per step is 2 operator evaluations per GMRES iteration, plus 6 (Q̃(M), the two
 * right-hand sides, the residual of the Picard guess); BENCHMARKS.md has the CPU-twin figures.
 */
import { INITIAL_LAYER_DEVIATION, INITIAL_LAYER_LAMBDA } from '../physics/collision/trapezoidalStep';
import type { VelocityGrid } from '../physics/velocityGrid';
import linearIndexSource from '../shaders/linearIndex.wgsl?raw';
import source from '../shaders/trapezoidalStep.wgsl?raw';
import { BindGroupCache, type BindingResource } from './bindings';
import { createEmptyStorageBuffer, createUniformBuffer, F32_BYTES, readFloat32 } from './buffers';
import type { CollisionSetup } from './CollisionOperator';
import { CollisionStep } from './CollisionStep';
import { dispatchLinear } from './dispatch';
import { buildComputePipeline } from './pipelines';
import { defineStruct } from './struct';

export const TrapezoidalParams = defineStruct('TrapezoidalParams', {
  cellCount: 'u32',
  halfDtOverKnudsen: 'f32',
  /** combine: the number of basis vectors; cellDots: the number of dot products before ⟨x, x⟩. */
  count: 'u32',
});

/** Relative residual at which a cell's GMRES stops (f32: module comment). */
export const GPU_KRYLOV_TOLERANCE = 1e-5;
/** Iterations at most; the basis holds this many vectors plus one (memory: basisBytes). */
export const GPU_KRYLOV_MAX_ITERATIONS = 60;
/** s x is this fraction of max M in the polarised matvec (module comment). */
const POLARISATION_FRACTION = 0.1;
/** Absolute residual floor relative to ‖M‖ per cell (f32 storage of F). */
const RESIDUAL_FLOOR = 1e-7;

const WORKGROUP_SIZE = 256;
const ENTRY_POINTS = [
  'difference',
  'polarisePlus',
  'polariseMinus',
  'applyOperator',
  'quadraticPart',
  'explicitHalf',
  'addHalfStep',
  'precondition',
  'accumulatePreconditioned',
  'combine',
  'cellDots',
  'cellExtrema',
  'newState',
] as const;
type EntryPoint = (typeof ENTRY_POINTS)[number];

/** Bytes of the Krylov basis for `values` f32 values per vector (checked against the device's limits). */
export function basisBytes(values: number): number {
  return (GPU_KRYLOV_MAX_ITERATIONS + 1) * values * F32_BYTES;
}

export class GpuKrylovNotConvergedError extends Error {
  override name = 'KrylovNotConvergedError';
  constructor(
    readonly cell: number,
    readonly residual: number,
    readonly iterations: number,
  ) {
    super(
      `trapezoidal collision step (collisions.scheme) on the GPU: GMRES in x-cell ${cell} reached relative ` +
        `residual ${residual.toExponential(2)} after ${iterations} iterations (wanted ${GPU_KRYLOV_TOLERANCE}). ` +
        'On an under-resolved velocity grid the discrete linearised operator has growing modes that this step ' +
        'does not damp (README "Time stepping at large λ"): raise grid.nv (16 or more) or use collisions.scheme "exponential"',
    );
  }
}

export interface GpuTrapezoidalReport {
  /** The largest GMRES iteration count over the cells, of the two solves. */
  readonly iterations: readonly [number, number];
  /** How many cells took the exponential step (initial layer). */
  readonly layerCells: number;
}

/** One cell's GMRES state: Hessenberg columns after rotation, the rotations and the rotated right-hand side. */
class CellKrylov {
  readonly columns: number[][] = [];
  readonly cs: number[] = [];
  readonly sn: number[] = [];
  readonly g: number[];
  active: boolean;
  residual: number;
  constructor(
    beta: number,
    readonly scale: number,
    active: boolean,
  ) {
    this.g = [beta];
    this.residual = beta;
    this.active = active;
  }

  /** Appends column (h_0 … h_k, h_{k+1}) and returns |g_{k+1}|, the new residual norm. */
  push(column: number[]): number {
    const k = this.columns.length;
    for (let j = 0; j < k; j++) {
      const t = this.cs[j]! * column[j]! + this.sn[j]! * column[j + 1]!;
      column[j + 1] = -this.sn[j]! * column[j]! + this.cs[j]! * column[j + 1]!;
      column[j] = t;
    }
    const rho = Math.hypot(column[k]!, column[k + 1]!);
    const c = rho === 0 ? 1 : column[k]! / rho;
    const s = rho === 0 ? 0 : column[k + 1]! / rho;
    this.cs.push(c);
    this.sn.push(s);
    column[k] = rho;
    column[k + 1] = 0;
    this.g.push(-s * this.g[k]!);
    this.g[k] = c * this.g[k]!;
    this.columns.push(column);
    this.residual = Math.abs(this.g[k + 1]!);
    return this.residual;
  }

  /** y = H⁻¹ g (back substitution over the columns kept). */
  solution(): Float64Array {
    const k = this.columns.length;
    const y = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let s = this.g[i]!;
      for (let j = i + 1; j < k; j++) s -= this.columns[j]![i]! * y[j]!;
      const d = this.columns[i]![i]!;
      y[i] = d === 0 ? 0 : s / d;
    }
    return y;
  }
}

export class TrapezoidalCollisionStep {
  private readonly values: number;
  private readonly params: GPUBuffer;
  private readonly bindings: BindGroupCache;
  /** M, Q̃(M), ν[M] and the vectors of the step, [species][cell][N³]. */
  private readonly v: Record<
    | 'equilibrium'
    | 'qEquilibrium'
    | 'frequency'
    | 'deviation'
    | 'explicit'
    | 'rightSide'
    | 'solution'
    | 'work'
    | 'krylov'
    | 'qPlus'
    | 'quadratic'
    | 'layerState'
    | 'operatorInput',
    GPUBuffer
  >;
  private readonly basis: GPUBuffer;
  private readonly coefficients: GPUBuffer;
  private readonly cellScale: GPUBuffer;
  private readonly layerFlags: GPUBuffer;
  private readonly cellValues: GPUBuffer;
  private halfDtOverKnudsen = 0;

  private constructor(
    private readonly device: GPUDevice,
    readonly grid: VelocityGrid,
    readonly cellCount: number,
    /** The exponential step: M[F], the operator, the projection, and the initial-layer cells' step. */
    readonly exponential: CollisionStep,
    private readonly pipelines: Record<EntryPoint, GPUComputePipeline>,
  ) {
    this.values = 2 * cellCount * grid.pointsPerCell;
    const vector = (label: string) =>
      createEmptyStorageBuffer(device, `TrapezoidalCollisionStep.${label}`, this.values * F32_BYTES);
    this.v = {
      equilibrium: vector('equilibrium'),
      qEquilibrium: vector('qEquilibrium'),
      frequency: vector('frequency'),
      deviation: vector('deviation'),
      explicit: vector('explicit'),
      rightSide: vector('rightSide'),
      solution: vector('solution'),
      work: vector('work'),
      krylov: vector('krylov'),
      qPlus: vector('qPlus'),
      quadratic: vector('quadratic'),
      layerState: vector('layerState'),
      operatorInput: vector('operatorInput'),
    };
    this.basis = createEmptyStorageBuffer(device, 'TrapezoidalCollisionStep.basis', basisBytes(this.values));
    const perCell = (label: string, slots: number) =>
      createEmptyStorageBuffer(device, `TrapezoidalCollisionStep.${label}`, slots * cellCount * F32_BYTES);
    this.coefficients = perCell('coefficients', GPU_KRYLOV_MAX_ITERATIONS + 2);
    this.cellValues = perCell('cellValues', GPU_KRYLOV_MAX_ITERATIONS + 2);
    this.cellScale = perCell('cellScale', 1);
    this.layerFlags = perCell('layerFlags', 1);
    this.params = createUniformBuffer(device, 'TrapezoidalCollisionStep.params', TrapezoidalParams);
    this.bindings = new BindGroupCache(device);
    this.setCount(0);
  }

  static async create(
    device: GPUDevice,
    grid: VelocityGrid,
    cellCount: number,
    setup: CollisionSetup,
  ): Promise<TrapezoidalCollisionStep> {
    const [exponential, ...pipelines] = await Promise.all([
      CollisionStep.create(device, grid, cellCount, setup, 1),
      ...ENTRY_POINTS.map((entryPoint) =>
        buildComputePipeline(device, {
          label: `TrapezoidalCollisionStep.${entryPoint}`,
          prelude: TrapezoidalParams.wgsl + linearIndexSource,
          code: source,
          entryPoint,
          constants: { WORKGROUP_SIZE, POINTS: grid.pointsPerCell },
        }),
      ),
    ]);
    return new TrapezoidalCollisionStep(
      device,
      grid,
      cellCount,
      exponential,
      Object.fromEntries(ENTRY_POINTS.map((e, i) => [e, pipelines[i]!])) as Record<
        EntryPoint,
        GPUComputePipeline
      >,
    );
  }

  setParameters(setup: CollisionSetup): void {
    this.exponential.setParameters(setup);
  }

  setTimeStep(dt: number, knudsen: number): void {
    this.exponential.setTimeStep(dt, knudsen); // validates both
    this.halfDtOverKnudsen = (0.5 * dt) / knudsen;
    this.setCount(0);
  }

  /**
   * One trapezoidal collision step of `state` ([species][cell][N³] f32), in place. Submits its own
   * work and waits for the read-backs of the solve (callers flush what they recorded before).
   * Throws GpuKrylovNotConvergedError (state unchanged) when a cell's GMRES does not converge.
   */
  async step(state: GPUBuffer): Promise<GpuTrapezoidalReport> {
    const { operator, projection } = this.exponential;
    const bytes = this.values * F32_BYTES;
    const cells = this.cellCount;
    const { v } = this;
    // M[F], Q̃(M) and ν[M]; g = F − M; per-cell extrema
    let encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.setUp' });
    const m = this.exponential.recordEquilibrium(encoder, state);
    encoder.copyBufferToBuffer(m, 0, v.equilibrium, 0, bytes);
    operator.record(encoder, v.equilibrium);
    projection.record(encoder, operator.q);
    encoder.copyBufferToBuffer(operator.q, 0, v.qEquilibrium, 0, bytes);
    encoder.copyBufferToBuffer(operator.frequency, 0, v.frequency, 0, bytes);
    this.elementwise(encoder, 'difference', { x: state, y: v.equilibrium, out: v.deviation });
    this.perCell(encoder, 'cellExtrema', [cells, 1], {
      equilibrium: v.equilibrium,
      x: v.deviation,
      frequency: v.frequency,
    });
    this.device.queue.submit([encoder.finish()]);
    const extrema = await readFloat32(this.device, this.cellValues, 4 * cells);
    const equilibriumNorm = await this.cellNorms(v.equilibrium);
    const maxM = Array.from({ length: cells }, (_, c) => extrema[4 * c]!);
    const layer = Array.from({ length: cells }, (_, c) => {
      const lambda = 2 * this.halfDtOverKnudsen * extrema[4 * c + 2]!;
      return lambda > INITIAL_LAYER_LAMBDA && extrema[4 * c + 1]! > INITIAL_LAYER_DEVIATION * maxM[c]!;
    });
    const minPrecondition = Array.from(
      { length: cells },
      (_, c) => 1 + this.halfDtOverKnudsen * extrema[4 * c + 3]!,
    );
    const floors = equilibriumNorm.map((n) => RESIDUAL_FLOOR * n);
    const polarisationScale = (norms: readonly number[]) =>
      norms.map((n, c) => (n > 0 && maxM[c]! > 0 ? (POLARISATION_FRACTION * maxM[c]!) / n : 1));

    // the old-time half: explicit = g + h(Lg + N(g)); quadratic = N(g); rightSide = explicit + hN(g)
    const gNorm = await this.cellNorms(v.deviation);
    encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.rightSide' });
    this.polarised(encoder, v.deviation, polarisationScale(gNorm));
    this.elementwise(encoder, 'explicitHalf', this.polarisedResources(v.deviation, v.explicit));
    this.elementwise(encoder, 'quadraticPart', this.polarisedResources(null, v.quadratic));
    this.elementwise(encoder, 'addHalfStep', { x: v.explicit, y: v.quadratic, out: v.rightSide });
    this.device.queue.submit([encoder.finish()]);
    const matvecScale = maxM.map((mc, c) => (mc > 0 ? POLARISATION_FRACTION * mc * minPrecondition[c]! : 1));
    const first = await this.solve(layer, matvecScale, floors, null);
    // the Picard pass: N at the first solution, solved again from it
    const xNorm = await this.cellNorms(v.solution);
    encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.picard' });
    this.polarised(encoder, v.solution, polarisationScale(xNorm));
    this.elementwise(encoder, 'quadraticPart', this.polarisedResources(null, v.quadratic));
    this.elementwise(encoder, 'addHalfStep', { x: v.explicit, y: v.quadratic, out: v.rightSide });
    this.device.queue.submit([encoder.finish()]);
    const second = await this.solve(layer, matvecScale, floors, polarisationScale(xNorm));

    // g projected to zero conserved moments; the layer cells' exponential step; F = M + g
    encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.newState' });
    projection.record(encoder, v.solution);
    const layerCells = layer.filter(Boolean).length;
    if (layerCells > 0) {
      encoder.copyBufferToBuffer(state, 0, v.layerState, 0, bytes);
      this.exponential.record(encoder, v.layerState);
    }
    this.device.queue.writeBuffer(
      this.layerFlags,
      0,
      Float32Array.from(layer, (l) => (l ? 1 : 0)),
    );
    this.elementwise(encoder, 'newState', {
      x: v.solution,
      y: v.layerState,
      equilibrium: v.equilibrium,
      cellScale: this.layerFlags,
      out: state,
    });
    this.device.queue.submit([encoder.finish()]);
    return { iterations: [first, second], layerCells };
  }

  destroy(): void {
    this.exponential.destroy();
    for (const b of Object.values(this.v)) b.destroy();
    for (const b of [
      this.basis,
      this.coefficients,
      this.cellScale,
      this.layerFlags,
      this.cellValues,
      this.params,
    ])
      b.destroy();
  }

  /**
   * GMRES on every non-layer cell for (I − hL) x = rightSide, from x = 0 or (guessScale: the
   * polarisation scale of the guess) from the current solution, into `solution`. Returns the
   * largest iteration count.
   */
  private async solve(
    layer: readonly boolean[],
    matvecScale: readonly number[],
    floors: readonly number[],
    guessScale: readonly number[] | null,
  ): Promise<number> {
    const cells = this.cellCount;
    const { v } = this;
    const bNorm = (await this.cellNorms(v.rightSide)).map((n, c) =>
      Math.max(n, floors[c]! / GPU_KRYLOV_TOLERANCE),
    );
    // r = b − A x₀ into `work`
    let encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.residual' });
    if (guessScale) {
      this.matvec(encoder, v.solution, guessScale, v.krylov);
      this.elementwise(encoder, 'difference', { x: v.rightSide, y: v.krylov, out: v.work });
    } else {
      encoder.clearBuffer(v.solution);
      encoder.copyBufferToBuffer(v.rightSide, 0, v.work, 0, this.values * F32_BYTES);
    }
    this.device.queue.submit([encoder.finish()]);
    const beta = await this.cellNorms(v.work);
    // NaN or ∞ in a cell's data (a poisoned or diverged state): stop before it spreads
    const bad = beta.findIndex((b, c) => !layer[c] && !(Number.isFinite(b) && Number.isFinite(bNorm[c]!)));
    if (bad >= 0) throw new GpuKrylovNotConvergedError(bad, Number.NaN, 0);
    const krylov = beta.map(
      (b, c) => new CellKrylov(b, bNorm[c]!, !layer[c] && b > GPU_KRYLOV_TOLERANCE * bNorm[c]!),
    );
    // v₀ = r/β
    await this.normaliseIntoBasis(
      0,
      krylov.map((k, c) => (k.active ? 1 / beta[c]! : 0)),
      [],
    );
    let k = 0;
    while (krylov.some((cell) => cell.active)) {
      if (k === GPU_KRYLOV_MAX_ITERATIONS) {
        const c = krylov.findIndex((cell) => cell.active);
        throw new GpuKrylovNotConvergedError(c, krylov[c]!.residual / krylov[c]!.scale, k);
      }
      // w = A P⁻¹ v_k
      encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.arnoldi' });
      encoder.copyBufferToBuffer(this.basis, k * this.values * F32_BYTES, v.work, 0, this.values * F32_BYTES);
      this.elementwise(encoder, 'precondition', { x: v.work, frequency: v.frequency, out: v.krylov });
      this.matvec(encoder, v.krylov, matvecScale, v.work);
      this.dots(encoder, v.work, k + 1);
      this.device.queue.submit([encoder.finish()]);
      const firstPass = await readFloat32(this.device, this.cellValues, (k + 1) * cells);
      // w −= Σ h_j v_j, then the second pass of dot products
      this.writeCoefficients(
        k + 1,
        (j, c) => (krylov[c]!.active ? -firstPass[j * cells + c]! : 0),
        () => 1,
      );
      encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.orthogonalise' });
      this.setCount(k + 1);
      this.elementwise(encoder, 'combine', {
        basis: this.basis,
        coefficients: this.coefficients,
        out: v.work,
      });
      this.dots(encoder, v.work, k + 1);
      this.device.queue.submit([encoder.finish()]);
      const secondPass = await readFloat32(this.device, this.cellValues, (k + 2) * cells);
      const norms = new Float64Array(cells);
      for (let c = 0; c < cells; c++) {
        const cell = krylov[c]!;
        if (!cell.active) continue;
        let removed = 0;
        const column: number[] = [];
        for (let j = 0; j <= k; j++) {
          const h2 = secondPass[j * cells + c]!;
          removed += h2 * h2;
          column.push(firstPass[j * cells + c]! + h2);
        }
        const wNorm = Math.sqrt(Math.max(secondPass[(k + 1) * cells + c]! - removed, 0));
        column.push(wNorm);
        const residual = cell.push(column);
        norms[c] = wNorm;
        // NaN from the device (a poisoned or diverged state) ends the step here
        if (!Number.isFinite(residual)) throw new GpuKrylovNotConvergedError(c, residual, k + 1);
        if (residual <= GPU_KRYLOV_TOLERANCE * cell.scale || wNorm === 0) cell.active = false;
      }
      // v_{k+1} = (w − Σ h2_j v_j)/‖·‖
      await this.normaliseIntoBasis(
        k + 1,
        krylov.map((cell, c) => (cell.active ? 1 / norms[c]! : 0)),
        secondPass,
        krylov.map((cell) => cell.active),
      );
      k++;
    }
    // x += P⁻¹ Σ y_j v_j, each cell with its own y
    const ys = krylov.map((cell) => cell.solution());
    this.writeCoefficients(
      k,
      (j, c) => ys[c]![j] ?? 0,
      () => 0,
    );
    encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.update' });
    this.setCount(k);
    this.elementwise(encoder, 'combine', { basis: this.basis, coefficients: this.coefficients, out: v.work });
    this.elementwise(encoder, 'accumulatePreconditioned', {
      x: v.work,
      frequency: v.frequency,
      out: v.solution,
    });
    this.device.queue.submit([encoder.finish()]);
    return k;
  }

  /**
   * Basis slot `slot` ← a_c (work − Σ_{j<slot} h_{j,c} v_j) with a_c = inverse[c] (0: a zero vector),
   * h from `dots` ([j][cell]) where `active`.
   */
  private async normaliseIntoBasis(
    slot: number,
    inverse: readonly number[],
    dots: Float32Array | readonly number[],
    active: readonly boolean[] = [],
  ): Promise<void> {
    const cells = this.cellCount;
    const count = dots.length === 0 ? 0 : slot;
    this.writeCoefficients(
      count,
      (j, c) => (active[c] ? -inverse[c]! * dots[j * cells + c]! : 0),
      (c) => inverse[c]!,
    );
    const encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.normalise' });
    this.setCount(count);
    this.elementwise(encoder, 'combine', {
      basis: this.basis,
      coefficients: this.coefficients,
      out: this.v.work,
    });
    encoder.copyBufferToBuffer(
      this.v.work,
      0,
      this.basis,
      slot * this.values * F32_BYTES,
      this.values * F32_BYTES,
    );
    this.device.queue.submit([encoder.finish()]);
  }

  /** (I − hL)x into `out`, with polarisation scale `scale` per cell. */
  private matvec(encoder: GPUCommandEncoder, x: GPUBuffer, scale: readonly number[], out: GPUBuffer): void {
    this.polarised(encoder, x, scale);
    this.elementwise(encoder, 'applyOperator', this.polarisedResources(x, out, false));
  }

  /** Q̃(M + s x) into qPlus and Q̃(M − s x) left in operator.q; s per cell into cellScale. */
  private polarised(encoder: GPUCommandEncoder, x: GPUBuffer, scale: readonly number[]): void {
    const { operator, projection } = this.exponential;
    this.device.queue.writeBuffer(this.cellScale, 0, Float32Array.from(scale));
    for (const sign of ['polarisePlus', 'polariseMinus'] as const) {
      this.elementwise(encoder, sign, {
        x,
        equilibrium: this.v.equilibrium,
        cellScale: this.cellScale,
        out: this.v.operatorInput,
      });
      operator.record(encoder, this.v.operatorInput);
      projection.record(encoder, operator.q);
      if (sign === 'polarisePlus') {
        encoder.copyBufferToBuffer(operator.q, 0, this.v.qPlus, 0, this.values * F32_BYTES);
      }
    }
  }

  /**
   * The bindings of the kernels that read Q̃(M ± s x): x where the kernel reads it (not
   * quadraticPart), Q̃(M) where it does (not applyOperator).
   */
  private polarisedResources(
    x: GPUBuffer | null,
    out: GPUBuffer,
    withEquilibrium = true,
  ): Record<string, BindingResource> {
    return {
      ...(x ? { x } : {}),
      qPlus: this.v.qPlus,
      qMinus: this.exponential.operator.q,
      ...(withEquilibrium ? { qEquilibrium: this.v.qEquilibrium } : {}),
      cellScale: this.cellScale,
      out,
    };
  }

  /** ‖x‖ per cell (both species), read back. */
  private async cellNorms(x: GPUBuffer): Promise<number[]> {
    const encoder = this.device.createCommandEncoder({ label: 'TrapezoidalCollisionStep.norms' });
    this.dots(encoder, x, 0);
    this.device.queue.submit([encoder.finish()]);
    const squares = await readFloat32(this.device, this.cellValues, this.cellCount);
    return Array.from(squares, (s) => Math.sqrt(Math.max(s, 0)));
  }

  /** ⟨v_j, x⟩ per cell for j < count, then ⟨x, x⟩, into cellValues ([j][cell]). */
  private dots(encoder: GPUCommandEncoder, x: GPUBuffer, count: number): void {
    this.setCount(count);
    this.perCell(encoder, 'cellDots', [this.cellCount, count + 1], { x, basis: this.basis });
  }

  /**
   * The uniform's `count` for the passes recorded next: written through the queue, so it must not
   * change within one submitted encoder (each caller submits before setting another count).
   */
  private setCount(count: number): void {
    this.device.queue.writeBuffer(
      this.params,
      0,
      TrapezoidalParams.pack({ cellCount: this.cellCount, halfDtOverKnudsen: this.halfDtOverKnudsen, count }),
    );
  }

  /** coefficients[j][c] = c(j, c) for j < count, and a(c) in row `count`. */
  private writeCoefficients(
    count: number,
    c: (j: number, cell: number) => number,
    a: (cell: number) => number,
  ): void {
    const cells = this.cellCount;
    const table = new Float32Array((count + 1) * cells);
    for (let cell = 0; cell < cells; cell++) {
      for (let j = 0; j < count; j++) table[j * cells + cell] = c(j, cell);
      table[count * cells + cell] = a(cell);
    }
    this.device.queue.writeBuffer(this.coefficients, 0, table);
  }

  private elementwise(
    encoder: GPUCommandEncoder,
    entry: EntryPoint,
    resources: Readonly<Record<string, BindingResource>>,
  ): void {
    const pipeline = this.pipelines[entry];
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, this.bindings.get(pipeline, { params: this.params, ...resources }));
    dispatchLinear(pass, this.values, WORKGROUP_SIZE);
    pass.end();
  }

  private perCell(
    encoder: GPUCommandEncoder,
    entry: 'cellDots' | 'cellExtrema',
    groups: readonly [number, number],
    resources: Readonly<Record<string, BindingResource>>,
  ): void {
    const pipeline = this.pipelines[entry];
    const pass = encoder.beginComputePass({ label: pipeline.label });
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      this.bindings.get(pipeline, { params: this.params, ...resources, cellValues: this.cellValues }),
    );
    pass.dispatchWorkgroups(groups[0], groups[1]);
    pass.end();
  }
}
