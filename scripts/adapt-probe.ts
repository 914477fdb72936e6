/**
 * The demo's Adapt page in Node: the same steps (web/demo/adapt-run.ts) on a folder of labelled records,
 * on the engine's WebGPU adapter, printing the folder summary and the validation AUROC per class before
 * and after, of the model's answer (its findings, as the page shows) and of the
 * network alone (its softmax, and the per-class sigmoid it was fine-tuned with).
 *
 *   npx tsx scripts/adapt-probe.ts --folder ../shared/data/ludb [--what findings|network] [--epochs N] [--lr X] [--batch N] [--seed N] [--out adapted.ecgpu]
 *
 * --what: 'findings' (the page's default: a findings head learned on the folder, the network unchanged)
 * or 'network' (every weight of the network fine-tuned; --epochs, --lr, --batch apply to it).
 *
 * Figures: docs/demo-finetune.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { init } from '../src/engine/engine.js';
import { folderFilesOnDisk as folderFiles } from '../src/ecg/disk-folder.js';
import { checkModelFile } from '../src/models/model-file.js';
import { softmax } from '../src/inference/probabilities.js';
import { compareValidation } from '../src/train/finetune/compare.js';
import { adaptModel, prepareFolder, type AdaptWhat } from '../web/demo/adapt-run.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const num = (k: string, d: number) => (args.has(k) ? Number(args.get(k)) : d);
const folder = resolve(args.get('folder') ?? '../shared/data/ludb');


const bytes = new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'models', 'default.ecgpu')));
const { meta } = checkModelFile(bytes, 'default.ecgpu');
const t0 = performance.now();
const { summary, split } = await prepareFolder(folderFiles(folder), meta, num('seed', 1));
const s = summary;
console.log(`${folder}: ${s.files} files, ${s.records} records read, ${s.labelled} labelled, ${s.usable} usable, ${s.refused.length} refused (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
for (const r of s.refused.slice(0, 10)) console.log(`  refused: ${r.reason}`);
console.log(`split (seed ${s.seed}): ${s.train} train / ${s.val} validation; usable per class ${s.classCounts.join(' ')}; validation positives ${s.valPositives.join(' ')}`);
if (!split) { console.log(s.problem); process.exit(1); }
await init();
const what = (args.get('what') ?? 'findings') as AdaptWhat;
if (what !== 'findings' && what !== 'network') { console.error(`adapt-probe: --what must be findings or network, not '${what}'`); process.exit(2); }
const r = await adaptModel(bytes, split, { what, epochs: num('epochs', 4), ...(args.has('lr') ? { lr: num('lr', 0) } : {}), ...(args.has('batch') ? { batchSize: num('batch', 0) } : {}) }, (t) => console.log(t));
const k = meta.classNames.length, T = meta.calibration.temperature;
const rows = (logits: Float32Array, f: (z: Float64Array) => Float64Array) => {
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length / k; i++) out.set(f(Float64Array.from(logits.subarray(i * k, (i + 1) * k))), i * k);
  return out;
};
const sigmoid = (z: Float64Array) => z.map((v) => 1 / (1 + Math.exp(-v)));
const soft = (z: Float64Array) => softmax(z, k, T);
const variants: [string, ReturnType<typeof compareValidation>][] = [
  ['the model\'s answer (its findings, as classify() gives them)', r.comparison],
  ['network alone, softmax at T', compareValidation(split.val, rows(r.logitsBefore, soft), rows(r.logitsAfter, soft), meta.classNames)],
  ['network alone, per-class sigmoid', compareValidation(split.val, rows(r.logitsBefore, sigmoid), rows(r.logitsAfter, sigmoid), meta.classNames)],
];
console.log(`fine-tuned ${r.epochLosses.length} epochs in ${r.trainSeconds.toFixed(1)} s; epoch losses ${r.epochLosses.map((l) => l.toFixed(4)).join(' ')}`);
for (const [name, c] of variants) {
  console.log(`${name}: macro AUROC ${c.macroBefore.toFixed(3)} → ${c.macroAfter.toFixed(3)} over ${c.macroClasses.length} classes on ${c.records} records`);
  console.log('  ' + c.perClass.filter((p) => Number.isFinite(p.before)).map((p) => `${p.name} (${p.positives}) ${p.before.toFixed(3)} → ${p.after.toFixed(3)}`).join('; '));
}
console.log(`thresholds ${r.thresholdsBefore.join(' ')} → ${r.thresholdsAfter.join(' ')}`);
if (r.headClasses) console.log(`the learned findings answer: ${r.headClasses.map((c) => meta.classNames[c]).join(', ') || 'no class'}`);
if (args.has('out')) { writeFileSync(args.get('out')!, r.file); console.log(`wrote ${args.get('out')}`); }
