/**
 * The 2D plots, with uPlot (a canvas chart library built for live series): the profiles n_A(x),
 * n_B(x), E(x) with the Euler–Poisson solution overlaid, and the time series of the remainder
 * norms and E(t), the conservation drifts and H(t). Every plot has a title, labelled axes (units
 * or "dimensionless") and a legend. Time series grow in plain arrays; the plots are redrawn at
 * most once per animation frame (`flush`), with the arrays they already hold.
 */
import uPlot from 'uplot';
import type { ResolvedConfig, TimeseriesRow } from '../physics/config';
import { predictedProfiles, type WavePrediction } from '../physics/fluid/navierStokesWave';
import type { SessionSnapshot } from '../workers/sessionApi';

export const COLORS = {
  A: '#1f6feb',
  B: '#d9480f',
  field: '#2f9e44',
  fluid: '#343a40',
  l2: '#1f6feb',
  linf: '#ae3ec9',
  energy: '#d9480f',
  fieldR: '#2f9e44',
  momentum: '#ae3ec9',
  total: '#343a40',
  entropy: '#0b7285',
} as const;

export interface SeriesSpec {
  readonly label: string;
  readonly stroke: string;
  readonly dash?: number[];
  readonly width?: number;
  /** Draw markers only (no line). */
  readonly pointsOnly?: boolean;
  /** Hollow markers (with pointsOnly). */
  readonly hollow?: boolean;
}

export interface LinePlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly SeriesSpec[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly height?: number;
}

/** A tick value in at most 4 significant digits; exponent form far from 1 (uPlot would print 1e−7 as 0). */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1).replace('.0e', 'e') : String(Number(v.toPrecision(4)));
}

const tickLabels = (_u: uPlot, splits: (number | null)[]) =>
  splits.map((v) => (v === null ? '' : tickLabel(v)));

