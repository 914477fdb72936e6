/**
 * Diagnoses written as free text (LUDB: `#Rhythm: Sinus bradycardia.`, `#STEMI: anterior wall.`) → the
 * 10 classes, through a phrase table a user can replace (`parsePhraseTable`, a TSV file).
 *
 * A rule's pattern is matched against the whole statement, case-insensitively, after collapsing
 * whitespace and dropping a trailing full stop; `*` stands for any text. An exact pattern (no `*`)
 * beats every wildcard one; among wildcard patterns the one with the most literal text wins, so
 * `rhythm: sinus rhythm` → 0 while `rhythm: *` (other rhythms) → no class. A rule with no classes
 * marks a statement as known but outside the 10 classes, so only statements no rule covers are
 * reported as unknown.
 */
import { DataError } from './data-error.js';
import { NUM_CLASSES } from './types.js';

export interface PhraseRule { pattern: string; classes: readonly number[] }
export type PhraseTable = readonly PhraseRule[];

/**
 * LUDB's statements under the conservative mapping of ../shared/data/ludb/README.md: only statements
 * that mean the class (incomplete blocks, ischaemia without STEMI, scars, axis, atrial overload,
 * pacing, AV blocks, atrial fibrillation/flutter: none of the 10 classes).
 */
export const LUDB_PHRASES: PhraseTable = [
  ['rhythm: sinus rhythm', [0]],
  ['rhythm: sinus tachycardia', [1]],
  ['rhythm: sinus bradycardia', [2]],
  ['rhythm: *', []],
  ['complete left bundle branch block', [3]],
  ['complete right bundle branch block', [4]],
  ['incomplete * bundle branch block', []],
  ['left ventricular hypertrophy', [5]],
  ['right ventricular hypertrophy', [6]],
  ['stemi: *', [7]],
  ['atrial extrasystole*', [9]],
  ['ventricular extrasystole*', [9]],
  ['electric axis of the heart: *', []],
  ['left atrial *', []], ['right atrial *', []], ['left ventricular overload', []], ['right ventricular overload', []],
  ['ischemia: *', []], ['undefined ischemia*', []], ['scar formation: *', []], ['non-specific *', []],
  ['left anterior hemiblock', []], ['left posterior hemiblock', []],
  ['* degree av block', []], ['* degree av-block', []], ['early repolarization syndrome', []],
  ['* pacing', []], ['biventricular pacing', []], ['wandering atrial pacemaker', []], ['p-synchrony', []],
  ['aberrant conduction', []],
].map(([pattern, classes]) => ({ pattern: pattern as string, classes: classes as number[] }));

const normalise = (s: string) => s.trim().replace(/\s+/g, ' ').replace(/[\s.]+$/, '').toLowerCase();

interface CompiledRule { exact: boolean; literal: number; re: RegExp; rule: PhraseRule }
const compiled = new WeakMap<PhraseTable, CompiledRule[]>();

function compile(table: PhraseTable): CompiledRule[] {
  let c = compiled.get(table);
  if (!c) {
    c = table.map((rule) => {
      const p = normalise(rule.pattern);
      const body = p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      return { exact: !p.includes('*'), literal: p.replace(/\*/g, '').length, re: new RegExp(`^${body}$`), rule };
    }).sort((a, b) => Number(b.exact) - Number(a.exact) || b.literal - a.literal);
    compiled.set(table, c);
  }
  return c;
}

/** The rule a statement falls under (the most specific one), or undefined. */
export function matchPhrase(statement: string, table: PhraseTable = LUDB_PHRASES): PhraseRule | undefined {
  const s = normalise(statement);
  return compile(table).find((r) => r.re.test(s))?.rule;
}

/** Comment keys that are record metadata, not diagnoses (Challenge `#Age:` …, LUDB `#<age>:` …). */
const METADATA = /^\s*(<[^>]*>\s*:.*|(age|sex|dx|rx|hx|sx)\s*:.*)$/i;

/** The diagnostic statements among a header's comment lines (everything that is not metadata). */
export function diagnosisStatements(comments: readonly string[]): string[] {
  return comments.map((c) => c.trim()).filter((c) => c !== '' && !METADATA.test(c));
}

/** Classes (sorted, unique) of free-text statements, and the statements no rule covers. */
export function interpretStatements(statements: readonly string[], table: PhraseTable = LUDB_PHRASES): { classes: number[]; unknown: string[] } {
  const classes = new Set<number>();
  const unknown: string[] = [];
  for (const s of statements) {
    const rule = matchPhrase(s, table);
    if (rule) rule.classes.forEach((c) => classes.add(c));
    else unknown.push(s.trim());
  }
  return { classes: [...classes].sort((a, b) => a - b), unknown };
}

/**
 * A phrase table from a TSV file: `pattern<TAB>class ids` per line, ids comma separated, `-` or empty
 * for "known, none of the 10 classes"; `#` starts a comment line.
 */
export function parsePhraseTable(text: string, file: string): PhraseTable {
  const rules: PhraseRule[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const [pattern, ids = '', ...rest] = line.split('\t');
    if (rest.length || pattern.trim() === '') throw new DataError(file, `line ${i + 1}: expected 'phrase<TAB>class ids'`);
    const classes = ids.trim() === '' || ids.trim() === '-' ? [] : ids.split(',').map((x) => Number(x.trim()));
    const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= NUM_CLASSES);
    if (bad !== undefined) throw new DataError(file, `line ${i + 1}: '${ids.trim()}' is not a list of class ids 0-${NUM_CLASSES - 1}`);
    rules.push({ pattern: pattern.trim(), classes });
  });
  if (!rules.length) throw new DataError(file, 'phrase table has no rules');
  return rules;
}
