/**
 * The physical parameters the control panel edits, each as a lens on the run configuration (the
 * CLI's contract, config.ts): `get` reads the value from a config, `set` returns a new config with
 * it. The panel never keeps a second copy of the physics: the last config the worker accepted is
 * the truth, and an edit is a candidate config the worker validates (and may refuse).
 */
import {
  DEFAULT_REMAINDER,
  type RemainderConfig,
  type SimulationConfig,
  type SpeciesConfig,
} from '../physics/config';
import { checkResolvable } from '../physics/velocityBox';
import { velocityGrid } from '../physics/velocityGrid';

export type ParameterValue = number | boolean | string;

export interface ParameterSpec {
  /** Key in the panel's bound object (stable; tests and the URL do not use it). */
  readonly key: string;
  /** The label shown, and the input's accessible name (fixed: tests find "m_A", "γ", "ε", ... by it). */
  readonly label: string;
  readonly folder:
    | 'Species A'
    | 'Species B'
    | 'Mixture'
    | 'Collisions'
    | 'Grid'
    | 'Perturbation'
    | 'Remainder';
  /** What it is, with units; the control's title adds "restarts the run". */
  readonly help: string;
  readonly get: (c: SimulationConfig) => ParameterValue;
  readonly set: (c: SimulationConfig, value: ParameterValue) => SimulationConfig;
  /** Number controls: slider range and step (typed values may go outside it; the worker judges). */
  readonly slider?: readonly [number, number, number];
  /** A logarithmic number control: the slider moves log10 of the value. */
  readonly logarithmic?: boolean;
  /** Choice controls: label → value. */
  readonly options?: Readonly<Record<string, ParameterValue>>;
}

export function remainderOf(c: SimulationConfig): RemainderConfig {
  return c.remainder ?? DEFAULT_REMAINDER;
}

function withSpecies(c: SimulationConfig, index: 0 | 1, patch: Partial<SpeciesConfig>): SimulationConfig {
  const species: [SpeciesConfig, SpeciesConfig] = [c.species[0], c.species[1]];
  species[index] = { ...species[index], ...patch };
  return { ...c, species };
}

const num = (value: ParameterValue): number => (typeof value === 'number' ? value : Number(value));

function speciesParameters(index: 0 | 1): ParameterSpec[] {
  const s = index === 0 ? 'A' : 'B';
  const folder = index === 0 ? 'Species A' : 'Species B';
  return [
    {
      key: `mass${s}`,
      label: `m_${s}`,
      folder,
      help: `mass of species ${s} in proton masses (> 0)`,
      get: (c) => c.species[index].mass,
      set: (c, v) => withSpecies(c, index, { mass: num(v) }),
      slider: [1, 64, 0.5],
    },
    {
      key: `charge${s}`,
      label: `e_${s}`,
      folder,
      help: `charge of species ${s} in units of e (any sign; 0 = neutral)`,
      get: (c) => c.species[index].charge,
      set: (c, v) => withSpecies(c, index, { charge: num(v) }),
      slider: [-3, 3, 0.5],
    },
    {
      key: `diameter${s}`,
      label: `d_${s}`,
      folder,
      help: `collision diameter of species ${s} (dimensionless, > 0)`,
      get: (c) => c.species[index].diameter,
      set: (c, v) => withSpecies(c, index, { diameter: num(v) }),
      slider: [0.1, 4, 0.05],
    },
  ];
}

