/**
 * Trains the model shipped as models/default.ecgpu with the project's own command, and documents it.
 *
 *   npm run train:default-model                      # the default `ecgpu compare` (default preset, synthetic data)
 *   npm run train:default-model -- --preset tiny     # any `compare` option is passed on
 *   npm run train:default-model -- --from-run runs/quick   # package a finished `npm start` run instead of training again
 *
 * 1. runs `ecgpu compare <options> --out runs/default-model` in a child process (a fresh run folder);
 * 2. copies its AlexNet-M-SE model to models/default.ecgpu (refused above 5 MB);
 * 3. classifies the real records in ../shared/data (when present) with it, through the Classifier;
 * 4. writes models/MODEL.md from the run's results.json and those figures.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Classifier } from '../src/classifier/classifier.js';
import { primaryClass } from '../src/ecg/labels.js';
import { readRecord } from '../src/ecg/read-record.js';
import { scanRecords } from '../src/ecg/scan.js';
import { EcgInputError } from '../src/ecg/types.js';
import { bootstrapCI } from '../src/train/eval/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_BYTES = 5 * 1024 * 1024;
const args = process.argv.slice(2);
const fromAt = args.indexOf('--from-run');
const fromRun = fromAt >= 0 ? args[fromAt + 1] : undefined;
if (fromAt >= 0 && (!fromRun || !existsSync(join(fromRun, 'results.json')))) {
  console.error(`train-default-model: --from-run ${fromRun ?? ''}: no finished run there (results.json missing)`);
  process.exit(2);
}
const outAt = args.indexOf('--out');
const out = fromRun ?? (outAt >= 0 ? args[outAt + 1] : 'runs/default-model');
const compareArgs = outAt >= 0 ? args : [...args, '--out', out];
const command = fromRun ? `npm start (ecgpu compare with no options), whose run folder is ${fromRun}` : `npx tsx src/cli/main.ts compare ${compareArgs.join(' ')}`;

/** Real-record figures: per folder, records with one of the 10 classes, refused ones, accuracy, macro AUC. */
interface RealFigures { folder: string; scanned: number; withClass: number; refused: string[]; n: number; accuracy: Interval; macroAuc: Interval }
interface Interval { estimate: number; lower: number; upper: number }

async function realRecordFigures(clf: Classifier): Promise<RealFigures[]> {
  const base = resolve(root, '..', 'shared', 'data');
  const out: RealFigures[] = [];
  for (const name of ['real-ecg', 'ludb']) {
    const folder = join(base, name);
    if (!existsSync(folder)) continue;
    const scan = await scanRecords(folder, { progress: false });
    const labels: number[] = [], probs: number[] = [], refused: string[] = [];
    let withClass = 0;
    for (const r of scan.records) {
      const label = primaryClass(r.classes);
      if (label === undefined) continue;
      withClass++;
      try {
        const res = await clf.classify(readRecord(r.path, { digital: false }));
        labels.push(label);
        probs.push(...res.probabilities);
      } catch (e) {
        if (!(e instanceof EcgInputError)) throw e;
        refused.push(e.message);
      }
    }
    const ci = bootstrapCI(labels, probs, clf.classNames.length);
    out.push({ folder: relative(root, folder), scanned: scan.records.length + scan.bad.length, withClass, refused, n: labels.length, accuracy: ci.accuracy, macroAuc: ci.macroAuc });
    console.error(`${name}: ${labels.length} records classified, accuracy ${ci.accuracy.estimate.toFixed(3)}, macro AUC ${ci.macroAuc.estimate.toFixed(3)}`);
  }
  return out;
}

