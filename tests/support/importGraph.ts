/**
 * The import graph of src/, read from the source text, and the two properties the layering
 * asks of it (README "Layout"): no import goes up or sideways between layers, and no circle.
 * Written against plain file maps so that a test can feed it a graph known to be wrong.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** A folder of src/ and what it may import: folders below it, and external packages. */
export interface LayerRule {
  readonly imports: readonly string[];
  /** package names or prefixes (`node:` covers every Node built-in) */
  readonly packages: readonly string[];
}

/**
 * physics → gpu → engine → workers/bench → ui/cli, each line naming only what sits below it.
 * The page reaches the engine only through the worker contract (workers/sessionApi.ts,
 * workers/protocol.ts, and the worker entry itself by URL) and gpu/context.ts for detecting
 * WebGPU; it never runs the engine on its own thread.
 */
export const LAYERS: Readonly<Record<string, LayerRule>> = {
  physics: { imports: [], packages: ['valibot'] },
  shaders: { imports: [], packages: [] },
  gpu: { imports: ['physics', 'shaders'], packages: ['webgpu', 'node:'] },
  engine: { imports: ['physics', 'gpu', 'shaders'], packages: [] },
  workers: { imports: ['physics', 'gpu', 'engine'], packages: ['comlink'] },
  bench: { imports: ['physics', 'gpu', 'engine', 'shaders'], packages: ['node:'] },
  cli: { imports: ['physics', 'gpu', 'engine', 'bench'], packages: ['commander', 'node:'] },
  ui: {
    imports: ['physics', 'workers', 'gpu/context.ts'],
    packages: ['comlink', 'lil-gui', 'three', 'uplot'],
  },
};

export interface ImportEdge {
  readonly from: string;
  /** a src-relative path for local modules, else the package specifier */
  readonly to: string;
  readonly local: boolean;
}

/** Every .ts, .wgsl and .css file under `dir`, as src-relative POSIX paths mapped to their text. */
export function readSourceTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|wgsl|css)$/.test(entry.name)) {
        files.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
      }
    }
  };
  walk(dir);
  return files;
}

// static `import … from`, `export … from`, side-effect `import '…'`, `import('…')`, and the
// worker entries Vite bundles from `new URL('…', import.meta.url)`
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g;

/** Strips comments so that an import written in a comment is not an edge. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * The edges of the tree. A relative specifier is resolved against the files present (with `.ts`
 * or `/index.ts` added, `?raw` dropped); one that resolves to nothing is returned in `unresolved`,
 * so a moved file cannot silently drop out of the graph.
 */
export function importEdges(files: ReadonlyMap<string, string>): {
  edges: ImportEdge[];
  unresolved: string[];
} {
  const edges: ImportEdge[] = [];
  const unresolved: string[] = [];
  for (const [file, text] of files) {
    if (!file.endsWith('.ts')) continue;
    for (const m of code(text).matchAll(SPECIFIER)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (!spec.startsWith('.')) {
        edges.push({ from: file, to: spec, local: false });
        continue;
      }
      const base = posix.normalize(posix.join(posix.dirname(file), spec.replace(/\?raw$/, '')));
      const target = [base, `${base}.ts`, `${base}/index.ts`].find((p) => files.has(p));
      if (target === undefined) unresolved.push(`${file} → ${spec}`);
      else edges.push({ from: file, to: target, local: true });
    }
  }
  return { edges, unresolved };
}

const layerOf = (path: string): string => path.split('/')[0]!;

function allowedLocal(rule: LayerRule, to: string): boolean {
  return rule.imports.some((entry) => (entry.includes('/') ? to === entry : layerOf(to) === entry));
}

function allowedPackage(rule: LayerRule, spec: string): boolean {
  return rule.packages.some((p) =>
    p.endsWith(':') ? spec.startsWith(p) : spec === p || spec.startsWith(`${p}/`),
  );
}

/** Imports that break the layer table: upward, sideways, unknown folders, foreign packages. */
export function layeringViolations(
  edges: readonly ImportEdge[],
  layers: Readonly<Record<string, LayerRule>> = LAYERS,
): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const rule = layers[layerOf(e.from)];
    if (rule === undefined) {
      out.push(`${e.from}: folder ${layerOf(e.from)}/ has no place in the layer table`);
      continue;
    }
    if (e.local) {
      if (layerOf(e.to) !== layerOf(e.from) && !allowedLocal(rule, e.to)) out.push(`${e.from} → ${e.to}`);
    } else if (!allowedPackage(rule, e.to)) {
      out.push(`${e.from} → package ${e.to}`);
    }
  }
  return out;
}

/** The circles of the local graph: strongly connected components of more than one file (Tarjan). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!e.local) continue;
    if (e.from === e.to) continue;
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    if (!next.has(e.to)) next.set(e.to, []);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
