/**
 * The velocity grid's accuracy as a user needs it (issue 16, first part): the error of the run's
 * collision operator in the exchange of momentum and energy between the species, on the run's own
 * grid, box, kernel truncation and quadrature, against the EXACT rates of exchangeRates.ts (no box,
 * no truncation). accuracy.ts's "quadrature error" compares two quadratures on the same box, so it
 * cannot see the kernel truncation |q| ≤ R that a small box implies (the issue: N_v = 16 in a box of
 * 6 reads 4e−4 there while the Maxwell-molecule temperature exchange is 3.8 % low).
 *
 * The probe: the run's species at their mean states (n̄, u, θ). The exchange rates are the
 * operator's response to a temperature or drift difference, so where the run's own species would
 * not exchange measurably (|θ_A − θ_B| < 10 % of their mean, |u_A − u_B| < 0.2 s), the probe splits
 * them (θ ×/÷ 1.1; drifts ±0.1 s along x about the centre of mass, s² = θ_A/m_A + θ_B/m_B), and
 * says so. The error is the worst of Q^{AB} and Q^{BA}. Also reported: the fraction of each
 * species' mass and kinetic energy outside the box (Gaussian integrals, exact).
 */
import type { SimulationConfig } from '../config';
import { peakThermalStates } from '../configSchema';
import { type MaxwellianState, maxwellianOnGrid } from '../maxwellian';
import { velocityMoments } from '../moments';
import {
  checkResolvable,
  chooseVelocityBox,
  isSupportRuleWarning,
  MIN_CELLS_PER_THERMAL_SPEED,
} from '../velocityBox';
import { InvalidParameterError, velocityGrid } from '../velocityGrid';
import { accuracyQuadrature, DEFAULT_COLLISION_ACCURACY } from './accuracy';
import { maxwellianExchangeRates } from './exchangeRates';
import { collisionOperator, mixtureSpectralTables } from './spectral';

/** The default target of the exchange-rate error (issue 16: 1 %). */
export const GRID_TOLERANCE = 0.01;

/**
 * Largest N_v measured: one float64 operator evaluation per pair at N_v = 32 takes seconds on a
 * CPU; at 64 it would take a minute at every configure.
 */
export const GRID_ACCURACY_MAX_NV = 32;

export interface ExchangeRateAccuracy {
  /** |spectral − exact| / |exact| of the energy exchange, worst of Q^{AB} and Q^{BA}. */
  readonly energy: number;
  /** |spectral − exact| / |exact| of the momentum exchange (vector norm), worst of the two. */
  readonly momentum: number;
  /** Fraction of each species' mass outside the box [−L, L]³. */
  readonly massOutside: readonly [number, number];
  /** Fraction of each species' kinetic energy ∫ m|v|²/2 F outside the box. */
  readonly energyOutside: readonly [number, number];
  /** The two Maxwellians measured on (module comment). */
  readonly probe: readonly [MaxwellianState, MaxwellianState];
  /** Whether the probe split the temperatures or drifts of the run's mean states. */
  readonly split: boolean;
  readonly tolerance: number;
  readonly nv: number;
  readonly vmax: number;
}

/** P(a ≤ X ≤ b) and E[X² 1_{a≤X≤b}] for X ~ N(u, σ²). */
function truncatedMoments(u: number, sigma: number, a: number, b: number) {
  const alpha = (a - u) / sigma;
  const beta = (b - u) / sigma;
  const pdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  // the complement from erfc, so that a tail of 1e−20 is not lost to 1 − (1 − 1e−20)
  const out = 0.5 * (erfc(beta / Math.SQRT2) + erfc(-alpha / Math.SQRT2));
  const mass = 1 - out;
  const second =
    u * u * mass +
    2 * u * sigma * (pdf(alpha) - pdf(beta)) +
    sigma * sigma * (mass + alpha * pdf(alpha) - beta * pdf(beta));
  return { mass, out, second };
}

/** erfc x = 1 − erf x, without cancellation in the upper tail. */
export function erfc(x: number): number {
  if (x < 2.5) return 1 - erf(x);
  // erfc x = e^{−x²}/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))), 60 terms are plenty for x ≥ 2.5
  let f = x;
  for (let n = 60; n >= 1; n--) f = x + n / 2 / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** erf to ~1e−15 (Abramowitz–Stegun 7.1.26 is too coarse for tails): series, or 1 − erfc. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x < 2.5) {
    // Maclaurin series: erf x = (2/√π) Σ (−1)^n x^{2n+1} / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return 1 - erfc(x);
}

