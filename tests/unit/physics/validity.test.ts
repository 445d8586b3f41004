// The validity time (src/physics/validity.ts, PHYSICS.md §3): the first crossing of a threshold,
// linearly interpolated; the log-log fit of T_valid against 1/ε with its standard error; the dt/2
// trust rule; and the SVG plot, checked for well-formedness with a tiny tag parser (no DOM in Node).
import { describe, expect, it } from 'vitest';
import {
  logLogFit,
  logTicks,
  refinementCheck,
  type ValidityPoint,
  validityPlotSvg,
  validityReference,
  validityTime,
} from '../../../src/physics/validity';

describe('validityTime', () => {
  const t = [0, 1, 2, 3, 4];
  it.each([
    ['interpolates between the samples around the crossing', [0, 0.5, 1.5, 3, 5], 1, 1.5],
    ['exact crossing at a sample: the value must EXCEED the threshold', [0, 1, 1, 2, 3], 1, 2],
    ['already above at t = 0', [2, 3, 4, 5, 6], 1, 0],
    ['never crosses', [0, 0.1, 0.2, 0.3, 0.4], 1, null],
    ['a NaN (blown-up) sample counts as crossed at its own time', [0, 0.5, Number.NaN, 0, 0], 1, 2],
    ['an Infinity sample too', [0, 0.5, 0.7, Number.POSITIVE_INFINITY, 0], 1, 3],
    ['decreasing then rising', [0.9, 0.2, 0.1, 0.6, 1.6], 1, 3.4],
  ])('%s', (_name, values, threshold, expected) => {
    const result = validityTime(t, values as number[], threshold as number);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected as number, 12);
  });

  it('refuses series of different lengths; an empty series never crosses', () => {
    expect(() => validityTime([0, 1], [0], 1)).toThrow(RangeError);
    expect(validityTime([], [], 1)).toBeNull();
  });
});

describe('logLogFit', () => {
  it('recovers the exponent of exact power-law data with ~0 error, and the prefactor', () => {
    const x = [10, 20, 40, 80, 160];
    const y = x.map((xi) => 3 * xi ** 0.409);
    const fit = logLogFit(x, y);
    expect(fit.n).toBe(5);
    expect(fit.slope).toBeCloseTo(0.409, 12);
    expect(fit.slopeError).toBeLessThan(1e-12);
    expect(fit.intercept).toBeCloseTo(Math.log(3), 12);
  });

  it('gives the textbook standard error on noisy data', () => {
    // ln y = 0, 1, 1, 2 at ln x = 0, 1, 2, 3: slope 0.6, residuals −0.1, 0.3, −0.3, 0.1 → RSS 0.2
    const x = [0, 1, 2, 3].map(Math.exp);
    const y = [0, 1, 1, 2].map(Math.exp);
    const fit = logLogFit(x, y);
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(0.1, 12);
    expect(fit.slopeError).toBeCloseTo(Math.sqrt(0.2 / 2 / 5), 12);
  });

  it('skips unknown T_valid (null); 2 points: a slope without error; < 2: no line', () => {
    const two = logLogFit([10, 20, 40], [1, null, 4]);
    expect(two).toEqual({
      n: 2,
      slope: expect.closeTo(1, 12),
      slopeError: null,
      intercept: expect.any(Number),
    });
    expect(logLogFit([10, 20], [1, null])).toEqual({ n: 1, slope: null, slopeError: null, intercept: null });
    expect(logLogFit([], [])).toEqual({ n: 0, slope: null, slopeError: null, intercept: null });
    expect(logLogFit([10, 10], [1, 2]).slope).toBeNull();
    expect(() => logLogFit([10, 20], [0, 1])).toThrow(RangeError);
    expect(() => logLogFit([10], [1, 2])).toThrow(RangeError);
  });
});

