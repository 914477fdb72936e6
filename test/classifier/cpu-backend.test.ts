/**
 * The Classifier's CPU backend (models/cpu-forward.ts) against its WebGPU backend: the same logits,
 * probabilities, decisions and Grad-CAM maps on the bundled samples, on an AlexNet (LRN, conv biases)
 * and on real records from ../shared (skipped when absent); `ecgpu predict --backend`.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-run.js';
import { gpu } from '../helpers/gpu.js';
import { engine } from '../../src/engine/engine.js';
import { createModel, type AlexNetConfig } from '../../src/models/alexnet.js';
import { saveModel } from '../../src/models/model-file.js';
import { Classifier } from '../../src/classifier/classifier.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { CLASS_NAMES, type EcgRecord } from '../../src/ecg/types.js';

const root = join(import.meta.dirname, '..', '..');
const DEFAULT_MODEL = join(root, 'models', 'default.ecgpu');
const REAL = join(root, '..', 'shared', 'data', 'real-ecg');
const samples = Array.from({ length: 10 }, (_, i) => join(root, 'web', 'demo', 'samples', `sample-${i}.hea`));

/**
 * Tolerances, CPU (float64 sums over float32 weights) against WebGPU (float32 throughout). Measured on
 * the bundled samples with the default model: max |Δlogit| 6.7e-6, max |Δp| 5.4e-8, Grad-CAM 5.4e-7.
 */
const LOGIT_TOL = 1e-4, PROB_TOL = 1e-5, CAM_TOL = 1e-3;

interface Diff { logit: number; prob: number; decisions: number; n: number; largest: number }

async function compare(cpu: Classifier, webgpu: Classifier, records: EcgRecord[]): Promise<Diff> {
  const d: Diff = { logit: 0, prob: 0, decisions: 0, n: records.length, largest: 0 };
  for (const rec of records) {
    const [a, b] = [await cpu.classify(rec), await webgpu.classify(rec)];
    expect([a.backend, b.backend]).toEqual(['cpu', 'webgpu']);
    a.logits.forEach((v, c) => { d.logit = Math.max(d.logit, Math.abs(v - b.logits[c])); d.largest = Math.max(d.largest, Math.abs(b.logits[c])); });
    a.probabilities.forEach((p, c) => { d.prob = Math.max(d.prob, Math.abs(p - b.probabilities[c])); });
    if (a.decision.index === b.decision.index) d.decisions++;
  }
  return d;
}

// First in the file, before anything starts WebGPU in this process.
describe('the CPU backend on its own', () => {
  it('classifies and draws Grad-CAM without ever starting WebGPU', async () => {
    const clf = await Classifier.load(DEFAULT_MODEL, { backend: 'cpu' });
    const r = await clf.classify(readRecord(samples[1], { digital: false }));
    expect(r.decision.name).toBe('sinus tachycardia');
    expect((await r.saliency({ size: 100 })).width).toBeGreaterThan(0);
    expect(() => engine()).toThrow('call `await init()` before using tensors');
    clf.dispose();
    await expect(clf.classify(readRecord(samples[1]))).rejects.toThrow('disposed');
  });
});

