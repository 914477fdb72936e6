/** `ecgpu predict <record>` and `ecgpu eval`: use a saved model file. */
import { basename, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { init } from '../engine/engine.js';
import { checkModelFile, loadModel, ModelFileError } from '../models/model-file.js';
import { Classifier } from '../classifier/classifier.js';
import { modelBytes } from '../classifier/model-source.js';
import { BACKEND_CHOICES, type BackendChoice } from '../classifier/inference-backend.js';
import { readRecord } from '../ecg/read-record.js';
import { buildDataset, loadSplit, renderItems, type Dataset } from '../ecg/dataset.js';
import { noRecordsFound, scanRecords } from '../ecg/scan.js';
import type { PhraseTable } from '../ecg/label-phrases.js';
import { DataError } from '../ecg/data-error.js';
import { printableField, printableLine } from '../ecg/printable.js';
import { readLabelTable } from './experiment-commands.js';
import { CLASS_NAMES } from '../ecg/types.js';
import { encodePng } from '../image/png.js';
import { writeReport } from '../train/eval/report-node.js';
import { BatchImageSet, cacheRoot, checkFolders } from '../train/prepare.js';
import { predictLogits } from '../train/trainer.js';
import { parse, num, UsageError } from './args.js';
import { failure, writeOutput } from './exit-codes.js';
import { checkOutputFile, checkOutputFolder, RunFolder } from './outputs.js';
import { BATCH_PREDICT_USAGE, batchPredictCommand, isBatchPredict } from './batch-predict.js';

export const PREDICT_USAGE = `usage: ecgpu predict <record> [--model FILE] [--top N] [--saliency FILE.png] [--backend auto|webgpu|cpu]
       ecgpu predict DIR|RECORD... [--out FILE.csv|FILE.jsonl] [--model FILE]

Classifies one 12-lead record (.hea/.mat/.dat or Chapman .csv) and prints the top classes with
calibrated probabilities (temperature scaling fitted on validation) and the decision after the per-class
thresholds. Leads are matched by name; records a 12-lead model cannot read (too few leads, too short,
flat or saturated) are refused. It writes no file unless --saliency names one.

  --model FILE      a model saved by ecgpu train/compare (default: the bundled models/default.ecgpu)
  --top N           classes to list (default 3)
  --saliency FILE   also write a Grad-CAM saliency picture (PNG) of the decision over the rendered ECG
  --backend B       where the network runs: webgpu, cpu (plain TypeScript, no GPU needed), or auto
                    (default: WebGPU when an adapter is found, else the CPU)

${BATCH_PREDICT_USAGE}`;

export const EVAL_USAGE = `usage: ecgpu eval --model FILE (--split SPLIT.json | --data DIR[,DIR...] [--labels FILE]) [--out DIR]

Evaluates a saved model and writes report.html + results.json into DIR (default: beside the model):
  --split SPLIT.json  the test part of a split file written by ecgpu prepare/train/compare
                      (its validation part for calibration)
  --data DIR,...      every record of these folders that carries one of the 10 classes (e.g. a model
                      trained on synthetic records, evaluated on real ones; PTB-XL folders: all their folds)
  --labels FILE       label table (TSV: pattern<TAB>class ids) for free-text diagnoses and PTB-XL SCP
                      statements (default: LUDB's phrases, PTB-XL's mapping; see docs/ptb-xl.md)`;

export async function predictCommand(argv: string[]): Promise<number> {
  if (isBatchPredict(argv)) return batchPredictCommand(argv);
  const { values, positionals } = parse(argv, { model: { type: 'string' }, top: { type: 'string' }, saliency: { type: 'string' }, backend: { type: 'string' } });
  if (values.help) return console.log(PREDICT_USAGE), 0;
  if (positionals.length !== 1) throw new UsageError(`predict takes one record, got ${positionals.length}`);
  const top = num(values.top, 'top', 3, { integer: true, min: 1 })!;
  const backend = (values.backend ?? 'auto') as BackendChoice;
  if (!BACKEND_CHOICES.includes(backend)) throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${values.backend}'`);
  const out = values.saliency;
  if (out !== undefined) checkOutputFile(out, '--saliency'); // before any work: an answer is never printed and then refused
  const rec = readRecord(positionals[0], { digital: false });
  const clf = await Classifier.load(values.model, { backend });
  try {
    for (const w of clf.warnings) console.log(`warning: ${printableLine(w)}`);
    const r = await clf.classify(rec);
    console.log(`${printableField(basename(positionals[0]))}: ${rec.leads.length} leads, ${rec.fs} Hz, ${(rec.signals[0].length / rec.fs).toFixed(1)} s  (model ${printableField(clf.source, 200)})`);
    const where = clf.backend === 'cpu' ? 'the CPU (plain TypeScript)' : `WebGPU (${clf.adapter?.description || clf.adapter?.vendor || 'adapter'})`;
    console.log(`inference: ${r.milliseconds.toFixed(0)} ms on ${where}`);
    for (const w of r.warnings) console.log(`warning: ${printableLine(w)}`);
    const hr = r.heartRate;
    console.log(hr ? `heart rate: ${hr.bpm.toFixed(0)} bpm (${hr.beats} beats, RR irregularity ${hr.rrIrregularity.toFixed(2)})` : 'heart rate: not measured (fewer than 3 QRS complexes found)');
    if (r.multiLabel) {
      console.log('probability of each finding (independent per class; a finding is at or above its own threshold):');
      for (const c of r.top(top)) console.log(`  ${String(c.index).padStart(2)} ${c.name.padEnd(22)} ${(100 * c.probability).toFixed(1).padStart(5)}%`);
      console.log(`findings: ${r.findings.length ? r.findings.map((f) => f.name).join(', ') : 'none of the classes'}`);
    } else {
      console.log(`calibrated probabilities (temperature ${r.temperature.toFixed(3)}):`);
      for (const c of r.top(top)) console.log(`  ${String(c.index).padStart(2)} ${c.name.padEnd(22)} ${(100 * c.probability).toFixed(1).padStart(5)}%`);
      console.log(`decision${r.decision.thresholded ? ' (per-class thresholds tuned on validation)' : ''}: ${r.decision.name}`);
    }
    if (out === undefined) return 0;
    const img = await r.saliency();
    writeOutput(out, encodePng(img.rgba, img.width, img.height, 4, (d) => new Uint8Array(deflateSync(d))), '--saliency');
    console.log(`saliency (Grad-CAM for ${r.classNames[img.cls]}): ${out}`);
  } finally {
    clf.dispose();
  }
  return 0;
}

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { model: { type: 'string' }, split: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, labels: { type: 'string' } }, false);
  if (values.help) return console.log(EVAL_USAGE), 0;
  if (!values.split === !values.data) throw new UsageError(`give --split or --data (one of them)`);
  if (values.labels && !values.data) throw new UsageError('--labels goes with --data (a split file keeps the classes it was made with)');
  // Everything is checked before the GPU starts and before any record is drawn: the data (a split file,
  // or folders holding labelled records), the output folder and the model file.
  const folders = values.data ? checkFolders(values.data.split(',')) : [];
  const phrases = values.labels ? readLabelTable(values.labels) : undefined;
  const split = values.split ? loadSplit(values.split) : undefined;
  if (split && split.test.length === 0) throw new DataError(values.split!, `its test part is empty (${split.train.length} train / ${split.val.length} val / 0 test): nothing to evaluate`);
  if (!values.model) throw new UsageError('--model is required');
  const modelPath = values.model;
  const out = values.out ?? join(modelPath, '..', 'eval');
  checkOutputFolder(out, '--out');
  const { bytes } = await modelBytes(modelPath);
  const { meta: header } = checkModelFile(bytes, modelPath);
  if (header.config.numClasses !== CLASS_NAMES.length) {
    throw new ModelFileError(modelPath, `has ${header.config.numClasses} classes; eval scores the ${CLASS_NAMES.length} classes records are labelled with`);
  }
  const ds = split ?? await allLabelledRecords(folders, values.data!, phrases);
  const folder = RunFolder.open(out, '--out');
  try {
    await init();
    await evaluate(modelPath, bytes, ds, values.split ?? folders.join(', '), values.data, out);
  } catch (e) {
    folder.undo(failure(e, 'eval').line);
    throw e;
  }
  folder.done();
  return 0;
}

