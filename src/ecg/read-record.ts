/**
 * Reading a record from disk: the only ECG module that touches fs. Everything it does beyond finding
 * and reading files lives in the pure parsers (wfdb-header, wfdb-signals, csv) so a browser can reuse them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseChapmanCsv } from './csv.js';
import { NO_HEADER, UNKNOWN_TYPE } from './read-bytes.js';
import { EcgInputError, type EcgRecord, type RecordHeader } from './types.js';
import { parseHeader } from './wfdb-header.js';
import { joinSegments, type DecodedSignals } from './wfdb-segments.js';
import { buildRecord, decodeSignals, requireTwelveLeads, type FrameResolution, type NoData } from './wfdb-signals.js';

export interface ReadRecordOptions {
  /** Keep the digital (ADC) values alongside the physical ones (default true). */
  digital?: boolean;
  /** Require the 12 standard leads and return them in I..V6 order (default false). */
  twelveLead?: boolean;
  /** One value per frame ('frame', as rdsamp) or every sample of the fastest signal ('high', the default). */
  resolution?: FrameResolution;
  /** "No data" samples and segment gaps: refused (default) or kept as INVALID_SAMPLE (inspect). */
  noData?: NoData;
}

/** Reads a file, turning "not found" and friends into an EcgInputError that names it. */
function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`;
    throw new EcgInputError(path, why);
  }
}

/** Where the record lives: `{kind: 'csv', path}` or `{kind: 'wfdb', hea}`. */
export function resolveRecordPath(path: string): { kind: 'csv' | 'wfdb'; path: string } {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return { kind: 'csv', path };
  if (ext === '.hea') return { kind: 'wfdb', path };
  if (ext === '.mat' || ext === '.dat') {
    const hea = path.slice(0, -ext.length) + '.hea';
    if (existsSync(path) && !existsSync(hea)) throw new EcgInputError(hea, NO_HEADER(basename(path)));
    return { kind: 'wfdb', path: hea };
  }
  // A bare record name (`100`, `data/JS00001`): the header, else a CSV of that name.
  if (existsSync(path + '.hea')) return { kind: 'wfdb', path: path + '.hea' };
  if (existsSync(path + '.csv')) return { kind: 'csv', path: path + '.csv' };
  if (existsSync(path) && statSync(path).isFile()) {
    throw new EcgInputError(path, UNKNOWN_TYPE);
  }
  throw new EcgInputError(path, `no record found (looked for ${path}.hea and ${path}.csv)`);
}

/** A single-segment record's header and decoded signals; errors name the full path of the file. */
function readSignals(heaPath: string, noData: NoData, header = parseHeader(new TextDecoder().decode(readBytes(heaPath)), heaPath)): DecodedSignals {
  if (header.segments) throw new EcgInputError(heaPath, 'a segment of a multi-segment record is itself multi-segment; nested segments are not read');
  const files = new Map<string, Uint8Array>();
  const dir = dirname(heaPath);
  for (const s of header.signals) {
    if (files.has(s.fileName)) continue;
    const file = join(dir, s.fileName);
    try {
      files.set(s.fileName, readBytes(file));
    } catch (e) {
      if (e instanceof EcgInputError) throw new EcgInputError(file, `${e.problem} (signal file named in ${heaPath})`);
      throw e;
    }
  }
  try {
    return { header, samples: decodeSignals(header, files, noData) };
  } catch (e) {
    // The pure decoder only knows file names; give the error the full path.
    if (e instanceof EcgInputError && files.has(e.file)) throw new EcgInputError(join(dir, e.file), e.problem);
    throw e;
  }
}

/** A multi-segment record: each segment's header next to the master's, joined (wfdb-segments). */
function readSegmented(heaPath: string, master: RecordHeader, noData: NoData): DecodedSignals {
  const parts = master.segments!.map((seg, i) => {
    if (seg.name === '~') return null;
    const path = join(dirname(heaPath), `${seg.name}.hea`);
    if (!existsSync(path)) throw new EcgInputError(path, `file not found (segment ${i + 1} of the multi-segment record ${heaPath})`);
    // A first segment of length 0 is the layout header: its signal lines only, no samples.
    if (i === 0 && seg.nSamples === 0) return { header: parseHeader(new TextDecoder().decode(readBytes(path)), path), samples: [] };
    return readSignals(path, noData);
  });
  return joinSegments(master, parts, heaPath, noData);
}

/**
 * Reads a record. `path` may be the `.hea`, a signal file (`.mat`/`.dat`), the record name without
 * extension, or a Chapman `.csv`. Signal files and segments are looked up next to the header.
 */
export function readRecord(path: string, opts: ReadRecordOptions = {}): EcgRecord {
  const where = resolveRecordPath(path);
  let record: EcgRecord;
  if (where.kind === 'csv') {
    record = parseChapmanCsv(new TextDecoder().decode(readBytes(where.path)), where.path);
    if (opts.digital === false) record.digital = undefined;
  } else {
    const header = parseHeader(new TextDecoder().decode(readBytes(where.path)), where.path);
    const noData = opts.noData ?? 'refuse';
    const decoded = header.segments ? readSegmented(where.path, header, noData) : readSignals(where.path, noData, header);
    record = buildRecord(decoded.header, decoded.samples, where.path, opts);
  }
  return opts.twelveLead ? requireTwelveLeads(record) : record;
}
