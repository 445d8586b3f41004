// The Hilbert-expansion remainder F_R = (F_ε − F_0)/ε of every x-cell and its norms' per-cell sums
// (PHYSICS.md §3); float64 twin: remainderCellSums() in src/physics/remainderNorms.ts.
// F_0^α = exp(a_α + m_α b·v − m_α c|v|²): the fluid's bi-Maxwellian as the discrete Maxwellian with
// the fluid's discrete moments (a, b, c by Newton on the host); it is also the μ of the L² norm.
// Per cell: [Σ F_R²/μ, max ⟨v⟩^{2−γ} w_γ |F_R|/√μ_M, Σ_α e_α Σ_v F_R], the first two over each
// species' trusted ball |v| ≤ r_α only (numerical honesty, §3). w_γ is evaluated in
// log form without branches on γ: log w = bracketPower log⟨v⟩ + expCoefficient ⟨v⟩^expPower.
// Layout: state [species][cell][N³]; cells [cell][6] = (a_A, a_B, b, c).

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: RemainderParams;
@group(0) @binding(1) var<storage, read> state: array<f32>;
@group(0) @binding(2) var<storage, read> cells: array<f32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;

const PI = 3.14159265358979;
var<workgroup> partialL2: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialCharge: array<f32, WORKGROUP_SIZE>;

fn logWeight(speed: f32) -> f32 {
  let bracket = 1.0 + speed;
  return params.bracketPower * log(bracket) + params.expCoefficient * pow(bracket, params.expPower);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let c = cell * 6u;
  let a = vec2f(cells[c], cells[c + 1u]);
  let b = vec3f(cells[c + 2u], cells[c + 3u], cells[c + 4u]);
  let curvature = cells[c + 5u];
  let masses = vec2f(params.massA, params.massB);
  let charges = vec2f(params.chargeA, params.chargeB);
  let radii2 = vec2f(params.radiusA2, params.radiusB2);

  var l2 = 0.0;
  var largest = 0.0;
  var charge = 0.0;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, params.vmax, params.dv);
    let speed2 = dot(v, v);
    let speed = sqrt(speed2);
    for (var s = 0u; s < 2u; s++) {
      let m = masses[s];
      let f0 = exp(a[s] + m * (dot(b, v) - curvature * speed2));
      let mu = f0;
      let fr = (state[(s * params.cellCount + cell) * points + i] - f0) / params.knudsen;
      charge += charges[s] * fr;
      if (speed2 <= radii2[s]) {
        l2 += fr * fr / mu;
        let logFactor = (2.0 - params.gamma) * log(1.0 + speed) + logWeight(speed)
          + 0.75 * log(2.0 * PI * params.thetaM) + m * speed2 / (4.0 * params.thetaM);
        largest = max(largest, abs(fr) * exp(logFactor));
      }
    }
  }
  partialL2[lid] = l2;
  partialMax[lid] = largest;
  partialCharge[lid] = charge;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partialL2[lid] += partialL2[lid + stride];
      partialMax[lid] = max(partialMax[lid], partialMax[lid + stride]);
      partialCharge[lid] += partialCharge[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    sums[3u * cell] = partialL2[0];
    sums[3u * cell + 1u] = partialMax[0];
    sums[3u * cell + 2u] = partialCharge[0];
  }
}
