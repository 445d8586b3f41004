/**
 * The session's part of the checkpoint loader (checkpoint.ts sessionCheckpointContents, issue 8):
 * a real session checkpoint (float64 CPU backend, n_x = 2, N_v = 8) is accepted and restores; its
 * parts changed at random (extras replaced by arbitrary JSON, sections dropped, resized or poisoned
 * with NaN) are either accepted or refused with a CheckpointError, never another exception, and a
 * refused one never reaches SimulationSession.restore's backend.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  sessionCheckpointContents,
} from '../../../src/engine/checkpoint';
import { SimulationSession } from '../../../src/engine/session';
import { DEFAULT_REMAINDER, type ResolvedConfig } from '../../../src/physics/config';

const species = (name: string, charge: number) => ({
  name,
  mass: 1,
  charge,
  diameter: 1,
  density: 1,
  temperature: 1,
  drift: [0, 0, 0] as const,
});

const CONFIG: ResolvedConfig = {
  species: [species('A', 1), species('B', -1)],
  collisions: { enabled: false, gamma: 0, knudsen: 1 },
  field: { enabled: true },
  grid: { nx: 2, length: 6, nv: 8, vmax: 4.5 },
  perturbation: { kind: 'density', amplitude: 0.1, mode: 0 },
  time: { dt: 0.1, tEnd: 0.4, outputEvery: 1 },
  remainder: DEFAULT_REMAINDER,
};

let valid: Checkpoint;
beforeAll(async () => {
  const session = await SimulationSession.create(CONFIG, null);
  await session.advance(2);
  valid = decodeCheckpoint(encodeCheckpoint(await session.checkpoint()));
  session.destroy();
});

/** Accepted, or refused with a CheckpointError: anything else fails the property. */
function verdict(checkpoint: Checkpoint): 'accepted' | 'refused' {
  try {
    sessionCheckpointContents(checkpoint);
    return 'accepted';
  } catch (e) {
    if (e instanceof CheckpointError) return 'refused';
    throw e;
  }
}

describe('sessionCheckpointContents', () => {
  it('accepts a session checkpoint, with its rows, and restores it at its step', async () => {
    const contents = sessionCheckpointContents(valid);
    expect(contents.rows.map((r) => r.t)).toEqual([0, 0.1, 0.2]);
    expect([contents.step, contents.halvings, contents.backend]).toEqual([2, 0, 'cpu']);
    const session = await SimulationSession.restore(valid, null);
    expect([session.step, session.rows.length]).toEqual([2, 3]);
    session.destroy();
  });

  it('never throws anything but a CheckpointError on damaged extras and sections', () => {
    const keys = [
      'columns',
      'backend',
      'fluidTime',
      'fluidSubsteps',
      'halvings',
      'baseDt',
      'baseOutputEvery',
    ];
    const sectionNames = ['fluid', 'initialMoments', 'rows', 'distribution64'];
    const damage = fc.oneof(
      fc.record({
        kind: fc.constant('extra' as const),
        key: fc.constantFrom(...keys),
        value: fc.jsonValue(),
      }),
      fc.record({ kind: fc.constant('drop' as const), name: fc.constantFrom(...sectionNames) }),
      fc.record({
        kind: fc.constant('resize' as const),
        name: fc.constantFrom(...sectionNames),
        length: fc.nat(200),
      }),
      fc.record({
        kind: fc.constant('poison' as const),
        name: fc.constantFrom('distribution', ...sectionNames),
        at: fc.nat(),
        value: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1e300),
      }),
      fc.record({ kind: fc.constant('step' as const), step: fc.integer({ min: 0, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.array(damage, { minLength: 1, maxLength: 4 }), (damages) => {
        const extras: Record<string, unknown> = { ...valid.extras };
        const sections: Record<string, Float32Array | Float64Array> = {};
        for (const [name, array] of Object.entries(valid.sections)) sections[name] = array.slice();
        let step = valid.step;
        for (const d of damages) {
          if (d.kind === 'extra') extras[d.key] = d.value;
          else if (d.kind === 'drop') delete sections[d.name];
          else if (d.kind === 'resize') sections[d.name] = new Float64Array(d.length).fill(1);
          else if (d.kind === 'step') step = d.step;
          else {
            const array = sections[d.name];
            if (array && array.length > 0) array[d.at % array.length] = d.value;
          }
        }
        const result = verdict({ ...valid, step, sections, extras });
        // a required section missing is always refused
        if (['fluid', 'initialMoments', 'rows'].some((name) => !(name in sections))) {
          expect(result).toBe('refused');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
