/** Small helpers over node:util parseArgs: typed values and a clean error for bad options. */
import { parseArgs } from 'node:util';
import { printableLine } from '../ecg/printable.js';

export class UsageError extends Error {}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
type Value<S extends OptionSpec[string]> = S['type'] extends 'string' ? (S['multiple'] extends true ? string[] : string) : boolean;
type Values<O extends OptionSpec> = { [K in keyof O]?: Value<O[K]> } & { help?: boolean };

export function parse<const O extends OptionSpec>(argv: string[], options: O, allowPositionals = true): { values: Values<O>; positionals: string[] } {
  // `--lr -1` would be refused by parseArgs as "ambiguous"; read it as `--lr=-1` so the range check names the problem.
  const args = [...argv];
  for (let i = args.length - 2; i >= 0; i--) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    if (name && options[name]?.type === 'string' && /^-(\d|\.\d|Infinity|NaN)/.test(args[i + 1])) args.splice(i, 2, `${args[i]}=${args[i + 1]}`);
  }
  let r;
  try {
    r = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(printableLine((e as Error).message));
  }
  // parseArgs keeps the last of a repeated option: `--model a --model b` would silently use b.
  const given = new Set<string>();
  for (const t of r.tokens) {
    if (t.kind !== 'option' || t.name === 'help') continue;
    // `--out ''` would mean the current folder, `--model ''` nothing at all: an empty value is a mistake
    // (--data says so itself, naming the list it came in).
    if (t.value !== undefined && t.value.trim() === '' && t.name !== 'data') throw new UsageError(`--${t.name} needs a value, got '${t.value}'`);
    if (options[t.name]?.multiple) continue;
    if (given.has(t.name)) throw new UsageError(`--${t.name} given twice (give it once)`);
    given.add(t.name);
  }
  return { values: r.values as Values<O>, positionals: r.positionals };
}

/** What a numeric option accepts; `above` is a strict lower bound, `min`/`max` inclusive ones. */
export interface NumberRange { integer?: boolean; min?: number; above?: number; max?: number }

function describeRange(r: NumberRange): string {
  const parts = [r.above !== undefined ? `> ${r.above}` : r.min !== undefined ? `≥ ${r.min}` : '', r.max !== undefined ? `≤ ${r.max}` : ''].filter(Boolean);
  return `${r.integer ? 'an integer' : 'a number'}${parts.length ? ' ' + parts.join(' and ') : ''}`;
}

/** A numeric option's value (or `fallback` when absent); anything outside `range` is a UsageError naming the option. */
export function num(value: unknown, name: string, fallback?: number, range: NumberRange = {}): number | undefined {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && value.trim() === '' ? NaN : Number(value);
  const ok = Number.isFinite(n) && (!range.integer || Number.isInteger(n)) && (range.min === undefined || n >= range.min) &&
    (range.above === undefined || n > range.above) && (range.max === undefined || n <= range.max);
  if (!ok) throw new UsageError(`--${name} must be ${describeRange(range)}, got '${value}'`);
  return n;
}
