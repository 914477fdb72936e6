/**
 * Signal plausibility gate: is this what a 12-lead ECG in millivolts at the stated sampling rate looks
 * like? quality.ts refuses what cannot be drawn (missing leads, flat, clipped, short); this module
 * refuses, or repairs with a warning, what can be drawn but would be read wrongly — a unit mistake
 * (µV stored as mV: ×1000), an uncalibrated gain (WFDB's default 200/mV), inverted or swapped leads,
 * noise in place of an ECG, a wrong sampling rate. Every verdict names its check and its numbers.
 * The thresholds come from the statistics of the 696 real records in ../shared/data that reach it (docs/plausibility.md,
 * `npm run plausibility-survey`) and from physiology, with margins so that valid recordings pass.
 * Browser-safe: no engine, no fs.
 */
import { detectQrs, medianOf } from './qrs-detect.js';
import { STANDARD_LEADS } from './types.js';

/** Physiological QRS peak-to-peak of a lead (mV): the textbook range, for messages and for rescaling. */
export const QRS_MV_RANGE = [0.1, 5] as const;
/**
 * The median over the 12 leads of each lead's QRS peak-to-peak (mV) must lie in [low, high]. Real records:
 * 0.32-2.4 mV (min to 99th percentile) and a ventricular tachycardia at 3.98; above 4.5 only two records
 * whose header says 200/mV on data a sibling record digitised at 1000/mV (×5) and one of 11.9 mV.
 */
export const AMPLITUDE_MV = { low: 0.08, high: 4.5 } as const;
/** With a gain the header does not state (0 or absent), amplitudes are a guess: a tighter band (real 1st-99th percentile 0.48-2.4). */
export const UNCALIBRATED_AMPLITUDE_MV = { low: 0.15, high: 2.5 } as const;
/**
 * Einthoven/Goldberger residual (RMS of the identity's error over the larger side's RMS, QRS band) above
 * which a limb lead is wrong. Real records ≤ 0.011 (99th percentile) and one at 0.26; a swap of I and II ≥ 0.33, an inverted lead ≥ 1.4.
 */
export const LIMB_RESIDUAL_MAX = 0.35;
/** Median beat-to-template correlation over the leads below which no consistent QRS is found. Real ≥ 0.56, noise ≤ 0.19. */
export const MIN_BEAT_COHERENCE = 0.4;
/**
 * Sampling-rate check. A header stating k times the true rate multiplies the heart rate by k and divides
 * the QRS width by k, so the balance z = log2(rate / 70 bpm) − log2(width / 34 ms) moves by 2·log2(k).
 * On the real records (all at their true rate) z lies in −2.59…1.51, the rate in 30-188 bpm, the width
 * (central 80% of the averaged beat's slope energy, median 34 ms) in 14-180 ms, one outlier at 8 ms.
 */
export const SAMPLING_RATE_LIMITS = {
  /** Refused as a too-high stated rate beyond any of these. */
  high: { z: 1.55, minWidthMs: 12, maxRateBpm: 250 },
  /** Refused as a too-low stated rate beyond any of these. Real records reach z = −2.59; a header stating half
   * the true rate moves a typical record (70 bpm, 100 ms) to −3.56. */
  low: { z: -3.2, maxWidthMs: 240, minRateBpm: 25 },
  /** Balance below this (but within `low`): a very wide QRS at a normal rate (a bundle branch block, e.g.
   * 210-222 ms at 61-69 bpm: z −2.73…−2.83), or half the true rate stated: a warning. */
  slowOrWideZ: -2.7,
  /** Balance above this (but within `high`): a fast rhythm with a narrow QRS, or twice the true rate stated: a warning (5 of 696 real records, 89% of doubled rates). */
  fastAndNarrowZ: 1.2,
  /** A slow rate with a wide QRS (below either corner): a real block with an escape rhythm, or half the true rate stated: a warning. */
  slowAndWide: [{ rateBpm: 40, widthMs: 50 }, { rateBpm: 45, widthMs: 60 }],
} as const;

/** Arm-reversal warning: lead I's P wave below −pWaveMv mV, its QRS net deflection below −qrs and aVR's above qrs. */
export const ARM_REVERSAL = { pWaveMv: 0.03, qrs: 0.2 } as const;