describe('the CPU backend', () => {
  let cpu: Classifier;
  let webgpu: Classifier;
  beforeAll(async () => {
    await gpu();
    cpu = await Classifier.load(DEFAULT_MODEL, { backend: 'cpu' });
    webgpu = await Classifier.load(DEFAULT_MODEL, { backend: 'webgpu' });
  });

  it('says which backend runs; auto takes WebGPU when there is an adapter', async () => {
    expect(cpu.backend).toBe('cpu');
    expect(cpu.adapter).toBeUndefined();
    expect(webgpu.backend).toBe('webgpu');
    expect(webgpu.adapter).toBeDefined();
    const auto = await Classifier.load(DEFAULT_MODEL);
    expect(auto.backend).toBe('webgpu');
    auto.dispose();
    await expect(Classifier.load(DEFAULT_MODEL, { backend: 'gpu' as 'webgpu' })).rejects.toThrow('backend must be one of auto, webgpu, cpu, got "gpu"');
  });

  it('gives the WebGPU answers on every bundled sample, Grad-CAM included', async () => {
    const d = await compare(cpu, webgpu, samples.map((p) => readRecord(p, { digital: false })));
    console.log(`CPU vs WebGPU, default model, ${d.n} bundled samples: max |Δlogit| ${d.logit.toExponential(2)}, max |Δp| ${d.prob.toExponential(2)}`);
    expect(d.logit).toBeLessThanOrEqual(LOGIT_TOL);
    expect(d.prob).toBeLessThanOrEqual(PROB_TOL);
    expect(d.decisions).toBe(d.n);
    const rec = readRecord(samples[4], { digital: false });
    const [a, b] = [await cpu.classify(rec), await webgpu.classify(rec)];
    for (const cls of [a.decision.index, 0]) {
      const [sa, sb] = [await a.saliency({ cls, size: 200 }), await b.saliency({ cls, size: 200 })];
      expect([sa.map.h, sa.map.w, sa.cls]).toEqual([sb.map.h, sb.map.w, cls]);
      let worst = 0;
      sa.map.map.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - sb.map.map[j])); });
      expect(worst, `Grad-CAM for class ${cls}`).toBeLessThanOrEqual(CAM_TOL);
      // The decision has evidence somewhere (the map is scaled to 1); another class's map may be all zero.
      if (cls === a.decision.index) expect(Math.max(...sa.map.map)).toBe(1);
    }
  });

  it('matches WebGPU on an AlexNet (LRN, biased convolutions, no SE)', async () => {
    const config: AlexNetConfig = {
      architecture: 'alexnet', inputSize: 64, inputHeight: 64, inputWidth: 256, inChannels: 13, numClasses: 10, width: 0.125, fcWidth: 32, dropout: 0.5, seReduction: 8, seed: 3,
    };
    const render = { width: 256, height: 64, layout: 'lead-channels', channels: 13, leadSpanMv: 4, rhythmPlane: true };
    const model = createModel(config);
    // A tiny std blows the input up, so that activations reach the range where LRN's divisor departs from
    // its constant k (a random network's small activations would pass through LRN almost unchanged).
    const bytes = await saveModel(model, {
      classNames: [...CLASS_NAMES], input: { render, mean: Array(13).fill(0.5), std: Array(13).fill(0.0005) }, calibration: { temperature: 1.5, thresholds: [] },
    });
    model.dispose();
    const [a, b] = [await Classifier.load(bytes, { backend: 'cpu' }), await Classifier.load(bytes, { backend: 'webgpu' })];
    const d = await compare(a, b, [0, 3, 7, 9].map((cls) => generateRecord(cls, 70 + cls)));
    console.log(`CPU vs WebGPU, random AlexNet, ${d.n} records: max |Δlogit| ${d.logit.toExponential(2)} for logits up to ${d.largest.toFixed(2)}`);
    expect(d.largest).toBeGreaterThan(0.1);
    expect(d.logit).toBeLessThanOrEqual(LOGIT_TOL * d.largest);
    expect(d.decisions).toBe(d.n);
    a.dispose();
    b.dispose();
  });

  it.skipIf(!existsSync(REAL))('gives the WebGPU answers on real records (CPSC, Chapman CSV)', async () => {
    const names = readdirSync(REAL);
    const pick = [...names.filter((n) => /^A\d+\.hea$/.test(n)).sort().slice(0, 4), ...names.filter((n) => /^(JS|HR)\d+\.hea$/.test(n)).sort().slice(0, 2), ...names.filter((n) => n.endsWith('.csv')).slice(0, 1)];
    const records = pick.map((n) => readRecord(join(REAL, n), { digital: false }));
    const d = await compare(cpu, webgpu, records);
    console.log(`CPU vs WebGPU, default model, real records ${pick.join(' ')}: max |Δlogit| ${d.logit.toExponential(2)}, max |Δp| ${d.prob.toExponential(2)}`);
    expect(d.logit).toBeLessThanOrEqual(LOGIT_TOL);
    expect(d.prob).toBeLessThanOrEqual(PROB_TOL);
    expect(d.decisions).toBe(d.n);
  });

  it('times a classification (reported, not asserted)', async () => {
    const rec = readRecord(samples[2], { digital: false });
    await cpu.classify(rec);
    const ms: number[] = [];
    for (let i = 0; i < 3; i++) ms.push((await cpu.classify(rec)).milliseconds);
    console.log(`CPU classify() of a bundled sample (render + forward), warm: ${ms.map((m) => m.toFixed(0)).join(', ')} ms`);
    expect(ms.every((m) => m > 0)).toBe(true);
  });
});

describe('ecgpu predict --backend', () => {
  // The CLI in this process; its output without the final newline.
  const run = async (...argv: string[]) => {
    const r = await runCli(...argv);
    return { ...r, out: r.out.trimEnd(), err: r.err.trimEnd() };
  };

  it('runs on the CPU with --backend cpu, saliency PNG included, and refuses an unknown backend in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-cpu-'));
    const png = join(dir, 's.png');
    const r = await run('predict', samples[7], '--backend', 'cpu', '--saliency', png);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/inference: \d+ ms on the CPU \(plain TypeScript\)/);
    expect(r.out).toMatch(/:\n\s+7 ST elevation\s+\d/); // the most probable class, single- or multi-label model
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    const bad = await run('predict', samples[7], '--backend', 'gpu', '--saliency', png);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("ecgpu predict: --backend must be one of auto, webgpu, cpu, got 'gpu'");
  });
});
