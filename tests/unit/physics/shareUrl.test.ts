// The shareable URL (src/physics/shareUrl.ts): every preset round-trips exactly through the query
// string; garbage, NaN, out-of-range and missing values are refused naming the URL parameter and
// its allowed range, without throwing.
import { describe, expect, it } from 'vitest';
import type { SimulationConfig } from '../../../src/physics/config';
import { PRESETS, presetById } from '../../../src/physics/presets';
import {
  decodeShareParams,
  encodeShareParams,
  SHARE_KEYS,
  type ShareRefusal,
  shareUrl,
} from '../../../src/physics/shareUrl';

const f1 = presetById('f1-layer')!;
const query = (edit: (p: URLSearchParams) => void, config: SimulationConfig = f1.config) => {
  const params = encodeShareParams(config, f1.id);
  edit(params);
  return params.toString();
};
const refusal = (input: string): ShareRefusal => {
  const result = decodeShareParams(input);
  expect(result.ok, JSON.stringify(result)).toBe(false);
  return result as ShareRefusal;
};

describe('share URL round trip', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s: decode(encode(config)) deep-equals the preset',
    (_id, p) => {
      const text = encodeShareParams(p.config, p.id).toString();
      const decoded = decodeShareParams(`?${text}`);
      expect(decoded).toEqual({ ok: true, config: p.config, presetId: p.id });
    },
  );

  it('keeps non-default values exactly: drifts, negative charges, explicit vmax and dt, remainder settings', () => {
    const base = f1.config;
    const config: SimulationConfig = {
      ...base,
      species: [
        { ...base.species[0], name: 'O+ & co, "ion"', drift: [0.1, -0, 1e-7] },
        { ...base.species[1], charge: -2.5, diameter: 1 / 3 },
      ],
      collisions: {
        enabled: true,
        gamma: -2.999,
        knudsen: 0.1 / 7,
        scheme: 'trapezoidal',
        projection: 'maxwellian',
      },
      field: { enabled: false },
      grid: { ...base.grid, vmax: 4.1, tolerance: 0.05 },
      perturbation: { kind: 'isentropic', amplitude: -0.3, mode: 2 },
      time: { dt: 0.0125, tEnd: 3, outputEvery: 7, dtRule: 'stable' },
      remainder: { order: 0, k: 9, kappa0: 0.02, l: 8.5, threshold: 0.25, norm: 'Linf', fluid: 'spectral' },
    };
    const decoded = decodeShareParams(encodeShareParams(config));
    expect(decoded).toEqual({ ok: true, config });
    if (decoded.ok) expect(Object.is(decoded.config.species[0].drift[1], -0)).toBe(true);
  });

  it('carries remainder.order 1 and its well-prepared switch (issue 18)', () => {
    const base = f1.config;
    for (const wellPrepared of [true, false]) {
      const config: SimulationConfig = {
        ...base,
        remainder: { ...base.remainder!, order: 1, wellPrepared },
      };
      const params = encodeShareParams(config);
      expect(params.get('ord')).toBe('1');
      expect(params.get('wp')).toBe(wellPrepared ? '1' : '0');
      expect(decodeShareParams(params)).toEqual({ ok: true, config });
    }
  });

  it('writes readable keys, preset first; shareUrl replaces the query of the page address', () => {
    const params = encodeShareParams(f1.config, f1.id);
    expect([...params.keys()]).toEqual(SHARE_KEYS);
    expect(params.get('mA')).toBe('16');
    expect(params.get('mB')).toBe('30');
    expect(params.get('eps')).toBe('0.1');
    expect(params.get('vmax')).toBe('2.19'); // the preset's explicit box (presets.ts)
    expect(encodeShareParams({ ...f1.config, grid: { ...f1.config.grid, vmax: null } }).get('vmax')).toBe(
      'auto',
    );
    const url = shareUrl('http://127.0.0.1:5173/index.html?old=1#x', f1.config, f1.id);
    expect(url.startsWith('http://127.0.0.1:5173/index.html?preset=f1-layer&nameA=O%2B&mA=16&')).toBe(true);
    expect(decodeShareParams(new URL(url).searchParams)).toEqual({
      ok: true,
      config: f1.config,
      presetId: f1.id,
    });
  });

  it('a missing remainder.fluid, scheme or dtRule means the default; an unknown preset id is dropped, the set-up kept', () => {
    const decoded = decodeShareParams(
      query((p) => {
        p.delete('fluid');
        p.delete('scheme');
        p.delete('proj');
        p.delete('dtRule');
        p.delete('gtol');
        p.delete('ord');
        p.delete('wp');
        p.set('preset', 'no-such-preset');
      }),
    );
    expect(decoded).toEqual({ ok: true, config: f1.config });
  });
});

/** ord = 1 and one more parameter set. */
const orderOneWith = (key: string, value: string) => (p: URLSearchParams) => {
  p.set('ord', '1');
  p.set(key, value);
};