const f3 = (x: Interval) => (Number.isFinite(x.estimate) ? `${x.estimate.toFixed(3)} [${x.lower.toFixed(3)}, ${x.upper.toFixed(3)}]` : '—');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function modelCard(results: any, real: RealFigures[], clf: Classifier, bytes: number): string {
  const m = results.models.find((x: { name: string }) => x.name === 'AlexNet-M-SE');
  const d = results.dataset;
  const b = m.bootstrap;
  const cal = m.calibration, th = m.thresholds;
  const [c, h, w] = clf.inputShape;
  const render = clf.meta.input.render as Record<string, unknown>;
  const lines = [
    '# The bundled default model (`models/default.ecgpu`)',
    '',
    '**Not for clinical use.** A demonstration model: trained on synthetic ECGs made by this project, not validated',
    'on patients, not a medical device. Do not use it to diagnose, treat or triage anyone.',
    '',
    '## What it is',
    '',
    `- AlexNet-M-SE (BatchNorm, squeeze-and-excitation, dropout), ${m.parameters.toLocaleString('en')} parameters, ${(bytes / 1e6).toFixed(2)} MB, with a CRC-32 of its weights.`,
    `- Input: ${c}×${h}×${w} (${String(render.layout)} layout, ${render.seconds ?? 10} s shown), normalised with the training set's mean/std stored in the file.`,
    `- Output: ${clf.classNames.length} classes (${clf.classNames.join(', ')}), probabilities calibrated by temperature ${clf.meta.calibration.temperature.toFixed(3)}${clf.meta.calibration.thresholds.length ? ', decision by per-class thresholds tuned on validation' : ', decision = most probable class'}.`,
    '',
    '## How it was made (exact command)',
    '',
    '```sh',
    `npm run train:default-model${args.length ? ` -- ${args.join(' ')}` : ''}`,
    `# trained by: ${command}`,
    '```',
    '',
    `Preset \`${d.facts?.preset}\`; adapter ${d.facts?.adapter}; generated ${results.generatedAt}.`,
    '',
    '## Data',
    '',
    `- ${d.name}: ${d.splits.train} train / ${d.splits.val} validation / ${d.splits.test} test records, seed ${d.facts?.seed}.`,
    '- Synthetic records are generated by `src/ecg/synthetic.ts` (no patient data, no licence restrictions).',
    '',
    '## Test metrics (95% bootstrap intervals, 1000 resamples)',
    '',
    '| test set | records | accuracy | macro F1 | macro AUC | micro AUC |',
    '|---|--:|---|---|---|---|',
    `| the split's test part | ${m.test.n} | ${f3(b.accuracy)} | ${f3(b.macroF1)} | ${f3(b.macroAuc)} | ${f3(b.microAuc)} |`,
    // Held-out sets the run also read (e.g. an independent synthetic set of another seed).
    ...(m.heldOut ?? []).map((h: { name: string; n: number; bootstrap: typeof b }) =>
      `| ${h.name} | ${h.n} | ${f3(h.bootstrap.accuracy)} | ${f3(h.bootstrap.macroF1)} | ${f3(h.bootstrap.macroAuc)} | ${f3(h.bootstrap.microAuc)} |`),
    '',
    cal ? `Calibration: temperature ${cal.temperature.toFixed(3)}; test ECE ${cal.testEceBefore.toFixed(3)} → ${cal.testEceAfter.toFixed(3)}.` : '',
    th ? `Per-class thresholds: validation macro F1 ${th.valMacroF1Before.toFixed(3)} → ${th.valMacroF1After.toFixed(3)}.` : '',
    '',
    '## On the real records in `../shared/data`',
    '',
  ];
  if (real.length === 0) lines.push('`../shared/data` was not present when this model was made: no real-record figures.');
  else {
    lines.push(
      'Each record is reduced to one class (the label priority of `src/ecg/labels.ts`); records a 12-lead model cannot read',
      'are refused by the Classifier and counted apart. Licences: see each folder\'s README (PhysioNet sources, CC BY 4.0 / ODC-By).',
      '',
      '| folder | records | with one of the 10 classes | refused | accuracy | macro AUC |',
      '|---|--:|--:|--:|---|---|',
      ...real.map((r) => `| ${r.folder} | ${r.scanned} | ${r.withClass} | ${r.refused.length} | ${f3(r.accuracy)} | ${f3(r.macroAuc)} |`),
      '',
      'A model trained on synthetic ECGs only is not expected to do well on real ones; these figures say how far it is.',
      ...real.filter((r) => r.withClass === 0).map((r) => `${r.folder}: no record carried a label this ecgpu maps to the 10 classes, so there is nothing to score.`),
    );
    for (const r of real) for (const why of r.refused.slice(0, 5)) lines.push(`- refused: ${why.replace(resolve(root, '..', 'shared'), '../shared')}`);
  }
  lines.push(
    '',
    '## Intended use',
    '',
    '- Trying ecgpu: the browser demo, `ecgpu predict` without `--model`, the `Classifier` embedding examples.',
    '- A starting point for fine-tuning on real records, and a fixture for testing pipelines.',
    '- Not for clinical use, screening, or any decision about a person.',
    '',
  );
  return lines.filter((l, i, a) => !(l === '' && a[i - 1] === '')).join('\n');
}

async function main() {
  const runDir = resolve(root, out);
  if (!fromRun) {
    if (existsSync(runDir)) rmSync(runDir, { recursive: true }); // a fresh run: no stale split.json or checkpoints
    console.error(`$ ${command}`);
    const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', 'compare', ...compareArgs], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`compare failed (exit ${r.status}); models/default.ecgpu is unchanged`);
  }
  const trained = join(runDir, 'alexnet-m-se', 'model.ecgpu');
  const size = statSync(trained).size;
  if (size > MAX_BYTES) throw new Error(`${trained} is ${(size / 1e6).toFixed(1)} MB, over the 5 MB a bundled model may take; choose a smaller preset`);
  mkdirSync(join(root, 'models'), { recursive: true });
  const target = join(root, 'models', 'default.ecgpu');
  copyFileSync(trained, target);
  const clf = await Classifier.load(target);
  const real = await realRecordFigures(clf);
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  writeFileSync(join(root, 'models', 'MODEL.md'), modelCard(results, real, clf, size));
  clf.dispose();
  console.error(`wrote models/default.ecgpu (${(size / 1e6).toFixed(2)} MB) and models/MODEL.md`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`train-default-model: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
