/**
 * The measured validity time of the Hilbert expansion (PHYSICS.md §3): T_valid(ε) = the first time
 * the chosen remainder norm exceeds a threshold, its log-log fit against 1/ε over a sweep of the
 * Knudsen number, the dt-refinement trust check of "numerical honesty", and the plot (a
 * self-contained SVG) of log T_valid against log(1/ε) beside the theorem's y(k, γ). Theorem 1.1
 * GUARANTEES T = O(ε^{−y}); it does not predict the measured time, and the plot says so.
 */
import type { RemainderConfig, TimeseriesRow } from './config';
import { remainderScaling, theoremExponent } from './remainder';

/** The timeseries column each RemainderConfig.norm reads (PHYSICS.md §3, config.ts). */
export const REMAINDER_NORM_COLUMN = {
  energy: 'remainder_energy',
  L2: 'remainder_L2',
  Linf: 'remainder_Linf_w',
  field: 'remainder_field_L2',
} as const satisfies Record<RemainderConfig['norm'], keyof TimeseriesRow>;

/**
 * The first time the series EXCEEDS the threshold (value > threshold), linearly interpolated
 * between the last sample at or below it and the first above; t[0] if the first sample is already
 * above; null if it never exceeds it. A non-finite sample (NaN, ±Infinity: a blown-up run) counts as
 * exceeded at its own time, without interpolation (an upper bound of the crossing time).
 */
export function validityTime(
  t: readonly number[],
  values: readonly number[],
  threshold: number,
): number | null {
  if (t.length !== values.length)
    throw new RangeError(`validityTime: ${t.length} times but ${values.length} values`);
  for (let i = 0; i < t.length; i++) {
    const value = values[i]!;
    const exceeded = !Number.isFinite(value) || value > threshold;
    if (!exceeded) continue;
    const ti = t[i]!;
    if (i === 0 || !Number.isFinite(value)) return ti;
    const [t0, v0] = [t[i - 1]!, values[i - 1]!];
    return t0 + ((threshold - v0) / (value - v0)) * (ti - t0);
  }
  return null;
}

/**
 * ln y = intercept + slope · ln x by least squares, i.e. y ≈ e^intercept · x^slope. slopeError is
 * the standard error of the slope, √(Σ r²/(n−2) / Σ (ln x − mean)²). With 2 points the line is
 * exact and has NO error estimate (slopeError null); with fewer than 2 points (or all x equal)
 * there is no line (slope and intercept null).
 */
export interface LogLogFit {
  /** Points used (those with a y). */
  readonly n: number;
  readonly slope: number | null;
  readonly slopeError: number | null;
  readonly intercept: number | null;
}

/**
 * Fit of log y against log x (here y = T_valid, x = 1/ε) over the points whose y is known: a null
 * y (never crossed the threshold) is skipped. Every x and known y must be finite and > 0.
 */
export function logLogFit(x: readonly number[], y: readonly (number | null)[]): LogLogFit {
  if (x.length !== y.length) throw new RangeError(`logLogFit: ${x.length} x but ${y.length} y`);
  const lx: number[] = [];
  const ly: number[] = [];
  x.forEach((xi, i) => {
    const yi = y[i];
    if (yi === null || yi === undefined) return;
    if (!(xi > 0 && yi > 0 && Number.isFinite(xi) && Number.isFinite(yi)))
      throw new RangeError(`logLogFit: point (${xi}, ${yi}) is not in the positive quadrant`);
    lx.push(Math.log(xi));
    ly.push(Math.log(yi));
  });
  const n = lx.length;
  const none = { n, slope: null, slopeError: null, intercept: null };
  if (n < 2) return none;
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
  }
  if (!(sxx > 0)) return none;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n < 3) return { n, slope, slopeError: null, intercept };
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ly[i]! - intercept - slope * lx[i]!) ** 2;
  return { n, slope, slopeError: Math.sqrt(rss / (n - 2) / sxx), intercept };
}

/** The trust check's tolerance: T_valid (or the norm at tEnd) may change by less than 10 % at dt/2. */
export const TRUST_TOLERANCE = 0.1;

