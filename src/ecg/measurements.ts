/**
 * Measured ECG features (browser-safe, no GPU): rate and rhythm, conduction, voltage and
 * repolarisation, in millivolts, milliseconds and beats per minute — physiology that means the same on
 * every hospital's recordings, for a model that must generalise to sources it has never seen.
 *
 * Pipeline: leads matched by name to the 12 standard leads (missing limb leads derived from I and II),
 * the first MAX_SECONDS cropped, baseline wander removed, resampled to MEASURE_FS; QRS complexes found
 * by the multi-lead detector; a median beat per lead built from the dominant (non-premature, typical)
 * beats aligned on their fiducials; QRS onset and offset found once for all leads on the median beat's
 * spatial velocity; every amplitude measured against the PR-segment baseline just before QRS onset.
 * Definitions, fallbacks and figures: docs/measurements.md.
 */
import { MAX_FS, MIN_FS, removeBaselineWander, resample } from './preprocess.js';
import { detectQrs } from './qrs-detect.js';
import { FLAT_MV, standardLeadName } from './quality.js';
import { alignBeats, beatCorrelations, medianBeat, successiveWindowCorrelation, type LeadSet } from './median-beat.js';
import { rhythmStats, type RhythmStats } from './rhythm-measures.js';
import { DERIVED_LIMB_LEADS, STANDARD_LEADS, type EcgRecord } from './types.js';

/** Every record is measured at this rate, so that windows in samples mean the same everywhere. */
export const MEASURE_FS = 500;
/** Only the first minute is measured (PTB's ~115 s records cost no more than a minute's worth). */
export const MAX_SECONDS = 60;
/** Median-beat window around the QRS fiducial: room for a long PR before and a slow rate's T wave after. */
const PRE_S = 0.4, POST_S = 0.5;
/** Beats correlating at least this much with the median beat over the QRS are "typical". */
export const TYPICAL_CORRELATION = 0.9;
/** A median beat is built from at most this many beats (more add time, not accuracy). */
const MAX_TEMPLATE_BEATS = 40;
/** QRS onset/offset, first: where the spatial velocity stays below this fraction of its QRS peak for
 * EDGE_RUN_S (20 ms: the PR and ST segments last longer; a stationary moment inside the QRS, as between
 * S and an RBBB's R', does not). */
export const QRS_EDGE_FRACTION = 0.1;
const EDGE_RUN_S = 0.02;
/** The P wave counts as present when successive beats' P windows correlate at least this much in II
 * (V1 when II is missing) and its amplitude is at least P_MIN_MV. */
export const P_PRESENT_CORRELATION = 0.5, P_MIN_MV = 0.04;

const ms = (s: number) => Math.round(s * MEASURE_FS / 1000);
const L = Object.fromEntries(STANDARD_LEADS.map((l, i) => [l, i])) as Record<(typeof STANDARD_LEADS)[number], number>;

export interface PWaveMeasure {
  /** Mean correlation of successive beats' P-wave windows, the larger of II's and V1's (≈ 1: a
   * repeating P wave; ≈ 0: none, e.g. atrial fibrillation). */
  presence: number;
  /** Signed P amplitude (mV, the largest deflection before QRS onset against the PR baseline), II and V1. */
  amplitudeIIMv: number;
  amplitudeV1Mv: number;
  /** QRS onset − P onset (ms), when a P wave is present. */
  prIntervalMs?: number;
}

export interface Measurements {
  heartRate: { bpm: number; rrIrregularity: number; beats: number } | undefined;
  /** QRS duration (ms) of the multi-lead median beat; undefined when no beat could be averaged. */
  qrsDurationMs: number | undefined;
  /** Frontal QRS axis (degrees, −180…180) from the net QRS areas of I and aVF. */
  qrsAxisDeg: number | undefined;
  pWave: PWaveMeasure | undefined;
  /** Times (s from the record's start) of the QRS complexes found. */
  qrsTimesS: number[];
  /** Standard leads that were measured (present or derived, finite, not flat). */
  leadsMeasured: string[];
  /** The named feature vector, in FEATURE_NAMES order, every value finite. */
  features: Float32Array;
}

const perLead = (prefix: string, unit: string) => STANDARD_LEADS.map((l) => `${prefix}_${l}_${unit}`);

