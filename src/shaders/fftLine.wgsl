// One line of a batched 3D complex FFT: the transform of a line of N values held by N/8
// invocations (8 values each), shared by fft.wgsl (the plain axis passes) and by the fused passes
// of the collision gain term (collisionGainFused.wgsl). Algorithm and conventions: fft.wgsl.
// The including kernel adds its own bindings from 2 on (0: the grids, 1: the twiddle table).

override N: u32 = 16u; // 8, 16, 32 or 64
override LOG2_N: u32 = 4u;
override STRIDE: u32 = 1u; // element stride of the transformed axis: 1 (i3), N (i2) or N² (i1)
override INVERSE: bool = false;
override TABLE_TWIDDLES: bool = true;
override LINES: u32 = 32u; // lines per workgroup; divides N² (the host checks)
// WHOLE_LINE (N = 16 or 32, set by the host on software adapters): one invocation holds the whole
// line as N/8 blocks of 8 (transformWholeLine), so no value goes through workgroup memory and
// there is no barrier; otherwise N/8 invocations hold 8 values each (transformLine).
override WHOLE_LINE: bool = false;
override THREADS_PER_LINE: u32 = N / 8u; // the host sets 1 with WHOLE_LINE
override WORKGROUP_SIZE: u32 = LINES * THREADS_PER_LINE;
override PITCH: u32 = N + N / 8u + 1u; // padded row length in workgroup memory (see slot())
// N = 8 never exchanges values between invocations: one element, nothing to zero-initialise.
override LINE_STORAGE: u32 = select(LINES * PITCH, 1u, N == 8u || WHOLE_LINE);

@group(0) @binding(0) var<storage, read_write> data: array<vec2f>; // the grids being transformed
@group(0) @binding(1) var<storage, read> twiddleTable: array<vec2f>; // (cos, sin)(2πk/N), k < N/2

var<workgroup> lines: array<vec2f, LINE_STORAGE>;

