/**
 * Validity-time recording (PHYSICS.md §3): an ε-sweep of the current set-up runs in the worker;
 * its points arrive one by one into a table and onto the log–log plot of T_valid against 1/ε, with
 * the least-squares slope (physics/validity.ts, the CLI's fit), the secular-growth model's slope
 * as a dotted reference and the theorem's y(k, γ) as a dashed one only where the theorem covers the
 * measured (n, r) (a guaranteed scaling, not a prediction), both through the first trustworthy point.
 * A progress bar follows the sweep; Cancel stops it after the current step, keeping its points.
 *
 * The sweep's set-up, ε list and finished points are stored in IndexedDB (sweepStore.ts)
 * when it starts and after every point, and deleted when it is done. On page load a stored,
 * unfinished sweep (closed tab, reload, cancel, failure) is shown, its points in the table and the
 * plot, with "Resume sweep (k of n done)" (the worker runs only the other points) and "Discard
 * stored sweep"; a record that fails its checks is refused with the reason and deleted. A device
 * loss during a run is recovered in the worker; the panel says so in its status and the run log.
 */
import * as Comlink from 'comlink';
import type { SimulationConfig } from '../physics/config';
import {
  logLogFit,
  modelDescription,
  remainderValidityReference,
  type TheoremReference,
  theoremCoverage,
} from '../physics/validity';
import type {
  SweepOptions,
  SweepPointReport,
  SweepProgress,
  SweepResult,
  SweepStarted,
} from '../workers/sessionApi';
import { sweepPointReport } from '../workers/sweepReport';
import { download } from './export';
import { remainderOf } from './parameters';
import { LinePlot } from './plots';
import type { NoticeKind } from './runLog';
import {
  checkStoredSweep,
  deleteStoredSweep,
  readStoredSweep,
  STORED_SWEEP_VERSION,
  type StoredSweep,
  writeStoredSweep,
} from './sweepStore';
import type { WorkerQueue } from './workerClient';

export interface ValidityPanelHooks {
  readonly queue: WorkerQueue;
  /** The set-up the sweep runs (the last config the worker accepted). */
  readonly config: () => SimulationConfig;
  /** Called before a sweep starts (the page pauses the live run: the worker does one thing at a time). */
  readonly beforeSweep: () => void;
  readonly afterSweep: () => void;
  /** A line for the run log: a stored sweep found, refused or resumed, a device-loss recovery. */
  readonly log: (text: string, kind: NoticeKind) => void;
}

const byTestId = <T extends HTMLElement>(root: HTMLElement, id: string) =>
  root.querySelector<T>(`[data-testid="${id}"]`)!;