/** The feature vector's names, in order. Units in the name; `*_measured` are 0/1 flags. */
export const FEATURE_NAMES: readonly string[] = [
  // rhythm
  'rhythm_measured', 'heart_rate_bpm', 'rr_irregularity', 'rr_successive_median', 'premature_fraction', 'rr_min_max_ratio',
  'beat_correlation_mean', 'beat_atypical_fraction',
  'p_wave_measured', 'p_correlation_II', 'p_correlation_V1', 'p_amp_II_mv', 'p_amp_V1_mv', 'pr_interval_ms',
  // conduction
  'qrs_measured', 'qrs_duration_ms', 'qrs_axis_cos', 'qrs_axis_sin',
  'qrs_terminal_V1_mv', 'qrs_terminal_V6_mv', 'qrs_terminal_I_mv', 'r_peak_time_V1_ms', 'r_peak_time_V6_ms',
  // voltage
  ...perLead('r_amp', 'mv'), ...perLead('s_amp', 'mv'), 'sokolow_lyon_mv', 'cornell_mv',
  // repolarisation
  ...perLead('st', 'mv'), ...perLead('t_amp', 'mv'),
  'leads_measured_fraction',
  // rhythm, added later (appended: earlier indices stay valid)
  'underlying_rr_range_s', 'most_premature_rr_ratio', 'longest_pause_rr_ratio',
];

/** Value used where a feature cannot be measured (its flag says so): a typical adult value, or 0 for
 * deflections and fractions. */
const FALLBACK: Readonly<Record<string, number>> = {
  heart_rate_bpm: 75, rr_min_max_ratio: 1, most_premature_rr_ratio: 1, longest_pause_rr_ratio: 1, beat_correlation_mean: 1, pr_interval_ms: 160,
  qrs_duration_ms: 95, qrs_axis_cos: Math.cos(Math.PI / 4), qrs_axis_sin: Math.sin(Math.PI / 4),
  r_peak_time_V1_ms: 25, r_peak_time_V6_ms: 40,
};

/** Measures `record`. Never throws: what cannot be measured is undefined here and a fallback (with its
 * flag at 0) in `features`. */
export function measureRecord(record: EcgRecord): Measurements {
  const x = standardLeads(record);
  const present = x.filter((s): s is Float32Array => !!s);
  const n = present.length ? Math.min(...present.map((s) => s.length)) : 0;
  const leads = x.map((s) => s?.subarray(0, n));
  const f: Record<string, number> = {};
  const leadsMeasured = STANDARD_LEADS.filter((_, i) => leads[i]);
  f.leads_measured_fraction = leadsMeasured.length / STANDARD_LEADS.length;
  // The independent leads carry all the information; the derived four would only weigh the limb leads double.
  const detectOn = INDEPENDENT.map((l) => leads[l]).filter((s): s is Float32Array => !!s);
  const beats = n > 0 ? detectQrs(detectOn.length ? detectOn : present.map((s) => s.subarray(0, n)), MEASURE_FS) : [];
  const rhythm = rhythmStats(beats, MEASURE_FS);
  f.rhythm_measured = rhythm ? 1 : 0;
  if (rhythm) {
    f.heart_rate_bpm = rhythm.bpm;
    f.rr_irregularity = rhythm.rrIrregularity;
    f.rr_successive_median = rhythm.rrSuccessiveMedian;
    f.premature_fraction = rhythm.prematureFraction;
    f.rr_min_max_ratio = rhythm.rrMinMaxRatio;
    f.underlying_rr_range_s = rhythm.underlyingRrRangeS;
    f.most_premature_rr_ratio = rhythm.mostPrematureRatio;
    f.longest_pause_rr_ratio = rhythm.longestPauseRatio;
  }
  const morph = beats.length ? measureMorphology(leads, beats, n, rhythm, f) : undefined;
  const features = new Float32Array(FEATURE_NAMES.length);
  FEATURE_NAMES.forEach((name, i) => {
    const v = f[name];
    features[i] = Number.isFinite(v) && Math.abs(v) < 1e6 ? v : FALLBACK[name] ?? 0;
  });
  return {
    heartRate: rhythm && { bpm: rhythm.bpm, rrIrregularity: rhythm.rrIrregularity, beats: rhythm.beats },
    qrsDurationMs: morph?.qrsDurationMs,
    qrsAxisDeg: morph?.qrsAxisDeg,
    pWave: morph?.pWave,
    qrsTimesS: beats.map((b) => b / MEASURE_FS),
    leadsMeasured,
    features,
  };
}

/** The leads every other lead is a combination of: I, II (the limb leads) and V1-V6. */
const INDEPENDENT = [L.I, L.II, L.V1, L.V2, L.V3, L.V4, L.V5, L.V6];

