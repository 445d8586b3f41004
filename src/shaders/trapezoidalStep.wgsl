// The trapezoidal (Crank–Nicolson) collision step on the GPU: the vector kernels of its batched
// GMRES solve, one Krylov space per x-cell (src/physics/collision/trapezoidalStep.ts is the float64
// twin, where the step, its fixed point ε L⁻¹ H and its limits are derived; src/gpu/
// TrapezoidalCollisionStep.ts drives these kernels and keeps each cell's small Hessenberg system).
// L g comes from the quadratic operator by polarisation, Q̃(M ± s g) = ±s L g + s² N(g), with a per-cell
// scale s that makes s g a tenth of M: in f32 the difference of Q̃(M + g) and Q̃(M − g) for g ≪ M
// would keep only log10(M/g) fewer digits, the scaled one keeps them all (Q is exactly quadratic).
// h = Δt/(2ε). Layout of every vector: [species][cell][N³]; per-cell values: [cell]; basis and
// coefficient tables: [slot][…].

override WORKGROUP_SIZE: u32 = 256u; // a power of two
override POINTS: u32 = 4096u; // N³

@group(0) @binding(0) var<uniform> params: TrapezoidalParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> equilibrium: array<f32>;
@group(0) @binding(4) var<storage, read> qPlus: array<f32>;
@group(0) @binding(5) var<storage, read> qMinus: array<f32>;
@group(0) @binding(6) var<storage, read> qEquilibrium: array<f32>;
@group(0) @binding(7) var<storage, read> cellScale: array<f32>;
@group(0) @binding(8) var<storage, read> frequency: array<f32>;
@group(0) @binding(9) var<storage, read> basis: array<f32>;
@group(0) @binding(10) var<storage, read> coefficients: array<f32>;
@group(0) @binding(11) var<storage, read_write> out: array<f32>;
@group(0) @binding(12) var<storage, read_write> cellValues: array<f32>;

fn valueCount() -> u32 { return 2u * params.cellCount * POINTS; }
fn cellOf(i: u32) -> u32 { return (i / POINTS) % params.cellCount; }

// out = x − y (g = F − M; r = b − A x)
@compute @workgroup_size(WORKGROUP_SIZE)
fn difference(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = x[i] - y[i];
}

