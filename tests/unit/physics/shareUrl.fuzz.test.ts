/**
 * Fuzzing the share-URL decoder (issue 8): arbitrary query strings, and a valid share URL with one
 * parameter replaced by an arbitrary string, never throw; the decoder either refuses (naming a
 * parameter or the set-up) or returns a config that parseConfig accepts unchanged and resolves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, resolveConfig } from '../../../src/physics/configSchema';
import { PRESETS } from '../../../src/physics/presets';
import { decodeShareParams, encodeShareParams, SHARE_KEYS } from '../../../src/physics/shareUrl';

function checkOutcome(input: string | URLSearchParams) {
  const result = decodeShareParams(input);
  if (!result.ok) {
    expect(result.message.length).toBeGreaterThan(0);
    if (result.parameter !== null) expect(SHARE_KEYS).toContain(result.parameter);
    return;
  }
  // an accepted set-up is a valid config, in range, that resolves
  expect(parseConfig(result.config)).toEqual(result.config);
  expect(() => resolveConfig(result.config)).not.toThrow();
}

describe('share-URL decoder fuzzing', () => {
  it('arbitrary query strings never throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (query) => checkOutcome(query)),
      { numRuns: 3000 },
    );
  });

  it('a valid share URL with one parameter replaced by an arbitrary value: refused or valid', () => {
    const base = encodeShareParams(PRESETS.find((p) => p.id === 'equal-masses')!.config);
    const strange = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        'NaN',
        'Infinity',
        '-Infinity',
        '',
        '0',
        '-0',
        '1e400',
        '-1',
        '0x10',
        ' 1',
        '1,2',
        'true',
      ),
      fc.double().map(String),
      fc.integer({ min: -10, max: 5000 }).map(String),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SHARE_KEYS), strange, (key, value) => {
        const params = new URLSearchParams(base);
        params.set(key, value);
        checkOutcome(params);
      }),
      { numRuns: 3000 },
    );
  });
});
