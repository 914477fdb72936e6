/**
 * Diagnoses → the project's 10 classes (see CLASS_NAMES). Headers give SNOMED CT codes, or, in early
 * PhysioNet/CinC 2020 files (CPSC), abbreviations such as `RBBB`, `Normal`, `STE`, `PVC`.
 */
import { diagnosisStatements, interpretStatements, LUDB_PHRASES, type PhraseTable } from './label-phrases.js';
import { CLASS_NAMES, EcgInputError, type RecordHeader } from './types.js';
import { quoted } from './printable.js';

/** SNOMED CT code → class id. */
export const CODE_TO_CLASS: ReadonlyMap<string, number> = new Map([
  ['426783006', 0], // sinus rhythm
  ['427084000', 1], // sinus tachycardia
  ['426177001', 2], // sinus bradycardia
  ['164909002', 3], // left bundle branch block
  ['733534002', 3], // complete left bundle branch block
  ['59118001', 4], // right bundle branch block
  ['713427006', 4], // complete right bundle branch block
  ['164873001', 5], // left ventricular hypertrophy
  ['89792004', 6], // right ventricular hypertrophy
  ['164931005', 7], // ST elevation
  ['429622005', 8], // ST depression
  ['284470004', 9], // premature atrial contraction
  ['63593006', 9], // supraventricular premature beats
  ['17338001', 9], // ventricular premature beats
  ['427172004', 9], // premature ventricular contractions
]);

/**
 * Abbreviations (case-insensitive) → SNOMED CT code, as the Challenge 2020 mapping table defines them.
 * The CPSC 2018 files here use AF, I-AVB, LBBB, Normal, PAC, PVC, RBBB, STD, STE.
 */
export const ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['normal', '426783006'], ['snr', '426783006'], ['nsr', '426783006'],
  ['stach', '427084000'],
  ['sb', '426177001'], ['sbrad', '426177001'],
  ['lbbb', '164909002'], ['clbbb', '733534002'],
  ['rbbb', '59118001'], ['crbbb', '713427006'],
  ['lvh', '164873001'], ['rvh', '89792004'],
  ['ste', '164931005'], ['std', '429622005'],
  ['pac', '284470004'], ['svpb', '63593006'], ['vpb', '17338001'], ['pvc', '427172004'],
  // Outside the 10 classes, but known, so they are not reported as unknown.
  ['af', '164889003'], ['afl', '164890007'], ['i-avb', '270492004'], ['iavb', '270492004'],
  ['irbbb', '713426002'], ['lad', '39732003'], ['rad', '47665007'], ['lqt', '111975006'],
  ['qab', '164917005'], ['tab', '164934002'], ['tinv', '59931005'], ['sa', '427393009'],
]);

/** Default priority for primaryClass: first match wins (most specific / rarest finding first). */
export const DEFAULT_PRIORITY: readonly number[] = [7, 8, 3, 4, 6, 5, 9, 1, 2, 0];

export interface DxInterpretation {
  /** Class ids, sorted, without duplicates. */
  classes: number[];
  /** Every diagnosis as a SNOMED CT code (abbreviations translated), in header order. */
  codes: string[];
  /** SNOMED CT codes that map to none of the 10 classes (e.g. 164889003 atrial fibrillation). */
  otherCodes: string[];
  /** Entries that are neither a SNOMED CT code nor a known abbreviation (kept so datasets can report them). */
  unknown: string[];
}

/** Interprets a `#Dx:` list (codes and/or abbreviations). Never throws. */
export function interpretDx(dx: string[]): DxInterpretation {
  const classes = new Set<number>();
  const codes: string[] = [];
  const otherCodes: string[] = [];
  const unknown: string[] = [];
  for (const raw of dx) {
    const entry = raw.trim();
    if (entry === '') continue;
    const code = /^\d+$/.test(entry) ? entry : ABBREVIATIONS.get(entry.toLowerCase());
    if (code === undefined) {
      unknown.push(entry);
      continue;
    }
    codes.push(code);
    const cls = CODE_TO_CLASS.get(code);
    if (cls === undefined) otherCodes.push(code);
    else classes.add(cls);
  }
  return { classes: [...classes].sort((a, b) => a - b), codes, otherCodes, unknown };
}

/**
 * A header's labels: its `#Dx:` codes when it has them, otherwise its free-text diagnostic comments
 * (LUDB) through `phrases`. `unknown` lists entries neither way understands.
 */
export function headerLabels(header: Pick<RecordHeader, 'dx' | 'comments'>, phrases: PhraseTable = LUDB_PHRASES): { classes: number[]; unknown: string[] } {
  if (header.dx.length) {
    const r = interpretDx(header.dx);
    return { classes: r.classes, unknown: r.unknown };
  }
  return interpretStatements(diagnosisStatements(header.comments), phrases);
}

/** Class ids of a diagnosis list (multi-label, sorted ascending; empty when none of the 10 classes). */
export function classesOf(dx: string[]): number[] {
  return interpretDx(dx).classes;
}

/**
 * Like classesOf, but a diagnosis that is neither a SNOMED CT code nor a known abbreviation is an
 * EcgInputError naming `file`: for loaders that must not silently drop labels.
 */
export function classesOfStrict(dx: string[], file: string): number[] {
  const r = interpretDx(dx);
  if (r.unknown.length) {
    throw new EcgInputError(file, `unknown diagnosis ${r.unknown.map(quoted).join(', ')} (not a SNOMED CT code or a known abbreviation)`);
  }
  return r.classes;
}

/**
 * The single class used for single-label training: the first class of `priority` the record has.
 * Default DEFAULT_PRIORITY (ST elevation > ST depression > LBBB > RBBB > RVH > LVH > ectopy >
 * tachycardia > bradycardia > sinus rhythm): morphology findings outrank rhythm, rarer findings
 * outrank common ones. Classes missing from `priority` are never chosen. Undefined when none match.
 */
export function primaryClass(classes: readonly number[], priority: readonly number[] = DEFAULT_PRIORITY): number | undefined {
  for (const c of priority) if (classes.includes(c)) return c;
  return undefined;
}

/**
 * Parses a priority given on a command line: comma-separated class ids or names (`7,8,LBBB,...`;
 * names as in CLASS_NAMES, case-insensitive, or the abbreviations STE/STD/LBBB/RBBB/RVH/LVH/...).
 */
export function parsePriority(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    let id: number | undefined;
    if (/^\d+$/.test(part)) id = Number(part);
    else {
      id = CLASS_NAMES.findIndex((n) => n.toLowerCase() === part.toLowerCase());
      if (id < 0) {
        const code = ABBREVIATIONS.get(part.toLowerCase());
        id = code ? CODE_TO_CLASS.get(code) : undefined;
      }
    }
    if (id === undefined || id < 0 || id >= CLASS_NAMES.length) throw new Error(`unknown class '${part}' in priority list`);
    if (out.includes(id)) throw new Error(`class '${part}' appears twice in priority list`);
    out.push(id);
  }
  return out;
}
