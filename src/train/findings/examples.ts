/**
 * What the findings head learns from, per real record: the image network's logits and the measured
 * features, both obtained through `Classifier.classify` (the code path inference takes, so training and
 * inference cannot drift apart), plus trivial recording statistics (sampling rate, length, gain, noise)
 * that say nothing about the heart, for measuring how much a class can be told from the recording
 * setup alone (the source confound). Cached on disk per record, model and measurement set.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelMeta } from '../../models/model-file.js';
import { FEATURE_NAMES, measureRecord } from '../../ecg/measurements.js';
import { generateRecord } from '../../ecg/synthetic.js';
import { interpretDx } from '../../ecg/labels.js';
import { CLASS_NAMES } from '../../ecg/types.js';
import { readRecord } from '../../ecg/read-record.js';
import { crc32 } from '../../image/crc32.js';
import type { EcgRecord } from '../../ecg/types.js';
import { ProgressBar } from '../progress-bar.js';
import { SYNTHETIC_SOURCE, TRIVIAL_NAMES, type Example, type LabelledRecord } from './example.js';

export { SYNTHETIC_SOURCE, TRIVIAL_NAMES, type Example, type LabelledRecord };

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : 0; };
const sd = (x: ArrayLike<number>) => {
  let m = 0; for (let i = 0; i < x.length; i++) m += x[i] / x.length;
  let v = 0; for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2 / x.length;
  return Math.sqrt(v);
};

/** Recording-setup statistics of a record as read (before any repair): nothing a cardiologist would use. */
export function trivialStatistics(rec: EcgRecord): number[] {
  const fs = rec.fs, n = rec.signals[0]?.length ?? 0;
  const diffSd = rec.signals.map((s) => sd(Float32Array.from({ length: Math.max(0, s.length - 1) }, (_, i) => s[i + 1] - s[i])));
  const baselineSd = rec.signals.map((s) => {
    const w = Math.max(1, Math.round(fs));
    const means: number[] = [];
    for (let i = 0; i + w <= s.length; i += w) { let m = 0; for (let j = i; j < i + w; j++) m += s[j] / w; means.push(m); }
    return sd(means);
  });
  return [fs, n / fs, rec.signals.length, median(rec.header.signals.map((s) => s.gain)), median(rec.signals.map(sd)), median(diffSd), median(baselineSd)];
}

/**
 * What examples are made with: the embeddable Classifier (train and classifier are siblings that do not
 * import each other, so this is the shape `Classifier` already has).
 */
export interface RecordScorer {
  readonly meta: ModelMeta;
  classify(record: EcgRecord): Promise<{ logits: Float32Array; measurements: { features: Float32Array } }>;
}

/**
 * What this build's measurements give for a fixed probe (a synthetic record with premature beats): a
 * change to the measuring code changes it, so cached features of another version are never served.
 */
function measurementsFingerprint(): number {
  const probe = measureRecord(generateRecord(9, 1));
  return crc32(new TextEncoder().encode(`${FEATURE_NAMES.join(',')}|${Array.from(probe.features, (v) => v.toPrecision(6)).join(',')}`));
}

/**
 * A checksum of the code a record passes through before it becomes an example (readers, quality and
 * plausibility checks, rendering, measurements: src/ecg, src/classifier, src/inference), when run from
 * the sources; a change there (e.g. a check that now refuses a record) invalidates the cache. Empty in a
 * bundle, where the measurement fingerprint alone guards it.
 */
function sourceFingerprint(): string {
  const src = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const parts: string[] = [];
  for (const folder of ['ecg', 'classifier', 'inference']) {
    const dir = join(src, folder);
    if (!existsSync(dir)) return '';
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) parts.push(f, readFileSync(join(dir, f), 'utf8'));
  }
  return String(crc32(new TextEncoder().encode(parts.join('\0'))));
}

interface Cache { key: string; entries: Record<string, Omit<Example, keyof LabelledRecord>> }

/**
 * Examples of `records` through `clf`, reusing `cacheFile` entries made with the same model and
 * measurement set for files unchanged since (size and modification time).
 */
export async function extractExamples(records: readonly LabelledRecord[], clf: RecordScorer, opts: { cacheFile?: string; progress?: boolean } = {}): Promise<Example[]> {
  // The logits depend on the image network only (its config, input and provenance), not on a findings head.
  const { config, input, info } = clf.meta;
  const key = `${crc32(new TextEncoder().encode(JSON.stringify({ config, input, info })))}|${measurementsFingerprint()}|${sourceFingerprint()}|${TRIVIAL_NAMES.join(',')}`;
  let cache: Cache = { key, entries: {} };
  if (opts.cacheFile && existsSync(opts.cacheFile)) {
    try {
      const c = JSON.parse(readFileSync(opts.cacheFile, 'utf8')) as Cache;
      if (c.key === key) cache = c;
    } catch { /* a damaged cache is rebuilt */ }
  }
  const bar = opts.progress ? new ProgressBar('measuring records', records.length, 'rec') : undefined;
  const out: Example[] = [];
  let fresh = 0;
  for (const [i, r] of records.entries()) {
    const st = statSync(r.path);
    const id = `${r.path}|${st.size}|${st.mtimeMs}`;
    let e = cache.entries[id];
    if (!e) {
      const rec = readRecord(r.path, { digital: false });
      const trivial = trivialStatistics(rec);
      try {
        const c = await clf.classify(rec);
        e = { logits: Array.from(c.logits), features: Array.from(c.measurements.features), trivial };
      } catch (err) {
        e = { logits: [], features: [], trivial, refused: (err as Error).message };
      }
      cache.entries[id] = e;
      fresh++;
    }
    out.push({ ...r, ...e });
    bar?.update(i + 1);
  }
  if (opts.cacheFile && fresh) {
    mkdirSync(dirname(opts.cacheFile), { recursive: true });
    writeFileSync(opts.cacheFile, JSON.stringify(cache));
  }
  return out;
}


/**
 * Examples of `perClass` synthetic records per class (src/ecg/synthetic.ts, seeds from `seed` on), their
 * truth from the generator's own diagnoses (e.g. LBBB in sinus rhythm: both). Not cached: generating and
 * measuring is quick next to reading real files, and a change to the generator must show at once.
 */
export async function syntheticExamples(perClass: number, seed: number, clf: RecordScorer, numClasses = CLASS_NAMES.length): Promise<Example[]> {
  const out: Example[] = [];
  for (let cls = 0; cls < numClasses; cls++) {
    for (let i = 0; i < perClass; i++) {
      const rec = generateRecord(cls, seed + cls * 100_000 + i);
      const c = await clf.classify(rec);
      out.push({
        path: '', name: rec.header.name, source: SYNTHETIC_SOURCE, classes: interpretDx(rec.header.dx).classes,
        logits: Array.from(c.logits), features: Array.from(c.measurements.features), trivial: trivialStatistics(rec),
      });
    }
  }
  return out;
}