/** One uPlot chart in a container, sized to the container's width. */
export class LinePlot {
  readonly chart: uPlot;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    readonly container: HTMLElement,
    readonly options: LinePlotOptions,
  ) {
    const height = options.height ?? 190;
    const logRange = (_u: uPlot, min: number, max: number): uPlot.Range.MinMax =>
      Number.isFinite(min) && Number.isFinite(max) && min > 0
        ? uPlot.rangeLog(min, max, 10, true)
        : [1e-8, 1];
    const linearRange = (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
      if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
      // a flat line still gets a visible range around its value
      const pad = max > min ? 0.08 * (max - min) : Math.max(Math.abs(max) * 1e-3, 1e-12);
      return [min - pad, max + pad];
    };
    const opts: uPlot.Options = {
      title: options.title,
      width: Math.max(200, container.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: options.logX ? { time: false, distr: 3, range: logRange } : { time: false },
        y: options.logY ? { distr: 3, range: logRange } : { range: linearRange },
      },
      axes: [
        { label: options.xLabel, labelSize: 20, size: 34, values: tickLabels },
        { label: options.yLabel, labelSize: 20, size: 66, values: tickLabels },
      ],
      series: [
        { label: options.xLabel },
        ...options.series.map(
          (s): uPlot.Series => ({
            label: s.label,
            stroke: s.stroke,
            width: s.width ?? 1.6,
            ...(s.dash ? { dash: s.dash } : {}),
            ...(s.pointsOnly
              ? {
                  paths: () => null,
                  points: {
                    show: true,
                    size: 9,
                    width: 1.6,
                    stroke: s.stroke,
                    fill: s.hollow ? '#fff' : s.stroke,
                  },
                }
              : { points: { show: false } }),
            spanGaps: false,
          }),
        ),
      ],
    };
    this.chart = new uPlot(opts, [[], ...options.series.map(() => [])], container);
    this.resizeObserver = new ResizeObserver(() => {
      const width = Math.max(200, container.clientWidth);
      if (Math.abs(width - this.chart.width) > 1) this.chart.setSize({ width, height });
    });
    this.resizeObserver.observe(container);
  }

  /** New data, drawn now (in batch: not in a later microtask, so the caller's frame owns the cost). */
  setData(data: uPlot.AlignedData): void {
    this.chart.batch(() => this.chart.setData(data));
  }

  /** The data drawn now (tests and the snapshot export read it). */
  get data(): uPlot.AlignedData {
    return this.chart.data;
  }

  /** The chart as a PNG: title, the canvas (axes, labels, curves) and the legend drawn under it. */
  toPng(): Promise<Blob> {
    const source = this.chart.ctx.canvas;
    const ratio = source.width / Math.max(1, this.chart.width);
    const line = Math.round(18 * ratio);
    const specs = this.options.series;
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height + line * (2 + specs.length);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#1d232b';
    ctx.font = `bold ${Math.round(13 * ratio)}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.fillText(this.options.title, 8 * ratio, line * 0.6);
    ctx.drawImage(source, 0, line * 1.2);
    ctx.font = `${Math.round(12 * ratio)}px system-ui, sans-serif`;
    specs.forEach((s, i) => {
      const y = line * 1.2 + source.height + line * (i + 0.6);
      ctx.strokeStyle = s.stroke;
      ctx.lineWidth = 2 * ratio;
      ctx.setLineDash((s.dash ?? []).map((d) => d * ratio));
      ctx.beginPath();
      ctx.moveTo(10 * ratio, y);
      ctx.lineTo(34 * ratio, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#1d232b';
      ctx.fillText(s.label, 42 * ratio, y);
    });
    return new Promise((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('the plot gave no PNG'))),
        'image/png',
      ),
    );
  }
}

/** n_A(x), n_B(x) and E(x), kinetic (solid) against Euler–Poisson (dashed). */
export class ProfilePlots {
  readonly densities: LinePlot;
  readonly field: LinePlot;
  private prediction: WavePrediction | null = null;
  private last: SessionSnapshot | null = null;

  constructor(densities: HTMLElement, field: HTMLElement) {
    this.densities = new LinePlot(densities, {
      title: 'Densities n_A(x), n_B(x): kinetic vs Euler–Poisson and linear Navier–Stokes–Poisson',
      xLabel: 'x (dimensionless)',
      yLabel: 'n_α (dimensionless)',
      series: [
        { label: 'n_A kinetic', stroke: COLORS.A, width: 2 },
        { label: 'n_B kinetic', stroke: COLORS.B, width: 2 },
        { label: 'n_A Euler–Poisson', stroke: COLORS.A, dash: [6, 4], width: 1.3 },
        { label: 'n_B Euler–Poisson', stroke: COLORS.B, dash: [6, 4], width: 1.3 },
        { label: 'n_A Navier–Stokes (linear)', stroke: COLORS.A, dash: [1, 3], width: 1.6 },
        { label: 'n_B Navier–Stokes (linear)', stroke: COLORS.B, dash: [1, 3], width: 1.6 },
      ],
    });
    this.field = new LinePlot(field, {
      title: 'Field E(x): kinetic vs Euler–Poisson and linear Navier–Stokes–Poisson',
      xLabel: 'x (dimensionless)',
      yLabel: 'E (dimensionless)',
      series: [
        { label: 'E kinetic', stroke: COLORS.field, width: 2 },
        { label: 'E Euler–Poisson', stroke: COLORS.fluid, dash: [6, 4], width: 1.3 },
        { label: 'E Navier–Stokes (linear)', stroke: COLORS.fluid, dash: [1, 3], width: 1.6 },
      ],
    });
  }

  /** The Navier–Stokes curves to draw from now on (null: none); redraws the last snapshot. */
  setPrediction(prediction: WavePrediction | null): void {
    this.prediction = prediction;
    if (this.last) this.update(this.last);
  }

  update(s: SessionSnapshot): void {
    this.last = s;
    const x = Array.from(s.x);
    const [nA, nB, field] = predictedProfiles(this.prediction, x, s.time);
    this.densities.setData([
      x,
      Array.from(s.density[0]),
      Array.from(s.density[1]),
      Array.from(s.fluidDensity[0]),
      Array.from(s.fluidDensity[1]),
      nA,
      nB,
    ]);
    this.field.setData([x, Array.from(s.field), Array.from(s.fluidField), field]);
  }
}

/** The conserved quantities whose relative drift from t = 0 is plotted. */
export const DRIFT_COLUMNS = ['mass_A', 'mass_B', 'momentum_x', 'energy_total'] as const;

/**
 * (q(t) − q(0)) / max(|q(0)|, scale): the CLI's summary convention (cli/run.ts); the momentum's
 * scale is vmax · Σ m_α N_α, since the total momentum usually starts at 0.
 */
export function relativeDrift(value: number, first: number, scale = 0): number {
  const s = Math.max(Math.abs(first), scale);
  return s > 0 ? (value - first) / s : value - first;
}

const positiveOrNull = (v: number): number | null => (v > 0 && Number.isFinite(v) ? v : null);

/** The time-series plots; rows are appended as they arrive and drawn in `flush`. */
export class TimeSeriesPlots {
  readonly remainder: LinePlot;
  readonly drifts: LinePlot;
  readonly entropy: LinePlot;
  private t: number[] = [];
  private columns: Record<string, (number | null)[]> = {};
  private first: TimeseriesRow | null = null;
  private momentumScale = 0;
  private dirty = false;

  constructor(remainder: HTMLElement, drifts: HTMLElement, entropy: HTMLElement) {
    this.remainder = new LinePlot(remainder, {
      // n = 0 or 1 (Controls → Remainder → order n); the readouts follow the chosen n
      title: 'Remainder F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε: norms and the energy E(t)',
      xLabel: 't (dimensionless)',
      yLabel: 'norm (dimensionless, log)',
      logY: true,
      series: [
        { label: '‖F_R/√μ‖ L²', stroke: COLORS.l2, width: 2 },
        { label: 'ε^{3/2}‖⟨v⟩^{2−γ}w F_R/√μ_M‖ L∞', stroke: COLORS.linf, width: 2 },
        { label: '‖∇φ_R‖ L²', stroke: COLORS.fieldR, width: 1.3 },
        { label: 'E(t) (energy)', stroke: COLORS.energy, dash: [6, 4], width: 2 },
      ],
    });
    this.drifts = new LinePlot(drifts, {
      title: 'Conservation: relative drift from t = 0',
      xLabel: 't (dimensionless)',
      yLabel: 'relative drift (dimensionless)',
      series: [
        { label: 'mass_A', stroke: COLORS.A, width: 1.6 },
        { label: 'mass_B', stroke: COLORS.B, dash: [4, 3], width: 1.6 },
        { label: 'momentum_x (of vmax·Σm_αN_α)', stroke: COLORS.momentum, width: 1.6 },
        { label: 'energy_total (kinetic + field)', stroke: COLORS.total, width: 1.6 },
      ],
    });
    this.entropy = new LinePlot(entropy, {
      title: 'H(t) = Σ_α ∫∫ F^α log F^α dv dx',
      xLabel: 't (dimensionless)',
      yLabel: 'H (dimensionless)',
      series: [{ label: 'H(t) (entropy column)', stroke: COLORS.entropy, width: 2 }],
    });
  }

  /** A new run: the series start again from its first row. */
  reset(config: ResolvedConfig, first: TimeseriesRow): void {
    this.t = [];
    this.columns = {};
    this.first = first;
    this.momentumScale =
      config.grid.vmax *
      (config.species[0].mass * Math.abs(first.mass_A) + config.species[1].mass * Math.abs(first.mass_B));
    this.append([first]);
  }

  /** Appends rows later than the last one (a repeated row is skipped). */
  append(rows: readonly TimeseriesRow[]): void {
    const first = this.first;
    if (!first) return;
    for (const row of rows) {
      const last = this.t.at(-1);
      if (last !== undefined && !(row.t > last)) continue;
      this.t.push(row.t);
      this.push('remainder_L2', positiveOrNull(row.remainder_L2));
      this.push('remainder_Linf_w', positiveOrNull(row.remainder_Linf_w));
      this.push('remainder_field_L2', positiveOrNull(row.remainder_field_L2));
      this.push('remainder_energy', positiveOrNull(row.remainder_energy));
      for (const c of DRIFT_COLUMNS) {
        this.push(c, relativeDrift(row[c], first[c], c === 'momentum_x' ? this.momentumScale : 0));
      }
      this.push('entropy', row.entropy);
      this.dirty = true;
    }
  }

  get length(): number {
    return this.t.length;
  }

  /** Rows arrived that the plots do not show yet. */
  get pending(): boolean {
    return this.dirty;
  }

  /** Redraws the plots if rows arrived since the last call. */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const c = (k: string) => this.columns[k] ?? [];
    this.remainder.setData([
      this.t,
      c('remainder_L2'),
      c('remainder_Linf_w'),
      c('remainder_field_L2'),
      c('remainder_energy'),
    ]);
    this.drifts.setData([this.t, ...DRIFT_COLUMNS.map(c)]);
    this.entropy.setData([this.t, c('entropy')]);
  }

  private push(key: string, value: number | null): void {
    let column = this.columns[key];
    if (!column) {
      column = [];
      this.columns[key] = column;
    }
    column.push(value);
  }
}
