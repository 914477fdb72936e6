/**
 * Broken variants of a valid record, as users produce them by mistake: the cases the plausibility gate
 * (ecg/plausibility.ts) must catch. Used by its tests and by scripts/plausibility-survey.ts, which runs
 * them on every real record. Each works on the record as read (physical values in mV, header kept).
 */
import { Rng } from './rng.js';
import { standardLeadName } from './quality.js';
import type { EcgRecord, SignalSpec } from './types.js';

type Variant = (rec: EcgRecord) => EcgRecord;

const withSignals = (rec: EcgRecord, signals: Float32Array[], specs?: (s: SignalSpec, i: number) => SignalSpec, fs = rec.fs): EcgRecord => ({
  ...rec,
  fs,
  header: { ...rec.header, fs, signals: specs ? rec.header.signals.map(specs) : rec.header.signals },
  signals,
  digital: undefined,
});
const scaled = (rec: EcgRecord, f: number) => rec.signals.map((s) => s.map((v) => v * f));
/** Index of a standard lead in the record, or -1. */
const leadIndex = (rec: EcgRecord, lead: string) => rec.leads.findIndex((n) => standardLeadName(n) === lead);

function swapped(rec: EcgRecord, pairs: [string, string][], invert: string[] = []): EcgRecord {
  const signals = [...rec.signals];
  for (const [a, b] of pairs) {
    const i = leadIndex(rec, a), j = leadIndex(rec, b);
    if (i >= 0 && j >= 0) [signals[i], signals[j]] = [rec.signals[j], rec.signals[i]];
  }
  for (const l of invert) { const i = leadIndex(rec, l); if (i >= 0) signals[i] = signals[i].map((v) => -v); }
  return withSignals(rec, signals);
}

export const BROKEN_VARIANTS: Record<string, Variant> = {
  /** µV samples under a header gain of 1 adu/mV: every amplitude ×1000. */
  'microvolts-as-millivolts': (rec) => withSignals(rec, scaled(rec, 1000), (s) => ({ ...s, gain: s.gain / 1000 })),
  /** Gain 0 in the header on data digitised at 1000 adu/mV: WFDB reads it at 200/mV, amplitudes ×5. */
  'gain-0': (rec) => withSignals(rec, scaled(rec, 5), (s) => ({ ...s, gain: 200, uncalibrated: true })),
  /** A plain wrong gain (a fifth of the true one) stated as such: amplitudes ×5. */
  'gain-x5': (rec) => withSignals(rec, scaled(rec, 5), (s) => ({ ...s, gain: s.gain / 5 })),
  /** A negative gain: every lead inverted. */
  'negative-gain': (rec) => withSignals(rec, scaled(rec, -1), (s) => ({ ...s, gain: -s.gain })),
  'swap-I-II': (rec) => swapped(rec, [['I', 'II']]),
  /** Right and left arm electrodes reversed: I inverted, II↔III, aVR↔aVL. */
  'arm-reversal': (rec) => swapped(rec, [['II', 'III'], ['aVR', 'aVL']], ['I']),
  'inverted-II': (rec) => swapped(rec, [], ['II']),
  /** Gaussian noise of each lead's own RMS in place of the ECG, under the right names. */
  'noise': (rec) => {
    const rng = new Rng(1234);
    return withSignals(rec, rec.signals.map((s) => {
      let m = 0, v = 0;
      for (const x of s) m += x / s.length;
      for (const x of s) v += (x - m) ** 2 / s.length;
      const sd = Math.sqrt(v) || 0.1;
      return s.map(() => rng.normal(0, sd));
    }));
  },
  /** The header states twice the true sampling rate (500 Hz called 1000 Hz). */
  'fs-stated-x2': (rec) => withSignals(rec, rec.signals, undefined, rec.fs * 2),
  /** Half the true sampling rate (1000 Hz called 500 Hz). */
  'fs-stated-half': (rec) => withSignals(rec, rec.signals, undefined, rec.fs / 2),
  /** A quarter of it (1000 Hz called 250 Hz). */
  'fs-stated-quarter': (rec) => withSignals(rec, rec.signals, undefined, rec.fs / 4),
  /** Leads I and II flat (electrode off, zero-filled), the others intact. */
  'flat-I-II': (rec) => withSignals(rec, rec.signals.map((s, i) => (i === leadIndex(rec, 'I') || i === leadIndex(rec, 'II') ? new Float32Array(s.length) : s))),
};
