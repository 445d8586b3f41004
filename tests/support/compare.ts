/**
 * Error measures for GPU-vs-reference tests. A NaN or infinity anywhere gives an infinite error,
 * so a poisoned or NaN output can never pass a `toBeLessThan(tolerance)`.
 */
export function maxRelativeError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale?: ArrayLike<number>,
): number {
  if (actual.length !== expected.length) throw new RangeError(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(e)) return Number.POSITIVE_INFINITY;
    const s = scale ? scale[i]! : Math.abs(e);
    const err = Math.abs(a - e) / (s > 0 ? s : 1);
    if (!(err <= worst)) worst = err;
  }
  return worst;
}
