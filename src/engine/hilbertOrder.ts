/**
 * The Hilbert expansion's order, measured (issue 18): for a config's smooth wave, the kinetic run
 * started from the well-prepared data F(0) = F_0(0) + εF_1(0) is compared at one time t with the
 * truncated expansion: ‖F_ε − F_0‖ should fall like ε and ‖F_ε − F_0 − εF_1‖ like ε² (PHYSICS.md §3).
 * F_0, F_1 do not depend on ε (physics/hilbert/: the fluid system and the microscopic part without
 * the factor ε), so they are built once; each ε costs one kinetic run on the float64 CPU backend.
 *
 * The closure's coefficients come from the run's own discrete operator (firstOrderCoefficients on
 * the run's tables, at the background state, carried to the local (n, θ) by scaledClosure): F_1 is
 * then the first term of the expansion of the discrete kinetic model the run solves, so that grid
 * errors of the operator do not enter the residual at order ε.
 */
import type { ResolvedConfig } from '../physics/config';
import { fluidStateFromConfig } from '../physics/fluid/twoFluidEulerPoisson';
import type { MicroscopicOptions } from '../physics/hilbert/firstOrder';
import type { FirstOrderCoefficients } from '../physics/hilbert/firstOrderFluid';
import { CpuBackend } from './cpuBackend';
import { FirstOrderReference, hilbertExpansionParts } from './firstOrderReference';
import { simulationSetup, strangStep } from './step';

export interface HilbertOrderPoint {
  readonly knudsen: number;
  readonly steps: number;
  readonly dt: number;
  /** ‖F_ε − F_0‖ in L²(dx dv), both species. */
  readonly zerothResidual: number;
  /** ‖F_ε − F_0 − εF_1‖ in L²(dx dv). */
  readonly firstResidual: number;
}

export interface HilbertOrderResult {
  readonly time: number;
  readonly coefficients: FirstOrderCoefficients;
  /** ‖εF_1‖/ε = ‖F_1‖ at t, for scale. */
  readonly firstTermNorm: number;
  readonly points: readonly HilbertOrderPoint[];
}

/** The F_0, F_1 of a config at t = 0 and at t (the parts that do not depend on ε). */
export function hilbertTerms(config: ResolvedConfig, time: number, options: MicroscopicOptions = {}) {
  const parts = hilbertExpansionParts(config, options);
  const reference = new FirstOrderReference(fluidStateFromConfig(config), parts);
  const start = reference.terms();
  reference.advance(time);
  return { coefficients: parts.coefficients, start, end: reference.terms() };
}

/**
 * The residuals at `time` for each ε (config.collisions.knudsen replaced; config.time.dt used as
 * given, a divisor of `time` by rounding). `configAt(ε)` gives the resolved config of each run.
 */
export async function hilbertOrder(
  configAt: (knudsen: number) => ResolvedConfig,
  knudsens: readonly number[],
  time: number,
  onProgress?: (message: string) => void,
  options: MicroscopicOptions = {},
): Promise<HilbertOrderResult> {
  const first = configAt(knudsens[0]!);
  const { coefficients, start, end } = hilbertTerms(first, time, options);
  const { nx, length } = first.grid;
  const setup0 = simulationSetup(first);
  const measure = (length / nx) * setup0.grid.dv ** 3;
  const norm = (f: (j: number) => number, size: number) => {
    let s = 0;
    for (let j = 0; j < size; j++) s += f(j) ** 2;
    return Math.sqrt(s * measure);
  };
  const points: HilbertOrderPoint[] = [];
  for (const knudsen of knudsens) {
    const config = configAt(knudsen);
    const setup = simulationSetup(config);
    const backend = new CpuBackend(
      setup,
      start.zeroth.map((x, j) => x + knudsen * start.first[j]!),
    );
    const steps = Math.round(time / config.time.dt);
    for (let s = 0; s < steps; s++) {
      await strangStep(setup, backend);
      if (onProgress && (s + 1) % 20 === 0) onProgress(`ε = ${knudsen}: step ${s + 1}/${steps}`);
    }
    const F = await backend.readState();
    points.push({
      knudsen,
      steps,
      dt: config.time.dt,
      zerothResidual: norm((j) => F[j]! - end.zeroth[j]!, F.length),
      firstResidual: norm((j) => F[j]! - end.zeroth[j]! - knudsen * end.first[j]!, F.length),
    });
    backend.destroy();
  }
  return { time, coefficients, firstTermNorm: norm((j) => end.first[j]!, end.first.length), points };
}