/**
 * The 12 standard leads (I…V6 order) at MEASURE_FS, baseline-corrected; undefined for a lead that is
 * missing (and not derivable), has a non-finite sample, or is flat. When I and II are usable, III,
 * aVR, aVL and aVF are computed from them (Einthoven's and Goldberger's equations, which is how
 * recorders obtain them too): the limb leads stay exactly consistent, and four leads need no filtering.
 */
function standardLeads(rec: EcgRecord): (Float32Array | undefined)[] {
  const raw: (Float32Array | undefined)[] = STANDARD_LEADS.map(() => undefined);
  if (!(rec.fs >= MIN_FS && rec.fs <= MAX_FS)) return raw;
  rec.leads.forEach((name, i) => {
    const lead = standardLeadName(name);
    const k = lead === undefined ? -1 : STANDARD_LEADS.indexOf(lead as (typeof STANDARD_LEADS)[number]);
    const s = rec.signals[i];
    if (k >= 0 && !raw[k] && s) raw[k] = s.subarray(0, Math.ceil(MAX_SECONDS * rec.fs));
  });
  const prepared = (s: Float32Array | undefined) => {
    if (!s || s.length < 3 || !allFinite(s)) return undefined;
    const y = resample(removeBaselineWander(s, rec.fs), rec.fs, MEASURE_FS);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < y.length; i++) { if (y[i] < lo) lo = y[i]; if (y[i] > hi) hi = y[i]; }
    return hi - lo >= FLAT_MV ? y : undefined;
  };
  const out = raw.map((s, k) => (INDEPENDENT.includes(k) ? prepared(s) : undefined));
  const I = out[L.I], II = out[L.II];
  for (const [lead, derive] of Object.entries(DERIVED_LIMB_LEADS)) {
    const k = STANDARD_LEADS.indexOf(lead as (typeof STANDARD_LEADS)[number]);
    if (!I || !II) { out[k] = prepared(raw[k]); continue; }
    const d = new Float32Array(Math.min(I.length, II.length));
    for (let t = 0; t < d.length; t++) d[t] = derive(I[t], II[t]);
    out[k] = d;
  }
  return out;
}

interface Morphology { qrsDurationMs: number; qrsAxisDeg: number | undefined; pWave: PWaveMeasure | undefined }