/** Fraction of the mass and of ∫|v|² of a Maxwellian outside the box [−L, L]³. */
export function outsideBox(s: MaxwellianState, vmax: number): { mass: number; energy: number } {
  const sigma = Math.sqrt(s.temperature / s.mass);
  const axes = s.drift.map((u) => truncatedMoments(u, sigma, -vmax, vmax));
  // 1 − Π(1 − out_i) without cancellation
  const outside = -Math.expm1(axes.reduce((sum, a) => sum + Math.log1p(-a.out), 0));
  // E[|v|² 1_box] = Σ_i E[v_i² 1] Π_{j≠i} P_j
  let secondInside = 0;
  for (let i = 0; i < 3; i++) {
    secondInside += axes.reduce((p, a, j) => p * (j === i ? a.second : a.mass), 1);
  }
  const second = 3 * sigma * sigma + s.drift.reduce((sum, u) => sum + u * u, 0);
  return { mass: outside, energy: 1 - secondInside / second };
}

/** The probe pair from the run's mean states (module comment). */
export function accuracyProbe(config: SimulationConfig): {
  probe: [MaxwellianState, MaxwellianState];
  split: boolean;
} {
  type Probe = { density: number; mass: number; temperature: number; drift: [number, number, number] };
  const [a, b] = config.species.map(
    (s): Probe => ({ density: s.density, mass: s.mass, temperature: s.temperature, drift: [...s.drift] }),
  ) as [Probe, Probe];
  let split = false;
  const mean = (a.temperature + b.temperature) / 2;
  if (Math.abs(a.temperature - b.temperature) < 0.1 * mean) {
    a.temperature = mean * 1.1;
    b.temperature = mean / 1.1;
    split = true;
  }
  const s = Math.sqrt(a.temperature / a.mass + b.temperature / b.mass);
  const du = Math.hypot(...a.drift.map((u, i) => u - b.drift[i]!));
  if (du < 0.2 * s) {
    const total = a.mass + b.mass;
    a.drift[0] += (0.1 * s * b.mass) / total;
    b.drift[0] -= (0.1 * s * a.mass) / total;
    split = true;
  }
  return { probe: [a, b], split };
}

/**
 * The run's exchange-rate accuracy (module comment); null when collisions are off or N_v is above
 * GRID_ACCURACY_MAX_NV. Memoised on everything it depends on.
 */
export function exchangeRateAccuracy(
  config: SimulationConfig,
  vmax: number,
  tolerance = config.grid.tolerance ?? GRID_TOLERANCE,
): ExchangeRateAccuracy | null {
  if (!config.collisions.enabled || config.grid.nv > GRID_ACCURACY_MAX_NV) return null;
  const { probe, split } = accuracyProbe(config);
  const { gamma } = config.collisions;
  const accuracy = config.collisions.accuracy ?? DEFAULT_COLLISION_ACCURACY;
  const [A, B] = config.species;
  const key = JSON.stringify([probe, gamma, accuracy, config.grid.nv, vmax, A.diameter, B.diameter]);
  const cached = memo.get(key);
  if (cached) return { ...cached, tolerance };
  const grid = velocityGrid(config.grid.nv, vmax);
  const tables = mixtureSpectralTables(
    grid,
    [
      { mass: A.mass, diameter: A.diameter },
      { mass: B.mass, diameter: B.diameter },
    ],
    gamma,
    accuracyQuadrature(accuracy, config.grid.nv),
  );
  const [fA, fB] = probe.map((s) => maxwellianOnGrid(grid, s)) as [Float64Array, Float64Array];
  const diameter = (A.diameter + B.diameter) / 2;
  let energy = 0;
  let momentum = 0;
  for (const [alpha, beta, f, g, table] of [
    [probe[0], probe[1], fA, fB, tables.AB],
    [probe[1], probe[0], fB, fA, tables.BA],
  ] as const) {
    const q = collisionOperator(f, g, table).q;
    const m = velocityMoments(q, grid, 1, alpha.mass);
    const exact = maxwellianExchangeRates(alpha, beta, diameter, gamma);
    energy = Math.max(energy, Math.abs(m[4]! - exact.energy) / Math.abs(exact.energy));
    const scale = Math.hypot(...exact.momentum);
    momentum = Math.max(
      momentum,
      Math.hypot(m[1]! - exact.momentum[0], m[2]! - exact.momentum[1], m[3]! - exact.momentum[2]) / scale,
    );
  }
  const outside = probe.map((s) => outsideBox(s, vmax));
  const result: ExchangeRateAccuracy = {
    energy,
    momentum,
    massOutside: [outside[0]!.mass, outside[1]!.mass],
    energyOutside: [outside[0]!.energy, outside[1]!.energy],
    probe,
    split,
    tolerance,
    nv: config.grid.nv,
    vmax,
  };
  if (memo.size >= 16) memo.clear();
  memo.set(key, result);
  return result;
}