describe('refinementCheck (the dt/2 rule, 10 %)', () => {
  it.each([
    [
      'T_valid within 10 %',
      { validityTime: 2, normAtEnd: 5 },
      { validityTime: 2.1, normAtEnd: 9 },
      true,
      'validity_time',
    ],
    [
      'T_valid off by more',
      { validityTime: 2, normAtEnd: 5 },
      { validityTime: 2.5, normAtEnd: 5 },
      false,
      'validity_time',
    ],
    [
      'neither crosses: the norm at tEnd',
      { validityTime: null, normAtEnd: 0.5 },
      { validityTime: null, normAtEnd: 0.52 },
      true,
      'norm_at_tEnd',
    ],
    [
      'neither crosses, norm moves',
      { validityTime: null, normAtEnd: 0.5 },
      { validityTime: null, normAtEnd: 0.7 },
      false,
      'norm_at_tEnd',
    ],
    [
      'both exactly 0 (equilibrium)',
      { validityTime: null, normAtEnd: 0 },
      { validityTime: null, normAtEnd: 0 },
      true,
      'norm_at_tEnd',
    ],
    [
      'only one crosses',
      { validityTime: 3, normAtEnd: 2 },
      { validityTime: null, normAtEnd: 0.9 },
      false,
      'validity_time',
    ],
    [
      'NaN norm',
      { validityTime: null, normAtEnd: Number.NaN },
      { validityTime: null, normAtEnd: 1 },
      false,
      'norm_at_tEnd',
    ],
  ] as const)('%s', (_name, run, half, trustworthy, compared) => {
    const check = refinementCheck(run, half);
    expect(check.trustworthy).toBe(trustworthy);
    expect(check.compared).toBe(compared);
  });
});