/** Median beat and everything measured on it; fills `f`. Undefined when no beat has room for the window. */
function measureMorphology(x: LeadSet, beats: number[], n: number, rhythm: RhythmStats | undefined, f: Record<string, number>): Morphology | undefined {
  const pre = ms(PRE_S * 1000), post = ms(POST_S * 1000);
  const premature = new Set(rhythm?.premature ?? []);
  const inside = (p: number) => p - pre >= 0 && p + post <= n;
  const candidates = beats.filter((p, i) => inside(p) && !premature.has(i));
  const first = candidates.length ? candidates : beats.filter(inside);
  if (!first.length) return undefined;
  // Pass 1: a rough median beat to align on; pass 2: the median of the typical beats, aligned.
  const rough = medianBeat(x, spread(first, MAX_TEMPLATE_BEATS), pre, post, -ms(100), ms(100));
  const aligned = alignBeats(x, first, rough, pre, -ms(60), ms(60), ms(10)).filter(inside);
  const qrsCorr = beatCorrelations(x, aligned, rough, pre, -ms(100), ms(100));
  const typical = aligned.filter((_, i) => qrsCorr[i] >= TYPICAL_CORRELATION);
  const used = typical.length * 2 >= aligned.length && typical.length ? typical : aligned.length ? aligned : first;
  const t = medianBeat(x, spread(used, MAX_TEMPLATE_BEATS), pre, post);

  // Every beat (premature ones included) against the final median beat: ectopic beats differ.
  const all = alignBeats(x, beats, t, pre, -ms(60), ms(60), ms(10));
  const corr = beatCorrelations(x, all, t, pre, -ms(100), ms(100));
  f.beat_correlation_mean = corr.reduce((a, b) => a + b, 0) / corr.length;
  f.beat_atypical_fraction = corr.filter((c) => c < TYPICAL_CORRELATION).length / corr.length;

  const { onset, offset } = qrsEdges(t, pre);
  f.qrs_measured = 1;
  f.qrs_duration_ms = ((offset - onset) * 1000) / MEASURE_FS;
  const base = t.map((s) => s && mean(s, onset - ms(30), onset - ms(10)));
  const dev = (l: number, i: number) => t[l]![i] - base[l]!;

  // Voltage and conduction, lead by lead, within the QRS.
  const area: number[] = [];
  t.forEach((s, l) => {
    if (!s) return;
    let hi = -Infinity, lo = Infinity, hiAt = onset, a = 0;
    for (let i = onset; i <= offset; i++) {
      const v = dev(l, i);
      if (v > hi) { hi = v; hiAt = i; }
      if (v < lo) lo = v;
      a += v;
    }
    area[l] = a / MEASURE_FS;
    const lead = STANDARD_LEADS[l];
    f[`r_amp_${lead}_mv`] = Math.max(0, hi);
    f[`s_amp_${lead}_mv`] = Math.max(0, -lo);
    if (lead === 'V1' || lead === 'V6') f[`r_peak_time_${lead}_ms`] = ((hiAt - onset) * 1000) / MEASURE_FS;
    if (lead === 'V1' || lead === 'V6' || lead === 'I') f[`qrs_terminal_${lead}_mv`] = mean(s, offset - ms(40), offset + 1) - base[l]!;
  });
  f.sokolow_lyon_mv = (f.s_amp_V1_mv ?? 0) + Math.max(f.r_amp_V5_mv ?? 0, f.r_amp_V6_mv ?? 0);
  f.cornell_mv = (f.r_amp_aVL_mv ?? 0) + (f.s_amp_V3_mv ?? 0);
  let qrsAxisDeg: number | undefined;
  if (area[L.I] !== undefined && area[L.aVF] !== undefined && (area[L.I] !== 0 || area[L.aVF] !== 0)) {
    const th = Math.atan2(area[L.aVF], area[L.I]);
    qrsAxisDeg = (th * 180) / Math.PI;
    f.qrs_axis_cos = Math.cos(th);
    f.qrs_axis_sin = Math.sin(th);
  }

  // Repolarisation: ST at J+60 ms (J+40 ms above 100 bpm, where J+60 reaches into the T wave), T wave.
  const rr = rhythm ? 60 / rhythm.bpm : 0.8;
  const stAt = offset + ms(rhythm && rhythm.bpm > 100 ? 40 : 60);
  const tFrom = offset + ms(40), tTo = Math.min(pre + post - 1, pre + Math.round(0.65 * rr * MEASURE_FS));
  t.forEach((s, l) => {
    if (!s) return;
    const lead = STANDARD_LEADS[l];
    f[`st_${lead}_mv`] = mean(s, stAt - ms(4), stAt + ms(4) + 1) - base[l]!;
    if (tTo > tFrom) f[`t_amp_${lead}_mv`] = s[extremeAt(s, tFrom, tTo + 1, base[l]!)] - base[l]!;
  });

  const pWave = measurePWave(x, t, used, base, onset, rr, pre, f);
  return { qrsDurationMs: f.qrs_duration_ms, qrsAxisDeg, pWave };
}

/**
 * QRS onset and offset (sample indices into the median beat) from its spatial velocity — the magnitude
 * of the derivative over I, II and V1-V6 (the 8 independent leads): from the velocity's peak near the
 * fiducial, outward to where it stays below QRS_EDGE_FRACTION of that peak for EDGE_RUN_S. The QRS's
 * slowest first and last milliseconds fall below the threshold: durations read shorter than a manual
 * reading (docs/measurements.md gives the offset against LUDB's delineation), the same way everywhere.
 */
function qrsEdges(t: readonly (Float32Array | undefined)[], pre: number): { onset: number; offset: number } {
  const independent = INDEPENDENT.map((l) => t[l]).filter((s): s is Float32Array => !!s);
  // A 10 ms running median first: a pacemaker spike (a few ms) would otherwise be the velocity's peak
  // and the QRS would shrink to the spike; the QRS's own waves last longer and keep their edges.
  const use = (independent.length ? independent : t.filter((s): s is Float32Array => !!s)).map((s) => runningMedian5(s));
  const len = use[0].length, raw = new Float64Array(len);
  for (let i = 1; i < len - 1; i++) {
    let sq = 0;
    for (const s of use) { const d = s[i + 1] - s[i - 1]; sq += d * d; }
    raw[i] = Math.sqrt(sq);
  }
  const v = new Float64Array(len), h = ms(5); // 10 ms moving average: damps noise left in the median
  for (let i = 0; i < len; i++) {
    let s = 0, c = 0;
    for (let j = Math.max(0, i - h); j <= Math.min(len - 1, i + h); j++) { s += raw[j]; c++; }
    v[i] = s / c;
  }
  let peak = pre;
  for (let i = Math.max(1, pre - ms(80)); i <= Math.min(len - 2, pre + ms(80)); i++) if (v[i] > v[peak]) peak = i;
  const thr = QRS_EDGE_FRACTION * v[peak], run = Math.max(1, ms(EDGE_RUN_S * 1000));
  const walk = (dir: -1 | 1, limit: number) => {
    let count = 0;
    for (let i = peak; dir < 0 ? i >= limit : i <= limit; i += dir) {
      if (v[i] < thr) { if (++count >= run) return i - dir * (run - 1); } else count = 0;
    }
    return limit;
  };
  return { onset: walk(-1, Math.max(1, pre - ms(200))), offset: walk(1, Math.min(len - 2, pre + ms(200))) };
}