const memo = new Map<string, ExchangeRateAccuracy>();

/** Worst of the energy and momentum exchange errors. */
export function exchangeRateError(e: ExchangeRateAccuracy): number {
  return Math.max(e.energy, e.momentum);
}

export interface GridSuggestion {
  readonly nv: number;
  readonly vmax: number;
  /** Its measured exchange-rate error (exchangeRateError). */
  readonly error: number;
}

/** The boxes tried first, as multiples of the alias-free one, in this order (the alias-free box first). */
export const BOX_FACTORS = [1, 0.75, 1.25, 0.6, 1.5] as const;

/**
 * Then these multiples of the largest box N_v resolves (MIN_CELLS_PER_THERMAL_SPEED cells per
 * thermal speed for the narrowest species; 0.99 keeps round-off off the floor). There the kernel
 * truncation R = 2S is as far out as the resolution floor allows, which is what a mixture whose
 * alias-free box is far too wide needs (m_B = 2 m_A at N_v = 16: the alias-free box leaves the
 * heavier ion 0.38 cells per thermal speed).
 */
export const RESOLVABLE_BOX_FACTORS = [0.99, 0.85, 0.7] as const;

/**
 * The boxes a grid search tries at N_v, in order (BOX_FACTORS, then RESOLVABLE_BOX_FACTORS), each
 * kept only where it resolves the species (velocityBox.ts; the support rule only warned, as for an
 * explicit grid.vmax: a box smaller than the alias-free one is judged by its measured error).
 */
function candidateBoxes(config: SimulationConfig, nv: number): number[] {
  const species = peakThermalStates(config);
  const aliasFree = chooseVelocityBox(species).vmax;
  const narrowest = Math.min(...species.map((s) => Math.sqrt(s.temperature / s.mass)));
  const resolvable = (nv * narrowest) / (2 * MIN_CELLS_PER_THERMAL_SPEED);
  return [
    ...BOX_FACTORS.map((f) => f * aliasFree),
    ...RESOLVABLE_BOX_FACTORS.map((f) => f * resolvable),
  ].filter((vmax) => checkResolvable(velocityGrid(nv, vmax), species, { supportCheck: 'warn' }).ok);
}

/** The first of the candidate boxes at N_v whose measured error meets the target, or null. */
function firstAccurateBox(config: SimulationConfig, nv: number, tolerance: number): GridSuggestion | null {
  const atNv = { ...config, grid: { ...config.grid, nv } };
  for (const vmax of candidateBoxes(config, nv)) {
    const measured = exchangeRateAccuracy(atNv, vmax, tolerance);
    if (measured && exchangeRateError(measured) <= tolerance) {
      return { nv, vmax, error: exchangeRateError(measured) };
    }
  }
  return null;
}

/**
 * The cheapest grid (fewest points N_v³) up to N_v = GRID_ACCURACY_MAX_NV that meets the run's
 * target: at each N_v the candidate boxes (candidateBoxes: a wider box moves the kernel truncation
 * R = 2S out, at the price of Δv; the alias-free box's support rule is conservative, so a smaller
 * one often resolves the exchange on fewer points). Null when none does. Each candidate costs one
 * measurement (memoised, ≲ 1.5 s at N_v = 32).
 */
export function cheapestAccurateGrid(config: SimulationConfig): GridSuggestion | null {
  if (!config.collisions.enabled) return null;
  const tolerance = config.grid.tolerance ?? GRID_TOLERANCE;
  for (const nv of [8, 16, 32].filter((n) => n <= GRID_ACCURACY_MAX_NV)) {
    const found = firstAccurateBox(config, nv, tolerance);
    if (found) return found;
  }
  return null;
}

