/**
 * WFDB header (`.hea`) parser, pure (no Node modules) so a browser can use it on fetched text.
 *
 * Layout (https://physionet.org/physiotools/wag/header-5.htm):
 *   record line:  name[/nseg] nsig [fs[/counterfs[(basecount)]] [nsamples [basetime [basedate]]]]
 *   signal lines: file format[xspf][:skew][+offset] [gain[(baseline)][/units] [adcres [adczero
 *                 [initval [checksum [blocksize [description...]]]]]]]
 *   comment lines start with `#`; the Challenge files put `#Age:`, `#Sex:` and `#Dx:` there.
 * A multi-segment record's master header (`name/nseg nsig fs nsamples`) lists segment lines
 * (`segment-name nsamples`, `~` for a gap) instead of signal lines; see wfdb-segments.
 */
import { EcgInputError, type RecordHeader, type SegmentSpec, type SignalSpec } from './types.js';
import { quoted } from './printable.js';

/** WFDB_DEFGAIN: the gain the WFDB library assumes when a header says 0 (uncalibrated). */
export const DEFAULT_GAIN = 200;
/** WFDB_DEFFREQ: the sampling frequency assumed when the record line gives none. */
export const DEFAULT_FS = 250;

/** ADC resolution assumed when the header omits it or writes 0, by storage format (WFDB library). */
function defaultAdcResolution(format: number): number {
  switch (format) {
    case 8: case 80: return 8;
    case 310: case 311: return 10;
    case 16: case 61: case 160: return 16;
    case 24: return 24;
    case 32: return 32;
    default: return 12; // 212 and everything else
  }
}

const FORMAT_SPEC = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/;
const GAIN_SPEC = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.*))?$/;
/** A token ending in a signal file name: what gives a merged record/signal line away. */
const SIGNAL_FILE_TOKEN = /\.(?:mat|dat)$/i;

function num(text: string, what: string, file: string, lineNo: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) {
    throw new EcgInputError(file, `line ${lineNo}: ${what} ${quoted(text)} is not a number`);
  }
  return v;
}

function int(text: string, what: string, file: string, lineNo: number): number {
  const v = num(text, what, file, lineNo);
  if (!Number.isInteger(v)) throw new EcgInputError(file, `line ${lineNo}: ${what} ${quoted(text)} is not an integer`);
  return v;
}

/**
 * Some Chapman-Shaoxing headers (e.g. JS01052, JS23074) have the record line and the first signal
 * line on one line: `JS01052 12 500 5000 JS01052.mat 16+24 1000/mV ...` (sometimes without the space).
 * Returns the split lines when the record line holds a signal file name, else undefined.
 */
export function splitMergedRecordLine(line: string): [string, string] | undefined {
  const tokens = line.trim().split(/\s+/);
  // A record line never names a file; the first token that does starts the signal line.
  for (let i = 1; i < tokens.length; i++) {
    if (!SIGNAL_FILE_TOKEN.test(tokens[i])) continue;
    // `5000JS01052.mat`: the file is named after the record, so split where the record name starts.
    const at = tokens[i].indexOf(tokens[0]);
    const head = at > 0 ? tokens[i].slice(0, at) : '';
    const recordTokens = [...tokens.slice(0, i), ...(head ? [head] : [])];
    return [recordTokens.join(' '), [tokens[i].slice(head.length), ...tokens.slice(i + 1)].join(' ')];
  }
  return undefined;
}

