// Q_α = G_α − f_α ν_α on the grid (PHYSICS.md §4), after the inverse FFT of the chunk's slots:
// G_α = Σ_β c_{αβ} Q⁺_{αβ} (collisionGainRadial.wgsl, c folded into its multipliers) and
// ν_α = Σ_β f_β ∗ Φ_{αβ} (collisionLoss.wgsl), the loss frequency the AP step takes its penalty μ
// from. Both are real fields; the imaginary parts are round-off and dropped.
// Layout: state, q, frequency [species][cell][N³]; slots [G_A, G_B, L_A, L_B][localCell][N³].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> mixture: MixtureParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> state: array<f32>;
@group(0) @binding(3) var<storage, read> slots: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> q: array<f32>;
@group(0) @binding(5) var<storage, read_write> frequency: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  let slotValues = cursor.chunkCells * points;
  if (i >= 2u * slotValues) { return; }
  let alpha = i / slotValues;
  let j = i % slotValues;
  let cell = cursor.cellOffset + j / points;
  if (cell >= mixture.cellCount) { return; }
  let global = (alpha * mixture.cellCount + cell) * points + j % points;
  let nu = slots[2u * slotValues + i].x;
  q[global] = slots[i].x - state[global] * nu;
  frequency[global] = nu;
}