/** The automatic box the measurement chose (accurateAutomaticBox). */
export interface AutomaticBoxChoice {
  /** The box used (firstAccurateBox at grid.nv). */
  readonly vmax: number;
  /** The alias-free box of the support rule (velocityBox.ts), which missed the target or did not resolve. */
  readonly aliasFree: number;
  /** Measured exchange-rate error of the chosen box (exchangeRateError). */
  readonly error: number;
  /** One line for the CLI's stderr, the page and summary.json. */
  readonly note: string;
}

/**
 * The automatic box by the target (issue 16: "the automatic grid is the cheapest that meets a
 * target"). N_v is the user's (it sets the cost); the box is ours. The alias-free box of the
 * support rule is kept when it resolves the species and meets grid.tolerance; otherwise the first
 * candidate box at the same N_v that meets the target (firstAccurateBox). Null (keep the alias-free
 * box: resolveConfig / refuseInaccurateGrid then refuse or warn with their advice) for an explicit
 * grid.vmax, without collisions, above GRID_ACCURACY_MAX_NV, or when no candidate meets the
 * target. Measures only where the alias-free box misses (one memoised measurement per candidate).
 */
export function accurateAutomaticBox(config: SimulationConfig): AutomaticBoxChoice | null {
  if (config.grid.vmax !== null || !config.collisions.enabled || config.grid.nv > GRID_ACCURACY_MAX_NV) {
    return null;
  }
  const tolerance = config.grid.tolerance ?? GRID_TOLERANCE;
  const species = peakThermalStates(config);
  const aliasFree = chooseVelocityBox(species).vmax;
  const { nv } = config.grid;
  let why: string;
  // kept as it is only where it resolves under the support rule's own refusal
  if (checkResolvable(velocityGrid(nv, aliasFree), species, { supportCheck: 'refuse' }).ok) {
    const measured = exchangeRateAccuracy(config, aliasFree, tolerance);
    if (!measured || exchangeRateError(measured) <= tolerance) return null;
    why = `misses the target by ${percent(exchangeRateError(measured))}`;
  } else {
    why = 'does not resolve the species';
  }
  const found = firstAccurateBox(config, nv, tolerance);
  if (!found) return null;
  const fmt = (x: number) => Number(x.toPrecision(3));
  return {
    vmax: found.vmax,
    aliasFree,
    error: found.error,
    note:
      `automatic box: grid.vmax = ${fmt(found.vmax)} instead of the alias-free ${fmt(aliasFree)} (which ${why} ` +
      `at N_v = ${nv}), chosen for its measured exchange-rate error ${percent(found.error)} ≤ grid.tolerance = ` +
      percent(tolerance),
  };
}

/**
 * The config with its automatic box chosen by the target (accurateAutomaticBox) written in as an
 * explicit grid.vmax, and the note to show; the config itself when nothing changes. Where no box
 * at grid.nv meets the target and the alias-free one does not even resolve the species, refuses
 * (grid.nv) with the resolution floor's figure and the cheapest grid that meets the target, not
 * only the N_v the alias-free box would need.
 */
export function withAccurateAutomaticBox<C extends SimulationConfig>(
  config: C,
): { config: C; choice: AutomaticBoxChoice | null } {
  const choice = accurateAutomaticBox(config);
  if (choice) return { config: { ...config, grid: { ...config.grid, vmax: choice.vmax } }, choice };
  if (config.grid.vmax === null && config.collisions.enabled && config.grid.nv <= GRID_ACCURACY_MAX_NV) {
    const species = peakThermalStates(config);
    const aliasFree = chooseVelocityBox(species).vmax;
    const check = checkResolvable(velocityGrid(config.grid.nv, aliasFree), species);
    const coarse = check.errors.find((e) => e.startsWith('grid.nv'));
    if (coarse) {
      const tolerance = config.grid.tolerance ?? GRID_TOLERANCE;
      throw new InvalidParameterError(
        'grid.nv',
        `a grid that resolves both species and meets grid.tolerance = ${percent(tolerance)} in the exchange ` +
          `rates (no box at this N_v does; at the alias-free box: ${coarse}); ` +
          describeGridSuggestion(cheapestAccurateGrid(config), tolerance),
        config.grid.nv,
      );
    }
  }
  return { config, choice };
}

