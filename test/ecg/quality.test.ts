import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  headerProblem, matchLeads, minimumSeconds, readableTwelveLead, signalProblem, standardLeadName, UnreadableRecordError,
} from '../../src/ecg/quality.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { renderItems } from '../../src/ecg/dataset.js';
import { scanRecords } from '../../src/ecg/scan.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS, type EcgRecord } from '../../src/ecg/types.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';

const base = generateRecord(4, 7);

/** A copy with only the leads at `pick` (indices into I…V6), renamed by `rename`. */
function subset(rec: EcgRecord, pick: number[], rename: (l: string) => string = (l) => l): EcgRecord {
  return {
    ...rec,
    header: { ...rec.header, nSignals: pick.length, signals: pick.map((i) => ({ ...rec.header.signals[i], description: rename(rec.leads[i]) })) },
    leads: pick.map((i) => rename(rec.leads[i])),
    signals: pick.map((i) => rec.signals[i]),
    digital: undefined,
  };
}
const cut = (rec: EcgRecord, seconds: number) => ({ ...rec, signals: rec.signals.map((s) => s.slice(0, Math.round(seconds * rec.fs))), digital: undefined });
const mapLeads = (rec: EcgRecord, f: (x: Float32Array, k: number) => Float32Array) => ({ ...rec, signals: rec.signals.map(f), digital: undefined });
function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { ab += (a[i] - ma) * (b[i] - mb); aa += (a[i] - ma) ** 2; bb += (b[i] - mb) ** 2; }
  return ab / Math.sqrt(aa * bb);
}
const refusal = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UnreadableRecordError); return (e as Error).message; }
  throw new Error('expected a refusal');
};

