/**
 * Keeps the default preset's input honest: at its render size the details the classes live in must
 * still be there in pixels — a 0.1 mV ST shift (the clinical criterion's smallest), a 40 ms wider QRS
 * (bundle branch block) and a premature beat. Measured on the preset's own tensor render.
 */
import { describe, expect, it } from 'vitest';
import { renderDefaults, renderToTensorData, tensorChannels } from '../../src/ecg/render.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { STANDARD_LEADS, type EcgRecord } from '../../src/ecg/types.js';
import { PRESETS } from '../../src/train/presets.js';

const FS = 500, SECONDS = 10;
const preset = PRESETS.quick;

/** Beats at `times` (s): a triangular QRS of 1.2 mV and `qrs` s, then an ST plateau at `st` mV for 160 ms. */
function record(times: number[], st: number, qrs = 0.09): EcgRecord {
  const n = FS * SECONDS, sig = new Float32Array(n);
  for (const t of times) {
    for (let i = 0; i < n; i++) {
      const dt = i / FS - t;
      if (dt >= -qrs / 2 && dt < qrs / 2) sig[i] += 1.2 * (1 - Math.abs(dt) / (qrs / 2));
      else if (dt >= qrs / 2 + 0.02 && dt < qrs / 2 + 0.18) sig[i] += st;
    }
  }
  return { ...generateRecord(0, 1), digital: undefined, signals: STANDARD_LEADS.map(() => Float32Array.from(sig)), source: 'test' };
}

const beats = Array.from({ length: 12 }, (_, k) => 0.5 + 0.8 * k);
const plane = (rec: EcgRecord, index = 0) => {
  const o = renderDefaults(preset.render);
  const img = renderToTensorData(rec, preset.render);
  return { px: img.subarray(index * o.width * o.height, (index + 1) * o.width * o.height), w: o.width, h: o.height, pxPerS: o.width / o.seconds };
};
/** Rows from mid-height to the farthest inked pixel (ink > 0.5) of column x, signed (+ = below). */
function farthestInk(p: ReturnType<typeof plane>, x: number): number {
  let best = 0;
  for (let y = 0; y < p.h; y++) {
    const d = y + 0.5 - p.h / 2;
    if (1 - p.px[y * p.w + x] > 0.5 && Math.abs(d) > Math.abs(best)) best = d;
  }
  return best;
}
/** Ink-weighted mean row of column x (ink = 1 − value). */
function inkRow(p: ReturnType<typeof plane>, x: number): number {
  let s = 0, m = 0;
  for (let y = 0; y < p.h; y++) { const ink = 1 - p.px[y * p.w + x]; s += ink; m += ink * y; }
  return m / s;
}
/** Ink summed over rows, per column. */
const inkColumns = (p: ReturnType<typeof plane>) => Array.from({ length: p.w }, (_, x) => {
  let s = 0;
  for (let y = 0; y < p.h; y++) s += 1 - p.px[y * p.w + x];
  return s;
});

describe(`default preset (${preset.name}) keeps the classes' details visible`, () => {
  it('renders one plane per lead and the rhythm plane when the layout is lead-channels', () => {
    const c = tensorChannels(preset.render);
    expect(c).toBe(STANDARD_LEADS.length + 1);
    expect(c).toBe(preset.model.inChannels);
  });

  it('draws a regular rhythm flat and a premature beat (and its pause) ≥ 8 px away in the rhythm plane', () => {
    const early = beats.map((t, k) => (k === 6 ? t - 0.25 : t));
    const regular = plane(record(beats, 0), STANDARD_LEADS.length), premature = plane(record(early, 0), STANDARD_LEADS.length);
    const col = (t: number) => Math.round(t * regular.pxPerS);
    for (let k = 1; k < beats.length; k++) expect(Math.abs(farthestInk(regular, col((beats[k - 1] + beats[k]) / 2)))).toBeLessThanOrEqual(1.5);
    // The short interval (beat 5 → early beat 6) is drawn above or below mid-height, the pause after it on the other side.
    const short = farthestInk(premature, col((early[5] + early[6]) / 2)), pause = farthestInk(premature, col((early[6] + early[7]) / 2));
    expect(Math.abs(short)).toBeGreaterThanOrEqual(8);
    expect(Math.abs(pause)).toBeGreaterThanOrEqual(8);
    expect(Math.sign(short)).toBe(-Math.sign(pause));
    // Before the premature beat the line is where the regular rhythm's is.
    expect(Math.abs(farthestInk(premature, col((early[2] + early[3]) / 2)))).toBeLessThanOrEqual(1.5);
  });

  it('moves the trace by at least one pixel for a 0.1 mV ST shift', () => {
    const flat = plane(record(beats, 0)), raised = plane(record(beats, 0.1));
    // Middle of the ST plateau of the 6th beat.
    const x = Math.round((beats[5] + 0.045 + 0.1) * flat.pxPerS);
    expect(inkRow(flat, x) - inkRow(raised, x)).toBeGreaterThanOrEqual(1);
  });

  it('widens a QRS complex in ink by at least one pixel when it is 40 ms wider', () => {
    const width = (qrs: number) => {
      const cols = inkColumns(plane(record(beats, 0, qrs)));
      const x0 = Math.round(beats[5] * flat0.pxPerS);
      // Columns around the 6th beat whose ink exceeds the flat baseline's by half the peak excess.
      const span = cols.slice(x0 - 12, x0 + 12), base = Math.min(...span), peak = Math.max(...span);
      return span.filter((v) => v - base > 0.25 * (peak - base)).length;
    };
    const flat0 = plane(record(beats, 0));
    expect(width(0.13) - width(0.09)).toBeGreaterThanOrEqual(1);
  });

  it('shows a premature beat 250 ms early at least five pixels from where a regular beat would be', () => {
    const early = beats.map((t, k) => (k === 6 ? t - 0.25 : t));
    const a = inkColumns(plane(record(beats, 0))), b = inkColumns(plane(record(early, 0)));
    const p = plane(record(beats, 0));
    const argmaxNear = (cols: number[], t: number) => {
      const c = Math.round(t * p.pxPerS);
      let best = c - 15;
      for (let x = c - 15; x <= c + 15; x++) if (cols[x] > cols[best]) best = x;
      return best;
    };
    expect(argmaxNear(a, beats[6]) - argmaxNear(b, beats[6] - 0.1)).toBeGreaterThanOrEqual(5);
  });
});
