// Batched 3D complex FFT, one axis per dispatch (PHYSICS.md §4: the fast spectral collision
// operator transforms N_v³ velocity grids for every x-cell and quadrature point; this is its hot
// loop). Float64 twin: src/physics/fft.ts, whose conventions this mirrors exactly:
//   forward X_k = Σ_j x_j e^{−2πi jk/N} (unnormalised), inverse e^{+2πi jk/N} with 1/N per axis
//   (1/N³ over the three dispatches), natural frequency order, layout [grid][i1][i2][i3].
//
// Data: vec2f (re, im). A dispatch of (N²/LINES, gridCount) workgroups transforms every line of
// one axis in place: workgroup (x, y) takes the LINES consecutive lines x·LINES … of grid y. The
// dispatch shape is exact and the host binds exactly the grids it transforms, so every workgroup
// is in range and no uniform is needed; the `address < arrayLength` checks guarantee that nothing
// outside the binding is touched even so.
//
// Algorithm: radix-2 decimation in time, the log2 N stages fused into at most two register
// stages (N = 8·R, R = N/8 ∈ {1, 2, 4, 8}), N/8 invocations per line holding 8 values each:
// 1. Radix 8 (the first three radix-2 stages): each invocation reads its 8 values straight from
//    global memory at bit-reversed positions (no permutation pass) and combines them in registers.
// 2. N > 8: the values go through workgroup memory (the only exchange, one barrier), and each
//    invocation finishes 8/R blocks of radix R, whose outputs are natural-order positions.
// 3. The results go straight back to global memory, scaled by 1/N for the inverse (exact).
// Global access coalesces: on the contiguous axis a line's invocations are adjacent; on the
// strided axes (i2, i1: stride N, N²) adjacent invocations take adjacent lines, i.e. adjacent
// addresses at every position. Rows in workgroup memory are padded (slot()) so that adjacent
// invocations hit different banks. N = 8 needs no exchange and no barrier.
// Twiddles W_N^k = (cos, ±sin)(2πk/N), k < N/2, come from a table computed in float64 and rounded
// once to f32; cos/sin evaluated in f32 are ~2000× less accurate on SwiftShader (measured in
// tests/gpu/fft.test.ts; TABLE_TWIDDLES = false exists only for that comparison).
// Fewer, larger register stages mean fewer barriers and workgroup-memory round trips. On
// SwiftShader these dominate: its zero-initialisation of workgroup memory and its barriers cost
// in proportion to workgroup size × workgroup memory (measured; see Fft3d.ts, workgroupSize).
// The line transform itself (overrides, twiddles, radix stages, the exchange) is fftLine.wgsl,
// prepended by Fft3d.ts.

@group(0) @binding(0) var<storage, read_write> data: array<vec2f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let at = lineAndInvocation(lid);
  let line = at.x;
  let g = at.y;
  let start = lineStart(group.y, group.x * LINES + line);
  let valueCount = arrayLength(&data);

  // Positions 8g … 8g + 7 of the bit-reversed line, straight from global memory, so no separate
  // permutation pass is needed. (Written out, not looped: constant indices keep the arrays in
  // registers on every compiler, SwiftShader included.)
  var x: array<vec2f, 8>;
  x[0] = load(start + bitReverse(8u * g) * STRIDE, valueCount);
  x[1] = load(start + bitReverse(8u * g + 1u) * STRIDE, valueCount);
  x[2] = load(start + bitReverse(8u * g + 2u) * STRIDE, valueCount);
  x[3] = load(start + bitReverse(8u * g + 3u) * STRIDE, valueCount);
  x[4] = load(start + bitReverse(8u * g + 4u) * STRIDE, valueCount);
  x[5] = load(start + bitReverse(8u * g + 5u) * STRIDE, valueCount);
  x[6] = load(start + bitReverse(8u * g + 6u) * STRIDE, valueCount);
  x[7] = load(start + bitReverse(8u * g + 7u) * STRIDE, valueCount);
  let y = transformLine(x, line, g);
  store(start + outputPosition(g, 0u) * STRIDE, valueCount, y[0]);
  store(start + outputPosition(g, 1u) * STRIDE, valueCount, y[1]);
  store(start + outputPosition(g, 2u) * STRIDE, valueCount, y[2]);
  store(start + outputPosition(g, 3u) * STRIDE, valueCount, y[3]);
  store(start + outputPosition(g, 4u) * STRIDE, valueCount, y[4]);
  store(start + outputPosition(g, 5u) * STRIDE, valueCount, y[5]);
  store(start + outputPosition(g, 6u) * STRIDE, valueCount, y[6]);
  store(start + outputPosition(g, 7u) * STRIDE, valueCount, y[7]);
}

// Bounds-checked global access: nothing outside the binding is ever read or written.
fn load(address: u32, valueCount: u32) -> vec2f {
  if (address < valueCount) {
    return data[address];
  }
  return vec2f(0.0);
}

fn store(address: u32, valueCount: u32, value: vec2f) {
  if (address < valueCount) {
    data[address] = value;
  }
}