/** One of the 12 standard leads as the gate sees it. */
export interface GateLead {
  signal: Float32Array;
  /** In the record (false: derived from I and II, so it cannot contradict them). */
  recorded: boolean;
  /** Header gain (adu per physical unit), when the record came from a header. */
  gain?: number;
  /** The header gave gain 0 or none: WFDB's default 200/mV was applied. */
  uncalibrated?: boolean;
}

/** The statistics each check judges (also what the survey script tabulates). */
export interface PlausibilityStats {
  beats: number;
  /** Median QRS peak-to-peak per standard lead (mV). */
  qrsMv: number[];
  /** Median of qrsMv over the 12 leads. */
  amplitudeMv: number;
  /** Worst Einthoven/Goldberger residual among the equations the recorded leads allow. */
  limbResidual?: { equation: string; residual: number };
  /** The same in ADC units (each lead × its header gain), when the limb leads' gains differ. */
  limbResidualAdc?: { equation: string; residual: number };
  /** Net QRS deflection per lead, -1 (all negative) … +1 (all positive). */
  polarity: number[];
  /** P-wave deflection per lead (mV) on the averaged beat: + upright, − inverted, ~0 without P waves. */
  pWaveMv?: number[];
  /** Median over the leads of each lead's median beat-to-template correlation. */
  coherence?: number;
  rateBpm?: number;
  qrsWidthMs?: number;
  /** Set (the common span, mV) when every lead's header gain is its own ADC range: amplitudes carry no voltage. */
  perLeadNormalisedMv?: number;
}

export interface PlausibilityVerdict {
  /** Set when the record must not reach a model: which check, which numbers. */
  refusal?: string;
  warnings: string[];
  /** Factor to multiply every lead by before the model sees it (1: unchanged; -1: re-inverted; 1e-3: µV read as mV). */
  scale: number;
  stats: PlausibilityStats;
}

const L = Object.fromEntries(STANDARD_LEADS.map((l, k) => [l, k])) as Record<(typeof STANDARD_LEADS)[number], number>;
const fmt = (x: number, d = 2) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(d));

