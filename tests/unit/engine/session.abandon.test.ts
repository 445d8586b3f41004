/**
 * Session.advance's `abandoned` callback (issue 16: a preset switch or Reset takes effect at once,
 * the running advance is abandoned between two steps, not awaited). Float64 CPU backend, n_x = 2,
 * N_v = 8, collisionless.
 */
import { describe, expect, it } from 'vitest';
import { SimulationSession } from '../../../src/engine/session';
import { DEFAULT_REMAINDER, type ResolvedConfig } from '../../../src/physics/config';
import { speciesConfig } from '../../support/species';

const CONFIG: ResolvedConfig = {
  species: [speciesConfig('A', 1, 1, 1), speciesConfig('B', 1, -1, 1)],
  collisions: { enabled: false, gamma: 0, knudsen: 1 },
  field: { enabled: true },
  grid: { nx: 2, length: 6, nv: 8, vmax: 4.5 },
  perturbation: { kind: 'density', amplitude: 0.1, mode: 0 },
  time: { dt: 0.1, tEnd: 1, outputEvery: 1 },
  remainder: DEFAULT_REMAINDER,
};

describe('SimulationSession.advance, abandoned', () => {
  it('stops before the step at which the callback first says true, with the rows so far', async () => {
    const session = await SimulationSession.create(CONFIG, null);
    let asked = 0;
    const rows = await session.advance(8, undefined, () => ++asked > 3);
    expect(rows.length).toBe(3);
    expect(session.step).toBe(3);
    // abandoned at once: no step at all
    expect(await session.advance(5, undefined, () => true)).toEqual([]);
    expect(session.step).toBe(3);
    // and the session goes on as before afterwards, to the same state as one uninterrupted run
    await session.advance(5);
    const reference = await SimulationSession.create(CONFIG, null);
    await reference.advance(8);
    expect(session.step).toBe(8);
    expect((await session.snapshot(0)).row).toEqual((await reference.snapshot(0)).row);
    session.destroy();
    reference.destroy();
  });
});
