// v-advection along v1 by the field (PHYSICS.md §1, §4): F(x, v) ← F(x, v − (e_α/m_α) E(x) τ e1),
// the band-limited shift on the periodic v1 axis, F_new[i1] = Σ_m W[α][cell][(i1 − m) mod N] F[m].
// Weights per species and cell, from E(x) of the Poisson solve, built in float64 by
// advectVWeights() in src/physics/transport.ts (the twin). One invocation per output; out of place.
// Layout: source, target [species][cell][N³]; weights [species][cell][d].

override NV: u32 = 16u;
override NX: u32 = 32u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<storage, read> weights: array<f32>;
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> destination: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let index = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (index >= 2u * NX * points) { return; }
  let line = index / points; // species · NX + cell
  let j = index % points;
  let i1 = j / (NV * NV);
  let rest = j % (NV * NV);
  let base = line * points + rest;
  let row = line * NV;
  var sum = 0.0;
  for (var m = 0u; m < NV; m++) {
    sum += weights[row + (i1 + NV - m) % NV] * source[base + m * NV * NV];
  }
  destination[index] = sum;
}