/** All checks on the 12 standard leads (I…V6) at `fs` Hz, each cut to what the model sees; the caller applies `scale` and throws on `refusal`. */
export function checkPlausibility(leads: readonly GateLead[], fs: number): PlausibilityVerdict {
  const stats = measurePlausibility(leads.map((l) => l.signal), leads.map((l) => l.recorded), fs, leads.map((l) => l.gain));
  const warnings: string[] = [];
  const verdict = (refusal?: string, scale = 1): PlausibilityVerdict => ({ refusal, warnings, scale, stats });

  const amp = amplitudeVerdict(leads, stats);
  if (amp.refusal) return verdict(amp.refusal);
  warnings.push(...amp.warnings);
  let scale = amp.scale;

  if (stats.coherence !== undefined && stats.coherence < MIN_BEAT_COHERENCE) {
    return verdict(`QRS consistency check: the ${stats.beats} beats found are not alike from beat to beat ` +
      `(median beat-to-template correlation ${fmt(stats.coherence)} over the leads; real ECGs ≥ ${MIN_BEAT_COHERENCE}): noise, not an ECG`);
  }
  if (stats.beats < 2) {
    return verdict(`QRS consistency check: ${stats.beats} QRS complex${stats.beats === 1 ? '' : 'es'} found across the 12 leads in ${fmt(leads[0].signal.length / fs, 1)} s: no rhythm to read`);
  }

  const rate = rateVerdict(stats, fs);
  if (rate.refusal) return verdict(rate.refusal);
  if (rate.warning) warnings.push(rate.warning);

  const limb = stats.limbResidual, adc = stats.limbResidualAdc;
  // Checked on its own: with similar gains on I, II and III the normalisation can leave Einthoven's law
  // within its limit (29 of LUDB's 141 records), and the voltages are just as unreadable.
  const normalised = perLeadNormalised(leads);
  if (normalised) stats.perLeadNormalisedMv = normalised;
  const normalisedText = normalised ? `every lead spans exactly ${fmt(normalised, 3)} mV peak-to-peak (each gain is its own lead's ADC range, a per-lead normalisation): ` +
    'voltages are not the heart\'s, so voltage findings (LVH, RVH, ST elevation/depression) cannot be read from this record' : '';
  if (limb && limb.residual > LIMB_RESIDUAL_MAX && adc && adc.residual <= LIMB_RESIDUAL_MAX / 2) {
    // The ADC values obey Einthoven and the per-lead gains break it: the header's gains are at fault, not the
    // electrodes (most of LUDB 1.0.1). Kept as the header says, with the evidence.
    const gains = [...new Set(leads.filter((l) => l.recorded && l.gain !== undefined).map((l) => l.gain!))];
    warnings.push(`gain consistency check: ${limb.equation} is off by ${fmt(100 * limb.residual, 0)}% of the leads' RMS with the header's per-lead gains ` +
      `(${gains.length} different, ${Math.min(...gains)}-${Math.max(...gains)} adu/mV) but by ${fmt(100 * adc.residual, 0)}% in ADC units: ` +
      `the gains, not the electrodes, look wrong; amplitudes are read as the header says` + (normalised ? `; ${normalisedText}` : ''));
  } else if (limb && limb.residual > LIMB_RESIDUAL_MAX) {
    const fix = explainLimbLeads(leads.map((l) => l.signal), leads.map((l) => l.recorded), fs);
    return verdict(`lead consistency check (Einthoven/Goldberger): ${limb.equation} is off by ${fmt(100 * limb.residual, 0)}% of the leads' RMS ` +
      `(real records ≤ ${fmt(100 * LIMB_RESIDUAL_MAX, 0)}%)${fix ? `: consistent if ${fix}` : ': a limb lead is swapped, inverted or mislabelled'}`);
  } else if (normalised) {
    warnings.push(`gain check: ${normalisedText}`);
  }

  const pol = polarityVerdict(leads, stats);
  if (pol.scale !== 1) scale *= pol.scale;
  warnings.push(...pol.warnings);
  return verdict(undefined, scale);
}

/**
 * The common peak-to-peak (mV) when every recorded lead with a header gain spans the same range to within
 * one ADC unit — what a header whose every gain is its own lead's ADC range produces (LUDB 1.0.1: all
 * 1692 of its 141 records' leads span exactly 1 mV); undefined otherwise. Over at least 8 leads a real
 * recording never does this by chance. Reads the signals it is given (the gate's window: the whole
 * record for 10-s records), so a longer record can only fail to match, never match wrongly.
 */
function perLeadNormalised(leads: readonly GateLead[]): number | undefined {
  const withGain = leads.filter((l) => l.recorded && l.gain);
  if (withGain.length < 8) return undefined;
  const spans = withGain.map((l) => {
    let lo = Infinity, hi = -Infinity;
    for (const v of l.signal) { if (v < lo) lo = v; if (v > hi) hi = v; }
    return { span: hi - lo, unit: 1 / Math.abs(l.gain!) };
  });
  const ref = spans[0].span;
  return ref > 0 && spans.every(({ span, unit }) => Math.abs(span - ref) <= 1.5 * unit) ? ref : undefined;
}

