/**
 * Choice of the velocity box [−L, L]³ and the resolvability check of PHYSICS.md §4 (grid and
 * collision paragraphs): the lighter species must fit in the support ball S, L follows from S by
 * the multi-species alias-free rule of Jaiswal, Alexeenko & Hu (2019), and the narrowest species
 * (the heavier one at equal temperature) must span enough velocity cells Δv = 2L/N_v.
 */

import { threeDigits as fmt } from './format';
import { InvalidParameterError, SUPPORTED_NV, type VelocityGrid, velocityGrid } from './velocityGrid';

export interface SpeciesThermalState {
  /** Mass m_α > 0. */
  readonly mass: number;
  /** Temperature θ_α > 0 (energy units). */
  readonly temperature: number;
  /** Drift velocity u_α. */
  readonly drift: readonly [number, number, number];
}

/** Default radius of the support ball S in thermal speeds √(θ/m) (plus |drift|): f/f_max ≈ 2.7e−7. */
export const DEFAULT_THERMAL_SPEEDS = 5.5;

/**
 * Default resolution floor: the narrowest species' thermal speed √(θ/m) must be at least this many
 * velocity cells, i.e. its ±2√(θ/m) core (95 % of its particles per axis) spans ≥ 3 cells.
 * Measured relative equilibrium residual max|Q(μ^A, μ^B)|/max|gain| against √(θ/m_heavy)/Δv
 * (m = 1 : 2, γ = 0.5, N_ρ = N_v/2, 4 × 8 sphere points; it depends on little else):
 *   0.60 → 8e−2,  0.71 → 2e−2,  0.81 → 6e−3,  0.94 → 8e−4,  1.03 → 2e−4,  1.13 → 5e−5,  1.47 → 6e−7;
 * O+/NO+ (16 : 30) at N_v = 32 in the default box: 0.77 → 1.2e−2.
 */
export const MIN_CELLS_PER_THERMAL_SPEED = 0.75;

/** Below this many cells per thermal speed the grid is accepted with a warning (residual ≳ 3e−4). */
export const WARN_CELLS_PER_THERMAL_SPEED = 1;

/** The largest mass ratio the published multi-species method was run at (§4: it refuses m_r > 4). */
export const PUBLISHED_MAX_MASS_RATIO = 4;

function boxDenominator(massRatio: number): number {
  return Math.max((4 * massRatio) / (1 + massRatio), 2) + Math.sqrt(1 + massRatio) + 1;
}

/**
 * §4 multi-species rule: S = min{2L/D(m_r), 2L/D(1/m_r)}, D(m) = max(4m/(1+m), 2) + √(1+m) + 1,
 * m_r = m_A/m_B (symmetric under m_r ↔ 1/m_r; S = 2L/(3+√2) at m_r = 1).
 */
export function supportRadius(vmax: number, massRatio: number): number {
  checkMassRatio(massRatio);
  return (2 * vmax) / Math.max(boxDenominator(massRatio), boxDenominator(1 / massRatio));
}

/** The inverse of supportRadius: the half-width L whose support radius is S. */
export function boxHalfWidth(support: number, massRatio: number): number {
  checkMassRatio(massRatio);
  return (support * Math.max(boxDenominator(massRatio), boxDenominator(1 / massRatio))) / 2;
}

/** Kernel truncation R = 2S (§4). */
export function truncationRadius(vmax: number, massRatio: number): number {
  return 2 * supportRadius(vmax, massRatio);
}

function checkMassRatio(massRatio: number): void {
  if (!(massRatio > 0) || !Number.isFinite(massRatio)) {
    throw new InvalidParameterError('species mass ratio m_A/m_B', 'a finite number > 0', massRatio);
  }
}

function checkSpecies(species: readonly SpeciesThermalState[]): void {
  species.forEach((s, i) => {
    const name = i === 0 ? 'A' : 'B';
    if (!(s.mass > 0) || !Number.isFinite(s.mass)) {
      throw new InvalidParameterError(`species.${name}.mass`, 'a finite number > 0', s.mass);
    }
    if (!(s.temperature > 0) || !Number.isFinite(s.temperature)) {
      throw new InvalidParameterError(`species.${name}.temperature`, 'a finite number > 0', s.temperature);
    }
    if (s.drift.length !== 3 || !s.drift.every(Number.isFinite)) {
      throw new InvalidParameterError(`species.${name}.drift`, 'three finite numbers', s.drift);
    }
  });
}

