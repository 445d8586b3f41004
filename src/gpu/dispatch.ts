/**
 * One-dimensional problems dispatched as a 2D grid of workgroups, since a dimension holds at most
 * maxComputeWorkgroupsPerDimension groups (65535 by default), fewer than a large problem needs; the
 * kernel side is linearIndex.wgsl.
 */

/** Dispatch of `count` independent elements, `workgroupSize` per group, as a 2D grid of groups. */
export function dispatchLinear(
  pass: GPUComputePassEncoder,
  count: number,
  workgroupSize: number,
  maxPerDimension = 65535,
) {
  const groups = Math.ceil(count / workgroupSize);
  const x = Math.min(groups, maxPerDimension);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
}
