// How the GPU collision operator cuts its work (src/gpu/collisionPlan.ts), without a GPU: chunks of
// cells and blocks of radial nodes under the memory budget and the workgroup-count limit, the order
// of the sphere-sum passes, the dispatch count against a hand count, and the plane pass's fit.
import { describe, expect, it } from 'vitest';
import { collisionOperatorWork } from '../../../src/bench/collisionCost';
import {
  chunkCount,
  collisionDispatchCount,
  collisionPlan,
  type PlanSizes,
  paddedCells,
  planePassFits,
  radialBlockCount,
  SHIFTED_BYTES_BUDGET,
} from '../../../src/gpu/collisionPlan';

const roomy = { maxStorageBufferBindingSize: 2 ** 31, maxComputeWorkgroupsPerDimension: 65535 };
/** N_v = 8, N_ρ = 4, 4 × 8 sphere points (16 in the antipodal half), BA from AB's sums. */
const base: PlanSizes = {
  nv: 8,
  cellCount: 1,
  nRho: 4,
  sphereCount: 32,
  halfSphereCount: 16,
  sharedSums: true,
};
const gridBytes = 8 ** 3 * 8;

describe('collisionPlan', () => {
  it('one chunk and one block per pass where everything fits: AA, AB feeding BA, BB', () => {
    const plan = collisionPlan({ ...base, cellCount: 16 }, roomy);
    expect(plan.chunkCells).toBe(16);
    expect(plan.chunks).toBe(1);
    expect(plan.radialBlock).toEqual({ full: 4, half: 4 });
    expect(plan.passes).toEqual([
      { pair: 'AA', partner: null, chunk: 0, radialOffset: 0, radialCount: 4 },
      { pair: 'AB', partner: 'BA', chunk: 0, radialOffset: 0, radialCount: 4 },
      { pair: 'BB', partner: null, chunk: 0, radialOffset: 0, radialCount: 4 },
    ]);
    // buffers: the larger of the full and the half rule's blocks; four gain slots per cell
    expect(plan.shiftedBytes).toBe(16 * 4 * 32 * gridBytes);
    expect(plan.sphereSumBytes).toBe(16 * 4 * gridBytes);
    expect(plan.gainBytes).toBe(4 * 16 * gridBytes);
  });

  it('without shared sums BA has a pass of its own', () => {
    const plan = collisionPlan({ ...base, sharedSums: false }, roomy);
    expect(plan.passes.map((p) => [p.pair, p.partner])).toEqual([
      ['AA', null],
      ['AB', null],
      ['BA', null],
      ['BB', null],
    ]);
  });

  it('cuts cells into chunks and nodes into blocks under the budget, the last ones shorter', () => {
    // a binding limit of 40 cells × one node of the full rule: chunks of 40, then blocks of one
    // node over the full rule and of two over the half
    const limits = { ...roomy, maxStorageBufferBindingSize: 40 * 32 * gridBytes };
    const plan = collisionPlan({ ...base, cellCount: 100, nRho: 3 }, limits);
    expect(plan.budget).toBe(limits.maxStorageBufferBindingSize);
    expect(plan.chunkCells).toBe(40);
    expect(plan.chunks).toBe(3);
    expect(plan.radialBlock).toEqual({ full: 1, half: 2 });
    expect(plan.shiftedBytes).toBeLessThanOrEqual(plan.budget);
    for (let chunk = 0; chunk < 3; chunk++) {
      const of = (pair: string) =>
        plan.passes.filter((p) => p.chunk === chunk && p.pair === pair).map((p) => p.radialCount);
      expect(of('AA')).toEqual([2, 1]);
      expect(of('AB')).toEqual([1, 1, 1]);
      expect(of('BB')).toEqual([2, 1]);
    }
    // the budget itself caps the default device
    expect(collisionPlan({ ...base, nv: 64, cellCount: 64 }, roomy).budget).toBe(SHIFTED_BYTES_BUDGET);
  });

  it('keeps a pass within maxComputeWorkgroupsPerDimension (radialCount · chunkCells · M groups in y)', () => {
    const limits = { ...roomy, maxComputeWorkgroupsPerDimension: 100 };
    const plan = collisionPlan({ ...base, cellCount: 10 }, limits);
    expect(plan.chunkCells).toBe(3); // ⌊100/32⌋
    for (const p of plan.passes) {
      const m = p.pair === 'AB' ? 32 : 16;
      expect(p.radialCount * plan.chunkCells * m).toBeLessThanOrEqual(100);
    }
  });

  it('every pair covers its radial nodes once, in order, per chunk, with the test caps', () => {
    const plan = collisionPlan(
      { ...base, cellCount: 3, nRho: 8, maxChunkCells: 2, maxRadialBlock: 3 },
      roomy,
    );
    expect(plan.chunkCells).toBe(2);
    const covered = new Map<string, number>();
    for (const { pair, chunk, radialOffset, radialCount } of plan.passes) {
      const key = `${pair}.${chunk}`;
      expect(radialOffset).toBe(covered.get(key) ?? 0);
      expect(radialCount).toBeLessThanOrEqual(3);
      covered.set(key, radialOffset + radialCount);
    }
    expect([...covered.keys()].sort()).toEqual(['AA.0', 'AA.1', 'AB.0', 'AB.1', 'BB.0', 'BB.1']);
    expect([...covered.values()].every((c) => c === 8)).toBe(true);
  });

  it('refuses a cell that does not fit and caps that are not positive integers', () => {
    const tight = { ...roomy, maxStorageBufferBindingSize: 31 * gridBytes };
    expect(() => collisionPlan(base, tight)).toThrow(/one cell needs .* of shifted grids/);
    expect(() => collisionPlan({ ...base, maxChunkCells: 0 }, roomy)).toThrow(/maxChunkCells/);
    expect(() => collisionPlan({ ...base, maxRadialBlock: 1.5 }, roomy)).toThrow(/maxRadialBlock/);
  });

  it('counts the dispatches of one record() (hand count at N_v = 8, one cell)', () => {
    const plan = collisionPlan(base, roomy);
    // spectrum 1, forward FFT 3; AA and BB: shift 1 + i2 1 + sphere 1 + forward FFT 3 + radial 1;
    // AB: the same with two radial passes (AB and BA); per chunk: loss 1, inverse FFT 3, combine 1
    expect(collisionDispatchCount(plan, 65535, false)).toBe(1 + 3 + 7 + 8 + 7 + 5);
    // the plane pass does the i2 pass of the shifted grids in the shift dispatch
    expect(collisionDispatchCount(plan, 65535, true)).toBe(31 - 3);
    // an FFT axis pass over more grids than one dispatch takes splits: 2 cells' spectra, 64 and
    // 128 shifted grids, 4 sums, 4 slots in dispatches of at most 3 grids
    const split = 1 + 3 * 1 + (2 + 22 + 3 * 2 + 1) * 2 + (2 + 43 + 3 * 2 + 2) + (2 + 3 * 2);
    expect(collisionDispatchCount(plan, 3, false)).toBe(split);
  });

  it('chunk, block and padding counts', () => {
    expect(chunkCount(3, 2)).toBe(2);
    expect(chunkCount(64)).toBe(1);
    expect(paddedCells(3, 2)).toBe(4);
    expect(paddedCells(5)).toBe(5);
    expect(() => paddedCells(0)).toThrow(RangeError);
    expect(() => chunkCount(4, 0)).toThrow(RangeError);
    expect(radialBlockCount(8, 3)).toBe(3);
    expect(radialBlockCount(8)).toBe(1);
    expect(radialBlockCount(8, 0)).toBe(8); // a block holds at least one node
  });

  it("the bench's work model counts the plan's padded cells and blocks", () => {
    const plan = collisionPlan({ ...base, cellCount: 3, maxChunkCells: 2, maxRadialBlock: 3 }, roomy);
    const size = { nv: 8, cells: 3, nRho: 4, sphereCount: 32 };
    const planned = collisionOperatorWork({
      ...size,
      chunkCells: plan.chunkCells,
      radialBlock: plan.radialBlock,
    });
    const padded = collisionOperatorWork({ ...size, cells: 4, radialBlock: plan.radialBlock });
    expect(planned.transforms).toBe(padded.transforms - 2); // F̂ only for the 3 real cells
    const oneBlock = collisionOperatorWork({ ...size, chunkCells: plan.chunkCells });
    // blocks of 3 of 4 nodes: two gain-slot passes per pair fed instead of one
    expect(planned.bytes - oneBlock.bytes).toBe(4 * 8 ** 3 * 4 * 16);
  });

  it('the plane pass fits N ≤ 32 with lines split over invocations, within the workgroup limits', () => {
    const limits = { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 };
    expect(planePassFits(8, false, limits)).toBe(true);
    expect(planePassFits(16, false, limits)).toBe(true);
    expect(planePassFits(32, false, limits)).toBe(true); // 128 invocations, 32·37·8 = 9472 B
    expect(planePassFits(16, true, limits)).toBe(false); // whole lines
    expect(planePassFits(64, false, limits)).toBe(false);
    expect(planePassFits(32, false, { ...limits, maxComputeWorkgroupStorageSize: 9471 })).toBe(false);
    expect(planePassFits(32, false, { ...limits, maxComputeInvocationsPerWorkgroup: 127 })).toBe(false);
  });
});
