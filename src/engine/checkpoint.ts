/**
 * The checkpoint file: everything needed to continue a run exactly where it stopped, in
 * one versioned binary file that the CLI, the browser (download/upload, IndexedDB) and the tests
 * share. Layout, little-endian:
 *
 *     0  "VPBCKPT\0"            magic (8 bytes)
 *     8  u32 version            CHECKPOINT_VERSION
 *    12  u32 total byte length  (a truncated file is told apart from a corrupted one)
 *    16  u32 CRC-32             of bytes [24, end)
 *    20  u32 meta byte length   (UTF-8 JSON: config, step, time, section list, free extras)
 *    24  meta JSON, zero-padded to a multiple of 8
 *        sections, in the order the meta lists them, each 8-byte aligned: f32 or f64 arrays
 *
 * Decoding never trusts the file: every length is checked against the bytes present, the config
 * is re-validated by parseConfig, and the distribution's size must match the config's grid. Each
 * failure is a CheckpointError with its own `kind` and a one-line message.
 */
import {
  HILBERT_COLUMNS,
  type ResolvedConfig,
  type SimulationConfig,
  TIMESERIES_COLUMNS,
  type TimeseriesRow,
} from '../physics/config';
import { parseConfig, stepCount } from '../physics/configSchema';
import type { FluidScheme, FluidSolverState } from '../physics/fluid/twoFluidEulerPoisson';
import type { HilbertFluidState } from '../physics/hilbert/firstOrderFluid';
import { MOMENT_COUNT } from '../physics/moments';
import type { FluidReferenceState } from './remainderMonitor';
import { FLUID_REFERENCE_COLUMNS } from './step';
import { MAX_HALVINGS } from './stepGuard';

export const CHECKPOINT_MAGIC = 'VPBCKPT\0';
export const CHECKPOINT_VERSION = 1;
const HEADER_BYTES = 24;
/** A checkpoint's meta JSON above this is not one of ours (configs are ~1 kB). */
const MAX_META_BYTES = 1 << 20;

export type CheckpointErrorKind =
  | 'truncated'
  | 'not-a-checkpoint'
  | 'version'
  | 'checksum'
  | 'format'
  | 'config'
  | 'size';

export class CheckpointError extends Error {
  constructor(
    readonly kind: CheckpointErrorKind,
    message: string,
  ) {
    super(`checkpoint refused (${kind}): ${message}`);
    this.name = 'CheckpointError';
  }
}

type SectionArray = Float32Array | Float64Array;

export interface Checkpoint {
  readonly config: SimulationConfig;
  /** Steps taken and the time reached. */
  readonly step: number;
  readonly time: number;
  /**
   * Named arrays. `distribution` ([species][cell][N³] f32) is required and checked against the
   * config's grid; the rest (fluid state, recorded rows, sweep points) are the writer's.
   */
  readonly sections: Readonly<Record<string, SectionArray>>;
  /** Small JSON-serialisable extras (e.g. column names of a rows section). */
  readonly extras?: Readonly<Record<string, unknown>>;
}

interface SectionEntry {
  name: string;
  type: 'f32' | 'f64';
  length: number;
}

interface Meta {
  config: SimulationConfig;
  step: number;
  time: number;
  sections: SectionEntry[];
  extras?: Record<string, unknown>;
}

const align8 = (n: number) => (n + 7) & ~7;

