/**
 * Records beyond the common case (formats, samples per frame, skew, segments, units, annotations),
 * written with src/ecg/wfdb-writer.ts. scripts/wfdb-references.ts runs the reference WFDB tools
 * (rdsamp, rdann built from the WFDB sources) on them and stores their output in
 * test/ecg/wfdb-reference/; test/ecg/wfdb-reference.test.ts checks `ecgpu inspect` and
 * `ecgpu annotations` reproduce it byte for byte. Not a test file itself.
 */
import { encodeAnnotations, type Annotation } from '../../src/ecg/wfdb-annotations.js';
import { encodeDatRecord, multiSegmentHeader, type DatSignal } from '../../src/ecg/wfdb-writer.js';

/** A deterministic integer sequence (LCG), values in [lo, hi]. */
export function ints(n: number, lo: number, hi: number, seed: number): number[] {
  let x = seed >>> 0;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return lo + (x % (hi - lo + 1));
  });
}

/** A random walk starting at `start` with steps in [-step, step] (fits format 8's differences). */
function walk(n: number, start: number, step: number, seed: number): number[] {
  let v = start;
  return ints(n, -step, step, seed).map((d) => (v += d));
}

function sig(fileName: string, format: number, description: string, samples: number[], extra: Partial<DatSignal> = {}): DatSignal {
  return { fileName, format, description, samples, gain: 200, baseline: 0, ...extra };
}

export interface ReferenceCase {
  name: string;
  /** The record name (header `NAME.hea`) in the case's folder. */
  record: string;
  files: Record<string, string | Uint8Array>;
  /** `ecgpu inspect` argument lists (after the record), each compared with rdsamp's output. */
  inspect: string[][];
  /** [record, annotator] pairs compared with rdann's output. */
  annotations?: [string, string][];
}

const PHYS = [[], ['--physical'], ['--precise']];
const N = 120;

function single(name: string, fs: number, signals: DatSignal[], inspect = PHYS, comments?: string[]): ReferenceCase {
  return { name, record: name, files: encodeDatRecord({ name, fs, signals, comments }), inspect };
}

