/**
 * PTB-XL's labels as the database ships them: not in the record headers but in `ptbxl_database.csv`,
 * one row per record, whose `scp_codes` column is a Python dict literal of SCP-ECG statement →
 * likelihood in percent (`{'NORM': 100.0, 'SR': 0.0}`), whose `filename_hr` / `filename_lr` name the
 * record (relative to the CSV's folder, without extension), and whose `strat_fold` (1-10) is PTB-XL's
 * recommended split: train on 1-8, validate on 9, test on 10 (a patient's records never cross folds).
 * Pure: takes the text, no fs.
 *
 * Every statement a row names counts, whatever its likelihood: rhythm and form statements (SR, SBRAD,
 * PVC, STD_ …) are always written with likelihood 0, which does not mean "absent".
 */
import { DataError } from './data-error.js';
import { isBlankRow, parseCsv } from './csv-rows.js';
import { interpretStatements, type PhraseTable } from './label-phrases.js';

/** The file names PTB-XL's metadata tables have (scans must not take them for Chapman CSV records). */
export const PTBXL_DATABASE = 'ptbxl_database.csv';
export const PTBXL_TABLES: readonly string[] = [PTBXL_DATABASE, 'scp_statements.csv'];

/** Folds PTB-XL recommends for validation and test; the rest train. */
export const PTBXL_VAL_FOLD = 9;
export const PTBXL_TEST_FOLD = 10;

/**
 * SCP-ECG statement → the 10 classes: the mapping of ../shared/data/ptb-xl/README.md, as a phrase
 * table (`--labels` replaces it; the patterns are the codes, matched case-insensitively). Incomplete
 * blocks (ILBBB, IRBBB) and voltage-only criteria (VCLVH) are not mapped; NORM (a normal ECG) is not
 * sinus rhythm by itself (PTB-XL writes SR beside it when the rhythm is sinus). Every other statement
 * of scp_statements.csv is listed with no classes, so only codes PTB-XL does not define are unknown.
 */
export const PTBXL_SCP_PHRASES: PhraseTable = [
  ['SR', [0]], ['STACH', [1]], ['SBRAD', [2]], ['CLBBB', [3]], ['CRBBB', [4]], ['LVH', [5]], ['RVH', [6]],
  ['STE_', [7]], ['STD_', [8]], ['PAC', [9]], ['PVC', [9]], ['SVPB', [9]], ['BIGU', [9]], ['TRIGU', [9]],
  ...('NDT NST_ DIG LNGQT NORM IMI ASMI LAFB ISC_ IRBBB 1AVB IVCD ISCAL ILMI LAO/LAE AMI ALMI ISCIN INJAS LMI ' +
    'ISCIL LPFB ISCAS INJAL ISCLA ANEUR RAO/RAE EL WPW ILBBB IPLMI ISCAN IPMI SEHYP INJIN INJLA PMI 3AVB INJIL ' +
    '2AVB ABQRS VCLVH QWAVE LOWT NT_ LPR INVT LVOLT HVOLT TAB_ PRC(S) AFIB SARRH PACE SVARR AFLT SVTAC PSVT')
    .split(' ').map((code): [string, number[]] => [code, []]),
].map(([pattern, classes]) => ({ pattern: pattern as string, classes: classes as number[] }));

export interface PtbxlRow {
  ecgId: string;
  /** SCP statements in the order the dict lists them. */
  codes: string[];
  /** Likelihood (%) per statement, as written (0 for rhythm and form statements). */
  likelihood: Record<string, number>;
  /** PTB-XL's stratified fold, 1-10. */
  fold: number;
  /** Record paths relative to the CSV's folder, without extension: 500 Hz and 100 Hz versions. */
  filenameHr: string;
  filenameLr: string;
  /** Line of the CSV the row starts on. */
  line: number;
}

const KEY = /\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*:\s*/y;
const NUMBER = /\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*/y;

/**
 * A Python dict literal of string keys and number values (`{'NORM': 100.0, 'SR': 0.0}`, a trailing
 * comma allowed), or undefined when the text is not one.
 */
export function parseScpCodes(text: string): { codes: string[]; likelihood: Record<string, number> } | undefined {
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) return undefined;
  const body = s.slice(1, -1);
  const codes: string[] = [], likelihood: Record<string, number> = {};
  let at = 0;
  while (body.slice(at).trim() !== '') {
    KEY.lastIndex = at;
    const k = KEY.exec(body);
    if (!k) return undefined;
    NUMBER.lastIndex = KEY.lastIndex;
    const v = NUMBER.exec(body);
    if (!v) return undefined;
    const code = (k[1] ?? k[2]).trim();
    if (code === '') return undefined;
    if (!(code in likelihood)) codes.push(code);
    likelihood[code] = Number(v[1]);
    at = NUMBER.lastIndex;
    if (body[at] === ',') at++;
    else if (body.slice(at).trim() !== '') return undefined;
  }
  return { codes, likelihood };
}

/** The rows of `ptbxl_database.csv`; a malformed file or row is a DataError naming `file` and the line. */
export function parsePtbxlDatabase(text: string, file: string): PtbxlRow[] {
  const { rows, unclosedQuoteLine } = parseCsv(text.replace(/^\uFEFF/, ''));
  if (unclosedQuoteLine !== undefined) throw new DataError(file, `line ${unclosedQuoteLine}: a quoted field is never closed`);
  const head = rows[0]?.cells.map((h) => h.trim()) ?? [];
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new DataError(file, `line 1: no '${name}' column (a PTB-XL ptbxl_database.csv has ecg_id, scp_codes, strat_fold, filename_lr, filename_hr)`);
    return i;
  };
  const [id, scp, fold, lr, hr] = ['ecg_id', 'scp_codes', 'strat_fold', 'filename_lr', 'filename_hr'].map(col);
  const out: PtbxlRow[] = [];
  for (const { cells, line } of rows.slice(1)) {
    if (isBlankRow(cells)) continue;
    const where = `line ${line}${cells[id]?.trim() ? ` (ecg_id ${cells[id].trim()})` : ''}`;
    if (cells.length !== head.length) throw new DataError(file, `${where}: ${cells.length} fields, the header has ${head.length} (a field with a comma must be in double quotes)`);
    const codes = parseScpCodes(cells[scp]);
    if (!codes) throw new DataError(file, `${where}: scp_codes ${JSON.stringify(cells[scp])} is not a dict of SCP code → likelihood such as {'NORM': 100.0, 'SR': 0.0}`);
    const f = Number(cells[fold].trim());
    if (cells[fold].trim() === '' || !Number.isInteger(f) || f < 1 || f > 10) throw new DataError(file, `${where}: strat_fold '${cells[fold]}' is not a fold number 1-10`);
    if (cells[hr].trim() === '' && cells[lr].trim() === '') throw new DataError(file, `${where}: neither filename_hr nor filename_lr names the record`);
    out.push({ ecgId: cells[id].trim(), ...codes, fold: f, filenameHr: cells[hr].trim(), filenameLr: cells[lr].trim(), line });
  }
  return out;
}

/** A row's classes (sorted, unique) through `table`, and the statements no rule of it covers. */
export function ptbxlClasses(codes: readonly string[], table: PhraseTable = PTBXL_SCP_PHRASES): { classes: number[]; unknown: string[] } {
  return interpretStatements(codes, table);
}
