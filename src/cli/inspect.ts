/**
 * `ecgpu inspect <record>`: prints a record's samples the way the WFDB tool `rdsamp` does, so the
 * output can be diffed against `rdsamp -r REC ... | cut -f 2-`, with a header summary on stderr.
 */
import { headerLabels } from '../ecg/labels.js';
import { readRecord } from '../ecg/read-record.js';
import { UsageError } from './args.js';
import { printableField, printableLine, quoted } from '../ecg/printable.js';
import { reportFailure } from './exit-codes.js';
import { CLASS_NAMES, EcgInputError, type EcgRecord } from '../ecg/types.js';
import { INVALID_SAMPLE } from '../ecg/wfdb-signals.js';

export const INSPECT_USAGE = `usage: ecgpu inspect <record> [--physical | --precise] [--high-res] [--from TIME] [--to TIME] [--signals I,J,...]

Prints the samples of a record, one sample per line, signals tab separated, as
\`rdsamp -r RECORD ... | cut -f 2-\` does; a summary of the header goes to stderr.
A signal with several samples per frame (format 212x4) prints one value per frame, the mean of
the frame's samples (rounded half up), as rdsamp does; skewed signals (212:4) are deskewed.
"No data" samples and multi-segment gaps print as -32768 (digital) or - (physical), as in rdsamp.

  <record>         a .hea, .mat or .dat file, a record name without extension, or a Chapman .csv
  --physical       physical units (mV) with 3 decimals, as rdsamp -p (default: digital ADC values)
  --precise        physical units with 8 decimals, as rdsamp -P
  --high-res, -H   every sample of the fastest signal, the others repeated, as rdsamp -H (times
                   then count in those samples)
  --from TIME      first sample: round(TIME × fs); TIME in seconds, [hh:]mm:ss, or sN for sample N
  --to TIME        end sample, not included: round(TIME × fs)
  --signals LIST   signals to print, by number (0 = first) or name, comma separated (rdsamp -s)
  --help           this text

Exit status: 0 ok (also when the reader of the output goes away, as \`| head\` does), 2 bad arguments,
5 unreadable record: one line on stderr naming the option or the file and the problem.`;

export interface InspectOptions {
  record: string;
  /** 'digital' (rdsamp), 'physical' (rdsamp -p, %7.3f) or 'precise' (rdsamp -P, %15.8f). */
  units: 'digital' | 'physical' | 'precise';
  /** rdsamp -H: samples of the fastest signal instead of frames. */
  highRes?: boolean;
  from?: string;
  to?: string;
  signals?: string[];
}

export interface SampleFormat {
  units: 'digital' | 'physical' | 'precise';
  /** First sample index (default 0). */
  from?: number;
  /** End sample index, exclusive (default: end of record). */
  to?: number;
  /** Signal indices to print, in order (default: all). */
  signals?: number[];
}

/**
 * C printf `%.{decimals}f`. Same as toFixed except on exact ties, where glibc rounds half to even on
 * the binary value and toFixed rounds up, and for -0, which C prints with its sign.
 */
export function formatFixed(x: number, decimals: number): string {
  if (Object.is(x, -0)) return '-' + (0).toFixed(decimals);
  const s = x.toFixed(decimals);
  // An exact tie x = t / (2·10^d) with t odd is a dyadic rational only when 5^d divides t.
  const five = 5 ** decimals;
  const t = x * 2 * 10 ** decimals;
  if (!Number.isInteger(t) || Math.abs(t) % 2 !== 1 || t % five !== 0 || x !== t / five / 2 ** (decimals + 1)) return s;
  const half = (Math.abs(t) - 1) / 2; // the two candidates are half and half + 1 (units of 10^-d)
  const q = half % 2 === 0 ? half : half + 1;
  const digits = String(q).padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  return (x < 0 ? '-' : '') + int + (decimals ? '.' + digits.slice(-decimals) : '');
}

/**
 * The sample lines rdsamp prints (after `cut -f 2-`), in chunks of a few thousand lines so a
 * 650000-sample record is neither written line by line nor built as one giant string.
 * Digital: `%7d`; physical: `%7.3f` (rdsamp -p) or `%15.8f` (rdsamp -P) of (digital - baseline) / gain.
 */