/** Parses one signal line; `index` is the 0-based signal number, for the default description. */
function parseSignalLine(line: string, recordName: string, index: number, file: string, lineNo: number): SignalSpec {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 2) throw new EcgInputError(file, `line ${lineNo}: signal line needs at least a file name and a format: ${quoted(line)}`);
  const fm = FORMAT_SPEC.exec(tokens[1]);
  if (!fm) throw new EcgInputError(file, `line ${lineNo}: bad signal format ${quoted(tokens[1])} (expected e.g. 16, 212, 16+24, 16x2:1+512)`);
  const format = Number(fm[1]);
  const spec: SignalSpec = {
    fileName: tokens[0],
    format,
    samplesPerFrame: fm[2] ? Number(fm[2]) : 1,
    skew: fm[3] ? Number(fm[3]) : 0,
    byteOffset: fm[4] ? Number(fm[4]) : 0,
    gain: DEFAULT_GAIN,
    baseline: 0,
    units: 'mV',
    adcResolution: defaultAdcResolution(format),
    adcZero: 0,
    blockSize: 0,
    description: `record ${recordName}, signal ${index}`,
  };
  if (spec.samplesPerFrame < 1) throw new EcgInputError(file, `line ${lineNo}: samples per frame must be at least 1`);
  let baseline: number | undefined;
  if (tokens.length <= 2) spec.uncalibrated = true;
  if (tokens.length > 2) {
    const gm = GAIN_SPEC.exec(tokens[2]);
    if (!gm) throw new EcgInputError(file, `line ${lineNo}: bad gain ${quoted(tokens[2])}`);
    const gain = num(gm[1], 'gain', file, lineNo);
    spec.gain = gain === 0 ? DEFAULT_GAIN : gain;
    if (gain === 0) spec.uncalibrated = true;
    if (gm[2] !== undefined) baseline = int(gm[2], 'baseline', file, lineNo);
    if (gm[3]) spec.units = gm[3];
  }
  if (tokens.length > 3) {
    const res = int(tokens[3], 'ADC resolution', file, lineNo);
    if (res !== 0) spec.adcResolution = res;
  }
  if (tokens.length > 4) spec.adcZero = int(tokens[4], 'ADC zero', file, lineNo);
  // The spec: the baseline defaults to the ADC zero. The initial value (spec default: the ADC zero too)
  // and the checksum stay undefined when absent, so readers only verify what the header states.
  spec.baseline = baseline ?? spec.adcZero;
  spec.initialValue = tokens.length > 5 ? int(tokens[5], 'initial value', file, lineNo) : undefined;
  if (tokens.length > 6) spec.checksum = int(tokens[6], 'checksum', file, lineNo);
  if (tokens.length > 7) spec.blockSize = int(tokens[7], 'block size', file, lineNo);
  if (tokens.length > 8) spec.description = tokens.slice(8).join(' ');
  return spec;
}

/** Reads `#Key: value` comments (Challenge style) into the header's dx/age/sex fields. */
function applyComment(header: RecordHeader, comment: string): void {
  const m = /^\s*([A-Za-z]+)\s*:\s*(.*?)\s*$/.exec(comment);
  if (!m) return;
  const key = m[1].toLowerCase();
  const value = m[2];
  if (key === 'dx') {
    header.dx.push(...value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  } else if (key === 'age') {
    const age = Number(value);
    if (value !== '' && Number.isFinite(age)) header.age = age; // `NaN`/`Unknown` ages stay undefined
  } else if (key === 'sex') {
    if (value !== '' && !/^(unknown|nan)$/i.test(value)) header.sex = value;
  }
}

/**
 * Parses a WFDB header. `fileName` is only used in error messages (name the `.hea` file).
 * A record line merged with the first signal line is split, with a note in `header.warnings`.
 */
export function parseHeader(text: string, fileName: string): RecordHeader {
  const lines = text.split(/\r?\n|\r/);
  let header: RecordHeader | undefined;
  let pendingSignalLine: { line: string; lineNo: number } | undefined;
  const signalLines: { line: string; lineNo: number }[] = [];
  const comments: string[] = [];
  const warnings: string[] = [];

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      comments.push(trimmed.slice(1));
      continue;
    }
    if (trimmed === '') continue;
    if (!header) {
      let recordLine = trimmed;
      const merged = splitMergedRecordLine(trimmed);
      if (merged) {
        recordLine = merged[0];
        pendingSignalLine = { line: merged[1], lineNo };
        warnings.push(`line ${lineNo}: record line and first signal line were merged on one line; read them as two`);
      }
      header = parseRecordLine(recordLine, fileName, lineNo);
      if (pendingSignalLine) signalLines.push(pendingSignalLine);
      continue;
    }
    signalLines.push({ line: trimmed, lineNo });
  }
  if (!header) throw new EcgInputError(fileName, 'no record line (the header is empty or only comments)');
  header.comments = comments;
  for (const c of comments) applyComment(header, c);
  if (warnings.length) header.warnings = warnings;
  if (header.segments) {
    header.segments = parseSegmentLines(signalLines, header.segments.length, fileName);
    return header;
  }

  if (signalLines.length !== header.nSignals) {
    throw new EcgInputError(
      fileName,
      `record line says ${header.nSignals} signals but the header has ${signalLines.length} signal lines`,
    );
  }
  const name = header.name;
  header.signals = signalLines.map((s, i) => parseSignalLine(s.line, name, i, fileName, s.lineNo));
  const uncalibrated = header.signals.flatMap((s, i) => (s.uncalibrated ? [`${i} (${s.description})`] : []));
  // WFDB applies its default gain without a word; a reader must say so (the plausibility gate judges it).
  if (uncalibrated.length) {
    (header.warnings ??= []).push(`signal(s) ${uncalibrated.length > 4 ? `${uncalibrated.slice(0, 4).join(', ')} and ${uncalibrated.length - 4} more` : uncalibrated.join(', ')}: gain 0 or none in the header (uncalibrated); read with WFDB's default ${DEFAULT_GAIN} adu/mV`);
  }
  return header;
}