fn cmul(a: vec2f, b: vec2f) -> vec2f {
  return vec2f(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

/** W_N^k = e^{∓2πi k/N}, k < N/2: − forward, + inverse (the sign flip is exact). */
fn twiddle(k: u32) -> vec2f {
  var w: vec2f;
  if (TABLE_TWIDDLES) {
    w = twiddleTable[k];
  } else {
    let angle = 6.2831855 * f32(k) / f32(N);
    w = vec2f(cos(angle), sin(angle));
  }
  return vec2f(w.x, select(-w.y, w.y, INVERSE));
}

/** t · W_4 = t · (∓i): the quarter turn that relates W_{4h}^{j+h} to W_{4h}^j, exactly. */
fn quarterTurn(t: vec2f) -> vec2f {
  return select(vec2f(t.y, -t.x), vec2f(-t.y, t.x), INVERSE);
}

// Fused radix-2 stages. x[m] is element j of the m-th of consecutive transformed blocks of size h
// (position j + m·h); the result is element j + m·h of the block they make. The radix-2 stages run
// in fft.ts's order (size 2h, then 4h, then 8h), each twiddle W_{2sh}^{j + r·h} = W_N^k taken
// from the table (or as an exact quarter turn of one): fft.ts's operations, in f32.

fn radix2(x: array<vec2f, 2>, h: u32, j: u32) -> array<vec2f, 2> {
  let t = cmul(twiddle(j * (N / (2u * h))), x[1]);
  return array(x[0] + t, x[0] - t);
}

fn radix4(x: array<vec2f, 4>, h: u32, j: u32) -> array<vec2f, 4> {
  let k = j * (N / (4u * h)); // W_{4h}^j = W_N^k, W_{2h}^j = W_N^{2k}
  let w2 = twiddle(2u * k);
  let w4 = twiddle(k);
  let t1 = cmul(w2, x[1]);
  let t3 = cmul(w2, x[3]);
  let y0 = x[0] + t1;
  let y1 = x[0] - t1;
  let y2 = cmul(w4, x[2] + t3);
  let y3 = quarterTurn(cmul(w4, x[2] - t3));
  return array(y0 + y2, y1 + y3, y0 - y2, y1 - y3);
}

fn radix8(x: array<vec2f, 8>, h: u32, j: u32) -> array<vec2f, 8> {
  let a = radix4(array(x[0], x[1], x[2], x[3]), h, j);
  let b = radix4(array(x[4], x[5], x[6], x[7]), h, j);
  let step = N / (8u * h); // W_{8h}^{j + m·h} = W_N^{(j + m·h)·step}
  let t0 = cmul(twiddle(j * step), b[0]);
  let t1 = cmul(twiddle((j + h) * step), b[1]);
  let t2 = cmul(twiddle((j + 2u * h) * step), b[2]);
  let t3 = cmul(twiddle((j + 3u * h) * step), b[3]);
  return array(a[0] + t0, a[1] + t1, a[2] + t2, a[3] + t3, a[0] - t0, a[1] - t1, a[2] - t2, a[3] - t3);
}

/**
 * Workgroup-memory index of position p of a line's row. One pad after every 8 values spreads the
 * 8-value groups written by adjacent invocations of one line over different banks; the odd row
 * pitch does the same for adjacent lines (strided axes).
 */
fn slot(row: u32, p: u32) -> u32 {
  return row + p + p / 8u;
}

/** Bit reversal of a position 0 ≤ p < N. */
fn bitReverse(p: u32) -> u32 {
  return reverseBits(p) >> (32u - LOG2_N);
}

/**
 * Natural-order position of the i-th output value (i < 8) of invocation g in the last stage:
 * block q = i / R of radix R = N/8 at j = g + q·R, element j + 8·(i mod R). For N = 8 (one stage,
 * g = 0) it is i. At fixed i adjacent invocations of a line write adjacent positions.
 */
fn outputPosition(g: u32, i: u32) -> u32 {
  let radix = N / 8u;
  return g + radix * (i / radix) + 8u * (i % radix);
}

/** The line (of the workgroup's LINES) and the invocation g < N/8 within it of invocation `lid`. */
fn lineAndInvocation(lid: u32) -> vec2u {
  // Contiguous axis: a line's invocations are adjacent, so together they read one contiguous run.
  // Strided axes: adjacent invocations take adjacent lines (adjacent addresses at each position).
  if (STRIDE == 1u) {
    return vec2u(lid / THREADS_PER_LINE, lid % THREADS_PER_LINE);
  }
  return vec2u(lid % LINES, lid / LINES);
}

/** Index of element 0 of line `lineInGrid` of grid `grid`; element p is at start + p·STRIDE. */
fn lineStart(grid: u32, lineInGrid: u32) -> u32 {
  return grid * N * N * N + (lineInGrid / STRIDE) * STRIDE * N + lineInGrid % STRIDE;
}

/**
 * The transform of one line from invocation g's 8 values x[i] at positions bitReverse(8g + i):
 * returns its 8 outputs at the natural positions outputPosition(g, i), scaled by 1/N for the
 * inverse (exact: a power of two). Every invocation of the workgroup must call it (one barrier
 * for N > 8); a caller that calls it again in a loop needs a barrier between the calls, since
 * `lines` is reused.
 */
fn transformLine(input: array<vec2f, 8>, line: u32, g: u32) -> array<vec2f, 8> {
  var x = input;
  // Stage 1, radix 8 (h = 1), in registers.
  var y = radix8(x, 1u, 0u);

  if (N > 8u) {
    // Stage 2, radix N/8 (h = 8): the only exchange between invocations, one barrier.
    let row = line * PITCH;
    lines[slot(row, 8u * g + 0u)] = y[0];
    lines[slot(row, 8u * g + 1u)] = y[1];
    lines[slot(row, 8u * g + 2u)] = y[2];
    lines[slot(row, 8u * g + 3u)] = y[3];
    lines[slot(row, 8u * g + 4u)] = y[4];
    lines[slot(row, 8u * g + 5u)] = y[5];
    lines[slot(row, 8u * g + 6u)] = y[6];
    lines[slot(row, 8u * g + 7u)] = y[7];
    workgroupBarrier();
    x[0] = lines[slot(row, outputPosition(g, 0u))];
    x[1] = lines[slot(row, outputPosition(g, 1u))];
    x[2] = lines[slot(row, outputPosition(g, 2u))];
    x[3] = lines[slot(row, outputPosition(g, 3u))];
    x[4] = lines[slot(row, outputPosition(g, 4u))];
    x[5] = lines[slot(row, outputPosition(g, 5u))];
    x[6] = lines[slot(row, outputPosition(g, 6u))];
    x[7] = lines[slot(row, outputPosition(g, 7u))];
    if (N == 16u) {
      let a = radix2(array(x[0], x[1]), 8u, g);
      let b = radix2(array(x[2], x[3]), 8u, g + 2u);
      let c = radix2(array(x[4], x[5]), 8u, g + 4u);
      let d = radix2(array(x[6], x[7]), 8u, g + 6u);
      y = array(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]);
    } else if (N == 32u) {
      let a = radix4(array(x[0], x[1], x[2], x[3]), 8u, g);
      let b = radix4(array(x[4], x[5], x[6], x[7]), 8u, g + 4u);
      y = array(a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    } else {
      y = radix8(x, 8u, g);
    }
  }

  // Natural order out, scaled by 1/N per axis for the inverse (exact: a power of two).
  let scale = select(1.0, 1.0 / f32(N), INVERSE);
  return array(scale * y[0], scale * y[1], scale * y[2], scale * y[3],
               scale * y[4], scale * y[5], scale * y[6], scale * y[7]);
}

/** The radix-2 last stage of N = 16 for one notional invocation g (transformLine's N = 16 branch). */
fn lastStage16(e0: vec2f, f0: vec2f, e2: vec2f, f2: vec2f, e4: vec2f, f4: vec2f, e6: vec2f, f6: vec2f,
               g: u32) -> array<vec2f, 8> {
  let a = radix2(array(e0, f0), 8u, g);
  let b = radix2(array(e2, f2), 8u, g + 2u);
  let c = radix2(array(e4, f4), 8u, g + 4u);
  let d = radix2(array(e6, f6), 8u, g + 6u);
  let scale = select(1.0, 1.0 / f32(N), INVERSE);
  return array(scale * a[0], scale * a[1], scale * b[0], scale * b[1],
               scale * c[0], scale * c[1], scale * d[0], scale * d[1]);
}

/** The radix-4 last stage of N = 32 for one notional invocation g (transformLine's N = 32 branch). */
fn lastStage32(ya: array<vec2f, 8>, yb: array<vec2f, 8>, yc: array<vec2f, 8>, yd: array<vec2f, 8>,
               g: u32) -> array<vec2f, 8> {
  let a = radix4(array(ya[g], yb[g], yc[g], yd[g]), 8u, g);
  let b = radix4(array(ya[g + 4u], yb[g + 4u], yc[g + 4u], yd[g + 4u]), 8u, g + 4u);
  let scale = select(1.0, 1.0 / f32(N), INVERSE);
  return array(scale * a[0], scale * a[1], scale * a[2], scale * a[3],
               scale * b[0], scale * b[1], scale * b[2], scale * b[3]);
}

/** A whole line as the 8-value blocks of its N/8 notional invocations (b2, b3 unused at N = 16). */
struct LineBlocks {
  b0: array<vec2f, 8>,
  b1: array<vec2f, 8>,
  b2: array<vec2f, 8>,
  b3: array<vec2f, 8>,
}

/**
 * WHOLE_LINE, N = 16 or 32: the transform of a line held by ONE invocation as the blocks of the
 * N/8 notional invocations g of transformLine (block g: the inputs at bitReverse(8g + i)), with
 * their outputs at the same positions outputPosition(g, i) and the same arithmetic: the exchange
 * becomes a choice of registers. After stage 1 the line is (y0 | y1 | …); notional invocation g
 * reads positions g + R·(i / R) + 8·(i mod R), R = N/8, i.e. element g (+ R) of every block.
 */
fn transformWholeLine(x: LineBlocks) -> LineBlocks {
  let ya = radix8(x.b0, 1u, 0u);
  let yb = radix8(x.b1, 1u, 0u);
  var out: LineBlocks;
  if (N == 16u) {
    out.b0 = lastStage16(ya[0], yb[0], ya[2], yb[2], ya[4], yb[4], ya[6], yb[6], 0u);
    out.b1 = lastStage16(ya[1], yb[1], ya[3], yb[3], ya[5], yb[5], ya[7], yb[7], 1u);
  } else {
    let yc = radix8(x.b2, 1u, 0u);
    let yd = radix8(x.b3, 1u, 0u);
    out.b0 = lastStage32(ya, yb, yc, yd, 0u);
    out.b1 = lastStage32(ya, yb, yc, yd, 1u);
    out.b2 = lastStage32(ya, yb, yc, yd, 2u);
    out.b3 = lastStage32(ya, yb, yc, yd, 3u);
  }
  return out;
}

/** The whole line at `start` from global memory (WHOLE_LINE; loadBlock per notional invocation). */
fn loadLine(start: u32, valueCount: u32) -> LineBlocks {
  var x: LineBlocks;
  x.b0 = loadBlock(start, 0u, valueCount);
  x.b1 = loadBlock(start, 1u, valueCount);
  if (N == 32u) {
    x.b2 = loadBlock(start, 2u, valueCount);
    x.b3 = loadBlock(start, 3u, valueCount);
  }
  return x;
}

fn storeLine(start: u32, valueCount: u32, y: LineBlocks) {
  storeBlock(start, 0u, valueCount, y.b0);
  storeBlock(start, 1u, valueCount, y.b1);
  if (N == 32u) {
    storeBlock(start, 2u, valueCount, y.b2);
    storeBlock(start, 3u, valueCount, y.b3);
  }
}

/**
 * Positions 8g … 8g + 7 of the bit-reversed line, straight from global memory, so no separate
 * permutation pass is needed. (Written out, not looped: constant indices keep the arrays in
 * registers on every compiler, SwiftShader included.)
 */
fn loadBlock(start: u32, g: u32, valueCount: u32) -> array<vec2f, 8> {
  var x: array<vec2f, 8>;
  x[0] = load(start + bitReverse(8u * g) * STRIDE, valueCount);
  x[1] = load(start + bitReverse(8u * g + 1u) * STRIDE, valueCount);
  x[2] = load(start + bitReverse(8u * g + 2u) * STRIDE, valueCount);
  x[3] = load(start + bitReverse(8u * g + 3u) * STRIDE, valueCount);
  x[4] = load(start + bitReverse(8u * g + 4u) * STRIDE, valueCount);
  x[5] = load(start + bitReverse(8u * g + 5u) * STRIDE, valueCount);
  x[6] = load(start + bitReverse(8u * g + 6u) * STRIDE, valueCount);
  x[7] = load(start + bitReverse(8u * g + 7u) * STRIDE, valueCount);
  return x;
}

/** The 8 outputs of (notional) invocation g, in natural order. */
fn storeBlock(start: u32, g: u32, valueCount: u32, y: array<vec2f, 8>) {
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
