/**
 * A run set-up as URL search parameters (the app's shareable link): every field of the run config
 * under a short, readable key, e.g.
 *
 *     ?preset=f1-layer&nameA=O%2B&mA=16&eA=1&dA=1&nA=1&TA=1&uA=0%2C0%2C0&…&gamma=0&eps=0.1&nx=16&nv=32
 *
 * Decoding never throws: garbage, NaN, a missing key or a value out of range comes back as a
 * refusal naming the URL parameter and its allowed range, the range text being configSchema's own
 * (parseConfig does the checking, then resolveConfig, so a decoded set-up is one the engine runs).
 * Every key but `fluid`, `acc`, `scheme`, `proj`, `gtol`, `dtRule`, `ord` and `wp` (optional in the config contract too) is required, so a link
 * cannot silently change meaning when a default changes.
 *
 * Keys: species A/B: nameA, mA (mass, proton masses), eA (charge, units of e), dA (diameter),
 * nA (mean density), TA (temperature θ), uA (drift "u1,u2,u3"); collisions: coll (1/0), gamma,
 * eps (Knudsen number), acc (collisions.accuracy: fast, standard or fine), scheme
 * (collisions.scheme: exponential or trapezoidal), proj (collisions.projection: uniform or maxwellian); field (1/0); grid: nx, length (period ℓ), nv, vmax (L, or "auto"),
 * gtol (grid.tolerance);
 * perturbation: kind, amp, mode; time: dt (or "auto"), tEnd, every (outputEvery), dtRule (accurate, expansion or stable); remainder: ord
 * (order n, 0 or 1; absent 0), wp (wellPrepared 1/0, read with ord 1 only), k, kappa0, l, thr (threshold), norm, fluid; and optionally preset (an id of presets.ts).
 */
import { DEFAULT_REMAINDER, type SimulationConfig } from './config';
import { type ParsedConfig, parseConfig, resolveConfig } from './configSchema';
import { presetById } from './presets';
import { InvalidParameterError } from './velocityGrid';

export interface DecodedShare {
  readonly ok: true;
  readonly config: ParsedConfig;
  /** The `preset` parameter, when it names a known preset. */
  readonly presetId?: string;
}

export interface ShareRefusal {
  readonly ok: false;
  /** The URL parameter at fault (e.g. "mA"); null when the fault is not one parameter's. */
  readonly parameter: string | null;
  /** One line: the parameter, the value received and the allowed range. */
  readonly message: string;
}

type Codec = {
  /** The URL key. */
  readonly key: string;
  /** configSchema's field path of the value (refusals are mapped back through it). */
  readonly path: string;
  readonly encode: (c: SimulationConfig) => string;
};

const AUTO = 'auto';

function numberText(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}
const bool = (b: boolean) => (b ? '1' : '0');
const remainderOf = (c: SimulationConfig) => ({ ...DEFAULT_REMAINDER, ...c.remainder });

function speciesCodecs(s: 0 | 1): Codec[] {
  const tag = s === 0 ? 'A' : 'B';
  const at = `species[${s}]`;
  return [
    { key: `name${tag}`, path: `${at}.name`, encode: (c) => c.species[s].name },
    { key: `m${tag}`, path: `${at}.mass`, encode: (c) => numberText(c.species[s].mass) },
    { key: `e${tag}`, path: `${at}.charge`, encode: (c) => numberText(c.species[s].charge) },
    { key: `d${tag}`, path: `${at}.diameter`, encode: (c) => numberText(c.species[s].diameter) },
    { key: `n${tag}`, path: `${at}.density`, encode: (c) => numberText(c.species[s].density) },
    { key: `T${tag}`, path: `${at}.temperature`, encode: (c) => numberText(c.species[s].temperature) },
    { key: `u${tag}`, path: `${at}.drift`, encode: (c) => c.species[s].drift.map(numberText).join(',') },
  ];
}

