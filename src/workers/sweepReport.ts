/**
 * A sweep's SweepPoint as the page shows it (SweepPointReport): sent by the worker as points
 * finish, and made by the page itself from the points of a stored, unfinished sweep, so both show
 * the same row. Pure: no worker or DOM globals.
 */
import { failedRefinements, type SweepPoint } from '../physics/sweepPlan';
import type { SweepPointReport } from './sessionApi';

export function sweepPointReport(p: SweepPoint, index?: number): SweepPointReport {
  return {
    knudsen: p.knudsen,
    validityTime: p.validityTime,
    trustworthy: p.trustworthy === true,
    norms: { ...p.normsAtEnd },
    dt: p.dt,
    steps: p.steps,
    validityTimeHalfDt: p.halfDt?.validityTime ?? null,
    trustChange: p.halfDt && Number.isFinite(p.halfDt.change) ? p.halfDt.change : null,
    validityTimeDoubleNx: p.doubleNx?.validityTime ?? null,
    nxChange: p.doubleNx && Number.isFinite(p.doubleNx.change) ? p.doubleNx.change : null,
    validityTimeDoubleNv: p.doubleNv?.validityTime ?? null,
    nvChange: p.doubleNv && Number.isFinite(p.doubleNv.change) ? p.doubleNv.change : null,
    failedRefinements: failedRefinements(p),
    ...(index === undefined ? {} : { index, record: p }),
  };
}
