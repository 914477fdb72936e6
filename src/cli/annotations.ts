/**
 * `ecgpu annotations <record> <ext>`: prints a WFDB annotation file the way `rdann -r REC -a EXT` does
 * (app/rdann.c): time, sample number, type mnemonic, subtype, chan, num and aux text, one line each.
 */
import { readFileSync } from 'node:fs';
import { parseAnnotations, mnemonic, type AnnotationFile } from '../ecg/wfdb-annotations.js';
import { DEFAULT_FS, parseHeader } from '../ecg/wfdb-header.js';
import { EcgInputError, type RecordHeader } from '../ecg/types.js';
import { UsageError } from './args.js';
import { reportFailure } from './exit-codes.js';
import { printableLine } from '../ecg/printable.js';

export const ANNOTATIONS_USAGE = `usage: ecgpu annotations <record> <annotator>

Prints the annotations of a record, one per line, as \`rdann -r RECORD -a ANNOTATOR\` does:
time ([h:]mm:ss.mmm, or [hh:mm:ss.mmm dd/mm/yyyy] when the header gives a start time), sample
number, type mnemonic, subtype, chan, num and the aux text.

  <record>     the record's .hea, or its name without extension
  <annotator>  the annotation file's extension: atr, qrs, i, ii, v1 ... (the file is RECORD.ANNOTATOR)
  --help       this text

Exit status: 0 ok, 2 bad arguments, 5 unreadable record or annotation file (one line on stderr naming the file and the problem).`;

/** What the time column needs from the record's header. */
export interface AnnotationClock {
  /** Sampling (frame) frequency of the record. */
  fs: number;
  /** Milliseconds since midnight of the record's start, when the header gives a start time. */
  baseMs?: number;
  /** The start date as [day, month, year], when the header gives one. */
  baseDate?: [number, number, number];
}

/** `[hh:]mm:ss[.fff]` (fstrtim with 1000 ticks/s) → milliseconds; undefined when unreadable. */
function parseBaseTime(text: string): number | undefined {
  const parts = text.replace(/^\[|\]$/g, '').split(':');
  if (parts.length > 3 || !parts.every((p) => /^\d+(\.\d*)?$/.test(p))) return undefined;
  return Math.round(parts.reduce((acc, p) => acc * 60 + Number(p), 0) * 1000);
}

