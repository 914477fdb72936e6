/**
 * Record → the normalised input tensor a model file describes. The geometry (layout, height, width,
 * channels, seconds) is read from the model's own render options, never assumed: a model trained on
 * 128×128 stacked leads and one on 224×224 RGB 12-lead pages both get what they were trained on.
 */
import type { ModelMeta } from '../models/model-file.js';
import { readableTwelveLead } from '../ecg/quality.js';
import { renderDefaults, renderTensor, RHYTHM_PLANE_MIN_BEATS, type RenderOptions } from '../ecg/render.js';
import type { EcgRecord } from '../ecg/types.js';
import { normaliseInto } from '../inference/normalise.js';

export interface ModelInput {
  /** One normalised image, CHW. */
  data: Float32Array;
  shape: [number, number, number];
  /** The 12 standard leads in order, as rendered. */
  record: EcgRecord;
  warnings: string[];
  /** The record's amplitudes are normalised per lead (ecg/plausibility.ts): voltage findings cannot be read. */
  voltagesUnreadable: boolean;
}

/** The render options of a model (what its images were drawn with), channels included. */
export function modelRenderOptions(meta: ModelMeta): RenderOptions & { channels: number } {
  const r = meta.input.render as RenderOptions & { channels?: number };
  return { ...r, channels: r.channels ?? meta.config.inChannels };
}

/** Refuses what the model cannot read (see ecg/quality.ts), renders and normalises the rest. */
export function modelInput(rec: EcgRecord, meta: ModelMeta): ModelInput {
  const render = modelRenderOptions(meta);
  const { record, warnings, plausibility } = readableTwelveLead(rec, render);
  const o = renderDefaults(render);
  const c = meta.config.inChannels;
  const { data: raw, beats } = renderTensor(record, render);
  if (raw.length !== c * o.height * o.width) {
    throw new Error(`model input mismatch: the renderer gave ${raw.length} values, the model takes ${c}×${o.height}×${o.width}`);
  }
  if (beats && beats.length < RHYTHM_PLANE_MIN_BEATS) {
    warnings.push(`only ${beats.length} QRS complex${beats.length === 1 ? '' : 'es'} found: the rhythm plane (RR intervals) is blank, so rhythm classes are judged without it`);
  }
  const data = new Float32Array(raw.length);
  normaliseInto(raw, meta.input, o.height * o.width, data);
  return { data, shape: [c, o.height, o.width], record, warnings, voltagesUnreadable: plausibility?.perLeadNormalisedMv !== undefined };
}
