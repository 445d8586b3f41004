/**
 * Validation of a run configuration (JSON) into the types of config.ts, and the automatic choices
 * (velocity box L, time step dt) that turn it into a ResolvedConfig. Every refusal is ONE
 * InvalidParameterError naming the field path (`species[1].mass`), the value received and the
 * allowed range, so the CLI can print it on one line and exit with status 2.
 *
 * Each leaf schema carries its allowed range as its valibot message, so the text a user reads is
 * written once, next to the rule it describes. Unknown keys are accepted and dropped (the contract
 * allows extras, e.g. a "description" in the examples).
 */
import * as v from 'valibot';
import { COLLISION_ACCURACIES } from './collision/accuracy';
import { COLLISION_PROJECTIONS } from './collision/collisionStep';
import { COLLISION_STEP_CAP, collisionAccurateStep, DT_RULES } from './collision/stiffness';
import { COLLISION_SCHEMES } from './collision/trapezoidalStep';
import {
  DEFAULT_REMAINDER,
  type RemainderConfig,
  type ResolvedConfig,
  type SimulationConfig,
  type SpeciesConfig,
} from './config';
import { threeDigits as fmt } from './format';
import {
  checkResolvable,
  chooseVelocityBox,
  MIN_CELLS_PER_THERMAL_SPEED,
  type SpeciesThermalState,
  speciesSupport,
} from './velocityBox';
import { InvalidParameterError, SUPPORTED_NV, velocityGrid } from './velocityGrid';

/** Largest x grid accepted: the Poisson solve costs O(n_x²) each step (a direct sum on GPU and CPU). */
export const MAX_NX = 4096;

/** Largest number of time steps accepted (a dt this small is a mistake, not a run). */
export const MAX_STEPS = 10_000_000;

/**
 * Box half-width without collisions, in thermal speeds √(θ/m) (plus |u|): f/f_max = e^{−18} ≈ 1.5e−8
 * at the edge, below f32 round-off of the peak; the v-advection treats the box as periodic, so the
 * tails must be negligible at ±L. No aliasing rule applies without the collision operator.
 */
export const COLLISIONLESS_THERMAL_SPEEDS = 6;

/** CFL numbers of the automatic dt (accuracy, not stability: the semi-Lagrangian shifts are stable). */
export const CFL_ADVECT_X = 0.5;
export const CFL_ADVECT_V = 0.5;
/** dt · ω_p: about 63 steps per plasma period keep the Strang splitting error of the oscillation small. */
export const PLASMA_STEP = 0.1;
/** Steps when no limit applies (homogeneous, field-free runs). */
export const DEFAULT_STEPS = 100;

const POSITIVE = 'a finite number > 0';
const FINITE = 'a finite number';
const BOOLEAN = 'true or false';

const finiteNumber = (allowed: string) => v.pipe(v.number(allowed), v.finite(allowed));
const positive = (allowed = POSITIVE) => v.pipe(v.number(allowed), v.finite(allowed), v.gtValue(0, allowed));
const integerIn = (min: number, max: number, allowed: string) =>
  v.pipe(v.number(allowed), v.integer(allowed), v.minValue(min, allowed), v.maxValue(max, allowed));

const DRIFT = 'three finite numbers [u1, u2, u3]';
const speciesSchema = v.object(
  {
    name: v.string('a string'),
    mass: positive(`${POSITIVE} (proton masses)`),
    charge: finiteNumber(`${FINITE} (units of e, 0 = neutral)`),
    diameter: positive(),
    density: positive(),
    temperature: positive(`${POSITIVE} (energy units)`),
    drift: v.strictTuple([finiteNumber(DRIFT), finiteNumber(DRIFT), finiteNumber(DRIFT)], DRIFT),
  },
  'an object {name, mass, charge, diameter, density, temperature, drift}',
);

const PROJECTION =
  '"uniform" or "maxwellian" (optional; default "uniform": how the collision step conserves; "maxwellian" on the CPU backend only)';
