// The velocity grid convention of src/physics/velocityGrid.ts, shared by every kernel that needs v:
// cell-centred nodes v_j = −L + (j + ½)Δv, flat index i = (i1·N + i2)·N + i3, i3 fastest.
// Prepended to a kernel's source by its host class (WGSL has no #include).

fn velocityNode(i: u32, n: u32, vmax: f32, dv: f32) -> vec3f {
  let index3 = vec3u(i / (n * n), (i / n) % n, i % n);
  return -vmax + (vec3f(index3) + 0.5) * dv;
}
