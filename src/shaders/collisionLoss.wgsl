// Loss terms of Q_α = Σ_β Q^{αβ} (PHYSICS.md §4): Q⁻ = f_α Σ_β (f_β ∗ Φ_{αβ}), Φ(q) = c|q|^γ 1{|q| ≤ R}.
// Each convolution is the Fourier multiplier Φ̂_{αβ}(|ξ_k|) (real, even; tabulated in float64 on
// the host per integer |k|²), and the sum over β is linear, so one spectrum per species,
//     L̂_α = Φ̂_{αA} f̂_A + Φ̂_{αB} f̂_B,
// and one inverse FFT give the loss frequency ν_α = Σ_β f_β ∗ Φ_{αβ}. Both species of the chunk.
// Layout: spectra [species][cell][N³]; slots [G_A, G_B, L_A, L_B][localCell][N³] (this kernel
// writes the L slots, i.e. from 2 · chunkCells · N³ on); lossKernel [pair][|k|²], pairs AA, AB,
// BA, BB, so species α has pairs 2α (β = A) and 2α + 1 (β = B).

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> mixture: MixtureParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> spectra: array<vec2f>;
@group(0) @binding(3) var<storage, read> lossKernel: array<f32>;
@group(0) @binding(4) var<storage, read_write> slots: array<vec2f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  let slotValues = cursor.chunkCells * points;
  if (i >= 2u * slotValues) { return; }
  let alpha = i / slotValues;
  let k = i % points;
  let out = 2u * slotValues + i;
  let cell = cursor.cellOffset + (i % slotValues) / points;
  if (cell >= mixture.cellCount) { slots[out] = vec2f(0.0); return; }
  let rows = 3u * NV * NV / 4u + 1u;
  let frequency = squaredFrequency(k, NV);
  let fromA = lossKernel[2u * alpha * rows + frequency] * spectra[cell * points + k];
  let fromB = lossKernel[(2u * alpha + 1u) * rows + frequency] * spectra[(mixture.cellCount + cell) * points + k];
  slots[out] = fromA + fromB;
}
