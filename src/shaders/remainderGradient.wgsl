// The gradient term of the theorem's energy (PHYSICS.md §3): per cell, max over both species of
// |∇_{x,v} g|, g = w_γ F_R/√μ_M, F_R = (F − F_0)/ε, by central differences — in v at points whose
// six neighbours lie in the species' trusted ball, in x between the periodic neighbour cells (each
// with its own F_0). Float64 twin: remainderGradientMax() in src/physics/remainderNorms.ts.
// Layout: state [species][cell][N³]; cells [cell][6] = (a_A, a_B, b, c); out[3·cellCount + cell].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> params: RemainderParams;
@group(0) @binding(1) var<storage, read> state: array<f32>;
@group(0) @binding(2) var<storage, read> cells: array<f32>;
@group(0) @binding(3) var<storage, read_write> sums: array<f32>;

const PI = 3.14159265358979;
var<workgroup> partialMax: array<f32, WORKGROUP_SIZE>;

fn logWeight(speed: f32) -> f32 {
  let bracket = 1.0 + speed;
  return params.bracketPower * log(bracket) + params.expCoefficient * pow(bracket, params.expPower);
}

/** g at velocity point i of `cell` for species s. */
fn gValue(s: u32, cell: u32, i: u32) -> f32 {
  let points = NV * NV * NV;
  let v = velocityNode(i, NV, params.vmax, params.dv);
  let speed2 = dot(v, v);
  let c = cell * 6u;
  let m = select(params.massA, params.massB, s == 1u);
  let b = vec3f(cells[c + 2u], cells[c + 3u], cells[c + 4u]);
  let f0 = exp(cells[c + s] + m * (dot(b, v) - cells[c + 5u] * speed2));
  let fr = (state[(s * params.cellCount + cell) * points + i] - f0) / params.knudsen;
  let logFactor = logWeight(sqrt(speed2)) + 0.75 * log(2.0 * PI * params.thetaM)
    + m * speed2 / (4.0 * params.thetaM);
  return fr * exp(logFactor);
}

fn inBall(j1: i32, j2: i32, j3: i32, radius2: f32) -> bool {
  let n = i32(NV);
  if (j1 < 0 || j1 >= n || j2 < 0 || j2 >= n || j3 < 0 || j3 >= n) { return false; }
  let v = (vec3f(f32(j1), f32(j2), f32(j3)) + 0.5) * params.dv - params.vmax;
  return dot(v, v) <= radius2;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x;
  if (cell >= params.cellCount) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let left = (cell + params.cellCount - 1u) % params.cellCount;
  let right = (cell + 1u) % params.cellCount;
  let radii2 = vec2f(params.radiusA2, params.radiusB2);
  var largest = 0.0;
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let j1 = i32(i / (NV * NV));
    let j2 = i32((i / NV) % NV);
    let j3 = i32(i % NV);
    for (var s = 0u; s < 2u; s++) {
      let r2 = radii2[s];
      if (!inBall(j1 - 1, j2, j3, r2) || !inBall(j1 + 1, j2, j3, r2) || !inBall(j1, j2 - 1, j3, r2)
          || !inBall(j1, j2 + 1, j3, r2) || !inBall(j1, j2, j3 - 1, r2) || !inBall(j1, j2, j3 + 1, r2)) {
        continue;
      }
      let gx = (gValue(s, right, i) - gValue(s, left, i)) / (2.0 * params.cellWidth);
      let g1 = (gValue(s, cell, i + NV * NV) - gValue(s, cell, i - NV * NV)) / (2.0 * params.dv);
      let g2 = (gValue(s, cell, i + NV) - gValue(s, cell, i - NV)) / (2.0 * params.dv);
      let g3 = (gValue(s, cell, i + 1u) - gValue(s, cell, i - 1u)) / (2.0 * params.dv);
      largest = max(largest, sqrt(gx * gx + g1 * g1 + g2 * g2 + g3 * g3));
    }
  }
  partialMax[lid] = largest;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partialMax[lid] = max(partialMax[lid], partialMax[lid + stride]); }
    workgroupBarrier();
  }
  if (lid == 0u) { sums[3u * params.cellCount + cell] = partialMax[0]; }
}
