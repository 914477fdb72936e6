/**
 * Measured ECG features against what the synthetic generator put in (its own beat schedule for the
 * rate; its class signatures for QRS width, ST level and premature beats), on edge cases that must
 * not throw, and — skipped when ../shared is absent — on every real record (finite features; the rate
 * against the records' sinus brady-/tachycardia labels is printed, not asserted: a sanity check).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ECTOPIC_RR_RATIO, UNSEEN_BEAT_PAUSE_RATIO } from '../../src/ecg/criteria.js';
import { FEATURE_NAMES, measureRecord, type Measurements } from '../../src/ecg/measurements.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { alignBeats, medianBeat, successiveWindowCorrelation } from '../../src/ecg/median-beat.js';
import { rhythmStats } from '../../src/ecg/rhythm-measures.js';
import { generateRecord, syntheticBeats } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS, type EcgRecord } from '../../src/ecg/types.js';

const feature = (m: Measurements, name: string) => {
  const i = FEATURE_NAMES.indexOf(name);
  if (i < 0) throw new Error(`no feature ${name}`);
  return m.features[i];
};
const stLevels = (m: Measurements) => STANDARD_LEADS.map((l) => feature(m, `st_${l}_mv`));
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

/** The generator's own rate: 60 / median RR of the beats it scheduled inside the record. */
function scheduledBpm(cls: number, seed: number): number {
  const t = syntheticBeats(cls, seed).map((b) => b.t);
  const rr = t.slice(1).map((x, i) => x - t[i]).sort((a, b) => a - b);
  return 60 / rr[rr.length >> 1];
}

function expectAllFinite(m: Measurements): void {
  expect(m.features.length).toBe(FEATURE_NAMES.length);
  const bad = FEATURE_NAMES.filter((_, i) => !Number.isFinite(m.features[i]));
  expect(bad).toEqual([]);
}

describe('FEATURE_NAMES', () => {
  it('names every value once, and the vector has one value per name', () => {
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(50);
    expect(FEATURE_NAMES.length).toBeLessThanOrEqual(90);
    expect(measureRecord(generateRecord(0, 1)).features.length).toBe(FEATURE_NAMES.length);
  });
});

describe('rhythmStats', () => {
  it('finds a premature beat followed by a pause, and gives no rate below 3 beats', () => {
    // 120 bpm at 500 Hz (RR 250 samples), one beat 150 samples early with a compensatory pause.
    const beats = [0, 250, 500, 650, 1000, 1250, 1500, 1750];
    const r = rhythmStats(beats, 500)!;
    expect(r.bpm).toBeCloseTo(120, 6);
    expect(r.premature).toEqual([3]);
    expect(r.prematureFraction).toBeCloseTo(1 / 6, 6);
    expect(r.rrMinMaxRatio).toBeCloseTo(150 / 350, 6);
    // the underlying rhythm without the premature beat's two intervals (150, 350): all 250 samples
    expect(r.underlyingRrRangeS).toBeCloseTo(0, 6);
    // the most premature interval followed by a longer one: 150 of the local median 250
    expect(r.mostPrematureRatio).toBeCloseTo(150 / 250, 6);
    // |successive differences| 0, 0, 0, 100, 100, 200 (sorted): the upper median, 100 samples = 0.2 s
    expect(r.rrSuccessiveMedian).toBeCloseTo(0.2 / 0.5, 6);
    // successive differences: 0, -100, +200, -100, 0, 0 samples → RMSSD √(60000/6) = 100 samples = 0.2 s
    expect(r.rrIrregularity).toBeCloseTo(0.2 / 0.5, 6);
    expect(rhythmStats([0, 250], 500)).toBeUndefined();
    // sinus arrhythmia: intervals swing between 440 and 560 samples with no premature beat
    const rr = [460, 500, 540, 560, 540, 500, 460, 440, 460, 500];
    const drift = rhythmStats(rr.reduce((t, d) => [...t, t[t.length - 1] + d], [0]), 500)!;
    expect(drift.premature).toEqual([]);
    expect(drift.underlyingRrRangeS).toBeCloseTo((560 - 440) / 500, 6);
    // its most premature-looking cycle: the first, 460 against the 540 median of its neighbourhood (0.85)
    expect(drift.mostPrematureRatio).toBeCloseTo(460 / 540, 6);
    // a perfectly regular rhythm: no interval is followed by a longer one
    expect(rhythmStats([0, 250, 500, 750, 1000], 500)!.mostPrematureRatio).toBe(1);
    // the premature beat's pause (350) follows a premature interval: not an unseen beat's pause
    expect(r.longestPauseRatio).toBeCloseTo(1, 6);
    // the same rhythm with the premature beat unseen: a pause of 500, twice the cycle
    const unseen = rhythmStats([0, 250, 500, 1000, 1250, 1500, 1750], 500)!;
    expect(unseen.premature).toEqual([]);
    expect(unseen.longestPauseRatio).toBeCloseTo(500 / 250, 6);
  });
});