/** One run's outcome, as the trust check compares it. */
export interface RunOutcome {
  readonly validityTime: number | null;
  /** The chosen norm at t = tEnd. */
  readonly normAtEnd: number;
}

export interface TrustCheck {
  readonly trustworthy: boolean;
  /** |a − b| / max(|a|, |b|) of what was compared (0 when both are 0; Infinity when not comparable). */
  readonly change: number;
  readonly compared: 'validity_time' | 'norm_at_tEnd';
}

/**
 * PHYSICS.md §3 numerical honesty: the discretisation error e_h shows up as e_h/ε in F_R, so a
 * point is trustworthy only if halving dt moves it little. Rule: when both runs cross the
 * threshold, compare T_valid; when neither does, compare the chosen norm at tEnd; when only one
 * does, the point is not trustworthy. Trustworthy ⇔ relative change < tolerance (10 %).
 */
export function refinementCheck(
  run: RunOutcome,
  halfDt: RunOutcome,
  tolerance = TRUST_TOLERANCE,
): TrustCheck {
  const relative = (a: number, b: number): number => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return Number.POSITIVE_INFINITY;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    return scale === 0 ? 0 : Math.abs(a - b) / scale;
  };
  if (run.validityTime !== null && halfDt.validityTime !== null) {
    const change = relative(run.validityTime, halfDt.validityTime);
    return { trustworthy: change < tolerance, change, compared: 'validity_time' };
  }
  if (run.validityTime === null && halfDt.validityTime === null) {
    const change = relative(run.normAtEnd, halfDt.normAtEnd);
    return { trustworthy: change < tolerance, change, compared: 'norm_at_tEnd' };
  }
  return { trustworthy: false, change: Number.POSITIVE_INFINITY, compared: 'validity_time' };
}

// ---------------------------------------------------------------------------------------------
// The plot

/** One ε of the sweep, as plotted. */
export interface ValidityPoint {
  readonly knudsen: number;
  /** null: never crossed the threshold (drawn as ▲ at tEnd, a lower bound, when tEnd is given). */
  readonly validityTime: number | null;
  /** true: passed the dt/2 check (filled); false, or null = not checked: hollow. */
  readonly trustworthy: boolean | null;
  readonly tEnd?: number;
}

/**
 * What is known of T_valid(ε) for the remainder a run measures, F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r
 * (PHYSICS.md §3; the paper's Remark 1.1, eq. 1.12), each part labelled for what it is.
 * - The theorem's y(k, γ) (Theorem 1.1: T = O(ε^{−y}) guaranteed) covers only n = 2k − 1, r = k,
 *   k ≥ 6 (`applies`); y is kept for the record where it does not apply, and is not drawn.
 * - The secular-growth model (`modelSlope`): in a periodic box the kinetic wave damps at a rate
 *   O(ε) (viscosity, heat conduction, diffusion) while the truncated expansion carries that damping
 *   only to order n, so F_ε − Σ_{i≤n} ε^i F_i ≈ (εct)^{n+1}/(n+1)! · A for εct ≪ 1, and F_R crosses
 *   a threshold at t ∝ ε^{−(n+1−r)/(n+1)}: the slope of log T_valid against log(1/ε) is
 *   (n + 1 − r)/(n + 1), 0 for the n = 0, r = 1 remainder (README, issue 18). A model, not a bound.
 */
export interface TheoremReference {
  readonly y: number;
  readonly k: number;
  readonly gamma: number;
  /** The measured remainder's truncation order n and scaling r. */
  readonly n: number;
  readonly r: number;
  /** Theorem 1.1 covers (n, r): n = 2k − 1, r = k, k ≥ 6. */
  readonly applies: boolean;
  /** The secular-growth model's slope (n + 1 − r)/(n + 1) of log T_valid against log(1/ε). */
  readonly modelSlope: number;
}

/**
 * The reference of a remainder measured at truncation order n and scaling r, for the theorem's k
 * and γ (y = theoremExponent(k, γ), which throws for k ≤ 3/2).
 */
