/**
 * The float64 CPU backend of the step (step.ts): the twins of the GPU kernels (advectX, advectV
 * with the Poisson solve poissonSolveFft, collisionStep, velocityMoments, remainderStateSums) on a
 * Float64Array state. It is the reference the GPU is tested against and the page's fallback
 * without WebGPU.
 */

import { accuracyQuadrature } from '../physics/collision/accuracy';
import { collisionStep } from '../physics/collision/collisionStep';
import { mixtureSpectralTables } from '../physics/collision/spectral';
import { trapezoidalCollisionStep } from '../physics/collision/trapezoidalStep';
import { collisionStepKnudsen } from '../physics/config';
import { velocityMoments } from '../physics/moments';
import { type RemainderParameters, remainderStateSums } from '../physics/remainderNorms';
import {
  advectV,
  advectVShifts,
  advectVWeights,
  advectX,
  advectXWeights,
  vShiftMomentCorrection,
} from '../physics/transport';
import { fieldFromMoments, type SimulationSetup, type StepBackend } from './step';

export class CpuBackend implements StepBackend {
  readonly name = 'cpu' as const;
  private state: Float64Array;
  private xWeights: Float64Array;
  /** v-advection weights of the last solveField(), null when the state or Δt changed since. */
  private vWeights: Float64Array | null = null;
  /** The velocity shifts (e_α/m_α)E τ of the same solve, [species][cell] (vShiftMomentCorrection). */
  private vShifts: Float64Array | null = null;
  private readonly tables;

  constructor(
    private setup: SimulationSetup,
    state: ArrayLike<number>,
  ) {
    const { config, grid } = setup;
    this.state = Float64Array.from(state);
    this.xWeights = advectXWeights(grid, config.grid.nx, config.grid.length, config.time.dt / 2);
    this.tables = setup.collisionsOn
      ? mixtureSpectralTables(
          grid,
          [
            { mass: config.species[0].mass, diameter: config.species[0].diameter },
            { mass: config.species[1].mass, diameter: config.species[1].diameter },
          ],
          config.collisions.gamma,
          accuracyQuadrature(config.collisions.accuracy ?? 'standard', grid.nv),
        )
      : null;
  }

  advectX(): void {
    this.state = advectX(this.state, this.setup.grid, this.setup.config.grid.nx, this.xWeights);
  }

  solveField(): void {
    const { grid, config, chargeToMass } = this.setup;
    const moments = velocityMoments(this.state, grid, 2 * config.grid.nx, 1);
    const field = fieldFromMoments(this.setup, moments);
    this.vWeights = advectVWeights(grid, field, chargeToMass, config.time.dt / 2);
    this.vShifts = advectVShifts(field, chargeToMass, config.time.dt / 2);
  }

  advectV(): void {
    if (!this.vWeights || !this.vShifts) throw new Error('advectV: no field; call solveField() first');
    const { grid, config } = this.setup;
    const shifted = advectV(this.state, grid, config.grid.nx, this.vWeights);
    vShiftMomentCorrection(this.state, shifted, grid, config.grid.nx, this.vShifts);
    this.state = shifted;
  }

  collide(): void {
    if (!this.tables) return;
    const { grid, config } = this.setup;
    const { nx } = config.grid;
    const points = grid.pointsPerCell;
    const knudsen = collisionStepKnudsen(config);
    const options = { projection: config.collisions.projection };
    for (let i = 0; i < nx; i++) {
      const a = this.state.subarray(i * points, (i + 1) * points);
      const b = this.state.subarray((nx + i) * points, (nx + i + 1) * points);
      const next =
        config.collisions.scheme === 'trapezoidal'
          ? trapezoidalCollisionStep(a, b, this.tables, config.time.dt, knudsen, options)
          : collisionStep(a, b, this.tables, config.time.dt, knudsen, options);
      a.set(next.fA);
      b.set(next.fB);
    }
  }

  async moments(): Promise<Float64Array> {
    return velocityMoments(this.state, this.setup.grid, 2 * this.setup.config.grid.nx, 1);
  }

  async remainderSums(cells: Float64Array, p: RemainderParameters): Promise<Float64Array> {
    return remainderStateSums(this.state, this.setup.grid, this.setup.config.grid.nx, cells, p);
  }

  /** A copy of the state, [species][cell][N³]. */
  snapshot(): Float64Array {
    return Float64Array.from(this.state);
  }

  async readState(): Promise<Float64Array> {
    return this.snapshot();
  }

  load(state: Float32Array | Float64Array): void {
    this.state = Float64Array.from(state);
    this.vWeights = null;
    this.vShifts = null;
  }

  retime(setup: SimulationSetup): void {
    this.setup = setup;
    const { grid, config } = setup;
    this.xWeights = advectXWeights(grid, config.grid.nx, config.grid.length, config.time.dt / 2);
    this.vWeights = null;
    this.vShifts = null;
  }

  destroy(): void {}
}
