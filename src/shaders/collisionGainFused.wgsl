// Gain term of Q^{αβ}: the shifted products and their sphere sum, fused into the first and the last
// pass of the inverse FFT (PHYSICS.md §4; twin: gainSpectra in src/physics/collision/spectral.ts),
// so that neither the shifted spectra nor the transformed shifted grids are written to memory. Prepended: fftLine.wgsl (the line transform), and the
// PairParams and CollisionCursor structs. For every radial node ρ_r of the cursor's block, every
// sphere point e_p of the pair's rule and every cell of the chunk:
//   shiftFirstPass (the i3 pass): forms the spectrum of z(v) = f(v + aρ_r e_p) + i g(v − âρ_r e_p),
//     ẑ_k = f̂_k P_f(k) + i ĝ_k P_g(k), P = Π_axes e^{iξ_k s} (band-limited shifts), as it loads
//     each line, so the spectrum is never written to memory; then Fft3d's i2 pass;
//   sphereLastPass (the i1 pass): transforms each line of z_p for every p in turn and accumulates
//     h_r(v) = Σ_p w_p Re z_p(v) Im z_p(v) in registers, so the transformed z_p are never written
//     either; it writes h as a complex grid (h, 0) for the forward FFT that follows.
// Both shifted fields are real (the host's phase tables, built in float64, zero every Nyquist
// index), so one complex inverse FFT gives both. Per value of the M shifted grids this moves
// 16 B + 8 B + 16 B + 8 B (spectra read, i3 write, i2 read+write, i1 read).
// The block's radial nodes are batched into one dispatch: the same work per dispatch, and one
// dispatch per block instead of one per node.
// Layout: data (fftLine.wgsl's binding 0, the shifted grids z_p) [unit][p][N³] with
// unit = localNode · chunkCells + localCell, spectra [species][cell][N³], phases [r][p][axis][k],
// h [unit][N³].

@group(0) @binding(2) var<uniform> pair: PairParams;
@group(0) @binding(3) var<uniform> cursor: CollisionCursor;
@group(0) @binding(4) var<storage, read> spectra: array<vec2f>;
@group(0) @binding(5) var<storage, read> phaseF: array<vec2f>;
@group(0) @binding(6) var<storage, read> phaseG: array<vec2f>;
@group(0) @binding(7) var<storage, read> sphereWeights: array<f32>;
@group(0) @binding(8) var<storage, read_write> h: array<vec2f>;

/**
 * ẑ at k3 of line l, whose first two phase factors are l.pf12, l.pg12 (the product order
 * (P1 P2) P3). Zero for a cell past the end of the run (the last chunk runs whole).
 */
fn shiftedSpectrum(l: ShiftedLine, k3: u32) -> vec2f {
  if (!l.inRange) {
    return vec2f(0.0);
  }
  let pf = cmul(l.pf12, phaseF[l.table + 2u * N + k3]);
  let pg = cmul(l.pg12, phaseG[l.table + 2u * N + k3]);
  let u = cmul(spectra[l.fLine + k3], pf);
  let w = cmul(spectra[l.gLine + k3], pg);
  return vec2f(u.x - w.y, u.y + w.x); // u + i w
}

// Dispatch: (N²/LINES, radialCount · chunkCells · sphereCount) workgroups, STRIDE = 1 (the i3
// axis), inverse.
@compute @workgroup_size(WORKGROUP_SIZE)
fn shiftFirstPass(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let at = lineAndInvocation(lid);
  let line = at.x;
  let g = at.y;
  let grid = group.y;
  let lineInGrid = group.x * LINES + line; // = k1·N + k2 on the i3 axis
  let spectrumLine = shiftedLineOf(grid, lineInGrid);
  let start = lineStart(grid, lineInGrid);
  let valueCount = arrayLength(&data);
  if (WHOLE_LINE) {
    var x: LineBlocks;
    x.b0 = shiftedBlock(spectrumLine, 0u);
    x.b1 = shiftedBlock(spectrumLine, 1u);
    if (N == 32u) {
      x.b2 = shiftedBlock(spectrumLine, 2u);
      x.b3 = shiftedBlock(spectrumLine, 3u);
    }
    storeLine(start, valueCount, transformWholeLine(x));
  } else {
    storeBlock(start, g, valueCount, transformLine(shiftedBlock(spectrumLine, g), line, g));
  }
}

