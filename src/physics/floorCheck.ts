/**
 * The discretisation floor of the remainder readout (issue 20), its pure part: what is compared and
 * how it reads. engine/floorCheck.ts runs the floor run. The remainder (F_ε − F_0)/ε divides by ε
 * whatever the kinetic scheme and its fluid reference do differently; the floor is the remainder
 * of the kinetic scheme's own ε → 0 limit on the same grid and Δt (the collision step at λ = ∞,
 * F ← M[F] every step: an Euler solver made of the run's transport, Poisson solve and discrete
 * Maxwellian), measured at the run's ε. A readout at or below it is the discretisation's, not the
 * expansion's.
 */
import type { TimeseriesRow } from './config';
import { CHECKED_NORMS, type CheckedNorm } from './timeStepCheck';

/** A readout this close to its floor (or below it) is read as the discretisation's. */
export const FLOOR_MARGIN = 2;

export interface FloorCheck {
  readonly time: number;
  /** The run's readouts at `time`. */
  readonly run: Readonly<Record<CheckedNorm, number>>;
  /** The floor run's readouts at `time`, at the run's ε. */
  readonly floor: Readonly<Record<CheckedNorm, number>>;
  /** run / floor per readout (NaN: not finite). */
  readonly ratios: Readonly<Record<CheckedNorm, number>>;
  /** Every readout more than FLOOR_MARGIN times its floor (a NaN ratio is not). */
  readonly aboveFloor: boolean;
}

export function compareFloor(row: TimeseriesRow, floorRow: TimeseriesRow): FloorCheck {
  const pick = (r: TimeseriesRow) =>
    Object.fromEntries(CHECKED_NORMS.map((k) => [k, r[k]])) as Record<CheckedNorm, number>;
  const ratios = Object.fromEntries(
    CHECKED_NORMS.map((k) => {
      const [a, b] = [row[k], floorRow[k]];
      const ratio =
        Number.isFinite(a) && Number.isFinite(b) ? (b === 0 ? (a === 0 ? 1 : Infinity) : a / b) : NaN;
      return [k, ratio];
    }),
  ) as Record<CheckedNorm, number>;
  const aboveFloor = CHECKED_NORMS.every((k) => ratios[k] > FLOOR_MARGIN);
  return { time: row.t, run: pick(row), floor: pick(floorRow), ratios, aboveFloor };
}

const LABELS: Readonly<Record<CheckedNorm, string>> = {
  remainder_L2: 'L²',
  remainder_Linf_w: 'L∞',
  remainder_energy: 'E',
};

/** One line for the page, beside the remainder readouts. */
export function describeFloorCheck(check: FloorCheck): string {
  const g = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(2)).toString() : 'not finite');
  const floors = CHECKED_NORMS.map((k) => `${LABELS[k]} ${g(check.floor[k])} (run ${g(check.ratios[k])}×)`);
  const head = `at t = ${Number(check.time.toPrecision(4))} the floor (this grid and Δt's own ε → 0 limit, read at this ε) is ${floors.join(', ')}`;
  return check.aboveFloor
    ? `${head}: above it (each > ${FLOOR_MARGIN}×)`
    : `${head}: NOT above it (≤ ${FLOOR_MARGIN}×: the discretisation's, not the expansion's; refine grid.nx, grid.nv or time.dt)`;
}