/** Every case, built fresh (the bytes are deterministic). */
export function referenceCases(): ReferenceCase[] {
  const cases: ReferenceCase[] = [
    single('fmt8', 250, [
      sig('fmt8.dat', 8, 'MLII', walk(N, 40, 100, 1), { adcZero: 0 }),
      sig('fmt8.dat', 8, 'V1', walk(N, -300, 127, 2), { baseline: -12 }),
    ]),
    single('fmt24', 500, [
      sig('fmt24.dat', 24, 'I', ints(N, -(2 ** 23) + 1, 2 ** 23 - 1, 3), { gain: 1e6, units: 'uV' }),
      sig('fmt24.dat', 24, 'II', ints(N, -5000, 5000, 4), { gain: 1000.5 }),
    ]),
    single('fmt32', 500, [sig('fmt32.dat', 32, 'I', ints(N, -(2 ** 31) + 1, 2 ** 31 - 1, 5), { gain: 2 ** 20 })]),
    single('fmt160', 360, [
      sig('fmt160.dat', 160, 'A', ints(N, -32767, 32767, 6), { adcZero: 0 }),
      sig('fmt160.dat', 160, 'B', ints(N, -100, 100, 7), { baseline: 5, byteOffset: 0 }),
    ]),
    // 3 signals of 10-bit samples: whole 4-byte groups; 2 signals × 121 frames end on a partial group.
    single('fmt310', 250, ['a', 'b', 'c'].map((d, j) => sig('fmt310.dat', 310, d, ints(N, -511, 511, 10 + j)))),
    single('fmt310p', 250, ['a', 'b'].map((d, j) => sig('fmt310p.dat', 310, d, ints(N + 1, -511, 511, 20 + j)))),
    single('fmt311', 250, ['a', 'b', 'c'].map((d, j) => sig('fmt311.dat', 311, d, ints(N, -511, 511, 30 + j)))),
    single('fmt311p', 250, ['a', 'b'].map((d, j) => sig('fmt311p.dat', 311, d, ints(N + 1, -511, 511, 40 + j)))),
    single('fmt61', 250, [sig('fmt61.dat', 61, 'I', ints(N, -32767, 32767, 50), { byteOffset: 6 })]),
    // Several samples per frame and skew (skew in samples; the reader rounds it to frames).
    single('multirate', 125, [
      sig('multirate.dat', 212, 'ECG', ints(4 * N, -2047, 2047, 60), { samplesPerFrame: 4 }),
      sig('multirate.dat', 212, 'RESP', ints(N, -2047, 2047, 61), { skew: 2 }),
      sig('multirate.dat', 212, 'PLETH', ints(2 * N, -2047, 2047, 62), { samplesPerFrame: 2, skew: 3 }),
    ], [[], ['--physical'], ['--high-res'], ['--high-res', '--precise'], ['--from', '0.1', '--to', '0.5', '--signals', '2,0'], ['--high-res', '--from', 's5', '--to', 's23', '--signals', '1,2']]),
    // Frame means with negative halves (meansamp rounds half up, floor division).
    single('means', 100, [
      sig('means.dat', 16, 'x2', ints(2 * N, -7, 7, 70), { samplesPerFrame: 2 }),
      sig('means.dat', 16, 'x3', ints(3 * N, -7, 7, 71), { samplesPerFrame: 3 }),
      sig('means.dat', 16, 'x4', ints(4 * N, -7, 7, 72), { samplesPerFrame: 4 }),
    ], [[], ['--high-res']]),
    // Signals in two files, one skewed: every file holds N + the largest skew frames.
    single('twofiles', 200, [
      sig('twofiles_a.dat', 16, 'ECG1', ints(2 * N, -3000, 3000, 80), { samplesPerFrame: 2 }),
      sig('twofiles_b.dat', 212, 'ECG2', ints(N, -2000, 2000, 81), { skew: 5 }),
      sig('twofiles_b.dat', 212, 'ECG3', ints(N, -2000, 2000, 82), { skew: 1 }),
    ], [[], ['--high-res']]),
    // Units other than mV: rdsamp -p prints in the header's units.
    single('microvolts', 500, [
      sig('microvolts.dat', 16, 'I', ints(N, -3000, 3000, 90), { gain: 1, units: 'uV' }),
      sig('microvolts.dat', 16, 'II', ints(N, -3000, 3000, 91), { gain: 1000, units: 'mV' }),
      sig('microvolts.dat', 16, 'BP', ints(N, 0, 3000, 92), { gain: 10, units: 'mmHg' }),
    ]),
  ];

  // A skewed record whose files hold only N frames (checksums cover stored frames 0..N-1, so they
  // stay right): rdsamp prints N - skew of them.
  const short = single('shortskew', 250, [sig('shortskew.dat', 16, 'a', ints(N, -99, 99, 100)), sig('shortskew.dat', 16, 'b', ints(N, -99, 99, 101), { skew: 3 })]);
  short.files['shortskew.dat'] = (short.files['shortskew.dat'] as Uint8Array).subarray(0, 2 * 2 * N);
  cases.push(short);

  // "No data" samples (the format's most negative value): rdsamp prints -32768 or '-', and a frame
  // mean with one of them is "no data" too.
  const gaps = (n: number, seed: number, bad: number) => ints(n, -999, 999, seed).map((v, k) => (k % 9 === 4 ? bad : v));
  cases.push(single('nodata', 250, [
    sig('nodata.dat', 212, 'a', gaps(N, 150, -2048)),
    sig('nodata.dat', 212, 'b', gaps(2 * N, 151, -2048), { samplesPerFrame: 2 }),
    sig('nodata_16.dat', 16, 'c', gaps(N, 152, -32768), { baseline: 3 }),
  ], [[], ['--physical'], ['--precise'], ['--high-res', '--physical']]));

  cases.push(fixedSegments(), variableSegments(), gapSegments(), annotationCase());
  return cases;
}

/** Two segments with the same signals, concatenated. */
function fixedSegments(): ReferenceCase {
  const seg = (name: string, n: number, seed: number) => encodeDatRecord({
    name, fs: 360, signals: [sig(`${name}.dat`, 212, 'MLII', ints(n, -1000, 1000, seed), { baseline: 1024 }), sig(`${name}.dat`, 212, 'V5', ints(n, -1000, 1000, seed + 1), { baseline: 1024 })],
  });
  return {
    name: 'msfixed', record: 'msfixed', inspect: PHYS,
    files: { ...seg('msfixed_1', 50, 110), ...seg('msfixed_2', 70, 112), 'msfixed.hea': multiSegmentHeader('msfixed', 2, 360, [{ name: 'msfixed_1', nSamples: 50 }, { name: 'msfixed_2', nSamples: 70 }]) },
  };
}

