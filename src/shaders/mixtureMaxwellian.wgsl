// The mixture bi-Maxwellian of each x-cell (PHYSICS.md §1) for the AP collision step, as the
// DISCRETE Maxwellian with the conserved discrete moments of the state F (twin:
// discreteMaxwellianParameters in src/physics/maxwellian.ts, used by discreteMixtureMaxwellian of
// src/physics/collision/collisionStep.ts): M^α = exp(a_α + m_α b·v − m_α c|v|²), (a_A, a_B, b, c)
// by NEWTON_ITERATIONS Newton steps in f32 from the continuous Maxwellian of the moments
//   n_α = ∫F^α, u = Σ m_α∫vF^α / ρ, θ = (2W − ρ|u|²)/(3Σn_α)   (a = log(n(m/2πθ)^{3/2}) − m|u|²/2θ, b = u/θ, c = 1/2θ).
// An equilibrium F is then its own M (no discretisation artefact); the conservation projection of
// deviation = M − F that follows removes what f32 leaves of the moment residual. Also the penalty
// μ = max over v and α of the loss frequency ν_α (PHYSICS.md §4 "Stiffness").
// Layout: field (the state F), frequency, deviation [species][cell][N³]; penalty [cell].

override NEWTON_ITERATIONS: u32 = 3u;

@group(0) @binding(0) var<uniform> params: ProjectionParams;
@group(0) @binding(1) var<storage, read> field: array<f32>;
@group(0) @binding(2) var<storage, read> frequency: array<f32>;
@group(0) @binding(3) var<storage, read_write> deviation: array<f32>;
@group(0) @binding(4) var<storage, read_write> penalty: array<f32>;

const PI = 3.14159265358979;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;
// per invocation: g (6 moments of M) and J (6 × 6) = 42 partial sums
var<workgroup> partialNewton: array<array<f32, 42>, WORKGROUP_SIZE>;
var<workgroup> unknowns: array<f32, 6>; // (a_A, a_B, b1, b2, b3, c)

/** M^s(v) for the current unknowns. */
fn maxwellian(s: u32, m: f32, v: vec3f) -> f32 {
  return exp(unknowns[s] + m * (dot(vec3f(unknowns[2], unknowns[3], unknowns[4]), v) - unknowns[5] * dot(v, v)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let baseA = cell * points;
  let baseB = (params.cellCount + cell) * points;
  let masses = vec2f(params.massA, params.massB);
  let w = params.dv * params.dv * params.dv;
  let sums = conservedSums(lid, baseA, baseB, params.massA, params.massB, params.vmax, params.dv);
  var goal = array<f32, 6>(sums[0] * w, sums[1] * w, sums[2] * w, sums[3] * w, sums[4] * w, sums[5] * w);
  if (lid == 0u) {
    let rho = masses.x * goal[0] + masses.y * goal[1];
    let u = vec3f(goal[2], goal[3], goal[4]) / rho;
    let theta = (2.0 * goal[5] - rho * dot(u, u)) / (3.0 * (goal[0] + goal[1]));
    for (var s = 0u; s < 2u; s++) {
      unknowns[s] = log(goal[s] * pow(masses[s] / (2.0 * PI * theta), 1.5)) - masses[s] * dot(u, u) / (2.0 * theta);
    }
    unknowns[2] = u.x / theta;
    unknowns[3] = u.y / theta;
    unknowns[4] = u.z / theta;
    unknowns[5] = 0.5 / theta;
  }
  workgroupBarrier();

  for (var iteration = 0u; iteration < NEWTON_ITERATIONS; iteration++) {
    // explicitly zeroed: a bare `var` in a loop body was seen NOT re-zeroed per iteration (SwiftShader)
    var local = array<f32, 42>();
    for (var i = lid; i < points; i += WORKGROUP_SIZE) {
      let v = velocityNode(i, NV, params.vmax, params.dv);
      let speed2 = dot(v, v);
      for (var s = 0u; s < 2u; s++) {
        let m = masses[s];
        let f = w * maxwellian(s, m, v);
        let phi = array<f32, 6>(select(0.0, 1.0, s == 0u), select(0.0, 1.0, s == 1u), m * v.x, m * v.y, m * v.z, 0.5 * m * speed2);
        let psi = array<f32, 6>(phi[0], phi[1], phi[2], phi[3], phi[4], -m * speed2);
        for (var a = 0u; a < 6u; a++) {
          local[a] += phi[a] * f;
          for (var c = 0u; c < 6u; c++) { local[6u + a * 6u + c] += phi[a] * psi[c] * f; }
        }
      }
    }
    partialNewton[lid] = local;
    workgroupBarrier();
    for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
      if (lid < stride) {
        for (var k = 0u; k < 42u; k++) { partialNewton[lid][k] += partialNewton[lid + stride][k]; }
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      // J Δx = goal − g (6 × 6, smallLinearSolve.wgsl; a singular J gives a non-finite step
      // that the step guard sees)
      var jac: array<f32, 36>;
      var rhs: array<f32, 6>;
      for (var a = 0u; a < 6u; a++) {
        rhs[a] = goal[a] - partialNewton[0][a];
        for (var c = 0u; c < 6u; c++) { jac[a * 6u + c] = partialNewton[0][6u + a * 6u + c]; }
      }
      _ = solveSmallSystem(&jac, &rhs, 6u);
      for (var a = 0u; a < 6u; a++) { unknowns[a] += rhs[a]; }
    }
    workgroupBarrier();
  }

  var largest = 0.0;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, params.vmax, params.dv);
    deviation[baseA + i] = maxwellian(0u, masses.x, v) - field[baseA + i];
    deviation[baseB + i] = maxwellian(1u, masses.y, v) - field[baseB + i];
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
