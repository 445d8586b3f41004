// Velocity moments of one species in every x-cell (PHYSICS.md §1, §4 "Reductions"):
//   n = Σ F Δv³,  p = m Σ v F Δv³,  W = (m/2) Σ |v|² F Δv³,  H = Σ_{F>0} F log F Δv³
// on the cell-centred grid v_j = −L + (j + ½)Δv. Float64 twin: src/physics/moments.ts.
// One workgroup per cell: each invocation sums a strided slice with Kahan compensation, then a
// pairwise tree in workgroup memory, so the error grows like log(N_v³), not N_v³.
// `MomentParams` (cellCount, vmax, dv, mass) and velocityNode() are prepended by src/gpu/VelocityMoments.ts.

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u; // a power of two
const MOMENT_COUNT: u32 = 6u;

@group(0) @binding(0) var<uniform> params: MomentParams;
@group(0) @binding(1) var<storage, read> distribution: array<f32>;
@group(0) @binding(2) var<storage, read_write> moments: array<f32>;

var<workgroup> partialSums: array<vec4f, WORKGROUP_SIZE>; // (n, Σv1F, Σv2F, Σv3F)
var<workgroup> partialEnergy: array<vec2f, WORKGROUP_SIZE>; // (Σ|v|²F, Σ F log F)

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup: barriers below stay valid

  let points = NV * NV * NV;
  let base = cell * points;
  var sum = vec4f(0.0);
  var sumCompensation = vec4f(0.0);
  var energy = vec2f(0.0);
  var energyCompensation = vec2f(0.0);
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, params.vmax, params.dv);
    let f = distribution[base + i];
    // Kahan: add (f, v f) and (|v|² f, f log f), carrying the lost low-order bits.
    let term = vec4f(f, v * f) - sumCompensation;
    let next = sum + term;
    sumCompensation = (next - sum) - term;
    sum = next;
    let entropy = select(0.0, f * log(f), f > 0.0);
    let energyTerm = vec2f(dot(v, v) * f, entropy) - energyCompensation;
    let nextEnergy = energy + energyTerm;
    energyCompensation = (nextEnergy - energy) - energyTerm;
    energy = nextEnergy;
  }
  partialSums[lid] = sum;
  partialEnergy[lid] = energy;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partialSums[lid] += partialSums[lid + stride];
      partialEnergy[lid] += partialEnergy[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let cellVolume = params.dv * params.dv * params.dv;
    let total = partialSums[0];
    let out = cell * MOMENT_COUNT;
    moments[out] = total.x * cellVolume;
    moments[out + 1u] = params.mass * total.y * cellVolume;
    moments[out + 2u] = params.mass * total.z * cellVolume;
    moments[out + 3u] = params.mass * total.w * cellVolume;
    moments[out + 4u] = 0.5 * params.mass * partialEnergy[0].x * cellVolume;
    moments[out + 5u] = partialEnergy[0].y * cellVolume;
  }
}
