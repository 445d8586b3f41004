/**
 * The run as a file: "Save run" downloads the worker's checkpoint (a .vpbc file,
 * checkpoint.ts format), "Load run" replaces the running run by an uploaded one (a refused file
 * shows its reason in data-testid "checkpoint-error" and the run goes on), and an automatic save
 * in IndexedDB (autosave.ts) that a reload resumes.
 *
 * The automatic save is kept off the hot path: saveCheckpoint reads the whole state back from the
 * GPU, so it runs every AUTOSAVE_INTERVAL_MS of wall time while playing (not per frame), queued
 * between two advance() calls like any other worker call, and once more when the tab is hidden or
 * the page goes away (best effort: a page being unloaded may not live long enough for the worker's
 * answer; then the previous autosave stays, IndexedDB writes being atomic). The main thread only
 * receives the transferred bytes and hands them to IndexedDB.
 */
import * as Comlink from 'comlink';
import { type Autosave, deleteAutosave, readAutosave, writeAutosave } from './autosave';
import { download } from './export';
import type { RunLog } from './runLog';
import type { WorkerQueue } from './workerClient';

/** Wall time between two automatic saves while playing. */
export const AUTOSAVE_INTERVAL_MS = 10_000;

/** What the page tells this panel about the run it shows. */
export interface RunPosition {
  /** The queue epoch of the run shown (a restart bumps it). */
  readonly epoch: number;
  readonly step: number;
  readonly time: number;
}

export interface RunFileHooks {
  readonly queue: WorkerQueue;
  readonly log: RunLog;
  /** The run shown now, or null before the first one. */
  readonly position: () => RunPosition | null;
  /** Whether the run is playing (the periodic save runs only then). */
  readonly playing: () => boolean;
  /** Whether the worker holds a run that can be saved (false during a sweep). */
  readonly savable: () => boolean;
  /**
   * Replaces the run by the one in `bytes` (transferred to the worker); resolves to null when
   * accepted, else the refusal's message (the running run is then untouched).
   */
  readonly load: (bytes: Uint8Array) => Promise<string | null>;
}

const byTestId = <T extends HTMLElement = HTMLElement>(id: string) =>
  document.querySelector<T>(`[data-testid="${id}"]`)!;
const timeText = (t: number) => String(Number(t.toPrecision(6)));
const clockText = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

export class RunFiles {
  private readonly error = byTestId('checkpoint-error');
  private readonly status = byTestId('autosave-status');
  private readonly fileInput = byTestId<HTMLInputElement>('checkpoint-file');
  /** The autosave being written, if any (one at a time). */
  private saving: Promise<void> | null = null;
  /** The run position the autosave holds (the periodic save skips a run that has not moved). */
  private saved: RunPosition | null = null;
  private autosaveFailed = false;
  /** The epoch of a run whose autosave was discarded: not saved automatically again. */
  private discardedEpoch: number | null = null;

