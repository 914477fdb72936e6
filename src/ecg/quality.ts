/**
 * What a 12-lead model can read. Before a record is rendered for a classifier (prediction, datasets),
 * its leads are matched by name — not by position — to the 12 standard leads, and it is refused with a
 * reason when the model could only guess: too few leads, too short, flat or saturated signals. What is
 * repaired is said out loud in `warnings` (derived limb leads, ignored extra leads, padding, one bad lead).
 * Browser-safe: no engine, no fs.
 */
import { checkPlausibility, type PlausibilityStats } from './plausibility.js';
import { DERIVED_LIMB_LEADS as DERIVED, EcgInputError, STANDARD_LEADS, type EcgRecord } from './types.js';

/** A record that can be read but not classified; `problem` says why. */
export class UnreadableRecordError extends EcgInputError {
  constructor(file: string, problem: string) {
    super(file, problem);
    this.name = 'UnreadableRecordError';
  }
}

export interface ReadableRecord {
  /** The 12 standard leads in I…V6 order (derived where needed), other fields as the input's. */
  record: EcgRecord;
  warnings: string[];
  /** Standard leads the record lacks, derived from I and II. */
  derived: string[];
  /** What the plausibility gate measured (absent when it was not run). */
  plausibility?: PlausibilityStats;
}

export interface ReadableOptions {
  /**
   * Run the plausibility gate (ecg/plausibility.ts: amplitudes, limb-lead identities, polarity, QRS
   * consistency, sampling rate; default true). Off only for tools that study the gate itself.
   */
  plausibility?: boolean;
}

/** What the renderer will show: the layout and the seconds drawn (render options of a model). */
export interface ViewOptions { layout?: string; seconds?: number }

/** Each lead must show at least this long a stretch (two beats at 48 bpm) to be read at all. */
export const MIN_LEAD_SECONDS = 2.5;
/** Robust peak-to-peak (1st to 99th percentile) below this many mV: the lead is a flat line. */
export const FLAT_MV = 0.02;
/** Share of samples sitting in a plateau at the lead's own extreme above which it is clipped. */
export const SATURATED_FRACTION = 0.01;
/** From this many flat or saturated leads on, the record is refused (below it: a warning per lead). */
export const MAX_BAD_LEADS = 3;


/** Spellings met in real headers for each standard lead (compared after `leadKey`). */
const ALIASES: Record<string, readonly string[]> = {
  I: ['i', 'di', 'd1'],
  II: ['ii', 'dii', 'd2'],
  III: ['iii', 'diii', 'd3'],
  aVR: ['avr', 'vr'],
  aVL: ['avl', 'vl'],
  aVF: ['avf', 'vf'],
  ...Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`V${n}`, [`v${n}`, `c${n}`]])),
};
const BY_KEY = new Map(Object.entries(ALIASES).flatMap(([lead, keys]) => keys.map((k) => [k, lead] as const)));

/** Lower case without spaces, dashes, dots and a leading "lead" (`Lead II`, `lead_v1`, `V-1`). */
function leadKey(name: string): string {
  return name.trim().toLowerCase().replace(/^lead/, '').replace(/[\s_.\-]/g, '');
}

/** The standard lead a name denotes, or undefined (`avr` → `aVR`, `C3` → `V3`, `DII` → `II`). */
export function standardLeadName(name: string): string | undefined {
  return BY_KEY.get(leadKey(name));
}

export interface LeadMatch {
  /** For each standard lead (I…V6), the index of its signal in the record, or -1. */
  index: number[];
  /** Standard leads that are missing but derivable from I and II. */
  derivable: string[];
  /** Names of the record's signals that are no standard lead. */
  extra: string[];
}

