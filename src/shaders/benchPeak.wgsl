// Roofline probes for `npm run bench`, the adapter's measured limits that kernel timings are set
// against: `peakFma` runs a long dependent chain of fused multiply-adds on 4 independent
// accumulators per invocation (FLOP-bound); `copyBandwidth` streams vec4f from one buffer to another
// (bandwidth-bound).

override WORKGROUP_SIZE: u32 = 256u;
override ITERATIONS: u32 = 4096u;

@group(0) @binding(0) var<storage, read> source: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> destination: array<vec4f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn peakFma(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * WORKGROUP_SIZE;
  var a = source[i % arrayLength(&source)];
  var b = a * 0.5 + 0.25;
  var c = a * 0.25 + 0.5;
  var d = a * 0.75 + 0.125;
  let m = vec4f(0.9999);
  let k = vec4f(0.0001);
  for (var n = 0u; n < ITERATIONS; n++) {
    a = fma(a, m, k);
    b = fma(b, m, k);
    c = fma(c, m, k);
    d = fma(d, m, k);
  }
  if (i < arrayLength(&destination)) { destination[i] = a + b + c + d; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn copyBandwidth(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = id.x + id.y * groups.x * WORKGROUP_SIZE;
  if (i < arrayLength(&destination)) { destination[i] = source[i]; }
}