/** Every physical control, in panel order. */
export const PARAMETERS: readonly ParameterSpec[] = [
  ...speciesParameters(0),
  ...speciesParameters(1),
  {
    key: 'densityRatio',
    label: 'n̄_B/n̄_A',
    folder: 'Mixture',
    help: 'density ratio n̄_B/n̄_A of the mean densities (dimensionless, > 0; n̄_A is kept)',
    get: (c) => c.species[1].density / c.species[0].density,
    set: (c, v) => withSpecies(c, 1, { density: num(v) * c.species[0].density }),
    slider: [0.1, 10, 0.05],
  },
  {
    key: 'field',
    label: 'self-consistent field',
    folder: 'Mixture',
    help: 'the Poisson field E (off: a neutral Boltzmann mixture)',
    get: (c) => c.field.enabled,
    set: (c, v) => ({ ...c, field: { enabled: Boolean(v) } }),
  },
  {
    key: 'collisions',
    label: 'collisions',
    folder: 'Collisions',
    help: 'the Boltzmann collision operator (off: collisionless Vlasov–Poisson)',
    get: (c) => c.collisions.enabled,
    set: (c, v) => ({ ...c, collisions: { ...c.collisions, enabled: Boolean(v) } }),
  },
  {
    key: 'gamma',
    label: 'γ',
    folder: 'Collisions',
    help: 'kernel exponent γ ∈ (−3, 1] of B = |q|^γ b (1 hard spheres, 0 Maxwell molecules, < 0 soft)',
    get: (c) => c.collisions.gamma,
    set: (c, v) => ({ ...c, collisions: { ...c.collisions, gamma: num(v) } }),
    slider: [-2.95, 1, 0.05],
  },
  {
    key: 'knudsen',
    label: 'ε',
    folder: 'Collisions',
    help: 'Knudsen number ε > 0 (the slider moves log10 ε; type ε itself in the box)',
    get: (c) => c.collisions.knudsen,
    set: (c, v) => ({ ...c, collisions: { ...c.collisions, knudsen: num(v) } }),
    slider: [-4, 1, 0.05],
    logarithmic: true,
  },
  {
    key: 'accuracy',
    label: 'collision accuracy',
    folder: 'Collisions',
    help:
      'quadrature sizes of the collision operator (fast: fewer radial nodes and sphere points, less work; ' +
      'fine: more); its measured error against a much finer quadrature is shown below it',
    get: (c) => c.collisions.accuracy ?? 'standard',
    set: (c, v) => ({
      ...c,
      collisions: { ...c.collisions, accuracy: v as NonNullable<SimulationConfig['collisions']['accuracy']> },
    }),
    options: { fast: 'fast', standard: 'standard', fine: 'fine' },
  },
  {
    key: 'scheme',
    label: 'collision step',
    folder: 'Collisions',
    help:
      'time scheme of the collision step: exponential (first order, L-stable, cheapest) or trapezoidal ' +
      '(second order; the O(ε) deviation from M is the Navier–Stokes one at any λ = Δt ν̄/ε; costs more per step)',
    get: (c) => c.collisions.scheme ?? 'exponential',
    set: (c, v) => ({
      ...c,
      collisions: { ...c.collisions, scheme: v as NonNullable<SimulationConfig['collisions']['scheme']> },
    }),
    options: { exponential: 'exponential', trapezoidal: 'trapezoidal' },
  },
  {
    key: 'nx',
    label: 'n_x',
    folder: 'Grid',
    help: 'x-cells (integer ≥ 1; 1 = homogeneous)',
    get: (c) => c.grid.nx,
    set: (c, v) => ({ ...c, grid: { ...c.grid, nx: num(v) } }),
    slider: [1, 256, 1],
  },
  {
    key: 'nv',
    label: 'N_v',
    folder: 'Grid',
    help: 'velocity points per axis (N_v³ per cell); heavy species need more',
    get: (c) => c.grid.nv,
    set: (c, v) => ({ ...c, grid: { ...c.grid, nv: num(v) } }),
    options: { '8': 8, '16': 16, '32': 32, '64': 64 },
  },
  {
    key: 'vmax',
    label: 'L (0 = auto)',
    folder: 'Grid',
    help: 'velocity box half-width L (dimensionless); 0 = automatic (the alias-free box with collisions)',
    get: (c) => c.grid.vmax ?? 0,
    set: (c, v) => ({ ...c, grid: { ...c.grid, vmax: num(v) === 0 ? null : num(v) } }),
    slider: [0, 20, 0.05],
  },
  {
    key: 'length',
    label: 'ℓ',
    folder: 'Grid',
    help: 'period ℓ of x (dimensionless, > 0)',
    get: (c) => c.grid.length,
    set: (c, v) => ({ ...c, grid: { ...c.grid, length: num(v) } }),
    slider: [1, 100, 0.01],
  },
  {
    key: 'tEnd',
    label: 't_end',
    folder: 'Grid',
    help: 'final time of the run (dimensionless, > 0)',
    get: (c) => c.time.tEnd,
    set: (c, v) => ({ ...c, time: { ...c.time, tEnd: num(v) } }),
    slider: [0.1, 100, 0.1],
  },
  {
    key: 'dtRule',
    label: 'Δt rule',
    folder: 'Grid',
    help:
      "what the automatic Δt bounds: accurate (transport, plasma period and the collision step's own error, " +
      'λ = Δt ν̄/ε ≤ 0.5 trapezoidal / 1 exponential, at most 4× the steps), expansion (the same bound at every ε, ' +
      'no cap: for measuring the remainder at small ε; steps ∝ 1/ε) or stable (transport and plasma period only)',
    get: (c) => c.time.dtRule ?? 'accurate',
    set: (c, v) => ({
      ...c,
      time: { ...c.time, dtRule: v as NonNullable<SimulationConfig['time']['dtRule']> },
    }),
    options: { accurate: 'accurate', 'expansion (no cap)': 'expansion', 'stable only': 'stable' },
  },
  {
    key: 'amplitude',
    label: 'amplitude a',
    folder: 'Perturbation',
    help: 'a in n = n̄(1 + a cos(2πjx/ℓ)), |a| < 1, both species',
    get: (c) => c.perturbation.amplitude,
    set: (c, v) => ({ ...c, perturbation: { ...c.perturbation, amplitude: num(v) } }),
    slider: [-0.5, 0.5, 0.001],
  },
  {
    key: 'mode',
    label: 'mode j',
    folder: 'Perturbation',
    help: 'wave number j of the perturbation (integer, 2j < n_x)',
    get: (c) => c.perturbation.mode,
    set: (c, v) => ({ ...c, perturbation: { ...c.perturbation, mode: num(v) } }),
    slider: [0, 16, 1],
  },
  {
    key: 'kind',
    label: 'kind',
    folder: 'Perturbation',
    help: '"density" (fixed θ) or "isentropic" (θ ∝ n^{2/3}, the paper\'s well-prepared data)',
    get: (c) => c.perturbation.kind,
    set: (c, v) => ({
      ...c,
      perturbation: { ...c.perturbation, kind: v === 'isentropic' ? 'isentropic' : 'density' },
    }),
    options: { density: 'density', isentropic: 'isentropic' },
  },
  {
    key: 'order',
    label: 'order n',
    folder: 'Remainder',
    help:
      'truncation order n of the remainder F_R = (F_ε − Σ_{i≤n} ε^i F_i)/ε: 0 (F_0 alone) or 1 (F_0 + εF_1, ' +
      'collisions on; the run starts well prepared from F_0(0) + εF_1(0)). n = 1 builds F_1 on the CPU at every ' +
      'output, one 𝓛⁻¹ solve per x cell (≈ 0.7 s a cell at N_v = 16 on a 2-core machine): slow on large grids',
    get: (c) => remainderOf(c).order,
    set: (c, v) => {
      const { wellPrepared: _, ...rest } = remainderOf(c);
      return {
        ...c,
        remainder: num(v) === 1 ? { ...rest, order: 1, wellPrepared: true } : { ...rest, order: 0 },
      };
    },
    options: { 'F_0 (n = 0)': 0, 'F_0 + εF_1 (n = 1)': 1 },
  },
  {
    key: 'k',
    label: 'k',
    folder: 'Remainder',
    help: "the theorem's k ≥ 6 (integer): y(k, γ) and κ̃(t)",
    get: (c) => remainderOf(c).k,
    set: (c, v) => ({ ...c, remainder: { ...remainderOf(c), k: num(v) } }),
    slider: [6, 30, 1],
  },
  {
    key: 'kappa0',
    label: 'κ0',
    folder: 'Remainder',
    help: 'κ0 in κ̃(t) = κ0(1 + (1+t)^{−2/(2k−1)}), 0 < κ0 < 1',
    get: (c) => remainderOf(c).kappa0,
    set: (c, v) => ({ ...c, remainder: { ...remainderOf(c), kappa0: num(v) } }),
    slider: [0.001, 0.5, 0.001],
  },
  {
    key: 'threshold',
    label: 'threshold',
    folder: 'Remainder',
    help: 'T_valid = the first time the chosen norm exceeds this (> 0)',
    get: (c) => remainderOf(c).threshold,
    set: (c, v) => ({ ...c, remainder: { ...remainderOf(c), threshold: num(v) } }),
    slider: [0.01, 10, 0.01],
  },
  {
    key: 'norm',
    label: 'norm',
    folder: 'Remainder',
    help: 'the norm that defines the validity time',
    get: (c) => remainderOf(c).norm,
    set: (c, v) => ({ ...c, remainder: { ...remainderOf(c), norm: v as RemainderConfig['norm'] } }),
    options: { 'E(t) (energy)': 'energy', L2: 'L2', 'weighted L∞': 'Linf', '‖∇φ_R‖': 'field' },
  },
];