/** A layout header and two segments whose signals come in other orders and gains. */
function variableSegments(): ReferenceCase {
  // The layout segment: length 0, null signals (file `~`, format 0) naming the record's signals.
  const layout = 'msvar_0 2 250 0\n~ 0 1000/mV 16 0 0 0 0 II\n~ 0 400(10)/mV 16 0 0 0 0 V1\n';
  const a = encodeDatRecord({ name: 'msvar_1', fs: 250, signals: [sig('msvar_1.dat', 16, 'V1', ints(40, -999, 999, 120), { gain: 200, baseline: -3 }), sig('msvar_1.dat', 16, 'II', ints(40, -999, 999, 121), { gain: 300, baseline: 7 })] });
  const b = encodeDatRecord({ name: 'msvar_2', fs: 250, signals: [sig('msvar_2.dat', 212, 'II', ints(30, -999, 999, 122), { gain: 1000 }), sig('msvar_2.dat', 212, 'V1', ints(30, -999, 999, 123), { gain: 400, baseline: 10 })] });
  return {
    name: 'msvar', record: 'msvar', inspect: PHYS,
    files: { 'msvar_0.hea': layout, ...a, ...b, 'msvar.hea': multiSegmentHeader('msvar', 2, 250, [{ name: 'msvar_0', nSamples: 0 }, { name: 'msvar_1', nSamples: 40 }, { name: 'msvar_2', nSamples: 30 }]) },
  };
}

/** A variable layout with a gap segment (`~`) and a segment lacking one of the layout's signals. */
function gapSegments(): ReferenceCase {
  const layout = 'msgap_0 2 250 0\n~ 0 500/mV 16 0 0 0 0 II\n~ 0 500/mV 16 0 0 0 0 V1\n';
  const a = encodeDatRecord({ name: 'msgap_1', fs: 250, signals: [sig('msgap_1.dat', 16, 'II', ints(20, -999, 999, 160), { gain: 500 }), sig('msgap_1.dat', 16, 'V1', ints(20, -999, 999, 161), { gain: 500 })] });
  const b = encodeDatRecord({ name: 'msgap_3', fs: 250, signals: [sig('msgap_3.dat', 16, 'V1', ints(15, -999, 999, 162), { gain: 250 })] });
  return {
    name: 'msgap', record: 'msgap', inspect: PHYS,
    files: { 'msgap_0.hea': layout, ...a, ...b, 'msgap.hea': multiSegmentHeader('msgap', 2, 250, [{ name: 'msgap_0', nSamples: 0 }, { name: 'msgap_1', nSamples: 20 }, { name: '~', nSamples: 10 }, { name: 'msgap_3', nSamples: 15 }]) },
  };
}

/** Annotation files: beats, waves, long gaps (SKIP), subtypes, chan, num, aux text; a start time. */
function annotationCase(): ReferenceCase {
  const rec = encodeDatRecord({ name: 'ann', fs: 360, signals: [sig('ann.dat', 16, 'MLII', ints(10, -5, 5, 130))] });
  const beats: Annotation[] = [];
  let t = 0;
  const types = [1, 5, 1, 8, 24, 39, 40, 27, 1, 28, 22, 14, 12, 13, 45];
  ints(60, 1, 3000, 131).forEach((dt, k) => {
    t += dt + (k === 30 ? 2_000_000 : 0); // one gap needs a SKIP
    const type = types[k % types.length];
    beats.push({
      time: t, type, subtype: k % 7 === 0 ? -1 : k % 5, chan: k % 11 === 0 ? 3 : 0, num: k % 13 === 0 ? -5 : 0,
      ...(type === 28 ? { aux: k % 2 ? '(AFIB' : '(N' } : type === 22 ? { aux: 'a note with spaces' } : {}),
    });
  });
  const withBase = (rec['ann.hea'] as string).replace(/^ann 1 360 10/, 'ann 1 360 10 23:05:59.125 28/02/2024');
  // A table: a custom mnemonic for code 45 and a time resolution of 720 ticks/s (twice fs).
  const table: Annotation[] = [
    { time: 0, type: 22, subtype: 0, chan: 0, num: 0, aux: '45 X custom beat' },
    { time: 0, type: 22, subtype: 0, chan: 0, num: 0, aux: '## time resolution: 720' },
  ];
  const fine = beats.slice(0, 20).map((b) => ({ ...b, time: 2 * b.time + (b.time % 2) }));
  return {
    name: 'ann', record: 'ann', inspect: [], annotations: [['ann', 'atr'], ['ann', 'qrs'], ['ann', 'tbl'], ['annday', 'atr']],
    files: { 'ann.tbl': encodeAnnotations([...table, ...fine]), 'ann.hea': rec['ann.hea'], 'ann.dat': rec['ann.dat'], 'ann.atr': encodeAnnotations(beats), 'ann.qrs': encodeAnnotations(beats.filter((b) => b.type === 1)), 'annday.hea': withBase.replace(/^ann /, 'annday ').replace('ann.dat', 'annday.dat'), 'annday.dat': rec['ann.dat'], 'annday.atr': encodeAnnotations(beats) },
  };
}

