/**
 * The velocity grid shared by both species (PHYSICS.md §4): N_v points per axis on [−L, L]³,
 * cell-centred, v_j = −L + (j + ½)Δv with Δv = 2L/N_v. Cell-centring keeps the grid symmetric
 * under v → −v, so a Maxwellian at rest has exactly zero discrete momentum.
 *
 * Phase-space layout (every buffer, CPU and GPU): F[cell][i1][i2][i3], i3 fastest, v1 along the
 * field direction x1. One species per buffer.
 */

export const SUPPORTED_NV = [8, 16, 32, 64] as const;

export interface VelocityGrid {
  /** Points per velocity axis. */
  readonly nv: number;
  /** Half-width L of the box [−L, L]³, dimensionless velocity units. */
  readonly vmax: number;
  /** Spacing Δv = 2L/N_v. */
  readonly dv: number;
  /** N_v³, the number of velocity points per x-cell. */
  readonly pointsPerCell: number;
}

export class InvalidParameterError extends Error {
  constructor(
    readonly field: string,
    readonly allowed: string,
    readonly value: unknown,
  ) {
    super(`${field} = ${String(value)} is not allowed: ${allowed}`);
    this.name = 'InvalidParameterError';
  }
}

export function velocityGrid(nv: number, vmax: number): VelocityGrid {
  if (!Number.isInteger(nv) || nv < 2 || (nv & (nv - 1)) !== 0 || nv > 64) {
    throw new InvalidParameterError(
      'grid.nv',
      `a power of two from 2 to 64 (${SUPPORTED_NV.join(', ')} in use)`,
      nv,
    );
  }
  if (!Number.isFinite(vmax) || vmax <= 0) {
    throw new InvalidParameterError('grid.vmax', 'a finite number > 0', vmax);
  }
  return { nv, vmax, dv: (2 * vmax) / nv, pointsPerCell: nv * nv * nv };
}

/** Velocity of node j along one axis. */
export function velocityNode(grid: VelocityGrid, j: number): number {
  return -grid.vmax + (j + 0.5) * grid.dv;
}

/** All N_v node values along one axis. */
export function velocityNodes(grid: VelocityGrid): Float64Array {
  const v = new Float64Array(grid.nv);
  for (let j = 0; j < grid.nv; j++) v[j] = velocityNode(grid, j);
  return v;
}

/** Flat index of (i1, i2, i3) inside one cell's block of N_v³ values. */
export function velocityIndex(grid: VelocityGrid, i1: number, i2: number, i3: number): number {
  return (i1 * grid.nv + i2) * grid.nv + i3;
}
