/**
 * Finding and reading the Chapman Diagnostics sheet for a CSV record (the Node side of
 * chapman-diagnostics.ts): `Diagnostics.csv` or `Diagnostics.xlsx` in the record's folder or the one
 * above it (figshare ships `ECGData/` beside `Diagnostics.xlsx`). Each sheet is read once per process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { chapmanKey, chapmanLabels, diagnosticsFromRows, parseDiagnosticsCsv, type DiagnosticsSheet } from './chapman-diagnostics.js';
import { readXlsxRows } from './xlsx.js';

export const SHEET_NAMES = ['Diagnostics.csv', 'Diagnostics.xlsx', 'diagnostics.csv', 'diagnostics.xlsx'];

/** True for a file that is a Diagnostics sheet, not a record (scans skip it). */
export const isDiagnosticsSheet = (path: string) => SHEET_NAMES.includes(path.split(/[\\/]/).pop() ?? '');

const sheetOfFolder = new Map<string, string | undefined>();

/** The sheet for a record (looked up once per folder: a Chapman folder holds 10,000 CSV files). */
export function findDiagnosticsSheet(recordPath: string): string | undefined {
  const dir = dirname(recordPath);
  if (!sheetOfFolder.has(dir)) {
    const candidates = [dir, dirname(dir)].flatMap((d) => SHEET_NAMES.map((n) => join(d, n)));
    sheetOfFolder.set(dir, candidates.find((p) => existsSync(p)));
  }
  return sheetOfFolder.get(dir);
}

const loaded = new Map<string, { mtimeMs: number; sheet: DiagnosticsSheet }>();

export function loadDiagnosticsSheet(path: string): DiagnosticsSheet {
  const mtimeMs = statSync(path).mtimeMs;
  const hit = loaded.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.sheet;
  const bytes = readFileSync(path);
  const sheet = extname(path).toLowerCase() === '.xlsx'
    ? diagnosticsFromRows(readXlsxRows(new Uint8Array(bytes), (d) => new Uint8Array(inflateRawSync(d)), path), path)
    : parseDiagnosticsCsv(bytes.toString('utf8'), path);
  loaded.set(path, { mtimeMs, sheet });
  return sheet;
}

/** A CSV record's codes and classes from its sheet; none when there is no sheet or no row for it. */
export function chapmanRecordLabels(recordPath: string): { sheet?: string; codes: string[]; classes: number[]; unknown: string[] } {
  const sheet = findDiagnosticsSheet(recordPath);
  const codes = sheet ? loadDiagnosticsSheet(sheet).get(chapmanKey(recordPath)) : undefined;
  if (!codes) return { sheet, codes: [], classes: [], unknown: [] };
  return { sheet, codes, ...chapmanLabels(codes) };
}
