// A x = b in place, n ≤ 6 (row-major with stride n), by Gaussian elimination with partial pivoting,
// run by one invocation: the Newton step of mixtureMaxwellian.wgsl (6 × 6) and the normal equations
// of positivityLimiter.wgsl (5 × 5). Twin: solveLinear in src/physics/maxwellian.ts. Returns true
// when a pivot was exactly zero (x is then not finite); each caller decides what that means.
// Prepended to a kernel's source by its host class (WGSL has no #include).

fn solveSmallSystem(a: ptr<function, array<f32, 36>>, b: ptr<function, array<f32, 6>>, n: u32) -> bool {
  var singular = false;
  for (var col = 0u; col < n; col++) {
    var pivot = col;
    for (var r = col + 1u; r < n; r++) {
      if (abs((*a)[r * n + col]) > abs((*a)[pivot * n + col])) { pivot = r; }
    }
    for (var c = 0u; c < n; c++) {
      let t = (*a)[col * n + c];
      (*a)[col * n + c] = (*a)[pivot * n + c];
      (*a)[pivot * n + c] = t;
    }
    let t = (*b)[col];
    (*b)[col] = (*b)[pivot];
    (*b)[pivot] = t;
    singular = singular || (*a)[col * n + col] == 0.0;
    for (var r = col + 1u; r < n; r++) {
      let f = (*a)[r * n + col] / (*a)[col * n + col];
      for (var c = col; c < n; c++) { (*a)[r * n + c] -= f * (*a)[col * n + c]; }
      (*b)[r] -= f * (*b)[col];
    }
  }
  for (var k = 0u; k < n; k++) {
    let r = n - 1u - k;
    var sum = (*b)[r];
    for (var c = r + 1u; c < n; c++) { sum -= (*a)[r * n + c] * (*b)[c]; }
    (*b)[r] = sum / (*a)[r * n + r];
  }
  return singular;
}
