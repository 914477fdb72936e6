/**
 * Multi-segment WFDB records, pure: the segments' decoded signals joined end to end into one record.
 *
 * A master header `name/nseg nsig fs nsamples` lists segments (`segment-name nsamples`). Two layouts:
 * - fixed: every segment has the same signals; their samples are concatenated as stored (like the
 *   WFDB library, the first segment's gains and baselines describe the whole record);
 * - variable: the first segment has length 0 and is a layout header naming the record's signals;
 *   each later segment's signals are matched to them by description and rescaled to the layout's
 *   gain and baseline as the library's sigmap does: floor(v · g_layout/g_seg + b_layout − b_seg · g_layout/g_seg + 0.5).
 * Gaps (`~` segments, or a segment lacking one of the layout's signals) are "no data" samples: refused
 * with a message saying so, or, with noData 'keep' (ecgpu inspect), filled with INVALID_SAMPLE as
 * rdsamp prints them.
 */
import { EcgInputError, type RecordHeader, type SignalSpec } from './types.js';
import { INVALID_SAMPLE, type NoData } from './wfdb-signals.js';

/** A decoded single-segment record: its header and per-signal digital samples (spf per frame). */
export interface DecodedSignals {
  header: RecordHeader;
  samples: Int32Array[];
}

function sameSpec(a: SignalSpec, b: SignalSpec): boolean {
  return a.gain === b.gain && a.baseline === b.baseline && a.units === b.units;
}

/** Rescales one segment's signal to the layout signal's gain and baseline (lib/signal.c sigmap). */
function rescale(d: Int32Array, from: SignalSpec, to: SignalSpec): Int32Array {
  if (from.gain === to.gain && from.baseline === to.baseline) return d;
  const scale = to.gain / from.gain;
  const offset = to.baseline - scale * from.baseline + 0.5;
  return d.map((v) => (v === INVALID_SAMPLE ? v : Math.floor(v * scale + offset)));
}

/**
 * Joins the segments of `master` (parts[i] is segment i decoded, or null for a `~` gap). `file` is
 * the master header's path, for errors. Returns a single-segment-like header and the joined samples.
 */
export function joinSegments(master: RecordHeader, parts: (DecodedSignals | null)[], file: string, noData: NoData = 'refuse'): DecodedSignals {
  const segs = master.segments ?? [];
  const variable = segs.length > 1 && segs[0].nSamples === 0 && parts[0] !== null;
  const layout = variable ? parts[0]!.header : parts.find((p) => p !== null)?.header;
  if (!layout) throw new EcgInputError(file, 'every segment is a gap (~); there are no samples to read');
  const signals = layout.signals;
  if (signals.length !== master.nSignals) {
    throw new EcgInputError(file, `record line says ${master.nSignals} signals but segment ${layout.name} has ${signals.length}`);
  }
  const chunks: Int32Array[][] = signals.map(() => []);
  const warnings = [...(master.warnings ?? [])];
  let total = 0;
  parts.forEach((part, i) => {
    const seg = segs[i];
    if (variable && i === 0) return;
    if (part === null) {
      if (noData === 'refuse') throw new EcgInputError(file, `segment ${i + 1} is a gap (~): gaps would be "no data" samples, which are not read`);
      signals.forEach((spec, j) => chunks[j].push(new Int32Array(seg.nSamples * spec.samplesPerFrame).fill(INVALID_SAMPLE)));
      total += seg.nSamples;
      return;
    }
    const h = part.header;
    if (h.fs !== master.fs) throw new EcgInputError(file, `segment ${h.name} is sampled at ${h.fs} Hz, the record at ${master.fs} Hz`);
    if (h.nSamples !== seg.nSamples) throw new EcgInputError(file, `segment ${h.name} has ${h.nSamples} samples but the master header says ${seg.nSamples}`);
    signals.forEach((spec, j) => {
      const k = variable ? h.signals.findIndex((s) => s.description === spec.description) : j;
      const own = h.signals[k];
      if (!own && variable && noData === 'keep') {
        chunks[j].push(new Int32Array(h.nSamples * spec.samplesPerFrame).fill(INVALID_SAMPLE));
        return;
      }
      if (!own) {
        throw new EcgInputError(file, variable
          ? `segment ${h.name} has no signal '${spec.description}' of the layout: that gap would be "no data" samples, which are not read`
          : `segment ${h.name} has ${h.signals.length} signals, the record ${signals.length}`);
      }
      if (own.samplesPerFrame !== spec.samplesPerFrame) {
        throw new EcgInputError(file, `segment ${h.name}, signal ${spec.description}: ${own.samplesPerFrame} samples per frame, the record ${spec.samplesPerFrame}`);
      }
      if (!variable && !sameSpec(own, spec)) {
        warnings.push(`segment ${h.name}, signal ${j}: gain ${own.gain}(${own.baseline})/${own.units} differs from the first segment's; samples kept as stored, as rdsamp does`);
      }
      chunks[j].push(variable ? rescale(part.samples[k], own, spec) : part.samples[k]);
    });
    total += h.nSamples;
  });
  const samples = chunks.map((list) => {
    const out = new Int32Array(list.reduce((a, c) => a + c.length, 0));
    let at = 0;
    for (const c of list) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  });
  if (master.nSamples > 0 && master.nSamples !== total) {
    throw new EcgInputError(file, `record line says ${master.nSamples} samples but the segments add up to ${total}`);
  }
  const header: RecordHeader = {
    ...master,
    nSamples: total,
    signals: signals.map((s) => ({ ...s })),
    ...(warnings.length ? { warnings } : {}),
  };
  return { header, samples };
}
