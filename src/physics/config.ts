/**
 * The run configuration: one source of truth for the CLI (`npm run sim -- run --config`), the UI,
 * the share URL and checkpoints (ARCHITECTURE.md). This file holds the TYPES of the public contract
 * (README "The run configuration") and the CSV columns; configSchema.ts validates JSON into them and
 * fills in automatic choices (vmax, dt), naming the field, the value and the allowed range on refusal.
 */

export interface SpeciesConfig {
  /** A label such as "O+" (free text). */
  readonly name: string;
  /** Mass in proton masses, > 0. */
  readonly mass: number;
  /** Charge in units of e, any sign, 0 = neutral. */
  readonly charge: number;
  /** Diameter d_α > 0 (dimensionless). */
  readonly diameter: number;
  /** Mean density n̄_α > 0. */
  readonly density: number;
  /** Temperature θ_α > 0 (energy units). */
  readonly temperature: number;
  /** Drift velocity u_α. */
  readonly drift: readonly [number, number, number];
}

export interface CollisionsConfig {
  readonly enabled: boolean;
  /** Kernel exponent γ ∈ (−3, 1]. */
  readonly gamma: number;
  /** Knudsen number ε > 0. */
  readonly knudsen: number;
  /** Quadrature sizes of the collision operator (collision/accuracy.ts); absent = "standard". */
  readonly accuracy?: 'fast' | 'standard' | 'fine';
  /**
   * The collision step's time scheme (README "Time stepping at large λ"): "exponential" (absent: the
   * default, strong AP) or "trapezoidal" (Navier–Stokes-accurate at any λ; both backends).
   */
  readonly scheme?: 'exponential' | 'trapezoidal';
  /**
   * How Q is made to conserve exactly (collision/collisionStep.ts CollisionProjection): "uniform"
   * (absent: the default, both backends) or "maxwellian" (weighted by the cell's M: the run's
   * Navier–Stokes level matches the Chapman–Enskog one; CPU backend only for now).
   */
  readonly projection?: 'uniform' | 'maxwellian';
  /**
   * Internal, not part of the file format (the schema drops it): the floor check's run
   * (engine/floorCheck.ts), whose collision step is taken at λ = ∞, F ← M[F] every step: the ε → 0
   * limit of the discrete scheme. The remainder is still measured at `knudsen`.
   */
  readonly fluidLimit?: boolean;
}

/**
 * The ε the collision step is taken at: the run's Knudsen number, or for the floor check's fluid
 * limit one with Δt/ε = 1e30 (e^{−λ} is then exactly 0 in f32 and f64 and the step returns M[F];
 * collisionStep.ts "ε → 0 limit").
 */
export function collisionStepKnudsen(config: ResolvedConfig): number {
  return config.collisions.fluidLimit === true ? config.time.dt * 1e-30 : config.collisions.knudsen;
}

export interface GridConfig {
  /** x-cells, ≥ 1 (1 = spatially homogeneous). */
  readonly nx: number;
  /** Period ℓ > 0 of x. */
  readonly length: number;
  /** Velocity points per axis: 8, 16, 32 or 64. */
  readonly nv: number;
  /** Box half-width L; null = chosen automatically. */
  readonly vmax: number | null;
  /**
   * Target of the collision operator's exchange-rate error against exact theory
   * (collision/gridAccuracy.ts), in (0, 1); absent = 0.01. Above it the run is warned, with the
   * cheapest grid that meets it.
   */
  readonly tolerance?: number;
}

export interface PerturbationConfig {
  /** "density": n perturbed at fixed θ; "isentropic": θ ∝ n^{2/3} (the paper's Lemma 2.1). */
  readonly kind: 'density' | 'isentropic';
  /** a in n = n̄(1 + a cos(2π j x/ℓ)), |a| < 1. */
  readonly amplitude: number;
  /** j, an integer ≥ 0. */
  readonly mode: number;
}

export interface TimeConfig {
  /** Time step; null = automatic (configSchema.ts timeStepLimits, under `dtRule`). */
  readonly dt: number | null;
  /**
   * What the automatic Δt bounds (absent = "accurate"): "accurate" also bounds the collision step's
   * own error where ε is not small (configSchema.ts COLLISION_ACCURATE_LAMBDA); "stable" bounds
   * transport and the plasma oscillation only (the collision steps are stable at any Δt).
   */
  readonly dtRule?: 'accurate' | 'stable' | 'expansion';
  /** Final time > 0. */
  readonly tEnd: number;
  /** Output every this many steps (integer ≥ 1). */
  readonly outputEvery: number;
}

