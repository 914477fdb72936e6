/**
 * Reading a record from bytes rather than paths — what a browser has after a file drop or a fetch:
 * a WFDB header with its signal file(s), or one Chapman .csv. Pure (the same parsers as readRecord);
 * errors name the file and what is wrong, like the path reader's.
 */
import { parseChapmanCsv } from './csv.js';
import { EcgInputError, type EcgRecord } from './types.js';
import { parseHeader } from './wfdb-header.js';
import { decodeRecord } from './wfdb-signals.js';

export interface NamedBytes { name: string; bytes: Uint8Array }
/** A browser File (a Blob with a name), or a name with bytes already read. */
export type RecordFile = NamedBytes | { name: string; arrayBuffer(): Promise<ArrayBuffer> };

/** The message both readers give for a signal file handed over without its header. */
export const NO_HEADER = (signalFile: string) => `file not found (the header of ${signalFile}: a signal file alone cannot be read)`;
/** ... and for a single file of a kind that is no record at all. */
export const UNKNOWN_TYPE = 'unknown record file type (expected .hea, .mat, .dat or .csv)';
/** ... and for a signal file the header names but that is not there. */
export const SIGNAL_FILE_MISSING = (header: string) => `file not found (signal file named in ${header})`;

const ext = (name: string) => (/\.[^.\\/]+$/.exec(name)?.[0] ?? '').toLowerCase();
const base = (name: string) => name.split(/[\\/]/).pop() ?? name;

/**
 * Parses a record from its files: exactly one `.hea` (plus the signal files it names), or one `.csv`.
 * Extra unrelated files are an error rather than a guess.
 */
export function recordFromBytes(files: readonly NamedBytes[], opts: { digital?: boolean } = {}): EcgRecord {
  const names = files.map((f) => base(f.name));
  const headers = files.filter((f) => ext(f.name) === '.hea');
  const text = (f: NamedBytes) => new TextDecoder().decode(f.bytes);
  if (headers.length > 1) throw new EcgInputError(names.join(', '), `${headers.length} WFDB headers given; give one record at a time`);
  if (headers.length === 0) {
    const csvs = files.filter((f) => ext(f.name) === '.csv');
    if (csvs.length === 1 && files.length === 1) {
      const rec = parseChapmanCsv(text(csvs[0]), base(csvs[0].name));
      if (opts.digital === false) rec.digital = undefined;
      return rec;
    }
    const signal = files.find((f) => ['.mat', '.dat'].includes(ext(f.name)));
    if (signal) {
      const name = base(signal.name);
      throw new EcgInputError(name.slice(0, -ext(name).length) + '.hea', NO_HEADER(name));
    }
    if (files.length === 1) throw new EcgInputError(names[0], UNKNOWN_TYPE);
    throw new EcgInputError(files.length ? names.join(', ') : '(no files)', 'expected a WFDB record (.hea with its .mat/.dat) or one Chapman .csv');
  }
  const hea = headers[0];
  const header = parseHeader(text(hea), base(hea.name));
  const byName = new Map(files.map((f) => [base(f.name), f.bytes]));
  const signalFiles = new Map<string, Uint8Array>();
  for (const s of header.signals) {
    if (signalFiles.has(s.fileName)) continue;
    const want = base(s.fileName);
    const found = byName.get(want) ?? [...byName].find(([n]) => n.toLowerCase() === want.toLowerCase())?.[1];
    if (!found) throw new EcgInputError(want, SIGNAL_FILE_MISSING(base(hea.name)));
    signalFiles.set(s.fileName, found);
  }
  return decodeRecord(header, signalFiles, base(hea.name), opts.digital !== false);
}

/**
 * Already-read bytes, told apart by type, not by a property name: current browsers give every Blob a
 * `bytes()` method, so `'bytes' in file` is true of a File too (and once sent a File down the bytes path).
 */
function isNamedBytes(f: RecordFile): f is NamedBytes {
  return !(typeof Blob !== 'undefined' && f instanceof Blob) && (f as NamedBytes).bytes instanceof Uint8Array;
}

/** The same from browser Files (a drop or an <input type=file multiple>) or named bytes. */
export async function readRecordFiles(files: Iterable<RecordFile> | ArrayLike<RecordFile>, opts: { digital?: boolean } = {}): Promise<EcgRecord> {
  const list = Array.from(files as ArrayLike<RecordFile>);
  const named = await Promise.all(list.map(async (f) => (isNamedBytes(f) ? f : { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  return recordFromBytes(named, opts);
}

/**
 * A record from plain arrays (samples in millivolts, one array per lead, named as the leads are, e.g.
 * `I`, `II`, `V1`): what an app that already holds the signals gives the Classifier.
 */
export function recordFromArrays(r: { leads: readonly string[]; fs: number; signals: readonly ArrayLike<number>[]; name?: string }): EcgRecord {
  const name = r.name ?? 'record';
  if (r.leads.length !== r.signals.length) throw new EcgInputError(name, `${r.leads.length} lead names for ${r.signals.length} signals`);
  const signals = r.signals.map((s) => Float32Array.from(s));
  const n = signals.length ? Math.min(...signals.map((s) => s.length)) : 0;
  return {
    header: {
      name, nSignals: signals.length, fs: r.fs, nSamples: n, comments: [], dx: [],
      signals: r.leads.map((lead) => ({
        fileName: '', format: 0, samplesPerFrame: 1, skew: 0, byteOffset: 0, gain: 1, baseline: 0, units: 'mV',
        adcResolution: 0, adcZero: 0, blockSize: 0, description: lead,
      })),
    },
    leads: [...r.leads], fs: r.fs, signals, source: name,
  };
}
