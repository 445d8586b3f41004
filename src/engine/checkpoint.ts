/**
 * The checkpoint file (issue 8): everything needed to continue a run exactly where it stopped, in
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
import type { SimulationConfig } from '../physics/config';
import { parseConfig } from '../physics/configSchema';

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
    // copy: the input's buffer may be shared and is not aligned for Float64Array in general
    const copy = input.slice(offset, offset + bytes).buffer;
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