function thermalSpeed(s: SpeciesThermalState): number {
  return Math.sqrt(s.temperature / s.mass);
}

/** Radius the species needs: thermalSpeeds · √(θ/m) + |u|. */
export function speciesSupport(s: SpeciesThermalState, thermalSpeeds = DEFAULT_THERMAL_SPEEDS): number {
  return thermalSpeeds * thermalSpeed(s) + Math.hypot(s.drift[0], s.drift[1], s.drift[2]);
}

export interface VelocityBox {
  /** Half-width L of the box. */
  readonly vmax: number;
  /** Support radius S (every species fits in the ball |v| ≤ S). */
  readonly support: number;
  /** Kernel truncation R = 2S. */
  readonly truncation: number;
  /** m_A / m_B. */
  readonly massRatio: number;
}

/** The smallest box whose support ball holds both species (thermalSpeeds thermal speeds + drift). */
export function chooseVelocityBox(
  species: readonly [SpeciesThermalState, SpeciesThermalState],
  thermalSpeeds = DEFAULT_THERMAL_SPEEDS,
): VelocityBox {
  checkSpecies(species);
  if (!(thermalSpeeds > 0) || !Number.isFinite(thermalSpeeds)) {
    throw new InvalidParameterError('box.thermalSpeeds', 'a finite number > 0', thermalSpeeds);
  }
  const massRatio = species[0].mass / species[1].mass;
  const support = Math.max(...species.map((s) => speciesSupport(s, thermalSpeeds)));
  const vmax = boxHalfWidth(support, massRatio);
  return { vmax, support, truncation: 2 * support, massRatio };
}

export interface Resolvability {
  /** False when the grid must be refused. */
  readonly ok: boolean;
  /** √(θ/m)/Δv of the narrowest species. */
  readonly cellsPerThermalSpeed: number;
  /** The smallest power-of-two N_v that meets the floor at this L (may exceed 64). */
  readonly neededNv: number;
  /** The refusal, naming the field and the allowed range (empty when ok). */
  readonly errors: string[];
  /** Accepted, but accuracy is limited (e.g. ~1e−3 equilibrium residual). */
  readonly warnings: string[];
}

export interface ResolvabilityOptions {
  /**
   * A species outside the alias-free support ball S(L): 'refuse' (default, for automatic boxes) or
   * 'warn' (a box the user set on purpose: Gaussian tails make the rule conservative, and the
   * accuracy is measurable, e.g. the equilibrium residual).
   */
  readonly supportCheck?: 'refuse' | 'warn';
  readonly thermalSpeeds?: number;
  readonly minCellsPerThermalSpeed?: number;
  readonly warnCellsPerThermalSpeed?: number;
}

/** The words that mark the support rule's message (isSupportRuleWarning). */
const SUPPORT_RULE_MARK = 'is too small: species';

/**
 * Whether a warning of checkResolvable is the support rule's (a species outside the alias-free
 * ball S(L) of a box the user chose): a conservative proxy for the operator's accuracy, which
 * gridAccuracy.ts measures where it can and which the measurement then supersedes.
 */
export function isSupportRuleWarning(warning: string): boolean {
  return warning.startsWith('grid.vmax = ') && warning.includes(SUPPORT_RULE_MARK);
}

/**
 * Is this grid good enough for these two species? Refuses when a species does not fit in the
 * support ball S(L), or when the narrowest species' thermal speed √(θ/m) spans fewer than
 * minCellsPerThermalSpeed cells; warns near the floor and beyond the published mass ratio.
 */