/** Every key, in URL order. */
const CODECS: readonly Codec[] = [
  ...speciesCodecs(0),
  ...speciesCodecs(1),
  { key: 'coll', path: 'collisions.enabled', encode: (c) => bool(c.collisions.enabled) },
  { key: 'gamma', path: 'collisions.gamma', encode: (c) => numberText(c.collisions.gamma) },
  { key: 'eps', path: 'collisions.knudsen', encode: (c) => numberText(c.collisions.knudsen) },
  { key: 'acc', path: 'collisions.accuracy', encode: (c) => c.collisions.accuracy ?? 'standard' },
  { key: 'scheme', path: 'collisions.scheme', encode: (c) => c.collisions.scheme ?? 'exponential' },
  { key: 'proj', path: 'collisions.projection', encode: (c) => c.collisions.projection ?? 'uniform' },
  { key: 'field', path: 'field.enabled', encode: (c) => bool(c.field.enabled) },
  { key: 'nx', path: 'grid.nx', encode: (c) => numberText(c.grid.nx) },
  { key: 'length', path: 'grid.length', encode: (c) => numberText(c.grid.length) },
  { key: 'nv', path: 'grid.nv', encode: (c) => numberText(c.grid.nv) },
  {
    key: 'vmax',
    path: 'grid.vmax',
    encode: (c) => (c.grid.vmax === null ? AUTO : numberText(c.grid.vmax)),
  },
  { key: 'gtol', path: 'grid.tolerance', encode: (c) => numberText(c.grid.tolerance ?? 0.01) },
  { key: 'kind', path: 'perturbation.kind', encode: (c) => c.perturbation.kind },
  { key: 'amp', path: 'perturbation.amplitude', encode: (c) => numberText(c.perturbation.amplitude) },
  { key: 'mode', path: 'perturbation.mode', encode: (c) => numberText(c.perturbation.mode) },
  { key: 'dt', path: 'time.dt', encode: (c) => (c.time.dt === null ? AUTO : numberText(c.time.dt)) },
  { key: 'tEnd', path: 'time.tEnd', encode: (c) => numberText(c.time.tEnd) },
  { key: 'every', path: 'time.outputEvery', encode: (c) => numberText(c.time.outputEvery) },
  { key: 'dtRule', path: 'time.dtRule', encode: (c) => c.time.dtRule ?? 'accurate' },
  { key: 'ord', path: 'remainder.order', encode: (c) => numberText(remainderOf(c).order) },
  // meaningful with ord 1 only (absent or ignored with ord 0, as the config has no such field there)
  {
    key: 'wp',
    path: 'remainder.wellPrepared',
    encode: (c) => bool(remainderOf(c).order === 1 && remainderOf(c).wellPrepared !== false),
  },
  { key: 'k', path: 'remainder.k', encode: (c) => numberText(remainderOf(c).k) },
  { key: 'kappa0', path: 'remainder.kappa0', encode: (c) => numberText(remainderOf(c).kappa0) },
  { key: 'l', path: 'remainder.l', encode: (c) => numberText(remainderOf(c).l) },
  { key: 'thr', path: 'remainder.threshold', encode: (c) => numberText(remainderOf(c).threshold) },
  { key: 'norm', path: 'remainder.norm', encode: (c) => remainderOf(c).norm },
  {
    key: 'fluid',
    path: 'remainder.fluid',
    encode: (c) => remainderOf(c).fluid ?? DEFAULT_REMAINDER.fluid ?? 'auto',
  },
];

/** The URL keys, in the order encodeShareParams writes them (`preset` first when given). */
export const SHARE_KEYS: readonly string[] = ['preset', ...CODECS.map((c) => c.key)];

/** The config (and the preset it came from, if any) as URL search parameters. */
export function encodeShareParams(config: SimulationConfig, presetId?: string): URLSearchParams {
  const params = new URLSearchParams();
  if (presetId !== undefined) params.set('preset', presetId);
  for (const codec of CODECS) params.set(codec.key, codec.encode(config));
  return params;
}

/** `base` (e.g. location.href) with its query replaced by the set-up's parameters. */
export function shareUrl(base: string | URL, config: SimulationConfig, presetId?: string): string {
  const url = new URL(base);
  url.search = encodeShareParams(config, presetId).toString();
  url.hash = '';
  return url.toString();
}

/**
 * The set-up from URL search parameters (a URLSearchParams, or a query string with or without
 * '?'); unknown keys are ignored. Never throws.
 */
