/**
 * Ready-made run set-ups for the app: the ion pairs of the paper's ionosphere list (§1 of
 * its introduction: D, E, F1, F2 layers), equal masses, a collisionless Landau-damping demo and a
 * hydrodynamic-limit demo at small ε. Each is a complete SimulationConfig of the CLI contract
 * (configSchema.ts), remainder section included, that resolves WITHOUT warnings
 * (tests/unit/physics/presets.test.ts). Masses in proton masses, charges in units of e, everything else
 * dimensionless (PHYSICS.md §1).
 *
 * Grids (issue 16): each collisional preset runs on the cheapest grid whose collision operator
 * meets the default 1 % target in the exchange of momentum and energy against the exact rates
 * (gridAccuracy.ts), found by cheapestAccurateGrid and written down here as an explicit box L: the
 * automatic alias-free box is conservative (for NO⁺/O₂⁺ it is 2.26 where L = 1.36 at N_v = 16 meets
 * the target at 0.16 %). Fewer velocity points cannot resolve the narrower species (< 0.75 cells per
 * thermal speed, refused). tests/unit/physics/presets.test.ts measures every one of them, and that
 * the next coarser N_v is refused or misses the target.
 *
 * Every ionosphere pair shares one ion temperature, as ionospheric ions do (before issue 16 the
 * heavier ion was made hotter, to the lighter one's thermal speed, so that the conservative box
 * rule fitted N_v = 32; O⁺/He⁺ needed N_v = 64). H⁺ pairs are not here: mass ratios 16 and 30 need
 * per-species velocity grids (issue 16, not built yet).
 */
import { DEFAULT_REMAINDER, type RemainderConfig, type SimulationConfig, type SpeciesConfig } from './config';

export interface Preset {
  /** Stable id (URLs, tests): lower-case words joined by '-'. */
  readonly id: string;
  /** Short title for a menu. */
  readonly title: string;
  /** One line shown with the preset: what it shows and why it is set up this way. */
  readonly explanation: string;
  readonly config: SimulationConfig;
}

const REMAINDER: RemainderConfig = DEFAULT_REMAINDER;

function ion(
  name: string,
  mass: number,
  charge: number,
  density: number,
  temperature: number,
  diameter = 1,
): SpeciesConfig {
  return { name, mass, charge, diameter, density, temperature, drift: [0, 0, 0] };
}

interface Setup {
  readonly species: readonly [SpeciesConfig, SpeciesConfig];
  readonly gamma: number;
  readonly knudsen: number;
  readonly collisions?: boolean;
  readonly nx?: number;
  readonly nv?: number;
  /** Explicit velocity box L (the cheapest accurate one, see the file comment); null = automatic. */
  readonly vmax?: number | null;
  readonly length?: number;
  readonly kind?: 'density' | 'isentropic';
  readonly amplitude?: number;
  readonly tEnd: number;
  readonly outputEvery?: number;
}