async function evaluate(modelPath: string, bytes: Uint8Array, ds: Dataset, dataName: string, dataOption: string | undefined, out: string): Promise<void> {
  const { model, meta } = loadModel(bytes, modelPath);
  const opts = { ...meta.input.render, channels: model.config.inChannels, cacheDir: join(cacheRoot(), 'render'), progress: true };
  const [val, test] = [new BatchImageSet(renderItems(ds.val, opts)), new BatchImageSet(renderItems(ds.test, opts))];
  if (test.count === 0) {
    model.dispose();
    const bad = test.batch.bad;
    throw new DataError(dataOption ? `--data ${dataOption}` : dataName, `no usable records: ${bad.length} record(s), all unreadable${bad.length ? ` (first: ${bad[0].reason})` : ''}`);
  }
  const norm = { mean: meta.input.mean, std: meta.input.std };
  const labels = (s: BatchImageSet) => Array.from(s.batch.labels);
  const name = model.config.architecture === 'alexnet' ? 'AlexNet' : 'AlexNet-M-SE';
  const report = writeReport(out, {
    title: `ecgpu eval: ${name} (${modelPath})`,
    classNames: meta.classNames.length ? meta.classNames : CLASS_NAMES,
    dataset: { name: dataName, splits: { val: val.count, test: test.count } },
    models: [{
      name, parameters: model.paramCount,
      val: val.count ? { labels: labels(val), logits: await predictLogits(model, val, norm) } : undefined,
      test: { labels: labels(test), logits: await predictLogits(model, test, norm) },
    }],
  });
  const ev = report.evaluations[0];
  console.log(`${ev.test.line}\n${ev.test.reportText}\nreport: ${join(out, 'report.html')}`);
  model.dispose();
}

/** Every record of `folders` that carries one of the 10 classes, as a test-only dataset (PTB-XL folds ignored); none: a DataError saying what was found. */
async function allLabelledRecords(folders: string[], option: string, phrases?: PhraseTable): Promise<Dataset> {
  const scan = await scanRecords(folders, { progress: false, phrases });
  const ds = buildDataset(scan, { level: 'all', fractions: [0, 0, 1], folds: false });
  if (ds.test.length === 0) throw new DataError(`--data ${option}`, noRecordsFound(scan));
  return ds;
}