// [case, edit of the f1-layer query, parameter named, fragment of the allowed range]
const refused: [string, (p: URLSearchParams) => void, string, string][] = [
  ['m_A = 0', (p) => p.set('mA', '0'), 'mA', '> 0'],
  ['m_A NaN', (p) => p.set('mA', 'NaN'), 'mA', 'a finite number > 0'],
  ['m_B garbage', (p) => p.set('mB', 'heavy'), 'mB', 'a finite number > 0'],
  ['m_B empty', (p) => p.set('mB', ''), 'mB', 'a finite number > 0'],
  ['e_B Infinity', (p) => p.set('eB', 'Infinity'), 'eB', 'a finite number'],
  ['e_A hex', (p) => p.set('eA', '0x1'), 'eA', 'a finite number'],
  ['d_A negative', (p) => p.set('dA', '-1'), 'dA', '> 0'],
  ['n_B missing', (p) => p.delete('nB'), 'nB', '> 0'],
  ['T_A missing', (p) => p.delete('TA'), 'TA', 'energy units'],
  ['u_A two numbers', (p) => p.set('uA', '0,0'), 'uA', 'three finite numbers'],
  ['u_B NaN entry', (p) => p.set('uB', '0,NaN,0'), 'uB', 'three finite numbers'],
  ['name missing', (p) => p.delete('nameA'), 'nameA', 'a string'],
  ['γ too soft', (p) => p.set('gamma', '-3'), 'gamma', '(−3, 1]'],
  ['γ above 1', (p) => p.set('gamma', '1.5'), 'gamma', '(−3, 1]'],
  ['ε zero', (p) => p.set('eps', '0'), 'eps', '> 0'],
  ['ε missing', (p) => p.delete('eps'), 'eps', '> 0'],
  ['collisions yes', (p) => p.set('coll', 'yes'), 'coll', 'true or false'],
  ['nx fractional', (p) => p.set('nx', '16.5'), 'nx', 'an integer from 1 to'],
  ['nv not a power of two', (p) => p.set('nv', '24'), 'nv', 'one of 8, 16, 32, 64'],
  ['nv too coarse for the mass ratio', (p) => p.set('nv', '16'), 'nv', 'nv ≥ 32'],
  ['vmax garbage', (p) => p.set('vmax', 'big'), 'vmax', 'null (automatic) or a finite number > 0'],
  ['kind unknown', (p) => p.set('kind', 'shock'), 'kind', '"density" or "isentropic"'],
  ['amplitude 1', (p) => p.set('amp', '1'), 'amp', '|a| < 1'],
  ['mode beyond the grid', (p) => p.set('mode', '8'), 'mode', '2·mode < grid.nx = 16'],
  ['dt negative', (p) => p.set('dt', '-0.1'), 'dt', 'null (automatic, CFL) or a finite number > 0'],
  ['tEnd NaN', (p) => p.set('tEnd', 'NaN'), 'tEnd', '> 0'],
  ['outputEvery 0', (p) => p.set('every', '0'), 'every', 'an integer ≥ 1'],
  ['k 5', (p) => p.set('k', '5'), 'k', 'an integer ≥ 6'],
  ['kappa0 1', (p) => p.set('kappa0', '1'), 'kappa0', '(0, 1)'],
  ['threshold missing', (p) => p.delete('thr'), 'thr', '> 0'],
  ['norm unknown', (p) => p.set('norm', 'H1'), 'norm', '"energy", "L2", "Linf" or "field"'],
  ['fluid unknown', (p) => p.set('fluid', 'lattice'), 'fluid', '"finiteVolume" or "spectral"'],
  ['scheme unknown', (p) => p.set('scheme', 'implicit'), 'scheme', '"exponential", "trapezoidal"'],
  ['proj unknown', (p) => p.set('proj', 'weighted'), 'proj', '"uniform" or "maxwellian"'],
  ['dtRule unknown', (p) => p.set('dtRule', 'fast'), 'dtRule', '"accurate", "stable"'],
  ['gtol zero', (p) => p.set('gtol', '0'), 'gtol', 'a finite number in (0, 1)'],
  ['order 2', (p) => p.set('ord', '2'), 'ord', '0 or 1'],
  ['order 1 without collisions', orderOneWith('coll', '0'), 'ord', 'needs collisions.enabled true'],
  ['wp not a flag', orderOneWith('wp', 'yes'), 'wp', 'true or false'],
];

describe('share URL refusals name the parameter and its allowed range', () => {
  it.each(refused.map(([name, edit, parameter, allowed]) => ({ name, edit, parameter, allowed })))(
    '$name → $parameter',
    ({ edit, parameter, allowed }) => {
      const r = refusal(query(edit));
      expect(r.parameter).toBe(parameter);
      expect(r.message.startsWith(`${parameter} `)).toBe(true);
      expect(r.message).toContain(allowed);
      expect(r.message).not.toMatch(/[\n\r]/);
    },
  );

  it('quotes the value received, or says it is missing', () => {
    expect(refusal(query((p) => p.set('mA', 'NaN'))).message).toMatch(/^mA = "NaN" is not allowed: /);
    expect(refusal(query((p) => p.delete('mA'))).message).toMatch(/^mA is missing; allowed: /);
  });

  it.each([
    ['an empty query', ''],
    ['a bare question mark', '?'],
    ['percent garbage', '?mA=%E0%A4%A&%%%=&&=='],
    ['an unrelated query', '?utm_source=mail&q=plasma'],
  ])('%s is refused without throwing', (_name, input) => {
    const r = refusal(input);
    expect(r.parameter).toBe('nameA'); // the first key in schema order
    expect(r.message).toContain('missing');
  });
});
