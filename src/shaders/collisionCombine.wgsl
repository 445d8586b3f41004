// Q^{αβ} = Q⁺ − Q⁻ on the grid (PHYSICS.md §4): after the inverse FFTs of the gain and loss
// spectra, Q_α += c Re(gain) − f_α Re(g ∗ Φ), and the loss frequency ν_α += Re(g ∗ Φ) (the AP step
// takes its penalty μ from max ν). The first pair of a species assigns, the second adds.
// Layout: state, q, frequency [species][cell][N³]; gain, loss [localCell][N³].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> pair: PairParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> state: array<f32>;
@group(0) @binding(3) var<storage, read> gain: array<vec2f>;
@group(0) @binding(4) var<storage, read> loss: array<vec2f>;
@group(0) @binding(5) var<storage, read_write> q: array<f32>;
@group(0) @binding(6) var<storage, read_write> frequency: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= cursor.chunkCells * points) { return; }
  let cell = cursor.cellOffset + i / points;
  if (cell >= pair.cellCount) { return; }
  let global = (pair.alpha * pair.cellCount + cell) * points + i % points;
  let nu = loss[i].x;
  let value = pair.kernelConstant * gain[i].x - state[global] * nu;
  if (pair.accumulate == 0u) {
    q[global] = value;
    frequency[global] = nu;
  } else {
    q[global] += value;
    frequency[global] += nu;
  }
}
