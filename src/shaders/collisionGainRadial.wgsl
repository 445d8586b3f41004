// Gain term of Q^{αβ}, step 3 of 3 (PHYSICS.md §4): the spherical average of the shift by aρ_r σ
// is the Fourier multiplier sinc(aρ_r|ξ|), so
//     Q̂⁺ += w_r sinc(aρ_r|ξ_k|) ĥ_r(k)      (w_r includes ρ_r^{γ+2}; c is applied at the end)
// ξ_k = (π/L)·signed frequency, the Nyquist index counted as −N/2. The multiplier depends on k only
// through the integer |k|² ≤ 3N²/4, so the host tabulates w_r·sinc in float64 per (r, |k|²): no
// f32 sin (Vulkan allows it an absolute error of 2⁻¹¹) and a table of N_ρ(3N²/4 + 1) values.
// Layout: h, gain [localCell][N³] (spectra); radialMultiplier [r][|k|²].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> pair: PairParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> radialMultiplier: array<f32>;
@group(0) @binding(3) var<storage, read> h: array<vec2f>;
@group(0) @binding(4) var<storage, read_write> gain: array<vec2f>;


@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= cursor.chunkCells * points) { return; }
  let k = i % points;
  let multiplier = radialMultiplier[cursor.radial * (3u * NV * NV / 4u + 1u) + squaredFrequency(k, NV)];
  let previous = select(gain[i], vec2f(0.0), cursor.radial == 0u);
  gain[i] = previous + multiplier * h[i];
}