export function validityReference(n: number, r: number, k: number, gamma: number): TheoremReference {
  const applies = k >= 6 && n === 2 * k - 1 && r === k;
  return { y: theoremExponent(k, gamma), k, gamma, n, r, applies, modelSlope: (n + 1 - r) / (n + 1) };
}

/** The reference of the remainder a config's section measures (its order, scaling and k). */
export function remainderValidityReference(settings: RemainderConfig, gamma: number): TheoremReference {
  return validityReference(settings.order, remainderScaling(settings), settings.k, gamma);
}

/** The line that says what the theorem covers: its y where it applies, why it is not drawn where not. */
export function theoremCoverage(theorem: TheoremReference): string {
  const y = `y(k, γ) = y(${fmt(theorem.k)}, ${fmt(theorem.gamma)}) = ${fmt(theorem.y)}`;
  return theorem.applies
    ? `theorem: T = O(ε^{−y}), ${y} (a guaranteed scaling, not a prediction)`
    : `no theorem covers (n, r) = (${theorem.n}, ${theorem.r}): Theorem 1.1 takes n = 2k − 1, r = k, k ≥ 6 ` +
        `(its ${y} is not drawn)`;
}

/** The line that names the secular-growth model's slope for (n, r). */
export function modelDescription(theorem: TheoremReference): string {
  const { n, r } = theorem;
  return (
    `model (secular growth, not a bound): T_valid ∝ ε^{−(n+1−r)/(n+1)}, slope ${fmt(theorem.modelSlope)} ` +
    `for (n, r) = (${n}, ${r})`
  );
}

export interface PlotOptions {
  readonly width?: number;
  readonly title?: string;
}

const PLOT = { left: 78, right: 24, top: 44, height: 320, legendLine: 19 } as const;
const COLOURS = {
  point: '#1f5fa8',
  fit: '#1f5fa8',
  theorem: '#c0392b',
  model: '#2e7d32',
  axis: '#333',
  grid: '#ddd',
};

/**
 * A self-contained SVG (no scripts, no external fonts) of log T_valid against log(1/ε): log axes
 * with 1-2-5 (or decade) ticks, the measured points (filled = trustworthy, hollow = not or not
 * checked), the fitted line with "slope = s ± σ", the secular-growth model's slope as a dotted
 * reference line and the theorem's y as a dashed one (only where the theorem covers the measured
 * (n, r): TheoremReference), both through the first trustworthy point (smallest 1/ε; the first
 * measured point if none is trustworthy), and a legend under the plot.
 */
