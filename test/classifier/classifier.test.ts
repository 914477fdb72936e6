/**
 * The embeddable Classifier in Node: every source kind, the same logits as the training pipeline's
 * evaluation path, calibration and thresholds from the file, refusals and warnings, non-square inputs,
 * Grad-CAM, dispose; and `ecgpu predict` on top of it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-run.js';
import { gpu } from '../helpers/gpu.js';
import { createModel, type AlexNetConfig } from '../../src/models/alexnet.js';
import { loadModel, saveModel, type ModelMeta } from '../../src/models/model-file.js';
import { Classifier } from '../../src/classifier/classifier.js';
import { UnreadableRecordError } from '../../src/ecg/quality.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { readRecordFiles, recordFromArrays, recordFromBytes } from '../../src/ecg/read-bytes.js';
import { renderItems } from '../../src/ecg/dataset.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { CLASS_NAMES, type EcgRecord } from '../../src/ecg/types.js';
import { BatchImageSet } from '../../src/train/prepare.js';
import { predictLogits } from '../../src/train/trainer.js';
import { softmax } from '../../src/train/eval/index.js';

const config: AlexNetConfig = {
  architecture: 'alexnet-m-se', inputSize: 64, inChannels: 1, numClasses: 10, width: 0.125, fcWidth: 16, dropout: 0, seReduction: 4, seed: 5,
};
const render = { width: 64, height: 64, layout: 'stacked' as const, channels: 1 as const };
const norm = { mean: [0.93], std: [0.2] };
let bytes: Uint8Array;
let dir: string;
let heas: string[];

async function modelFile(meta: Partial<Omit<ModelMeta, 'config'>> = {}, cfg = config): Promise<Uint8Array> {
  const model = createModel(cfg);
  const out = await saveModel(model, {
    classNames: [...CLASS_NAMES], input: { render, ...norm }, calibration: { temperature: 2, thresholds: [] }, ...meta,
  });
  model.dispose();
  return out;
}

beforeAll(async () => {
  await gpu();
  bytes = await modelFile();
  dir = mkdtempSync(join(tmpdir(), 'ecgpu-clf-'));
  writeFileSync(join(dir, 'model.ecgpu'), bytes);
  heas = [0, 3, 4, 9].map((cls) => writeRecord(dir, generateRecord(cls, 40 + cls, { name: `S${cls}` }), `S${cls}`));
});

describe('Classifier', () => {
  it('gives the logits the training pipeline evaluates with, calibrated by the temperature', async () => {
    const clf = await Classifier.load(bytes);
    const batch = new BatchImageSet(renderItems(heas.map((path) => ({ path, label: 0, classes: [0] })), render));
    const { model: same } = loadModel(bytes);
    const want = await predictLogits(same, batch, norm);
    for (const [i, hea] of heas.entries()) {
      const r = await clf.classify(readRecord(hea, { digital: false }));
      const ref = want.subarray(i * 10, (i + 1) * 10);
      r.logits.forEach((v, c) => expect(Math.abs(v - ref[c])).toBeLessThan(1e-5));
      const p = softmax(r.logits, 10, 2);
      r.probabilities.forEach((v, c) => expect(v).toBeCloseTo(p[c], 12));
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const top = r.top(3);
      expect(top).toHaveLength(3);
      expect(top[0].probability).toBeGreaterThanOrEqual(top[1].probability);
      expect(top[0]).toEqual({ index: r.decision.index, name: CLASS_NAMES[r.decision.index], probability: r.probabilities[r.decision.index] });
      expect(r.decision.thresholded).toBe(false);
      expect(r.warnings).toEqual([]);
    }
    same.dispose();
    clf.dispose();
  });

  it('applies the per-class thresholds of the file', async () => {
    const thresholds = CLASS_NAMES.map((_, c) => (c === 6 ? 1e-6 : 1));
    const clf = await Classifier.load(await modelFile({ calibration: { temperature: 1, thresholds } }));
    const r = await clf.classify(generateRecord(0, 1));
    expect(r.decision).toMatchObject({ index: 6, name: 'RVH', thresholded: true });
    clf.dispose();
  });

  it('loads from a path, a file: URL, an http URL, an ArrayBuffer and a Blob, all alike', async () => {
    const server = createServer((req, res) => (req.url === '/m.ecgpu' ? res.end(Buffer.from(bytes)) : res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rec = generateRecord(2, 5);
    const logits: Float32Array[] = [];
    try {
      for (const src of [join(dir, 'model.ecgpu'), pathToFileURL(join(dir, 'model.ecgpu')), `${url}/m.ecgpu`, bytes.slice().buffer, new Blob([bytes.slice()])]) {
        const clf = await Classifier.load(src);
        logits.push((await clf.classify(rec)).logits);
        clf.dispose();
      }
      await expect(Classifier.load(`${url}/nope.ecgpu`)).rejects.toThrow(`${url}/nope.ecgpu: could not be fetched (HTTP 404 Not Found)`);
    } finally {
      server.close();
    }
    for (const l of logits) expect(Array.from(l)).toEqual(Array.from(logits[0]));
  });

  it('the same record in another lead order gets the same answer; unreadable ones are refused', async () => {
    const clf = await Classifier.load(bytes);
    const rec = generateRecord(4, 8);
    const order = [6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5];
    const shuffled: EcgRecord = { ...rec, leads: order.map((i) => rec.leads[i]), signals: order.map((i) => rec.signals[i]) };
    const [a, b] = [await clf.classify(rec), await clf.classify(shuffled)];
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    const arrays = recordFromArrays({ leads: shuffled.leads, fs: 500, signals: shuffled.signals.map((s) => Array.from(s)), name: 'mine' });
    expect(Array.from((await clf.classify(arrays)).logits)).toEqual(Array.from(a.logits));
    const one: EcgRecord = { ...rec, leads: ['II'], signals: [rec.signals[1]] };
    await expect(clf.classify(one)).rejects.toBeInstanceOf(UnreadableRecordError);
    await expect(clf.classify(one)).rejects.toThrow(/synthetic:4:8: a 12-lead model needs leads I, II and V1-V6/);
    const short: EcgRecord = { ...rec, signals: rec.signals.map((s) => s.slice(0, 50)) };
    await expect(clf.classify(short)).rejects.toThrow(/record is 0\.10 s long/);
    const flat: EcgRecord = { ...rec, signals: rec.signals.map((s) => new Float32Array(s.length)) };
    await expect(clf.classify(flat)).rejects.toThrow(/12 of 12 leads cannot be read/);
    const eight: EcgRecord = { ...rec, leads: rec.leads.filter((_, i) => i < 2 || i > 5), signals: rec.signals.filter((_, i) => i < 2 || i > 5) };
    expect((await clf.classify(eight)).warnings).toEqual(['lead(s) III,aVR,aVL,aVF not in the record: derived from I and II']);
    clf.dispose();
    await expect(clf.classify(rec)).rejects.toThrow(/disposed/);
  });

  it('reads the input geometry from the file: a non-square model runs, with its Grad-CAM picture', async () => {
    const wide = { width: 96, height: 64, layout: 'stacked', channels: 1 };
    await expect(Classifier.load(await modelFile({ input: { render: wide, ...norm } }))).rejects.toThrow(
      'model bytes: its render options draw 1×64×96 images but the network takes 1×64×64');
    const clf = await Classifier.load(await modelFile({ input: { render: wide, ...norm } }, { ...config, inputHeight: 64, inputWidth: 96 }));
    expect(clf.inputShape).toEqual([1, 64, 96]);
    const r = await clf.classify(generateRecord(7, 2));
    expect(r.logits).toHaveLength(10);
    const s = await r.saliency({ size: 300 });
    expect([s.width, s.height]).toEqual([300, 300]);
    expect(s.rgba).toHaveLength(300 * 300 * 4);
    expect(s.cls).toBe(r.decision.index);
    expect(Math.max(...s.map.map)).toBeLessThanOrEqual(1);
    clf.dispose();
  });

  it('a lead-channels model (one plane per lead, wide) gets its 12 planes, in I…V6 order whatever the file order', async () => {
    const planes = { width: 128, height: 64, layout: 'lead-channels', leadSpanMv: 5 };
    const cfg = { ...config, inChannels: 12, inputHeight: 64, inputWidth: 128 };
    const clf = await Classifier.load(await modelFile({ input: { render: planes, mean: Array(12).fill(0.95), std: Array(12).fill(0.2) } }, cfg));
    expect(clf.inputShape).toEqual([12, 64, 128]);
    const rec = generateRecord(3, 4);
    const order = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const reversed: EcgRecord = { ...rec, leads: order.map((i) => rec.leads[i]), signals: order.map((i) => rec.signals[i]) };
    const [a, b] = [await clf.classify(rec), await clf.classify(reversed)];
    expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
    const s = await a.saliency({ size: 256 });
    expect([s.width, s.height]).toEqual([320, 256]); // a stacked picture, evidence over time (saliencyPicture)
    clf.dispose();
  });

  it('a model with the rhythm plane gets 13 planes, and says so when the record gives it no rhythm to draw', async () => {
    const planes = { width: 128, height: 64, layout: 'lead-channels', leadSpanMv: 5, rhythmPlane: true };
    const cfg = { ...config, inChannels: 13, inputHeight: 64, inputWidth: 128 };
    const clf = await Classifier.load(await modelFile({ input: { render: planes, mean: Array(13).fill(0.95), std: Array(13).fill(0.2) } }, cfg));
    expect(clf.inputShape).toEqual([13, 64, 128]);
    const regular = await clf.classify(generateRecord(0, 4));
    expect(regular.warnings.filter((w) => w.includes('rhythm plane'))).toEqual([]);
    // Two QRS complexes in 10 s (a pause, or a recording that lost its beats): no RR intervals to draw.
    const rec = generateRecord(0, 4), fs = rec.fs;
    // Between them a small wobble that obeys Einthoven's and Goldberger's identities, as any real limb leads do
    // (the plausibility gate refuses limb leads that contradict each other).
    const wobbleI = (i: number) => 0.02 * Math.sin(i / 7), wobbleII = (i: number) => 0.02 * Math.sin(i / 5);
    const wobble = [wobbleI, wobbleII, (i: number) => wobbleII(i) - wobbleI(i), (i: number) => -(wobbleI(i) + wobbleII(i)) / 2,
      (i: number) => wobbleI(i) - wobbleII(i) / 2, (i: number) => wobbleII(i) - wobbleI(i) / 2, ...Array(6).fill(wobbleI)];
    const two = rec.signals.map((sig, k) => sig.map((v, i) => (Math.abs(i / fs - 3) < 0.4 || Math.abs(i / fs - 7) < 0.4 ? v : wobble[k](i))));
    const sparse = await clf.classify({ ...rec, digital: undefined, signals: two });
    expect(sparse.warnings.some((w) => /QRS complex.*rhythm plane .*blank/.test(w))).toBe(true);
    clf.dispose();
  });

  it('reads browser Files as Files, even with the bytes() method current browsers give every Blob', async () => {
    const file = (n: string) => {
      const f = new File([readFileSync(join(dir, n))], n);
      // Chromium 132+, Firefox 128+, Safari 18+: Blob.prototype.bytes(). A name-based test took this File for read bytes.
      const blob: Blob = f;
      if (!('bytes' in blob)) Object.defineProperty(f, 'bytes', { value: async () => new Uint8Array(await f.arrayBuffer()) });
      return f;
    };
    const fromFiles = await readRecordFiles([file('S3.hea'), file('S3.mat')], { digital: false });
    const fromPath = readRecord(join(dir, 'S3.hea'), { digital: false });
    fromFiles.signals.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(fromPath.signals[i])));
    const named = await readRecordFiles([{ name: 'S3.hea', bytes: new Uint8Array(readFileSync(join(dir, 'S3.hea'))) }, file('S3.mat')], { digital: false });
    expect(Array.from(named.signals[5])).toEqual(Array.from(fromPath.signals[5]));
  });

  it('reads records from bytes as from paths (WFDB pair, Chapman CSV) with clear errors', () => {
    const f = (n: string) => ({ name: n, bytes: new Uint8Array(readFileSync(join(dir, n))) });
    const fromBytes = recordFromBytes([f('S3.hea'), f('S3.mat')], { digital: false });
    const fromPath = readRecord(join(dir, 'S3.hea'), { digital: false });
    expect(fromBytes.leads).toEqual(fromPath.leads);
    fromBytes.signals.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(fromPath.signals[i])));
    expect(() => recordFromBytes([f('S3.hea')])).toThrow('S3.mat: file not found (signal file named in S3.hea)');
    expect(() => recordFromBytes([f('S3.mat')])).toThrow('S3.hea: file not found (the header of S3.mat: a signal file alone cannot be read)');
    expect(() => recordFromBytes([{ name: 'x.png', bytes: new Uint8Array(8) }])).toThrow('x.png: unknown record file type (expected .hea, .mat, .dat or .csv)');
    expect(() => recordFromBytes([f('S3.hea'), f('S4.hea'), f('S3.mat')])).toThrow('2 WFDB headers given');
    const csv = ['I,II,III,aVR,aVL,aVF,V1,V2,V3,V4,V5,V6', ...Array.from({ length: 2000 }, (_, t) => fromPath.signals.map((s) => Math.round(1000 * s[t])).join(','))].join('\n');
    const r = recordFromBytes([{ name: 'c.csv', bytes: new TextEncoder().encode(csv) }]);
    expect(r.leads).toHaveLength(12);
    expect(r.signals[0].length).toBe(2000);
  });
});

describe('ecgpu predict on the Classifier', () => {
  // The CLI in this process; its output without the final newline.
  const run = async (...argv: string[]) => {
    const r = await runCli(...argv);
    return { ...r, out: r.out.trimEnd(), err: r.err.trimEnd() };
  };

  it('prints calibrated probabilities, the decision and writes the saliency PNG', async () => {
    const png = join(dir, 's.png');
    const r = await run('predict', heas[1], '--model', join(dir, 'model.ecgpu'), '--saliency', png, '--top', '2');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/S3\.hea: 12 leads, 500 Hz, 10\.0 s/);
    expect(r.out).toMatch(/calibrated probabilities \(temperature 2\.000\):\n( +\d+ .+ +\d+\.\d%\n){2}decision: /);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('uses the bundled models/default.ecgpu when --model is not given', async () => {
    const r = await run('predict', heas[0], '--saliency', join(dir, 'd.png'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\(model \S*models[/\\]default\.ecgpu\)/);
  });

  it('refuses a 1-lead record and a broken model in one line with distinct exit codes', async () => {
    const one = generateRecord(0, 3);
    const hea = writeRecord(dir, { ...one, leads: ['II'], signals: [one.signals[1]], digital: undefined, header: { ...one.header, nSignals: 1, signals: [one.header.signals[1]] } }, 'ONE');
    const a = await run('predict', hea, '--model', join(dir, 'model.ecgpu'), '--saliency', join(dir, 'x.png'));
    expect(a.code).toBe(5); // src/cli/exit-codes.ts: an ECG record refused
    expect(a.err).toMatch(/^ecgpu predict: .*ONE\.hea: a 12-lead model needs leads I, II and V1-V6 .* 1 lead\(s\): II$/);
    writeFileSync(join(dir, 'broken.ecgpu'), bytes.subarray(0, 100));
    const b = await run('predict', heas[0], '--model', join(dir, 'broken.ecgpu'));
    expect(b.code).toBe(4);
    expect(b.err).toBe(`ecgpu predict: model file ${join(dir, 'broken.ecgpu')}: truncated header (${new DataView(bytes.buffer).getUint32(8, true)} bytes announced, 88 present)`);
  });
});