// The i3 AND i2 passes of one plane (fixed k1) of one shifted grid, for GPUs (N ≤ 32, not
// WHOLE_LINE): the i3 lines are transformed as in shiftFirstPass, the plane is transposed through
// workgroup memory (`lines`, N rows of PITCH), and its i2 lines are transformed and written, so the
// shifted grids make one trip through memory fewer (32 counted bytes per value, not 48).
// The host sets LINES = N, THREADS_PER_LINE = N/8 (WORKGROUP_SIZE = N²/8: 8, 32 or 128),
// LINE_STORAGE = N · PITCH (≤ 9.5 KiB at N = 32) and STRIDE = N, the axis of the store (i2).
// (Nothing else here reads STRIDE: the i3 lines are addressed through shiftedLineOf.)
// Dispatch: (N, radialCount · chunkCells · sphereCount) workgroups, inverse; then sphereLastPass.
@compute @workgroup_size(WORKGROUP_SIZE)
fn shiftPlanePass(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let grid = group.y;
  let k1 = group.x;
  // i3 lines: a line's invocations are adjacent, so together they read one contiguous run
  let k2 = lid / THREADS_PER_LINE;
  let g = lid % THREADS_PER_LINE;
  let y = transformLine(shiftedBlock(shiftedLineOf(grid, k1 * N + k2), g), k2, g);
  workgroupBarrier(); // every invocation is done with transformLine's use of `lines`
  let row = k2 * PITCH;
  lines[slot(row, outputPosition(g, 0u))] = y[0];
  lines[slot(row, outputPosition(g, 1u))] = y[1];
  lines[slot(row, outputPosition(g, 2u))] = y[2];
  lines[slot(row, outputPosition(g, 3u))] = y[3];
  lines[slot(row, outputPosition(g, 4u))] = y[4];
  lines[slot(row, outputPosition(g, 5u))] = y[5];
  lines[slot(row, outputPosition(g, 6u))] = y[6];
  lines[slot(row, outputPosition(g, 7u))] = y[7];
  workgroupBarrier();
  // i2 lines, one per i3 position j: adjacent invocations take adjacent j (adjacent addresses)
  let j = lid % N;
  let g2 = lid / N;
  var x: array<vec2f, 8>;
  x[0] = lines[slot(bitReverse(8u * g2) * PITCH, j)];
  x[1] = lines[slot(bitReverse(8u * g2 + 1u) * PITCH, j)];
  x[2] = lines[slot(bitReverse(8u * g2 + 2u) * PITCH, j)];
  x[3] = lines[slot(bitReverse(8u * g2 + 3u) * PITCH, j)];
  x[4] = lines[slot(bitReverse(8u * g2 + 4u) * PITCH, j)];
  x[5] = lines[slot(bitReverse(8u * g2 + 5u) * PITCH, j)];
  x[6] = lines[slot(bitReverse(8u * g2 + 6u) * PITCH, j)];
  x[7] = lines[slot(bitReverse(8u * g2 + 7u) * PITCH, j)];
  workgroupBarrier(); // the plane is read before transformLine rewrites `lines`
  storeBlock(grid * N * N * N + k1 * N * N + j, g2, arrayLength(&data), transformLine(x, j, g2));
}

// Dispatch: (N²/LINES, radialCount · chunkCells) workgroups, STRIDE = N² (the i1 axis), inverse.
// The loop bound is a uniform, so the barriers inside stay in uniform control flow.
@compute @workgroup_size(WORKGROUP_SIZE)
fn sphereLastPass(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let at = lineAndInvocation(lid);
  let line = at.x;
  let g = at.y;
  let unit = group.y;
  let lineInGrid = group.x * LINES + line;
  let valueCount = arrayLength(&data);
  // explicitly zero (a loop-local array is not re-zeroed on every compiler); s1…s3 for WHOLE_LINE
  var s0 = array<f32, 8>();
  var s1 = array<f32, 8>();
  var s2 = array<f32, 8>();
  var s3 = array<f32, 8>();
  for (var p = 0u; p < pair.sphereCount; p++) {
    let start = lineStart(unit * pair.sphereCount + p, lineInGrid);
    let w = sphereWeights[p];
    if (WHOLE_LINE) {
      let y = transformWholeLine(loadLine(start, valueCount));
      s0 = accumulateProducts(s0, w, y.b0);
      s1 = accumulateProducts(s1, w, y.b1);
      if (N == 32u) {
        s2 = accumulateProducts(s2, w, y.b2);
        s3 = accumulateProducts(s3, w, y.b3);
      }
    } else {
      s0 = accumulateProducts(s0, w, transformLine(loadBlock(start, g, valueCount), line, g));
      if (N > 8u) {
        workgroupBarrier(); // `lines` is rewritten by the next sphere point's exchange
      }
    }
  }
  let out = lineStart(unit, lineInGrid);
  let hCount = arrayLength(&h);
  if (WHOLE_LINE) {
    storeSumBlock(out, 0u, hCount, s0);
    storeSumBlock(out, 1u, hCount, s1);
    if (N == 32u) {
      storeSumBlock(out, 2u, hCount, s2);
      storeSumBlock(out, 3u, hCount, s3);
    }
  } else {
    storeSumBlock(out, g, hCount, s0);
  }
}

