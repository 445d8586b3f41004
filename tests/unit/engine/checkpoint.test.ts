/**
 * The checkpoint format (issue 8): round trip, one refusal per kind of damage, and fuzzing (random
 * bytes and random mutations of a valid file never crash the loader, hang it, or get accepted).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECKPOINT_VERSION,
  type Checkpoint,
  CheckpointError,
  crc32,
  decodeCheckpoint,
  encodeCheckpoint,
} from '../../../src/engine/checkpoint';
import type { SimulationConfig } from '../../../src/physics/config';
import { parseConfig } from '../../../src/physics/configSchema';
import { seededRandom } from '../../../src/physics/random';

const species = (name: string, mass: number) => ({
  name,
  mass,
  charge: 1,
  diameter: 1,
  density: 1,
  temperature: 1,
  drift: [0, 0, 0] as [number, number, number],
});

const config: SimulationConfig = parseConfig({
  species: [species('O+', 16), species('NO+', 30)],
  collisions: { enabled: true, gamma: 0, knudsen: 0.1 },
  field: { enabled: true },
  grid: { nx: 4, length: 6.283185307179586, nv: 8, vmax: null },
  perturbation: { kind: 'density', amplitude: 0.01, mode: 1 },
  time: { dt: null, tEnd: 1, outputEvery: 1 },
});

function sample(): Checkpoint {
  const random = seededRandom(7);
  const distribution = new Float32Array(2 * 4 * 8 ** 3).map(() => random());
  const rows = new Float64Array(3 * 20).map(() => random() - 0.5);
  return {
    config,
    step: 12,
    time: 0.375,
    sections: { distribution, rows, fluid: new Float64Array([1, 2, 3, Math.PI]) },
    extras: { columns: ['t', 'mass_A'], note: 'test' },
  };
}

const refusal = (bytes: Uint8Array) => {
  try {
    decodeCheckpoint(bytes);
  } catch (e) {
    if (e instanceof CheckpointError) return e;
    throw e;
  }
  return null;
};

describe('the checkpoint file', () => {
  it('CRC-32 is the standard one (check value of "123456789")', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips config, step, time, every section bit for bit, and extras', () => {
    const original = sample();
    const decoded = decodeCheckpoint(encodeCheckpoint(original));
    expect(decoded.config).toEqual(original.config);
    expect(decoded.step).toBe(12);
    expect(decoded.time).toBe(0.375);
    expect(decoded.extras).toEqual(original.extras);
    for (const [name, array] of Object.entries(original.sections)) {
      expect(decoded.sections[name]!.constructor).toBe(array.constructor);
      expect(Array.from(decoded.sections[name]!)).toEqual(Array.from(array));
    }
  });

  it('refuses each kind of damage with its own message', () => {
    const good = encodeCheckpoint(sample());
    expect(refusal(good.slice(0, good.length - 100))?.kind).toBe('truncated');
    expect(refusal(good.slice(0, 10))?.kind).toBe('truncated');
    const flipped = good.slice();
    flipped[good.length - 37]! ^= 0x10;
    const corrupted = refusal(flipped);
    expect(corrupted?.kind).toBe('checksum');
    expect(corrupted?.message).toMatch(/CRC-32 .* corrupted/);
    const versioned = good.slice();
    new DataView(versioned.buffer).setUint32(8, CHECKPOINT_VERSION + 1, true);
    expect(refusal(versioned)?.message).toMatch(/format version 2; this build reads version 1/);
    const foreign = good.slice();
    foreign[0] = 0x50;
    expect(refusal(foreign)?.kind).toBe('not-a-checkpoint');
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    expect(refusal(longer)?.kind).toBe('size');
    // a consistent file whose distribution does not fit its grid
    const wrong = sample();
    const small = encodeCheckpoint({ ...wrong, sections: { distribution: new Float32Array(100) } });
    expect(refusal(small)?.message).toMatch(/distribution has 100 values; grid.nx = 4, grid.nv = 8/);
    // a consistent file whose config is out of range names the field
    const bad = encodeCheckpoint({
      ...wrong,
      config: { ...config, species: [{ ...config.species[0], mass: 0 }, config.species[1]] },
    });
    const refused = refusal(bad);
    expect(refused?.kind).toBe('config');
    expect(refused?.message).toMatch(/species\[0\]\.mass = 0/);
  });

  it('fuzz: arbitrary bytes are refused with a CheckpointError, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(refusal(bytes)).toBeInstanceOf(CheckpointError);
      }),
      { numRuns: 3000 },
    );
  });

  it('fuzz: a valid header followed by random bytes is refused', () => {
    const good = encodeCheckpoint(sample());
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (tail) => {
        const bytes = new Uint8Array(24 + tail.length);
        bytes.set(good.subarray(0, 24));
        bytes.set(tail, 24);
        expect(refusal(bytes)).toBeInstanceOf(CheckpointError);
      }),
      { numRuns: 2000 },
    );
  });

  it('fuzz: any mutation of a valid file (byte flips, cuts) is refused, never crashes', () => {
    const good = encodeCheckpoint(sample());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(fc.nat({ max: good.length - 1 }), { nil: undefined }),
        (flips, cut) => {
          const bytes = good.slice(0, cut ?? good.length);
          for (const [at, xor] of flips) if (at < bytes.length) bytes[at]! ^= xor;
          if (bytes.length === good.length && bytes.every((b, i) => b === good[i])) return; // flips cancelled
          expect(refusal(bytes)).toBeInstanceOf(CheckpointError);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
