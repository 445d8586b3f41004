/**
 * What the page's views draw at one moment of a run (SessionSnapshot) and the code that makes it
 * from the session's state: the phase-space marginals, one cell's velocity distribution, the
 * kinetic and fluid densities and fields, and the "ghost", the fluid's discrete bi-Maxwellian F_0
 * at that cell (one Newton solve, kept until the fluid moves or another cell is asked for).
 * An observer: it reads the state and changes nothing. The worker contract (workers/sessionApi.ts)
 * re-exports the type, so the page takes it from there.
 */

import type { TimeseriesRow } from '../physics/config';
import { cellCentres } from '../physics/initialData';
import { discreteMaxwellianOnGrid } from '../physics/maxwellian';
import { MOMENT_COUNT } from '../physics/moments';
import { fluidCellParameters } from '../physics/remainderNorms';
import { velocityNodes } from '../physics/velocityGrid';
import type { FluidReferenceStatus } from './remainderMonitor';
import { fieldFromMoments, type SimulationSetup, type StepBackend } from './step';

/** What the views draw at one moment of the run. Units: dimensionless (PHYSICS.md §1 scaling). */
export interface SessionSnapshot {
  readonly step: number;
  readonly time: number;
  readonly totalSteps: number;
  /** Cell centres x_i, length nx. */
  readonly x: Float64Array;
  /** Velocity nodes v_j of one axis (cell-centred), length nv. */
  readonly v: Float64Array;
  /** ∫∫ F_α dv2 dv3 over (x, v1), per species, [cell][j1] (nx·nv). */
  readonly phaseSpace: readonly [Float32Array, Float32Array];
  /** Kinetic n_α(x) (number densities), per species. */
  readonly density: readonly [Float64Array, Float64Array];
  /** E(x) from the kinetic charge density. */
  readonly field: Float64Array;
  /** The Euler–Poisson solution's n_α(x) and E(x) at the same time. */
  readonly fluidDensity: readonly [Float64Array, Float64Array];
  readonly fluidField: Float64Array;
  /** The cell whose full velocity distribution is included below. */
  readonly velocityCell: number;
  /** F_α(x_cell, ·) on the N³ grid, [j1][j2][j3], per species. */
  readonly velocity: readonly [Float32Array, Float32Array];
  /** The fluid's discrete bi-Maxwellian F_0 at that cell (the "ghost"), same layout. */
  readonly velocityFluid: readonly [Float32Array, Float32Array];
  /**
   * The timeseries row at this time (same columns as the CLI's timeseries.csv): the latest output
   * row, so row.t = time at an output step and the previous output's t between outputs (measuring
   * the remainder costs a Newton solve per cell, done at outputs only).
   */
  readonly row: TimeseriesRow;
  /** Which scheme the fluid reference is, and when and why it failed or handed over. */
  readonly fluidReference: FluidReferenceStatus;
}

/** The run at one step, as the session shows it to a snapshot. */
export interface SnapshotSource {
  readonly step: number;
  readonly time: number;
  readonly totalSteps: number;
  readonly setup: SimulationSetup;
  readonly fluidReference: FluidReferenceStatus;
  readonly backend: Pick<StepBackend, 'moments' | 'readState'>;
  /** The Euler–Poisson solution at the same time (the fluid solver's fields). */
  readonly fluid: {
    readonly densityA: Float64Array;
    readonly densityB: Float64Array;
    readonly velocity: readonly [Float64Array, Float64Array, Float64Array];
    readonly temperature: Float64Array;
    readonly field: Float64Array;
  };
  /** The latest output row. */
  readonly row: TimeseriesRow;
}

/** Makes a session's snapshots; keeps the last ghost (one per session). */
export class SnapshotMaker {
  private ghostCache: { step: number; cell: number; f: [Float32Array, Float32Array] } | null = null;

