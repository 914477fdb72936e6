/** `ecgpu compare | train | prepare`: the paper's experiment, one architecture, or data only. */
import { readFileSync } from 'node:fs';
import { init } from '../engine/engine.js';
import { DataError } from '../ecg/data-error.js';
import { parsePhraseTable, type PhraseTable } from '../ecg/label-phrases.js';
import { inputDims, type AlexNetConfig, type Architecture } from '../models/alexnet.js';
import type { DatasetLevel } from '../ecg/dataset.js';
import { runExperiment } from '../train/experiment.js';
import { getPreset, PRESETS, type Preset } from '../train/presets.js';
import { checkModelFile, ModelFileError } from '../models/model-file.js';
import { checkFolders, prepareData } from '../train/prepare.js';
import { hasRecordFile, noRecordFiles } from '../ecg/scan.js';
import { printableLines } from '../ecg/printable.js';
import type { TrainOptions } from '../train/trainer.js';
import { num, parse, UsageError } from './args.js';
import { failure } from './exit-codes.js';
import { checkOutputFolder, RunFolder } from './outputs.js';

export const EXPERIMENT_USAGE = (cmd: string) => `usage: ecgpu ${cmd} [options]

${cmd === 'compare' ? 'Trains AlexNet and AlexNet-M-SE on the same split and reports them side by side (the paper).'
  : cmd === 'train' ? 'Trains one architecture and reports it.'
  : 'Prepares the dataset only: scan or generate records, select the level, split 70/15/15, render into the cache.'}
With no --data, runs on synthetic 12-lead records generated on first use (cached).

  --data DIR[,DIR]    records folder(s) (e.g. a downloaded Chapman WFDBRecords/), .hea+.mat/.dat or .csv;
                      repeat the option or separate folders by commas to train on several as one database
  --labels FILE       label table (TSV: pattern<TAB>class ids) for free-text diagnoses and PTB-XL SCP
                      statements (default: LUDB's phrases, PTB-XL's mapping; see docs/ptb-xl.md)
  --preset NAME       ${Object.values(PRESETS).map((p) => p.name).join(' | ')} (default quick; paper = the paper's exact settings)
  --level L           paper204 | paper440 | all | N per class (default: the preset's)
  --out DIR           run folder: split.json, checkpoints, models, report.html (default runs/<preset>)
  --seed N            seed for data, split, initialisation, dropout and augmentation (default 1)${cmd === 'prepare' ? '' : `
  --arch A            alexnet | alexnet-m-se${cmd === 'train' ? ' (default alexnet-m-se)' : ''}
  --epochs N (≥ 1) --batch N (≥ 2) --lr X (> 0) --optimizer sgd|adam|adamw --weight-decay X (≥ 0)
  --resume            continue a killed run from its last checkpoint (same weights as an uninterrupted run)
  --independent N     records per class of the independent synthetic test set read once at the end
                      (synthetic runs; default: the preset's, 100 for quick and paper; 0: none)
  --init MODEL        start from a saved model's weights (same architecture and preset), e.g. one trained
                      on synthetic records, and fine-tune it
  --balance           class-balanced sampling: every class equally likely in each epoch's draws
  --best-by R         accuracy | loss: the epoch kept and tested is the one of the highest validation
                      accuracy or of the lowest validation loss (default: the preset's; quick: loss)`}
  --no-progress       no progress bars
  --help`;

const DATA_OPTIONS = {
  data: { type: 'string', multiple: true }, labels: { type: 'string' }, preset: { type: 'string' }, level: { type: 'string' }, out: { type: 'string' },
  seed: { type: 'string' }, 'no-progress': { type: 'boolean' },
} as const;
const TRAIN_OPTIONS = {
  ...DATA_OPTIONS, arch: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' },
  lr: { type: 'string' }, optimizer: { type: 'string' }, 'weight-decay': { type: 'string' },
  resume: { type: 'boolean' }, independent: { type: 'string' }, init: { type: 'string' }, balance: { type: 'boolean' },
  'best-by': { type: 'string' },
} as const;

export async function experimentCommand(cmd: 'compare' | 'train' | 'prepare', argv: string[]): Promise<number> {
  // prepare trains nothing: a training option given to it is refused, not silently ignored.
  if (cmd === 'prepare') parse(argv, DATA_OPTIONS, false);
  const { values } = parse(argv, TRAIN_OPTIONS, false);
  if (values.help) {
    console.log(EXPERIMENT_USAGE(cmd));
    return 0;
  }
  const presetName = values.preset ?? 'quick';
  if (!PRESETS[presetName]) throw new UsageError(`--preset ${presetName}: no such preset (choose from ${Object.keys(PRESETS).join(', ')})`);
  const preset = getPreset(presetName);
  const level = parseLevel(values.level) ?? preset.level;
  const out = values.out ?? `runs/${preset.name}`;
  checkOutputFolder(out, '--out');
  const seed = num(values.seed, 'seed', 1, { integer: true, min: 0, max: 2 ** 32 - 1 })!;
  const data = values.data?.flatMap((d) => d.split(',')).map((d) => d.trim());
  if (data?.some((d) => d === '')) throw new UsageError(`--data needs a folder name, got '${values.data!.join(',')}'`);
  if (data) {
    // Before the GPU starts: folders that exist and hold something to scan (the scan itself comes later).
    const folders = checkFolders(data);
    if (!hasRecordFile(folders)) throw new DataError(`--data ${data.join(',')}`, noRecordFiles(folders));
  }
  // Options that only mean something together with others are refused alone, not silently ignored.
  if (values.labels && !data) throw new UsageError('--labels reads the diagnoses of --data records: give --data too');
  const phrases = values.labels ? readLabelTable(values.labels) : undefined;
  const progress = !values['no-progress'];
  const log = (l: string) => console.error(printableLines(l)); // lines quote record files: paths, reasons
  if (cmd === 'prepare') {
    await inRunFolder(out, () => prepareData({ data, phrases, out, level, seed, render: preset.render, progress, log }), log);
    return 0;
  }
  const archs = parseArchs(values.arch, cmd);
  const train: Partial<TrainOptions> = {};
  // Batch-norm needs two images per batch; the bounds above 1 keep a typo from allocating without end.
  train.epochs = num(values.epochs, 'epochs', undefined, { integer: true, min: 1, max: 100_000 });
  train.batchSize = num(values.batch, 'batch', undefined, { integer: true, min: 2, max: 4096 });
  train.lr = num(values.lr, 'lr', undefined, { above: 0, max: 10 });
  train.weightDecay = num(values['weight-decay'], 'weight-decay', undefined, { min: 0, max: 1 });
  for (const k of Object.keys(train) as (keyof TrainOptions)[]) if (train[k] === undefined) delete train[k];
  if (values.optimizer) {
    if (!['sgd', 'adam', 'adamw'].includes(values.optimizer)) throw new UsageError(`--optimizer must be sgd, adam or adamw`);
    train.optimizer = values.optimizer as TrainOptions['optimizer'];
  }
  const independentPerClass = num(values.independent, 'independent', undefined, { integer: true, min: 0, max: 100_000 });
  if (independentPerClass && data) throw new UsageError('--independent draws a synthetic test set for synthetic runs: it does not apply with --data');
  if (values.balance) train.sampling = 'balanced';
  if (values['best-by'] !== undefined) {
    if (values['best-by'] !== 'accuracy' && values['best-by'] !== 'loss') throw new UsageError(`--best-by ${values['best-by']}: choose accuracy or loss`);
    train.bestBy = values['best-by'] === 'loss' ? 'val-loss' : 'val-accuracy';
  }
  if (values.init) checkInitModel(values.init, preset, archs);
  await init();
  const { outcomes, reportDir } = await inRunFolder(out, () => runExperiment({ preset, architectures: archs, data, phrases, init: values.init, out, level, seed, resume: Boolean(values.resume), train, progress, log, independentPerClass }), log);
  const ci = (i: { estimate: number; lower: number; upper: number }) => `${i.estimate.toFixed(3)} [${i.lower.toFixed(3)}, ${i.upper.toFixed(3)}]`;
  console.log(`\n${'model'.padEnd(13)} ${'test accuracy (95% CI)'.padEnd(24)} ${'macro F1 (95% CI)'.padEnd(24)} ${'macro AUC (95% CI)'.padEnd(24)} best epoch`);
  for (const o of outcomes) {
    const b = o.evaluation.bootstrap;
    console.log(`${o.run.name.padEnd(13)} ${ci(b.accuracy).padEnd(24)} ${ci(b.macroF1).padEnd(24)} ${ci(b.macroAuc).padEnd(24)} ${o.state.bestEpoch}`);
  }
  for (const o of outcomes) {
    for (const h of o.evaluation.heldOut) {
      const recalls = h.split.metrics.perClass.map((c) => c.recall);
      console.log(`${o.run.name.padEnd(13)} ${h.name} (${h.split.n}): accuracy ${ci(h.bootstrap.accuracy)}, lowest class recall ${Math.min(...recalls).toFixed(3)}`);
    }
  }
  console.log(`\nreport: ${reportDir}/report.html`);
  return 0;
}

/** Runs `work` in the output folder `out`: made if needed, and on failure left as it was found (see RunFolder). */
async function inRunFolder<T>(out: string, work: () => Promise<T>, log: (l: string) => void): Promise<T> {
  const folder = RunFolder.open(out, '--out');
  let result: T;
  try {
    result = await work();
  } catch (e) {
    const kept = folder.undo(failure(e, '').line);
    if (kept) log(kept);
    throw e;
  }
  folder.done();
  return result;
}

/**
 * --init must name a usable model file (every check a load makes, exit 4 otherwise) of the architecture
 * and shape this run trains (exit 2 otherwise), checked before the GPU starts.
 */
function checkInitModel(path: string, preset: Preset, archs: Architecture[]): void {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFileError(path, code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a model file' : `cannot be read (${code ?? (e as Error).message})`);
  }
  const c = checkModelFile(bytes, path).meta.config;
  const want = preset.model;
  const shape = (m: Omit<AlexNetConfig, 'architecture' | 'seed'>) => `${inputDims(m).join('×')}×${m.inChannels}, width ${m.width}, FC ${m.fcWidth}`;
  // Everything that decides a tensor's shape must agree; dropout does not.
  const fits = (['inChannels', 'numClasses', 'width', 'fcWidth', 'seReduction'] as const).every((k) => c[k] === want[k]) && inputDims(c).join() === inputDims(want).join();
  if (!fits || archs.some((a) => a !== c.architecture)) {
    throw new UsageError(`--init ${path}: an ${c.architecture} at ${shape(c)}; this run trains ${archs.join(' and ')} with --preset ${preset.name} (${shape(want)})`);
  }
}

/** The --labels table: a phrase table (TSV) read and checked, or a DataError naming it. */
export function readLabelTable(path: string): PhraseTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`--labels ${path}`, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read (${(e as Error).message})`);
  }
  return parsePhraseTable(text, path);
}

function parseLevel(s: string | undefined): DatasetLevel | undefined {
  if (s === undefined) return undefined;
  if (s === 'paper204' || s === 'paper440' || s === 'all') return s;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--level must be paper204, paper440, all or a number of records per class, got '${s}'`);
  return n;
}

function parseArchs(s: string | undefined, cmd: string): Architecture[] {
  if (!s) return cmd === 'compare' ? ['alexnet', 'alexnet-m-se'] : ['alexnet-m-se'];
  const list = s.split(',');
  for (const a of list) if (a !== 'alexnet' && a !== 'alexnet-m-se') throw new UsageError(`--arch must be alexnet or alexnet-m-se, got '${a}'`);
  return list as Architecture[];
}