/** The segment lines of a master header: `name nsamples` each. */
function parseSegmentLines(lines: { line: string; lineNo: number }[], nseg: number, file: string): SegmentSpec[] {
  if (lines.length !== nseg) throw new EcgInputError(file, `record line says ${nseg} segments but the header has ${lines.length} segment lines`);
  return lines.map(({ line, lineNo }) => {
    const [name, nsamp, extra] = line.split(/\s+/);
    if (nsamp === undefined || extra !== undefined) throw new EcgInputError(file, `line ${lineNo}: a segment line is 'name length', got ${quoted(line)}`);
    const nSamples = int(nsamp, 'segment length', file, lineNo);
    if (nSamples < 0) throw new EcgInputError(file, `line ${lineNo}: negative segment length ${nSamples}`);
    return { name, nSamples };
  });
}

function parseRecordLine(line: string, file: string, lineNo: number): RecordHeader {
  const tokens = line.split(/\s+/);
  const [nameAndSegments, nsigField, fsField, nsampField] = tokens;
  const [nameField, nsegField] = nameAndSegments.split('/');
  let segments: SegmentSpec[] | undefined;
  if (nsegField !== undefined) {
    const nseg = int(nsegField, 'segment count', file, lineNo);
    if (nseg < 1) throw new EcgInputError(file, `line ${lineNo}: a multi-segment record needs at least 1 segment, got ${nseg}`);
    segments = new Array(nseg); // filled by parseSegmentLines
  }
  if (nsigField === undefined) throw new EcgInputError(file, `line ${lineNo}: record line ${quoted(line)} has no signal count`);
  const nSignals = int(nsigField, 'signal count', file, lineNo);
  if (nSignals < 0) throw new EcgInputError(file, `line ${lineNo}: negative signal count ${nSignals}`);
  let fs = DEFAULT_FS;
  if (fsField !== undefined) {
    // `360/1000(0)`: the counter frequency and base counter value do not matter for reading samples.
    const f = num(fsField.split('/')[0], 'sampling frequency', file, lineNo);
    if (f <= 0) throw new EcgInputError(file, `line ${lineNo}: sampling frequency must be positive, got ${f}`);
    fs = f;
  }
  const nSamples = nsampField !== undefined ? int(nsampField, 'sample count', file, lineNo) : 0;
  if (nSamples < 0) throw new EcgInputError(file, `line ${lineNo}: negative sample count ${nSamples}`);
  const header: RecordHeader = { name: nameField, nSignals, fs, nSamples, signals: [], comments: [], dx: [], ...(segments ? { segments } : {}) };
  // Time then date per the spec; some CPSC headers write `05-Feb-2020 11:39:16` (date first).
  for (const t of tokens.slice(4, 6)) {
    if (t.includes(':')) header.baseTime = t;
    else header.baseDate = t;
  }
  return header;
}
