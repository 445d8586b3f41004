/**
 * The trust check of the page's remainder readout (issue 15), its pure part: what is compared and
 * how it reads. engine/timeStepCheck.ts runs the Δt/2 rerun. A norm that moves by TRUST_TOLERANCE
 * or more when Δt is halved is the time step's, not the kinetic equation's. It refines Δt only: the
 * x and velocity grids and the fluid reference's floor are issue 20's.
 */
import type { TimeseriesRow } from './config';
import { TRUST_TOLERANCE } from './validity';

/** The remainder readouts of the page, compared by the check. */
export const CHECKED_NORMS = ['remainder_L2', 'remainder_Linf_w', 'remainder_energy'] as const;
export type CheckedNorm = (typeof CHECKED_NORMS)[number];

export interface TimeStepCheck {
  /** The time of the compared outputs. */
  readonly time: number;
  /** The run's Δt (the rerun took Δt/2). */
  readonly dt: number;
  /** |norm(Δt/2) − norm(Δt)| / |norm(Δt)| for each readout (NaN: not finite in either run). */
  readonly changes: Readonly<Record<CheckedNorm, number>>;
  /** The norms of the rerun. */
  readonly halfDt: Readonly<Record<CheckedNorm, number>>;
  /** Every change below TRUST_TOLERANCE (a NaN change is not trustworthy). */
  readonly trustworthy: boolean;
}

/** The relative change of one norm, NaN when either value is not finite. */
export function relativeChange(at: number, half: number): number {
  if (!Number.isFinite(at) || !Number.isFinite(half)) return Number.NaN;
  if (at === half) return 0;
  return Math.abs(half - at) / Math.abs(at);
}

/** The check's verdict from the run's output `row` at t and the rerun's output at the same t. */
export function compareTimeStep(row: TimeseriesRow, rerun: TimeseriesRow, dt: number): TimeStepCheck {
  const changes = Object.fromEntries(
    CHECKED_NORMS.map((k) => [k, relativeChange(row[k], rerun[k])]),
  ) as Record<CheckedNorm, number>;
  const halfDt = Object.fromEntries(CHECKED_NORMS.map((k) => [k, rerun[k]])) as Record<CheckedNorm, number>;
  // a NaN change compares false: not trustworthy
  const trustworthy = CHECKED_NORMS.every((k) => changes[k] < TRUST_TOLERANCE);
  return { time: row.t, dt, changes, halfDt, trustworthy };
}

const LABELS: Readonly<Record<CheckedNorm, string>> = {
  remainder_L2: 'L²',
  remainder_Linf_w: 'L∞',
  remainder_energy: 'E',
};

/** One line for the page, beside the remainder readouts. */
export function describeTimeStepCheck(check: TimeStepCheck): string {
  const percent = (x: number) =>
    Number.isFinite(x) ? `${Number((100 * x).toPrecision(2))} %` : 'not finite';
  const moves = CHECKED_NORMS.map((k) => `${LABELS[k]} ${percent(check.changes[k])}`).join(', ');
  const head = `at t = ${Number(check.time.toPrecision(4))} Δt/2 moves ${moves}`;
  return check.trustworthy
    ? `${head}: trustworthy (each < ${100 * TRUST_TOLERANCE} %)`
    : `${head}: NOT trustworthy (≥ ${100 * TRUST_TOLERANCE} %: the time step's error, not the kinetic ` +
        `equation's; lower time.dt, or use collisions.scheme "trapezoidal")`;
}
