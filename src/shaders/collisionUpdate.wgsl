// The exponential AP collision step (PHYSICS.md §4 "Stiffness"; Dimarco & Pareschi 2011, first
// order), element by element; derivation, order and ε → 0 limit in src/physics/collision/collisionStep.ts:
//     F ← F + (Δt/ε) e^{−λ} (Q(F) − Q(M)) + (1 − e^{−λ}(1+λ)) D,
// λ = μ Δt/ε with μ the cell's penalty, Q the projected operator, D = M − F projected; subtracting
// the spectral residual Q(M) (well-balanced form) makes M an exact fixed point.
// 1 − e^{−λ}(1+λ) is summed as a series for small λ (no cancellation in f32).
// Layout: state, qState, qEquilibrium, deviation [species][cell][N³]; penalty [cell].

override WORKGROUP_SIZE: u32 = 256u;
override POINTS: u32 = 4096u; // N³

@group(0) @binding(0) var<uniform> params: UpdateParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read> qState: array<f32>;
@group(0) @binding(3) var<storage, read> qEquilibrium: array<f32>;
@group(0) @binding(4) var<storage, read> deviation: array<f32>;
@group(0) @binding(5) var<storage, read> penalty: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (i >= 2u * params.cellCount * POINTS) { return; }
  let cell = (i / POINTS) % params.cellCount;
  let lambda = penalty[cell] * params.dtOverKnudsen;
  let decay = exp(-lambda);
  var toEquilibrium: f32;
  if (lambda < 1e-2) {
    toEquilibrium = lambda * lambda * (0.5 - lambda / 3.0 + lambda * lambda / 8.0);
  } else {
    toEquilibrium = 1.0 - decay * (1.0 + lambda);
  }
  state[i] += params.dtOverKnudsen * decay * (qState[i] - qEquilibrium[i]) + toEquilibrium * deviation[i];
}
