// Gain term of Q^{αβ}, step 3 of 3 (PHYSICS.md §4): the spherical average of the shift by aρ_r σ
// is the Fourier multiplier sinc(aρ_r|ξ|), so
//     Ĝ_α += Σ_r c w_r sinc(aρ_r|ξ_k|) ĥ_r(k)      (w_r includes ρ_r^{γ+2}; c = c_{αβ})
// over the radial nodes of the cursor's block. Ĝ_α = Σ_β c_{αβ} Q̂⁺_{αβ} is species α's gain
// spectrum (linear in the pairs, so both pairs of α share one inverse FFT): the pair that comes
// first (pair.accumulate = 0: AA, BA) assigns at its first block, every other block adds.
// ξ_k = (π/L)·signed frequency, the Nyquist index counted as −N/2. The multiplier depends on k only
// through the integer |k|² ≤ 3N²/4, so the host tabulates c w_r sinc in float64 per (r, |k|²)
// (src/gpu/collisionTables.ts): no f32 sin (Vulkan allows it an absolute error of 2⁻¹¹) and a
// table of N_ρ(3N²/4 + 1) values.
// Layout: h [localNode][localCell][N³], gain [localCell][N³] (species α's slot), radialMultiplier
// [r][|k|²].

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
  let unitValues = cursor.chunkCells * points;
  if (i >= unitValues) { return; }
  let frequency = squaredFrequency(i % points, NV);
  let rows = 3u * NV * NV / 4u + 1u;
  var sum = select(gain[i], vec2f(0.0), pair.accumulate == 0u && cursor.radialOffset == 0u);
  for (var j = 0u; j < cursor.radialCount; j++) {
    sum += radialMultiplier[(cursor.radialOffset + j) * rows + frequency] * h[j * unitValues + i];
  }
  gain[i] = sum;
}