  /**
   * What the views draw now. `velocityCell` is clamped to [0, nx − 1] (the snapshot says which cell
   * it used). The phase-space marginal is summed on the CPU from a readback of the whole state: at
   * n_x·N_v³ ≤ 64·32³ floats per species (16 MB in all) one readback per snapshot is cheap next to
   * the steps between two snapshots, and it keeps the snapshot an observer with no kernel of its own.
   */
  async snapshot(source: SnapshotSource, velocityCell: number): Promise<SessionSnapshot> {
    const { setup, backend, fluid } = source;
    const { grid } = setup;
    const { nx, length } = setup.config.grid;
    const { nv, pointsPerCell, dv } = grid;
    const cell = clampCell(velocityCell, nx);
    const moments = await backend.moments();
    const state = await backend.readState();

    // ∫∫ F dv2 dv3 on (x, v1): Δv² Σ_{j2, j3} F[cell][j1][j2][j3]
    const area = dv * dv;
    const phaseSpace = [0, 1].map((s) => {
      const out = new Float32Array(nx * nv);
      for (let i = 0; i < nx; i++) {
        const base = (s * nx + i) * pointsPerCell;
        for (let j1 = 0; j1 < nv; j1++) {
          let sum = 0;
          const start = base + j1 * nv * nv;
          for (let k = 0; k < nv * nv; k++) sum += state[start + k]!;
          out[i * nv + j1] = area * sum;
        }
      }
      return out;
    }) as [Float32Array, Float32Array];
    const density = [0, 1].map((s) =>
      Float64Array.from({ length: nx }, (_, i) => moments[(s * nx + i) * MOMENT_COUNT]!),
    ) as [Float64Array, Float64Array];
    const velocity = [0, 1].map((s) => {
      const start = (s * nx + cell) * pointsPerCell;
      return Float32Array.from(state.subarray(start, start + pointsPerCell));
    }) as [Float32Array, Float32Array];

    return {
      step: source.step,
      time: source.time,
      totalSteps: source.totalSteps,
      x: cellCentres(nx, length),
      v: velocityNodes(grid),
      phaseSpace,
      density,
      field: fieldFromMoments(setup, moments),
      fluidDensity: [fluid.densityA, fluid.densityB],
      fluidField: fluid.field,
      velocityCell: cell,
      velocity,
      velocityFluid: this.ghost(source, cell),
      // the latest output row (its t is this time at an output step, earlier between outputs):
      // measuring the remainder between outputs would cost a Newton solve per cell per snapshot
      row: { ...source.row },
      fluidReference: source.fluidReference,
    };
  }

  /** The fluid went back (a rollback, a reset): the kept ghost is stale even at the same step. */
  forget(): void {
    this.ghostCache = null;
  }

  /**
   * The ghost: the fluid's discrete bi-Maxwellian F_0 at `cell` (remainderNorms.ts), one Newton
   * solve over N_v³ points; kept until the fluid moves or another cell is asked for.
   */
  private ghost(source: SnapshotSource, cell: number): [Float32Array, Float32Array] {
    if (this.ghostCache?.step !== source.step || this.ghostCache.cell !== cell) {
      const { grid, config } = source.setup;
      const { densityA, densityB, velocity, temperature } = source.fluid;
      const masses = [config.species[0].mass, config.species[1].mass] as const;
      const parameters = fluidCellParameters(
        grid,
        {
          densityA: [densityA[cell]!],
          densityB: [densityB[cell]!],
          velocity: [[velocity[0][cell]!], [velocity[1][cell]!], [velocity[2][cell]!]],
          temperature: [temperature[cell]!],
        },
        masses,
      );
      const f = [0, 1].map((s) =>
        Float32Array.from(discreteMaxwellianOnGrid(grid, parameters, s as 0 | 1, masses[s]!)),
      ) as [Float32Array, Float32Array];
      this.ghostCache = { step: source.step, cell, f };
    }
    // copies: the snapshot's arrays are transferred (detached) by the worker
    return [this.ghostCache.f[0].slice(), this.ghostCache.f[1].slice()];
  }
}

function clampCell(cell: number, nx: number): number {
  if (!Number.isFinite(cell)) return 0;
  return Math.min(nx - 1, Math.max(0, Math.floor(cell)));
}
