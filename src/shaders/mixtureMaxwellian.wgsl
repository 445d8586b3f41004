// The mixture bi-Maxwellian of each x-cell (PHYSICS.md §1) for the AP collision step: from the
// conserved sums of the state F (conservedSums), n_α = ∫F^α, u = Σ m_α∫vF^α / ρ, θ = (2W − ρ|u|²)/(3Σn_α),
//     deviation_α(v) = n_α (m_α/(2πθ))^{3/2} exp(−m_α|v − u|²/(2θ)) − F^α(v),
// which the conservation projection then makes moment-free (so F + deviation has exactly F's
// discrete conserved moments). Also the penalty μ = max over v and α of the loss frequency ν_α
// (PHYSICS.md §4 "Stiffness"). Float64 twin: discreteMixtureMaxwellian and collisionStep in
// src/physics/collision/collisionStep.ts.
// Layout: field (the state F), frequency, deviation [species][cell][N³]; penalty [cell].

@group(0) @binding(0) var<uniform> params: ProjectionParams;
@group(0) @binding(1) var<storage, read> field: array<f32>;
@group(0) @binding(2) var<storage, read> frequency: array<f32>;
@group(0) @binding(3) var<storage, read_write> deviation: array<f32>;
@group(0) @binding(4) var<storage, read_write> penalty: array<f32>;

const PI = 3.14159265358979;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let baseA = cell * points;
  let baseB = (params.cellCount + cell) * points;
  let mA = params.massA;
  let mB = params.massB;
  let w = params.dv * params.dv * params.dv;
  let sums = conservedSums(lid, baseA, baseB, mA, mB, params.vmax, params.dv);
  let nA = sums[0] * w;
  let nB = sums[1] * w;
  let rho = mA * nA + mB * nB;
  let u = vec3f(sums[2], sums[3], sums[4]) * w / rho;
  let theta = (2.0 * sums[5] * w - rho * dot(u, u)) / (3.0 * (nA + nB));
  let normA = nA * pow(mA / (2.0 * PI * theta), 1.5);
  let normB = nB * pow(mB / (2.0 * PI * theta), 1.5);

  var largest = 0.0;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let c = velocityNode(i, NV, params.vmax, params.dv) - u;
    let c2 = dot(c, c) / (2.0 * theta);
    deviation[baseA + i] = normA * exp(-mA * c2) - field[baseA + i];
    deviation[baseB + i] = normB * exp(-mB * c2) - field[baseB + i];
    largest = max(largest, max(frequency[baseA + i], frequency[baseB + i]));
  }
  partialMax[lid] = largest;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partialMax[lid] = max(partialMax[lid], partialMax[lid + stride]); }
    workgroupBarrier();
  }
  if (lid == 0u) { penalty[cell] = partialMax[0]; }
}
