// The counted work of the collision kernels (src/bench/collisionCost.ts) against a hand count.
import { describe, expect, it } from 'vitest';
import { caseWork } from '../../../src/bench/cases';
import { collisionOperatorWork, collisionStepWork } from '../../../src/bench/collisionCost';
import { paddedCells } from '../../../src/gpu/collisionPlan';

describe('collision work', () => {
  it('counts the transforms of CollisionOperator.record(): 2·cells + cells·(4·N_ρ(M+1) + 4) without the ±e symmetry', () => {
    const w = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, sphereSymmetry: false });
    // F̂; per pair and node M shifted grids and one sphere sum; gain and loss spectra of 2 species
    expect(w.transforms).toBe(2 + 4 * 4 * 33 + 4);
    const n = 512;
    const fft = 5 * n * 9;
    // shift 38 + sphere 3 per sphere point, radial 4, per (pair, node, value); loss 6 + combine 2 per (species, value)
    const elementwise = 4 * 4 * n * (32 * 41 + 4) + 2 * n * 8;
    expect(w.flops).toBe(w.transforms * fft + elementwise);
  });

  it("with the ±e symmetry: AA and BB over M/2 points, BA from AB's sums (2 + N_ρ(2M + 3) + 8 per cell)", () => {
    const w = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32 });
    // AA, BB: 4·(16 + 1) each; AB: 4·(32 + 1); BA: none; gain + loss inverse FFTs: 2 species × 2
    expect(w.transforms).toBe(2 + 2 * 4 * 17 + 4 * 33 + 4);
    const n = 512;
    const fft = 5 * n * 9;
    // 64 shifted points per node (16 + 16 + 32) at 41 FLOP each and 4 radial multipliers of 4 FLOP
    const elementwise = 4 * n * (64 * 41 + 4 * 4) + 2 * n * 8;
    expect(w.flops).toBe(w.transforms * fft + elementwise);
    // bytes: 48 per value of every transform (the 256 shifted grids through the fused passes too:
    // 16 + 8 + 16 + 8), the spectrum 12, per node 3 sphere sums written (8) and h read by 4 radial
    // passes (8), the gain slot read + written (16) once per block (one here) and pair fed (4),
    // per species loss 24 + combine 28
    const shifted = 4 * 64;
    expect(w.bytes).toBe(
      (w.transforms - shifted) * n * 48 +
        shifted * n * 48 +
        2 * n * 12 +
        4 * n * (3 * 8 + 4 * 8) +
        4 * n * 16 +
        2 * n * 52,
    );
    // blocks of 3 nodes for AB (2 blocks), 4 for AA and BB (1): 2·1 + 2·2 = 6 slot passes, not 4
    const blocked = collisionOperatorWork({
      nv: 8,
      cells: 1,
      nRho: 4,
      sphereCount: 32,
      radialBlock: { full: 3, half: 4 },
    });
    expect(blocked.bytes - w.bytes).toBe(2 * n * 16);
    expect(blocked.flops).toBe(w.flops);
    // the plane pass: the 256 shifted grids at 32 B per value instead of 48, the same arithmetic
    const plane = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, planePass: true });
    expect(w.bytes - plane.bytes).toBe(shifted * n * 16);
    expect(plane.flops).toBe(w.flops);
    const full = collisionOperatorWork({ nv: 8, cells: 1, nRho: 4, sphereCount: 32, sphereSymmetry: false });
    expect(w.flops / full.flops).toBeGreaterThan(0.5);
    expect(w.flops / full.flops).toBeLessThan(0.52);
  });

  it('pads the pair loops to whole chunks of cells', () => {
    expect(paddedCells(3, 2)).toBe(4);
    expect(paddedCells(64, 64)).toBe(64);
    const chunked = collisionOperatorWork({ nv: 8, cells: 3, nRho: 4, sphereCount: 32, chunkCells: 2 });
    const whole = collisionOperatorWork({ nv: 8, cells: 4, nRho: 4, sphereCount: 32 });
    expect(chunked.transforms).toBe(whole.transforms - 2); // F̂ only for the 3 real cells
    expect(() => paddedCells(0)).toThrow(RangeError);
  });

  it('a collision step is two operator evaluations (three at order 2) plus a few % of O(N³) work', () => {
    const size = { nv: 16, cells: 4, nRho: 8, sphereCount: 32 };
    const op = collisionOperatorWork(size);
    for (const [order, evaluations] of [
      [1, 2],
      [2, 3],
    ] as const) {
      const step = collisionStepWork(size, order);
      expect(step.transforms).toBe(evaluations * op.transforms);
      expect(step.flops / (evaluations * op.flops)).toBeGreaterThan(1);
      expect(step.flops / (evaluations * op.flops)).toBeLessThan(1.03);
    }
    expect(collisionStepWork(size)).toEqual(collisionStepWork(size, 1));
  });

  it('grows about 20x per doubling of N_v with N_ρ = N_v/2, far from the 64x of N⁶', () => {
    const at = (nv: number) => caseWork({ kind: 'collision', backend: 'webgpu', nv, nx: 1 }).flops;
    for (const [a, b] of [
      [8, 16],
      [16, 32],
    ] as const) {
      const ratio = at(b) / at(a);
      expect(ratio).toBeGreaterThan(16);
      expect(ratio).toBeLessThan(24);
    }
  });
});