/** Amplitude range; an uncalibrated gain; a factor-1000 unit mistake rescaled with a warning. */
function amplitudeVerdict(leads: readonly GateLead[], s: PlausibilityStats): { refusal?: string; warnings: string[]; scale: number } {
  const a = s.amplitudeMv;
  const evidence = `median QRS peak-to-peak ${fmt(a, 3)} mV over the 12 leads (largest ${fmt(Math.max(...s.qrsMv), 3)} mV, lead ${STANDARD_LEADS[s.qrsMv.indexOf(Math.max(...s.qrsMv))]})`;
  const gains = [...new Set(leads.filter((l) => l.recorded && l.gain !== undefined).map((l) => l.gain!))];
  const gainText = gains.length ? ` (header gain ${gains.slice(0, 3).join(', ')}${gains.length > 3 ? ', …' : ''} adu/mV)` : '';
  const uncal = STANDARD_LEADS.filter((_, k) => leads[k].recorded && leads[k].uncalibrated);
  if (uncal.length) {
    const band = UNCALIBRATED_AMPLITUDE_MV;
    const which = uncal.length === leads.filter((l) => l.recorded).length ? 'every lead' : `lead(s) ${uncal.join(',')}`;
    const head = `gain check: the header gives gain 0 (uncalibrated) for ${which}, read with WFDB's default 200 adu/mV`;
    if (a < band.low || a > band.high) {
      return { refusal: `${head}; the ${evidence} is outside ${band.low}-${band.high} mV: the true gain is unknown`, warnings: [], scale: 1 };
    }
    return { warnings: [`${head}; the ${evidence} looks physiological, but amplitude-based classes (LVH, RVH, ST changes) depend on that guess`], scale: 1 };
  }
  const { low, high } = AMPLITUDE_MV;
  if (a >= low && a <= high) return { warnings: [], scale: 1 };
  for (const factor of [1e-3, 1e3]) {
    const r = a * factor;
    if (r >= QRS_MV_RANGE[0] * 2 && r <= QRS_MV_RANGE[1] / 2) {
      const unit = factor < 1 ? 'µV stored as mV' : 'V stored as mV';
      return { warnings: [`amplitude check: ${evidence}${gainText} is ${factor < 1 ? '1000 times above' : '1000 times below'} a physiological ${QRS_MV_RANGE[0]}-${QRS_MV_RANGE[1]} mV: read as ${unit}, rescaled by ${factor < 1 ? '1/1000' : '1000'} (${fmt(r, 3)} mV)`], scale: factor };
    }
  }
  return { refusal: `amplitude check: ${evidence}${gainText} is outside ${low}-${high} mV (physiological QRS ${QRS_MV_RANGE[0]}-${QRS_MV_RANGE[1]} mV per lead): wrong gain or units`, warnings: [], scale: 1 };
}

/** A heart rate and a QRS width that together say the stated sampling rate is wrong: a refusal or (ambiguous) a warning. */
function rateVerdict(s: PlausibilityStats, fs: number): { refusal?: string; warning?: string } {
  const { rateBpm: rate, qrsWidthMs: width } = s;
  if (rate === undefined || width === undefined) return {};
  const { high, low, slowAndWide } = SAMPLING_RATE_LIMITS;
  const z = Math.log2(rate / 70) - Math.log2(Math.max(width, 1) / 34);
  const tooHigh = z > high.z || width < high.minWidthMs || rate > high.maxRateBpm;
  const tooLow = z < low.z || width > low.maxWidthMs || rate < low.minRateBpm;
  const numbers = `at the stated ${fmt(fs, 0)} Hz the heart rate is ${fmt(rate, 0)} bpm and the QRS ${fmt(width, 0)} ms wide (rate-to-width balance ${fmt(z)}; ` +
    `refused beyond ${low.minRateBpm}-${high.maxRateBpm} bpm, ${high.minWidthMs}-${low.maxWidthMs} ms, balance ${low.z} to ${high.z})`;
  if (tooHigh || tooLow) return { refusal: `sampling-rate check: ${numbers}: the header's sampling rate looks ${tooHigh ? 'higher' : 'lower'} than the recording's` };
  if (z > SAMPLING_RATE_LIMITS.fastAndNarrowZ) {
    return { warning: `sampling-rate check: at the stated ${fmt(fs, 0)} Hz the heart rate is ${fmt(rate, 0)} bpm with a QRS ${fmt(width, 0)} ms wide (rate-to-width balance ${fmt(z)}): a fast rhythm with a narrow QRS, or a header stating twice the recording's sampling rate — check it` };
  }
  if (z < SAMPLING_RATE_LIMITS.slowOrWideZ) {
    return { warning: `sampling-rate check: at the stated ${fmt(fs, 0)} Hz the heart rate is ${fmt(rate, 0)} bpm with a QRS ${fmt(width, 0)} ms wide (rate-to-width balance ${fmt(z)}, below the real records' ${SAMPLING_RATE_LIMITS.slowOrWideZ}): a very wide QRS, or a header stating half the recording's sampling rate — check it` };
  }
  if (slowAndWide.some((c) => rate < c.rateBpm && width > c.widthMs)) {
    return { warning: `sampling-rate check: at the stated ${fmt(fs, 0)} Hz the heart rate is ${fmt(rate, 0)} bpm with a QRS ${fmt(width, 0)} ms wide (rate-to-width balance ${fmt(z)}): a block with an escape rhythm, or a header stating half the recording's sampling rate — check it` };
  }
  return {};
}