// out = M + s x and M − s x, the operator's inputs for polarisation
@compute @workgroup_size(WORKGROUP_SIZE)
fn polarisePlus(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = equilibrium[i] + cellScale[cellOf(i)] * x[i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn polariseMinus(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                 @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = equilibrium[i] - cellScale[cellOf(i)] * x[i];
}

// The Krylov matvec: out = (I − hL) x, L x = (Q̃₊ − Q̃₋)/(2s)
@compute @workgroup_size(WORKGROUP_SIZE)
fn applyOperator(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                 @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  let s = cellScale[cellOf(i)];
  out[i] = x[i] - params.halfDtOverKnudsen * (qPlus[i] - qMinus[i]) / (2.0 * s);
}

// N(x) = ((Q̃₊ + Q̃₋)/2 − Q̃(M))/s²
@compute @workgroup_size(WORKGROUP_SIZE)
fn quadraticPart(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                 @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  let s = cellScale[cellOf(i)];
  out[i] = (0.5 * (qPlus[i] + qMinus[i]) - qEquilibrium[i]) / (s * s);
}

// The old-time part of the right-hand side: out = g + h(L g + N(g)), x = g
@compute @workgroup_size(WORKGROUP_SIZE)
fn explicitHalf(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  let s = cellScale[cellOf(i)];
  let linear = (qPlus[i] - qMinus[i]) / (2.0 * s);
  let quadratic = (0.5 * (qPlus[i] + qMinus[i]) - qEquilibrium[i]) / (s * s);
  out[i] = x[i] + params.halfDtOverKnudsen * (linear + quadratic);
}

// out = x + h y (the right-hand side with the new-time N)
@compute @workgroup_size(WORKGROUP_SIZE)
fn addHalfStep(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = x[i] + params.halfDtOverKnudsen * y[i];
}

// The right preconditioner P = I + h ν(v), the diagonal of −hL's loss part: out = P⁻¹ x
@compute @workgroup_size(WORKGROUP_SIZE)
fn precondition(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = x[i] / (1.0 + params.halfDtOverKnudsen * frequency[i]);
}

// out += P⁻¹ x (the GMRES update of the solution)
@compute @workgroup_size(WORKGROUP_SIZE)
fn accumulatePreconditioned(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
                            @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] += x[i] / (1.0 + params.halfDtOverKnudsen * frequency[i]);
}

// out = a_c out + Σ_{j < count} c_{j,c} basis_j, a_c = coefficients[count][c] (a_c = 0 ignores out,
// which may hold anything): Gram–Schmidt, normalisation and the solution's Krylov combination
@compute @workgroup_size(WORKGROUP_SIZE)
fn combine(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  let n = valueCount();
  if (i >= n) { return; }
  let c = cellOf(i);
  let a = coefficients[params.count * params.cellCount + c];
  var sum = select(0.0, a * out[i], a != 0.0);
  for (var j = 0u; j < params.count; j++) {
    sum += coefficients[j * params.cellCount + c] * basis[j * n + i];
  }
  out[i] = sum;
}

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;
var<workgroup> partialMax: array<vec4f, WORKGROUP_SIZE>;

// cellValues[j][c] = ⟨basis_j, x⟩ over cell c (both species) for j < count, and ⟨x, x⟩ at j = count.
// One workgroup per (cell, j): dispatch (cellCount, count + 1).
@compute @workgroup_size(WORKGROUP_SIZE)
fn cellDots(@builtin(workgroup_id) id: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = id.x;
  let j = id.y;
  let n = valueCount();
  var sum = 0.0;
  for (var k = lid; k < 2u * POINTS; k += WORKGROUP_SIZE) {
    let species = k / POINTS;
    let i = (species * params.cellCount + c) * POINTS + k % POINTS;
    if (j < params.count) { sum += basis[j * n + i] * x[i]; } else { sum += x[i] * x[i]; }
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) { cellValues[j * params.cellCount + c] = partial[0]; }
}

// Per cell: (max|M|, max|x|, max ν, min ν) over both species, x = F − M; [c][4].
// Decides the initial layer (λ = 2h max ν, |F − M| against M) and scales the polarisation.
@compute @workgroup_size(WORKGROUP_SIZE)
fn cellExtrema(@builtin(workgroup_id) id: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = id.x;
  var m = vec4f(0.0, 0.0, 0.0, 3.4e38);
  for (var k = lid; k < 2u * POINTS; k += WORKGROUP_SIZE) {
    let species = k / POINTS;
    let i = (species * params.cellCount + c) * POINTS + k % POINTS;
    let nu = frequency[i];
    m = vec4f(max(m.x, abs(equilibrium[i])), max(m.y, abs(x[i])), max(m.z, nu), min(m.w, nu));
  }
  partialMax[lid] = m;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      let a = partialMax[lid];
      let b = partialMax[lid + stride];
      partialMax[lid] = vec4f(max(a.xyz, b.xyz), min(a.w, b.w));
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let r = partialMax[0];
    cellValues[4u * c] = r.x;
    cellValues[4u * c + 1u] = r.y;
    cellValues[4u * c + 2u] = r.z;
    cellValues[4u * c + 3u] = r.w;
  }
}

// The new state: out = y (the exponential step's result) where cellScale[c] ≠ 0 (an initial-layer
// cell), M + x elsewhere
@compute @workgroup_size(WORKGROUP_SIZE)
fn newState(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= valueCount()) { return; }
  out[i] = select(equilibrium[i] + x[i], y[i], cellScale[cellOf(i)] != 0.0);
}
