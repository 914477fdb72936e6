/**
 * Seedable synthetic 12-lead ECG generator for the 10 classes (browser-safe). The same (class, seed,
 * options) always gives the same record, bit for bit. Morphology: synthetic-morphology.ts; here:
 * beat timing (heart-rate variability, premature beats with compensatory pauses), projection onto
 * the leads, and noise (baseline wander, EMG, powerline).
 */
import { Rng } from './rng.js';
import { leadVectors, makePatient, waveAt, waveSpan, type Patient, type Vec3, type Wave } from './synthetic-morphology.js';
import { NUM_CLASSES, STANDARD_LEADS, type EcgRecord, type SignalSpec } from './types.js';

/** SNOMED CT code of each class (ectopy: 17338001 PVC or 284470004 PAC, chosen per record). */
export const CLASS_CODES = ['426783006', '427084000', '426177001', '164909002', '59118001', '164873001', '89792004', '164931005', '429622005', '17338001'];
export const SINUS_RHYTHM = '426783006';

export interface SyntheticOptions {
  fs?: number;
  seconds?: number;
  /** Record name (default `SYN<cls>_<seed>`). */
  name?: string;
  /** Noise level multiplier (0 = clean; default 1). */
  noise?: number;
}

interface Beat { t: number; kind: 'sinus' | 'pvc' | 'pac'; amp: number }

function schedule(p: Patient, rng: Rng, seconds: number): Beat[] {
  const rr0 = 60 / p.hr;
  const lf = rng.uniform(0.01, 0.04) * (p.hr > 100 ? 0.4 : 1), hf = rng.uniform(0.01, 0.035) * (p.hr > 100 ? 0.4 : 1);
  const fl = rng.uniform(0.08, 0.12), fr = rng.uniform(0.2, 0.33), pl = rng.uniform(0, 6.28), pr = rng.uniform(0, 6.28);
  const approx = Math.floor(seconds / rr0);
  const ectopicAt = new Set<number>();
  if (p.ectopic) {
    const count = Math.min(Math.max(1, approx - 3) , rng.int(1, 3));
    for (let tries = 0; ectopicAt.size < count && tries < 50; tries++) {
      const k = rng.int(2, Math.max(2, approx - 1));
      if (!ectopicAt.has(k - 1) && !ectopicAt.has(k + 1)) ectopicAt.add(k);
    }
  }
  const beats: Beat[] = [];
  let t = -rng.uniform(0.2, 1) * rr0, prev = t - rr0;
  for (let i = 0; t < seconds + 1; i++) {
    const rr = rr0 * (1 + lf * Math.sin(2 * Math.PI * fl * t + pl) + hf * Math.sin(2 * Math.PI * fr * t + pr) + rng.normal(0, 0.008));
    const amp = 1 + 0.05 * Math.sin(2 * Math.PI * fr * t + pr + 1) + rng.normal(0, 0.015);
    if (ectopicAt.has(i) && p.ectopic) {
      // The premature beat comes early after the previous beat; a PVC leaves the sinus node alone
      // (full compensatory pause: next sinus beat 2 RR after the previous one); a PAC resets it.
      const pvc = p.ectopic.kind === 'pvc';
      const te = prev + rr * (pvc ? rng.uniform(0.5, 0.65) : rng.uniform(0.6, 0.75));
      beats.push({ t: te, kind: p.ectopic.kind, amp });
      prev = te;
      t = pvc ? t + rr : te + rr * rng.uniform(1.05, 1.2);
    } else {
      beats.push({ t, kind: 'sinus', amp });
      prev = t;
      t += rr;
    }
  }
  return beats;
}

function qrsWaves(ws: Wave[]): Wave[] { return ws.filter((w) => w.kind === 'gauss' && !w.atrial && Math.abs(w.t) < 0.1); }

/** Noise-free peak of a lead over the QRS waves (max and min), for voltage calibration. */
function qrsExtrema(ws: Wave[], lv: Vec3): [number, number] {
  let mx = -Infinity, mn = Infinity;
  for (let dt = -0.1; dt <= 0.12; dt += 0.001) {
    let v = 0;
    for (const w of ws) v += waveAt(w, dt) * (w.v[0] * lv[0] + w.v[1] * lv[1] + w.v[2] * lv[2]);
    mx = Math.max(mx, v); mn = Math.min(mn, v);
  }
  return [mx, mn];
}

/** LVH: Sokolow-Lyon SV1+RV5 set above 3.5 mV; other narrow-QRS classes kept below it. */
function calibrateVoltage(p: Patient, cls: number, rng: Rng): void {
  if (cls === 3 || cls === 4 || cls === 6) return;
  const lv = leadVectors(p), qrs = qrsWaves(p.waves);
  const sl = -qrsExtrema(qrs, lv[6])[1] + qrsExtrema(qrs, lv[10])[0];
  let target: number | undefined;
  if (cls === 5) target = rng.uniform(3.9, 5.2);
  else if (sl > 3.0) target = rng.uniform(2.4, 3.0);
  if (target === undefined || !(sl > 0)) return;
  const k = target / sl;
  for (const w of qrs) w.v = [w.v[0] * k, w.v[1] * k, w.v[2] * k];
}

