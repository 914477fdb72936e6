/**
 * Trains the multi-label findings head (src/models/findings-head.ts) on the GPU through the op table:
 * inputs standardised on the training records, AdamW on sigmoid binary cross-entropy, mini-batches in
 * a seeded shuffle, the epoch with the lowest validation loss kept; an ensemble of `members` seeds.
 */
import { Tensor } from '../../engine/tensor.js';
import { tidy } from '../../engine/scope.js';
import { backward, noGrad, sigmoidBinaryCrossEntropy } from '../../autograd/index.js';
import { FindingsMlp, type FindingsHeadSpec } from '../../models/findings-head.js';
import type { HostEntry } from '../../models/model-file.js';
import { AdamW } from '../../optim/index.js';
import { shuffled } from '../data.js';
import { meanBce } from '../eval/multilabel.js';

/** Rows of raw head inputs and their 0/1 truth (n × k, row-major). */
export interface HeadData {
  x: Float64Array[];
  truth: Uint8Array;
}

export interface HeadOptions {
  hidden: number;
  dropout: number;
  members: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Targets pulled towards 0.5 by this amount (0: hard 0/1 labels). */
  labelSmoothing: number;
  seed: number;
  /** After each member's epoch (validation loss included); resolve to 'stop' to end the training there:
   * the members finished so far and this one's best epoch are kept. */
  onEpoch?: (e: HeadEpoch) => void | 'stop' | Promise<void | 'stop'>;
}

/** One epoch of one member: `seconds` since the head's training began. */
export interface HeadEpoch { member: number; members: number; epoch: number; epochs: number; valLoss: number; seconds: number }

export const DEFAULT_HEAD: HeadOptions = {
  hidden: 32, dropout: 0.2, members: 5, epochs: 150, batchSize: 64, lr: 3e-3, weightDecay: 1e-2, labelSmoothing: 0.02, seed: 1,
};

export interface TrainedHead {
  spec: FindingsHeadSpec;
  /** The tensors as the model file stores them (findings.<m>.<layer>.<param>). */
  entries: HostEntry[];
  /** The same tensors by name, as inference reads them. */
  weights: Map<string, Float32Array>;
  /** Per member: the epoch kept and its validation loss. */
  members: { bestEpoch: number; valLoss: number }[];
}

/** Per-input mean and standard deviation over `rows` (a constant input gets std 1, so it stays 0). */
export function standardisation(rows: readonly Float64Array[]): { mean: number[]; std: number[] } {
  const n = rows.length, d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0), std = new Array<number>(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  for (const r of rows) for (let j = 0; j < d; j++) std[j] += (r[j] - mean[j]) ** 2 / n;
  return { mean, std: std.map((v) => (Math.sqrt(v) > 1e-9 ? Math.sqrt(v) : 1)) };
}

function standardised(rows: readonly Float64Array[], mean: readonly number[], std: readonly number[]): Float32Array {
  const d = mean.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => { for (let j = 0; j < d; j++) out[i * d + j] = (r[j] - mean[j]) / std[j]; });
  return out;
}

/** Host copies of a trained member's tensors under the file's names (`findings.<m>.<layer>.<param>`). */
async function memberEntries(mlp: FindingsMlp, m: number): Promise<HostEntry[]> {
  const named = mlp.namedParameters();
  const datas = await Tensor.readAll(named.map(([, t]) => t));
  return named.map(([name, t], i) => ({ name: `findings.${m}.${name.replace(/^net\./, '')}`, shape: [...t.shape], data: datas[i] }));
}

/**
 * Trains the ensemble on `train`, keeping each member's lowest-validation-loss epoch. `inputs` names the
 * columns of x.
 */
export async function trainFindingsHead(inputs: readonly string[], k: number, train: HeadData, val: HeadData, options: Partial<HeadOptions> = {}): Promise<TrainedHead> {
  const o = { ...DEFAULT_HEAD, ...options };
  const d = inputs.length;
  if (!train.x.length || !val.x.length) throw new Error('findings head: training and validation records are both needed');
  const { mean, std } = standardisation(train.x);
  const xTrain = standardised(train.x, mean, std), xVal = standardised(val.x, mean, std);
  const target = Float32Array.from(train.truth, (t) => t * (1 - o.labelSmoothing) + 0.5 * o.labelSmoothing);
  const n = train.x.length, nVal = val.x.length;
  const entries: HostEntry[] = [];
  const members: TrainedHead['members'] = [];
  const valInput = Tensor.from(xVal, [nVal, d]).keep();
  const t0 = performance.now();
  let stopped = false;
  try {
    for (let m = 0; m < o.members && !stopped; m++) {
      const seed = o.seed * 101 + m;
      const mlp = new FindingsMlp(d, o.hidden, k, o.dropout, seed);
      const opt = new AdamW(mlp.parameters(), { lr: o.lr, weightDecay: o.weightDecay });
      let best = { bestEpoch: -1, valLoss: Infinity }, bestEntries: HostEntry[] = [];
      let step = 0;
      try {
        for (let epoch = 0; epoch < o.epochs; epoch++) {
          mlp.train();
          const order = shuffled(n, seed * 7919 + epoch);
          for (let b = 0; b < n; b += o.batchSize) {
            const idx = order.slice(b, b + o.batchSize);
            const xb = new Float32Array(idx.length * d), yb = new Float32Array(idx.length * k);
            idx.forEach((r, i) => { xb.set(xTrain.subarray(r * d, (r + 1) * d), i * d); yb.set(target.subarray(r * k, (r + 1) * k), i * k); });
            tidy(() => {
              mlp.setStep(step++);
              const loss = sigmoidBinaryCrossEntropy(mlp.forward(Tensor.from(xb, [idx.length, d])), Tensor.from(yb, [idx.length, k]));
              backward(loss);
              opt.step();
              opt.zeroGrad();
            });
          }
          mlp.eval();
          const logits = tidy(() => noGrad(() => mlp.forward(valInput)).keep());
          const z = await logits.read();
          logits.dispose();
          const loss = meanBce(val.truth, Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v))));
          if (!Number.isFinite(loss)) throw new Error(`findings head: validation loss became ${loss} (member ${m}, epoch ${epoch + 1})`);
          if (loss < best.valLoss) {
            best = { bestEpoch: epoch + 1, valLoss: loss };
            bestEntries = await memberEntries(mlp, m);
          }
          const report = { member: m + 1, members: o.members, epoch: epoch + 1, epochs: o.epochs, valLoss: loss, seconds: (performance.now() - t0) / 1000 };
          if ((await o.onEpoch?.(report)) === 'stop') { stopped = true; break; }
        }
      } finally {
        mlp.dispose();
        opt.disposeState();
      }
      entries.push(...bestEntries);
      members.push(best);
    }
  } finally {
    valInput.dispose();
  }
  const weights = new Map(entries.map((e) => [e.name, e.data]));
  const spec: FindingsHeadSpec = { inputs: [...inputs], mean, std, hidden: o.hidden, members: members.length };
  return { spec, entries, weights, members };
}
