/**
 * The bundled model's multi-label findings through the embeddable Classifier and batch scoring: the
 * measured heart rate against the generator's own rate, findings = the classes at or above their
 * thresholds, probabilities = the blend the model file describes (inference/findings.ts), and a CSV row
 * that carries the same findings.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../../src/classifier/classifier.js';
import { criteriaScores, VOLTAGE_CLASSES } from '../../src/ecg/criteria.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord, syntheticBeats } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { softmax } from '../../src/inference/probabilities.js';
import { runCli } from '../helpers/cli-run.js';

let clf: Classifier;
beforeAll(async () => {
  clf = await Classifier.load(join(import.meta.dirname, '..', '..', 'models', 'default.ecgpu'));
});
afterAll(() => clf?.dispose());

describe('the bundled model: multi-label findings', () => {
  it('describes its findings; a bradycardia record gets its measured rate and the finding', async () => {
    const spec = clf.meta.findings!;
    expect(spec).toBeDefined();
    expect(spec.thresholds).toHaveLength(10);
    const rec = generateRecord(2, 42);
    const beats = syntheticBeats(2, 42).map((b) => b.t);
    const rr = beats.slice(1).map((t, i) => t - beats[i]).sort((a, b) => a - b);
    const generatorBpm = 60 / rr[rr.length >> 1];
    const r = await clf.classify(rec);
    expect(r.multiLabel).toBe(true);
    expect(r.heartRate!.bpm).toBeGreaterThan(generatorBpm * 0.97);
    expect(r.heartRate!.bpm).toBeLessThan(generatorBpm * 1.03);
    expect(r.heartRate!.bpm).toBeLessThan(60);
    expect(r.findings.map((f) => f.name)).toContain('sinus bradycardia');
  });

  it('probabilities are the blend the file describes; findings are the classes at or above their thresholds', async () => {
    const spec = clf.meta.findings!;
    for (const [cls, seed] of [[0, 3], [4, 5], [8, 7]]) {
      const r = await clf.classify(generateRecord(cls, seed));
      const crit = criteriaScores(r.measurements.features);
      const net = softmax(r.logits, 10, r.temperature);
      for (let c = 0; c < 10; c++) {
        const want = spec.criteriaClasses?.includes(c) ? crit[c] : spec.criteriaWeight * crit[c] + (1 - spec.criteriaWeight) * net[c];
        expect(r.probabilities[c]).toBeCloseTo(want, 6);
      }
      const above = [...r.probabilities.keys()].filter((c) => r.probabilities[c] >= spec.thresholds[c]);
      expect(r.findings.map((f) => f.index).sort()).toEqual(above.sort());
      for (let i = 1; i < r.findings.length; i++) expect(r.findings[i - 1].probability).toBeGreaterThanOrEqual(r.findings[i].probability);
    }
  });

  it('batch scoring writes the same findings and heart rate as classify()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-findings-'));
    const rec = generateRecord(1, 11, { name: 'TACHY' });
    writeRecord(dir, rec, 'TACHY');
    const out = join(dir, 'r.jsonl');
    const run = await runCli('predict', dir, '--out', out);
    expect(run.code, run.err).toBe(0);
    const row = JSON.parse(readFileSync(out, 'utf8').trim().split('\n')[0]);
    const r = await clf.classify(rec);
    expect(row.findings).toEqual(r.findings.map((f) => f.name));
    expect(row.heart_rate_bpm).toBeCloseTo(r.heartRate!.bpm, 3);
    expect(row['sinus tachycardia']).toBeCloseTo(r.probabilities[1], 6);
  });
});

const ludb = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'ludb');
describe.skipIf(!existsSync(ludb))('a record whose leads are normalised per lead (LUDB 1.0.1)', () => {
  it('reports no voltage finding and says why; a record with real amplitudes keeps them', async () => {
    // LUDB 1: sinus bradycardia, LVH by its cardiologists; every lead spans exactly 1 mV as read
    const r = await clf.classify(readRecord(join(ludb, '1.hea')));
    expect(r.findings.map((f) => f.name).filter((n) => VOLTAGE_CLASSES.includes(n))).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/findings: LVH, RVH, ST elevation, ST depression not reported: .*normalised per lead/);
    expect(r.findings.map((f) => f.name)).toContain('sinus bradycardia');
    // LUDB 103's gains happen to keep Einthoven's law: found normalised all the same
    const r103 = await clf.classify(readRecord(join(ludb, '103.hea')));
    expect(r103.warnings.join('\n')).toMatch(/findings: LVH, RVH, ST elevation, ST depression not reported/);
    const cpsc = await clf.classify(readRecord(join(ludb, '..', 'real-ecg', 'A0001.hea')));
    expect(cpsc.warnings.join('\n')).not.toMatch(/not reported/);
  });
});