/**
 * Limb-lead polarity: a record whose every gain is negative and whose QRS is upside down (aVR positive,
 * II negative) is re-inverted; lead I and aVR both inverted without that is an arm-electrode reversal
 * (or dextrocardia): a warning, since the second is a real heart.
 */
function polarityVerdict(leads: readonly GateLead[], s: PlausibilityStats): { warnings: string[]; scale: number } {
  const p = s.polarity;
  const I = p[L.I], II = p[L.II], aVR = p[L.aVR];
  const upsideDown = aVR > 0.2 && II < -0.2;
  const numbers = `QRS net deflection aVR ${fmt(aVR)}, II ${fmt(II)}, I ${fmt(I)} (of peak-to-peak; usual: aVR < 0 < II)`;
  const negative = leads.filter((l) => l.recorded && l.gain !== undefined && l.gain < 0);
  if (negative.length && negative.length === leads.filter((l) => l.recorded).length && upsideDown) {
    return { warnings: [`polarity check: every lead has a negative header gain (${negative[0].gain} adu/mV) and the QRS is upside down, ${numbers}: inverted back`], scale: -1 };
  }
  if (negative.length) {
    return { warnings: [`polarity check: ${negative.length} lead(s) have a negative header gain (${negative[0].gain} adu/mV): kept as the header says, ${numbers}`], scale: 1 };
  }
  // Without a header to blame: lead I's P wave inverted (atria depolarise towards the left arm) with its QRS,
  // and aVR upright: right and left arm electrodes swapped, or a heart on the right.
  const pI = s.pWaveMv?.[L.I];
  if (pI !== undefined && pI < -ARM_REVERSAL.pWaveMv && I < -ARM_REVERSAL.qrs && aVR > ARM_REVERSAL.qrs) {
    return { warnings: [`polarity check: lead I's P wave (${fmt(pI, 3)} mV) and QRS are inverted and aVR's QRS is upright, ${numbers}: arm electrodes reversed (or dextrocardia)`], scale: 1 };
  }
  return { warnings: [], scale: 1 };
}

/** The statistics of every check, on equal-length leads in I…V6 order. */
export function measurePlausibility(signals: readonly Float32Array[], recorded: readonly boolean[], fs: number, gains: readonly (number | undefined)[] = []): PlausibilityStats {
  const n = Math.min(...signals.map((s) => s.length));
  const beats = detectQrs(signals, fs);
  const shape = averagedBeat(signals, recorded, beats, n, fs);
  const pad = Math.round(0.02 * fs);
  const qrsMv = signals.map((x) => (shape ? medianOf(shape.beats.map((b) => span(x, b + shape.onset - pad, b + shape.offset + pad))) : robustSpan(x, n)));
  const polarity = signals.map((_, k) => (shape ? deflection(shape.templates[k], shape.centre + shape.onset, shape.centre + shape.offset, pad) : 0));
  const stats: PlausibilityStats = { beats: beats.length, qrsMv, amplitudeMv: medianOf(qrsMv), polarity, limbResidual: worstLimbResidual(signals, recorded, n, fs) };
  const limbGains = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'].map((l) => L[l as keyof typeof L]).filter((k) => recorded[k]).map((k) => gains[k]);
  if (limbGains.every((g) => g !== undefined && g !== 0) && new Set(limbGains.map((g) => Math.abs(g!))).size > 1) {
    const g = medianOf(limbGains.map((g) => Math.abs(g!)));
    stats.limbResidualAdc = worstLimbResidual(signals.map((x, k) => (gains[k] ? x.map((v) => (v * Math.abs(gains[k]!)) / g) : x)), recorded, n, fs);
  }
  if (shape && shape.beats.length >= 3) {
    stats.coherence = beatCoherence(signals.filter((_, k) => recorded[k]), shape.beats, Math.round(0.08 * fs));
  }
  if (beats.length >= 3) {
    const rr = medianOf(beats.slice(1).map((b, i) => b - beats[i]));
    stats.rateBpm = (60 * fs) / rr;
    if (shape) {
      stats.qrsWidthMs = ((shape.offset - shape.onset) / fs) * 1000;
      // Below 110 bpm the P wave stands clear of the previous T wave.
      if (rr > 0.55 * fs) stats.pWaveMv = shape.templates.map((t) => pWave(t, shape.centre + shape.onset, fs));
    }
  }
  return stats;
}

