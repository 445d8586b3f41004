// The exponential AP collision step (PHYSICS.md §4 "Stiffness"; Dimarco & Pareschi 2011), element
// by element; derivation, order, stability and ε → 0 limit in src/physics/collision/collisionStep.ts.
// λ = μΔt/ε with μ the cell's penalty, r = Δt/ε, Q the projected operator, D = M − F projected;
// every Q(·) has the spectral residual Q(M) subtracted (well-balanced form: M a fixed point).
//   firstOrder: F ← F + r e^{−λ}(Q(F) − Q(M)) + (1 − e^{−λ}(1+λ)) D
//   stage:      Q₀ ← Q(F) − Q(M) (in place), F₁ = F + r e^{−λ} Q₀ + (1 − e^{−λ}(1+λ)) D
//   secondOrder (after Q(F₁)):
//               F ← F + (1 − e^{−λ}(1+λ+λ²/2)) D + (r/2) e^{−λ}(1+λ) Q₀ + (r/2)(Q(F₁) − Q(M))
// The 1 − e^{−λ}(…) weights are summed as series for small λ (no cancellation in f32).
// Layout: state, qState, qEquilibrium, deviation, stage, qStage [species][cell][N³]; penalty [cell].

override WORKGROUP_SIZE: u32 = 256u;
override POINTS: u32 = 4096u; // N³

@group(0) @binding(0) var<uniform> params: UpdateParams;
@group(0) @binding(1) var<storage, read_write> state: array<f32>;
@group(0) @binding(2) var<storage, read_write> qState: array<f32>;
@group(0) @binding(3) var<storage, read> qEquilibrium: array<f32>;
@group(0) @binding(4) var<storage, read> deviation: array<f32>;
@group(0) @binding(5) var<storage, read> penalty: array<f32>;
@group(0) @binding(6) var<storage, read_write> stage: array<f32>;
@group(0) @binding(7) var<storage, read> qStage: array<f32>;

fn lambdaOf(i: u32) -> f32 {
  return penalty[(i / POINTS) % params.cellCount] * params.dtOverKnudsen;
}

// 1 − e^{−λ}(1 + λ) = λ²/2 − λ³/3 + λ⁴/8 − …
fn firstOrderRelaxation(lambda: f32) -> f32 {
  if (lambda < 1e-2) { return lambda * lambda * (0.5 - lambda / 3.0 + lambda * lambda / 8.0); }
  return 1.0 - exp(-lambda) * (1.0 + lambda);
}

fn inRange(i: u32) -> bool { return i < 2u * params.cellCount * POINTS; }

@compute @workgroup_size(WORKGROUP_SIZE)
fn firstOrder(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (!inRange(i)) { return; }
  let lambda = lambdaOf(i);
  state[i] += params.dtOverKnudsen * exp(-lambda) * (qState[i] - qEquilibrium[i])
    + firstOrderRelaxation(lambda) * deviation[i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn predictor(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
             @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (!inRange(i)) { return; }
  let lambda = lambdaOf(i);
  let q0 = qState[i] - qEquilibrium[i];
  qState[i] = q0;
  stage[i] = state[i] + params.dtOverKnudsen * exp(-lambda) * q0 + firstOrderRelaxation(lambda) * deviation[i];
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn secondOrder(@builtin(workgroup_id) id: vec3u, @builtin(num_workgroups) groups: vec3u,
               @builtin(local_invocation_index) lid: u32) {
  let i = linearIndex(id, groups, lid, WORKGROUP_SIZE);
  if (!inRange(i)) { return; }
  let lambda = lambdaOf(i);
  let decay = exp(-lambda);
  // 1 − e^{−λ}(1 + λ + λ²/2) = λ³/6 − λ⁴/8 + λ⁵/20 − λ⁶/72 + λ⁷/336 − λ⁸/1920 + … (twin's series)
  var relaxation: f32;
  if (lambda < 0.1) {
    let l = lambda;
    relaxation = l * l * l * (1.0 / 6.0 - l * (1.0 / 8.0 - l * (1.0 / 20.0 - l * (1.0 / 72.0
      - l * (1.0 / 336.0 - l / 1920.0)))));
  } else {
    relaxation = 1.0 - decay * (1.0 + lambda + 0.5 * lambda * lambda);
  }
  let half = 0.5 * params.dtOverKnudsen;
  state[i] += relaxation * deviation[i] + half * decay * (1.0 + lambda) * qState[i]
    + half * (qStage[i] - qEquilibrium[i]);
}
