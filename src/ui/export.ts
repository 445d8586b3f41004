/**
 * What the page lets a user take away: the time series as CSV (the CLI's timeseries.csv: the same
 * header, TIMESERIES_COLUMNS, and the same 9 significant digits), a snapshot of the fields as JSON,
 * and a PNG of any view. Files are offered as downloads (an <a download> on a Blob URL).
 */
import { type ResolvedConfig, TIMESERIES_COLUMNS, type TimeseriesRow } from '../physics/config';
import type { SessionSnapshot } from '../workers/sessionApi';

/** timeseries.csv exactly as `npm run sim -- run` writes it. */
export function timeseriesCsv(rows: readonly TimeseriesRow[]): string {
  const lines = [TIMESERIES_COLUMNS.join(',')];
  for (const row of rows) lines.push(TIMESERIES_COLUMNS.map((c) => Number(row[c]).toPrecision(9)).join(','));
  return `${lines.join('\n')}\n`;
}

/** The fields of one snapshot, with the config that produced them; typed arrays become lists. */
export function snapshotJson(snapshot: SessionSnapshot, config: ResolvedConfig | null): string {
  const list = (a: ArrayLike<number>) => Array.from(a);
  const n = snapshot.v.length;
  return JSON.stringify({
    description:
      'One moment of a VPB run (dimensionless units, PHYSICS.md §1). phaseSpace[α][i·nv + j1] = ∫∫F^α dv2 dv3 at ' +
      '(x_i, v_j1); velocity[α] = F^α(x_velocityCell, v) on the nv³ grid [j1][j2][j3]; velocityFluid = the ' +
      "fluid's discrete bi-Maxwellian F_0 there; fluid* = the Euler–Poisson solution at the same time.",
    config,
    step: snapshot.step,
    time: snapshot.time,
    totalSteps: snapshot.totalSteps,
    nx: snapshot.x.length,
    nv: n,
    x: list(snapshot.x),
    v: list(snapshot.v),
    density: snapshot.density.map(list),
    field: list(snapshot.field),
    fluidDensity: snapshot.fluidDensity.map(list),
    fluidField: list(snapshot.fluidField),
    phaseSpace: snapshot.phaseSpace.map(list),
    velocityCell: snapshot.velocityCell,
    velocity: snapshot.velocity.map(list),
    velocityFluid: snapshot.velocityFluid.map(list),
    row: snapshot.row,
  });
}

/** Offers `blob` as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has its own reference by now; free ours a little later
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
