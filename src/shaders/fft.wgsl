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
// tests/gpu/gpu/Fft3d.test.ts; TABLE_TWIDDLES = false exists only for that comparison).
// Fewer, larger register stages mean fewer barriers and workgroup-memory round trips. On
// SwiftShader these dominate: its zero-initialisation of workgroup memory and its barriers cost
// in proportion to workgroup size × workgroup memory (measured; see Fft3d.ts, workgroupSize).
// The line transform itself (overrides, twiddles, radix stages, the exchange) is fftLine.wgsl,
// prepended by Fft3d.ts.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lid: u32) {
  let at = lineAndInvocation(lid);
  let line = at.x;
  let g = at.y;
  let start = lineStart(group.y, group.x * LINES + line);
  let valueCount = arrayLength(&data);
  if (WHOLE_LINE) {
    storeLine(start, valueCount, transformWholeLine(loadLine(start, valueCount)));
  } else {
    storeBlock(start, g, valueCount, transformLine(loadBlock(start, g, valueCount), line, g));
  }
}
