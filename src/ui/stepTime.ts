/**
 * The page's "step time" readout (issue 16: a step expected to take more than ~1 s shows its
 * progress and the estimated time per step on this adapter, instead of a silent "playing").
 * StepClock measures every advance() call the page makes (wall time on the main thread, so it
 * includes the snapshot the call returns: what a user waits for) and describes the call in flight.
 */

/** Above this expected duration a call in flight shows its progress. */
export const SLOW_CALL_MS = 1000;

/** Weight of the newest measurement in the running estimate of the time per step. */
const SMOOTHING = 0.3;

const seconds = (ms: number) =>
  ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`;

export class StepClock {
  private perStep: number | null = null;
  private started: number | null = null;
  private steps = 0;

  /** The running estimate of one step's wall time in ms (null before the first measured call). */
  get msPerStep(): number | null {
    return this.perStep;
  }

  /** A call of `steps` steps starts now. */
  start(steps: number, now: number): void {
    this.started = now;
    this.steps = steps;
  }

  /** The call started last returned having made `made` steps (0: nothing to learn from it). */
  finish(made: number, now: number): void {
    if (this.started !== null && made > 0) {
      const measured = (now - this.started) / made;
      this.perStep = this.perStep === null ? measured : SMOOTHING * measured + (1 - SMOOTHING) * this.perStep;
    }
    this.started = null;
  }

  /** A new run (another grid, another adapter load): the estimate starts again. */
  reset(): void {
    this.perStep = null;
    this.started = null;
  }

  /** The call in flight is over without a measurement (failed, abandoned, replaced). */
  cancel(): void {
    this.started = null;
  }

  /** The readout's text now. */
  describe(now: number): string {
    const rate = this.perStep === null ? null : `${seconds(this.perStep)} per step on this adapter`;
    if (this.started === null) return rate ?? '—';
    const elapsed = now - this.started;
    const expected = this.perStep === null ? null : this.perStep * this.steps;
    if ((expected ?? 0) < SLOW_CALL_MS && elapsed < SLOW_CALL_MS) return rate ?? 'measuring…';
    const what = this.steps === 1 ? 'step' : `${this.steps} steps`;
    return expected === null
      ? `${what} running: ${seconds(elapsed)} so far (first step on this adapter, no estimate yet)`
      : `${what} running: ${seconds(elapsed)} of ~${seconds(expected)} (${rate})`;
  }
}