  constructor(private readonly hooks: RunFileHooks) {
    byTestId('checkpoint-save').addEventListener('click', () => void this.saveToFile());
    this.fileInput.addEventListener('change', () => void this.loadFromInput());
    byTestId('autosave-discard').addEventListener('click', () => void this.discard());
    setInterval(() => {
      if (this.hooks.playing()) void this.autosave(false);
    }, AUTOSAVE_INTERVAL_MS);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden') void this.autosave(false);
    });
    window.addEventListener('pagehide', () => void this.autosave(false));
  }

  /**
   * On start-up (no set-up in the URL): resumes the autosaved run if there is one. A refused one
   * is deleted, with a notice. Resolves to true when a run was resumed.
   */
  async resume(): Promise<boolean> {
    let save: Autosave | null;
    try {
      save = await readAutosave();
    } catch (e) {
      this.setStatus(`autosave unavailable: ${(e as Error).message}`);
      return false;
    }
    if (!save) {
      this.setStatus('no autosaved run yet');
      return false;
    }
    const refusal = await this.hooks.load(save.bytes);
    if (refusal !== null) {
      await deleteAutosave().catch(() => undefined);
      this.hooks.log.add(
        `the autosaved run (saved ${clockText(save.savedAt)}) could not be resumed and was deleted: ${refusal}`,
        'warning',
      );
      this.setStatus('no autosaved run (the last one was refused and deleted)');
      return false;
    }
    const position = this.hooks.position();
    const time = position?.time ?? save.time;
    this.saved = position;
    this.hooks.log.add(
      `resumed the autosaved run at t = ${timeText(time)} (saved ${clockText(save.savedAt)}); ` +
        '"Discard autosave" or a preset starts afresh',
      'info',
      time,
    );
    this.setStatus(`autosaved at t = ${timeText(save.time)}, ${clockText(save.savedAt)}`);
    return true;
  }

  /**
   * Writes the running run into IndexedDB now. `force` saves even if the run has not moved since
   * the last autosave, or its autosave was discarded. Never rejects: a failure is shown (once in the
   * run log, always in the status).
   */
  autosave(force: boolean): Promise<void> {
    if (this.saving) {
      // one at a time; a forced save waits for the one under way and then writes its own
      return force ? this.saving.then(() => this.autosave(true)) : this.saving;
    }
    const position = this.hooks.position();
    if (!position || !this.hooks.savable()) return Promise.resolve();
    const moved = !this.saved || this.saved.epoch !== position.epoch || this.saved.step !== position.step;
    if (!force && (!moved || position.epoch === this.discardedEpoch)) return Promise.resolve();
    this.saving = (async () => {
      try {
        const { value: bytes, epoch } = await this.hooks.queue.run((remote) => remote.saveCheckpoint());
        // the page's latest answer is for the same queue position or an earlier one: close enough
        // for the status line (the file itself carries its exact step and time)
        const shown = this.hooks.position();
        const at = shown && shown.epoch === epoch ? shown : position;
        const savedAt = Date.now();
        await writeAutosave({ bytes, savedAt, time: at.time, step: at.step });
        this.saved = at;
        if (force) this.discardedEpoch = null;
        this.autosaveFailed = false;
        this.setStatus(`autosaved at t = ${timeText(at.time)}, ${clockText(savedAt)}`);
      } catch (e) {
        const message = `the automatic save failed: ${(e as Error).message ?? String(e)}`;
        this.setStatus(message);
        if (!this.autosaveFailed) this.hooks.log.add(message, 'warning');
        this.autosaveFailed = true;
      } finally {
        this.saving = null;
      }
    })();
    return this.saving;
  }

  /** The checkpoint of the running run as a download. */
  private async saveToFile(): Promise<void> {
    if (!this.hooks.savable() || !this.hooks.position()) return;
    try {
      const { value: bytes } = await this.hooks.queue.run((remote) => remote.saveCheckpoint());
      const t = this.hooks.position()?.time ?? 0;
      download(
        new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
        `vpb-run-t${timeText(t)}.vpbc`,
      );
      this.hooks.log.add(`saved the run to a file (${bytes.length} bytes)`, 'info', t);
    } catch (e) {
      this.showError(`the run could not be saved: ${(e as Error).message ?? String(e)}`);
    }
  }

  private async loadFromInput(): Promise<void> {
    const file = this.fileInput.files?.[0];
    if (!file) return;
    this.clearError();
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const refusal = await this.hooks.load(bytes);
      if (refusal !== null) {
        this.showError(`${file.name} was refused (the run goes on): ${refusal}`);
        this.hooks.log.add(`${file.name} was refused: ${refusal}`, 'warning');
        return;
      }
      const time = this.hooks.position()?.time ?? 0;
      this.hooks.log.add(`loaded the run in ${file.name} at t = ${timeText(time)}`, 'info', time);
    } catch (e) {
      this.showError(`${file.name} could not be read: ${(e as Error).message ?? String(e)}`);
    } finally {
      this.fileInput.value = ''; // the same file can be chosen again
    }
  }

  /**
   * Deletes the autosave; the run shown is not saved automatically again (a reload or a closed tab
   * then starts from a preset), the next run (a preset, an edit, a reset, a loaded file) is.
   */
  private async discard(): Promise<void> {
    try {
      this.discardedEpoch = this.hooks.position()?.epoch ?? null;
      await this.saving;
      await deleteAutosave();
      this.saved = null;
      this.setStatus('autosave discarded: this run is no longer saved automatically (the next run is)');
      this.hooks.log.add('discarded the autosaved run: a reload starts from a preset', 'info');
    } catch (e) {
      this.setStatus(`autosave unavailable: ${(e as Error).message}`);
    }
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }

  private showError(message: string): void {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  private clearError(): void {
    this.error.textContent = '';
    this.error.hidden = true;
  }
}

/** The bytes as a transferable argument (the caller gives them up: the worker owns them after). */
export function transferBytes(bytes: Uint8Array): Uint8Array {
  return Comlink.transfer(bytes, [bytes.buffer as ArrayBuffer]);
}
