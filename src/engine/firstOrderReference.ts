/**
 * The truncated Hilbert expansion F_0 + εF_1 beside a run (issue 18; PHYSICS.md §3), for
 * `remainder.order` 1: the zeroth- and first-order fluids U_0, U_1 in lock-step (HilbertFluid), and
 * at each output F_0 + εF_1 on the phase-space grid (physics/hilbert/expansion.ts: one 𝓛⁻¹ solve per
 * cell, float64, on the host whatever the backend).
 *
 * The parts that do not change over a run are built once (hilbertExpansionParts): the run's own
 * spectral tables and the first-order closure from its discrete operator at the background state,
 * so that F_1 is the first term of the expansion of the discrete model the run solves (grid errors of
 * the operator then do not enter the remainder at order ε; engine/hilbertOrder.ts measured this).
 *
 * Cost: n_x Krylov solves of 𝓛 per output (≈ 0.7 s per cell at N_v = 16 on the 2-core CPU machine,
 * BENCHMARKS.md), plus the closure's solves once per set-up.
 */
import { accuracyQuadrature } from '../physics/collision/accuracy';
import { type MixtureTables, mixtureSpectralTables } from '../physics/collision/spectral';
import type { ResolvedConfig } from '../physics/config';
import { type FluidState, fluidStateFromConfig } from '../physics/fluid/twoFluidEulerPoisson';
import { type FirstHilbertTerm, firstHilbertTerm } from '../physics/hilbert/expansion';
import type { HilbertSpecies, MicroscopicOptions } from '../physics/hilbert/firstOrder';
import {
  type FirstOrderClosure,
  type FirstOrderCoefficients,
  firstOrderCoefficients,
  HilbertFluid,
  type HilbertFluidState,
  scaledClosure,
} from '../physics/hilbert/firstOrderFluid';
import { simulationSetup } from './step';

/** What F_1 of a config needs that does not change over the run. */
export interface HilbertExpansionParts {
  readonly species: HilbertSpecies & { readonly fieldEnabled: boolean };
  readonly tables: MixtureTables;
  /** The Navier–Stokes coefficients without ε at the background state (the run's discrete 𝓛). */
  readonly coefficients: FirstOrderCoefficients;
  readonly closure: FirstOrderClosure & { readonly composition?: number };
  readonly options: MicroscopicOptions;
}

/**
 * The tables and closure of a config: the background is the species densities and the
 * density-weighted temperature (as `sim transport`), the closure carries them to the local (n, θ).
 */
export function hilbertExpansionParts(
  config: ResolvedConfig,
  options: MicroscopicOptions = {},
): HilbertExpansionParts {
  const [A, B] = config.species;
  const species = {
    masses: [A.mass, B.mass] as const,
    charges: [A.charge, B.charge] as const,
    fieldEnabled: config.field.enabled,
  };
  const setup = simulationSetup(config);
  const tables = mixtureSpectralTables(
    setup.grid,
    [
      { mass: A.mass, diameter: A.diameter },
      { mass: B.mass, diameter: B.diameter },
    ],
    config.collisions.gamma,
    accuracyQuadrature(config.collisions.accuracy ?? 'standard', setup.grid.nv),
  );
  const background = {
    densityA: A.density,
    densityB: B.density,
    temperature: (A.density * A.temperature + B.density * B.temperature) / (A.density + B.density),
  };
  const coefficients = firstOrderCoefficients(background, tables, species, options);
  const closure = scaledClosure(background, coefficients, config.collisions.gamma);
  return { species, tables, coefficients, closure, options };
}

/** F_0, F_1 of a fluid pair now, with U_0 (and E_0) and U_1's profiles they were built from. */
function termsOf(fluid: HilbertFluid, parts: HilbertExpansionParts) {
  const zerothState = fluid.zerothOrderState();
  const fluid1 = fluid.firstOrderState();
  const terms: FirstHilbertTerm = firstHilbertTerm(
    zerothState,
    fluid1,
    parts.tables,
    parts.species,
    parts.options,
  );
  return { ...terms, zerothState, fluid1 };
}

/**
 * The well-prepared initial data F(0) = F_0(0) + εF_1(0) (issue 18) of the config's fluid state
 * (fluidStateFromConfig: the species' perturbed densities at the density-weighted temperature,
 * U_1(0) = 0), [species][cell][N_v³] in float64. Its discrete moments are U_0(0): h_1 carries none.
 */
export function wellPreparedState(config: ResolvedConfig, parts: HilbertExpansionParts): Float64Array {
  const fluid = new HilbertFluid(fluidStateFromConfig(config), parts.species, parts.closure);
  const { zeroth, first } = termsOf(fluid, parts);
  const knudsen = config.collisions.knudsen;
  return zeroth.map((f0, j) => f0 + knudsen * first[j]!);
}

/** The largest |n_A/n − composition| taken for rounding and removed (f32 moments: ~1e−8). */
export const COMPOSITION_SNAP = 1e-6;

/** `state` with n_A/n set to `composition` in every cell at unchanged n (no-op when undefined). */
function withComposition(state: FluidState, composition: number | undefined): FluidState {
  if (composition === undefined) return state;
  const n = state.densityA.length;
  const densityA = new Float64Array(n);
  const densityB = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = state.densityA[i]! + state.densityB[i]!;
    const x = state.densityA[i]! / total;
    if (!(Math.abs(x - composition) <= COMPOSITION_SNAP)) {
      throw new RangeError(
        `first-order reference: n_A/n = ${x} in cell ${i}, the closure holds ${composition} only ` +
          `(a uniform composition is needed; more than ${COMPOSITION_SNAP} off is not rounding)`,
      );
    }
    densityA[i] = composition * total;
    densityB[i] = total - densityA[i]!;
  }
  return { ...state, densityA, densityB };
}

/** U_0, U_1 beside the run and F_0 + εF_1 on demand. */
export class FirstOrderReference {
  private readonly fluid: HilbertFluid;

  /**
   * `initial`: U_0(0) (the run's own initial moments' equilibrium); U_1(0) = 0. Its composition
   * n_A/n is set to the closure's exactly (the one the closure holds; Lemma 2.1's n_B = C n_A): the
   * moments of f32 initial data carry ~1e−8 of rounding in it, which the solver's 1e−9 check would
   * refuse. A spread above COMPOSITION_SNAP is not rounding: refused, naming it.
   */
  constructor(
    initial: FluidState,
    readonly parts: HilbertExpansionParts,
  ) {
    this.fluid = new HilbertFluid(
      withComposition(initial, parts.closure.composition),
      parts.species,
      parts.closure,
    );
  }

  get time(): number {
    return this.fluid.time;
  }

  /** Both orders over dt; a RangeError names what failed (a non-physical U_0, a drifted composition). */
  advance(dt: number): void {
    this.fluid.advance(dt);
  }

  /** F_0 and F_1 on the grid now, U_0's profiles and E_0 (F_0's fluid), and U_1's profiles. */
  terms(): ReturnType<typeof termsOf> {
    return termsOf(this.fluid, this.parts);
  }

  /** U_0's primitive profiles (F_0's fluid) now. */
  zerothOrderState(): ReturnType<HilbertFluid['zerothOrderState']> {
    return this.fluid.zerothOrderState();
  }

  exportState(): HilbertFluidState {
    return this.fluid.exportState();
  }

  restoreState(state: HilbertFluidState): void {
    this.fluid.restoreState(state);
  }
}