describe('median beat', () => {
  /** A lead holding the same 21-sample bump at `at`, with one beat replaced by an outlier. */
  const bumpAt = (at: number[], n: number, outlier?: number) => {
    const s = new Float32Array(n);
    for (const p of at) for (let k = -10; k <= 10; k++) s[p + k] = (p === outlier ? -2 : 1) * Math.exp(-(k * k) / 20);
    return s;
  };

  it('is the common beat, sample for sample, whatever one outlying beat does', () => {
    const at = [100, 300, 500, 700, 900];
    const [t] = medianBeat([bumpAt(at, 1100, 500)], at, 50, 50);
    const [ref] = medianBeat([bumpAt(at, 1100)], [100], 50, 50);
    expect(Array.from(t!)).toEqual(Array.from(ref!));
    expect(t![50]).toBeCloseTo(1, 6);
  });

  it('aligns a beat whose fiducial is off by a few samples', () => {
    const at = [100, 300, 500];
    const lead = bumpAt(at, 700);
    const template = medianBeat([lead], at, 50, 50);
    expect(alignBeats([lead], [97, 303, 500], template, 50, -30, 30, 5)).toEqual(at);
  });

  it('correlates successive P windows near 1 for a repeating wave and near 0 for noise', () => {
    const at = Array.from({ length: 12 }, (_, i) => 200 + 400 * i);
    let seed = 7;
    const noise = Float32Array.from({ length: 5000 }, () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; });
    expect(successiveWindowCorrelation(bumpAt(at, 5000), at, -30, 30)).toBeCloseTo(1, 6);
    expect(Math.abs(successiveWindowCorrelation(noise, at, -30, 30))).toBeLessThan(0.2);
  });
});

