/** `ecgpu predict <record>` and `ecgpu eval`: use a saved model file. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { init } from '../engine/engine.js';
import { loadModel } from '../models/model-file.js';
import { Classifier } from '../classifier/classifier.js';
import { modelBytes } from '../classifier/model-source.js';
import { readRecord } from '../ecg/read-record.js';
import { buildDataset, loadSplit, renderItems, type Dataset } from '../ecg/dataset.js';
import { scanRecords } from '../ecg/scan.js';
import { CLASS_NAMES } from '../ecg/types.js';
import { encodePng } from '../image/png.js';
import { writeReport } from '../train/eval/report-node.js';
import { BatchImageSet, cacheRoot, checkFolders } from '../train/prepare.js';
import { predictLogits } from '../train/trainer.js';
import { parse, num, UsageError } from './args.js';
import { OutputError, writeOutput } from './exit-codes.js';

export const PREDICT_USAGE = `usage: ecgpu predict <record> [--model FILE] [--top N] [--saliency FILE.png]

Classifies one 12-lead record (.hea/.mat/.dat or Chapman .csv) and prints the top classes with
calibrated probabilities (temperature scaling fitted on validation), the decision after the per-class
thresholds, and writes a Grad-CAM saliency image over the rendered ECG. Leads are matched by name;
records a 12-lead model cannot read (too few leads, too short, flat or saturated) are refused.

  --model FILE      a model saved by ecgpu train/compare (default: the bundled models/default.ecgpu)
  --top N           classes to list (default 3)
  --saliency FILE   where to write the saliency PNG (default <record>-saliency.png in the current folder)`;

export const EVAL_USAGE = `usage: ecgpu eval --model FILE (--split SPLIT.json | --data DIR[,DIR...]) [--out DIR]

Evaluates a saved model and writes report.html + results.json into DIR (default: beside the model):
  --split SPLIT.json  the test part of a split file written by ecgpu prepare/train/compare
                      (its validation part for calibration)
  --data DIR,...      every record of these folders that carries one of the 10 classes (e.g. a model
                      trained on synthetic records, evaluated on real ones)`;

export async function predictCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, top: { type: 'string' }, saliency: { type: 'string' } });
  if (values.help) return console.log(PREDICT_USAGE), 0;
  if (positionals.length !== 1) throw new UsageError(`predict takes one record, got ${positionals.length}`);
  const top = num(values.top, 'top', 3, { integer: true, min: 1 })!;
  const out = values.saliency ?? `${basename(positionals[0]).replace(/\.[^.]+$/, '')}-saliency.png`;
  const outDir = dirname(resolve(out));
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new OutputError(`--saliency ${out}: folder ${outDir} does not exist`);
  const rec = readRecord(positionals[0], { digital: false });
  const clf = await Classifier.load(values.model);
  try {
    for (const w of clf.warnings) console.log(`warning: ${w}`);
    const r = await clf.classify(rec);
    console.log(`${basename(positionals[0])}: ${rec.leads.length} leads, ${rec.fs} Hz, ${(rec.signals[0].length / rec.fs).toFixed(1)} s  (model ${clf.source})`);
    for (const w of r.warnings) console.log(`warning: ${w}`);
    console.log(`calibrated probabilities (temperature ${r.temperature.toFixed(3)}):`);
    for (const c of r.top(top)) console.log(`  ${String(c.index).padStart(2)} ${c.name.padEnd(22)} ${(100 * c.probability).toFixed(1).padStart(5)}%`);
    console.log(`decision${r.decision.thresholded ? ' (per-class thresholds tuned on validation)' : ''}: ${r.decision.name}`);
    const img = await r.saliency();
    writeOutput(out, encodePng(img.rgba, img.width, img.height, 4, (d) => new Uint8Array(deflateSync(d))), '--saliency');
    console.log(`saliency (Grad-CAM for ${r.classNames[img.cls]}): ${out}`);
  } finally {
    clf.dispose();
  }
  return 0;
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { model: { type: 'string' }, split: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' } }, false);
  if (values.help) return console.log(EVAL_USAGE), 0;
  if (!values.split === !values.data) throw new UsageError(`give --split or --data (one of them)`);
  const folders = values.data ? checkFolders(values.data.split(',')) : [];
  const split = values.split ? loadSplit(values.split) : undefined; // a bad split file fails before the model and the GPU
  if (!values.model) throw new UsageError('--model is required');
  const modelPath = values.model;
  const { bytes } = await modelBytes(modelPath);
  await init();
  const { model, meta } = loadModel(bytes, modelPath);
  const ds = split ?? await allLabelledRecords(folders);
  const opts = { ...meta.input.render, channels: model.config.inChannels, cacheDir: join(cacheRoot(), 'render'), progress: true };
  const [val, test] = [new BatchImageSet(renderItems(ds.val, opts)), new BatchImageSet(renderItems(ds.test, opts))];
  const norm = { mean: meta.input.mean, std: meta.input.std };
  const labels = (s: BatchImageSet) => Array.from(s.batch.labels);
  const out = values.out ?? join(modelPath, '..', 'eval');
  const name = model.config.architecture === 'alexnet' ? 'AlexNet' : 'AlexNet-M-SE';
  const report = writeReport(out, {
    title: `ecgpu eval: ${name} (${modelPath})`,
    classNames: meta.classNames.length ? meta.classNames : CLASS_NAMES,
    dataset: { name: values.split ?? folders.join(', '), splits: { val: val.count, test: test.count } },
    models: [{
      name, parameters: model.paramCount,
      val: val.count ? { labels: labels(val), logits: await predictLogits(model, val, norm) } : undefined,
      test: { labels: labels(test), logits: await predictLogits(model, test, norm) },
    }],
  });
  const ev = report.evaluations[0];
  console.log(`${ev.test.line}\n${ev.test.reportText}\nreport: ${join(out, 'report.html')}`);
  model.dispose();
  return 0;
}

/** Every record of `folders` that carries one of the 10 classes, as a test-only dataset. */
async function allLabelledRecords(folders: string[]): Promise<Dataset> {
  return buildDataset(await scanRecords(folders, { progress: false }), { level: 'all', fractions: [0, 0, 1] });
}