/** Matches a record's lead names to the 12 standard leads; throws with the reason when it cannot. */
export function matchLeads(names: readonly string[], file: string): LeadMatch {
  const index = STANDARD_LEADS.map(() => -1);
  const extra: string[] = [];
  names.forEach((name, i) => {
    const lead = standardLeadName(name);
    if (lead === undefined) { extra.push(name.trim() || `(unnamed signal ${i + 1})`); return; }
    const k = STANDARD_LEADS.indexOf(lead as (typeof STANDARD_LEADS)[number]);
    if (index[k] >= 0) throw new UnreadableRecordError(file, `lead ${lead} appears twice ('${names[index[k]]}' is signal ${index[k] + 1}, '${name}' is signal ${i + 1})`);
    index[k] = i;
  });
  const missing = STANDARD_LEADS.filter((_, k) => index[k] < 0);
  const haveLimbs = index[0] >= 0 && index[1] >= 0;
  const derivable = haveLimbs ? missing.filter((l) => l in DERIVED) : [];
  const lacking = missing.filter((l) => !derivable.includes(l));
  if (lacking.length) {
    const has = names.length ? names.map((n) => n.trim() || '?').join(',') : 'none';
    throw new UnreadableRecordError(file,
      `a 12-lead model needs leads I, II and V1-V6 (III, aVR, aVL, aVF can be derived from I and II); ` +
      `missing ${lacking.join(',')} — the record has ${names.length} lead(s): ${has}`);
  }
  return { index, derivable, extra };
}

/** Seconds a layout needs to show every lead for MIN_LEAD_SECONDS (the 12-lead grid's last column starts late). */
export function minimumSeconds(view: ViewOptions = {}): number {
  const shown = view.seconds ?? 10;
  if (view.layout === '12lead') return 0.75 * shown + Math.min(MIN_LEAD_SECONDS, shown / 4) * 0.8;
  return Math.min(MIN_LEAD_SECONDS, shown);
}

/** Header-level checks (no samples needed): names and duration. Returns the problem, or undefined. */
export function headerProblem(leads: readonly string[], fs: number, nSamples: number, file: string, view: ViewOptions = {}): string | undefined {
  try {
    matchLeads(leads, file);
  } catch (e) {
    if (e instanceof UnreadableRecordError) return e.problem;
    throw e;
  }
  return durationProblem(nSamples / fs, view);
}

function durationProblem(seconds: number, view: ViewOptions): string | undefined {
  const need = minimumSeconds(view);
  if (!(seconds >= need)) {
    return `record is ${formatSeconds(seconds)} long; the model's ${view.layout ?? 'default'} rendering needs at least ${formatSeconds(need)} to show every lead`;
  }
  return undefined;
}

const formatSeconds = (s: number) => `${s < 1 ? s.toPrecision(2) : s.toFixed(1)} s`;

