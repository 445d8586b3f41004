// Element index of an invocation in a 1D problem dispatched as a 2D grid of workgroups (a large
// problem exceeds maxComputeWorkgroupsPerDimension); the host side is dispatchLinear() in
// src/gpu/dispatch.ts. Prepended to kernels that use it.

fn linearIndex(group: vec3u, groups: vec3u, lid: u32, workgroupSize: u32) -> u32 {
  return (group.y * groups.x + group.x) * workgroupSize + lid;
}

// |k|² of FFT index k (layout [k1][k2][k3]) with signed frequencies, the Nyquist index as −N/2:
// the index into tables of radial Fourier multipliers (collisionGainRadial, collisionLoss).
fn squaredFrequency(k: u32, n: u32) -> u32 {
  let index3 = vec3i(vec3u(k / (n * n), (k / n) % n, k % n));
  let signed = select(index3, index3 - i32(n), index3 >= vec3i(i32(n / 2u)));
  return u32(dot(signed, signed));
}
