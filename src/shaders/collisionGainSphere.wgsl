// Gain term of Q^{αβ}, step 2 of 3 (PHYSICS.md §4): after the inverse FFT of z, the sphere rule
//     h_r(v) = Σ_p w_p f(v + aρ_r e_p) g(v − âρ_r e_p) = Σ_p w_p Re z_p(v) Im z_p(v),
// written as a complex grid (h, 0) for the forward FFT that follows.
// Layout: z [localCell][p][N³], h [localCell][N³].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> pair: PairParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> sphereWeights: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> h: array<vec2f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= cursor.chunkCells * points) { return; }
  let j = i % points;
  let localCell = i / points;
  var sum = 0.0;
  for (var p = 0u; p < pair.sphereCount; p++) {
    let value = z[(localCell * pair.sphereCount + p) * points + j];
    sum += sphereWeights[p] * value.x * value.y;
  }
  h[i] = vec2f(sum, 0.0);
}
