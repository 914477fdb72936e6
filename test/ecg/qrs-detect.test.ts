/**
 * The QRS detector behind the rhythm plane, against ground truth: the synthetic generator's own beat
 * schedule (every class, premature beats included, at three sampling rates) and LUDB's cardiologist
 * R-peak annotations (lead II `.ii` files, skipped when ../shared is absent). A beat counts as found
 * within 100 ms (the detector marks a QRS's centre of energy, not its R peak: wide complexes differ).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareRecord } from '../../src/ecg/preprocess.js';
import { detectQrs } from '../../src/ecg/qrs-detect.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord, syntheticBeats } from '../../src/ecg/synthetic.js';
import { parseAnnotations } from '../../src/ecg/wfdb-annotations.js';

const TOLERANCE_S = 0.1;

/** Matches detections to true beats one to one; detections outside [lo, hi] are not judged. */
function score(truth: number[], found: number[], lo: number, hi: number): { hit: number; missed: number; extra: number } {
  const used = new Set<number>();
  let hit = 0;
  for (const t of truth) {
    const j = found.findIndex((d, k) => !used.has(k) && Math.abs(d - t) < TOLERANCE_S);
    if (j >= 0) { used.add(j); hit++; }
  }
  const extra = found.filter((d, k) => !used.has(k) && d > lo && d < hi).length;
  return { hit, missed: truth.length - hit, extra };
}

describe('detectQrs on synthetic records (truth: the generator schedule)', () => {
  for (const fs of [250, 500, 1000]) {
    it(`finds every beat of every class at ${fs} Hz, premature beats included, with no extra beats`, () => {
      let hit = 0, missed = 0, extra = 0, premature = 0, prematureHit = 0;
      for (let cls = 0; cls < 10; cls++) {
        for (let seed = 900; seed < 906; seed++) {
          const rec = prepareRecord(generateRecord(cls, seed, { fs }), { seconds: 10 });
          const found = detectQrs(rec.signals, rec.fs).map((i) => i / fs);
          // Beats cut by the record's edges are not judged (their QRS is partly outside the record).
          const beats = syntheticBeats(cls, seed, { fs }).filter((b) => b.t > 0.15 && b.t < 9.85);
          const s = score(beats.map((b) => b.t), found, 0.25, 9.75);
          hit += s.hit; missed += s.missed; extra += s.extra;
          for (const b of beats.filter((x) => x.kind !== 'sinus')) {
            premature++;
            if (found.some((d) => Math.abs(d - b.t) < TOLERANCE_S)) prematureHit++;
          }
        }
      }
      expect(premature).toBeGreaterThan(5);
      expect(prematureHit).toBe(premature);
      expect(missed).toBe(0);
      expect(extra / hit).toBeLessThan(0.005);
    });
  }

  it('finds nothing in a flat, an empty or a NaN-free constant record', () => {
    expect(detectQrs([], 500)).toEqual([]);
    expect(detectQrs([new Float32Array(5000)], 500)).toEqual([]);
    expect(detectQrs(Array.from({ length: 12 }, () => new Float32Array(5000).fill(0.3)), 500)).toEqual([]);
  });

  it('returns beats in time order, at least the refractory period apart', () => {
    const rec = prepareRecord(generateRecord(1, 3), { seconds: 10 }); // sinus tachycardia: shortest RR
    const found = detectQrs(rec.signals, rec.fs);
    for (let i = 1; i < found.length; i++) expect(found[i] - found[i - 1]).toBeGreaterThanOrEqual(0.25 * rec.fs);
  });
});

const LUDB = join(__dirname, '../../../shared/data/ludb');

describe.skipIf(!existsSync(LUDB))('detectQrs on LUDB (truth: the annotated R peaks of lead II)', () => {
  it('finds ≥ 99% of the annotated beats with ≥ 99% of its detections true, over all 141 records', () => {
    let hit = 0, missed = 0, extra = 0;
    for (const f of readdirSync(LUDB).filter((x) => x.endsWith('.hea'))) {
      const name = f.slice(0, -4);
      if (!existsSync(join(LUDB, `${name}.ii`))) continue;
      const rec = prepareRecord(readRecord(join(LUDB, f)), { seconds: 10 });
      const ann = parseAnnotations(new Uint8Array(readFileSync(join(LUDB, `${name}.ii`))), `${name}.ii`);
      const truth = ann.annotations.filter((a) => a.type === 1).map((a) => a.time / rec.fs); // N: the QRS peak
      if (truth.length === 0) continue;
      // LUDB leaves the first and last beats unannotated: judge detections between the annotated ones.
      const s = score(truth, detectQrs(rec.signals, rec.fs).map((i) => i / rec.fs), truth[0] - 0.15, truth.at(-1)! + 0.15);
      hit += s.hit; missed += s.missed; extra += s.extra;
    }
    expect(hit).toBeGreaterThan(1000);
    expect(hit / (hit + missed)).toBeGreaterThanOrEqual(0.99);
    expect(hit / (hit + extra)).toBeGreaterThanOrEqual(0.99);
  });
});
