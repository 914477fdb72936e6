/**
 * measureRecord's rate, QRS duration and PR interval against LUDB's cardiologist delineation (the
 * per-lead wave boundaries in `<record>.<lead>` annotation files: `(` onset, `)` offset, `N` QRS peak,
 * `p` P peak). Reference per record, from all 12 leads: for each beat annotated in lead II, QRS onset =
 * the earliest QRS onset of any lead and offset = the latest offset (the multi-lead definition the
 * measurement uses); PR = that QRS onset − the earliest P onset; medians over the beats; rate = 60 /
 * median RR of lead II's QRS annotations. Prints the differences (measured − reference). Reads only the
 * delineation, never the diagnoses.
 *   npx tsx scripts/measurements-vs-ludb.ts [../shared/data/ludb]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { measureRecord } from '../src/ecg/measurements.js';
import { readRecord } from '../src/ecg/read-record.js';
import { parseAnnotations, type Annotation } from '../src/ecg/wfdb-annotations.js';

const dir = process.argv[2] ?? join(import.meta.dirname ?? '.', '../../shared/data/ludb');
const LEADS = ['i', 'ii', 'iii', 'avr', 'avl', 'avf', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
const ONSET = 39, OFFSET = 40, QRS = 1, P = 24;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };

/** The (onset, offset) pair around the wave of `type` whose peak is within `tol` samples of `near`. */
function waveAround(anns: Annotation[], type: number, near: number, tol: number): [number, number] | undefined {
  const k = anns.findIndex((a) => a.type === type && Math.abs(a.time - near) <= tol);
  if (k < 1 || k + 1 >= anns.length || anns[k - 1].type !== ONSET || anns[k + 1].type !== OFFSET) return undefined;
  return [anns[k - 1].time, anns[k + 1].time];
}

interface Reference { bpm: number; qrsMs: number; prMs: number }

function reference(name: string, fs: number): Reference | undefined {
  const byLead = LEADS.map((l) => join(dir, `${name}.${l}`)).filter(existsSync)
    .map((f) => parseAnnotations(new Uint8Array(readFileSync(f)), f).annotations);
  const ii = byLead[LEADS.indexOf('ii')];
  if (byLead.length !== 12 || !ii) return undefined;
  const peaks = ii.filter((a) => a.type === QRS).map((a) => a.time);
  const qrs: number[] = [], pr: number[] = [];
  const tol = Math.round(0.08 * fs);
  for (const peak of peaks) {
    const waves = byLead.map((anns) => waveAround(anns, QRS, peak, tol)).filter((w): w is [number, number] => !!w);
    if (waves.length < 6) continue;
    const on = Math.min(...waves.map((w) => w[0])), off = Math.max(...waves.map((w) => w[1]));
    qrs.push(((off - on) * 1000) / fs);
    // The P wave of this beat: its peak annotation within 400 ms before QRS onset, in any lead.
    const pOn = byLead.flatMap((anns) => {
      const p = anns.filter((a) => a.type === P && a.time < on && a.time > on - 0.4 * fs).pop();
      const w = p && waveAround(anns, P, p.time, 0);
      return w ? [w[0]] : [];
    });
    if (pOn.length >= 3) pr.push(((on - Math.min(...pOn)) * 1000) / fs);
  }
  const rr = peaks.slice(1).map((t, i) => (t - peaks[i]) / fs);
  return { bpm: rr.length >= 2 ? 60 / median(rr) : NaN, qrsMs: median(qrs), prMs: median(pr) };
}

const diffs = { bpm: [] as number[], qrs: [] as number[], pr: [] as number[] };
const pairs = { bpm: [] as [number, number][], qrs: [] as [number, number][], pr: [] as [number, number][] };
let records = 0;
for (const f of readdirSync(dir).filter((x) => x.endsWith('.hea')).sort((a, b) => parseInt(a) - parseInt(b))) {
  const name = f.slice(0, -4);
  const rec = readRecord(join(dir, f));
  const ref = reference(name, rec.fs);
  if (!ref) continue;
  records++;
  const m = measureRecord(rec);
  if (m.heartRate && Number.isFinite(ref.bpm)) { diffs.bpm.push(m.heartRate.bpm - ref.bpm); pairs.bpm.push([m.heartRate.bpm, ref.bpm]); }
  if (m.qrsDurationMs !== undefined && Number.isFinite(ref.qrsMs)) { diffs.qrs.push(m.qrsDurationMs - ref.qrsMs); pairs.qrs.push([m.qrsDurationMs, ref.qrsMs]); }
  if (m.pWave?.prIntervalMs !== undefined && Number.isFinite(ref.prMs)) { diffs.pr.push(m.pWave.prIntervalMs - ref.prMs); pairs.pr.push([m.pWave.prIntervalMs, ref.prMs]); }
}
/** Pearson correlation of measured and reference values. */
function pearson(p: [number, number][]): number {
  const n = p.length, ma = p.reduce((s, x) => s + x[0], 0) / n, mb = p.reduce((s, x) => s + x[1], 0) / n;
  let ab = 0, aa = 0, bb = 0;
  for (const [a, b] of p) { ab += (a - ma) * (b - mb); aa += (a - ma) ** 2; bb += (b - mb) ** 2; }
  return ab / Math.sqrt(aa * bb);
}
const summary = (name: string, unit: string, d: number[], p: [number, number][]) => {
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const mae = d.reduce((a, b) => a + Math.abs(b), 0) / d.length;
  const abs = d.map(Math.abs).sort((a, b) => a - b);
  console.log(`${name}: ${d.length} records, measured − reference: mean ${mean.toFixed(1)} ${unit}, mean |diff| ${mae.toFixed(1)} ${unit}, ` +
    `median |diff| ${abs[abs.length >> 1].toFixed(1)} ${unit}, 90th percentile |diff| ${abs[Math.floor(0.9 * abs.length)].toFixed(1)} ${unit}, correlation ${pearson(p).toFixed(2)}`);
};
console.log(`LUDB records with 12 annotated leads: ${records}`);
summary('heart rate', 'bpm', diffs.bpm, pairs.bpm);
summary('QRS duration', 'ms', diffs.qrs, pairs.qrs);
summary('PR interval (where a P wave was measured)', 'ms', diffs.pr, pairs.pr);
