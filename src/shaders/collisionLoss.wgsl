// Loss term of Q^{αβ} (PHYSICS.md §4): Q⁻ = f · (g ∗ Φ), Φ(q) = c|q|^γ 1{|q| ≤ R}. The
// convolution is the Fourier multiplier Φ̂(|ξ_k|) (real, even; tabulated in float64 on the host
// per integer |k|²): this kernel forms Φ̂ ĝ for the chunk's cells; an inverse FFT gives ν_{αβ} = g ∗ Φ.
// Layout: spectra [species][cell][N³], loss [localCell][N³], lossKernel [|k|²].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> pair: PairParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> spectra: array<vec2f>;
@group(0) @binding(3) var<storage, read> lossKernel: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<vec2f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= cursor.chunkCells * points) { return; }
  let k = i % points;
  let cell = cursor.cellOffset + i / points;
  if (cell >= pair.cellCount) { loss[i] = vec2f(0.0); return; }
  loss[i] = lossKernel[squaredFrequency(k, NV)] * spectra[(pair.beta * pair.cellCount + cell) * points + k];
}