describe('lead names', () => {
  it('maps spellings seen in real headers to the standard leads', () => {
    expect(['i', 'Lead II', 'DIII', 'AVR', 'aVl', 'avf', 'V1', 'c2', 'lead_v3', 'V-4', ' v5 ', 'C6'].map(standardLeadName))
      .toEqual([...STANDARD_LEADS]);
    expect(['MLII', 'vx', 'ECG1', '1', ''].map(standardLeadName)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('a record in another lead order gives the same leads in I…V6 order (no warning)', () => {
    const order = [11, 3, 0, 7, 5, 1, 9, 2, 10, 4, 6, 8];
    const shuffled = subset(base, order, (l) => l.toLowerCase());
    const r = readableTwelveLead(shuffled);
    expect(r.record.leads).toEqual([...STANDARD_LEADS]);
    r.record.signals.forEach((s, k) => expect(s).toBe(base.signals[k]));
    expect(r.warnings).toEqual([]);
  });

  it('derives III, aVR, aVL, aVF from I and II when only those are missing, and says so', () => {
    const clean = generateRecord(4, 7, { noise: 0 });
    const eight = subset(clean, [0, 1, 6, 7, 8, 9, 10, 11]);
    const r = readableTwelveLead(eight);
    expect(r.warnings).toEqual(['lead(s) III,aVR,aVL,aVF not in the record: derived from I and II']);
    const [I, II] = [clean.signals[0], clean.signals[1]];
    const t = 1234;
    expect(r.record.signals[2][t]).toBeCloseTo(II[t] - I[t], 6);
    expect(r.record.signals[3][t]).toBeCloseTo(-(I[t] + II[t]) / 2, 6);
    expect(r.record.signals[4][t]).toBeCloseTo(I[t] - II[t] / 2, 6);
    expect(r.record.signals[5][t]).toBeCloseTo(II[t] - I[t] / 2, 6);
    // Without noise the generator's leads are projections of one heart vector: derived ≈ generated.
    for (const k of [2, 3, 4, 5]) expect(correlation(r.record.signals[k], clean.signals[k])).toBeGreaterThan(0.99);
  });

  it('refuses one lead, missing chest leads, and a lead named twice', () => {
    expect(refusal(() => readableTwelveLead(subset(base, [1])))).toMatch(/needs leads I, II and V1-V6.*missing I,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6 — the record has 1 lead\(s\): II/);
    expect(refusal(() => readableTwelveLead(subset(base, [0, 1, 2, 3, 4, 5])))).toMatch(/missing V1,V2,V3,V4,V5,V6/);
    expect(refusal(() => readableTwelveLead(subset(base, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 6])))).toMatch(/lead V1 appears twice/);
    expect(() => matchLeads(['ECG1', 'ECG2'], 'x.hea')).toThrow(/x\.hea: .*missing I,II,III,aVR,aVL,aVF,V1.* the record has 2 lead\(s\): ECG1,ECG2/);
  });

  it('15 leads: the 12 standard ones are used and the others named in a warning', () => {
    const vx = { ...base, leads: [...base.leads, 'vx', 'vy', 'vz'], signals: [...base.signals, ...base.signals.slice(0, 3)],
      header: { ...base.header, signals: [...base.header.signals, ...base.header.signals.slice(0, 3)] } };
    const r = readableTwelveLead(vx);
    expect(r.record.leads).toEqual([...STANDARD_LEADS]);
    expect(r.warnings).toEqual(['ignored 3 non-standard lead(s): vx,vy,vz']);
  });
});

describe('duration and signal quality', () => {

  it('the minimum duration follows the layout: every lead visible for long enough', () => {
    expect(minimumSeconds({ layout: 'stacked' })).toBe(2.5);
    expect(minimumSeconds({ layout: '12lead', seconds: 10 })).toBe(9.5); // the V4-V6 column starts at 7.5 s
    expect(refusal(() => readableTwelveLead(cut(base, 0.1), { layout: 'stacked' }))).toMatch(/record is 0\.10 s long; .* needs at least 2\.5 s/);
    expect(refusal(() => readableTwelveLead(cut(base, 5), { layout: '12lead' }))).toMatch(/5\.0 s long; the model's 12lead rendering needs at least 9\.5 s/);
    const r = readableTwelveLead(cut(base, 5), { layout: 'stacked' });
    expect(r.warnings).toEqual(['record is 5.0 s long, shorter than the 10.0 s the model sees: the rest is drawn blank']);
  });

  it('refuses flat lines and saturated records, warns for one bad lead', () => {
    expect(refusal(() => readableTwelveLead(mapLeads(base, (x) => new Float32Array(x.length))))).toMatch(/12 of 12 leads cannot be read: I flat \(peak-to-peak 0\.0 µV\)/);
    // ×20 gain into a ±5 mV rail: every QRS clips
    const clipped = mapLeads(base, (x) => x.map((v) => Math.max(-5, Math.min(5, 20 * v))));
    expect(refusal(() => readableTwelveLead(clipped))).toMatch(/leads cannot be read: .*saturated \(\d+\.\d% of samples clipped at -5\.00\/5\.00 mV\)/);
    const oneFlat = mapLeads(base, (x, k) => (k === 8 ? new Float32Array(x.length).fill(0.3) : x));
    expect(readableTwelveLead(oneFlat).warnings).toEqual(['lead V3 flat (peak-to-peak 0.0 µV)']);
    const nan = mapLeads(base, (x, k) => (k === 0 ? Float32Array.from(x, (v, i) => (i === 7 ? NaN : v)) : x));
    expect(refusal(() => readableTwelveLead(nan))).toMatch(/lead I, sample 8 is NaN/);
  });

  it('real QRS peaks are not taken for clipping; a plateau at the extreme is', () => {
    for (let cls = 0; cls < 10; cls++) {
      for (const x of generateRecord(cls, 11).signals) expect(signalProblem(x)).toBeUndefined();
    }
    const x = Float32Array.from(base.signals[1]);
    const hi = Math.max(...x);
    for (let i = 0; i < 60; i++) x[1000 + i] = hi;
    expect(signalProblem(x)).toMatch(/saturated/);
  });

  it('header-level checks see lead names and duration without samples', () => {
    expect(headerProblem([...STANDARD_LEADS], 500, 5000, 'a.hea')).toBeUndefined();
    expect(headerProblem(['II'], 500, 5000, 'a.hea')).toMatch(/missing I,III,aVR,aVL,aVF,V1/);
    expect(headerProblem([...STANDARD_LEADS], 500, 50, 'a.hea')).toMatch(/0\.10 s long/);
  });
});

describe('datasets skip what a 12-lead model cannot read, with the reason', () => {
  it('scan lists a 1-lead and a 0.1 s record as bad; rendering lists a flat one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-q-'));
    writeRecord(dir, generateRecord(0, 1, { name: 'GOOD' }), 'GOOD');
    writeRecord(dir, subset(generateRecord(0, 2), [1]), 'ONELEAD');
    writeRecord(dir, cut(generateRecord(0, 3), 0.1), 'SHORT');
    writeRecord(dir, mapLeads(generateRecord(0, 4), (x) => new Float32Array(x.length)), 'FLAT');
    const scan = await scanRecords(dir, { workers: 0, progress: false });
    expect(scan.records.map((r) => r.name).sort()).toEqual(['FLAT', 'GOOD']);
    expect(scan.bad.map((b) => b.reason).sort()).toEqual([
      expect.stringMatching(/ONELEAD\.hea: a 12-lead model needs .* 1 lead\(s\): II/),
      expect.stringMatching(/SHORT\.hea: record is 0\.10 s long/),
    ]);
    const items = scan.records.map((r) => ({ path: r.path, label: 0, classes: [0] }));
    const batch = renderItems(items, { width: 32, height: 32, layout: 'stacked', channels: 1 });
    expect(batch.items.map((i) => i.path)).toEqual([join(dir, 'GOOD.hea')]);
    expect(batch.bad).toEqual([{ path: join(dir, 'FLAT.hea'), reason: expect.stringMatching(/FLAT\.hea: 12 of 12 leads cannot be read: I flat/) }]);
    writeFileSync(join(dir, 'unused'), '');
  });
});