describe('measureRecord on synthetic records', () => {
  it('measures the generator\'s rate within 2% for every class; bradycardia < 60, tachycardia > 100 bpm', () => {
    for (let cls = 0; cls < 10; cls++) {
      for (const seed of SEEDS) {
        const m = measureRecord(generateRecord(cls, seed));
        const truth = scheduledBpm(cls, seed);
        expect(m.heartRate, `class ${cls} seed ${seed}`).toBeDefined();
        expect(Math.abs(m.heartRate!.bpm - truth) / truth, `class ${cls} seed ${seed}: ${m.heartRate!.bpm} vs ${truth}`).toBeLessThan(0.02);
        if (cls === 1) expect(m.heartRate!.bpm).toBeGreaterThan(100);
        if (cls === 2) expect(m.heartRate!.bpm).toBeLessThan(60);
      }
    }
  });

  it('gives the same rate and QRS duration at 250, 500 and 1000 Hz', () => {
    for (const cls of [0, 4]) {
      const at = [250, 500, 1000].map((fs) => measureRecord(generateRecord(cls, 3, { fs })));
      for (const m of at) {
        expect(Math.abs(m.heartRate!.bpm - at[1].heartRate!.bpm)).toBeLessThan(1);
        expect(Math.abs(m.qrsDurationMs! - at[1].qrsDurationMs!)).toBeLessThanOrEqual(12);
      }
    }
  });

  it('finds ectopic records more irregular than sinus rhythm, with premature beats where sinus rhythm has none', () => {
    const sinus = SEEDS.map((s) => measureRecord(generateRecord(0, s)));
    const ectopy = SEEDS.map((s) => measureRecord(generateRecord(9, s)));
    const maxSinus = Math.max(...sinus.map((m) => m.heartRate!.rrIrregularity));
    for (const m of ectopy) {
      expect(m.heartRate!.rrIrregularity).toBeGreaterThan(maxSinus);
      expect(feature(m, 'premature_fraction')).toBeGreaterThan(0);
      // each ectopic record shows its premature beat, or (where the detector missed the beat) its pause
      expect(feature(m, 'most_premature_rr_ratio') < ECTOPIC_RR_RATIO || feature(m, 'longest_pause_rr_ratio') > UNSEEN_BEAT_PAUSE_RATIO).toBe(true);
    }
    for (const m of sinus) {
      expect(feature(m, 'premature_fraction')).toBe(0);
      expect(feature(m, 'most_premature_rr_ratio')).toBeGreaterThan(0.9);
      expect(feature(m, 'longest_pause_rr_ratio')).toBeLessThan(1.2);
    }
  });

  it('measures every bundle branch block\'s QRS ≥ 120 ms and longer than every normal record\'s', () => {
    const qrs = (cls: number) => SEEDS.map((s) => measureRecord(generateRecord(cls, s)).qrsDurationMs!);
    const normal = Math.max(...qrs(0));
    for (const cls of [3, 4]) {
      for (const d of qrs(cls)) {
        expect(d).toBeGreaterThanOrEqual(120);
        expect(d).toBeGreaterThan(normal);
      }
    }
  });

  it('reads the terminal QRS: late positive R\' in V1 and terminal S in I for RBBB, a negative end in V1 for normal conduction', () => {
    for (const seed of SEEDS) {
      const rbbb = measureRecord(generateRecord(4, seed));
      expect(feature(rbbb, 'qrs_terminal_V1_mv')).toBeGreaterThan(0);
      expect(feature(rbbb, 'qrs_terminal_I_mv')).toBeLessThan(0);
      const normal = measureRecord(generateRecord(0, seed));
      expect(feature(normal, 'qrs_terminal_V1_mv')).toBeLessThan(0);
    }
  });

  it('signs the ST level: elevated somewhere for ST elevation, depressed with aVR raised for ST depression', () => {
    for (const seed of SEEDS) {
      expect(Math.max(...stLevels(measureRecord(generateRecord(7, seed))))).toBeGreaterThan(0.15);
      const dep = measureRecord(generateRecord(8, seed));
      expect(Math.min(...stLevels(dep))).toBeLessThan(-0.1);
      expect(feature(dep, 'st_aVR_mv')).toBeGreaterThan(0);
    }
  });

  it('finds a repeating P wave in sinus rhythm and marks Sokolow-Lyon above 3.5 mV for the LVH class', () => {
    for (const seed of SEEDS) {
      const m = measureRecord(generateRecord(0, seed));
      expect(m.pWave!.presence).toBeGreaterThan(0.8);
      expect(feature(m, 'p_wave_measured')).toBe(1);
      expect(feature(measureRecord(generateRecord(5, seed)), 'sokolow_lyon_mv')).toBeGreaterThan(3.5);
    }
  });
});

/** A synthetic record with its signals replaced lead by lead. */
function withSignals(base: EcgRecord, f: (s: Float32Array, lead: number) => Float32Array, leads = base.leads): EcgRecord {
  return { ...base, leads: [...leads], signals: leads.map((_, l) => f(base.signals[l], l)), digital: undefined };
}