const clockText = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

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
  private readonly resumeButton: HTMLButtonElement;
  private readonly discardButton: HTMLButtonElement;
  private readonly exportButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly tableBody: HTMLTableSectionElement;
  private readonly fitText: HTMLElement;
  private last: SweepResult | null = null;
  /** The set-up of the points shown (the theorem's k and γ and t_end are read from it). */
  private swept: SimulationConfig | null = null;
  /** The unfinished sweep as last written to (or read from) IndexedDB; null: none stored. */
  private stored: StoredSweep | null = null;
  /** Writes and deletes of the stored sweep, one after another in the order asked. */
  private storing: Promise<void> = Promise.resolve();
  private storeFailed = false;

  constructor(
    readonly root: HTMLElement,
    private readonly hooks: ValidityPanelHooks,
  ) {
    this.input = byTestId(root, 'sweep-knudsen');
    this.runButton = byTestId(root, 'sweep-run');
    this.cancelButton = byTestId(root, 'sweep-cancel');
    this.resumeButton = byTestId(root, 'sweep-resume');
    this.discardButton = byTestId(root, 'sweep-discard');
    this.exportButton = byTestId(root, 'sweep-export');
    this.progress = byTestId(root, 'sweep-progress');
    this.status = byTestId(root, 'sweep-status');
    this.tableBody = byTestId<HTMLTableElement>(root, 'sweep-table').tBodies[0]!;
    this.fitText = byTestId(root, 'sweep-fit');
    this.plot = new LinePlot(byTestId(root, 'plot-validity'), {
      title: 'Validity time T_valid(ε): measured points, fit, model, theorem',
      xLabel: '1/ε (dimensionless)',
      yLabel: 'T_valid (dimensionless time)',
      logX: true,
      logY: true,
      height: 240,
      series: [
        {
          label: 'T_valid, trustworthy (Δt/2, 2 n_x and 2 N_v reruns < 10 %)',
          stroke: '#1f5fa8',
          pointsOnly: true,
        },
        { label: 'T_valid, not trustworthy', stroke: '#1f5fa8', pointsOnly: true, hollow: true },
        {
          label: 'threshold not reached: t_end (lower bound)',
          stroke: '#868e96',
          pointsOnly: true,
          hollow: true,
        },
        { label: 'least-squares fit', stroke: '#1f5fa8', width: 1.5 },
        {
          label: 'model: secular growth, slope (n+1−r)/(n+1) (not a bound)',
          stroke: '#2e7d32',
          dash: [2, 4],
          width: 1.5,
        },
        {
          label: "theorem's y(k, γ) slope (guaranteed scaling; only where it covers (n, r))",
          stroke: '#c0392b',
          dash: [7, 5],
          width: 1.5,
        },
      ],
    });
    this.runButton.addEventListener('click', () => void this.start());
    this.cancelButton.addEventListener('click', () => this.cancel());
    this.resumeButton.addEventListener('click', () => void this.resumeStored());
    this.discardButton.addEventListener('click', () => void this.discardStored());
    this.exportButton.addEventListener('click', () => this.exportCsv());
    this.cancelButton.disabled = true;
    this.exportButton.disabled = true;
    this.redraw();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** The last sweep's result (tests: which points the worker computed, which it took as stored). */
  get lastResult(): SweepResult | null {
    return this.last;
  }

  /** Run sweep: a new sweep of the list in the box (it replaces a stored, unfinished one). */
  async start(): Promise<void> {
    if (this.running) return;
    let knudsen: number[];
    try {
      knudsen = parseKnudsenList(this.input.value);
    } catch (e) {
      this.setStatus((e as Error).message, true);
      return;
    }
    await this.sweep(knudsen, {}, null);
  }

  /** Resume sweep: the stored sweep's set-up and ε list, its finished points taken as they are. */
  async resumeStored(): Promise<void> {
    const from = this.stored;
    if (this.running || !from) return;
    await this.sweep(from.knudsen, { config: from.config, resume: from.points }, from);
  }

  private async sweep(
    knudsen: readonly number[],
    options: SweepOptions,
    from: StoredSweep | null,
  ): Promise<void> {
    this.running = true;
    const replacing = from ? null : this.stored;
    this.points = from ? from.points.map((p) => sweepPointReport(p.point, p.index)) : [];
    this.last = null;
    this.swept = from ? from.config : this.hooks.config();
    this.rebuildTable();
    this.progress.value = from ? from.points.length / from.knudsen.length : 0;
    this.progress.max = 1;
    this.runButton.disabled = true;
    this.cancelButton.disabled = false;
    this.exportButton.disabled = this.points.length === 0;
    this.showStoredControls();
    this.setStatus(
      from
        ? `resuming the stored sweep: ${from.points.length} of ${from.knudsen.length} points done, running the rest…`
        : `sweeping ${knudsen.length} values of ε…`,
    );
    this.redraw();
    this.hooks.beforeSweep();
    try {
      const onPoint = Comlink.proxy((point: SweepPointReport) => {
        this.addPoint(point);
        this.storePoint(point);
      });
      const onProgress = Comlink.proxy((p: SweepProgress) => {
        if (p.started) this.storeStarted(p.started, from, replacing);
        if (p.recovered) {
          this.hooks.log(`sweep recovered: ${p.recovered}`, 'warning');
          this.setStatus(
            `recovered from a lost GPU device: point ${p.point + 1} of ${p.points} is being redone`,
          );
          return;
        }
        // never backwards: a report that restarts at 0 for the next point does not empty the bar
        this.progress.value = Math.min(1, Math.max(this.progress.value, p.fraction));
        this.setStatus(
          `point ${p.point + 1} of ${p.points}: ${(100 * this.progress.value).toFixed(0)} % of the sweep`,
        );
      });
      const { value } = await this.hooks.queue.run((remote) =>
        remote.sweep(knudsen, onPoint, onProgress, options),
      );
      if (value.refusal) {
        if (from) {
          // the worker's own check of the stored sweep failed: it cannot be resumed, ever
          await this.forgetStored();
          this.setStatus(
            `the stored sweep cannot be resumed and was deleted: ${value.refusal.message}`,
            true,
          );
          this.hooks.log(
            `the stored sweep cannot be resumed and was deleted: ${value.refusal.message}`,
            'warning',
          );
        } else {
          this.setStatus(`refused: ${value.refusal.message}`, true);
        }
        return;
      }
      this.last = value;
      // the result is the authority: it holds every finished point, also any a callback missed
      if (value.points.length >= this.points.length) {
        this.points = [...value.points];
        this.rebuildTable();
      }
      this.progress.value = value.cancelled ? this.progress.value : 1;
      // a finished sweep leaves nothing to resume; a cancelled one stays stored (Resume sweep)
      if (!value.cancelled) await this.forgetStored();
      const warnings = value.warnings?.length ? ` — ${value.warnings.join('; ')}` : '';
      const resumed = value.resumed?.length ?? 0;
      const computed = value.computed?.length ?? 0;
      const origin =
        resumed > 0
          ? ` (${plural(resumed, 'point')} taken from the stored sweep, ${computed} computed now)`
          : '';
      const lost = value.recoveries?.length ?? 0;
      const recoveries =
        lost === 0 ? '' : `; ${lost === 1 ? 'one device-loss recovery' : `${lost} device-loss recoveries`}`;
      this.setStatus(
        `${value.cancelled ? `cancelled: ${value.points.length} point(s) kept, "Resume sweep" runs the rest` : 'sweep done'}` +
          `${origin}${recoveries}${warnings}`,
      );
      if (from && !value.cancelled) {
        this.hooks.log(`resumed the stored sweep and finished it${origin}`, 'info');
      }
    } catch (e) {
      this.setStatus(
        `the sweep failed: ${messageOf(e)}${this.stored ? ' ("Resume sweep" runs the unfinished points)' : ''}`,
        true,
      );
    } finally {
      this.running = false;
      this.runButton.disabled = false;
      this.cancelButton.disabled = true;
      this.exportButton.disabled = this.points.length === 0;
      this.showStoredControls();
      this.redraw();
      this.hooks.afterSweep();
    }
  }

  /**
   * On page load: a stored, unfinished sweep is checked, shown (its points in the table and the
   * plot, its ε list in the box) and offered for resuming; a refused one is deleted, saying why.
   */
  async restoreStored(): Promise<void> {
    let value: unknown;
    try {
      value = await readStoredSweep();
    } catch (e) {
      this.setStatus(`no stored sweep can be read here: ${messageOf(e)}`);
      return;
    }
    // nothing stored, or a sweep started meanwhile (it replaces the record)
    if (value === null || this.running) return;
    let sweep: StoredSweep;
    try {
      sweep = checkStoredSweep(value).sweep;
    } catch (e) {
      const text = `a stored, unfinished sweep was refused and deleted: ${messageOf(e)}`;
      this.setStatus(text, true);
      this.hooks.log(text, 'warning');
      await this.forgetStored();
      return;
    }
    this.stored = sweep;
    this.root.dataset.storedPoints = String(sweep.points.length);
    this.points = sweep.points.map((p) => sweepPointReport(p.point, p.index));
    this.swept = sweep.config;
    this.last = null;
    this.input.value = sweep.knudsen.join(', ');
    this.rebuildTable();
    this.progress.value = sweep.points.length / sweep.knudsen.length;
    this.exportButton.disabled = this.points.length === 0;
    this.showStoredControls();
    this.redraw();
    const k = sweep.points.length;
    const n = sweep.knudsen.length;
    this.setStatus(
      `an unfinished sweep was stored at ${clockText(sweep.savedAt)}: ${k} of ${n} points done. ` +
        `"Resume sweep" runs the other ${n - k} without redoing these; "Discard stored sweep" forgets it.`,
    );
    this.hooks.log(
      `found an unfinished sweep (stored ${clockText(sweep.savedAt)}, ${k} of ${n} points done): shown in the validity panel, "Resume sweep" continues it`,
      'info',
    );
  }

  /** Discard stored sweep: deletes the record (the points stay shown until the next sweep). */
  private async discardStored(): Promise<void> {
    const stored = this.stored;
    if (this.running || !stored) return;
    await this.forgetStored();
    this.showStoredControls();
    this.setStatus('the stored sweep was discarded: a reload no longer offers it');
    this.hooks.log(
      `discarded the stored sweep (${stored.points.length} of ${stored.knudsen.length} points done)`,
      'info',
    );
  }

  /** The worker planned the sweep: the record starts with what defines it (and the points taken as stored). */
  private storeStarted(started: SweepStarted, from: StoredSweep | null, replacing: StoredSweep | null): void {
    if (replacing) {
      this.hooks.log(
        `the stored, unfinished sweep (${replacing.points.length} of ${replacing.knudsen.length} points done) is replaced by the new one`,
        'info',
      );
    }
    const kept = new Set(started.resumed);
    this.stored = {
      version: STORED_SWEEP_VERSION,
      savedAt: Date.now(),
      config: started.config,
      knudsen: [...started.knudsen],
      points: from ? from.points.filter((p) => kept.has(p.index)) : [],
    };
    this.persist();
  }

  /** A point finished: the record gains it, so a closed tab loses at most the point under way. */
  private storePoint(point: SweepPointReport): void {
    const stored = this.stored;
    if (!stored || point.index === undefined || !point.record) return;
    const index = point.index;
    this.stored = {
      ...stored,
      savedAt: Date.now(),
      points: [...stored.points.filter((p) => p.index !== index), { index, point: point.record }].sort(
        (a, b) => a.index - b.index,
      ),
    };
    this.persist();
  }

  private forgetStored(): Promise<void> {
    this.stored = null;
    return this.persist();
  }

  /**
   * Queues the write (or the delete, with no sweep stored) of the record as it is now. The panel's
   * data-stored-points says what IndexedDB holds once it has committed (tests wait for it). A
   * failure is shown once in the run log; the sweep itself goes on.
   */
  private persist(): Promise<void> {
    const record = this.stored;
    this.storing = this.storing.then(async () => {
      try {
        if (record) await writeStoredSweep(record);
        else await deleteStoredSweep();
        this.storeFailed = false;
        if (record) this.root.dataset.storedPoints = String(record.points.length);
        else delete this.root.dataset.storedPoints;
      } catch (e) {
        if (!this.storeFailed) {
          this.hooks.log(
            `the sweep could not be stored in this browser (a reload would lose its points): ${messageOf(e)}`,
            'warning',
          );
        }
        this.storeFailed = true;
      }
    });
    return this.storing;
  }

  /** Resume and Discard are shown while a stored sweep waits and none runs. */
  private showStoredControls(): void {
    const stored = this.stored;
    const show = stored !== null && !this.running;
    this.resumeButton.hidden = !show;
    this.discardButton.hidden = !show;
    if (stored) {
      this.resumeButton.textContent = `Resume sweep (${stored.points.length} of ${stored.knudsen.length} done)`;
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
      p.validityTime !== null
        ? p.validityTime.toPrecision(4)
        : p.failedRefinements?.includes('fluid')
          ? 'not measured'
          : '> t_end',
      p.trustworthy ? 'yes' : `no${whyUntrustworthy(p.failedRefinements ?? [])}`,
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

  /** What is known for the measured (n, r): the model's slope, the theorem where it applies. */
  private theorem(): TheoremReference | null {
    const c = this.swept ?? this.hooks.config();
    try {
      return remainderValidityReference(remainderOf(c), c.collisions.gamma);
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
    // both reference lines through the anchor; the theorem's only where it covers (n, r)
    const through = (slope: number | null) => (x: number) =>
      anchor && slope !== null ? anchor.validityTime! * (x * anchor.knudsen) ** slope : null;
    const modelAt = through(theorem ? theorem.modelSlope : null);
    const theoremAt = through(theorem?.applies ? theorem.y : null);
    this.plot.setData([
      xs,
      sorted.map((p) => (p.validityTime !== null && p.trustworthy ? p.validityTime : null)),
      sorted.map((p) => (p.validityTime !== null && !p.trustworthy ? p.validityTime : null)),
      sorted.map((p) => (p.validityTime === null ? tEnd : null)),
      xs.map(fitAt),
      xs.map(modelAt),
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
    const theoremText = theorem ? `${modelDescription(theorem)}. ${theoremCoverage(theorem)}` : '';
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

/** " (Δt/2, 2 n_x moved it ≥ 10 %; the fluid reference failed)", or "" when no reason is known. */
function whyUntrustworthy(failed: readonly string[]): string {
  const name = { dt: 'Δt/2', nx: '2 n_x', nv: '2 N_v' } as Record<string, string>;
  const moved = failed.filter((r) => r !== 'fluid').map((r) => name[r] ?? r);
  const reasons = [
    ...(moved.length > 0 ? [`${moved.join(', ')} moved it ≥ 10 %`] : []),
    ...(failed.includes('fluid') ? ['the fluid reference failed before T_valid'] : []),
  ];
  return reasons.length > 0 ? ` (${reasons.join('; ')})` : '';
}