export function* formatSamples(record: EcgRecord, fmt: SampleFormat, linesPerChunk = 4096): Generator<string> {
  const n = record.signals[0]?.length ?? 0;
  const from = Math.max(0, fmt.from ?? 0);
  const to = Math.min(n, fmt.to ?? n);
  const sigs = fmt.signals ?? record.signals.map((_, i) => i);
  const cells: ((k: number) => string)[] = sigs.map((s) => {
    const dig = record.digital?.[s];
    const spec = record.header.signals[s];
    if (fmt.units === 'digital') {
      if (!dig) throw new EcgInputError(record.source, 'has no digital values (not read from a file); use --physical');
      return (k) => String(dig[k]).padStart(7);
    }
    const [decimals, width] = fmt.units === 'physical' ? [3, 7] : [8, 15];
    // rdsamp computes in double from the ADC value; the Float32 signal is the fallback for generated records.
    if (dig && spec) {
      const { baseline, gain } = spec;
      const none = '-'.padStart(width); // a "no data" sample, as rdsamp prints it
      return (k) => (dig[k] === INVALID_SAMPLE ? none : formatFixed((dig[k] - baseline) / gain, decimals).padStart(width));
    }
    const phys = record.signals[s];
    return (k) => formatFixed(phys[k], decimals).padStart(width);
  });
  const lines: string[] = [];
  for (let k = from; k < to; k++) {
    let line = cells.length ? cells[0](k) : '';
    for (let j = 1; j < cells.length; j++) line += '\t' + cells[j](k);
    lines.push(line);
    if (lines.length === linesPerChunk) {
      yield lines.join('\n') + '\n';
      lines.length = 0;
    }
  }
  if (lines.length) yield lines.join('\n') + '\n';
}

/** All of formatSamples as one string (tests, small records). */
export function formatSamplesText(record: EcgRecord, fmt: SampleFormat): string {
  let s = '';
  for (const chunk of formatSamples(record, fmt)) s += chunk;
  return s;
}

/** A time as rdsamp's strtim reads it, to a sample index: seconds, [hh:]mm:ss[.s], or sN (sample N). */
export function parseTime(text: string, fs: number): number {
  const sample = /^s(\d+)$/.exec(text);
  if (sample) return Number(sample[1]);
  const parts = text.split(':');
  if (parts.length <= 3 && parts.every((p) => /^\d*\.?\d+$|^\d+\.$/.test(p))) {
    const seconds = parts.reduce((acc, p) => acc * 60 + Number(p), 0);
    return Math.round(seconds * fs);
  }
  throw new UsageError(`bad time ${quoted(text)} (expected seconds, [hh:]mm:ss, or sN for sample N)`);
}

