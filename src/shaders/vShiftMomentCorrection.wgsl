// The moment-exact v-shift (PHYSICS.md §4, transport; README): after advectV.wgsl, the shifted state F = destination is
// corrected so that the three moments the free flow f ← f(v − a e1) changes come out exact, per
// species and cell (f = source, the state before the shift, a = s Δv from fieldSolve.wgsl's shifts):
//   Σ F = Σ f,   Σ v1 F = Σ v1 f + a Σ f,   Σ |v|² F = Σ |v|² f + 2a Σ v1 f + a² Σ f.
// The trigonometric shift is exact only for band-limited data, and a Maxwellian with Δv ≈ one
// thermal speed is not: uncorrected, the force it applies is off by up to several per cent.
// F ← F + |F| (c0 + c1 v1 + c2 |v|²), c from the 3 × 3 normal equations (Gram Σ|F| φ_k φ_l,
// φ = (1, v1, |v|²)) solved by one invocation. A line with s = 0 (a neutral species, E = 0) is left
// as the shift wrote it, as is one whose Gram matrix is singular (an empty cell).
// Float64 twin: vShiftMomentCorrection() in src/physics/transport.ts.
// One workgroup per line (species · NX + cell); each invocation corrects the points it summed, so
// no storage barrier is needed between the sums and the update.
// velocityNode() and solveSmallSystem() are prepended.

override NV: u32 = 16u;
override NX: u32 = 16u;
override VMAX: f32 = 4.0;
override DV: f32 = 0.5;
override WORKGROUP_SIZE: u32 = 256u; // a power of two

@group(0) @binding(0) var<storage, read> shifts: array<f32>; // [species][cell], in v-cells
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> destination: array<f32>;

// Per invocation: (Σf, Σv1 f, Σ|v|²f, ·), (ΣF, Σv1 F, Σ|v|²F, ·), Gram (Σw, Σw v1, Σw|v|², Σw v1²),
// (Σw v1|v|², Σw|v|⁴, ·, ·), w = |F|.
var<workgroup> partialBefore: array<vec4f, WORKGROUP_SIZE>;
var<workgroup> partialAfter: array<vec4f, WORKGROUP_SIZE>;
var<workgroup> partialGramA: array<vec4f, WORKGROUP_SIZE>;
var<workgroup> partialGramB: array<vec4f, WORKGROUP_SIZE>;
var<workgroup> coefficients: vec4f; // (c0, c1, c2, apply)

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let line = group.x; // exactly 2·NX workgroups are dispatched
  let s = shifts[line];
  if (s == 0.0) { return; } // uniform per workgroup
  let points = NV * NV * NV;
  let base = line * points;
  var before = vec4f(0.0);
  var after = vec4f(0.0);
  var gramA = vec4f(0.0);
  var gramB = vec4f(0.0);
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, VMAX, DV);
    let v2 = dot(v, v);
    let f = source[base + i];
    let g = destination[base + i];
    let w = abs(g);
    before += vec4f(f, v.x * f, v2 * f, 0.0);
    after += vec4f(g, v.x * g, v2 * g, 0.0);
    gramA += w * vec4f(1.0, v.x, v2, v.x * v.x);
    gramB += w * vec4f(v.x * v2, v2 * v2, 0.0, 0.0);
  }
  partialBefore[lid] = before;
  partialAfter[lid] = after;
  partialGramA[lid] = gramA;
  partialGramB[lid] = gramB;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      partialBefore[lid] += partialBefore[lid + stride];
      partialAfter[lid] += partialAfter[lid + stride];
      partialGramA[lid] += partialGramA[lid + stride];
      partialGramB[lid] += partialGramB[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let f = partialBefore[0];
    let g = partialAfter[0];
    let ga = partialGramA[0];
    let gb = partialGramB[0];
    let a = s * DV;
    var gram = array<f32, 36>();
    gram[0] = ga.x; gram[1] = ga.y; gram[2] = ga.z;
    gram[3] = ga.y; gram[4] = ga.w; gram[5] = gb.x;
    gram[6] = ga.z; gram[7] = gb.x; gram[8] = gb.y;
    var rhs = array<f32, 6>();
    rhs[0] = 0.0; // the shift conserves mass exactly (Σ_d W = 1): f32 sums would only add noise
    rhs[1] = (f.y + a * f.x) - g.y;
    rhs[2] = (f.z + 2.0 * a * f.y + a * a * f.x) - g.z;
    let singular = solveSmallSystem(&gram, &rhs, 3u);
    coefficients = vec4f(rhs[0], rhs[1], rhs[2], select(1.0, 0.0, singular));
  }
  workgroupBarrier();
  let c = coefficients;
  if (c.w == 0.0) { return; }
  for (var i = lid; i < points; i += WORKGROUP_SIZE) {
    let v = velocityNode(i, NV, VMAX, DV);
    let g = destination[base + i];
    destination[base + i] = g + abs(g) * (c.x + c.y * v.x + c.z * dot(v, v));
  }
}
