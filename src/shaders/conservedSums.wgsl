// The six conserved sums of one x-cell (PHYSICS.md §1, §4), C·(field_A, field_B) without the Δv³
// weight: (Σ field_A, Σ field_B, Σ v (m_A field_A + m_B field_B), Σ |v|²/2 (m_A field_A + m_B field_B)).
// Each invocation sums a strided slice with Kahan compensation, then a pairwise tree in workgroup
// memory. Shared by conservationProjection.wgsl and mixtureMaxwellian.wgsl; the including kernel
// declares `field` (array<f32>, layout [species][cell][N³]) and the overrides NV, WORKGROUP_SIZE.
// Call from uniform control flow (it has barriers); every invocation gets the result.

var<workgroup> partialMass: array<vec2f, WORKGROUP_SIZE>;
var<workgroup> partialMomentum: array<vec3f, WORKGROUP_SIZE>;
var<workgroup> partialEnergy: array<f32, WORKGROUP_SIZE>;

fn conservedSums(lid: u32, baseA: u32, baseB: u32, massA: f32, massB: f32, vmax: f32, dv: f32) -> array<f32, 6> {
  var mass = vec2f(0.0);
  var massC = vec2f(0.0);
  var momentum = vec3f(0.0);
  var momentumC = vec3f(0.0);
  var energy = 0.0;
  var energyC = 0.0;
  for (var i = lid; i < NV * NV * NV; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, vmax, dv);
    let a = field[baseA + i];
    let b = field[baseB + i];
    let weighted = massA * a + massB * b;
    let tm = vec2f(a, b) - massC;
    let nm = mass + tm;
    massC = (nm - mass) - tm;
    mass = nm;
    let tp = v * weighted - momentumC;
    let np = momentum + tp;
    momentumC = (np - momentum) - tp;
    momentum = np;
    let te = 0.5 * dot(v, v) * weighted - energyC;
    let ne = energy + te;
    energyC = (ne - energy) - te;
    energy = ne;
  }
  partialMass[lid] = mass;
  partialMomentum[lid] = momentum;
  partialEnergy[lid] = energy;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partialMass[lid] += partialMass[lid + stride];
      partialMomentum[lid] += partialMomentum[lid + stride];
      partialEnergy[lid] += partialEnergy[lid + stride];
    }
    workgroupBarrier();
  }
  let sums = array<f32, 6>(
    partialMass[0].x, partialMass[0].y,
    partialMomentum[0].x, partialMomentum[0].y, partialMomentum[0].z,
    partialEnergy[0],
  );
  workgroupBarrier(); // the partial arrays may be reused after this
  return sums;
}
