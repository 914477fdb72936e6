/**
 * WFDB annotation files in MIT format (`.atr`, `.qrs`, LUDB's per-lead `.i` … `.v6`), pure (bytes in)
 * so a browser can use it. Follows the WFDB library's annopen/getann (lib/annot.c):
 *
 * A file is a sequence of little-endian 16-bit words: the top 6 bits are a code A, the low 10 bits
 * a number I. A = 1..58 starts an annotation of type A, I samples after the previous one; then
 * pseudo-annotations modify it: SKIP (59: the next 4 bytes, two words high word first, are a signed
 * 32-bit interval added to the time), NUM (60: num = I), SUB (61: subtype = I), CHN (62: chan = I),
 * AUX (63: I & 0xff bytes of text follow, padded to an even count). A word of 0 ends the file.
 * `num` and `chan` carry over from one annotation to the next; subtype and aux do not.
 * Leading NOTE annotations at time 0 with subtype 0 are the file's table (custom mnemonics,
 * `## time resolution: F`) and are not annotations, as in rdann.
 */
import { EcgInputError } from './types.js';

export interface Annotation {
  /** Time in ticks of the file's time resolution (the record's samples unless it says otherwise). */
  time: number;
  /** Annotation type code (1 = N, 5 = V, 22 = NOTE, 24 = p, 39 = `(`, 40 = `)` ...). */
  type: number;
  subtype: number;
  chan: number;
  num: number;
  aux?: string;
}

export interface AnnotationFile {
  annotations: Annotation[];
  /** Mnemonics the file's table redefines (code → mnemonic). */
  mnemonics: Map<number, string>;
  /** Ticks per second from a `## time resolution:` note, when the file has one. */
  timeResolution?: number;
  /** Problems a reader recovered from (a file without its end marker). */
  warnings: string[];
}

const CODE = 0xfc00, DATA = 0x3ff, CS = 10;
const SKIP = 59, NUM = 60, SUB = 61, CHN = 62, AUX = 63;
export const NOTE = 22;
/** ACMAX in ecgcodes.h: codes above it print as `[code]`. */
const ACMAX = 49;

/** The WFDB library's default mnemonics (annot.c astring), by code 0..49. */
const MNEMONICS = [
  ' ', 'N', 'L', 'R', 'a', 'V', 'F', 'J', 'A', 'S', 'E', 'j', '/', 'Q', '~', '[15]', '|', '[17]', 's', 'T',
  '*', 'D', '"', '=', 'p', 'B', '^', 't', '+', 'u', '?', '!', '[', ']', 'e', 'n', '@', 'x', 'f', '(',
  ')', 'r', '[42]', '[43]', '[44]', '[45]', '[46]', '[47]', '[48]', '[49]',
];

const int8 = (v: number) => ((v & 0xff) ^ 0x80) - 0x80;

