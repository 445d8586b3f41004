// The linearised collision operator 𝓛 for every x-cell (issue 17): the per-cell and elementwise
// parts around two CollisionOperator evaluations. Float64 twin: src/physics/collision/linearized.ts,
// 𝓛 = (I − P) χ L̃ χ (I − P), L̃ h = −(Q̃(μ + s h) − Q̃(μ − s h))/(2s), P the ⟨·,·⟩_{1/μ} projection
// onto the kernel vectors χμψ_d (ψ: 1_A, 1_B, m_α v, m_α|v|²/2), P h = Σ_d c_d χμψ_d with
// c = G⁻¹ (Σ_v ψ_d h) and G the per-cell Gram matrix (computed by the host in float64).
// Layout of every field: [species A | species B][cell][N_v³]. ProjectionParams, velocityNode(),
// linearIndex() and conservedSums() (which reads `field`) are prepended.

@group(0) @binding(0) var<uniform> params: ProjectionParams;
@group(0) @binding(1) var<storage, read> inverseGram: array<f32>; // [cell][36], row-major
@group(0) @binding(2) var<storage, read_write> field: array<f32>;
@group(0) @binding(3) var<storage, read> mu: array<f32>; // μ (not masked)
@group(0) @binding(4) var<storage, read> support: array<f32>; // χ ∈ {0, 1}
@group(0) @binding(5) var<storage, read> cellScale: array<f32>; // s per cell
@group(0) @binding(6) var<storage, read_write> polarised: array<f32>; // polarise: out
@group(0) @binding(7) var<storage, read> qPlus: array<f32>; // Q̃(μ + s h)
@group(0) @binding(8) var<storage, read> qMinus: array<f32>; // Q̃(μ − s h)

var<workgroup> multipliers: array<f32, 6>;

fn valueCount() -> u32 { return 2u * params.cellCount * NV * NV * NV; }
fn cellOf(i: u32) -> u32 { return (i / (NV * NV * NV)) % params.cellCount; }

// field ← (I − P)(χ field), one workgroup per cell. Each invocation masks and later corrects the
// same strided points that conservedSums reads for it, so no barrier is needed between the two.
@compute @workgroup_size(WORKGROUP_SIZE)
fn complement(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let baseA = cell * points;
  let baseB = (params.cellCount + cell) * points;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    field[baseA + i] *= support[baseA + i];
    field[baseB + i] *= support[baseB + i];
  }
  let sums = conservedSums(lid, baseA, baseB, params.massA, params.massB, params.vmax, params.dv);
  if (lid < 6u) {
    var c = 0.0;
    for (var j = 0u; j < 6u; j++) { c += inverseGram[cell * 36u + lid * 6u + j] * sums[j]; }
    multipliers[lid] = c;
  }
  workgroupBarrier();
  let cP = vec3f(multipliers[2], multipliers[3], multipliers[4]);
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, params.vmax, params.dv);
    let perMass = dot(v, cP) + 0.5 * dot(v, v) * multipliers[5];
    let a = baseA + i;
    let b = baseB + i;
    field[a] -= support[a] * mu[a] * (multipliers[0] + params.massA * perMass);
    field[b] -= support[b] * mu[b] * (multipliers[1] + params.massB * perMass);
  }
}

// polarised = μ + s h (plus) or μ − s h (minus), h = field
@compute @workgroup_size(WORKGROUP_SIZE)
fn polarisePlus(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  polarised[i] = mu[i] + cellScale[cellOf(i)] * field[i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn polariseMinus(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                 @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  polarised[i] = mu[i] - cellScale[cellOf(i)] * field[i];
}

// field = χ L̃ h = −χ (Q̃₊ − Q̃₋)/(2s)
@compute @workgroup_size(WORKGROUP_SIZE)
fn difference(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  field[i] = -support[i] * (qPlus[i] - qMinus[i]) / (2.0 * cellScale[cellOf(i)]);
}
