/**
 * The rows `ecgpu predict DIR…` writes, one per record, in three encodings: CSV (RFC 4180 quoting),
 * JSONL (one JSON object per line, the same keys) and a compact table for a terminal. Each row is
 * written the moment it is made and nothing is kept, so the output grows on disk, not in memory.
 */
import { basename, extname } from 'node:path';

export interface BatchRow {
  /** The record's file name without extension. */
  record: string;
  path: string;
  /** ok: scored; refused: a record the model cannot read (the reason says why); error: ecgpu failed on it (a bug). */
  status: 'ok' | 'refused' | 'error';
  /** Why a record was refused or failed (absent for ok rows). */
  reason?: string;
  /** Calibrated probabilities, one per class (ok rows only). */
  probabilities?: ArrayLike<number>;
  decision?: string;
  /** Multi-label findings when the model gives them: names above their thresholds (empty: none of the classes). */
  findings?: string[];
  heartRate?: { bpm: number; rrIrregularity: number };
  warnings: string[];
}

export type RowSink = (row: BatchRow) => void;

export const recordName = (path: string) => basename(path, extname(path));

const FIXED_LEADING = ['record', 'path', 'status', 'reason'];
const FIXED_TRAILING = ['decision', 'findings', 'heart_rate_bpm', 'rr_irregularity', 'warnings'];

/** Column names: the fixed ones around one per class, a class whose name is a fixed column's named p(…) instead. */
export function columns(classNames: readonly string[]): string[] {
  const fixed = new Set([...FIXED_LEADING, ...FIXED_TRAILING]);
  return [...FIXED_LEADING, ...classNames.map((c) => (fixed.has(c) ? `p(${c})` : c)), ...FIXED_TRAILING];
}

/** 8 significant digits: beyond what a float32 network's scores carry, without 17-digit noise. */
const round = (x: number) => Number(x.toPrecision(8));

/** The row's values in column order (JSON types: numbers, strings, arrays, null for "not given"). */
function values(row: BatchRow, nClasses: number): (string | number | string[] | null)[] {
  const probs = Array.from({ length: nClasses }, (_, k) => (row.probabilities ? round(row.probabilities[k]) : null));
  return [
    row.record, row.path, row.status, row.reason ?? null, ...probs, row.decision ?? null, row.findings ?? null,
    row.heartRate ? round(row.heartRate.bpm) : null, row.heartRate ? round(row.heartRate.rrIrregularity) : null, row.warnings,
  ];
}

/** A CSV field, quoted when it holds a comma, quote, line break or edge whitespace (quotes doubled). */
export function csvField(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * CSV: lists joined with "; ", a "not given" value empty. Findings given but empty (the model found
 * none of its classes) are written "(none)" so they differ from a model that gives no findings.
 */
export function csvSink(classNames: readonly string[], write: (text: string) => void): RowSink {
  write(columns(classNames).map(csvField).join(',') + '\n');
  const cell = (v: string | number | string[] | null, i: number) => {
    if (v === null) return '';
    if (Array.isArray(v)) return csvField(v.length === 0 && i === findingsColumn ? '(none)' : v.join('; '));
    return csvField(String(v));
  };
  const findingsColumn = FIXED_LEADING.length + classNames.length + 1;
  return (row) => write(values(row, classNames.length).map(cell).join(',') + '\n');
}

/** JSONL: one object per record with the CSV's column names as keys; lists as arrays, "not given" as null. */
export function jsonlSink(classNames: readonly string[], write: (text: string) => void): RowSink {
  const keys = columns(classNames);
  return (row) => {
    const v = values(row, classNames.length);
    write(JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, v[i]]))) + '\n');
  };
}

/** A terminal table: record, decision with its probability, heart rate, then findings (or the reason a record was refused). */
export function tableSink(classNames: readonly string[], write: (text: string) => void): RowSink {
  const W = 18;
  write(`${'record'.padEnd(W)} ${'decision'.padEnd(22)} ${'p'.padStart(6)} ${'HR'.padStart(5)}  findings / reason\n`);
  return (row) => {
    const name = row.record.padEnd(W);
    if (row.status !== 'ok') return write(`${name} ${row.status}: ${row.reason}\n`);
    const k = classNames.indexOf(row.decision ?? '');
    const p = row.probabilities && k >= 0 ? `${(100 * row.probabilities[k]).toFixed(1)}%` : '';
    const hr = row.heartRate ? row.heartRate.bpm.toFixed(0) : '-';
    const findings = row.findings ? (row.findings.length ? row.findings.join(', ') : '(none)') : '';
    const warn = row.warnings.length ? `  [${row.warnings.length} warning${row.warnings.length > 1 ? 's' : ''}]` : '';
    write(`${name} ${(row.decision ?? '').padEnd(22)} ${p.padStart(6)} ${hr.padStart(5)}  ${findings}${warn}\n`);
  };
}
