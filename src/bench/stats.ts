/**
 * Small pure helpers of `npm run bench`: the median of repeated timings, and how many repeats of a
 * case fit a time budget. No GPU, no I/O (tested in tests/unit/bench/stats.test.ts).
 */

/** The median of `values` (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * How many timed repeats of a case fit `budgetMs`: each repeat costs `perRepeatMs`, and
 * `fixedMs` (the warm-up) is paid once. Up to `wanted`, at least 1; null when even one repeat
 * does not fit (the case is skipped, not measured less).
 */
export function repeatsWithinBudget(
  perRepeatMs: number,
  fixedMs: number,
  wanted: number,
  budgetMs: number,
): number | null {
  if (!(perRepeatMs > 0)) return wanted;
  const fit = Math.floor((budgetMs - fixedMs) / perRepeatMs);
  return fit < 1 ? null : Math.min(wanted, fit);
}

/** "850 ms", "12.3 s", "4.2 min": for the progress lines. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** A time in ms with sensible digits: "0.42", "12.3", "4750". */
export function formatMs(ms: number): string {
  return ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0);
}
