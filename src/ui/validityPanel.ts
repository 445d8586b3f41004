/**
 * Validity-time recording (PHYSICS.md §3): an ε-sweep of the current set-up runs in the worker;
 * its points arrive one by one into a table and onto the log–log plot of T_valid against 1/ε, with
 * the least-squares slope (physics/validity.ts, the CLI's fit) and the theorem's y(k, γ) as a
 * dashed reference through the first trustworthy point (a guaranteed scaling, not a prediction).
 * A progress bar follows the sweep; Cancel stops it after the current step, keeping its points.
 */
import * as Comlink from 'comlink';
import type { SimulationConfig } from '../physics/config';
import { theoremExponent } from '../physics/remainder';
import { logLogFit } from '../physics/validity';
import type { SweepPointReport, SweepProgress, SweepResult } from '../workers/sessionApi';
import { download } from './export';
import { remainderOf } from './parameters';
import { LinePlot } from './plots';
import type { WorkerQueue } from './workerClient';

export interface ValidityPanelHooks {
  readonly queue: WorkerQueue;
  /** The set-up the sweep runs (the last config the worker accepted). */
  readonly config: () => SimulationConfig;
  /** Called before a sweep starts (the page pauses the live run: the worker does one thing at a time). */
  readonly beforeSweep: () => void;
  readonly afterSweep: () => void;
}

const byTestId = <T extends HTMLElement>(root: HTMLElement, id: string) =>
  root.querySelector<T>(`[data-testid="${id}"]`)!;

