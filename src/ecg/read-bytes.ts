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
/** A browser File, or anything with a name and bytes. */
export type RecordFile = NamedBytes | { name: string; arrayBuffer(): Promise<ArrayBuffer> };

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
    const what = files.length ? names.join(', ') : '(no files)';
    if (files.some((f) => ['.mat', '.dat'].includes(ext(f.name)))) throw new EcgInputError(what, 'a signal file needs its .hea header: give both together');
    throw new EcgInputError(what, 'expected a WFDB record (.hea with its .mat/.dat) or one Chapman .csv');
  }
  const hea = headers[0];
  const header = parseHeader(text(hea), base(hea.name));
  const byName = new Map(files.map((f) => [base(f.name), f.bytes]));
  const signalFiles = new Map<string, Uint8Array>();
  for (const s of header.signals) {
    if (signalFiles.has(s.fileName)) continue;
    const want = base(s.fileName);
    const found = byName.get(want) ?? [...byName].find(([n]) => n.toLowerCase() === want.toLowerCase())?.[1];
    if (!found) throw new EcgInputError(want, `signal file not given (named in ${base(hea.name)}); give it together with the header`);
    signalFiles.set(s.fileName, found);
  }
  return decodeRecord(header, signalFiles, base(hea.name), opts.digital !== false);
}

/** The same from browser Files (a drop or an <input type=file multiple>) or named bytes. */
export async function readRecordFiles(files: Iterable<RecordFile> | ArrayLike<RecordFile>, opts: { digital?: boolean } = {}): Promise<EcgRecord> {
  const list = Array.from(files as ArrayLike<RecordFile>);
  const named = await Promise.all(list.map(async (f) => ('bytes' in f ? f : { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
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
