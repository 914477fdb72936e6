/**
 * Record → image, browser-safe. Two layouts on ECG paper (25 mm/s, 10 mm/mV, 1 mm grid with 5 mm
 * major lines, calibration pulse, lead labels):
 *  - `12lead`: 3 rows × 4 columns of 2.5 s (I,aVR,V1,V4 / II,aVL,V2,V5 / III,aVF,V3,V6) + a 10 s lead II
 *    rhythm strip;
 *  - `stacked`: every lead over the whole duration, one under the other;
 *  - `lead-channels`: one image plane per standard lead (I..V6), each the whole duration edge to edge
 *    with the baseline at mid-height and `leadSpanMv` millivolts from top to bottom (taller swings are
 *    clipped at the plane's edges). No grid, labels or calibration pulse: every pixel is signal, and a
 *    convolution sees all twelve leads at the same instant.
 * The page is laid out in millimetres and mapped to the requested pixel size (x and y scales may
 * differ). At classifier size (224×224, <1 px/mm) the minor grid would be noise: only a faint major
 * grid is drawn and traces are at least 1 px wide.
 */
import { Canvas, type Rgb } from '../image/raster.js';
import { encodePng, type Deflate } from '../image/png.js';
import { prepareRecord } from './preprocess.js';
import { detectQrs, medianOf, rrIntervals } from './qrs-detect.js';
import { DERIVED_LIMB_LEADS, STANDARD_LEADS, type EcgRecord } from './types.js';
import { DEFAULT_IMAGE_SIZE, tensorChannels, type GridStyle, type Layout } from '../models/render-geometry.js';

export type { Layout, GridStyle } from '../models/render-geometry.js';
export { tensorChannels };

export interface RenderOptions {
  layout?: Layout;
  /** Pixels (default 224×224, the classifier input). */
  width?: number;
  height?: number;
  grid?: GridStyle;
  /** Trace width in pixels (default: 0.35 mm, at least 1 px). */
  lineWidth?: number;
  /** Lead labels and the speed/gain footer (default: on when width ≥ 300). */
  labels?: boolean;
  /** 1 mV calibration pulse at the start of each row (default true). */
  calibration?: boolean;
  /** Baseline-wander removal before drawing (default true). */
  removeBaseline?: boolean;
  /** Duration shown (default 10 s: longer records are cropped to the start, shorter padded). */
  seconds?: number;
  /** mm/mV (default 10) and mm/s (default 25). */
  gain?: number;
  speed?: number;
  /** `lead-channels`: millivolts from the top to the bottom of a lead's plane (default 5). */
  leadSpanMv?: number;
  /** `lead-channels`: a 13th plane, the RR tachogram (default false); see drawRhythmPlane. */
  rhythmPlane?: boolean;
}

export interface RenderedImage { width: number; height: number; rgba: Uint8Array }

const ROWS_12 = [['I', 'aVR', 'V1', 'V4'], ['II', 'aVL', 'V2', 'V5'], ['III', 'aVF', 'V3', 'V6']];
const MINOR: Rgb = [1, 0.8, 0.8];
const MAJOR: Rgb = [0.93, 0.45, 0.45];
const FAINT: Rgb = [1, 0.75, 0.75];
const INK: Rgb = [0, 0, 0];
const LEFT_MM = 10, RIGHT_MM = 5, TOP_MM = 5, BOTTOM_MM = 5;

/** Normalised options with defaults filled in (also what the render cache hashes). */
export function renderDefaults(opts: RenderOptions = {}): Required<RenderOptions> {
  const width = opts.width ?? DEFAULT_IMAGE_SIZE, height = opts.height ?? DEFAULT_IMAGE_SIZE;
  return {
    layout: opts.layout ?? '12lead', width, height, grid: opts.grid ?? 'auto', lineWidth: opts.lineWidth ?? 0,
    labels: opts.labels ?? width >= 300, calibration: opts.calibration ?? true,
    removeBaseline: opts.removeBaseline ?? true, seconds: opts.seconds ?? 10, gain: opts.gain ?? 10, speed: opts.speed ?? 25,
    leadSpanMv: opts.leadSpanMv ?? 5, rhythmPlane: opts.rhythmPlane ?? false,
  };
}