const REAL = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
describe.skipIf(!existsSync(REAL))('the real records in ../shared/data', () => {
  it('are all read except the Chapman records with dead chest leads', () => {
    const refused: string[] = [];
    let read = 0;
    for (const db of ['real-ecg', 'ludb']) {
      const dir = join(REAL, db);
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.hea'))) {
        try {
          readableTwelveLead(readRecord(join(dir, f), { digital: false }), { layout: '12lead' });
          read++;
        } catch (e) {
          if (!(e instanceof UnreadableRecordError)) throw e;
          refused.push(`${f}: ${e.problem}`);
        }
      }
    }
    // The plausibility gate refuses three (docs/plausibility.md): two PTB-XL records whose header says 200/mV
    // with amplitudes 5× those of every other (the ADC gain of their siblings is 1000/mV) and one at 11.9 mV.
    const gate = refused.filter((r) => /amplitude check/.test(r));
    expect(gate.map((r) => r.split(':')[0]).sort()).toEqual(['HR00599.hea', 'HR20715.hea', 'JS23463.hea']);
    // Each other refused record really has ≥ 3 dead (0 µV) precordial leads: measured, not guessed.
    const dead = refused.filter((r) => !gate.includes(r));
    expect(dead.length).toBeLessThanOrEqual(5);
    for (const r of dead) expect(r).toMatch(/^JS\d+\.hea: \d+ of 12 leads cannot be read: (V\d flat \(peak-to-peak 0\.0 µV\)(; )?)+$/);
    // Every header record the folders' MANIFESTs list was either read or refused (the folders change: follow them).
    const listed = ['real-ecg', 'ludb'].filter((db) => existsSync(join(REAL, db, 'MANIFEST.tsv')))
      .flatMap((db) => {
        const [head, ...rows] = readFileSync(join(REAL, db, 'MANIFEST.tsv'), 'utf8').trim().split(/\r?\n/);
        const file = head.split('\t').indexOf('file');
        return rows.map((l) => l.split('\t')[file]);
      })
      .filter((f) => f.endsWith('.hea'));
    expect(read + refused.length).toBe(listed.length);
    expect(read).toBeGreaterThan(0.97 * listed.length);
  });
});