interface BeatShape {
  /** The beats, aligned on each other (sample indices). */
  beats: number[];
  /** Per lead, the average of the aligned beats from `centre` samples before to after the beat. */
  templates: Float64Array[];
  centre: number;
  /** QRS onset and offset relative to the beat (samples): the central 80% of the averaged beat's slope energy. */
  onset: number;
  offset: number;
}

/**
 * The averaged beat. Beats are aligned on the summed slope profile first (the detector's position jitters
 * by several samples, which would smear and widen the average). The QRS is located on the average itself,
 * so a beat position pulled late by a tall T wave does not matter. Everything is computed in samples, so the
 * QRS width in ms scales exactly with 1/fs — what the sampling-rate check relies on.
 */
function averagedBeat(signals: readonly Float32Array[], recorded: readonly boolean[], beats: readonly number[], n: number, fs: number): BeatShape | undefined {
  const pre = Math.round(0.45 * fs), post = Math.round(0.25 * fs), search = Math.round(0.15 * fs), shift = Math.round(0.03 * fs);
  const usable = beats.filter((b) => b - pre - shift - 1 >= 0 && b + post + shift + 1 < n);
  if (usable.length < 2) return undefined;
  const slope = new Float64Array(n);
  signals.forEach((x, k) => {
    if (!recorded[k]) return;
    const d = new Float64Array(n);
    for (let i = 1; i < n - 1; i++) d[i] = Math.abs(x[i + 1] - x[i - 1]);
    const sample = Float64Array.from({ length: Math.max(1, n >> 2) }, (_, i) => d[i * 4]).sort();
    const scale = sample[Math.floor(0.98 * (sample.length - 1))];
    if (scale > 0) for (let i = 0; i < n; i++) slope[i] += d[i] / scale;
  });
  const profile = new Float64Array(2 * search + 1);
  for (const b of usable) for (let i = -search; i <= search; i++) profile[i + search] += slope[b + i];
  const aligned = usable.map((b) => {
    let best = 0, bestScore = -Infinity;
    for (let s = -shift; s <= shift; s++) {
      let score = 0;
      for (let i = -search; i <= search; i++) { const t = b + s + i; if (t >= 0 && t < n) score += slope[t] * profile[i + search]; }
      if (score > bestScore) { bestScore = score; best = s; }
    }
    return b + best;
  });
  const templates = signals.map((x) => {
    const t = new Float64Array(pre + post + 1);
    for (const b of aligned) for (let i = -pre; i <= post; i++) t[i + pre] += x[b + i] / aligned.length;
    return t;
  });
  // Slope energy of the averaged beat within ±search of the beat, each recorded lead's share normalised,
  // less its floor (noise, slow waves: the 30th percentile) so that the span follows the QRS alone.
  const energy = new Float64Array(2 * search + 1);
  templates.forEach((t, k) => {
    if (!recorded[k]) return;
    const e = new Float64Array(2 * search + 1);
    for (let i = -search; i <= search; i++) { const d = t[pre + i + 1] - t[pre + i - 1]; e[i + search] = d * d; }
    const floor = Float64Array.from(e).sort()[Math.floor(0.3 * (e.length - 1))];
    let total = 0;
    for (let i = 0; i < e.length; i++) { e[i] = Math.max(0, e[i] - floor); total += e[i]; }
    if (total > 0) for (let i = 0; i < e.length; i++) energy[i] += e[i] / total;
  });
  let sum = 0;
  for (const v of energy) sum += v;
  if (!(sum > 0)) return undefined;
  let acc = 0, a = -1, b = -1;
  for (let i = 0; i < energy.length; i++) {
    acc += energy[i];
    if (a < 0 && acc >= 0.1 * sum) a = i;
    if (b < 0 && acc >= 0.9 * sum) { b = i; break; }
  }
  return { beats: aligned, templates, centre: pre, onset: a - search, offset: b - search };
}

