import { describe, expect, it } from 'vitest';
import { classesOf, primaryClass } from '../../src/ecg/labels.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS } from '../../src/ecg/types.js';
import { heartRate, lead, qrsComplexes, qrsWidth, rPeaks, sokolowLyon, stLevels } from './ecg-measure.js';

const SEEDS = [1, 2, 3, 4, 5, 6];
const clean = (cls: number, seed: number) => generateRecord(cls, seed, { noise: 0 });

describe('synthetic generator', () => {
  it('is deterministic: same (class, seed) gives the same samples; another seed differs', () => {
    const a = generateRecord(4, 42), b = generateRecord(4, 42), c = generateRecord(4, 43);
    expect(a.leads).toEqual([...STANDARD_LEADS]);
    expect(a.fs).toBe(500);
    a.signals.forEach((s, l) => expect(Buffer.from(s.buffer).equals(Buffer.from(b.signals[l].buffer))).toBe(true));
    expect(Buffer.from(a.signals[1].buffer).equals(Buffer.from(c.signals[1].buffer))).toBe(false);
    expect(a.header).toEqual(b.header);
  });

  it('gives 10 s at 500 Hz in mV, with the class code and sinus rhythm as second code', () => {
    for (let cls = 0; cls < 10; cls++) {
      const r = generateRecord(cls, 7);
      expect(r.signals).toHaveLength(12);
      for (const s of r.signals) { expect(s.length).toBe(5000); expect(s.every(Number.isFinite)).toBe(true); }
      expect(classesOf(r.header.dx)).toContain(cls);
      if (cls >= 3) expect(r.header.dx).toContain('426783006');
      else expect(r.header.dx).toHaveLength(1);
      expect(primaryClass(classesOf(r.header.dx))).toBe(cls);
    }
  });

  it('keeps the limb leads consistent (Einthoven: III = II − I, aVR = −(I+II)/2)', () => {
    const r = clean(0, 3), I = lead(r, 'I'), II = lead(r, 'II'), III = lead(r, 'III'), aVR = lead(r, 'aVR');
    for (let i = 0; i < 5000; i += 37) {
      expect(Math.abs(III[i] - (II[i] - I[i]))).toBeLessThan(0.003);
      expect(Math.abs(aVR[i] + (I[i] + II[i]) / 2)).toBeLessThan(0.003);
    }
  });

  it('rates: tachycardia > 100 bpm, bradycardia < 60, normal 60-100 (measured from R peaks, with noise)', () => {
    for (const s of SEEDS) {
      expect(heartRate(generateRecord(1, s))).toBeGreaterThan(100);
      expect(heartRate(generateRecord(2, s))).toBeLessThan(60);
      const hr = heartRate(generateRecord(0, s));
      expect(hr).toBeGreaterThan(58);
      expect(hr).toBeLessThan(102);
    }
  });

  it('bundle branch blocks have QRS > 120 ms; normal QRS < 120 ms', () => {
    for (const s of SEEDS) {
      expect(qrsWidth(clean(0, s))).toBeLessThan(0.12);
      expect(qrsWidth(clean(3, s))).toBeGreaterThan(0.12);
      expect(qrsWidth(clean(4, s))).toBeGreaterThan(0.12);
    }
  });

  it('LBBB: broad positive QRS in I and V6, negative in V1; RBBB: terminal R\' in V1, terminal S in I and V6', () => {
    for (const s of SEEDS) {
      const l = clean(3, s), qs = qrsComplexes(l)[2];
      const net = (r: typeof l, name: string, [on, , off]: number[]) => lead(r, name).slice(on, off).reduce((a, b) => a + b, 0);
      expect(net(l, 'V6', qs)).toBeGreaterThan(0);
      expect(net(l, 'I', qs)).toBeGreaterThan(0);
      expect(net(l, 'V1', qs)).toBeLessThan(0);
      const r = clean(4, s), [on, pk, off] = qrsComplexes(r)[2];
      // 30-90 ms after the R peak: the late R' in V1, the slurred S in I and V6
      const late = (name: string) => lead(r, name).slice(pk + 15, pk + 45);
      expect(Math.max(...late('V1'))).toBeGreaterThan(0.1);
      expect(Math.min(...late('I'))).toBeLessThan(-0.05);
      expect(Math.min(...late('V6'))).toBeLessThan(-0.05);
      expect(off).toBeGreaterThan(pk);
      expect(on).toBeLessThan(pk);
    }
  });

  it('LVH meets Sokolow-Lyon (SV1 + RV5 > 3.5 mV); normal does not', () => {
    for (const s of SEEDS) {
      expect(sokolowLyon(clean(5, s))).toBeGreaterThan(3.5);
      expect(sokolowLyon(clean(0, s))).toBeLessThan(3.5);
    }
  });

  it('RVH: dominant R in V1 and right axis (net QRS negative in I, positive in aVF)', () => {
    for (const s of SEEDS) {
      const r = clean(6, s), [on, , off] = qrsComplexes(r)[2];
      const v1 = lead(r, 'V1').slice(on, off);
      expect(Math.max(...v1)).toBeGreaterThan(-Math.min(...v1));
      const net = (name: string) => lead(r, name).slice(on, off).reduce((a, b) => a + b, 0);
      expect(net('I')).toBeLessThan(0);
      expect(net('aVF')).toBeGreaterThan(0);
    }
  });

  it('ST elevation ≥ 0.1 mV in two contiguous leads; ST depression ≤ −0.08 mV in two leads; normal flat', () => {
    const groups = [['II', 'III', 'aVF'], ['V1', 'V2', 'V3', 'V4'], ['I', 'aVL', 'V5', 'V6']];
    for (const s of SEEDS) {
      const ste = stLevels(clean(7, s));
      expect(groups.some((g) => g.filter((l) => ste[l] >= 0.1).length >= 2)).toBe(true);
      const std = stLevels(clean(8, s));
      expect(Object.values(std).filter((v) => v <= -0.08).length).toBeGreaterThanOrEqual(2);
      const nor = stLevels(clean(0, s));
      expect(Object.values(nor).filter((v) => Math.abs(v) >= 0.1)).toHaveLength(0);
    }
  });

  it('ectopy: premature beats followed by a pause (PVC: compensatory, short + long ≈ 2 RR)', () => {
    for (const s of SEEDS) {
      const r = clean(9, s), p = rPeaks(r);
      const rr = p.slice(1).map((x, i) => (x - p[i]) / r.fs);
      const med = [...rr].sort((a, b) => a - b)[rr.length >> 1];
      const k = rr.findIndex((x, i) => x < 0.8 * med && i + 1 < rr.length && rr[i + 1] > 1.05 * med);
      expect(k).toBeGreaterThanOrEqual(0);
      if (r.header.dx[0] === '17338001') expect(Math.abs(rr[k] + rr[k + 1] - 2 * med)).toBeLessThan(0.2 * med);
    }
  });
});
