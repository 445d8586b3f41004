// Gain term of Q^{αβ}, step 1 of 3 (PHYSICS.md §4; twin: collisionFromSpectra in
// src/physics/collision/spectral.ts): for the current radial node ρ_r, every sphere point e_p and
// every cell of the chunk, the spectrum of the complex field
//     z(v) = f(v + aρ_r e_p) + i g(v − âρ_r e_p)
// i.e. ẑ_k = f̂_k P_f(k) + i ĝ_k P_g(k), P = Π_axes e^{iξ_k s} (band-limited shifts). Both shifted
// fields are real, so ONE inverse FFT gives both (Re z, Im z). The phase tables are built in
// float64 on the host with every Nyquist index zeroed (shifted real data stay real).
// Layout: z [localCell][p][N³], spectra [species][cell][N³], phases [r][p][axis][k].

override NV: u32 = 16u;
override WORKGROUP_SIZE: u32 = 256u;

@group(0) @binding(0) var<uniform> pair: PairParams;
@group(0) @binding(1) var<uniform> cursor: CollisionCursor;
@group(0) @binding(2) var<storage, read> spectra: array<vec2f>;
@group(0) @binding(3) var<storage, read> phaseF: array<vec2f>;
@group(0) @binding(4) var<storage, read> phaseG: array<vec2f>;
@group(0) @binding(5) var<storage, read_write> z: array<vec2f>;

fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let points = NV * NV * NV;
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= cursor.chunkCells * pair.sphereCount * points) { return; }
  let k = i % points;
  let p = (i / points) % pair.sphereCount;
  let localCell = i / (points * pair.sphereCount);
  let cell = cursor.cellOffset + localCell;
  if (cell >= pair.cellCount) { z[i] = vec2f(0.0); return; }

  let k3 = vec3u(k / (NV * NV), (k / NV) % NV, k % NV);
  let table = ((cursor.radial * pair.sphereCount + p) * 3u) * NV;
  let pf = cmul(cmul(phaseF[table + k3.x], phaseF[table + NV + k3.y]), phaseF[table + 2u * NV + k3.z]);
  let pg = cmul(cmul(phaseG[table + k3.x], phaseG[table + NV + k3.y]), phaseG[table + 2u * NV + k3.z]);
  let fHat = spectra[(pair.alpha * pair.cellCount + cell) * points + k];
  let gHat = spectra[(pair.beta * pair.cellCount + cell) * points + k];
  let u = cmul(fHat, pf);
  let w = cmul(gHat, pg);
  z[i] = vec2f(u.x - w.y, u.y + w.x); // u + i w
}
