/**
 * Frequency and damping rate of an oscillating field from its L² norm sampled in time: |E|(t)
 * peaks twice per period. Local maxima are refined by a parabola through log|E| at the three
 * samples around each; ω = π / (mean spacing of the peaks), the damping rate γ is the least-squares
 * slope of log(peak) against peak time (γ < 0 for a damped wave).
 */
export function oscillationFit(t: readonly number[], norm: readonly number[], tMin: number, tMax: number) {
  const peaks: { t: number; log: number }[] = [];
  for (let i = 1; i + 1 < norm.length; i++) {
    if (t[i]! < tMin || t[i]! > tMax) continue;
    const [a, b, c] = [norm[i - 1]!, norm[i]!, norm[i + 1]!];
    if (!(b > a && b >= c)) continue;
    const [la, lb, lc] = [Math.log(a), Math.log(b), Math.log(c)];
    const h = t[i + 1]! - t[i]!;
    const curvature = la - 2 * lb + lc;
    const offset = curvature < 0 ? (0.5 * h * (la - lc)) / curvature : 0;
    peaks.push({ t: t[i]! + offset, log: lb - (curvature < 0 ? (la - lc) ** 2 / (8 * curvature) : 0) });
  }
  if (peaks.length < 3) throw new Error(`oscillationFit: only ${peaks.length} peaks in [${tMin}, ${tMax}]`);
  const spacing = (peaks.at(-1)!.t - peaks[0]!.t) / (peaks.length - 1);
  const meanT = peaks.reduce((s, p) => s + p.t, 0) / peaks.length;
  const meanL = peaks.reduce((s, p) => s + p.log, 0) / peaks.length;
  let num = 0;
  let den = 0;
  for (const p of peaks) {
    num += (p.t - meanT) * (p.log - meanL);
    den += (p.t - meanT) ** 2;
  }
  return { frequency: Math.PI / spacing, dampingRate: num / den, peaks: peaks.length };
}