/** Finds a lead by name (case-insensitive); derives missing limb leads from I and II when possible. */
function leadSignal(rec: EcgRecord, name: string): Float32Array | undefined {
  const idx = rec.leads.findIndex((l) => l.trim().toLowerCase() === name.toLowerCase());
  if (idx >= 0) return rec.signals[idx];
  const I = leadSignal1(rec, 'I'), II = leadSignal1(rec, 'II');
  if (!I || !II) return undefined;
  const derived = Object.keys(DERIVED_LIMB_LEADS).find((l) => l.toLowerCase() === name.toLowerCase());
  if (!derived) return undefined;
  const g = DERIVED_LIMB_LEADS[derived];
  const out = new Float32Array(I.length);
  for (let i = 0; i < out.length; i++) out[i] = g(I[i], II[i]);
  return out;
}
function leadSignal1(rec: EcgRecord, name: string): Float32Array | undefined {
  const idx = rec.leads.findIndex((l) => l.trim().toLowerCase() === name.toLowerCase());
  return idx >= 0 ? rec.signals[idx] : undefined;
}

interface Row { base: number; segments: { lead: string; t0: number; t1: number; x0: number }[] }

function drawRecord(rec: EcgRecord, o: Required<RenderOptions>): Canvas {
  const r = prepareRecord(rec, { seconds: o.seconds, removeBaseline: o.removeBaseline });
  const stripMm = o.seconds * o.speed;
  const pageW = LEFT_MM + stripMm + RIGHT_MM;
  const rows: Row[] = [];
  let pitch: number;
  if (o.layout === '12lead') {
    pitch = 5 * o.gain;
    const colS = o.seconds / 4;
    ROWS_12.forEach((names, i) => rows.push({
      base: TOP_MM + (i + 0.6) * pitch,
      segments: names.map((lead, c) => ({ lead, t0: c * colS, t1: (c + 1) * colS, x0: LEFT_MM + c * colS * o.speed })),
    }));
    rows.push({ base: TOP_MM + 3.6 * pitch, segments: [{ lead: 'II', t0: 0, t1: o.seconds, x0: LEFT_MM }] });
  } else {
    pitch = 2.5 * o.gain;
    r.leads.forEach((lead, i) => rows.push({ base: TOP_MM + (i + 0.6) * pitch, segments: [{ lead, t0: 0, t1: o.seconds, x0: LEFT_MM }] }));
  }
  const pageH = TOP_MM + rows.length * pitch + BOTTOM_MM;
  const sx = o.width / pageW, sy = o.height / pageH, s = Math.min(sx, sy);
  const cv = new Canvas(o.width, o.height);

  // Grid, anchored at the trace origin so major lines fall on whole 0.2 s / 0.5 mV steps.
  const grid = o.grid === 'auto' ? (s >= 2.5 ? 'full' : s >= 0.5 ? 'major' : 'none') : o.grid;
  if (grid !== 'none') {
    const full = grid === 'full';
    const step = full ? 1 : 5;
    const yOrigin = rows[0].base;
    for (let k = Math.ceil(-LEFT_MM / step); k * step <= pageW; k++) {
      const major = (k * step) % 5 === 0;
      const x = (LEFT_MM + k * step) * sx;
      if (full) cv.vline(x, 0, o.height, major ? Math.max(1, 0.2 * sx) : Math.max(0.6, 0.08 * sx), major ? MAJOR : MINOR);
      else cv.vline(x, 0, o.height, 1, FAINT, 0.55);
    }
    for (let k = Math.ceil(-yOrigin / step); yOrigin + k * step <= pageH; k++) {
      const major = (k * step) % 5 === 0;
      const y = (yOrigin + k * step) * sy;
      if (full) cv.hline(y, 0, o.width, major ? Math.max(1, 0.2 * sy) : Math.max(0.6, 0.08 * sy), major ? MAJOR : MINOR);
      else cv.hline(y, 0, o.width, 1, FAINT, 0.55);
    }
  }

  const lw = o.lineWidth > 0 ? o.lineWidth : Math.max(1, 0.35 * s);
  const fs = r.fs;
  const labelScale = Math.max(1, Math.round((3 * sy) / 7));
  for (const row of rows) {
    if (o.calibration) {
      const b = row.base, g = o.gain;
      const xs = [1, 2.5, 2.5, 7.5, 7.5, 9].map((v) => v * sx);
      const ys = [b, b, b - g, b - g, b, b].map((v) => v * sy);
      cv.polyline(xs, ys, lw);
    }
    for (const seg of row.segments) {
      const sig = leadSignal(r, seg.lead);
      if (sig) {
        const i0 = Math.round(seg.t0 * fs), i1 = Math.min(sig.length - 1, Math.round(seg.t1 * fs));
        const n = Math.max(0, i1 - i0 + 1);
        const xs = new Float32Array(n), ys = new Float32Array(n);
        for (let k = 0; k < n; k++) {
          xs[k] = (seg.x0 + (k / fs) * o.speed) * sx;
          ys[k] = (row.base - sig[i0 + k] * o.gain) * sy;
        }
        cv.polyline(xs, ys, lw);
      }
      if (seg.x0 > LEFT_MM && o.layout === '12lead') cv.polyline([seg.x0 * sx, seg.x0 * sx], [(row.base - 2.5) * sy, (row.base + 2.5) * sy], lw);
      if (o.labels) cv.text(seg.lead, (seg.x0 + 1) * sx, (row.base - 0.5 * pitch + 1) * sy, labelScale, INK);
    }
    cv.stroke(INK);
  }
  if (o.labels) {
    const name = rec.header?.name ? `   ${rec.header.name}` : '';
    cv.text(`${o.speed} mm/s   ${o.gain} mm/mV${name}`, LEFT_MM * sx, o.height - (BOTTOM_MM - 0.5) * sy, labelScale, INK);
  }
  return cv;
}

