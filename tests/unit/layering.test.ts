/**
 * The dependency rule of README "Layout", checked on the real tree: physics → gpu → engine →
 * workers/bench → ui/cli, no upward or sideways import, no circle, and each layer's packages.
 * The checker is first shown a tree that breaks each rule, so it is known to be able to fail.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  importCycles,
  importEdges,
  LAYERS,
  layeringViolations,
  readSourceTree,
} from '../support/importGraph';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('the import checker', () => {
  const broken = new Map([
    ['physics/a.ts', "import { b } from '../gpu/b';\nimport * as v from 'valibot';"],
    ['gpu/b.ts', "import { c } from './c';\nimport shader from '../shaders/k.wgsl?raw';"],
    ['gpu/c.ts', "export { b } from './b';\n// import { x } from '../ui/x';"],
    ['shaders/k.wgsl', ''],
    ['engine/d.ts', "const m = await import('../workers/w');\nimport three from 'three';"],
    ['workers/w.ts', "import { gone } from '../physics/missing';"],
    ['ui/e.ts', "new Worker(new URL('../workers/w.ts', import.meta.url));\nimport { s } from '../engine/d';"],
  ]);
  const { edges, unresolved } = importEdges(broken);

  it('finds every kind of edge, ignores commented-out imports and reports unresolved ones', () => {
    const local = edges.filter((e) => e.local).map((e) => `${e.from} → ${e.to}`);
    expect(local.sort()).toEqual(
      [
        'engine/d.ts → workers/w.ts',
        'gpu/b.ts → gpu/c.ts',
        'gpu/b.ts → shaders/k.wgsl',
        'gpu/c.ts → gpu/b.ts',
        'physics/a.ts → gpu/b.ts',
        'ui/e.ts → engine/d.ts',
        'ui/e.ts → workers/w.ts',
      ].sort(),
    );
    expect(unresolved).toEqual(['workers/w.ts → ../physics/missing']);
  });

  it('names each upward import, the foreign package and the circle', () => {
    expect(layeringViolations(edges).sort()).toEqual(
      [
        'engine/d.ts → package three',
        'engine/d.ts → workers/w.ts',
        'physics/a.ts → gpu/b.ts',
        'ui/e.ts → engine/d.ts',
      ].sort(),
    );
    expect(importCycles(edges)).toEqual([['gpu/b.ts', 'gpu/c.ts']]);
  });
});

describe('src/ keeps the dependency rule', () => {
  const files = readSourceTree(SRC);
  const { edges, unresolved } = importEdges(files);

  it('reads the whole tree and resolves every relative import', () => {
    expect(files.size).toBeGreaterThan(80);
    expect(edges.filter((e) => e.local).length).toBeGreaterThan(300);
    expect(unresolved).toEqual([]);
  });

  it('has every top-level folder in the layer table', () => {
    const folders = new Set([...files.keys()].map((f) => f.split('/')[0]!));
    expect([...folders].filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('has no upward or sideways import and no package outside its layer', () => {
    expect(layeringViolations(edges)).toEqual([]);
  });

  it('has no circle of imports', () => {
    expect(importCycles(edges)).toEqual([]);
  });
});