/** "0.1, 0.05,0.025" → numbers; throws with the CLI's wording when an entry is not a number > 0. */
export function parseKnudsenList(text: string): number[] {
  const parts = text
    .split(/[,\s;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new Error('enter at least one ε, e.g. 0.1, 0.05, 0.025');
  const numbers = parts.map(Number);
  const bad = parts.find((_p, i) => !(Number.isFinite(numbers[i]) && numbers[i]! > 0));
  if (bad !== undefined) throw new Error(`"${bad}" is not a number > 0 (ε must be a list of numbers > 0)`);
  if (new Set(numbers).size !== numbers.length) throw new Error('an ε is repeated');
  return numbers;
}

export class ValidityPanel {
  readonly plot: LinePlot;
  private points: SweepPointReport[] = [];
  private running = false;
  private readonly input: HTMLInputElement;
  private readonly runButton: HTMLButtonElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly exportButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly fitText: HTMLElement;
  private last: SweepResult | null = null;
  /** The set-up of the points shown (the theorem's k and γ and t_end are read from it). */
  private swept: SimulationConfig | null = null;

  constructor(
    readonly root: HTMLElement,
    private readonly hooks: ValidityPanelHooks,
  ) {
    this.input = byTestId(root, 'sweep-knudsen');
    this.runButton = byTestId(root, 'sweep-run');
    this.cancelButton = byTestId(root, 'sweep-cancel');
    this.exportButton = byTestId(root, 'sweep-export');
    this.progress = byTestId(root, 'sweep-progress');
    this.status = byTestId(root, 'sweep-status');
    this.tableBody = byTestId<HTMLTableElement>(root, 'sweep-table').tBodies[0]!;
    this.fitText = byTestId(root, 'sweep-fit');
    this.plot = new LinePlot(byTestId(root, 'plot-validity'), {
      title: 'Validity time T_valid(ε): measured points, fit, theorem',
      xLabel: '1/ε (dimensionless)',
      yLabel: 'T_valid (dimensionless time)',
      logX: true,
      logY: true,
      height: 240,
      series: [
        { label: 'T_valid, trustworthy (dt/2 check < 10 %)', stroke: '#1f5fa8', pointsOnly: true },
        { label: 'T_valid, not trustworthy', stroke: '#1f5fa8', pointsOnly: true, hollow: true },
        {
          label: 'threshold not reached: t_end (lower bound)',
          stroke: '#868e96',
          pointsOnly: true,
          hollow: true,
        },
        { label: 'least-squares fit', stroke: '#1f5fa8', width: 1.5 },
        {
          label: "theorem's y(k, γ) slope (guaranteed scaling)",
          stroke: '#c0392b',
          dash: [7, 5],
          width: 1.5,
        },
      ],
    });
    this.runButton.addEventListener('click', () => void this.start());
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.exportButton.addEventListener('click', () => this.exportCsv());
    this.cancelButton.disabled = true;
    this.exportButton.disabled = true;
    this.redraw();
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    let knudsen: number[];
    try {
      knudsen = parseKnudsenList(this.input.value);
    } catch (e) {
      this.setStatus((e as Error).message, true);
      return;
    }
    this.running = true;
    this.points = [];
    this.last = null;
    this.swept = this.hooks.config();
    this.tableBody.replaceChildren();
    this.progress.value = 0;
    this.progress.max = 1;
    this.runButton.disabled = true;
    this.cancelButton.disabled = false;
    this.exportButton.disabled = true;
    this.setStatus(`sweeping ${knudsen.length} values of ε…`);
    this.redraw();
    this.hooks.beforeSweep();
    try {
      const onPoint = Comlink.proxy((point: SweepPointReport) => this.addPoint(point));
      const onProgress = Comlink.proxy((p: SweepProgress) => {
        // never backwards: a report that restarts at 0 for the next point does not empty the bar
        this.progress.value = Math.min(1, Math.max(this.progress.value, p.fraction));
        this.setStatus(
          `point ${p.point + 1} of ${p.points}: ${(100 * this.progress.value).toFixed(0)} % of the sweep`,
        );
      });
      const { value } = await this.hooks.queue.run((remote) => remote.sweep(knudsen, onPoint, onProgress));
      if (value.refusal) {
        this.setStatus(`refused: ${value.refusal.message}`, true);
        return;
      }
      this.last = value;
      // the result is the authority: it holds every finished point, also any a callback missed
      if (value.points.length >= this.points.length) {
        this.points = [...value.points];
        this.rebuildTable();
      }
      this.progress.value = value.cancelled ? this.progress.value : 1;
      const warnings = value.warnings?.length ? ` — ${value.warnings.join('; ')}` : '';
      this.setStatus(
        `${value.cancelled ? `cancelled: ${value.points.length} point(s) kept` : 'sweep done'}${warnings}`,
      );
    } catch (e) {
      this.setStatus(`the sweep failed: ${(e as Error).message ?? String(e)}`, true);
    } finally {
      this.running = false;
      this.runButton.disabled = false;
      this.cancelButton.disabled = true;
      this.exportButton.disabled = this.points.length === 0;
      this.redraw();
      this.hooks.afterSweep();
    }
  }

  cancel(): void {
    if (!this.running) return;
    this.setStatus('cancelling after the current step…');
    // not through the queue: the sweep itself holds it
    void this.hooks.queue.remote.cancelSweep();
  }

  private addPoint(point: SweepPointReport): void {
    this.points.push(point);
    this.appendRow(point);
    this.exportButton.disabled = false;
    this.redraw();
  }

  private rebuildTable(): void {
    this.tableBody.replaceChildren();
    for (const p of this.points) this.appendRow(p);
  }

  private appendRow(p: SweepPointReport): void {
    const row = this.tableBody.insertRow();
    const norms = Object.entries(p.norms)
      .map(([k, v]) => `${k} = ${v.toPrecision(4)}`)
      .join(', ');
    for (const text of [
      p.knudsen.toPrecision(4),
      (1 / p.knudsen).toPrecision(4),
      p.validityTime === null ? `> t_end` : p.validityTime.toPrecision(4),
      p.trustworthy ? 'yes' : 'no',
      norms,
    ]) {
      row.insertCell().textContent = text;
    }
  }

  /** The live set-up changed: with no points yet, the theorem's line follows it. */
  configChanged(): void {
    if (this.points.length === 0 && !this.running) {
      this.swept = null;
      this.redraw();
    }
  }

  private theorem(): { y: number; k: number; gamma: number } | null {
    const c = this.swept ?? this.hooks.config();
    const k = remainderOf(c).k;
    const gamma = c.collisions.gamma;
    try {
      return { y: this.last?.theoremExponent ?? theoremExponent(k, gamma), k, gamma };
    } catch {
      return null;
    }
  }

  private redraw(): void {
    const tEnd = (this.swept ?? this.hooks.config()).time.tEnd;
    // ascending 1/ε; a T_valid of 0 (above the threshold from the start) has no place on log axes
    const sorted = this.points
      .filter((p) => p.validityTime === null || p.validityTime > 0)
      .sort((a, b) => b.knudsen - a.knudsen);
    const xs = sorted.map((p) => 1 / p.knudsen);
    const fit = logLogFit(
      xs,
      sorted.map((p) => p.validityTime),
    );
    const theorem = this.theorem();
    const measured = sorted.filter((p) => p.validityTime !== null);
    const anchor = measured.find((p) => p.trustworthy) ?? measured[0];
    const fitAt = (x: number) =>
      fit.slope !== null && fit.intercept !== null ? Math.exp(fit.intercept) * x ** fit.slope : null;
    const theoremAt = (x: number) =>
      anchor && theorem ? anchor.validityTime! * (x * anchor.knudsen) ** theorem.y : null;
    this.plot.setData([
      xs,
      sorted.map((p) => (p.validityTime !== null && p.trustworthy ? p.validityTime : null)),
      sorted.map((p) => (p.validityTime !== null && !p.trustworthy ? p.validityTime : null)),
      sorted.map((p) => (p.validityTime === null ? tEnd : null)),
      xs.map(fitAt),
      xs.map(theoremAt),
    ]);
    if (xs.length === 0) {
      // nothing measured yet: a readable empty frame (1/ε from 1 to 100, T from 0.1 to 100)
      this.plot.chart.setScale('x', { min: 1, max: 100 });
      this.plot.chart.setScale('y', { min: 0.1, max: 100 });
    }
    const slope =
      this.last?.slope !== undefined && this.last?.slope !== null
        ? { slope: this.last.slope, error: this.last.slopeError }
        : { slope: fit.slope, error: fit.slopeError };
    const slopeText =
      slope.slope === null
        ? `fit: none yet (${fit.n} point${fit.n === 1 ? '' : 's'} with a measured T_valid; 2 needed)`
        : `fitted slope = ${slope.slope.toPrecision(3)}${slope.error === null ? ' (2 points: no error estimate)' : ` ± ${slope.error.toPrecision(2)}`}`;
    const theoremText = theorem
      ? `theorem: T = O(ε^−y), y(k = ${theorem.k}, γ = ${theorem.gamma}) = ${theorem.y.toPrecision(3)} — a guaranteed scaling, not a prediction`
      : '';
    const atStart = this.points.filter((p) => p.validityTime !== null && !(p.validityTime > 0)).length;
    const atStartText =
      atStart > 0
        ? ` ${atStart} point${atStart === 1 ? '' : 's'} above the threshold from t = 0 (T_valid = 0) cannot be drawn on log axes.`
        : '';
    this.fitText.textContent = `${slopeText}. ${theoremText}.${atStartText}`;
  }

  private setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  /** The table as CSV: the CLI's validity.csv when the worker sent it, else one row per ε received. */
  csv(): string {
    if (this.last?.validityCsv && !this.running) return this.last.validityCsv;
    const normKeys = [...new Set(this.points.flatMap((p) => Object.keys(p.norms)))].sort();
    const lines = [
      ['knudsen', 'validity_time', 'trustworthy', ...normKeys.map((k) => `${k}_at_tEnd`)].join(','),
    ];
    for (const p of this.points) {
      lines.push(
        [
          String(p.knudsen),
          p.validityTime === null ? '' : p.validityTime.toPrecision(9),
          String(p.trustworthy),
          ...normKeys.map((k) => (p.norms[k] === undefined ? '' : p.norms[k]!.toPrecision(9))),
        ].join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }

  private exportCsv(): void {
    download(new Blob([this.csv()], { type: 'text/csv' }), 'validity.csv');
  }
}