/** P wave in II and V1: the largest deflection between the window's start and 20 ms before QRS onset,
 * and how well successive beats' windows repeat. */
function measurePWave(x: LeadSet, t: readonly (Float32Array | undefined)[], used: number[], base: (number | undefined)[], onset: number, rr: number, pre: number, f: Record<string, number>): PWaveMeasure | undefined {
  const from = Math.max(0, onset - ms(Math.min(300, 450 * rr))), to = onset - ms(20);
  if (to - from < ms(40)) return undefined;
  const byLead = [L.II, L.V1].map((l) => {
    const s = x[l], tl = t[l];
    if (!s || !tl) return undefined;
    const peakAt = extremeAt(tl, from, to, base[l]!);
    return { l, peakAt, amp: tl[peakAt] - base[l]!, corr: successiveWindowCorrelation(s, spread(used, MAX_TEMPLATE_BEATS), from - pre, to - pre) };
  });
  const [ii, v1] = byLead;
  if (ii) { f.p_correlation_II = ii.corr; f.p_amp_II_mv = ii.amp; }
  if (v1) { f.p_correlation_V1 = v1.corr; f.p_amp_V1_mv = v1.amp; }
  const main = ii ?? v1;
  if (!main) return undefined;
  const presence = Math.max(...byLead.map((b) => b?.corr ?? -1)); // seen in either lead is seen
  let prIntervalMs: number | undefined;
  if (main.corr >= P_PRESENT_CORRELATION && Math.abs(main.amp) >= P_MIN_MV) {
    // P onset against the P wave's own foot (the TP level), not the PR baseline: atrial repolarisation
    // often pulls the PR segment below the TP level, and the P wave would never seem to end.
    const s = t[main.l]!, sign = Math.sign(main.amp), lo = Math.max(0, main.peakAt - ms(100));
    let foot = s[main.peakAt];
    for (let i = lo; i < main.peakAt; i++) foot = sign > 0 ? Math.min(foot, s[i]) : Math.max(foot, s[i]);
    const height = Math.abs(s[main.peakAt] - foot);
    let i = main.peakAt;
    while (i > lo && Math.abs(s[i - 1] - foot) >= 0.2 * height) i--;
    prIntervalMs = ((onset - i) * 1000) / MEASURE_FS;
    f.p_wave_measured = 1;
    f.pr_interval_ms = prIntervalMs;
  }
  return { presence, amplitudeIIMv: ii?.amp ?? 0, amplitudeV1Mv: v1?.amp ?? 0, prIntervalMs };
}

/** At most `max` of `xs`, evenly spread over it. */
function spread(xs: number[], max: number): number[] {
  if (xs.length <= max) return xs;
  return Array.from({ length: max }, (_, i) => xs[Math.floor((i * xs.length) / max)]);
}

function mean(s: Float32Array, from: number, to: number): number {
  const a = Math.max(0, from), b = Math.min(s.length, to);
  let sum = 0;
  for (let i = a; i < b; i++) sum += s[i];
  return b > a ? sum / (b - a) : 0;
}

/** Index of the sample in [from, to) farthest from `ref`. */
function extremeAt(s: Float32Array, from: number, to: number, ref: number): number {
  let at = Math.max(0, from);
  for (let i = at; i < Math.min(s.length, to); i++) if (Math.abs(s[i] - ref) > Math.abs(s[at] - ref)) at = i;
  return at;
}

function allFinite(s: Float32Array): boolean {
  for (let i = 0; i < s.length; i++) if (!Number.isFinite(s[i])) return false;
  return true;
}

/** Running median over 5 samples (10 ms at MEASURE_FS); the two samples at each end are kept. */
function runningMedian5(s: Float32Array): Float32Array {
  const out = Float32Array.from(s), w = [0, 0, 0, 0, 0];
  for (let i = 2; i < s.length - 2; i++) {
    for (let k = 0; k < 5; k++) w[k] = s[i - 2 + k];
    w.sort((a, b) => a - b);
    out[i] = w[2];
  }
  return out;
}
