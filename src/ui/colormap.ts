/**
 * Perceptual colour maps for the heat maps and point clouds: a few anchor colours of matplotlib's
 * viridis and inferno (perceptually uniform, readable in grey scale), linearly interpolated. Values
 * are clamped to [0, 1]; the result is written into an RGB float array (no allocation per call).
 */

export type ColorMap = readonly (readonly [number, number, number])[];

export const VIRIDIS: ColorMap = [
  [0.267, 0.005, 0.329],
  [0.283, 0.141, 0.458],
  [0.254, 0.265, 0.53],
  [0.207, 0.372, 0.553],
  [0.164, 0.471, 0.558],
  [0.128, 0.567, 0.551],
  [0.135, 0.659, 0.518],
  [0.267, 0.749, 0.441],
  [0.478, 0.821, 0.318],
  [0.741, 0.873, 0.15],
  [0.993, 0.906, 0.144],
];

export const INFERNO: ColorMap = [
  [0.001, 0.0, 0.014],
  [0.087, 0.045, 0.225],
  [0.258, 0.039, 0.406],
  [0.416, 0.09, 0.433],
  [0.578, 0.148, 0.404],
  [0.735, 0.216, 0.33],
  [0.865, 0.317, 0.226],
  [0.954, 0.469, 0.1],
  [0.988, 0.645, 0.04],
  [0.964, 0.843, 0.273],
  [0.988, 0.998, 0.645],
];

/** Writes the colour of `value` ∈ [0, 1] into out[offset..offset+2]. */
export function colorAt(map: ColorMap, value: number, out: Float32Array, offset: number): void {
  const s = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const position = s * (map.length - 1);
  const i = Math.min(map.length - 2, Math.floor(position));
  const f = position - i;
  const a = map[i]!;
  const b = map[i + 1]!;
  out[offset] = a[0] + f * (b[0] - a[0]);
  out[offset + 1] = a[1] + f * (b[1] - a[1]);
  out[offset + 2] = a[2] + f * (b[2] - a[2]);
}

/** A CSS linear-gradient of the map, for legends. */
export function cssGradient(map: ColorMap): string {
  const stops = map.map(
    ([r, g, b], i) =>
      `rgb(${Math.round(255 * r)} ${Math.round(255 * g)} ${Math.round(255 * b)}) ${((100 * i) / (map.length - 1)).toFixed(0)}%`,
  );
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