/**
 * The P wave's signed deflection (mV) on the averaged beat: in 250-30 ms before the QRS onset, the largest
 * deviation from the straight line joining the window's ends (so baseline drift and the PR segment cancel).
 */
function pWave(t: Float64Array, onset: number, fs: number): number {
  const from = Math.max(0, onset - Math.round(0.25 * fs)), to = onset - Math.round(0.03 * fs);
  if (to - from < 4) return 0;
  let best = 0;
  for (let i = from; i <= to; i++) {
    const dev = t[i] - (t[from] + ((t[to] - t[from]) * (i - from)) / (to - from));
    if (Math.abs(dev) > Math.abs(best)) best = dev;
  }
  return best;
}

function span(x: Float32Array, a: number, b: number): number {
  let lo = Infinity, hi = -Infinity;
  for (let i = a; i <= b; i++) { if (x[i] < lo) lo = x[i]; if (x[i] > hi) hi = x[i]; }
  return hi - lo;
}

function robustSpan(x: Float32Array, n: number): number {
  const s = Float32Array.from(x.subarray(0, n)).sort();
  return s[Math.floor(0.99 * (n - 1))] - s[Math.floor(0.01 * (n - 1))];
}

/** (max − base) − (base − min) over the QRS (± pad) of an averaged beat, relative to its span; base = the PR segment's median. */
function deflection(t: Float64Array, onset: number, offset: number, pad: number): number {
  const pr = Array.from(t.subarray(Math.max(0, onset - 3 * pad), Math.max(1, onset - pad)));
  const base = medianOf(pr);
  let lo = Infinity, hi = -Infinity;
  for (let i = Math.max(0, onset - pad); i <= Math.min(t.length - 1, offset + pad); i++) { if (t[i] < lo) lo = t[i]; if (t[i] > hi) hi = t[i]; }
  return hi > lo ? Math.max(-1, Math.min(1, (hi - base - (base - lo)) / (hi - lo))) : 0;
}

/** The limb-lead identities the recorded leads allow, each as lhs − rhs = 0 with its name. */
const LIMB_EQUATIONS: { name: string; needs: string[]; error: (v: (l: string, t: number) => number, t: number) => number; sides: (v: (l: string, t: number) => number, t: number) => [number, number] }[] = [
  { name: 'I + III − II', needs: ['I', 'II', 'III'], error: (v, t) => v('I', t) + v('III', t) - v('II', t), sides: (v, t) => [v('II', t), v('I', t) + v('III', t)] },
  { name: 'aVR + (I + II)/2', needs: ['I', 'II', 'aVR'], error: (v, t) => v('aVR', t) + (v('I', t) + v('II', t)) / 2, sides: (v, t) => [v('aVR', t), -(v('I', t) + v('II', t)) / 2] },
  { name: 'aVL − (I − II/2)', needs: ['I', 'II', 'aVL'], error: (v, t) => v('aVL', t) - v('I', t) + v('II', t) / 2, sides: (v, t) => [v('aVL', t), v('I', t) - v('II', t) / 2] },
  { name: 'aVF − (II − I/2)', needs: ['I', 'II', 'aVF'], error: (v, t) => v('aVF', t) - v('II', t) + v('I', t) / 2, sides: (v, t) => [v('aVF', t), v('II', t) - v('I', t) / 2] },
];

/**
 * Each lead band-passed to the QRS band (a 20 ms moving average minus a 200 ms one): the identities hold
 * for the cardiac signal; offsets, baseline wander and mains hum picked up lead by lead need not.
 */
function centred(signals: readonly Float32Array[], n: number, fs: number): Float32Array[] {
  const short = Math.max(1, Math.round(0.02 * fs)), long = Math.max(short + 1, Math.round(0.2 * fs));
  return signals.map((x) => {
    const a = movingAverage(x, n, short), b = movingAverage(x, n, long);
    return a.map((v, i) => v - b[i]);
  });
}