describe('measureRecord on records it can only partly measure', () => {
  const base = generateRecord(0, 11);
  let seed = 1;
  const noise = (n: number) => Float32Array.from({ length: n }, () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; });

  it('a flat lead: left out, the rest measured', () => {
    const m = measureRecord(withSignals(base, (s, l) => (l === 7 ? new Float32Array(s.length) : s)));
    expectAllFinite(m);
    expect(m.leadsMeasured).not.toContain('V2');
    expect(m.leadsMeasured.length).toBe(11);
    expect(feature(m, 'r_amp_V2_mv')).toBe(0);
    expect(m.heartRate).toBeDefined();
  });

  it('a 2 s record, a 0.3 s record, an all-flat record, pure noise, NaN in a lead, an empty record, a bad rate', () => {
    const cases: EcgRecord[] = [
      withSignals(base, (s) => s.slice(0, 1000)),
      withSignals(base, (s) => s.slice(0, 150)),
      withSignals(base, (s) => new Float32Array(s.length)),
      withSignals(base, (s) => noise(s.length)),
      withSignals(base, (s, l) => { const c = s.slice(); if (l === 0) c[100] = NaN; return c; }),
      { ...base, leads: [], signals: [] },
      withSignals(base, (s) => s.slice(0, 0)),
      { ...base, fs: 0 },
    ];
    for (const rec of cases) expectAllFinite(measureRecord(rec));
    const flat = measureRecord(cases[2]);
    expect(flat.heartRate).toBeUndefined();
    expect(flat.qrsDurationMs).toBeUndefined();
    expect(feature(flat, 'rhythm_measured')).toBe(0);
    expect(feature(flat, 'qrs_measured')).toBe(0);
    expect(feature(flat, 'heart_rate_bpm')).toBe(75); // the documented fallback
    expect(measureRecord(cases[4]).leadsMeasured).not.toContain('I');
  });

  it('derives III, aVR, aVL, aVF from I and II when a record lacks them, and matches lead names by meaning', () => {
    const keep = ['I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];
    const idx = keep.map((l) => base.leads.indexOf(l));
    const eight: EcgRecord = { ...base, leads: ['Lead I', 'DII', 'C1', 'v2', 'V3', 'V4', 'V5', 'V6'], signals: idx.map((i) => base.signals[i]), digital: undefined };
    const m8 = measureRecord(eight), m12 = measureRecord(base);
    expect(m8.leadsMeasured).toEqual([...STANDARD_LEADS]);
    expect(Array.from(m8.features)).toEqual(Array.from(m12.features));
  });
});

const SHARED = join(__dirname, '../../../shared/data');
const FOLDERS = ['real-ecg', 'ludb', 'ptb-xl'];

describe.skipIf(!FOLDERS.every((f) => existsSync(join(SHARED, f, 'MANIFEST.tsv'))))('measureRecord on every real record of ../shared/data', () => {
  it('gives finite features for every record (and prints how often the rate falls on the labelled side of 60/100 bpm)', () => {
    let records = 0;
    const side = { brady: [0, 0], tachy: [0, 0] };
    for (const folder of FOLDERS) {
      const [head, ...rows] = readFileSync(join(SHARED, folder, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
      const col = head.split('\t');
      for (const row of rows) {
        const cells = row.split('\t');
        const classes = cells[col.indexOf('class_ids')].split(',').filter(Boolean).map(Number);
        const m = measureRecord(readRecord(join(SHARED, folder, cells[col.indexOf('file')])));
        expectAllFinite(m);
        records++;
        const bpm = m.heartRate?.bpm ?? NaN;
        if (classes.includes(2)) { side.brady[1]++; if (bpm < 60) side.brady[0]++; }
        if (classes.includes(1)) { side.tachy[1]++; if (bpm > 100) side.tachy[0]++; }
      }
    }
    console.log(`measured rate on the labelled side: sinus bradycardia ${side.brady[0]}/${side.brady[1]} below 60 bpm, ` +
      `sinus tachycardia ${side.tachy[0]}/${side.tachy[1]} above 100 bpm (${records} records)`);
    expect(records).toBeGreaterThan(0);
  });
});
