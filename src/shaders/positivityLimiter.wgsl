// The conservative positivity limiter of the collision step, one workgroup per (cell, species)
// (twin and derivation: src/physics/collision/positivity.ts):
//   F ← F⁺ + w (λ·φ),  w = min(F⁺, CAP·max|F⁻|),  φ = (1, v/L, |v|²/L²),
//   G λ = Σ (F − F⁺) φ,  G = Σ w φ φᵀ,
// so each species keeps its n, momentum and energy while the negative values the spectral Q leaves
// in the tails are cut. φ in units of L keeps G's entries O(1) in f32. A cell with nothing to cut
// is not written. A NaN in F is never cleaned away: it stays where it is (the step guard must see
// it).
// Layout: state [species][cell][N³]; dispatch (cellCount, 2).

@group(0) @binding(0) var<uniform> params: ProjectionParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;

// per invocation: the 15 entries of G's upper triangle, then the 5 cut moments
override CAP: f32 = 10.0;

var<workgroup> partialSums: array<array<f32, 20>, WORKGROUP_SIZE>;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;
var<workgroup> correction: array<f32, 5>;
var<workgroup> weightCap: f32;

fn scaledInvariants(i: u32) -> array<f32, 5> {
  let v = velocityNode(i, NV, params.vmax, params.dv) / params.vmax;
  return array<f32, 5>(1.0, v.x, v.y, v.z, dot(v, v));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let base = (group.y * params.cellCount + cell) * points;

  // the largest cut value sets the weight cap
  var largest = 0.0;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) { largest = max(largest, -state[base + i]); }
  partialMax[lid] = largest;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partialMax[lid] = max(partialMax[lid], partialMax[lid + stride]); }
    workgroupBarrier();
  }
  if (lid == 0u) { weightCap = CAP * partialMax[0]; }
  // uniform: nothing negative, nothing to do (and nothing written)
  let cap = workgroupUniformLoad(&weightCap);
  if (cap <= 0.0) { return; }

  // explicitly zeroed: a bare `var` array was seen not re-zeroed on SwiftShader (mixtureMaxwellian.wgsl)
  var local = array<f32, 20>();
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let f = state[base + i];
    let phi = scaledInvariants(i);
    if (f < 0.0) {
      for (var a = 0u; a < 5u; a++) { local[15u + a] += f * phi[a]; }
    } else {
      let w = min(f, cap);
      var k = 0u;
      for (var a = 0u; a < 5u; a++) {
        for (var b = a; b < 5u; b++) {
          local[k] += w * phi[a] * phi[b];
          k++;
        }
      }
    }
  }
  partialSums[lid] = local;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      for (var k = 0u; k < 20u; k++) { partialSums[lid][k] += partialSums[lid + stride][k]; }
    }
    workgroupBarrier();
  }

  if (lid == 0u) {
    var gram: array<f32, 36>; // 5 × 5 used, stride 5 (smallLinearSolve.wgsl)
    var rhs: array<f32, 6>;
    var k = 0u;
    for (var a = 0u; a < 5u; a++) {
      rhs[a] = partialSums[0][15u + a];
      for (var b = a; b < 5u; b++) {
        gram[a * 5u + b] = partialSums[0][k];
        gram[b * 5u + a] = partialSums[0][k];
        k++;
      }
    }
    // G λ = rhs; a zero pivot (F⁺ spans fewer than five invariants) gives no correction, as in the twin
    let singular = solveSmallSystem(&gram, &rhs, 5u);
    for (var a = 0u; a < 5u; a++) { correction[a] = select(rhs[a], 0.0, singular); }
  }
  workgroupBarrier();
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let f = state[base + i];
    if (f <= 0.0) {
      state[base + i] = 0.0;
    } else {
      let phi = scaledInvariants(i);
      var change = 0.0;
      for (var a = 0u; a < 5u; a++) { change += correction[a] * phi[a]; }
      state[base + i] = f + min(f, cap) * change;
    }
  }
}