export function checkResolvable(
  grid: VelocityGrid,
  species: readonly [SpeciesThermalState, SpeciesThermalState],
  options: ResolvabilityOptions = {},
): Resolvability {
  checkSpecies(species);
  const thermalSpeeds = options.thermalSpeeds ?? DEFAULT_THERMAL_SPEEDS;
  const minCells = options.minCellsPerThermalSpeed ?? MIN_CELLS_PER_THERMAL_SPEED;
  const warnCells = options.warnCellsPerThermalSpeed ?? WARN_CELLS_PER_THERMAL_SPEED;
  const errors: string[] = [];
  const warnings: string[] = [];
  const massRatio = species[0].mass / species[1].mass;
  const S = supportRadius(grid.vmax, massRatio);
  species.forEach((s, i) => {
    const need = speciesSupport(s, thermalSpeeds);
    if (need > S) {
      const name = i === 0 ? 'A' : 'B';
      (options.supportCheck === 'warn' ? warnings : errors).push(
        `grid.vmax = ${fmt(grid.vmax)} ${SUPPORT_RULE_MARK} ${name} needs a support ball of radius ` +
          `${fmt(need)} (${thermalSpeeds} thermal speeds + drift) but the box gives S = ${fmt(S)}; ` +
          `allowed: vmax ≥ ${fmt(boxHalfWidth(need, massRatio))}`,
      );
    }
  });
  const widths = species.map(thermalSpeed);
  const narrow = widths[0]! <= widths[1]! ? 0 : 1;
  const width = widths[narrow]!;
  const cellsPerThermalSpeed = width / grid.dv;
  const exact = (minCells * 2 * grid.vmax) / width;
  let neededNv = 2;
  while (neededNv < exact) neededNv *= 2;
  const maxNv = Math.max(...SUPPORTED_NV);
  const narrowName = narrow === 0 ? 'A' : 'B';
  if (cellsPerThermalSpeed < minCells) {
    const beyond =
      neededNv > maxNv
        ? `; that is beyond the largest supported N_v = ${maxNv}: the mass ratio ` +
          `${fmt(Math.max(massRatio, 1 / massRatio))} (with these temperatures) exceeds what the spectral ` +
          `method resolves on one shared velocity grid`
        : '';
    errors.push(
      `grid.nv = ${grid.nv} is too coarse: species ${narrowName}'s thermal speed √(θ/m) = ${fmt(width)} ` +
        `spans ${fmt(cellsPerThermalSpeed)} velocity cells (Δv = ${fmt(grid.dv)}), fewer than ` +
        `${minCells}; allowed: nv ≥ ${neededNv} (the needed N_v)${beyond}`,
    );
  } else if (cellsPerThermalSpeed < warnCells) {
    warnings.push(
      `grid.nv = ${grid.nv}: species ${narrowName}'s thermal speed spans only ${fmt(cellsPerThermalSpeed)} ` +
        `cells; collision accuracy is limited (relative equilibrium residual between ~1e−2 at 0.75 ` +
        `cells and ~3e−4 at 1 cell); N_v = ${2 * grid.nv} is better`,
    );
  }
  if (Math.max(massRatio, 1 / massRatio) > PUBLISHED_MAX_MASS_RATIO) {
    warnings.push(
      `mass ratio ${fmt(Math.max(massRatio, 1 / massRatio))} is beyond ${PUBLISHED_MAX_MASS_RATIO}, ` +
        'the largest the published multi-species spectral method was run at; ' +
        'measure the equilibrium residual',
    );
  }
  return { ok: errors.length === 0, cellsPerThermalSpeed, neededNv, errors, warnings };
}

/**
 * The velocity grid for nv points per axis with L chosen by chooseVelocityBox; throws an
 * InvalidParameterError naming 'grid.nv' and the needed N_v when the grid cannot resolve both
 * species.
 */
export function velocityGridFor(
  nv: number,
  species: readonly [SpeciesThermalState, SpeciesThermalState],
  options: ResolvabilityOptions = {},
): { grid: VelocityGrid; box: VelocityBox; warnings: string[] } {
  const box = chooseVelocityBox(species, options.thermalSpeeds);
  const grid = velocityGrid(nv, box.vmax);
  const check = checkResolvable(grid, species, options);
  if (!check.ok) {
    throw new InvalidParameterError('grid.nv', `nv ≥ ${check.neededNv} (${check.errors.join('; ')})`, nv);
  }
  return { grid, box, warnings: check.warnings };
}