export function validityPlotSvg(
  points: readonly ValidityPoint[],
  fit: LogLogFit,
  theorem: TheoremReference,
  options: PlotOptions = {},
): string {
  const width = options.width ?? 760;
  const plotWidth = width - PLOT.left - PLOT.right;
  const bottom = PLOT.top + PLOT.height;
  const sorted = [...points].sort((a, b) => b.knudsen - a.knudsen); // ascending 1/ε
  const measured = sorted.filter((p) => p.validityTime !== null);
  const anchor = measured.find((p) => p.trustworthy === true) ?? measured[0];

  const xs = sorted.map((p) => Math.log10(1 / p.knudsen));
  const [x0, x1] = padded(xs.length > 0 ? xs : [0], 0.08);
  const lineAt = (slope: number, lx: number, ly: number) => (x: number) => ly + slope * (x - lx);
  const fitLine =
    fit.slope !== null && fit.intercept !== null
      ? lineAt(fit.slope, 0, fit.intercept / Math.LN10)
      : undefined;
  const through = (slope: number) =>
    anchor ? lineAt(slope, Math.log10(1 / anchor.knudsen), Math.log10(anchor.validityTime!)) : undefined;
  // the theorem's line only where the theorem covers the measured remainder (TheoremReference)
  const theoremLine = theorem.applies ? through(theorem.y) : undefined;
  const modelLine = through(theorem.modelSlope);
  const ys = [
    ...measured.map((p) => Math.log10(p.validityTime!)),
    ...sorted.filter((p) => p.validityTime === null && p.tEnd).map((p) => Math.log10(p.tEnd!)),
    ...[fitLine, theoremLine, modelLine].flatMap((f) => (f ? [f(x0), f(x1)] : [])),
  ];
  const [y0, y1] = padded(ys.length > 0 ? ys : [0], 0.08);
  const px = (lx: number) => PLOT.left + ((lx - x0) / (x1 - x0)) * plotWidth;
  const py = (ly: number) => bottom - ((ly - y0) / (y1 - y0)) * PLOT.height;

  const out: string[] = [];
  const legendTop = bottom + 62;
  const height = legendTop + 6 * PLOT.legendLine + 6;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="sans-serif" font-size="12">',
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    `<clipPath id="plot-area"><rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${PLOT.height}"/></clipPath>`,
    text(
      width / 2,
      24,
      options.title ?? 'Validity time of the Hilbert expansion',
      'middle',
      'font-size="15"',
    ),
  );
  // Axes, ticks and grid
  for (const v of logTicks(x0, x1)) {
    const x = r(px(Math.log10(v)));
    out.push(
      `<line x1="${x}" y1="${PLOT.top}" x2="${x}" y2="${bottom}" stroke="${COLOURS.grid}"/>`,
      `<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="${COLOURS.axis}"/>`,
      text(x, bottom + 18, tickLabel(v), 'middle'),
    );
  }
  for (const v of logTicks(y0, y1)) {
    const y = r(py(Math.log10(v)));
    out.push(
      `<line x1="${PLOT.left}" y1="${y}" x2="${PLOT.left + plotWidth}" y2="${y}" stroke="${COLOURS.grid}"/>`,
      `<line x1="${PLOT.left - 5}" y1="${y}" x2="${PLOT.left}" y2="${y}" stroke="${COLOURS.axis}"/>`,
      text(PLOT.left - 8, y + 4, tickLabel(v), 'end'),
    );
  }
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${PLOT.height}" fill="none" stroke="${COLOURS.axis}"/>`,
    text(PLOT.left + plotWidth / 2, bottom + 40, '1/ε (Knudsen number⁻¹, dimensionless)', 'middle'),
    text(
      20,
      PLOT.top + PLOT.height / 2,
      'T_valid (dimensionless time)',
      'middle',
      `transform="rotate(-90 20 ${r(PLOT.top + PLOT.height / 2)})"`,
    ),
  );
  // Lines, clipped to the plot area
  const segment = (f: (x: number) => number, style: string) =>
    `<line x1="${r(px(x0))}" y1="${r(py(f(x0)))}" x2="${r(px(x1))}" y2="${r(py(f(x1)))}" ${style} clip-path="url(#plot-area)"/>`;
  const theoremStyle = `stroke="${COLOURS.theorem}" stroke-width="1.5" stroke-dasharray="7 5"`;
  const fitStyle = `stroke="${COLOURS.fit}" stroke-width="1.5"`;
  const modelStyle = `stroke="${COLOURS.model}" stroke-width="1.5" stroke-dasharray="2 4"`;
  if (theoremLine) out.push(segment(theoremLine, theoremStyle));
  if (modelLine) out.push(segment(modelLine, modelStyle));
  if (fitLine) out.push(segment(fitLine, fitStyle));
  // Points: circles where T_valid is known, ▲ at tEnd (a lower bound) where it never crossed.
  for (const p of sorted) {
    const x = r(px(Math.log10(1 / p.knudsen)));
    const fill = p.trustworthy === true ? COLOURS.point : 'white';
    if (p.validityTime !== null) {
      out.push(
        `<circle cx="${x}" cy="${r(py(Math.log10(p.validityTime)))}" r="5" fill="${fill}" stroke="${COLOURS.point}" stroke-width="1.5">` +
          `<title>ε = ${fmt(p.knudsen)}: T_valid = ${fmt(p.validityTime)}</title></circle>`,
      );
    } else if (p.tEnd) {
      const y = r(py(Math.log10(p.tEnd)));
      out.push(
        `<path d="M ${x} ${r(y - 6)} L ${r(x + 5.5)} ${r(y + 4)} L ${r(x - 5.5)} ${r(y + 4)} Z" fill="${fill}" stroke="${COLOURS.point}" stroke-width="1.5">` +
          `<title>ε = ${fmt(p.knudsen)}: below the threshold up to tEnd = ${fmt(p.tEnd)}</title></path>`,
      );
    }
  }
  // Legend
  const ly = (i: number) => legendTop + i * PLOT.legendLine;
  const lx = PLOT.left;
  const fitText =
    fit.slope === null
      ? `fit: none (${fit.n} point${fit.n === 1 ? '' : 's'} with a known T_valid; 2 needed)`
      : `fit over ${fit.n} points: slope = ${fmt(fit.slope)} ± ` +
        (fit.slopeError === null ? '? (2 points: no error estimate)' : fmt(fit.slopeError));
  const anchorNote =
    anchor && anchor.trustworthy !== true ? '; drawn through a point not known to be trustworthy' : '';
  const symbol = (i: number, fill: string) =>
    `<circle cx="${lx + 14}" cy="${ly(i) - 4}" r="5" fill="${fill}" stroke="${COLOURS.point}" stroke-width="1.5"/>`;
  out.push(
    symbol(0, COLOURS.point),
    text(
      lx + 36,
      ly(0),
      `T_valid, trustworthy: changes by < ${100 * TRUST_TOLERANCE} % at dt/2, on 2 n_x cells and on 2 N_v points`,
    ),
    symbol(1, 'white'),
    text(lx + 36, ly(1), 'T_valid, not trustworthy or not checked'),
    `<path d="M ${lx + 14} ${ly(2) - 10} L ${lx + 19.5} ${ly(2)} L ${lx + 8.5} ${ly(2)} Z" fill="white" stroke="${COLOURS.point}" stroke-width="1.5"/>`,
    text(lx + 36, ly(2), 'threshold not reached by tEnd (drawn at tEnd: T_valid > tEnd)'),
    `<line x1="${lx}" y1="${ly(3) - 4}" x2="${lx + 28}" y2="${ly(3) - 4}" ${fitStyle}/>`,
    text(lx + 36, ly(3), fitText),
    `<line x1="${lx}" y1="${ly(4) - 4}" x2="${lx + 28}" y2="${ly(4) - 4}" ${modelStyle}/>`,
    text(
      lx + 36,
      ly(4),
      `${modelDescription(theorem)}${anchor ? '' : '; not drawn: no measured point'}${anchorNote}`,
    ),
    ...(theorem.applies
      ? [`<line x1="${lx}" y1="${ly(5) - 4}" x2="${lx + 28}" y2="${ly(5) - 4}" ${theoremStyle}/>`]
      : []),
    text(
      lx + 36,
      ly(5),
      `${theoremCoverage(theorem)}${theorem.applies ? `${anchor ? '' : '; not drawn: no measured point'}${anchorNote}` : ''}`,
    ),
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** [min, max] of the values widened by `fraction` of the span each side (half a decade if none). */
function padded(values: readonly number[], fraction: number): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi > lo ? fraction * (hi - lo) : 0.5;
  return [lo - pad, hi + pad];
}

/** Tick values in [10^lo, 10^hi]: decades over ≥ 2 decades, 1-2-5 over ≥ 0.7, else 1…9 per decade. */
export function logTicks(lo: number, hi: number): number[] {
  const span = hi - lo;
  const mantissas = span >= 2 ? [1] : span >= 0.7 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      const l = Math.log10(v);
      if (l >= lo - 1e-12 && l <= hi + 1e-12) ticks.push(v);
    }
  }
  if (ticks.length >= 2) return ticks;
  // A very narrow range: its two ends, rounded.
  return [Number((10 ** lo).toPrecision(3)), Number((10 ** hi).toPrecision(3))];
}

function tickLabel(v: number): string {
  if (v >= 1e-3 && v < 1e5) return Number(v.toPrecision(3)).toString();
  const [m, e] = v.toExponential(0).split('e');
  return `${m}e${Number(e)}`;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function r(x: number): number {
  return Math.round(x * 100) / 100;
}

function text(x: number, y: number, content: string, anchor = 'start', extra = ''): string {
  return `<text x="${r(x)}" y="${r(y)}" text-anchor="${anchor}"${extra ? ` ${extra}` : ''}>${escapeXml(content)}</text>`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
