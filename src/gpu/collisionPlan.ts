/**
 * How one evaluation of the collision operator (CollisionOperator.ts) is cut to fit a device, as
 * pure functions of the sizes and the device's limits: the memory budget of the shifted grids, the
 * chunks of x-cells, the blocks of radial nodes, the order of the sphere-sum passes, whether the
 * shifted grids' i3 and i2 passes fit one plane pass, and the dispatches of one record(). The
 * operator allocates and records from this plan, and the bench's work model
 * (src/bench/collisionCost.ts) counts from it, so the two cannot disagree; no GPU object is needed
 * (tests/unit/gpu/collisionPlan.test.ts).
 */
import { COMPLEX_BYTES } from './buffers';

/** The four ordered pairs (α, β) of Q^{αβ}, in recording order. */
export const PAIRS = ['AA', 'AB', 'BA', 'BB'] as const;
export type PairName = (typeof PAIRS)[number];
/** (α, β) of each pair, 0 = species A, 1 = species B. */
export const SPECIES_INDEX: Readonly<Record<PairName, readonly [number, number]>> = {
  AA: [0, 0],
  AB: [0, 1],
  BA: [1, 0],
  BB: [1, 1],
};
/** Spectra per cell of a chunk after the sphere sums: G_A, G_B, L_A, L_B (the gain buffer). */
export const GAIN_SLOTS = 4;
/** Budget for the batched shifted grids (cells × sphere points × N³ complex). */
export const SHIFTED_BYTES_BUDGET = 256 * 1024 * 1024;

/** The device limits a plan depends on (a subset of GPUSupportedLimits). */
export interface PlanLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export interface PlanSizes {
  readonly nv: number;
  readonly cellCount: number;
  /** N_ρ, radial nodes of every pair. */
  readonly nRho: number;
  /** Sphere points of the full rule (the passes of AB and BA). */
  readonly sphereCount: number;
  /**
   * Sphere points the passes of AA and BB run over: the rule's antipodal half (antipodalHalf in
   * spectral.ts), or the full rule where it has none.
   */
  readonly halfSphereCount: number;
  /** Q^{BA} takes Q^{AB}'s sphere sums (pairSharesSphereSums): no pass of its own. */
  readonly sharedSums: boolean;
  /** At most this many cells per chunk (default: as many as the budget allows). For tests. */
  readonly maxChunkCells?: number;
  /** At most this many radial nodes per block (default: as many as the budget allows). For tests. */
  readonly maxRadialBlock?: number;
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

export interface CollisionPlan {
  readonly sizes: PlanSizes;
  /** Bytes the shifted grids may take: the budget, or less where the device binds less. */
  readonly budget: number;
  /** Cells per chunk of the batched shifted grids (the last chunk is padded to this). */
  readonly chunkCells: number;
  readonly chunks: number;
  /** Radial nodes per block of a pass over the full rule and over the rule of AA and BB. */
  readonly radialBlock: { readonly full: number; readonly half: number };
  /** The sphere-sum passes of one record(), in recording order. */
  readonly passes: readonly BlockPass[];
  /** Bytes of the shifted grids, the sphere sums and the gain slots of one chunk. */
  readonly shiftedBytes: number;
  readonly sphereSumBytes: number;
  readonly gainBytes: number;
}

/** Whole chunks of `chunkCells` that hold `cells` cells. */
export function chunkCount(cells: number, chunkCells = cells): number {
  if (!(Number.isInteger(cells) && cells >= 1 && Number.isInteger(chunkCells) && chunkCells >= 1)) {
    throw new RangeError(`collisionPlan: cells ${cells} and chunkCells ${chunkCells} must be integers ≥ 1`);
  }
  return Math.ceil(cells / chunkCells);
}

/** Cells the pair loops run over: whole chunks (the kernels zero the cells past the end). */
export function paddedCells(cells: number, chunkCells = cells): number {
  return chunkCount(cells, chunkCells) * chunkCells;
}

/** Blocks of at most `perBlock` radial nodes that cover N_ρ nodes. */
export function radialBlockCount(nRho: number, perBlock = nRho): number {
  return Math.ceil(nRho / Math.max(1, Math.min(nRho, perBlock)));
}

/**
 * Whether the pair runs over the antipodal half of the sphere rule (with doubled weights): for AA
 * and BB the summand f(v + ρe/2) f(v − ρe/2) is even in e.
 */
export function usesHalfRule(pair: PairName): boolean {
  return pair === 'AA' || pair === 'BB';
}

/** Sphere points the shift pass of `pair` runs over. */
export function pairSphereCount(sizes: PlanSizes, pair: PairName): number {
  return usesHalfRule(pair) ? sizes.halfSphereCount : sizes.sphereCount;
}

/**
 * Chunks and blocks under the budget: cells first, then radial nodes, so that a whole chunk of one
 * node always fits. The fused shift pass dispatches radialCount · chunkCells · M workgroups in y,
 * which maxComputeWorkgroupsPerDimension also bounds. Throws RangeError when one cell does not fit.
 */
export function collisionPlan(sizes: PlanSizes, limits: PlanLimits): CollisionPlan {
  const { nv, cellCount, nRho, sphereCount } = sizes;
  const gridBytes = nv ** 3 * COMPLEX_BYTES;
  const perCell = sphereCount * gridBytes; // one radial node of one cell
  const budget = Math.min(SHIFTED_BYTES_BUDGET, limits.maxStorageBufferBindingSize);
  if (perCell > budget) {
    throw new RangeError(
      `CollisionOperator: one cell needs ${perCell} B of shifted grids (N_v = ${nv}, ${sphereCount} sphere points), ` +
        `more than the ${budget} B this adapter binds; lower grid.nv or the sphere rule`,
    );
  }
  for (const [name, limit] of [
    ['maxChunkCells', sizes.maxChunkCells],
    ['maxRadialBlock', sizes.maxRadialBlock],
  ] as const) {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
      throw new RangeError(`CollisionOperator: ${name} must be a positive integer, got ${limit}`);
    }
  }
  const maxGroups = limits.maxComputeWorkgroupsPerDimension;
  const chunkCells = Math.max(
    1,
    Math.min(
      cellCount,
      Math.floor(budget / perCell),
      Math.floor(maxGroups / sphereCount),
      sizes.maxChunkCells ?? cellCount,
    ),
  );
  const blockOf = (m: number) =>
    Math.max(
      1,
      Math.min(
        nRho,
        Math.floor(budget / (chunkCells * m * gridBytes)),
        Math.floor(maxGroups / (chunkCells * m)),
        sizes.maxRadialBlock ?? nRho,
      ),
    );
  const radialBlock = { full: blockOf(sphereCount), half: blockOf(sizes.halfSphereCount) };
  const chunks = chunkCount(cellCount, chunkCells);
  const counts = [sphereCount, sizes.halfSphereCount];
  const units = (m: number) => chunkCells * blockOf(m); // (node, cell) of a block
  return {
    sizes,
    budget,
    chunkCells,
    chunks,
    radialBlock,
    passes: blockPasses(sizes, chunks, radialBlock),
    shiftedBytes: Math.max(...counts.map((m) => units(m) * m)) * gridBytes,
    sphereSumBytes: Math.max(...counts.map(units)) * gridBytes,
    gainBytes: GAIN_SLOTS * chunkCells * gridBytes,
  };
}

