// Exact discrete conservation for the collision operator, per x-cell (PHYSICS.md §4, Gamba &
// Tharkabhushanam 2009): with C the 6 × 2N_v³ matrix of the conserved moments (n_A, n_B, total
// momentum, total energy; midpoint weights Δv³), field ← field − Cᵀ(CCᵀ)⁻¹ C field.
// (CCᵀ)⁻¹ depends only on the grid and the masses: the host computes it in float64 once.
// Float64 twin: src/physics/collision/conservation.ts.
// One workgroup per cell: s = C field (conservedSums), λ = (CCᵀ)⁻¹ s, then every invocation
// subtracts (Cᵀλ)(v) = Δv³ (λ_α + m_α v·λ_p + m_α|v|²/2 λ_E) from its points.
// Layout of field: [species A | species B][cell][N_v³]. ProjectionParams, velocityNode() and
// conservedSums() are prepended.

@group(0) @binding(0) var<uniform> params: ProjectionParams;
@group(0) @binding(1) var<storage, read> inverseGram: array<f32, 36>; // (CCᵀ)⁻¹, row-major
@group(0) @binding(2) var<storage, read_write> field: array<f32>;

var<workgroup> multipliers: array<f32, 6>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let baseA = cell * points;
  let baseB = (params.cellCount + cell) * points;
  let w = params.dv * params.dv * params.dv;
  let sums = conservedSums(lid, baseA, baseB, params.massA, params.massB, params.vmax, params.dv);
  if (lid < 6u) {
    var lambda = 0.0;
    for (var j = 0u; j < 6u; j++) { lambda += inverseGram[lid * 6u + j] * sums[j] * w; }
    multipliers[lid] = lambda;
  }
  workgroupBarrier();
  let lambdaP = vec3f(multipliers[2], multipliers[3], multipliers[4]);
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, params.vmax, params.dv);
    let perMass = dot(v, lambdaP) + 0.5 * dot(v, v) * multipliers[5];
    field[baseA + i] -= w * (multipliers[0] + params.massA * perMass);
    field[baseB + i] -= w * (multipliers[1] + params.massB * perMass);
  }
}
