/**
 * Experiment presets. `paper` is the reference paper's setting. `quick` is the default when no data is
 * given: the paper's protocol and both architectures, with an input layout (one image plane per lead)
 * and network size that 2 CPU cores with no GPU (SwiftShader) train in about 10 minutes (up to 15 on slower machines); see README for
 * how it was chosen (ablation on the validation split).
 * `demo` is the browser demo's Train page: the default's input kind at fewer pixels, sized to learn in a
 * few minutes on SwiftShader (docs/demo-train-bench.md). `tiny` exists for tests.
 */
import type { AlexNetConfig } from '../models/alexnet.js';
import type { DatasetLevel } from '../ecg/dataset.js';
import type { TensorOptions } from '../ecg/dataset.js';
import { DEFAULT_AUGMENT, NO_AUGMENT, TIME_SHIFT_AUGMENT } from './augment.js';
import type { TrainOptions } from './trainer.js';

export interface Preset {
  name: string;
  why: string;
  level: DatasetLevel;
  model: Omit<AlexNetConfig, 'architecture' | 'seed'>;
  render: TensorOptions;
  train: Omit<TrainOptions, 'seed' | 'dir' | 'resume' | 'log' | 'progress'>;
  /** Records per class of the independent synthetic test set read at the end of synthetic runs. */
  independentPerClass: number;
}

export const PRESETS: Record<string, Preset> = {
  paper: {
    name: 'paper',
    why: "the reference paper's settings: 224×224 RGB images, full-width AlexNet (96-256-384-384-256, FC 4096), 440-record balanced level, 70/15/15, 20 epochs, batch 16",
    level: 'paper440',
    model: { inputSize: 224, inChannels: 3, numClasses: 10, width: 1, fcWidth: 4096, dropout: 0.5, seReduction: 16 },
    render: { width: 224, height: 224, layout: '12lead', channels: 3 },
    train: { epochs: 20, batchSize: 16, optimizer: 'sgd', lr: 0.01, momentum: 0.9, weightDecay: 5e-4, schedule: 'cosine', warmupEpochs: 1, augment: DEFAULT_AUGMENT },
    independentPerClass: 100,
  },
  quick: {
    name: 'quick',
    why: 'the default: both models in about 10 minutes on 2 CPU cores without a GPU (9:10 on a quiet machine, 2026-12-05), at the paper\'s protocol (the balanced 440-record level, 70/15/15 stratified split, batch 16, 20 epochs). The input keeps the detail the classes live in at a size 2 cores can train: every lead gets its own 64×256 image plane over the whole 10 s (25.6 px/s, 16 px/mV, so a 0.1 mV ST shift moves the trace 1.6 px), and a 13th plane draws the RR tachogram on the same time axis (each RR interval over the median, from detected QRS complexes), where a premature beat is a block of ink 8-32 px tall: with the twelve leads alone AlexNet-M-SE kept confusing occasional premature beats with normal rhythm (validation 0.894-0.924, independent test recall 0.65 for ectopy); the network is an eighth-width AlexNet (12-32-48-48-32, FC 128) with dropout 0.2, Adam; augmentation shifts in time and scales amplitude but does not zoom (a zoom changes the apparent heart rate by up to 3%, against a 4% gap between normal rhythm and tachycardia). The best epoch is the one with the lowest validation loss: 66 validation records move accuracy in 1.5% steps, and over three training seeds the highest-accuracy epoch was twice an early one 2% worse on 500 further synthetic validation records (at 20 epochs, mean 0.976 against 0.981 by loss); 20 epochs rather than 15 gained there too (last epoch 0.983 against 0.977)',
    level: 'paper440',
    model: { inputSize: 64, inputHeight: 64, inputWidth: 256, inChannels: 13, numClasses: 10, width: 0.125, fcWidth: 128, dropout: 0.2, seReduction: 8 },
    render: { width: 256, height: 64, layout: 'lead-channels', channels: 13, leadSpanMv: 4, rhythmPlane: true },
    train: { epochs: 20, batchSize: 16, optimizer: 'adam', lr: 1e-3, momentum: 0.9, weightDecay: 1e-4, schedule: 'cosine', warmupEpochs: 1, augment: TIME_SHIFT_AUGMENT, bestBy: 'val-loss' },
    independentPerClass: 100,
  },
  demo: {
    name: 'demo',
    why: "the browser demo's Train page (docs/demo-train-bench.md): the default's input kind (a 64-px plane per lead plus the rhythm plane) at half its width, 64×128 (12.8 px/s over the 10 s), the default's eighth-width network with a 64-wide head and no dropout, Adam at 1e-3 over batches of 8 (a short run needs many small steps more than exact gradients; 3e-3 learned half as fast), cosine over 12 epochs of 20 records per class, no augmentation (the page draws 20 training records per class; the level, 29 per class, gives about 20 after the CLI's 70/15/15 split)",
    level: 29,
    model: { inputSize: 64, inputHeight: 64, inputWidth: 128, inChannels: 13, numClasses: 10, width: 0.125, fcWidth: 64, dropout: 0, seReduction: 8 },
    render: { width: 128, height: 64, layout: 'lead-channels', channels: 13, leadSpanMv: 4, rhythmPlane: true },
    train: { epochs: 12, batchSize: 8, optimizer: 'adam', lr: 1e-3, momentum: 0.9, weightDecay: 1e-4, schedule: 'cosine', warmupEpochs: 0, augment: NO_AUGMENT, bestBy: 'val-loss' },
    independentPerClass: 0,
  },
  tiny: {
    name: 'tiny',
    why: 'a smoke test: a few records per class, 64×64, a narrow network, 2 epochs',
    level: 6,
    model: { inputSize: 64, inChannels: 1, numClasses: 10, width: 0.125, fcWidth: 32, dropout: 0.5, seReduction: 4 },
    render: { width: 64, height: 64, layout: 'stacked', channels: 1 },
    train: { epochs: 2, batchSize: 8, optimizer: 'adam', lr: 1e-3, momentum: 0.9, weightDecay: 0, schedule: 'constant', warmupEpochs: 0, augment: NO_AUGMENT },
    independentPerClass: 0,
  },
};

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset '${name}' (choose from ${Object.keys(PRESETS).join(', ')})`);
  return p;
}