/** The CPU fallback's grid: the float64 reference is slow, so the grid is small. */
export const CPU_MAX_NX = 16;
export const CPU_NV = 8;
/** The small grids' N_v, the first that resolves the species being used (smallGrid). */
const SMALL_NVS = [CPU_NV, 16] as const;
/**
 * The CPU fallback's exchange-rate target: its N_v = 8 grid is a demonstration, so its error is
 * shown (under N_v) rather than refused, up to 5 × 0.5 (gridAccuracy.ts GRID_REFUSAL_FACTOR).
 */
export const CPU_GRID_TOLERANCE = 0.5;
/** Box half-width in thermal speeds used at N_v = 8 when the config asks for an automatic box. */
export const CPU_BOX_THERMAL_SPEEDS = 4.5;

/**
 * The config the CPU fallback runs: n_x ≤ 16, N_v = 8, and (when the box is automatic, or was
 * chosen for another N_v) an explicit box of 4.5 thermal speeds of the lighter species plus the
 * drift — the automatic alias-free box needs N_v ≥ 32 for any mass ratio. Returns what it changed,
 * for the page to say.
 */
export function smallGridForCpu(c: SimulationConfig): { config: SimulationConfig; changes: string[] } {
  return smallGrid(c, CPU_MAX_NX);
}