export function clockOf(header: RecordHeader | undefined): AnnotationClock {
  if (!header) return { fs: DEFAULT_FS };
  const date = header.baseDate ? /^(\d{1,2})\/(\d{1,2})\/(\d+)$/.exec(header.baseDate) : null;
  return {
    fs: header.fs,
    baseMs: header.baseTime ? parseBaseTime(header.baseTime) : undefined,
    baseDate: date ? [Number(date[1]), Number(date[2]), Number(date[3])] : undefined,
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * The WFDB library's mstimstr(-t) at `f` ticks/s (lib/signal.c fmstimstr): elapsed time
 * `   mm:ss.mmm` / `hh:mm:ss.mmm` when the record has no start time, else the time of day.
 */
export function msTimeString(t: number, f: number, clock: AnnotationClock): string {
  // rdann passes -t: a negative time (before the start) prints as an elapsed interval either way.
  const timeOfDay = t >= 0 && ((clock.baseMs ?? 0) !== 0 || clock.baseDate !== undefined);
  if (!timeOfDay) {
    t = Math.abs(t);
    let s = Math.trunc(t / f);
    let msec = Math.trunc(((t - s * f) * 1000) / f + 0.5);
    if (msec === 1000) { msec = 0; s++; }
    const seconds = s % 60, minutes = Math.trunc(s / 60) % 60, hours = Math.trunc(s / 3600);
    return hours > 0
      ? `${String(hours).padStart(2)}:${pad2(minutes)}:${pad2(seconds)}.${String(msec).padStart(3, '0')}`
      : `   ${String(minutes).padStart(2)}:${pad2(seconds)}.${String(msec).padStart(3, '0')}`;
  }
  const tms = (clock.baseMs ?? 0) + (t * 1000) / f;
  let s = Math.trunc(tms / 1000);
  let msec = Math.trunc(tms - s * 1000 + 0.5);
  if (msec === 1000) { msec = 0; s++; }
  const seconds = s % 60, minutes = Math.trunc(s / 60) % 60, hours = Math.trunc(s / 3600) % 24, days = Math.trunc(s / 86400);
  let date = '';
  if (clock.baseDate) {
    const [d, m, y] = clock.baseDate;
    const when = new Date(Date.UTC(y, m - 1, d + days));
    date = ` ${pad2(when.getUTCDate())}/${pad2(when.getUTCMonth() + 1)}/${when.getUTCFullYear()}`;
  } else if (days !== 0) date = ` ${days}`;
  return `[${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${String(msec).padStart(3, '0')}${date}]`;
}

/** round_to_time: nearest integer, halfway cases up. */
const roundHalfUp = (x: number) => Math.floor(x + 0.5);

/** The lines rdann prints (without -v), each ending in a newline. */
export function* rdannLines(file: AnnotationFile, clock: AnnotationClock): Generator<string> {
  const sps = clock.fs;
  const afreq = file.timeResolution ?? 0;
  const tps = Math.max(afreq, sps);
  const tmul = afreq > 0 ? tps / afreq : 1;
  for (const a of file.annotations) {
    const time = tmul === 1 ? a.time : roundHalfUp(a.time * tmul);
    const sample = tps === sps ? time : Math.floor((time * sps) / tps + 0.5);
    let line = `${msTimeString(time, tps, clock)}  ${String(sample).padStart(7)}${mnemonic(a.type, file.mnemonics).padStart(6)}` +
      `${String(a.subtype).padStart(5)}${String(a.chan).padStart(5)}${String(a.num).padStart(5)}`;
    if (a.aux !== undefined) line += `\t${a.aux}`;
    yield line + '\n';
  }
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EcgInputError(path, code === 'ENOENT' ? `${what} not found` : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(e)})`);
  }
}

export interface AnnotationsIo {
  out(text: string): void | Promise<void>;
  err(text: string): void;
}

const processIo: AnnotationsIo = {
  out: (text) => (process.stdout.write(text) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()))),
  err: (text) => void process.stderr.write(text),
};

/** `ecgpu annotations`; returns the exit status. */
export async function annotationsCommand(argv: string[], io: AnnotationsIo = processIo): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      await io.out(ANNOTATIONS_USAGE + '\n');
      return 0;
    }
    const unknown = argv.find((a) => a.startsWith('-'));
    if (unknown) throw new UsageError(`unknown option ${unknown}`);
    if (argv.length !== 2) throw new UsageError(`expected a record and an annotator, got ${argv.length} argument(s)`);
    const [recordArg, ext] = argv;
    if (!/^[A-Za-z0-9_]+$/.test(ext)) throw new UsageError(`bad annotator '${ext}' (a file extension such as atr, qrs, i, v1)`);
    const base = recordArg.replace(/\.hea$/i, '');
    const path = `${base}.${ext}`;
    const bytes = readBytes(path, 'annotation file'); // first: a missing file is the one line printed
    let header: RecordHeader | undefined;
    try {
      header = parseHeader(new TextDecoder().decode(readFileSync(`${base}.hea`)), `${base}.hea`);
    } catch (e) {
      if (e instanceof EcgInputError) throw e;
      // rdann reads annotations of records without a header at WFDB's default 250 Hz.
      io.err(`ecgpu annotations: warning: ${printableLine(base)}.hea not readable; times assume ${DEFAULT_FS} Hz\n`);
    }
    const file = parseAnnotations(bytes, path);
    for (const w of file.warnings) io.err(`ecgpu annotations: warning: ${printableLine(`${path}: ${w}`)}\n`);
    const clock = clockOf(header);
    let chunk = '';
    for (const line of rdannLines(file, clock)) {
      chunk += line;
      if (chunk.length > 65536) {
        await io.out(chunk);
        chunk = '';
      }
    }
    if (chunk) await io.out(chunk);
    return 0;
  } catch (e) {
    return reportFailure(e, 'annotations', (line) => io.err(line));
  }
}
