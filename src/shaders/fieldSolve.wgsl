// The Poisson solve of the Strang step and the v-advection weights it feeds, on the GPU, so that a
// step records without a read-back (PHYSICS.md §1 "Poisson", §4). Float64 twins:
// poissonSolveFft() in src/physics/poisson.ts and advectVWeights() in src/physics/transport.ts.
//   ρ_j = Σ_α e_α n_α(x_j) from the raw moments of velocityMoments.wgsl ([species][cell][6], n first);
//   E_i = Σ_j G[(i − j) mod NX] ρ_j, G the tabulated periodic Green's function of poissonSolveFft
//         (poissonFieldKernel(): mean and Nyquist mode left out, as there);
//   W[α][i][d] = shiftWeights(NV, s) with s = (e_α/m_α) E_i τ / Δv, from float64 twiddles;
//   s itself per species and cell, for the moment correction that follows each v-shift.
// One workgroup per x-cell; the field is a workgroup reduction, then 2·NV invocations write the
// weights into the buffer advectV.wgsl reads. Each species' mean density is subtracted before the
// sum, so a small perturbation of a large density keeps its relative accuracy in f32.
// The trigonometry of the shift goes through cosSinTurns() (exact range reduction + Taylor series,
// ~1 ulp): Vulkan's f32 sin/cos may be off by 2⁻¹¹ absolute. `FieldParams` is prepended by
// src/gpu/FieldSolve.ts.

override NX: u32 = 16u;
override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 64u; // a power of two
const MOMENT_COUNT: u32 = 6u;

@group(0) @binding(0) var<uniform> params: FieldParams;
@group(0) @binding(1) var<storage, read> moments: array<f32>;
@group(0) @binding(2) var<storage, read> greenKernel: array<f32>; // NX
@group(0) @binding(3) var<storage, read> twiddles: array<f32>; // [cos | sin][k − 1][d], k = 1 … K
@group(0) @binding(4) var<storage, read_write> weights: array<f32>; // [species][cell][d]
@group(0) @binding(5) var<storage, read_write> field: array<f32>; // E per cell
@group(0) @binding(6) var<storage, read_write> shifts: array<f32>; // [species][cell], s in v-cells

var<workgroup> partial: array<vec2f, WORKGROUP_SIZE>;

fn densities(cell: u32) -> vec2f {
  return vec2f(moments[cell * MOMENT_COUNT], moments[(NX + cell) * MOMENT_COUNT]);
}

// Sum of partial[] over the workgroup (pairwise tree), returned to every invocation.
fn workgroupSum(lid: u32) -> vec2f {
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  let total = partial[0];
  workgroupBarrier(); // everyone has read it before partial[] is written again
  return total;
}

// (cos 2πu, sin 2πu): u − round(u) and the quarter-turn split are exact in f32, leaving
// |x| ≤ π/4 for the series (truncation < 2e−10).
fn cosSinTurns(u: f32) -> vec2f {
  let r = u - round(u);
  let q = round(4.0 * r);
  let x = 6.283185307179586 * (r - 0.25 * q);
  let x2 = x * x;
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0)))));
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0 - x2 / 3628800.0))));
  switch ((i32(q) + 4) % 4) {
    case 1: { return vec2f(-s, c); }
    case 2: { return vec2f(-c, -s); }
    case 3: { return vec2f(s, -c); }
    default: { return vec2f(c, s); }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let cell = group.x; // exactly NX workgroups are dispatched
  let charge = vec2f(params.chargeA, params.chargeB);

  var sum = vec2f(0.0);
  for (var j = lid; j < NX; j += WORKGROUP_SIZE) { sum += densities(j); }
  partial[lid] = sum;
  let mean = workgroupSum(lid) / f32(NX);

  var e = 0.0;
  for (var j = lid; j < NX; j += WORKGROUP_SIZE) {
    e += greenKernel[(cell + NX - j) % NX] * dot(charge, densities(j) - mean);
  }
  partial[lid] = vec2f(e, 0.0);
  let E = workgroupSum(lid).x;
  let shiftPerField = vec2f(params.shiftA, params.shiftB);
  if (lid == 0u) {
    field[cell] = E;
    shifts[cell] = shiftPerField.x * E; // for vShiftMomentCorrection.wgsl
    shifts[NX + cell] = shiftPerField.y * E;
  }

  let modes = (NV + 1u) / 2u - 1u;
  for (var t = lid; t < 2u * NV; t += WORKGROUP_SIZE) {
    let species = t / NV;
    let d = t % NV;
    let s = shiftPerField[species] * E; // in v-cells
    let turns = s / f32(NV);
    var w = 1.0;
    for (var k = 1u; k <= modes; k++) {
      let phase = cosSinTurns(f32(k) * turns); // 2πks/n
      w += 2.0 * (twiddles[(k - 1u) * NV + d] * phase.x + twiddles[(modes + k - 1u) * NV + d] * phase.y);
    }
    if (NV % 2u == 0u) {
      // Nyquist: cos(π(d − s)) = (−1)^d cos(πs)
      w += select(1.0, -1.0, (d & 1u) == 1u) * cosSinTurns(0.5 * s).x;
    }
    weights[(species * NX + cell) * NV + d] = w / f32(NV);
  }
}