function config(s: Setup): SimulationConfig {
  return {
    species: s.species,
    collisions: { enabled: s.collisions ?? true, gamma: s.gamma, knudsen: s.knudsen },
    field: { enabled: true },
    grid: { nx: s.nx ?? 16, length: s.length ?? 4 * Math.PI, nv: s.nv ?? 32, vmax: s.vmax ?? null },
    perturbation: { kind: s.kind ?? 'density', amplitude: s.amplitude ?? 0.05, mode: 1 },
    time: { dt: null, tEnd: s.tEnd, outputEvery: s.outputEvery ?? 5 },
    remainder: REMAINDER,
  };
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'e-layer',
    title: 'E layer: NO⁺ / O₂⁺',
    explanation:
      'E layer (90–140 km): NO⁺ (30 m_p) dominant over O₂⁺ (32 m_p) at one ion temperature, nearly equal masses, Maxwell molecules (γ = 0), ε = 0.1; an ion plasma wave relaxes toward the two-fluid Euler–Poisson solution (N_v = 16, L = 1.36: exchange rates within 0.2 % of exact).',
    config: config({
      species: [ion('NO+', 30, 1, 1, 1), ion('O2+', 32, 1, 0.5, 1)],
      gamma: 0,
      knudsen: 0.1,
      nv: 16,
      vmax: 1.36,
      tEnd: 60,
    }),
  },
  {
    id: 'f1-layer',
    title: 'F1 layer: O⁺ / NO⁺',
    explanation:
      "F1 layer (140–210 km): O⁺ (16 m_p) dominant over NO⁺ (30 m_p) at one ion temperature, the paper's Figure 1 pair, γ = 0, ε = 0.1; an ion plasma wave in which the lighter O⁺ and the heavier NO⁺ part and are pulled back together by collisions (N_v = 32, L = 2.19: exchange rates within 0.1 % of exact).",
    config: config({
      species: [ion('O+', 16, 1, 1, 1), ion('NO+', 30, 1, 0.5, 1)],
      gamma: 0,
      knudsen: 0.1,
      vmax: 2.19,
      tEnd: 50,
    }),
  },
  {
    id: 'f2-layer-no',
    title: 'F2 layer: O⁺ / NO⁺',
    explanation:
      'F2 layer (210–1000 km): O⁺ with a trace of NO⁺ (10 %) at one ion temperature, rarer collisions (ε = 1, hard potential γ = 0.5) (N_v = 32, L = 2.19: exchange rates within 0.1 % of exact).',
    config: config({
      species: [ion('O+', 16, 1, 1, 1), ion('NO+', 30, 1, 0.1, 1)],
      gamma: 0.5,
      knudsen: 1,
      vmax: 2.19,
      tEnd: 50,
    }),
  },
  {
    id: 'f2-layer-he',
    title: 'F2 layer: O⁺ / He⁺',
    explanation:
      'F2 layer: O⁺ (16 m_p) against light He⁺ (4 m_p, 10 %) at one ion temperature, the largest mass ratio (4) the spectral method is published at, ε = 1, γ = 0 (N_v = 32, L = 4: exchange rates within 0.2 % of exact).',
    config: config({
      species: [ion('O+', 16, 1, 1, 1), ion('He+', 4, 1, 0.1, 1)],
      gamma: 0,
      knudsen: 1,
      vmax: 4,
      tEnd: 40,
    }),
  },
  {
    id: 'd-layer',
    title: 'D layer: NO⁺ / O₂⁻',
    explanation:
      'D layer (60–90 km): positive NO⁺ (30 m_p) and negative O₂⁻ (32 m_p, e_B = −1) at one ion temperature, pushed apart by the field, denser so more collisional (ε = 0.05), moderately soft potential γ = −1 (N_v = 16, L = 1.36: exchange rates within 0.2 % of exact).',
    config: config({
      species: [ion('NO+', 30, 1, 1, 1), ion('O2-', 32, -1, 0.5, 1)],
      gamma: -1,
      knudsen: 0.05,
      nv: 16,
      vmax: 1.36,
      tEnd: 60,
    }),
  },
  {
    id: 'equal-masses',
    title: 'Equal masses',
    explanation:
      'm_A = m_B = 1, both charge +1, B colder (θ = 0.8) and twice as large (d_B = 2): the classical one-mass case; hard spheres (γ = 1), ε = 0.1, the temperatures relax to one θ (N_v = 16, L = 7: exchange rates within 0.3 % of exact).',
    config: config({
      species: [ion('A', 1, 1, 1, 1), ion('B', 1, 1, 1, 0.8, 2)],
      gamma: 1,
      knudsen: 0.1,
      nv: 16,
      vmax: 7,
      tEnd: 10,
    }),
  },
  {
    id: 'landau',
    title: 'Landau damping (collisionless)',
    explanation:
      'No collisions: species A (m = 1, e = −1) on the neutralising background, B neutral; k = 0.5, ‖E‖ oscillates at ω ≈ 1.416 and decays at the rate 0.153 (linear Landau damping).',
    config: {
      ...config({
        species: [ion('A', 1, -1, 1, 1), ion('B (neutral)', 1, 0, 1, 1)],
        gamma: 0,
        knudsen: 1,
        collisions: false,
        nx: 32,
        nv: 16,
        amplitude: 0.01,
        tEnd: 15,
        outputEvery: 1,
      }),
    },
  },
  {
    id: 'hydrodynamic-limit',
    title: 'Hydrodynamic limit (small ε)',
    explanation:
      'ε = 10⁻³ with well-prepared isentropic data (one θ, one u: F(0) is the fluid’s own bi-Maxwellian); A (m = 1, e = 1) and B (m = 1.1, e = 2) differ in e/m but collisions lock them to one velocity, and the kinetic densities follow the two-fluid Euler–Poisson ghost (N_v = 16, L = 7.62: exchange rates within 0.3 % of exact).',
    config: config({
      species: [ion('A', 1, 1, 1, 1), ion('B', 1.1, 2, 1, 1)],
      gamma: 0,
      knudsen: 1e-3,
      nv: 16,
      vmax: 7.62,
      length: 8 * Math.PI,
      kind: 'isentropic',
      amplitude: 0.05,
      tEnd: 20,
    }),
  },
];

/** The preset with this id, or undefined. */
export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