/** Value at quantile q of a sorted copy. */
function quantile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/** Index of the first NaN or infinite sample, or -1. */
function firstNonFinite(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

/**
 * Why a lead cannot be read (flat, clipped, not finite), or undefined. A clipped lead sits at its own
 * extreme for plateaus of ≥ 4 equal samples; real R peaks and S troughs touch the extreme for a sample or two.
 */
export function signalProblem(x: Float32Array): string | undefined {
  const sorted = Float32Array.from(x).sort();
  const range = quantile(sorted, 0.99) - quantile(sorted, 0.01);
  if (range < FLAT_MV) return `flat (peak-to-peak ${(1000 * range).toFixed(1)} µV)`;
  const lo = sorted[0], hi = sorted[sorted.length - 1];
  let clipped = 0;
  for (let i = 0; i < x.length;) {
    let j = i + 1;
    while (j < x.length && x[j] === x[i]) j++;
    if (j - i >= 4 && (x[i] === lo || x[i] === hi)) clipped += j - i;
    i = j;
  }
  if (clipped / x.length >= SATURATED_FRACTION) {
    return `saturated (${((100 * clipped) / x.length).toFixed(1)}% of samples clipped at ${lo.toFixed(2)}/${hi.toFixed(2)} mV)`;
  }
  return undefined;
}

/**
 * The record as a 12-lead model must see it, or an UnreadableRecordError naming the file and the reason.
 * Only the part the renderer shows (the first `view.seconds`) is checked for flat and clipped leads.
 */
export function readableTwelveLead(rec: EcgRecord, view: ViewOptions = {}, options: ReadableOptions = {}): ReadableRecord {
  const file = rec.source;
  const warnings: string[] = [...(rec.header?.warnings ?? [])];
  const match = matchLeads(rec.leads, file);
  if (!(rec.fs > 0 && Number.isFinite(rec.fs))) throw new UnreadableRecordError(file, `sampling rate ${rec.fs} Hz is not a positive number`);
  const n = rec.signals.length ? Math.min(...rec.signals.map((s) => s.length)) : 0;
  const seconds = n / rec.fs;
  const short = durationProblem(seconds, view);
  if (short) throw new UnreadableRecordError(file, short);
  const shown = view.seconds ?? 10;
  if (seconds < shown - 1e-9) warnings.push(`record is ${formatSeconds(seconds)} long, shorter than the ${formatSeconds(shown)} the model sees: the rest is drawn blank`);

  const signals = match.index.map((i) => (i >= 0 ? rec.signals[i] : undefined));
  const I = signals[0]!, II = signals[1]!;
  for (const lead of match.derivable) {
    const f = DERIVED[lead], out = new Float32Array(Math.min(I.length, II.length));
    for (let t = 0; t < out.length; t++) out[t] = f(I[t], II[t]);
    signals[STANDARD_LEADS.indexOf(lead as (typeof STANDARD_LEADS)[number])] = out;
  }
  if (match.derivable.length) warnings.push(`lead(s) ${match.derivable.join(',')} not in the record: derived from I and II`);
  if (match.extra.length) warnings.push(`ignored ${match.extra.length} non-standard lead(s): ${match.extra.join(',')}`);

  const window = Math.min(n, Math.ceil(shown * rec.fs));
  const filtered = Math.min(n, Math.ceil((shown + 1) * rec.fs)); // what the baseline filter reads (preprocess.ts)
  const bad: string[] = [];
  const problems = new Map<string, string>();
  STANDARD_LEADS.forEach((lead, k) => {
    if (match.derivable.includes(lead)) return; // follows I and II, judged with them
    const at = firstNonFinite(signals[k]!.subarray(0, filtered));
    if (at >= 0) throw new UnreadableRecordError(file, `lead ${lead}, sample ${at + 1} is ${signals[k]![at]}: a signal with gaps cannot be drawn`);
    const why = signalProblem(signals[k]!.subarray(0, window));
    if (why) { bad.push(`${lead} ${why}`); problems.set(lead, why); }
  });
  const limbSource = ['I', 'II'].filter((l) => problems.has(l));
  // A derived lead inherits the flaw of the lead it comes from: it counts as unreadable too.
  const inherited = limbSource.length && match.derivable.length ? match.derivable.length : 0;
  if (bad.length + inherited >= MAX_BAD_LEADS) {
    const derivedNote = inherited ? [`${match.derivable.join(',')} derived from ${limbSource[0]}, which is ${problems.get(limbSource[0])}`] : [];
    throw new UnreadableRecordError(file, `${bad.length + inherited} of 12 leads cannot be read: ${[...bad, ...derivedNote].join('; ')}`);
  }
  if (limbSource.length === 2) {
    throw new UnreadableRecordError(file, `leads I and II cannot be read (I ${problems.get('I')}; II ${problems.get('II')}): ` +
      'the limb leads and the rendering rest on them');
  }
  for (const b of bad) warnings.push(`lead ${b}`);

  let plausibility: PlausibilityStats | undefined;
  if (options.plausibility !== false) {
    const specs = rec.header?.signals;
    const verdict = checkPlausibility(STANDARD_LEADS.map((lead, k) => {
      const spec = match.index[k] >= 0 ? specs?.[match.index[k]] : undefined;
      return { signal: signals[k]!.subarray(0, window), recorded: match.index[k] >= 0, gain: spec?.gain, uncalibrated: spec?.uncalibrated };
    }), rec.fs);
    if (verdict.refusal) throw new UnreadableRecordError(file, verdict.refusal);
    warnings.push(...verdict.warnings);
    plausibility = verdict.stats;
    if (verdict.scale !== 1) signals.forEach((s, k) => { signals[k] = s!.map((v) => v * verdict.scale); });
  }

  // A derived lead borrows lead I's signal spec (same gain and rate), under its own name.
  const specs = rec.header?.signals;
  const renamed = specs && match.index.map((i, k) => ({ ...specs[i >= 0 ? i : match.index[0]], description: STANDARD_LEADS[k] }));
  const record: EcgRecord = {
    ...rec,
    header: { ...rec.header, nSignals: 12, signals: renamed ?? specs },
    leads: [...STANDARD_LEADS],
    signals: signals as Float32Array[],
    digital: undefined,
  };
  return { record, warnings, derived: match.derivable, plausibility };
}
