// gmresBatched (krylov.ts): several independent systems at once give what each system's own solve
// gives, a system with a zero right-hand side stays zero, and a capped run reports its residuals.
import { describe, expect, it } from 'vitest';
import { gmres, gmresBatched } from '../../../src/physics/krylov';
import { seededRandom } from '../../../src/physics/random';

function system(seed: number, n: number) {
  const random = seededRandom(seed);
  const diagonal = Float64Array.from({ length: n }, () => 2 + random());
  const coupling = Float64Array.from({ length: n }, () => 0.4 * (random() - 0.5));
  const apply = (x: Float64Array) =>
    x.map((v, i) => diagonal[i]! * v + coupling[i]! * (x[(i + 1) % n]! - x[(i + n - 3) % n]!));
  const truth = Float64Array.from({ length: n }, () => random() - 0.5);
  return { apply, diagonal, truth, b: apply(truth) };
}

describe('batched GMRES', () => {
  it('solves each system as its own GMRES does, one batched application per step', async () => {
    const n = 120;
    const systems = [1, 2, 3].map((seed) => system(seed, n));
    systems.push({ ...system(4, n), b: new Float64Array(n), truth: new Float64Array(n) });
    let calls = 0;
    const result = await gmresBatched(
      async (xs) => {
        calls++;
        return xs.map((x, c) => systems[c]!.apply(x));
      },
      systems.map((s) => s.b),
      systems.map((s) => s.diagonal),
      1e-12,
      80,
    );
    systems.forEach((s, c) => {
      const error = Math.max(...result.solutions[c]!.map((x, i) => Math.abs(x - s.truth[i]!)));
      expect(error).toBeLessThan(1e-10);
      if (c < 3) {
        const single = gmres(s.apply, s.b, s.diagonal, null, 1e-12, 80);
        expect(result.iterations[c]).toBe(single.iterations);
        expect(Math.max(...result.solutions[c]!.map((x, i) => Math.abs(x - single.x[i]!)))).toBeLessThan(
          1e-12,
        );
      }
    });
    expect(result.iterations[3]).toBe(0);
    expect(calls).toBe(Math.max(...result.iterations));
    const capped = await gmresBatched(
      async (xs) => xs.map((x, c) => systems[c]!.apply(x)),
      systems.slice(0, 2).map((s) => s.b),
      systems.slice(0, 2).map(() => new Float64Array(n).fill(1)),
      1e-14,
      2,
    );
    expect(capped.iterations).toEqual([2, 2]);
    for (const r of capped.residuals) expect(r).toBeGreaterThan(1e-6);
  });
});
