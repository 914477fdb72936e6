/**
 * src/engine is the ground floor: it imports nothing of the project outside src/engine (kernels hand
 * their families in), only the runtime dependency `webgpu` and Node built-ins, and its own modules
 * form no import cycle (type-only imports count: they tie the files together just the same).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENGINE = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/engine');
const ALLOWED_PACKAGES = new Set(['webgpu']);

/** Every module specifier of a TypeScript file: static imports/exports (type-only too) and import(). */
export function specifiers(code: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

const files = readdirSync(ENGINE).filter((f) => f.endsWith('.ts'));
const graph = new Map<string, string[]>();
for (const f of files) {
  const code = readFileSync(join(ENGINE, f), 'utf8');
  graph.set(f, specifiers(code));
}

describe('src/engine layering', () => {
  it('finds the imports it checks', () => {
    expect(specifiers("import { a } from './x.js';\nimport type { B } from '../y.js';\nexport { c } from './z.js';\nawait import('node:fs');")).toEqual(['./x.js', '../y.js', './z.js', 'node:fs']);
    expect(files.length).toBeGreaterThan(5);
  });

  for (const f of files) {
    it(`${f} imports only src/engine, webgpu and node: built-ins`, () => {
      const outside = graph.get(f)!.filter((s) => {
        if (s.startsWith('.')) return relative(ENGINE, resolve(ENGINE, s)).startsWith('..');
        return !(s.startsWith('node:') || ALLOWED_PACKAGES.has(s));
      });
      expect(outside, `${f} imports from outside src/engine`).toEqual([]);
    });
  }

  it('has no import cycle', () => {
    const local = (f: string) => graph.get(f)!.filter((s) => s.startsWith('./')).map((s) => s.slice(2).replace(/\.js$/, '.ts'));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of local(f)) if (graph.has(g)) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
