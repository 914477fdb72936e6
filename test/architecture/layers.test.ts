/**
 * The layers of src/ import one way, downwards:
 *
 *   engine, reference, image (ground floor: import nothing of the project)
 *   → kernels → graph → autograd → optim, testing → models → ecg → inference
 *   → train, classifier (siblings: neither imports the other) → cli, src/index.ts
 *
 * A module may import its own layer and any lower one, never a higher one or a sibling. Every import is
 * read with TypeScript's own pre-processor (static, type-only, re-exports and import()), so a new import
 * that climbs a layer fails here with the file and the import named.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Rank of each layer; a file may import a strictly lower rank or its own folder. */
const RANK: Record<string, number> = {
  engine: 0, reference: 0, image: 0,
  kernels: 1,
  graph: 2,
  autograd: 3,
  optim: 4, testing: 4,
  models: 5,
  ecg: 6,
  inference: 7,
  train: 8, classifier: 8,
  cli: 9, 'index.ts': 9,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports: static, type-only, re-exports and dynamic import(). */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The layer a path under src/ belongs to: its first folder (or the file itself at src/'s top). */
function layerOf(path: string): string | undefined {
  const rel = relative(SRC, path);
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep)[0];
}

const files = sourceFiles(SRC);
const edges = files.flatMap((file) => importsOf(file)
  .filter((s) => s.startsWith('.'))
  .map((s) => ({ file, specifier: s, target: resolve(dirname(file), s) })));

function violations(layer: string): string[] {
  const out: string[] = [];
  for (const { file, specifier, target } of edges) {
    if (layerOf(file) !== layer) continue;
    const to = layerOf(target);
    const name = relative(ROOT, file);
    if (to === undefined) out.push(`${name} imports ${specifier}, outside src/`);
    else if (to !== layer && !(RANK[to] < RANK[layer])) out.push(`${name} imports ${specifier} (${to} is not below ${layer})`);
  }
  return out;
}

/** Every src file reachable from `entry` through relative imports. */
function reachable(entry: string): Set<string> {
  const byFile = new Map<string, string[]>();
  for (const { file, target } of edges) byFile.set(file, [...(byFile.get(file) ?? []), target.replace(/\.js$/, '.ts')]);
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    stack.push(...(byFile.get(f) ?? []));
  }
  return seen;
}

describe('src layering', () => {
  it('reads every kind of import', () => {
    const code = "import { a } from './x.js';\nimport type { B } from '../y.js';\nexport { c } from './z.js';\nconst m = await import('./w.js');";
    expect(ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName)).toEqual(['./x.js', '../y.js', './z.js', './w.js']);
    expect(files.length).toBeGreaterThan(100);
  });

  it('knows the layer of every folder in src/', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((l) => l !== undefined && !(l in RANK));
    expect(unknown, 'a new folder in src/ needs its place in RANK (test/architecture/layers.test.ts)').toEqual([]);
  });

  for (const layer of Object.keys(RANK)) {
    it(`${layer} imports only its own and lower layers`, () => {
      expect(violations(layer)).toEqual([]);
    });
  }

  it('the package entry (the embeddable classifier) reaches no training or CLI code', () => {
    const climbed = [...reachable(join(SRC, 'index.ts'))].map((f) => relative(ROOT, f)).filter((f) => /^src[\\/](train|cli)[\\/]/.test(f));
    expect(climbed).toEqual([]);
  });

  it('flags an import that climbs', () => {
    // The rule itself, on a made-up edge: inference importing train must be reported.
    const fake = { file: join(SRC, 'inference', 'x.ts'), specifier: '../train/data.js', target: join(SRC, 'train', 'data.js') };
    edges.push(fake);
    try {
      expect(violations('inference')).toEqual([`${relative(ROOT, fake.file)} imports ../train/data.js (train is not below inference)`]);
    } finally {
      edges.pop();
    }
  });
});