export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  if (!(checkpoint.sections.distribution instanceof Float32Array)) {
    throw new TypeError('checkpoint: the "distribution" section (Float32Array) is required');
  }
  const entries: SectionEntry[] = Object.entries(checkpoint.sections).map(([name, array]) => ({
    name,
    type: array instanceof Float32Array ? 'f32' : 'f64',
    length: array.length,
  }));
  const meta: Meta = {
    config: checkpoint.config,
    step: checkpoint.step,
    time: checkpoint.time,
    sections: entries,
    ...(checkpoint.extras ? { extras: { ...checkpoint.extras } } : {}),
  };
  const metaBytes = new TextEncoder().encode(JSON.stringify(meta));
  let total = HEADER_BYTES + align8(metaBytes.length);
  for (const e of entries) total += align8(e.length * (e.type === 'f32' ? 4 : 8));
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, total, true);
  view.setUint32(20, metaBytes.length, true);
  bytes.set(metaBytes, HEADER_BYTES);
  let offset = HEADER_BYTES + align8(metaBytes.length);
  for (const e of entries) {
    const array = checkpoint.sections[e.name]!;
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
    offset += align8(array.byteLength);
  }
  // little-endian hosts only (every WebGPU platform); the typed-array bytes are copied as they are
  view.setUint32(16, crc32(bytes, 20), true);
  return bytes;
}

export function decodeCheckpoint(input: Uint8Array): Checkpoint {
  if (input.length < HEADER_BYTES) {
    throw new CheckpointError(
      'truncated',
      `${input.length} bytes, shorter than the ${HEADER_BYTES}-byte header`,
    );
  }
  for (let i = 0; i < 8; i++) {
    if (input[i] !== CHECKPOINT_MAGIC.charCodeAt(i)) {
      throw new CheckpointError('not-a-checkpoint', 'the file does not start with "VPBCKPT"');
    }
  }
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(
      'version',
      `format version ${version}; this build reads version ${CHECKPOINT_VERSION} only`,
    );
  }
  const total = view.getUint32(12, true);
  if (input.length < total) {
    throw new CheckpointError('truncated', `${input.length} of ${total} bytes present`);
  }
  if (input.length > total) {
    throw new CheckpointError('size', `${input.length} bytes where the header says ${total}`);
  }
  const expected = view.getUint32(16, true);
  const actual = crc32(input, 20);
  if (expected !== actual) {
    throw new CheckpointError(
      'checksum',
      `CRC-32 ${hex(actual)} does not match the stored ${hex(expected)}: the file is corrupted`,
    );
  }
  const metaLength = view.getUint32(20, true);
  if (metaLength > MAX_META_BYTES || HEADER_BYTES + metaLength > total) {
    throw new CheckpointError('format', `meta length ${metaLength} does not fit the file`);
  }
  const meta = parseMeta(input.subarray(HEADER_BYTES, HEADER_BYTES + metaLength));
  let config: SimulationConfig;
  try {
    config = parseConfig(meta.config);
  } catch (e) {
    throw new CheckpointError('config', (e as Error).message);
  }
  const sections: Record<string, SectionArray> = {};
  let offset = HEADER_BYTES + align8(metaLength);
  for (const e of meta.sections) {
    const bytes = e.length * (e.type === 'f32' ? 4 : 8);
    if (offset + bytes > total) {
      throw new CheckpointError(
        'format',
        `section "${e.name}" (${bytes} bytes) runs past the end of the file`,
      );
    }
    // copy: the input's buffer may be shared and is not aligned for Float64Array in general (the
    // plain Uint8Array's slice: a Node Buffer's own slice() is a view into a shared pool, not a copy)
    const copy = new Uint8Array(input.buffer, input.byteOffset + offset, bytes).slice().buffer;
    sections[e.name] = e.type === 'f32' ? new Float32Array(copy) : new Float64Array(copy);
    offset += align8(bytes);
  }
  if (offset !== total) throw new CheckpointError('format', `${total - offset} bytes after the last section`);
  const distribution = sections.distribution;
  const { nx, nv } = config.grid;
  const expectedValues = 2 * nx * nv ** 3;
  if (!(distribution instanceof Float32Array) || distribution.length !== expectedValues) {
    throw new CheckpointError(
      'size',
      `distribution has ${distribution?.length ?? 0} values; grid.nx = ${nx}, grid.nv = ${nv} need 2·nx·nv³ = ${expectedValues}`,
    );
  }
  return {
    config,
    step: meta.step,
    time: meta.time,
    sections,
    ...(meta.extras ? { extras: meta.extras } : {}),
  };
}

