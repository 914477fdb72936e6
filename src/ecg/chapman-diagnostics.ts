/**
 * Labels of Chapman-Shaoxing CSV records: the figshare release keeps them apart from the signals, in a
 * `Diagnostics` sheet (`Diagnostics.xlsx`, or its `.csv` export) with one row per record: `FileName`,
 * `Rhythm` (one code: SR, SB, ST, AFIB, …) and `Beat` (space-separated codes: RBBB, LVH, STDD, APB, …
 * or NONE). Pure: takes the text or the sheet's rows, no fs.
 */
import { isBlankRow, parseCsv } from './csv-rows.js';
import { EcgInputError } from './types.js';

/**
 * Chapman codes → class ids (Zheng et al. 2020, table of rhythm and beat acronyms). Codes with no
 * classes are known but outside the 10; note that Chapman's `AF` is atrial flutter and `ST` sinus
 * tachycardia, unlike the Challenge abbreviations.
 */
export const CHAPMAN_CODE_CLASSES: ReadonlyMap<string, readonly number[]> = new Map<string, number[]>([
  ['SR', [0]], ['ST', [1]], ['SB', [2]], ['LBBB', [3]], ['RBBB', [4]], ['LVH', [5]], ['RVH', [6]],
  ['STE', [7]], ['STDD', [8]], ['APB', [9]], ['VPB', [9]],
  ...['AFIB', 'AF', 'SA', 'SVT', 'AT', 'AVNRT', 'AVRT', 'SAAWR', 'NONE', '1AVB', '2AVB', '2AVB1', '2AVB2', '3AVB', 'ABI', 'ALS',
    'AQW', 'ARS', 'AVB', 'CCR', 'CR', 'ERV', 'FQRS', 'IDC', 'IVB', 'JEB', 'JPT', 'LBBBB', 'LFBBB', 'LVQRSAL', 'LVQRSCL',
    'LVQRSLL', 'MI', 'MIBW', 'MIFW', 'MILW', 'MISW', 'PRIE', 'PWC', 'QTIE', 'RAH', 'STTC', 'STTU', 'TWC', 'TWO', 'UW',
    'VB', 'VEB', 'VFW', 'VPE', 'VET', 'WAVN', 'WPW'].map((c): [string, number[]] => [c, []]),
]);

/** One record's row: its codes (rhythm first, then beats, NONE dropped). */
export type DiagnosticsSheet = ReadonlyMap<string, string[]>;

/** Record name as the sheet and the file system spell it: no folder, no `.csv`, case kept. */
export const chapmanKey = (name: string) => (name.split(/[\\/]/).pop() ?? name).replace(/\.csv$/i, '');

/** The sheet from its rows (first row: column names). `file` names the sheet in errors. */
export function diagnosticsFromRows(rows: string[][], file: string): DiagnosticsSheet {
  const head = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const col = (name: string) => {
    const i = head.indexOf(name.toLowerCase());
    if (i < 0) throw new EcgInputError(file, `no '${name}' column in the Diagnostics sheet (columns: ${head.join(', ') || 'none'})`);
    return i;
  };
  const [f, r, b] = [col('FileName'), col('Rhythm'), col('Beat')];
  const out = new Map<string, string[]>();
  for (const row of rows.slice(1)) {
    const name = (row[f] ?? '').trim();
    if (!name) continue;
    const codes = [(row[r] ?? '').trim(), ...(row[b] ?? '').trim().split(/\s+/)].filter((c) => c !== '' && c.toUpperCase() !== 'NONE');
    out.set(chapmanKey(name), codes);
  }
  return out;
}

/** CSV rows, with double-quoted cells (a quote inside one doubled) as spreadsheet exports write them; blank rows dropped. */
export function csvRows(text: string): string[][] {
  return parseCsv(text).rows.map((r) => r.cells).filter((c) => !isBlankRow(c));
}

export function parseDiagnosticsCsv(text: string, file: string): DiagnosticsSheet {
  return diagnosticsFromRows(csvRows(text.replace(/^\uFEFF/, '')), file);
}

/** Classes (sorted, unique) of a record's Chapman codes, and the codes the table does not know. */
export function chapmanLabels(codes: readonly string[]): { classes: number[]; unknown: string[] } {
  const classes = new Set<number>();
  const unknown: string[] = [];
  for (const c of codes) {
    const cls = CHAPMAN_CODE_CLASSES.get(c.toUpperCase());
    if (cls) cls.forEach((k) => classes.add(k));
    else unknown.push(c);
  }
  return { classes: [...classes].sort((a, b) => a - b), unknown };
}