/**
 * The recording order: per chunk, each sphere-sum pass (AA, AB feeding BA where the sums are
 * shared, else BA on its own, BB) over consecutive blocks of radial nodes, the last one shorter.
 */
function blockPasses(
  sizes: PlanSizes,
  chunks: number,
  radialBlock: CollisionPlan['radialBlock'],
): BlockPass[] {
  const { nRho, sharedSums } = sizes;
  const passes: BlockPass[] = [];
  for (let chunk = 0; chunk < chunks; chunk++) {
    for (const pair of PAIRS) {
      if (sharedSums && pair === 'BA') continue;
      const partner = sharedSums && pair === 'AB' ? 'BA' : null;
      const block = usesHalfRule(pair) ? radialBlock.half : radialBlock.full;
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
  return passes;
}

/**
 * Dispatches of one record(): the spectrum and the forward FFT of every cell; per block pass the
 * shift (with its i2 pass unless the plane pass does both), the sphere sum, the forward FFT of the
 * sums and one radial multiplier per pair fed; per chunk the loss, the inverse FFT of the slots and
 * the combine. An FFT axis pass over more grids than `maxGridsPerDispatch` splits.
 */
export function collisionDispatchCount(
  plan: CollisionPlan,
  maxGridsPerDispatch: number,
  planePass: boolean,
): number {
  const { sizes, chunkCells } = plan;
  const fft = (grids: number, axes = 3) => axes * Math.ceil(grids / maxGridsPerDispatch);
  let count = 1 + fft(2 * sizes.cellCount);
  for (const { pair, partner, radialCount } of plan.passes) {
    const units = radialCount * chunkCells;
    const middle = planePass ? 0 : fft(units * pairSphereCount(sizes, pair), 1);
    count += 2 + middle + fft(units) + (partner ? 2 : 1);
  }
  return count + plan.chunks * (2 + fft(GAIN_SLOTS * chunkCells));
}

/** Workgroup limits the plane pass needs (a subset of GPUSupportedLimits). */
export interface PlanePassLimits {
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupStorageSize: number;
}

/**
 * Whether the shifted grids' i3 and i2 passes can run as one plane pass (shiftPlanePass): N ≤ 32,
 * lines split over invocations (not whole lines), and a plane of N padded rows in workgroup memory.
 */
export function planePassFits(n: number, wholeLines: boolean, limits: PlanePassLimits): boolean {
  const planeBytes = n * (n + n / 8 + 1) * COMPLEX_BYTES;
  return (
    n <= 32 &&
    !wholeLines &&
    (n * n) / 8 <= limits.maxComputeInvocationsPerWorkgroup &&
    planeBytes <= limits.maxComputeWorkgroupStorageSize
  );
}