function parseMeta(bytes: Uint8Array): Meta {
  let meta: unknown;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new CheckpointError('format', 'the meta block is not UTF-8 JSON');
  }
  const m = meta as Partial<Meta> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new CheckpointError('format', 'the meta block is not a JSON object');
  }
  if (!Number.isSafeInteger(m.step) || (m.step as number) < 0) {
    throw new CheckpointError('format', `step = ${JSON.stringify(m.step)}: allowed an integer ≥ 0`);
  }
  if (typeof m.time !== 'number' || !Number.isFinite(m.time) || m.time < 0) {
    throw new CheckpointError('format', `time = ${JSON.stringify(m.time)}: allowed a finite number ≥ 0`);
  }
  if (!Array.isArray(m.sections)) throw new CheckpointError('format', 'the section list is missing');
  const names = new Set<string>();
  for (const s of m.sections as unknown[]) {
    const e = s as Partial<SectionEntry> | null;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.name !== 'string' ||
      (e.type !== 'f32' && e.type !== 'f64') ||
      !Number.isSafeInteger(e.length) ||
      (e.length as number) < 0 ||
      names.has(e.name) ||
      e.name === '__proto__'
    ) {
      throw new CheckpointError('format', `bad section entry ${JSON.stringify(s)?.slice(0, 80)}`);
    }
    names.add(e.name);
  }
  if (
    m.extras !== undefined &&
    (typeof m.extras !== 'object' || m.extras === null || Array.isArray(m.extras))
  ) {
    throw new CheckpointError('format', 'extras is not a JSON object');
  }
  return m as Meta;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of bytes[from..]. Written here because it
 * is a dozen lines and must run identically in Node 20 (no zlib.crc32 before Node 22) and in the
 * browser (no built-in).
 */