export function parseInspectArgs(argv: string[]): InspectOptions | 'help' {
  let record: string | undefined;
  const opts: Partial<InspectOptions> = { units: 'digital' };
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    // Each option once, and one choice of units: a second one would silently replace the first.
    const once = (key: string) => {
      if (seen.has(key)) throw new UsageError(key === 'units' ? `${seen.get(key)} and ${a} conflict (choose one)` : `${a} given twice`);
      seen.set(key, a);
    };
    switch (a) {
      case '--help': case '-h': return 'help';
      case '--physical': case '-p': once('units'); opts.units = 'physical'; break;
      case '--precise': case '-P': once('units'); opts.units = 'precise'; break;
      case '--high-res': case '-H': once('high-res'); opts.highRes = true; break;
      case '--from': case '-f': once('from'); opts.from = value(); break;
      case '--to': case '-t': once('to'); opts.to = value(); break;
      case '--signals': case '-s': once('signals'); opts.signals = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${quoted(a)}`);
        if (record !== undefined) throw new UsageError(`more than one record given (${quoted(record)}, ${quoted(a)})`);
        record = a;
    }
  }
  if (record === undefined) throw new UsageError('no record given');
  return { ...opts, record } as InspectOptions;
}

/** Signal list entries (numbers or names) → indices. */
function resolveSignals(record: EcgRecord, list: string[]): number[] {
  return list.map((s) => {
    if (/^\d+$/.test(s)) {
      const i = Number(s);
      if (i >= record.signals.length) throw new UsageError(`signal ${i} does not exist (the record has ${record.signals.length}: 0-${record.signals.length - 1})`);
      return i;
    }
    const i = record.leads.findIndex((l) => l === s);
    const j = i >= 0 ? i : record.leads.findIndex((l) => l.toLowerCase() === s.toLowerCase());
    if (j < 0) throw new UsageError(`no signal named ${quoted(s)} (the record has ${record.leads.map((l) => printableField(l)).join(', ')})`);
    return j;
  });
}

/** The stderr summary: record line, one line per signal, labels and warnings. */
export function headerSummary(record: EcgRecord): string {
  const h = record.header;
  const p = printableField; // header text may hold control bytes or run to megabytes
  const n = record.signals[0]?.length ?? h.nSamples;
  const out = [
    `record ${p(h.name)} (${p(record.source, 200)}): ${record.signals.length} signals, ${record.fs} Hz, ${n} samples (${(n / record.fs).toFixed(3)} s)` +
      (h.baseTime || h.baseDate ? `, start ${[h.baseTime, h.baseDate].filter(Boolean).map((t) => p(t!)).join(' ')}` : ''),
  ];
  h.signals.forEach((s, i) => {
    out.push(`  ${i}\t${p(s.description)}\t${p(s.fileName)} format ${s.format}${s.samplesPerFrame > 1 ? `x${s.samplesPerFrame}` : ''}${s.skew ? `:${s.skew}` : ''}` +
      `\tgain ${s.gain}/${p(s.units)} baseline ${s.baseline} adc ${s.adcResolution}-bit zero ${s.adcZero}`);
  });
  if (h.age !== undefined || h.sex !== undefined) out.push(`age ${h.age ?? '?'}, sex ${p(String(h.sex ?? '?'))}`);
  const labels = headerLabels(h);
  if (h.dx.length || labels.classes.length || labels.unknown.length) {
    const cls = labels.classes;
    out.push(`${h.dx.length ? `dx ${h.dx.map((d) => p(d)).join(',')}` : 'diagnoses (free text)'} -> classes ${cls.length ? cls.map((c) => `${c} (${CLASS_NAMES[c]})`).join(', ') : 'none of the 10'}` +
      (labels.unknown.length ? `; unknown: ${labels.unknown.map((u) => p(u)).join(h.dx.length ? ',' : ' | ')}` : ''));
  }
  for (const w of h.warnings ?? []) out.push(`warning: ${printableLine(w)}`);
  return out.join('\n') + '\n';
}

export interface InspectIo {
  /** Write to stdout; may return a promise to apply backpressure. */
  out(text: string): void | Promise<void>;
  err(text: string): void;
}

/** process.stdout with backpressure: wait for 'drain' when the pipe is full. */
const processIo: InspectIo = {
  out: (text) =>
    process.stdout.write(text) ? undefined : new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())),
  err: (text) => void process.stderr.write(text),
};

/** `ecgpu inspect`; returns the exit status. */
export async function inspectCommand(argv: string[], io: InspectIo = processIo): Promise<number> {
  try {
    const opts = parseInspectArgs(argv);
    if (opts === 'help') {
      await io.out(INSPECT_USAGE + '\n');
      return 0;
    }
    // Times are checked for form before the record is read, against it after; the summary comes only
    // once every option is known to be good, so a refusal is the only thing printed.
    for (const t of [opts.from, opts.to]) if (t !== undefined) parseTime(t, 1);
    const record = readRecord(opts.record, { resolution: opts.highRes ? 'high' : 'frame', noData: 'keep' });
    const n = record.signals[0]?.length ?? 0;
    const from = opts.from !== undefined ? parseTime(opts.from, record.fs) : 0;
    const to = opts.to !== undefined ? parseTime(opts.to, record.fs) : n;
    if (from > n) throw new UsageError(`--from ${opts.from} is sample ${from}, past the end of the record (${n} samples)`);
    if (to < from) throw new UsageError(`--to ${opts.to} (sample ${to}) comes before --from ${opts.from ?? 0} (sample ${from})`);
    const signals = opts.signals ? resolveSignals(record, opts.signals) : undefined;
    if (opts.units === 'digital' && (signals ?? record.signals.map((_, i) => i)).some((i) => !record.digital?.[i])) throw new EcgInputError(record.source, 'has no digital values (not read from a file); use --physical');
    io.err(headerSummary(record));
    for (const chunk of formatSamples(record, { units: opts.units, from, to, signals })) await io.out(chunk);
    return 0;
  } catch (e) {
    return reportFailure(e, 'inspect', (line) => io.err(line));
  }
}
