/**
 * The Adapt page's folder step (web/demo/adapt-run.ts prepareFolder) in Node, on written synthetic
 * records: the counts the page lists, refusals in the classifier's words, the seeded stratified split,
 * a large folder sampled down to the cap with a line saying so, and too few records refused in one line;
 * then the default adaptation (the findings: a head learned on the folder) through to a model file that
 * Classifier.load answers with as the page said, and its Stop.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { folderFilesOnDisk as folderFiles } from '../../src/ecg/disk-folder.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { checkModelFile } from '../../src/models/model-file.js';
import { modelInput } from '../../src/classifier/model-input.js';
import { readRecord } from '../../src/ecg/read-record.js';
import type { EcgInputError } from '../../src/ecg/types.js';
import { adaptModel, MIN_RECORDS, prepareFolder } from '../../web/demo/adapt-run.js';
import { init } from '../../src/engine/engine.js';
import { Classifier } from '../../src/classifier/classifier.js';
import { compareValidation } from '../../src/train/finetune/compare.js';

const { meta } = checkModelFile(new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'default.ecgpu'))));


/** `n` synthetic records of `classes` in turn, one flat-lined record and one unlabelled header. */
function folder(n: number, classes = [0, 4, 7, 9]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'ecgpu-adapt-run-')), 'site');
  for (let i = 0; i < n; i++) writeRecord(dir, generateRecord(classes[i % classes.length], 500 + i), `R${String(i).padStart(3, '0')}`);
  const flat = generateRecord(4, 999);
  writeRecord(dir, { ...flat, digital: undefined, signals: flat.signals.map((s) => new Float32Array(s.length)) }, 'FLAT');
  const unlabelled = writeRecord(dir, generateRecord(0, 998), 'NOLABEL');
  writeFileSync(unlabelled, readFileSync(unlabelled, 'utf8').replace(/^#\s*Dx:.*$/m, '#Dx: 164889003'));
  return dir;
}

describe('the Adapt page\'s folder step', () => {
  const dir = folder(24);

  it('lists what it read, refuses in the classifier\'s words what the model cannot read, and splits by primary class', async () => {
    const statuses: string[] = [];
    const { summary: s, split } = await prepareFolder(folderFiles(dir), meta, 1, (t) => statuses.push(t));
    expect(statuses[0]).toBe('reading the headers of 52 files…');
    expect(s).toMatchObject({ files: 52, records: 26, labelled: 25, usable: 24, seed: 1, notes: [] });
    let why = '';
    try { modelInput(readRecord(join(dir, 'FLAT.hea'), { digital: false }), meta); } catch (e) { why = (e as EcgInputError).problem; }
    expect(why).not.toBe('');
    expect(s.refused).toEqual([{ path: 'site/FLAT.hea', reason: `site/FLAT.hea: ${why}` }]);
    expect(s.classCounts).toEqual([24, 0, 0, 0, 6, 0, 0, 6, 0, 6]); // the generator's records of 4, 7 and 9 are in sinus rhythm too
    expect(s.valPositives).toEqual([8, 0, 0, 0, 2, 0, 0, 2, 0, 2]); // round(0.3 · 6) = 2 of each of the 4 primary classes, all in sinus rhythm
    expect([s.train, s.val]).toEqual([16, 8]);
    expect(split!.val.map((e) => e.name)).toEqual(s.valRecords);
    expect(s.problem).toBeUndefined();
  });

  it('samples a folder larger than the cap down to it, seeded, and says so', async () => {
    const a = await prepareFolder(folderFiles(dir), meta, 1, undefined, 20);
    const b = await prepareFolder(folderFiles(dir), meta, 1, undefined, 20);
    expect(a.summary.labelled).toBe(25);
    expect(a.summary.usable + a.summary.refused.length).toBe(20);
    expect(a.summary.notes).toEqual(['5 of the 25 labelled records left out: the page holds at most 20 (a seeded sample; each takes 0.85 MB as the model\'s input)']);
    expect(b.summary).toEqual(a.summary);
  });

  it(`refuses fewer than ${MIN_RECORDS} usable records in one line`, async () => {
    const { summary: s, split } = await prepareFolder(folderFiles(folder(8)), meta, 1);
    expect(s.problem).toBe(`Too few labelled records to fine-tune: 8 usable of 10 read (9 labelled with one of the 10 classes); at least ${MIN_RECORDS} are needed.`);
    expect(split).toBeUndefined();
  });
});

describe('adapting the findings (the page\'s default)', () => {
  // RBBB and ectopy in turn (the generator's are in sinus rhythm too): 28 training records, 14 of each.
  const dir = folder(40, [4, 9]);
  const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'default.ecgpu')));

  it('no class with 10 positives and 10 negatives to learn from: one line, nothing trained', async () => {
    await init();
    const { split } = await prepareFolder(folderFiles(folder(24)), meta, 1);
    await expect(adaptModel(bytes, split!, { what: 'findings' })).rejects.toThrow(/^Adapting the findings needs a class with at least 10 positives and 10 negatives among the 16 training records, and none has: adapt the image network instead, or add records\.$/);
  });

  it('learns a head on the training part for the classes it saw enough of, the network unchanged; the file answers as the comparison says; Stop keeps what was learnt', async () => {
    await init();
    const { split } = await prepareFolder(folderFiles(dir), meta, 1);
    expect(split!.train.length).toBe(28);
    const epochs: number[] = [];
    const r = await adaptModel(bytes, split!, { what: 'findings', onHeadEpoch: (e) => { epochs.push(e.valLoss); } });
    expect(r.stopped).toBe(false);
    expect(epochs.length).toBe(5 * 150); // every epoch of every member reported
    expect(epochs.every(Number.isFinite)).toBe(true);
    expect(Array.from(r.logitsAfter)).toEqual(Array.from(r.logitsBefore)); // the network is not touched
    expect(r.headClasses).toEqual([4, 9]); // sinus rhythm: 28 positives, no negative
    const path = join(mkdtempSync(join(tmpdir(), 'ecgpu-adapted-')), 'adapted.ecgpu');
    writeFileSync(path, r.file);
    const adapted = await Classifier.load(path);
    const bundled = await Classifier.load(join(import.meta.dirname, '..', '..', 'models', 'default.ecgpu'));
    try {
      expect(adapted.meta.findings!.head!.members).toBe(5);
      expect(adapted.meta.findings!.criteriaWeight).toBe(0.5);
      expect(adapted.meta.findings!.thresholds).toEqual(r.thresholdsAfter);
      expect(adapted.meta.info?.adapted).toMatchObject({ trainRecords: split!.train.length, validationRecords: split!.val.length, stopped: false });
      // what the comparison reports is what the two files answer on the validation records
      const val = split!.val.map((e) => join(dirname(dir), e.name));
      const probs = async (clf: Classifier) => {
        const out = new Float64Array(val.length * 10);
        for (const [i, p] of val.entries()) out.set((await clf.classify(readRecord(p, { digital: false }))).probabilities, i * 10);
        return out;
      };
      const [pb, pa] = [await probs(bundled), await probs(adapted)];
      const inNode = compareValidation(split!.val, pb, pa, meta.classNames);
      // the classes the head does not answer keep the bundled answer; the two it answers change
      for (let c = 0; c < 10; c++) {
        const diff = Math.max(...val.map((_, i) => Math.abs(pa[i * 10 + c] - pb[i * 10 + c])));
        if ([4, 9].includes(c)) expect(diff, `class ${c}`).toBeGreaterThan(1e-4);
        else expect(diff, `class ${c}`).toBeLessThan(1e-9);
      }
      for (const c of r.comparison.macroClasses) {
        expect(inNode.perClass[c].before).toBeCloseTo(r.comparison.perClass[c].before, 6);
        expect(inNode.perClass[c].after).toBeCloseTo(r.comparison.perClass[c].after, 6);
      }
    } finally {
      adapted.dispose();
      bundled.dispose();
    }
    // Stop after the first epoch: one member, its best (only) epoch, still a loadable model.
    const stopped = await adaptModel(bytes, split!, { what: 'findings', onHeadEpoch: () => 'stop' });
    expect(stopped.stopped).toBe(true);
    const path2 = join(dirname(path), 'stopped.ecgpu');
    writeFileSync(path2, stopped.file);
    const one = await Classifier.load(path2);
    try {
      expect(one.meta.findings!.head!.members).toBe(1);
    } finally {
      one.dispose();
    }
  }, 600_000);
});