export function crc32(bytes: Uint8Array, from = 0): number {
  let crc = 0xffffffff;
  for (let i = from; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * What a SimulationSession writes into a checkpoint (session.ts checkpoint/restore), besides the
 * required `distribution`:
 *
 *   sections  fluid           f64 [6][nx]   the Euler–Poisson solver's conserved state
 *             initialMoments  f64 [2][nx][MOMENT_COUNT]  the raw moments at t = 0 (the fluid's
 *                                           start and reset())
 *             rows            f64 [row][column]  every output row so far, columns in extras.columns
 *             distribution64  f64, optional  the CPU backend's float64 state (bit-identical resume)
 *             fluidFirstOrder f64 [2][6][nx], with remainder.order 1 only: [U_0; U_1] of the
 *                                           first-order reference (firstOrderReference.ts)
 *   extras    columns, backend ('webgpu' | 'cpu'), fluidTime, fluidSubsteps, fluidScheme,
 *             fluidFailure, fluidSwitch (the fluid reference's scheme now, and when and why it
 *             failed or handed over; absent in older files: the config's scheme, none), halvings (the step
 *             guard's Δt halvings so far), baseDt, baseOutputEvery (the config's own values; the
 *             checkpoint's config carries the current, halved ones), fluidFirstOrderTime (order 1)
 *   rows of files older than the hilbert_residual_L2 and fluid1_* columns read NaN there
 *
 * sessionCheckpointContents checks all of it against the config and returns it typed; every
 * failure is a CheckpointError ('format' for a missing or malformed part, 'size' for a length that
 * does not match the grid), so a file the format accepts but the session could not continue from is
 * refused the same way, before anything is built.
 */
export interface SessionCheckpointContents {
  /** The config the run continues with (Δt and outputEvery as the guard left them). */
  readonly config: ResolvedConfig;
  /** The same with the config's own Δt and outputEvery (what reset() returns to, what summary.json shows). */
  readonly baseConfig: ResolvedConfig;
  readonly halvings: number;
  readonly step: number;
  readonly state: Float32Array;
  readonly state64: Float64Array | null;
  /** The fluid reference: its solver's state, scheme, failure and hand-over (remainderMonitor.ts). */
  readonly reference: FluidReferenceState;
  readonly initialMoments: Float64Array;
  /** The recorded rows, the first at t = 0, finite but for remainder columns after a failed reference. */
  readonly rows: TimeseriesRow[];
  readonly backend: 'webgpu' | 'cpu' | null;
}

/** The fluid solver's conserved variables per cell (physics/fluid/variables.ts NVAR). */
const FLUID_VARIABLES = 6;

/** Row columns appended after checkpoints were first written (absent in older files: NaN). */
const ADDED_LATER = new Set<string>(HILBERT_COLUMNS);

export function sessionCheckpointContents(checkpoint: Checkpoint): SessionCheckpointContents {
  const bad = (kind: 'format' | 'size', message: string): never => {
    throw new CheckpointError(kind, message);
  };
  const { config: raw, sections, step } = checkpoint;
  const extras = (checkpoint.extras ?? {}) as Record<string, unknown>;
  if (typeof raw.time.dt !== 'number' || typeof raw.grid.vmax !== 'number') {
    bad('format', 'the config is not resolved (time.dt or grid.vmax is null): not a session checkpoint');
  }
  const config = raw as ResolvedConfig;
  const { nx } = config.grid;
  const f64 = (name: string, length: number | null): Float64Array => {
    const array = sections[name];
    if (!(array instanceof Float64Array)) return bad('format', `the "${name}" section (f64) is missing`);
    if (length !== null && array.length !== length) {
      bad('size', `section "${name}" has ${array.length} values; grid.nx = ${nx} needs ${length}`);
    }
    return array;
  };
  const columns = extras.columns;
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) {
    bad('format', 'extras.columns (the names of the row columns) is missing');
  }
  const names = columns as string[];
  const index = TIMESERIES_COLUMNS.map((c) => names.indexOf(c));
  // files written before the Hilbert-residual columns existed: those read NaN (not measured then)
  const absent = TIMESERIES_COLUMNS.filter((c, k) => index[k]! < 0 && !ADDED_LATER.has(c));
  if (absent.length > 0) bad('format', `the rows lack the column(s) ${absent.join(', ')}`);
  const flat = f64('rows', null);
  if (names.length === 0 || flat.length === 0 || flat.length % names.length !== 0) {
    bad(
      'size',
      `section "rows" has ${flat.length} values, not a whole number (≥ 1) of ${names.length}-column rows`,
    );
  }
  // NaN is the remainder columns' value once the fluid reference has failed; nowhere else
  const observed = new Set<string>(FLUID_REFERENCE_COLUMNS);
  flat.forEach((value, k) => {
    if (!Number.isFinite(value) && !observed.has(names[k % names.length]!))
      bad('format', `a recorded row has a non-finite ${names[k % names.length]}`);
  });
  const rows: TimeseriesRow[] = [];
  for (let r = 0; r < flat.length / names.length; r++) {
    const base = r * names.length;
    rows.push(
      Object.fromEntries(
        TIMESERIES_COLUMNS.map((c, k) => [c, index[k]! < 0 ? Number.NaN : flat[base + index[k]!]!]),
      ) as TimeseriesRow,
    );
  }
  const integer = (name: string, min: number, max: number): number => {
    const value = extras[name];
    if (!(Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max)) {
      bad('format', `extras.${name} = ${JSON.stringify(value)}: allowed an integer in [${min}, ${max}]`);
    }
    return value as number;
  };
  const positive = (name: string): number => {
    const value = extras[name];
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      bad('format', `extras.${name} = ${JSON.stringify(value)}: allowed a finite number > 0`);
    }
    return value as number;
  };
  const halvings = integer('halvings', 0, MAX_HALVINGS);
  const baseDt = positive('baseDt');
  const baseOutputEvery = integer('baseOutputEvery', 1, Number.MAX_SAFE_INTEGER);
  const scale = 2 ** halvings;
  if (config.time.dt !== baseDt / scale || config.time.outputEvery !== baseOutputEvery * scale) {
    bad(
      'format',
      `time.dt = ${config.time.dt} and outputEvery = ${config.time.outputEvery} are not baseDt = ${baseDt} ` +
        `and baseOutputEvery = ${baseOutputEvery} after ${halvings} halving(s)`,
    );
  }
  if (step > stepCount(config)) bad('format', `step ${step} is past the run's ${stepCount(config)} steps`);
  const fluidTime = extras.fluidTime;
  if (!(typeof fluidTime === 'number' && Number.isFinite(fluidTime) && fluidTime >= 0)) {
    bad('format', `extras.fluidTime = ${JSON.stringify(fluidTime)}: allowed a finite number ≥ 0`);
  }
  const fluid: FluidSolverState = {
    conserved: f64('fluid', FLUID_VARIABLES * nx),
    time: fluidTime as number,
    substeps: integer('fluidSubsteps', 0, Number.MAX_SAFE_INTEGER),
  };
  const initialMoments = f64('initialMoments', 2 * nx * MOMENT_COUNT);
  const state = sections.distribution as Float32Array;
  for (const [name, array] of [
    ['distribution', state],
    ['fluid', fluid.conserved],
    ['initialMoments', initialMoments],
  ] as const) {
    if (!array.every(Number.isFinite)) bad('format', `section "${name}" has a non-finite value`);
  }
  const state64 = sections.distribution64 === undefined ? null : f64('distribution64', state.length);
  if (state64 && !state64.every(Number.isFinite))
    bad('format', 'section "distribution64" has a non-finite value');
  const backend = extras.backend === 'webgpu' || extras.backend === 'cpu' ? extras.backend : null;
  let firstOrder: HilbertFluidState | null = null;
  if (config.remainder?.order === 1) {
    const conserved = f64('fluidFirstOrder', 2 * FLUID_VARIABLES * nx);
    if (!conserved.every(Number.isFinite)) bad('format', 'section "fluidFirstOrder" has a non-finite value');
    const time = extras.fluidFirstOrderTime;
    if (!(typeof time === 'number' && Number.isFinite(time) && time >= 0)) {
      bad('format', `extras.fluidFirstOrderTime = ${JSON.stringify(time)}: allowed a finite number ≥ 0`);
    }
    firstOrder = { conserved, time: time as number };
  }
  const reference: FluidReferenceState = {
    firstOrder,
    fluid,
    scheme: fluidSchemeOf(extras.fluidScheme, config, bad),
    failure: fluidEventOf('fluidFailure', extras.fluidFailure, bad),
    switched: fluidEventOf('fluidSwitch', extras.fluidSwitch, bad),
  };
  const baseConfig: ResolvedConfig = {
    ...config,
    time: { ...config.time, dt: baseDt, outputEvery: baseOutputEvery },
  };
  return { config, baseConfig, halvings, step, state, state64, reference, initialMoments, rows, backend };
}

/** extras.fluidScheme, or (older files) the scheme the config starts with. */
function fluidSchemeOf(
  value: unknown,
  config: ResolvedConfig,
  bad: (kind: 'format', message: string) => never,
): FluidScheme {
  if (value === undefined) return config.remainder?.fluid === 'finiteVolume' ? 'finiteVolume' : 'spectral';
  if (value === 'finiteVolume' || value === 'spectral') return value;
  return bad('format', `extras.fluidScheme = ${JSON.stringify(value)}: allowed "finiteVolume" or "spectral"`);
}

/** extras.fluidFailure or fluidSwitch: null/absent, or {time ≥ 0, reason}. */
function fluidEventOf(
  name: string,
  value: unknown,
  bad: (kind: 'format', message: string) => never,
): { readonly time: number; readonly reason: string } | null {
  if (value === undefined || value === null) return null;
  const { time, reason } = value as { time?: unknown; reason?: unknown };
  if (!(typeof time === 'number' && Number.isFinite(time) && time >= 0 && typeof reason === 'string')) {
    return bad('format', `extras.${name} = ${JSON.stringify(value)}: allowed null or {time ≥ 0, reason}`);
  }
  return { time, reason };
}