/**
 * FLAC records (formats 508/516/524) need libFLAC's encoder: scripts/wfdb-references.ts converts each
 * source record with the WFDB tool `xform` (built with FLAC) under the given WFDB_FLAC_* settings and
 * stores the result in test/ecg/wfdb-reference/flac/ next to rdsamp's output.
 */
export interface FlacCase {
  name: string;
  source: Record<string, string | Uint8Array>;
  /** The output header xform fills: `NAME.dat` in a 5xx format, one line per source signal. */
  spec: string;
  env: Record<string, string>;
  /** xform -M: keep samples per frame. */
  multiFrequency?: boolean;
}

export function flacCases(): FlacCase[] {
  const src = (name: string, fs: number, signals: DatSignal[]) => encodeDatRecord({ name, fs, signals });
  const lines = (name: string, format: string, descs: string[], gain = '200') => `${name} ${descs.length} 250\n` + descs.map((d) => `${name}.dat ${format} ${gain} 0 0 0 0 0 ${d}`).join('\n') + '\n';
  return [
    {
      // Correlated leads: mid/side decorrelation, LPC subframes, several Rice partitions.
      name: 'flac516', env: { WFDB_FLAC_STEREO: 'b', WFDB_FLAC_COMPRESSION_LEVEL: '8', WFDB_FLAC_BLOCK_SIZE: '1152' },
      source: src('flac516src', 250, [
        sig('flac516src.dat', 16, 'I', walk(3000, 0, 60, 140)),
        sig('flac516src.dat', 16, 'II', walk(3000, 0, 60, 140).map((v, k) => v + (k % 17) - 8)),
      ]),
      spec: lines('flac516', '516', ['I', 'II']),
    },
    {
      // Fixed predictors only, an odd block size (coded in 16 bits), left/side or side/right stereo.
      name: 'flac516fixed', env: { WFDB_FLAC_STEREO: 'a', WFDB_FLAC_COMPRESSION_LEVEL: '0', WFDB_FLAC_BLOCK_SIZE: '1000' },
      source: src('flac516fixedsrc', 250, [
        sig('flac516fixedsrc.dat', 16, 'I', walk(2500, 100, 900, 141)),
        sig('flac516fixedsrc.dat', 16, 'II', walk(2500, -100, 30, 142)),
      ]),
      spec: lines('flac516fixed', '516', ['I', 'II']),
    },
    {
      // 24-bit: noise (verbatim), a constant signal, and multiples of 8 (wasted bits).
      name: 'flac524', env: { WFDB_FLAC_COMPRESSION_LEVEL: '5', WFDB_FLAC_BLOCK_SIZE: '192' },
      source: src('flac524src', 250, [
        sig('flac524src.dat', 24, 'noise', ints(700, -(2 ** 23) + 1, 2 ** 23 - 1, 143)),
        sig('flac524src.dat', 24, 'flat', new Array(700).fill(-1234567)),
        sig('flac524src.dat', 24, 'steps', walk(700, 0, 40, 144).map((v) => 8 * v)),
      ]),
      spec: lines('flac524', '524', ['noise', 'flat', 'steps']),
    },
    {
      // Smooth curves (fixed predictors of higher orders), the right channel the quieter (side/right),
      // 24-bit with noise on a large swing (Rice parameters above 14 need the 5-bit coding).
      name: 'flac524smooth', env: { WFDB_FLAC_STEREO: 'b', WFDB_FLAC_COMPRESSION_LEVEL: '2', WFDB_FLAC_BLOCK_SIZE: '4096' },
      source: src('flac524smoothsrc', 250, [
        sig('flac524smoothsrc.dat', 24, 'big', ints(6000, -400000, 400000, 146).map((v, k) => Math.round(6e6 * Math.sin(k / 40)) + v)),
        sig('flac524smoothsrc.dat', 24, 'curve', Array.from({ length: 6000 }, (_, k) => Math.round(((k % 500) - 250) ** 3 / 50))),
      ]),
      spec: lines('flac524smooth', '524', ['big', 'curve']),
    },
    {
      // 8-bit, two samples per frame (one channel holds both).
      name: 'flac508', env: {}, multiFrequency: true,
      source: src('flac508src', 250, [sig('flac508src.dat', 16, 'x', walk(1200, 0, 9, 145).map((v) => Math.max(-127, Math.min(127, v))), { samplesPerFrame: 2 })]),
      spec: lines('flac508', '508x2', ['x']),
    },
  ];
}

/** The inspect argument lists checked for every FLAC case. */
export const FLAC_INSPECT = [[], ['--precise']];