const SCHEME = `${COLLISION_SCHEMES.map((a) => `"${a}"`).join(', ')} (optional; default "exponential": the collision step's time scheme)`;
const ACCURACY = `${COLLISION_ACCURACIES.map((a) => `"${a}"`).join(', ')} (optional; default "standard": the collision operator's quadrature sizes)`;
const GAMMA = 'a finite number in (−3, 1]';
const VMAX = 'null (automatic) or a finite number > 0';
const TOLERANCE =
  'a finite number in (0, 1) (optional; default 0.01: the exchange-rate error target of the grid)';
const DT = 'null (automatic, CFL) or a finite number > 0';
const DT_RULE = `${DT_RULES.map((a) => `"${a}"`).join(', ')} (optional; default "accurate": the automatic dt also bounds the collision step's error, at most ${COLLISION_STEP_CAP}× the steps; "expansion": that bound at every ε, no cap; "stable": transport and plasma period only)`;
const AMPLITUDE = 'a finite number with |a| < 1, i.e. in (−1, 1)';

/** Allowed text for the mode against the x grid (a function: it quotes the nx received). */
function modeAllowed(nx: unknown): string {
  return (
    `an integer ≥ 0 with 2·mode < grid.nx = ${String(nx)} (the x grid resolves modes up to ⌈nx/2⌉ − 1; ` +
    'the transport drops the Nyquist mode, and nx = 1 is homogeneous: mode 0 only)'
  );
}

const CONFIG_OBJECT = 'an object {species, collisions, field, grid, perturbation, time[, remainder]}';

// The remainder and validity-time section (PHYSICS.md §3); optional: absent = DEFAULT_REMAINDER.
const REMAINDER_ORDER = '0 or 1 (the truncation order n of F_0 + … + ε^n F_n; F_2 and higher are not built)';
const WELL_PREPARED =
  'true or false, only with remainder.order 1 (start from F_0(0) + εF_1(0); optional, default true there)';
const KAPPA0 = 'a finite number in (0, 1) (κ0 in κ̃(t), 0 < κ0 ≪ 1; default 0.01)';
const remainderSchema = v.object(
  {
    order: v.picklist([0, 1], REMAINDER_ORDER),
    // F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε^r with 1 ≤ r ≤ max(n, 1) (paper eq. 1.12): with n ≤ 1, r = 1
    scaling: v.optional(v.literal(1, 'only 1 with remainder.order 0 or 1 (1 ≤ r ≤ max(n, 1), optional)')),
    wellPrepared: v.optional(v.boolean(WELL_PREPARED)),
    k: integerIn(6, Number.MAX_SAFE_INTEGER, "an integer ≥ 6 (the theorem's k)"),
    kappa0: v.pipe(v.number(KAPPA0), v.finite(KAPPA0), v.gtValue(0, KAPPA0), v.ltValue(1, KAPPA0)),
    l: v.pipe(
      v.number('a finite number ≥ 7 (w = ⟨v⟩^l for γ = 1)'),
      v.finite('a finite number ≥ 7 (w = ⟨v⟩^l for γ = 1)'),
      v.minValue(7, 'a finite number ≥ 7 (w = ⟨v⟩^l for γ = 1)'),
    ),
    threshold: positive(`${POSITIVE} (T_valid = first time the norm exceeds it)`),
    norm: v.picklist(['energy', 'L2', 'Linf', 'field'], '"energy", "L2", "Linf" or "field"'),
    fluid: v.optional(
      v.picklist(['auto', 'finiteVolume', 'spectral'], '"auto", "finiteVolume" or "spectral" (optional)'),
    ),
  },
  'an object {order, k, kappa0, l, threshold, norm[, scaling, wellPrepared, fluid]}',
);