/** The Hilbert-expansion remainder and the validity time (PHYSICS.md §3). */
export interface RemainderConfig {
  /**
   * Truncation order n of the expansion: 0 (F_0 alone) or 1 (F_0 + εF_1, physics/hilbert/; the
   * first-order reference of engine/firstOrderReference.ts).
   */
  readonly order: 0 | 1;
  /**
   * Scaling r of the remainder F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r, 1 ≤ r ≤ max(n, 1): with n ≤ 1
   * only 1 (optional, default 1; remainderScaling).
   */
  readonly scaling?: 1;
  /**
   * Well-prepared initial data for order n = 1 (issue 18): the kinetic run starts from
   * F(0) = F_0(0) + εF_1(0) of the config's fluid state (one temperature, fluidStateFromConfig) instead
   * of the config's perturbed Maxwellians, so that F_R has no O(1) initial layer. Only with order 1;
   * absent = true there.
   */
  readonly wellPrepared?: boolean;
  /** The theorem's k ≥ 6 (for y(k, γ) and κ̃(t)). */
  readonly k: number;
  /** κ0 in κ̃(t) = κ0 (1 + (1+t)^{−2/(2k−1)}), 0 < κ0 ≪ 1. */
  readonly kappa0: number;
  /** l ≥ 7 in w = ⟨v⟩^l (γ = 1). */
  readonly l: number;
  /** The validity time is the first time the chosen norm exceeds this (> 0). */
  readonly threshold: number;
  /** Which norm defines the validity time. */
  readonly norm: 'energy' | 'L2' | 'Linf' | 'field';
  /**
   * The fluid reference F_0 is computed by: "auto" (default) the pseudo-spectral scheme while its
   * state is resolved (the x-discretisation of the kinetic run's trigonometric transport), handing
   * over to finite volumes when a front steepens (fluid/smoothness.ts); or one scheme throughout.
   */
  readonly fluid?: 'auto' | 'finiteVolume' | 'spectral';
}

export const DEFAULT_REMAINDER: RemainderConfig = {
  order: 0,
  k: 6,
  kappa0: 0.01,
  l: 7,
  threshold: 1,
  norm: 'energy',
  fluid: 'auto',
};

export interface SimulationConfig {
  readonly species: readonly [SpeciesConfig, SpeciesConfig];
  readonly collisions: CollisionsConfig;
  readonly field: { readonly enabled: boolean };
  readonly grid: GridConfig;
  readonly perturbation: PerturbationConfig;
  readonly time: TimeConfig;
  /** Optional in files (defaults: DEFAULT_REMAINDER). */
  readonly remainder?: RemainderConfig;
}

/** A config with every automatic choice made (vmax and dt numbers). */
export interface ResolvedConfig extends SimulationConfig {
  readonly grid: GridConfig & { readonly vmax: number };
  readonly time: TimeConfig & { readonly dt: number };
}

/**
 * The columns of the first-order fluid U_1 (L²_x sizes of n_1^A, n_1^B, u_1 (all three components),
 * θ_1, E_1): 0 with remainder.order 0, whose truncated expansion has no first-order term.
 */
export const FIRST_ORDER_COLUMNS = [
  'fluid1_density_A_L2',
  'fluid1_density_B_L2',
  'fluid1_velocity_L2',
  'fluid1_temperature_L2',
  'fluid1_field_L2',
] as const;

/** ‖F_ε − Σ_{i≤n} ε^i F_i‖ and U_1's sizes (issue 18), the last columns of the timeseries. */
export const HILBERT_COLUMNS = ['hilbert_residual_L2', ...FIRST_ORDER_COLUMNS] as const;

/** timeseries.csv columns, in this order (part of the public contract; more may be appended). */
export const TIMESERIES_COLUMNS = [
  't',
  'mass_A',
  'mass_B',
  'momentum_x',
  'momentum_y',
  'momentum_z',
  'energy_kinetic',
  'energy_field',
  'energy_total',
  'entropy',
  'temperature_A',
  'temperature_B',
  'velocity_x_A',
  'velocity_x_B',
  'field_L2',
  'remainder_L2',
  'remainder_Linf_w',
  'remainder_field_L2',
  'remainder_energy',
  'fluid_density_error_L2',
  'remainder_gradient_Linf',
  ...HILBERT_COLUMNS,
] as const;

export type TimeseriesRow = Record<(typeof TIMESERIES_COLUMNS)[number], number>;