export function decodeShareParams(input: URLSearchParams | string): DecodedShare | ShareRefusal {
  try {
    const params = typeof input === 'string' ? new URLSearchParams(input) : input;
    const raw = (key: string) => params.get(key) ?? undefined;
    const species = (s: 0 | 1) => {
      const tag = s === 0 ? 'A' : 'B';
      return {
        name: raw(`name${tag}`),
        mass: numberOf(raw(`m${tag}`)),
        charge: numberOf(raw(`e${tag}`)),
        diameter: numberOf(raw(`d${tag}`)),
        density: numberOf(raw(`n${tag}`)),
        temperature: numberOf(raw(`T${tag}`)),
        drift: driftOf(raw(`u${tag}`)),
      };
    };
    const json = {
      species: [species(0), species(1)],
      collisions: {
        enabled: booleanOf(raw('coll')),
        gamma: numberOf(raw('gamma')),
        knudsen: numberOf(raw('eps')),
        // optional (links from before the setting): absent or "standard" is the default, kept absent
        ...(raw('acc') === undefined || raw('acc') === 'standard' ? {} : { accuracy: raw('acc') }),
        ...(raw('scheme') === undefined || raw('scheme') === 'exponential' ? {} : { scheme: raw('scheme') }),
        ...(raw('proj') === undefined || raw('proj') === 'uniform' ? {} : { projection: raw('proj') }),
      },
      field: { enabled: booleanOf(raw('field')) },
      grid: {
        nx: numberOf(raw('nx')),
        length: numberOf(raw('length')),
        nv: numberOf(raw('nv')),
        vmax: automaticOf(raw('vmax')),
        // optional like acc: absent or the default 0.01 is kept absent
        ...(raw('gtol') === undefined || raw('gtol') === '0.01' ? {} : { tolerance: numberOf(raw('gtol')) }),
      },
      perturbation: {
        kind: raw('kind'),
        amplitude: numberOf(raw('amp')),
        mode: numberOf(raw('mode')),
      },
      time: {
        dt: automaticOf(raw('dt')),
        tEnd: numberOf(raw('tEnd')),
        outputEvery: numberOf(raw('every')),
        // optional like acc and scheme: absent or the default is kept absent
        ...(raw('dtRule') === undefined || raw('dtRule') === 'accurate' ? {} : { dtRule: raw('dtRule') }),
      },
      remainder: {
        // optional: links written before order 1 existed are order 0
        order: raw('ord') === undefined ? 0 : numberOf(raw('ord')),
        ...(raw('ord') === '1' && raw('wp') !== undefined ? { wellPrepared: booleanOf(raw('wp')) } : {}),
        k: numberOf(raw('k')),
        kappa0: numberOf(raw('kappa0')),
        l: numberOf(raw('l')),
        threshold: numberOf(raw('thr')),
        norm: raw('norm'),
        fluid: raw('fluid'), // optional, as in the config contract (absent: "auto")
      },
    };
    const config = parseConfig(json);
    resolveConfig(config); // the grid must resolve too: a refusal here names nv, vmax or dt
    const preset = raw('preset');
    return preset !== undefined && presetById(preset)
      ? { ok: true, config, presetId: preset }
      : { ok: true, config };
  } catch (e) {
    return refusalOf(e, typeof input === 'string' ? new URLSearchParams(input) : input);
  }
}

function refusalOf(error: unknown, params: URLSearchParams): ShareRefusal {
  if (!(error instanceof InvalidParameterError)) {
    return { ok: false, parameter: null, message: error instanceof Error ? error.message : String(error) };
  }
  const codec = codecOfPath(error.field);
  if (!codec) return { ok: false, parameter: null, message: error.message };
  const value = params.get(codec.key);
  const message =
    value === null
      ? `${codec.key} is missing; allowed: ${error.allowed}`
      : `${codec.key} = ${JSON.stringify(value)} is not allowed: ${error.allowed}`;
  return { ok: false, parameter: codec.key, message };
}

/** The codec whose path is `field` or contains it (species[0].drift[1] → uA). */
function codecOfPath(field: string): Codec | undefined {
  return CODECS.find(
    (c) => field === c.path || field.startsWith(`${c.path}[`) || field.startsWith(`${c.path}.`),
  );
}

// A decimal number as String(x) writes it; anything else (hex, "Infinity", "", spaces) stays a
// string for parseConfig to refuse with the field's allowed range.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function numberOf(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return DECIMAL.test(text) ? Number(text) : text;
}

function automaticOf(text: string | undefined): number | string | null | undefined {
  return text === AUTO ? null : numberOf(text);
}

function booleanOf(text: string | undefined): boolean | string | undefined {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  return text;
}

function driftOf(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  return text.split(',').map(numberOf);
}
