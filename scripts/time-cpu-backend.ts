/**
 * How long the Classifier's CPU backend takes (npx tsx scripts/time-cpu-backend.ts): the default model on
 * the ten bundled samples (the first call cold, then warm: classify() = render + forward, and the forward
 * pass alone), and the forward pass of the paper-sized networks (224×224×3, width 1, FC 4096) with
 * random weights, which need no GPU to build. Prints figures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Classifier } from '../src/classifier/classifier.js';
import { modelInput } from '../src/classifier/model-input.js';
import { readRecord } from '../src/ecg/read-record.js';
import { alexNetPlan, type AlexNetConfig } from '../src/models/alexnet-plan.js';
import { CpuNetwork } from '../src/models/cpu-forward.js';
import { readModelTensors, type HostWeights } from '../src/models/model-file.js';
import { mulberry32 } from '../src/reference/random.js';

const root = join(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f: () => unknown) => { const t = performance.now(); f(); return performance.now() - t; };

const modelPath = join(root, 'models', 'default.ecgpu');
const clf = await Classifier.load(modelPath, { backend: 'cpu' });
const records = Array.from({ length: 10 }, (_, i) => readRecord(join(root, 'web', 'demo', 'samples', `sample-${i}.hea`), { digital: false }));
const classify: number[] = [];
for (const r of records) classify.push((await clf.classify(r)).milliseconds);
const { meta, tensors } = readModelTensors(new Uint8Array(readFileSync(modelPath)));
const net = new CpuNetwork(meta.config, tensors);
const inputs = records.map((r) => modelInput(r, meta).data);
const forward = inputs.map((x) => time(() => net.forward(x)));
console.log(`default model (${meta.config.architecture}, input ${clf.inputShape.join('×')}) on the CPU:`);
console.log(`  classify() first call ${classify[0].toFixed(0)} ms; warm median ${median(classify.slice(1)).toFixed(0)} ms (max ${Math.max(...classify.slice(1)).toFixed(0)})`);
console.log(`  forward pass alone, median ${median(forward).toFixed(1)} ms over ${forward.length} records`);

/** Random weights for every tensor a config's network takes (names as the model file has them). */
function randomWeights(config: AlexNetConfig): Map<string, HostWeights> {
  const rand = mulberry32(1), out = new Map<string, HostWeights>();
  const add = (name: string, shape: number[], fill?: number) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = fill ?? (rand() - 0.5) * 0.05;
    out.set(name, { shape, data });
  };
  const plan = alexNetPlan(config);
  for (const [part, layers] of [['features', plan.features], ['head', plan.head]] as const) {
    layers.forEach((l, i) => {
      const p = `${part}.${i}`;
      if (l.kind === 'conv') { add(`${p}.weight`, [l.cout, l.cin, l.kernel, l.kernel]); if (l.bias) add(`${p}.bias`, [l.cout]); }
      if (l.kind === 'batchnorm') { add(`${p}.weight`, [l.channels], 1); add(`${p}.bias`, [l.channels], 0); add(`${p}.running_mean`, [l.channels], 0); add(`${p}.running_var`, [l.channels], 1); }
      if (l.kind === 'se') { add(`${p}.fc1.weight`, [l.hidden, l.channels]); add(`${p}.fc1.bias`, [l.hidden]); add(`${p}.fc2.weight`, [l.channels, l.hidden]); add(`${p}.fc2.bias`, [l.channels]); }
      if (l.kind === 'linear') { add(`${p}.weight`, [l.outFeatures, l.inFeatures]); add(`${p}.bias`, [l.outFeatures]); }
    });
  }
  return out;
}

for (const architecture of ['alexnet', 'alexnet-m-se'] as const) {
  const config: AlexNetConfig = { architecture, inputSize: 224, inChannels: 3, numClasses: 10, width: 1, fcWidth: 4096, dropout: 0.5, seReduction: 16, seed: 1 };
  const paper = new CpuNetwork(config, randomWeights(config));
  const x = new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i));
  const ms = [0, 1, 2].map(() => time(() => paper.forward(x)));
  const gflop = alexNetPlan(config).summary.reduce((s, l) => s + l.flops, 0) / 1e9;
  console.log(`paper-sized ${architecture} (3×224×224, ${gflop.toFixed(2)} GFLOP): forward ${ms.map((m) => m.toFixed(0)).join(', ')} ms`);
}
clf.dispose();