/** The patient, their beat schedule and the RNG positioned after both (the first draws of a record). */
function patientAndBeats(cls: number, seed: number, seconds: number): { rng: Rng; p: Patient; beats: Beat[] } {
  const rng = new Rng(((seed >>> 0) ^ Math.imul(cls + 1, 0x9e3779b1)) >>> 0);
  const p = makePatient(cls, rng);
  calibrateVoltage(p, cls, rng);
  return { rng, p, beats: schedule(p, rng, seconds) };
}

/** The beats of the record `generateRecord(cls, seed, opts)` draws (times in s of each QRS's fiducial
 * point, premature beats included), as ground truth for QRS detection. */
export function syntheticBeats(cls: number, seed: number, opts: SyntheticOptions = {}): { t: number; kind: Beat['kind'] }[] {
  const seconds = opts.seconds ?? 10;
  return patientAndBeats(cls, seed, seconds).beats.filter((b) => b.t >= 0 && b.t < seconds).map(({ t, kind }) => ({ t, kind }));
}

/** Generates one record of class `cls` (0-9) from `seed`. Signals in mV, rounded to 1 µV. */
export function generateRecord(cls: number, seed: number, opts: SyntheticOptions = {}): EcgRecord {
  if (!Number.isInteger(cls) || cls < 0 || cls >= NUM_CLASSES) throw new Error(`generateRecord: class ${cls} is not 0-${NUM_CLASSES - 1}`);
  const fs = opts.fs ?? 500, seconds = opts.seconds ?? 10, noise = opts.noise ?? 1;
  const { rng, p, beats } = patientAndBeats(cls, seed, seconds);
  const n = Math.round(fs * seconds);
  const vec = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  for (const b of beats) {
    const ws = b.kind === 'sinus' ? p.waves : p.ectopic!.waves;
    for (const w of ws) {
      const [s0, s1] = waveSpan(w);
      const i0 = Math.max(0, Math.ceil((b.t + s0) * fs)), i1 = Math.min(n - 1, Math.floor((b.t + s1) * fs));
      for (let i = i0; i <= i1; i++) {
        const g = b.amp * waveAt(w, i / fs - b.t);
        vec[0][i] += g * w.v[0]; vec[1][i] += g * w.v[1]; vec[2][i] += g * w.v[2];
      }
    }
  }
  const lv = leadVectors(p);
  const bwAmp = noise * rng.uniform(0, 0.12), fResp = rng.uniform(0.15, 0.35), fSlow = rng.uniform(0.03, 0.12);
  const emg = noise * rng.uniform(0.002, 0.015);
  const plAmp = rng.chance(0.5) ? noise * rng.uniform(0.002, 0.02) : 0, plF = rng.chance(0.5) ? 50 : 60;
  const signals: Float32Array[] = [], digital: Int32Array[] = [];
  for (let l = 0; l < 12; l++) {
    const [gx, gy, gz] = lv[l];
    const w1 = rng.uniform(-1, 1) * bwAmp, w2 = rng.uniform(-1, 1) * bwAmp * 0.7;
    const p1 = rng.uniform(0, 6.28), p2 = rng.uniform(0, 6.28), pp = rng.uniform(0, 6.28), off = rng.normal(0, 0.03) * noise;
    const sig = new Float32Array(n), dig = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const t = i / fs;
      let v = gx * vec[0][i] + gy * vec[1][i] + gz * vec[2][i] + off;
      v += w1 * Math.sin(2 * Math.PI * fResp * t + p1) + w2 * Math.sin(2 * Math.PI * fSlow * t + p2);
      if (emg > 0) v += rng.normal(0, emg);
      if (plAmp > 0) v += plAmp * Math.sin(2 * Math.PI * plF * t + pp);
      const d = Math.max(-32767, Math.min(32767, Math.round(v * 1000)));
      dig[i] = d; sig[i] = d / 1000;
    }
    signals.push(sig); digital.push(dig);
  }
  const name = opts.name ?? `SYN${cls}_${seed}`;
  const code = cls === 9 ? p.ectopic!.code : CLASS_CODES[cls];
  const dx = cls <= 2 ? [code] : [code, SINUS_RHYTHM];
  const age = rng.int(18, 90), sex = rng.chance(0.5) ? 'Male' : 'Female';
  const specs: SignalSpec[] = STANDARD_LEADS.map((lead, l) => ({
    fileName: `${name}.mat`, format: 16, samplesPerFrame: 1, skew: 0, byteOffset: 24, gain: 1000, baseline: 0, units: 'mV',
    adcResolution: 16, adcZero: 0, initialValue: digital[l][0], checksum: checksum16(digital[l]), blockSize: 0, description: lead,
  }));
  return {
    header: {
      name, nSignals: 12, fs, nSamples: n, signals: specs, dx, age, sex,
      comments: [`Age: ${age}`, `Sex: ${sex}`, `Dx: ${dx.join(',')}`, 'Rx: Unknown', 'Hx: Unknown', 'Sx: Unknown'],
    },
    leads: [...STANDARD_LEADS], fs, signals, digital, source: `synthetic:${cls}:${seed}`,
  };
}

/** WFDB checksum: 16-bit signed sum of the samples. */
export function checksum16(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s = (s + d[i]) & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

/** Internals for tests and tuning. */
export const _internal = { makePatient, leadVectors, Rng };
