// x-advection of both species (PHYSICS.md §1, §4 "Transport along characteristics"):
// F(x_i, v) ← Σ_m W[i1][(i − m) mod n_x] F(x_m, v), the band-limited shift by v1 τ along the
// periodic x axis; the weights per v1 node are built in float64 by advectXWeights() in
// src/physics/transport.ts (the twin). One invocation per output value; out of place.
// Layout: source, target [species][cell][N³]; weights [i1][d].

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
  let j = index % points;
  let cell = (index / points) % NX;
  let speciesBase = (index / (points * NX)) * NX * points;
  let row = (j / (NV * NV)) * NX;
  var sum = 0.0;
  for (var m = 0u; m < NX; m++) {
    sum += weights[row + (cell + NX - m) % NX] * source[speciesBase + m * points + j];
  }
  destination[index] = sum;
}