function percent(x: number): string {
  return `${Number((100 * x).toPrecision(2))} %`;
}

/** The advice of a grid above its target: the cheapest grid that meets it, in words. */
export function describeGridSuggestion(suggestion: GridSuggestion | null, tolerance: number): string {
  return suggestion
    ? `the cheapest grid that meets ${percent(tolerance)}: grid.nv = ${suggestion.nv}, grid.vmax = ` +
        `${Number(suggestion.vmax.toPrecision(3))} (measured ${percent(suggestion.error)})`
    : `no grid up to N_v = ${GRID_ACCURACY_MAX_NV} meets ${percent(tolerance)} (raise grid.tolerance, or N_v = 64)`;
}

/** One line for the page and the CLI. */
export function describeExchangeRateAccuracy(e: ExchangeRateAccuracy): string {
  const worst = Math.max(e.energy, e.momentum);
  const outside = Math.max(...e.massOutside);
  return (
    `exchange-rate error ${percent(e.energy)} (energy), ${percent(e.momentum)} (momentum) against the exact rates ` +
    `(kernel truncation and box included${e.split ? '; probe split from the mean states' : ''}), ` +
    `mass outside the box ${outside.toExponential(1)}` +
    (worst > e.tolerance ? `: above the ${percent(e.tolerance)} target (grid.tolerance)` : '')
  );
}

/** A grid whose exchange-rate error is above this many times its target is refused (issue 16). */
export const GRID_REFUSAL_FACTOR = 5;

/**
 * Refuses (InvalidParameterError naming grid.nv) a run whose operator misses the exchange rates by
 * more than GRID_REFUSAL_FACTOR × grid.tolerance, with the measured figure and the cheapest grid
 * that meets the target; between the target and that, the run is accepted and warned (the callers
 * show describeExchangeRateAccuracy). Nothing to check without collisions or above N_v = 32.
 * Returns the resolver's `warnings` to show: the support rule's (a box smaller than the alias-free
 * one) dropped where the measured error meets the target, as the measurement is what the rule
 * only estimates (issue 16: the automatic box's rule is conservative, a smaller box is often the
 * cheapest accurate grid).
 */
export function refuseInaccurateGrid(
  config: SimulationConfig,
  vmax: number,
  warnings: readonly string[] = [],
): string[] {
  const measured = exchangeRateAccuracy(config, vmax);
  if (!measured) return [...warnings];
  const error = exchangeRateError(measured);
  if (error <= measured.tolerance) return warnings.filter((w) => !isSupportRuleWarning(w));
  if (error <= GRID_REFUSAL_FACTOR * measured.tolerance) return [...warnings];
  throw new InvalidParameterError(
    'grid.nv',
    `a grid whose collision operator exchanges momentum and energy within ${GRID_REFUSAL_FACTOR}× ` +
      `grid.tolerance = ${percent(measured.tolerance)} of the exact rates (this one, with grid.vmax = ` +
      `${Number(vmax.toPrecision(3))}, misses them by ${percent(error)}: kernel truncation and box included); ` +
      `${describeGridSuggestion(cheapestAccurateGrid(config), measured.tolerance)}; or raise grid.tolerance`,
    config.grid.nv,
  );
}

export interface GridAccuracyReport {
  readonly accuracy: ExchangeRateAccuracy;
  readonly withinTolerance: boolean;
  /** Above the target: the cheapest grid that meets it (null: none up to N_v = 32, or within). */
  readonly suggestion: GridSuggestion | null;
  /** One line for the page, the CLI's stderr and summary.json; above the target, with the advice. */
  readonly text: string;
}

/**
 * The run's exchange-rate figure as the CLI and the page show it (null: not measured), the
 * cheapest accurate grid searched only when the run is above its target.
 */
export function gridAccuracyReport(config: SimulationConfig, vmax: number): GridAccuracyReport | null {
  const accuracy = exchangeRateAccuracy(config, vmax);
  if (!accuracy) return null;
  const withinTolerance = exchangeRateError(accuracy) <= accuracy.tolerance;
  const suggestion = withinTolerance ? null : cheapestAccurateGrid(config);
  const text =
    describeExchangeRateAccuracy(accuracy) +
    (withinTolerance ? '' : `; ${describeGridSuggestion(suggestion, accuracy.tolerance)}`);
  return { accuracy, withinTolerance, suggestion, text };
}
