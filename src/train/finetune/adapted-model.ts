/**
 * The adapted model file: the fine-tuned network with the original model's classes, input (render
 * options and normalisation: the network was fine-tuned on inputs normalised with them), temperature and
 * findings (criterion blend, criteria classes, any learned head unchanged), the findings' thresholds
 * refitted on the validation records, and what was done in `info.fineTuned`. Loadable by
 * Classifier.load and `ecgpu predict --model`.
 */
import type { AlexNet } from '../../models/alexnet.js';
import { findingsTensorShapes } from '../../models/findings-head.js';
import { saveModel, type HostEntry, type ModelMeta } from '../../models/model-file.js';

export async function adaptedModelBytes(
  model: AlexNet, original: ModelMeta, findingsWeights: ReadonlyMap<string, Float32Array>, thresholds: readonly number[], fineTuned: Record<string, unknown>,
): Promise<Uint8Array> {
  const { config: _config, findings, info, ...rest } = original;
  if (!findings) throw new Error('adaptedModelBytes: the model has no findings to refit');
  const head: HostEntry[] = findings.head
    ? findingsTensorShapes(findings.head, original.config.numClasses).map(([name, shape]) => ({ name, shape, data: findingsWeights.get(name)! }))
    : [];
  return saveModel(model, {
    ...rest,
    findings: { ...findings, thresholds: [...thresholds], info: { ...findings.info, thresholdsRefittedOn: 'the validation part of the records the network was fine-tuned with' } },
    info: { ...info, fineTuned },
  }, head);
}

/**
 * The model adapted by its findings alone: the original network and input unchanged, the findings
 * replaced by `findings` (a head learned on the visitor's records, with its tensors `entries`), and what
 * was done in `info.adapted`.
 */
export async function adaptedFindingsBytes(
  model: AlexNet, original: ModelMeta, findings: NonNullable<ModelMeta['findings']>, entries: readonly HostEntry[], adapted: Record<string, unknown>,
): Promise<Uint8Array> {
  const { config: _config, findings: _old, info, ...rest } = original;
  return saveModel(model, { ...rest, findings, info: { ...info, adapted } }, [...entries]);
}