/** The i3 line k1·N + k2 of shifted grid `grid` ([unit][p], unit = localNode · chunkCells + localCell). */
fn shiftedLineOf(grid: u32, lineInGrid: u32) -> ShiftedLine {
  let p = grid % pair.sphereCount;
  let unit = grid / pair.sphereCount;
  let radial = cursor.radialOffset + unit / cursor.chunkCells;
  let cell = cursor.cellOffset + unit % cursor.chunkCells;
  let safeCell = min(cell, pair.cellCount - 1u);
  let points = N * N * N;
  let table = ((radial * pair.sphereCount + p) * 3u) * N;
  let k1 = lineInGrid / N;
  let k2 = lineInGrid % N;
  return ShiftedLine(
    (pair.alpha * pair.cellCount + safeCell) * points + lineInGrid * N,
    (pair.beta * pair.cellCount + safeCell) * points + lineInGrid * N,
    table,
    cmul(phaseF[table + k1], phaseF[table + N + k2]),
    cmul(phaseG[table + k1], phaseG[table + N + k2]),
    cell < pair.cellCount,
  );
}

/** One line of shifted spectra: where f̂ and ĝ start, the phase table, P1·P2 of f and g. */
struct ShiftedLine {
  fLine: u32,
  gLine: u32,
  table: u32,
  pf12: vec2f,
  pg12: vec2f,
  inRange: bool,
}

/** ẑ at the bit-reversed positions 8g … 8g + 7 of the line (written out: registers, see fft.wgsl). */
fn shiftedBlock(l: ShiftedLine, g: u32) -> array<vec2f, 8> {
  var x: array<vec2f, 8>;
  x[0] = shiftedSpectrum(l, bitReverse(8u * g));
  x[1] = shiftedSpectrum(l, bitReverse(8u * g + 1u));
  x[2] = shiftedSpectrum(l, bitReverse(8u * g + 2u));
  x[3] = shiftedSpectrum(l, bitReverse(8u * g + 3u));
  x[4] = shiftedSpectrum(l, bitReverse(8u * g + 4u));
  x[5] = shiftedSpectrum(l, bitReverse(8u * g + 5u));
  x[6] = shiftedSpectrum(l, bitReverse(8u * g + 6u));
  x[7] = shiftedSpectrum(l, bitReverse(8u * g + 7u));
  return x;
}

/** sum_i + w Re y_i Im y_i: the sphere rule's term of one point (p in the caller's order). */
fn accumulateProducts(sum: array<f32, 8>, w: f32, y: array<vec2f, 8>) -> array<f32, 8> {
  return array(sum[0] + w * y[0].x * y[0].y, sum[1] + w * y[1].x * y[1].y,
               sum[2] + w * y[2].x * y[2].y, sum[3] + w * y[3].x * y[3].y,
               sum[4] + w * y[4].x * y[4].y, sum[5] + w * y[5].x * y[5].y,
               sum[6] + w * y[6].x * y[6].y, sum[7] + w * y[7].x * y[7].y);
}

fn storeSumBlock(start: u32, g: u32, valueCount: u32, sum: array<f32, 8>) {
  storeSum(start + outputPosition(g, 0u) * STRIDE, valueCount, sum[0]);
  storeSum(start + outputPosition(g, 1u) * STRIDE, valueCount, sum[1]);
  storeSum(start + outputPosition(g, 2u) * STRIDE, valueCount, sum[2]);
  storeSum(start + outputPosition(g, 3u) * STRIDE, valueCount, sum[3]);
  storeSum(start + outputPosition(g, 4u) * STRIDE, valueCount, sum[4]);
  storeSum(start + outputPosition(g, 5u) * STRIDE, valueCount, sum[5]);
  storeSum(start + outputPosition(g, 6u) * STRIDE, valueCount, sum[6]);
  storeSum(start + outputPosition(g, 7u) * STRIDE, valueCount, sum[7]);
}

// Bounds-checked: nothing outside the binding is ever written.
fn storeSum(address: u32, valueCount: u32, value: f32) {
  if (address < valueCount) {
    h[address] = vec2f(value, 0.0);
  }
}