/** The adapter the page runs on: none (CPU float64), a CPU rasteriser (SwiftShader …), a GPU. */
export type AdapterKind = 'cpu' | 'software' | 'gpu';

/**
 * n_x of the presets on a software adapter. Measured (Dawn's SwiftShader on the 2-core CI machine,
 * N_v = 8, outputs every step): 0.58 s per step at n_x = 16, 0.30 s at n_x = 8; N_v = 16 takes
 * ~5 s and N_v = 32 ~80 s per step, so a preset as written would show no step for minutes.
 */
export const SOFTWARE_MAX_NX = 8;
/** n_x of the presets on a GPU (issue 16: the default demo at n_x = 64) … */
export const GPU_PRESET_NX = 64;
/** … while n_x·N_v³ stays within the largest preset's 64·32³ points (the O⁺/He⁺ one is 8·64³). */
export const GPU_PRESET_POINTS = 64 * 32 ** 3;

/**
 * A preset as the page opens it on this adapter (issue 16: the first set-up shown fits the
 * adapter): on the CPU the fallback grid (as every set-up), on a software adapter the same small
 * grid with n_x ≤ 8, on a GPU n_x = 64 where the point count allows. Set-ups given by URL, file or
 * edit run as given on an adapter (the CPU fallback still shrinks them). Returns what it changed.
 */
export function presetForAdapter(
  c: SimulationConfig,
  adapter: AdapterKind,
): { config: SimulationConfig; changes: string[] } {
  if (adapter === 'cpu') return smallGridForCpu(c);
  if (adapter === 'software') return smallGrid(c, SOFTWARE_MAX_NX);
  const { nx, nv } = c.grid;
  if (nx >= GPU_PRESET_NX || GPU_PRESET_NX * nv ** 3 > GPU_PRESET_POINTS) return { config: c, changes: [] };
  return {
    config: { ...c, grid: { ...c.grid, nx: GPU_PRESET_NX } },
    changes: [`n_x ${nx} → ${GPU_PRESET_NX}`],
  };
}

/**
 * n_x ≤ maxNx, N_v = 8 (16 where the narrower species would span fewer than the resolver's 0.75
 * cells per thermal speed at 8: a mass ratio at one temperature, e.g. O⁺/NO⁺) with an explicit box
 * and a demonstration tolerance (smallGridForCpu).
 */
function smallGrid(c: SimulationConfig, maxNx: number): { config: SimulationConfig; changes: string[] } {
  const changes: string[] = [];
  let grid = c.grid;
  if (grid.nx > maxNx) {
    changes.push(`n_x ${grid.nx} → ${maxNx}`);
    grid = { ...grid, nx: maxNx };
  }
  // an explicit box goes with its N_v (the presets' are the cheapest accurate box at theirs)
  const keepBox = grid.vmax !== null && grid.nv === CPU_NV;
  const vmax = keepBox
    ? grid.vmax!
    : Number(
        Math.max(
          ...c.species.map(
            (s) => CPU_BOX_THERMAL_SPEEDS * Math.sqrt(s.temperature / s.mass) + Math.hypot(...s.drift),
          ),
        ).toPrecision(3),
      );
  const resolves = (nv: number) =>
    !c.collisions.enabled ||
    checkResolvable(velocityGrid(nv, vmax), [c.species[0], c.species[1]], { supportCheck: 'warn' }).ok;
  const nv = keepBox ? CPU_NV : (SMALL_NVS.find(resolves) ?? SMALL_NVS.at(-1)!);
  if (grid.nv !== nv) {
    changes.push(`N_v ${grid.nv} → ${nv}`);
    grid = { ...grid, nv };
  }
  if (grid.vmax !== vmax) {
    changes.push(`L ${c.grid.vmax === null ? 'automatic' : c.grid.vmax} → ${vmax}`);
    grid = { ...grid, vmax };
  }
  if (grid.tolerance === undefined || grid.tolerance < CPU_GRID_TOLERANCE) {
    // N_v = 8 misses the exchange rates by 10–30 % (gridAccuracy.ts); shown under N_v, not refused
    changes.push(`grid.tolerance ${grid.tolerance ?? 0.01} → ${CPU_GRID_TOLERANCE}`);
    grid = { ...grid, tolerance: CPU_GRID_TOLERANCE };
  }
  let perturbation = c.perturbation;
  if (2 * perturbation.mode >= grid.nx) {
    const mode = Math.max(0, Math.ceil(grid.nx / 2) - 1);
    changes.push(`mode ${perturbation.mode} → ${mode}`);
    perturbation = { ...perturbation, mode };
  }
  return { config: { ...c, grid, perturbation }, changes };
}