/** `lead-channels`: one canvas per standard lead, in STANDARD_LEADS order (+ the rhythm plane and
 * the QRS complexes it was drawn from). */
function drawLeadPlanes(rec: EcgRecord, o: Required<RenderOptions>): { planes: Canvas[]; beats?: number[] } {
  const r = prepareRecord(rec, { seconds: o.seconds, removeBaseline: o.removeBaseline });
  const sx = o.width / (o.seconds * o.speed), sy = o.height / (o.leadSpanMv * o.gain);
  const lw = o.lineWidth > 0 ? o.lineWidth : Math.max(1, 0.35 * Math.min(sx, sy));
  const mid = o.height / 2, fs = r.fs;
  const leads = STANDARD_LEADS.map((lead) => leadSignal(r, lead));
  const planes = leads.map((sig) => {
    const cv = new Canvas(o.width, o.height);
    if (sig) {
      const n = Math.min(sig.length, Math.round(o.seconds * fs));
      const xs = new Float32Array(n), ys = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        xs[k] = (k / fs) * o.speed * sx;
        ys[k] = Math.min(o.height, Math.max(0, mid - sig[k] * o.gain * sy));
      }
      cv.polyline(xs, ys, lw);
      cv.stroke(INK);
    }
    return cv;
  });
  if (!o.rhythmPlane) return { planes };
  const beats = detectQrs(leads.filter((s): s is Float32Array => !!s), fs);
  planes.push(drawRhythmPlane(beats, fs, o, lw));
  return { planes, beats };
}

/** How far an RR interval's ratio to the record's median RR is from 1 at the plane's top and bottom edges. */
export const RHYTHM_PLANE_RATIO_SPAN = 0.3;
/** Fewer QRS complexes than this leave the rhythm plane blank (two intervals are the least a median needs). */
export const RHYTHM_PLANE_MIN_BEATS = 3;