/** Centred moving average over `w` samples (shorter at the edges). */
function movingAverage(x: Float32Array, n: number, w: number): Float32Array {
  const out = new Float32Array(n), half = w >> 1;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + x[i];
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half), b = Math.min(n, i - half + w);
    out[i] = (prefix[b] - prefix[a]) / (b - a);
  }
  return out;
}

function limbResiduals(c: readonly Float32Array[], recorded: readonly boolean[], n: number, map: Record<string, { k: number; sign: number }> = {}) {
  const at = (l: string) => map[l] ?? { k: L[l as keyof typeof L], sign: 1 };
  const v = (l: string, t: number) => { const { k, sign } = at(l); return sign * c[k][t]; };
  const out: { equation: string; residual: number }[] = [];
  let limbFloor = 0;
  for (const l of ['I', 'II']) { let e = 0; for (let t = 0; t < n; t++) e += v(l, t) ** 2; limbFloor = Math.max(limbFloor, e / 4); }
  for (const eq of LIMB_EQUATIONS) {
    if (!eq.needs.every((l) => recorded[L[l as keyof typeof L]])) continue;
    let e2 = 0, a2 = 0, b2 = 0;
    for (let t = 0; t < n; t++) {
      const e = eq.error(v, t), [a, b] = eq.sides(v, t);
      e2 += e * e; a2 += a * a; b2 += b * b;
    }
    // Against the larger side, but at least half the larger of leads I and II: a near-isoelectric aVL or III
    // must not turn a few µV of lead-by-lead noise into a large relative error.
    const ref = Math.sqrt(Math.max(a2, b2, limbFloor));
    out.push({ equation: eq.name, residual: ref > 0 ? Math.sqrt(e2) / ref : 0 });
  }
  return out;
}

function worstLimbResidual(signals: readonly Float32Array[], recorded: readonly boolean[], n: number, fs: number) {
  const r = limbResiduals(centred(signals, n, fs), recorded, n);
  return r.length ? r.reduce((a, b) => (b.residual > a.residual ? b : a)) : undefined;
}

/** Which single inversion or swap of recorded limb leads makes every identity hold, in words; undefined if none. */
function explainLimbLeads(signals: readonly Float32Array[], recorded: readonly boolean[], fs: number): string | undefined {
  const n = Math.min(...signals.map((s) => s.length));
  const c = centred(signals, n, fs);
  const limbs = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF'].filter((l) => recorded[L[l as keyof typeof L]]);
  const ok = (map: Record<string, { k: number; sign: number }>) => Math.max(...limbResiduals(c, recorded, n, map).map((r) => r.residual)) <= LIMB_RESIDUAL_MAX / 2;
  for (const l of limbs) if (ok({ [l]: { k: L[l as keyof typeof L], sign: -1 } })) return `lead ${l} is inverted`;
  for (let i = 0; i < limbs.length; i++) {
    for (let j = i + 1; j < limbs.length; j++) {
      const a = limbs[i], b = limbs[j];
      if (ok({ [a]: { k: L[b as keyof typeof L], sign: 1 }, [b]: { k: L[a as keyof typeof L], sign: 1 } })) return `leads ${a} and ${b} are swapped`;
    }
  }
  return undefined;
}

/** Median over leads of the median correlation between each beat (±w samples) and the lead's median beat. */
function beatCoherence(signals: readonly Float32Array[], beats: readonly number[], w: number): number {
  const usable = beats.filter((b) => b - w >= 0);
  const perLead = signals.map((x) => {
    const segs = usable.filter((b) => b + w < x.length).map((b) => x.subarray(b - w, b + w + 1));
    if (segs.length < 3) return 0;
    const template = new Float32Array(2 * w + 1);
    for (let i = 0; i < template.length; i++) template[i] = medianOf(segs.map((s) => s[i]));
    return medianOf(segs.map((s) => correlation(s, template)));
  });
  return medianOf(perLead);
}

function correlation(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { const da = a[i] - ma, db = b[i] - mb; ab += da * db; aa += da * da; bb += db * db; }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