/** Decodes an MIT-format annotation file. `fileName` names it in errors. */
export function parseAnnotations(bytes: Uint8Array, fileName: string): AnnotationFile {
  const warnings: string[] = [];
  // annopen's test: an AHA-format file starts with a null byte and an AHA beat code (ecgmap.h ammap).
  if (bytes.length >= 2 && bytes[0] === 0 && 'EFNOPQRUV'.includes(String.fromCharCode(bytes[1]))) {
    throw new EcgInputError(fileName, 'looks like an AHA-format annotation file; only MIT format is read');
  }
  let pos = 0;
  let ended = false;
  const g16 = (): number | undefined => {
    if (pos + 2 > bytes.length) {
      pos = bytes.length;
      return undefined;
    }
    const w = bytes[pos] | (bytes[pos + 1] << 8);
    pos += 2;
    return w;
  };
  const g32 = (): number => {
    const hi = g16(), lo = g16();
    if (hi === undefined || lo === undefined) throw new EcgInputError(fileName, `truncated: a SKIP interval is cut off at byte ${bytes.length}`);
    return ((hi << 16) | lo) >> 0;
  };

  const out: Annotation[] = [];
  let time = 0, chan = 0, num = 0;
  let word = g16();
  while (word !== undefined && (word & CODE) >> CS === SKIP) {
    time += g32();
    word = g16();
  }
  for (;;) {
    if (word === undefined) break;
    if (word === 0) {
      ended = true;
      break;
    }
    time += word & DATA;
    const ann: Annotation = { time, type: (word & CODE) >> CS, subtype: 0, chan, num };
    for (;;) {
      word = g16();
      if (word === undefined || (word & CODE) >> CS < SKIP) break;
      const a = (word & CODE) >> CS, i = word & DATA;
      if (a === SKIP) time += g32();
      else if (a === SUB) ann.subtype = int8(i);
      else if (a === CHN) chan = ann.chan = i & 0xff;
      else if (a === NUM) num = ann.num = int8(i);
      else if (a === AUX) {
        const len = word & 0xff;
        const text = bytes.subarray(pos, Math.min(bytes.length, pos + len));
        if (text.length < len) throw new EcgInputError(fileName, `truncated: annotation ${out.length} at tick ${ann.time} announces ${len} bytes of aux text, the file ends first`);
        const nul = text.indexOf(0);
        ann.aux = new TextDecoder().decode(nul >= 0 ? text.subarray(0, nul) : text);
        pos = Math.min(bytes.length, pos + ((len + 1) & ~1));
      }
    }
    out.push(ann);
  }
  if (!ended) warnings.push('no end-of-file marker (a zero word): the file may be truncated; read what it holds, as rdann does');

  // The table: leading NOTE annotations at time 0, subtype 0 (annot.c get_ann_table).
  const mnemonics = new Map<number, string>();
  let timeResolution: number | undefined;
  let first = 0;
  while (first < out.length && out[first].time === 0 && out[first].type === NOTE && out[first].subtype === 0) {
    const aux = out[first++].aux ?? '';
    const res = /^## time resolution: *([0-9.eE+-]+)/.exec(aux);
    if (res) timeResolution = Number(res[1]);
    if (aux.startsWith('#')) continue;
    const def = /^[ \t]*(\d+)[^ \t]*[ \t]*([^ \t]+)/.exec(aux);
    if (def && Number(def[1]) <= ACMAX) mnemonics.set(Number(def[1]), def[2]);
  }
  return { annotations: out.slice(first), mnemonics, timeResolution: timeResolution && timeResolution > 0 ? timeResolution : undefined, warnings };
}

/** The mnemonic rdann prints for a type code (annstr). */
export function mnemonic(type: number, custom?: Map<number, string>): string {
  return custom?.get(type) ?? (type >= 0 && type <= ACMAX ? MNEMONICS[type] : `[${type}]`);
}

/** Type code of a mnemonic (strann), or undefined. */
export function typeCode(mnemonicText: string): number | undefined {
  const i = MNEMONICS.indexOf(mnemonicText);
  return i >= 1 ? i : undefined;
}

/** Encodes annotations (sorted by time) in MIT format, as wrann writes them; for tests and tools. */
export function encodeAnnotations(anns: Annotation[]): Uint8Array {
  const words: number[] = [];
  let prev = 0, chan = 0, num = 0;
  const push = (a: number, i: number) => words.push(((a << CS) | (i & DATA)) & 0xffff);
  for (const ann of anns) {
    const dt = ann.time - prev;
    if (dt < 0) throw new RangeError(`encodeAnnotations: annotation at ${ann.time} comes before ${prev}`);
    if (dt > DATA) {
      push(SKIP, 0);
      words.push((dt >> 16) & 0xffff, dt & 0xffff);
      push(ann.type, 0);
    } else push(ann.type, dt);
    if (ann.subtype) push(SUB, ann.subtype & 0xff);
    if (ann.chan !== chan) push(CHN, (chan = ann.chan));
    if (ann.num !== num) push(NUM, (num = ann.num) & 0xff);
    if (ann.aux !== undefined) {
      const text = Array.from(new TextEncoder().encode(ann.aux));
      push(AUX, text.length);
      if (text.length % 2) text.push(0);
      for (let k = 0; k < text.length; k += 2) words.push(text[k] | (text[k + 1] << 8));
    }
    prev = ann.time;
  }
  words.push(0);
  const out = new Uint8Array(2 * words.length);
  words.forEach((w, k) => {
    out[2 * k] = w & 0xff;
    out[2 * k + 1] = w >> 8;
  });
  return out;
}