/**
 * The rhythm plane: the RR tachogram on the leads' time axis. Each interval between two detected
 * QRS complexes (detectQrs) is a horizontal line from the first beat to the second, at a height
 * given by that interval over the record's median interval (1 at mid-height, 1 ± 0.3 at the edges,
 * clipped beyond), filled with ink between it and mid-height, so that a deviation is an area of ink
 * rather than a displaced 1-px line. A regular rhythm is a flat line; a premature beat is a block on
 * one side (short RR) and, for the pause after it, one on the other. Chosen on validation (README,
 * ablation): a thin line at ±0.6 left AlexNet-M-SE confusing ectopy with normal rhythm as before;
 * ±0.3 with a half-ink fill, then a full-ink one, did better. Rate itself is not drawn here: the lead planes keep it,
 * as beat spacing.
 */
function drawRhythmPlane(beats: number[], fs: number, o: Required<RenderOptions>, lw: number): Canvas {
  const cv = new Canvas(o.width, o.height);
  if (beats.length < RHYTHM_PLANE_MIN_BEATS) return cv; // no rhythm to draw
  const rr = rrIntervals(beats), median = medianOf(rr);
  const px = o.width / (o.seconds * fs), mid = o.height / 2, perRatio = o.height / (2 * RHYTHM_PLANE_RATIO_SPAN);
  const xs: number[] = [], ys: number[] = [];
  rr.forEach((d, i) => {
    const y = Math.min(o.height, Math.max(0, mid + (1 - d / median) * perRatio));
    const x0 = beats[i] * px, x1 = beats[i + 1] * px;
    cv.fillRect(x0, Math.min(mid, y), x1, Math.max(mid, y), INK);
    xs.push(x0, x1); ys.push(y, y);
  });
  cv.polyline(Float32Array.from(xs), Float32Array.from(ys), lw);
  cv.stroke(INK);
  return cv;
}

/** Draws `rec` and returns 8-bit RGBA pixels (`lead-channels`: the planes one under the other). */
export function renderRecord(rec: EcgRecord, opts: RenderOptions = {}): RenderedImage {
  const o = renderDefaults(opts);
  if (o.layout !== 'lead-channels') return { width: o.width, height: o.height, rgba: drawRecord(rec, o).toRgba() };
  const planes = drawLeadPlanes(rec, o).planes.map((cv) => cv.toRgba());
  const rgba = new Uint8Array(planes.length * planes[0].length);
  planes.forEach((p, i) => rgba.set(p, i * p.length));
  return { width: o.width, height: o.height * planes.length, rgba };
}

/** A tensor render and, for a rhythm-plane render, the QRS complexes (sample indices) its rhythm plane was drawn from. */
export interface TensorRender { data: Float32Array; beats?: number[] }

/** Classifier input: CHW float32 in [0, 1] (3 planes RGB, 1 plane luminance, or one plane per lead). */
export function renderToTensorData(rec: EcgRecord, opts: RenderOptions & { channels?: number } = {}): Float32Array {
  return renderTensor(rec, opts).data;
}

/** renderToTensorData, also returning the rhythm plane's beats (so a caller can say when there were too few). */
export function renderTensor(rec: EcgRecord, opts: RenderOptions & { channels?: number } = {}): TensorRender {
  const o = renderDefaults(opts), c = tensorChannels(opts);
  if (o.layout !== 'lead-channels') return { data: drawRecord(rec, o).toChw(c as 1 | 3) };
  const plane = o.width * o.height, data = new Float32Array(c * plane);
  const { planes, beats } = drawLeadPlanes(rec, o);
  planes.forEach((cv, i) => data.set(cv.toChw(1), i * plane));
  return { data, beats };
}

/** PNG file bytes (RGB). Pass a deflate (e.g. zlib in Node) for compression; default is stored blocks. */
export function renderPng(rec: EcgRecord, opts: RenderOptions = {}, deflate?: Deflate): Uint8Array {
  const img = renderRecord(rec, opts);
  const n = img.width * img.height, rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) { rgb[3 * i] = img.rgba[4 * i]; rgb[3 * i + 1] = img.rgba[4 * i + 1]; rgb[3 * i + 2] = img.rgba[4 * i + 2]; }
  return encodePng(rgb, img.width, img.height, 3, deflate);
}