const configSchema = v.pipe(
  v.object(
    {
      species: v.pipe(
        v.array(speciesSchema, 'exactly 2 species [A, B]'),
        v.length(2, 'exactly 2 species [A, B]'),
      ),
      collisions: v.object(
        {
          enabled: v.boolean(BOOLEAN),
          gamma: v.pipe(v.number(GAMMA), v.finite(GAMMA), v.gtValue(-3, GAMMA), v.maxValue(1, GAMMA)),
          knudsen: positive(),
          // optional so that configs, checkpoints and links from before the setting keep their meaning
          accuracy: v.optional(v.picklist(COLLISION_ACCURACIES, ACCURACY)),
          scheme: v.optional(v.picklist(COLLISION_SCHEMES, SCHEME)),
          projection: v.optional(v.picklist(COLLISION_PROJECTIONS, PROJECTION)),
        },
        'an object {enabled, gamma, knudsen[, accuracy, scheme, projection]}',
      ),
      field: v.object({ enabled: v.boolean(BOOLEAN) }, 'an object {enabled}'),
      grid: v.object(
        {
          nx: integerIn(1, MAX_NX, `an integer from 1 to ${MAX_NX}`),
          length: positive(),
          nv: v.picklist(SUPPORTED_NV, `one of ${SUPPORTED_NV.join(', ')}`),
          vmax: v.nullable(positive(VMAX)),
          tolerance: v.optional(
            v.pipe(
              v.number(TOLERANCE),
              v.finite(TOLERANCE),
              v.gtValue(0, TOLERANCE),
              v.ltValue(1, TOLERANCE),
            ),
          ),
        },
        'an object {nx, length, nv, vmax[, tolerance]}',
      ),
      perturbation: v.object(
        {
          kind: v.picklist(['density', 'isentropic'], '"density" or "isentropic"'),
          amplitude: v.pipe(
            v.number(AMPLITUDE),
            v.finite(AMPLITUDE),
            v.gtValue(-1, AMPLITUDE),
            v.ltValue(1, AMPLITUDE),
          ),
          mode: integerIn(0, Number.MAX_SAFE_INTEGER, 'an integer ≥ 0'),
        },
        'an object {kind, amplitude, mode}',
      ),
      time: v.object(
        {
          dt: v.nullable(positive(DT)),
          tEnd: positive(),
          outputEvery: integerIn(1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1'),
          dtRule: v.optional(v.picklist(DT_RULES, DT_RULE)),
        },
        'an object {dt, tEnd, outputEvery[, dtRule]}',
      ),
      remainder: v.optional(remainderSchema),
    },
    CONFIG_OBJECT,
  ),
  // A mode the x grid cannot carry is meaningless (at nx = 1 any mode ≥ 1 would silently vanish).
  v.forward(
    v.partialCheck(
      [
        ['grid', 'nx'],
        ['perturbation', 'mode'],
      ],
      (c) => 2 * c.perturbation.mode < c.grid.nx,
      (issue) => modeAllowed((issue.input as { grid: { nx: number } }).grid.nx),
    ),
    ['perturbation', 'mode'],
  ),
  // Well-prepared data are those of an expansion with a first-order term (issue 18).
  v.forward(
    v.partialCheck(
      [['remainder']],
      (c) => c.remainder?.wellPrepared === undefined || c.remainder.order === 1,
      WELL_PREPARED,
    ),
    ['remainder', 'wellPrepared'],
  ),
  // F_1's microscopic part is 𝓛⁻¹ of the streaming of M: there is no F_1 without collisions.
  v.forward(
    v.partialCheck(
      [['remainder'], ['collisions', 'enabled']],
      (c) => c.remainder?.order !== 1 || c.collisions.enabled,
      `${REMAINDER_ORDER}; 1 needs collisions.enabled true (F_1 = 𝓛⁻¹ of the streaming of F_0)`,
    ),
    ['remainder', 'order'],
  ),
);

/** A parsed config: the optional sections are filled in, so `remainder` is always set. */
export type ParsedConfig = SimulationConfig & { readonly remainder: RemainderConfig };

/**
 * Validate JSON (already parsed) into a SimulationConfig; throws one InvalidParameterError. The
 * optional "remainder" section is ALWAYS set in the result: DEFAULT_REMAINDER when absent, and
 * its optional "fluid" defaults to DEFAULT_REMAINDER.fluid.
 */
export function parseConfig(json: unknown): ParsedConfig {
  // valibot's object schema takes arrays too; a top-level list is a different mistake than a missing key.
  if (Array.isArray(json)) throw new InvalidParameterError('config', CONFIG_OBJECT, describeValue(json));
  const result = v.safeParse(configSchema, json, { abortEarly: true });
  if (!result.success) throw toParameterError(result.issues[0]);
  const { species, remainder, ...rest } = result.output;
  const pair: readonly [SpeciesConfig, SpeciesConfig] = [species[0]!, species[1]!];
  const filled: RemainderConfig = remainder
    ? {
        ...remainder,
        fluid: remainder.fluid ?? DEFAULT_REMAINDER.fluid,
        ...(remainder.order === 1 ? { wellPrepared: remainder.wellPrepared ?? true } : {}),
      }
    : { ...DEFAULT_REMAINDER };
  return { species: pair, ...rest, remainder: filled };
}

function toParameterError(issue: v.BaseIssue<unknown>): InvalidParameterError {
  const path = issue.path ?? [];
  const field = path.length === 0 ? 'config' : formatPath(path.map((item) => item.key));
  const last = path.at(-1);
  const value = last ? last.value : issue.input;
  // A missing key is reported by its parent object; the allowed range is the key's own schema's.
  const allowed =
    last?.origin === 'key' ? (allowedAt(path.map((item) => item.key)) ?? issue.message) : issue.message;
  return new InvalidParameterError(field, allowed, describeValue(value));
}

function formatPath(keys: readonly unknown[]): string {
  return keys
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** The allowed text (valibot message) of the schema found by walking `keys` from the root. */
function allowedAt(keys: readonly unknown[]): string | undefined {
  let schema: unknown = configSchema;
  for (const key of keys) {
    const s = unwrap(schema) as {
      entries?: Record<string, unknown>;
      item?: unknown;
      items?: readonly unknown[];
    };
    if (s.entries && typeof key === 'string') schema = s.entries[key];
    else if (s.item && typeof key === 'number') schema = s.item;
    else if (s.items && typeof key === 'number') schema = s.items[key];
    else return undefined;
  }
  const message = (unwrap(schema) as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function unwrap(schema: unknown): unknown {
  const s = schema as { type?: string; wrapped?: unknown } | undefined;
  return s?.type === 'nullable' || s?.type === 'optional' ? s.wrapped : schema;
}

/** The received value as the user wrote it: strings quoted, missing keys said so, long values cut. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined (missing)';
  if (typeof value === 'number') return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= String(value);
  if (text.length <= 60) return text;
  return Array.isArray(value) ? `an array of ${value.length} entries` : `${text.slice(0, 57)}…`;
}

/**
 * The species' thermal states at their hottest: the "isentropic" perturbation raises θ to
 * θ(1 + |a|)^{2/3} where n = n̄(1 + |a|); "density" keeps θ fixed.
 */
export function peakThermalStates(
  config: SimulationConfig,
): readonly [SpeciesThermalState, SpeciesThermalState] {
  const { kind, amplitude } = config.perturbation;
  const factor = kind === 'isentropic' ? (1 + Math.abs(amplitude)) ** (2 / 3) : 1;
  const peak = (s: SpeciesConfig): SpeciesThermalState => ({
    mass: s.mass,
    temperature: s.temperature * factor,
    drift: s.drift,
  });
  return [peak(config.species[0]), peak(config.species[1])];
}

/** L = max_α (6 √(θ_max,α/m_α) + |u_α|): the box without the collision operator's aliasing rule. */
export function collisionlessHalfWidth(species: readonly SpeciesThermalState[]): number {
  return Math.max(...species.map((s) => speciesSupport(s, COLLISIONLESS_THERMAL_SPEEDS)));
}

/** The limits on dt that apply to this run (absent = does not apply), for a box half-width vmax. */
export interface TimeStepLimits {
  /** 0.5 Δx / L (nx > 1): a characteristic crosses at most half an x-cell per step. */
  readonly advectX?: number;
  /** 0.1 / ω_p, ω_p² = Σ e_α² n̄_α / m_α (field on, some species charged). */
  readonly plasma?: number;
  /** 0.5 Δv / max_α |e_α/m_α| E_est, E_est = |Σ e_α n̄_α a| ℓ/(2π j) (field on, j ≥ 1, a ≠ 0). */
  readonly advectV?: number;
  /**
   * The collision step's accuracy (time.dtRule "accurate", collisions on; stiffness.ts
   * collisionAccurateStep): max(λ_acc ε/ν̄, (the other limits, else tEnd/100)/COLLISION_STEP_CAP),
   * present only where it is below the other limits.
   */
  readonly collision?: number;
}

export function timeStepLimits(config: SimulationConfig, vmax: number): TimeStepLimits {
  const { grid, species, perturbation } = config;
  const limits: { advectX?: number; plasma?: number; advectV?: number; collision?: number } = {};
  if (grid.nx > 1) limits.advectX = (CFL_ADVECT_X * (grid.length / grid.nx)) / vmax;
  const charged = species.filter((s) => s.charge !== 0);
  if (config.field.enabled && charged.length > 0) {
    const plasmaFrequency = Math.sqrt(
      charged.reduce((sum, s) => sum + (s.charge ** 2 * s.density) / s.mass, 0),
    );
    limits.plasma = PLASMA_STEP / plasmaFrequency;
    if (perturbation.mode >= 1) {
      // Gauss's law for ρ = Σ e n̄ a cos(kx): E = (Σ e n̄ a / k) sin(kx), k = 2π j / ℓ.
      const netCharge = Math.abs(
        species.reduce((sum, s) => sum + s.charge * s.density, 0) * perturbation.amplitude,
      );
      const fieldAmplitude = (netCharge * grid.length) / (2 * Math.PI * perturbation.mode);
      const acceleration = Math.max(...charged.map((s) => Math.abs(s.charge / s.mass))) * fieldAmplitude;
      if (acceleration > 0) limits.advectV = (CFL_ADVECT_V * ((2 * vmax) / grid.nv)) / acceleration;
    }
  }
  const others = Object.values(limits) as number[];
  const base = others.length > 0 ? Math.min(...others) : config.time.tEnd / DEFAULT_STEPS;
  const collision = collisionAccurateStep(config, base);
  if (collision !== null && collision.limit < base) limits.collision = collision.limit;
  return limits;
}

/** Number of steps to tEnd (dt divides tEnd by construction; rounding absorbs the last bit). */
export function stepCount(config: ResolvedConfig): number {
  return Math.round(config.time.tEnd / config.time.dt);
}

/**
 * Fill the automatic choices: vmax (the alias-free box of velocityBox.ts with collisions, else
 * collisionlessHalfWidth) and dt (the smallest TimeStepLimits, else tEnd/100), then shrink dt so
 * that tEnd/dt is an integer. Refuses (grid.nv, naming the needed N_v) a velocity grid the
 * collision operator cannot resolve; accuracy concerns come back as warnings.
 */
export function resolveConfig(config: SimulationConfig): { config: ResolvedConfig; warnings: string[] } {
  const warnings: string[] = [];
  const species = peakThermalStates(config);
  const vmax = config.collisions.enabled
    ? collisionalBox(config, species, warnings)
    : collisionlessBox(config, species, warnings);
  const dt = resolveTimeStep(config, vmax, warnings);
  if (config.time.outputEvery > Math.round(config.time.tEnd / dt)) {
    warnings.push(
      `time.outputEvery = ${config.time.outputEvery} exceeds the ${Math.round(config.time.tEnd / dt)} steps ` +
        'of the run: only the initial state is written',
    );
  }
  return {
    config: { ...config, grid: { ...config.grid, vmax }, time: { ...config.time, dt } },
    warnings,
  };
}

function collisionalBox(
  config: SimulationConfig,
  species: readonly [SpeciesThermalState, SpeciesThermalState],
  warnings: string[],
): number {
  const vmax = config.grid.vmax ?? chooseVelocityBox(species).vmax;
  // A box the user chose on purpose is only warned about (Gaussian tails make the rule conservative).
  const check = checkResolvable(velocityGrid(config.grid.nv, vmax), species, {
    supportCheck: config.grid.vmax === null ? 'refuse' : 'warn',
  });
  if (!check.ok) {
    const coarse = check.errors.some((e) => e.startsWith('grid.nv'));
    throw coarse
      ? new InvalidParameterError(
          'grid.nv',
          `nv ≥ ${check.neededNv} (${check.errors.join('; ')})`,
          config.grid.nv,
        )
      : new InvalidParameterError('grid.vmax', check.errors.join('; '), vmax);
  }
  warnings.push(...check.warnings);
  return vmax;
}

function collisionlessBox(
  config: SimulationConfig,
  species: readonly [SpeciesThermalState, SpeciesThermalState],
  warnings: string[],
): number {
  const vmax = config.grid.vmax ?? collisionlessHalfWidth(species);
  const dv = (2 * vmax) / config.grid.nv;
  species.forEach((s, i) => {
    const name = i === 0 ? 'A' : 'B';
    const need = speciesSupport(s, COLLISIONLESS_THERMAL_SPEEDS);
    if (need > vmax) {
      warnings.push(
        `grid.vmax = ${fmt(vmax)}: species ${name} reaches ${fmt(need)} (${COLLISIONLESS_THERMAL_SPEEDS} ` +
          'thermal speeds + drift); its tail is cut at the box edge, which the v-advection treats as periodic',
      );
    }
    const cells = Math.sqrt(s.temperature / s.mass) / dv;
    if (cells < MIN_CELLS_PER_THERMAL_SPEED) {
      warnings.push(
        `grid.nv = ${config.grid.nv}: species ${name}'s thermal speed spans only ${fmt(cells)} velocity cells ` +
          `(Δv = ${fmt(dv)}); the v-advection interpolates a poorly resolved Maxwellian`,
      );
    }
  });
  return vmax;
}

function resolveTimeStep(config: SimulationConfig, vmax: number, warnings: string[]): number {
  const { tEnd } = config.time;
  const limits = Object.values(timeStepLimits(config, vmax));
  const wanted = config.time.dt ?? (limits.length > 0 ? Math.min(...limits) : tEnd / DEFAULT_STEPS);
  const ratio = tEnd / wanted;
  // The relative slack keeps a dt that already divides tEnd (up to round-off) from gaining a step.
  const steps = Math.max(1, Math.ceil(ratio * (1 - 1e-12)));
  if (!(steps <= MAX_STEPS)) {
    throw new InvalidParameterError(
      'time.dt',
      `at most ${MAX_STEPS} steps to time.tEnd = ${tEnd}, but this dt needs ${fmt(ratio)}` +
        (config.time.dt === null ? ' (automatic: set time.dt, or lower grid.nx or raise grid.length)' : ''),
      config.time.dt ?? `null (automatic: ${fmt(wanted)})`,
    );
  }
  const dt = tEnd / steps;
  if (config.time.dt !== null && Math.abs(dt - config.time.dt) > 1e-9 * config.time.dt) {
    warnings.push(
      `time.dt = ${config.time.dt} does not divide time.tEnd = ${tEnd}: using dt = ${dt.toPrecision(9)} ` +
        `(${steps} steps)`,
    );
  }
  return dt;
}
