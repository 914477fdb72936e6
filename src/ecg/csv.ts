/**
 * Chapman-Shaoxing CSV records (figshare `ECGData`/`ECGDataDenoised`): one file per record, one row
 * per sample (5000 rows = 10 s at 500 Hz), 12 columns in µV in the order I, II, III, aVR, aVL, aVF,
 * V1..V6, with or without a header row of lead names. Pure: takes the text, no fs.
 *
 * The record is given gain 1000/mV (1 ADC unit = 1 µV), so the digital values are the µV rounded and
 * the physical values are µV / 1000, like a WFDB copy of the same record would read.
 */
import { EcgInputError, STANDARD_LEADS, type EcgRecord, type RecordHeader, type SignalSpec } from './types.js';
import { quoted } from './printable.js';

export const CHAPMAN_FS = 500;
export const CHAPMAN_GAIN = 1000;

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A header row has a name in it: a cell that is neither empty, a number, nor a NaN/Inf marker. */
function looksLikeName(cell: string): boolean {
  const t = cell.trim();
  return t !== '' && !Number.isFinite(Number(t)) && !/^[-+]?(nan|inf(inity)?)$/i.test(t);
}

/** Splits one CSV row; cells are plain numbers or names, so quotes only need stripping. */
function cells(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Parses a Chapman CSV. `fileName` names the record in errors and in `source`; `dx` (labels come
 * from the separate Diagnostics sheet) goes into the header as given.
 */
export function parseChapmanCsv(text: string, fileName: string, dx: string[] = []): EcgRecord {
  const lines = text.split(/\r?\n|\r/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new EcgInputError(fileName, 'empty CSV file');

  // Column order: positional, unless a header row of lead names says otherwise.
  let order: number[] = STANDARD_LEADS.map((_, i) => i);
  let first = 0;
  const head = cells(lines[0]);
  if (head.some(looksLikeName)) {
    first = 1;
    const lower = head.map((h) => h.toLowerCase());
    const idx = STANDARD_LEADS.map((l) => lower.indexOf(l.toLowerCase()));
    if (head.length !== 12) throw new EcgInputError(fileName, `header row has ${head.length} columns, expected 12 leads (${STANDARD_LEADS.join(',')})`);
    if (idx.every((i) => i >= 0)) order = idx;
    else {
      const unknown = head.filter((h) => !STANDARD_LEADS.some((l) => l.toLowerCase() === h.toLowerCase()));
      throw new EcgInputError(fileName, `header row names unknown lead(s) ${unknown.map(quoted).join(', ')}; expected ${STANDARD_LEADS.join(',')}`);
    }
  }
  const n = lines.length - first;
  if (n === 0) throw new EcgInputError(fileName, 'CSV has a header row but no samples');

  const uv = STANDARD_LEADS.map(() => new Float64Array(n));
  for (let r = 0; r < n; r++) {
    const row = cells(lines[first + r]);
    const lineNo = first + r + 1;
    if (row.length !== 12) throw new EcgInputError(fileName, `line ${lineNo}: ${row.length} columns, expected 12 leads`);
    for (let lead = 0; lead < 12; lead++) {
      const cell = row[order[lead]];
      const v = Number(cell);
      if (cell === '' || !Number.isFinite(v)) {
        const why = cell === '' ? 'empty cell' : /^[-+]?nan$/i.test(cell) ? 'NaN ("no data")' : `${quoted(cell)} is not a number`;
        throw new EcgInputError(fileName, `line ${lineNo}, lead ${STANDARD_LEADS[lead]}: ${why}`);
      }
      uv[lead][r] = v;
    }
  }

  const signals: SignalSpec[] = STANDARD_LEADS.map((lead) => ({
    fileName: baseName(fileName),
    format: 16,
    samplesPerFrame: 1,
    skew: 0,
    byteOffset: 0,
    gain: CHAPMAN_GAIN,
    baseline: 0,
    units: 'mV',
    adcResolution: 16,
    adcZero: 0,
    blockSize: 0,
    description: lead,
  }));
  const header: RecordHeader = {
    name: baseName(fileName).replace(/\.csv$/i, ''),
    nSignals: 12,
    fs: CHAPMAN_FS,
    nSamples: n,
    signals,
    comments: [],
    dx: [...dx],
  };
  return {
    header,
    leads: [...STANDARD_LEADS],
    fs: CHAPMAN_FS,
    signals: uv.map((a) => Float32Array.from(a, (x) => x / CHAPMAN_GAIN)),
    digital: uv.map((a) => Int32Array.from(a, (x) => Math.round(x))),
    source: fileName,
  };
}
