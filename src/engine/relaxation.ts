/**
 * Spatially homogeneous relaxation of a two-species mixture by the collision step alone
 * (PHYSICS.md §5 cases 2 and 3): the GPU CollisionStep, or its float64 twin on the CPU, with the
 * same diagnostics read back every `every` steps. Runs identically in Node and in a worker.
 */
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import { CollisionStep } from '../gpu/CollisionStep';
import { collisionStep, discreteMixtureMaxwellian } from '../physics/collision/collisionStep';
import { mixtureSpectralTables, type SpectralQuadrature } from '../physics/collision/spectral';
import { type MaxwellianState, maxwellianOnGrid } from '../physics/maxwellian';
import { fluidFields, velocityMoments } from '../physics/moments';
import { checkResolvable, velocityGridFor } from '../physics/velocityBox';
import { InvalidParameterError, type VelocityGrid, velocityGrid } from '../physics/velocityGrid';

export interface RelaxationSpecies extends MaxwellianState {
  readonly diameter: number;
}

export interface RelaxationSetup {
  readonly species: readonly [RelaxationSpecies, RelaxationSpecies];
  readonly gamma: number;
  readonly knudsen: number;
  readonly dt: number;
  readonly steps: number;
  readonly every: number;
  readonly nv: number;
  /** Box half-width L; null: chosen from the species (velocityBox.ts). */
  readonly vmax: number | null;
  readonly quadrature?: SpectralQuadrature;
}

export interface RelaxationRow {
  t: number;
  densityA: number;
  densityB: number;
  velocityA: number;
  velocityB: number;
  temperatureA: number;
  temperatureB: number;
  momentumTotal: number;
  energyTotal: number;
  entropy: number;
  /** max|F − M| / max M, M the bi-Maxwellian of the conserved quantities. */
  distanceToEquilibrium: number;
}

export const RELAXATION_COLUMNS: readonly (keyof RelaxationRow)[] = [
  't',
  'densityA',
  'densityB',
  'velocityA',
  'velocityB',
  'temperatureA',
  'temperatureB',
  'momentumTotal',
  'energyTotal',
  'entropy',
  'distanceToEquilibrium',
];

function checkSetup(s: RelaxationSetup): void {
  const positive = (field: string, x: number) => {
    if (!(x > 0) || !Number.isFinite(x)) throw new InvalidParameterError(field, 'a finite number > 0', x);
  };
  s.species.forEach((sp, i) => {
    const name = `species[${i}]`;
    positive(`${name}.mass`, sp.mass);
    positive(`${name}.diameter`, sp.diameter);
    positive(`${name}.density`, sp.density);
    positive(`${name}.temperature`, sp.temperature);
    sp.drift.forEach((u, k) => {
      if (!Number.isFinite(u)) throw new InvalidParameterError(`${name}.drift[${k}]`, 'a finite number', u);
    });
  });
  if (!(s.gamma > -3 && s.gamma <= 1))
    throw new InvalidParameterError('collisions.gamma', 'a number in (−3, 1]', s.gamma);
  positive('collisions.knudsen', s.knudsen);
  positive('time.dt', s.dt);
  for (const [field, x] of [
    ['steps', s.steps],
    ['every', s.every],
  ] as const) {
    if (!Number.isInteger(x) || x < 1) throw new InvalidParameterError(field, 'an integer ≥ 1', x);
  }
}

/** The grid: the resolvability rules of velocityBox.ts refuse (naming the needed N_v) or warn. */
export function relaxationGrid(s: RelaxationSetup): { grid: VelocityGrid; warnings: string[] } {
  if (s.vmax === null) return velocityGridFor(s.nv, s.species);
  const grid = velocityGrid(s.nv, s.vmax);
  const check = checkResolvable(grid, s.species, { supportCheck: 'warn' });
  if (!check.ok)
    throw new InvalidParameterError('grid', check.errors.join('; '), `nv = ${s.nv}, vmax = ${s.vmax}`);
  return { grid, warnings: check.warnings };
}

export async function homogeneousRelaxation(
  device: GPUDevice | null,
  setup: RelaxationSetup,
  onRow: (row: RelaxationRow, stepsDone: number) => void,
): Promise<{ grid: VelocityGrid; warnings: string[] }> {
  checkSetup(setup);
  const { grid, warnings } = relaxationGrid(setup);
  const [A, B] = setup.species;
  const points = grid.pointsPerCell;
  let fA = maxwellianOnGrid(grid, A);
  let fB = maxwellianOnGrid(grid, B);
  const target = discreteMixtureMaxwellian(fA, fB, grid, A.mass, B.mass);
  const collisionSpecies = [
    { mass: A.mass, diameter: A.diameter },
    { mass: B.mass, diameter: B.diameter },
  ] as const;
  const row = (t: number): RelaxationRow => {
    const a = velocityMoments(fA, grid, 1, A.mass);
    const b = velocityMoments(fB, grid, 1, B.mass);
    const fa = fluidFields(a, A.mass);
    const fb = fluidFields(b, B.mass);
    let entropy = 0;
    let distance = 0;
    let scale = 0;
    for (let i = 0; i < points; i++) {
      for (const [f, m] of [
        [fA[i]!, target.mA[i]!],
        [fB[i]!, target.mB[i]!],
      ] as const) {
        if (f > 0) entropy += f * Math.log(f);
        distance = Math.max(distance, Math.abs(f - m));
        scale = Math.max(scale, m);
      }
    }
    return {
      t,
      densityA: a[0]!,
      densityB: b[0]!,
      velocityA: fa.velocity1[0]!,
      velocityB: fb.velocity1[0]!,
      temperatureA: fa.temperature[0]!,
      temperatureB: fb.temperature[0]!,
      momentumTotal: a[1]! + b[1]!,
      energyTotal: a[4]! + b[4]!,
      entropy: entropy * grid.dv ** 3,
      distanceToEquilibrium: distance / scale,
    };
  };
  onRow(row(0), 0);
  if (device) {
    const step = await CollisionStep.create(device, grid, 1, {
      species: collisionSpecies,
      gamma: setup.gamma,
      ...(setup.quadrature ? { quadrature: setup.quadrature } : {}),
    });
    step.setTimeStep(setup.dt, setup.knudsen);
    const state = new Float32Array(2 * points);
    state.set(fA, 0);
    state.set(fB, points);
    const buffer = createStorageBuffer(device, 'relaxation.state', state);
    try {
      for (let done = 0; done < setup.steps; ) {
        const batch = Math.min(setup.every, setup.steps - done);
        const encoder = device.createCommandEncoder({ label: 'relaxation' });
        for (let k = 0; k < batch; k++) step.record(encoder, buffer);
        device.queue.submit([encoder.finish()]);
        const out = await readFloat32(device, buffer);
        fA = Float64Array.from(out.subarray(0, points));
        fB = Float64Array.from(out.subarray(points));
        done += batch;
        onRow(row(done * setup.dt), done);
      }
    } finally {
      buffer.destroy();
      step.destroy();
    }
  } else {
    const tables = mixtureSpectralTables(grid, collisionSpecies, setup.gamma, setup.quadrature);
    for (let done = 1; done <= setup.steps; done++) {
      ({ fA, fB } = collisionStep(fA, fB, tables, setup.dt, setup.knudsen));
      if (done % setup.every === 0 || done === setup.steps) onRow(row(done * setup.dt), done);
    }
  }
  return { grid, warnings };
}
