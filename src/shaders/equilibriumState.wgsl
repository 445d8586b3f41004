// M = F + D element by element, D = M − F after the conservation projection: the discrete
// bi-Maxwellian with exactly F's conserved moments, the input of the well-balanced residual Q(M)
// (src/physics/collision/collisionStep.ts). Layout [species][cell][N³].

override WORKGROUP_SIZE: u32 = 256u;
override POINTS: u32 = 4096u; // N³

@group(0) @binding(0) var<uniform> params: UpdateParams;
@group(0) @binding(1) var<storage, read> state: array<f32>;
@group(0) @binding(2) var<storage, read> deviation: array<f32>;
@group(0) @binding(3) var<storage, read_write> equilibrium: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= 2u * params.cellCount * POINTS) { return; }
  equilibrium[i] = state[i] + deviation[i];
}
