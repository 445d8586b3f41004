// Real distribution values → complex grid (re = F, im = 0), the input of the forward FFT that gives
// F̂ for the fast spectral collision operator (PHYSICS.md §4). Same layout, element by element.

override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> count: vec4u; // x: number of values
@group(0) @binding(1) var<storage, read> real: array<f32>;
@group(0) @binding(2) var<storage, read_write> complex: array<vec2f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= count.x) { return; }
  complex[i] = vec2f(real[i], 0.0);
}