/** Balanced tags, attributes quoted: a minimal XML well-formedness check. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    if (open < 0) break;
    const close = xml.indexOf('>', open);
    expect(close, `unclosed tag at ${open}`).toBeGreaterThan(open);
    const tag = xml.slice(open + 1, close);
    // text between tags may not hold a raw '>' or '&' that is not an entity
    const between = xml.slice(i, open);
    expect(between).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    if (tag.startsWith('/')) {
      expect(stack.pop(), `closing ${tag}`).toBe(tag.slice(1).trim());
    } else if (!tag.endsWith('/')) {
      stack.push(tag.split(/\s/)[0]!);
    }
    // attribute values are quoted: an even number of quotes
    expect((tag.match(/"/g) ?? []).length % 2).toBe(0);
    i = close + 1;
  }
  expect(stack).toEqual([]);
}

describe('validityPlotSvg', () => {
  const points: ValidityPoint[] = [
    { knudsen: 0.1, validityTime: 2.5, trustworthy: true },
    { knudsen: 0.05, validityTime: 3.3, trustworthy: true },
    { knudsen: 0.025, validityTime: 4.4, trustworthy: false },
    { knudsen: 0.0125, validityTime: null, trustworthy: null, tEnd: 10 },
  ];
  const fit = logLogFit(
    points.map((p) => 1 / p.knudsen),
    points.map((p) => (p.trustworthy ? p.validityTime : null)),
  );
  // the remainder the product measures, (n, r) = (0, 1): no theorem covers it
  const svg = validityPlotSvg(points, fit, validityReference(0, 1, 6, 0));
  // (n, r) = (2k − 1, k): the theorem's own remainder
  const covered = validityPlotSvg(points, fit, validityReference(11, 6, 6, 0));
  /** The plotted line drawn with `dash` (its <line> in the plot area, not the legend's), as numbers. */
  const lineWith = (doc: string, dash: string) =>
    doc
      .split('\n')
      .filter(
        (l) => l.startsWith('<line') && l.includes(`stroke-dasharray="${dash}"`) && l.includes('clip-path'),
      )
      .map((l) =>
        Object.fromEntries([...l.matchAll(/(x1|y1|x2|y2)="([-\d.]+)"/g)].map((m) => [m[1], Number(m[2])])),
      );

  it('is a well-formed, self-contained SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    checkWellFormed(svg);
    expect(svg).not.toMatch(/<script|href=|@import/);
  });

  it('has the axis labels, the fit, the model, and says that no theorem covers (n, r) = (0, 1)', () => {
    expect(svg).toContain('1/ε (Knudsen number⁻¹, dimensionless)');
    expect(svg).toContain('T_valid (dimensionless time)');
    expect(svg).toMatch(/slope = 0\.4\d* ± \? \(2 points: no error estimate\)/);
    expect(svg).toContain(
      'model (secular growth, not a bound): T_valid ∝ ε^{−(n+1−r)/(n+1)}, slope 0 for (n, r) = (0, 1)',
    );
    expect(svg).toContain('no theorem covers (n, r) = (0, 1): Theorem 1.1 takes n = 2k − 1, r = k, k ≥ 6');
    expect(svg).not.toContain('theorem: T = O(ε^{−y})');
    // the model's line is drawn, flat (slope 0); the theorem's is not
    const model = lineWith(svg, '2 4');
    expect(model).toHaveLength(1);
    expect(model[0]!.y1).toBe(model[0]!.y2);
    expect(lineWith(svg, '7 5')).toHaveLength(0);
  });

  it('draws the theorem line with its caveat where the theorem covers (n, r), and the model beside it', () => {
    checkWellFormed(covered);
    expect(covered).toContain('theorem: T = O(ε^{−y}), y(k, γ) = y(6, 0) = 0.4091');
    expect(covered).toContain('(a guaranteed scaling, not a prediction)');
    expect(covered).toContain('slope 0.5 for (n, r) = (11, 6)');
    const [theorem] = lineWith(covered, '7 5');
    const [model] = lineWith(covered, '2 4');
    // both rise with 1/ε (the y axis points down in SVG), the model (0.5) faster than y = 0.409
    const rise = (l: { x1: number; y1: number; x2: number; y2: number }) => (l.y1 - l.y2) / (l.x2 - l.x1);
    expect(rise(theorem!)).toBeGreaterThan(0);
    expect(rise(model!) / rise(theorem!)).toBeCloseTo(0.5 / (9 / 22), 2);
  });

  it('validityReference: the theorem applies only at n = 2k − 1, r = k; the model slope (n + 1 − r)/(n + 1)', () => {
    expect(validityReference(0, 1, 6, 0)).toMatchObject({ applies: false, modelSlope: 0 });
    expect(validityReference(1, 1, 6, 0)).toMatchObject({ applies: false, modelSlope: 0.5 });
    expect(validityReference(11, 6, 6, 0)).toMatchObject({ applies: true, modelSlope: 0.5 });
    expect(validityReference(13, 7, 7, 0)).toMatchObject({ applies: true, modelSlope: 0.5 });
    expect(validityReference(11, 5, 6, 0)).toMatchObject({ applies: false, modelSlope: 7 / 12 });
  });

  it('one circle per measured point (+2 in the legend): filled when trustworthy, hollow otherwise; ▲ for tEnd', () => {
    const circles = svg.split('\n').filter((l) => l.startsWith('<circle') && l.includes('<title>'));
    expect(circles).toHaveLength(3);
    expect(circles.filter((c) => c.includes('fill="white"'))).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(3 + 2);
    expect(svg).toContain('below the threshold up to tEnd = 10');
  });

  it('draws a plot with no measured point, and says why there is no fit', () => {
    const empty = validityPlotSvg(
      [{ knudsen: 0.1, validityTime: null, trustworthy: true, tEnd: 5 }],
      logLogFit([10], [null]),
      validityReference(0, 1, 6, -2),
    );
    checkWellFormed(empty);
    expect(empty).toContain('fit: none (0 points with a known T_valid; 2 needed)');
    expect(empty).toContain('not drawn: no measured point');
  });

  it('log ticks: decades over wide ranges, 1-2-5 or 1…9 over narrow ones', () => {
    expect(logTicks(-0.1, 3.1)).toEqual([1, 10, 100, 1000]);
    expect(logTicks(0.9, 1.7)).toEqual([10, 20, 50]);
    expect(logTicks(0.35, 0.7)).toEqual([3, 4, 5]);
  });
});
