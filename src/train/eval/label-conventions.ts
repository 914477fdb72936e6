/**
 * How each source database labels the same measured situation: the conventions a model trained on some
 * hospitals carries to the next. Every row picks records by what the criteria measure (src/ecg/criteria.ts,
 * the same quantities for every source) and counts how many of them a source gives a label; where the
 * sources disagree, no single score can rank both sources' positives first. `npm run label-conventions`
 * prints the table for ../shared/data (docs/real-records.md quotes it).
 */
import { BRADYCARDIA_BPM, criteriaParts, criteriaScores, TACHYCARDIA_BPM } from '../../ecg/criteria.js';
import { CLASS_NAMES } from '../../ecg/types.js';

export interface ConventionRecord {
  source: string;
  /** Labelled classes (indices into CLASS_NAMES). */
  classes: readonly number[];
  /** Measurements in FEATURE_NAMES order. */
  features: ArrayLike<number>;
  /** Every lead normalised to the same peak-to-peak by its header (ecg/plausibility.ts). */
  leadsNormalised: boolean;
}

export interface ConventionCount { labelled: number; of: number }

export interface ConventionRow {
  /** The records counted, as measured. */
  measured: string;
  /** The label counted among them. */
  labelled: string;
  bySource: Map<string, ConventionCount>;
}

const cls = (name: (typeof CLASS_NAMES)[number]) => CLASS_NAMES.indexOf(name);
const SR = cls('normal sinus rhythm'), TACHY = cls('sinus tachycardia'), BRADY = cls('sinus bradycardia');
const LBBB = cls('LBBB'), RBBB = cls('RBBB');
/** A criterion score at or above this reads as present; below 1 − this as absent. */
const CLEAR = 0.9;

interface Question {
  measured: string;
  labelled: string;
  /** Whether the record is counted, and whether it carries the label. */
  among: (r: ConventionRecord) => boolean;
  has: (r: ConventionRecord) => boolean;
}

const has = (r: ConventionRecord, c: number) => r.classes.includes(c);
const sinusAt = (r: ConventionRecord, lo: number, hi: number) => {
  const { sinus, rate } = criteriaParts(r.features);
  return sinus !== undefined && rate !== undefined && sinus >= 0.5 && rate >= lo && rate < hi;
};

const QUESTIONS: readonly Question[] = [
  {
    measured: `sinus at ${BRADYCARDIA_BPM - 10}-${BRADYCARDIA_BPM - 1} bpm, labelled sinus rhythm or bradycardia`,
    labelled: 'normal sinus rhythm (not bradycardia)',
    among: (r) => sinusAt(r, BRADYCARDIA_BPM - 10, BRADYCARDIA_BPM) && (has(r, SR) || has(r, BRADY)),
    has: (r) => has(r, SR) && !has(r, BRADY),
  },
  {
    measured: `sinus at ${TACHYCARDIA_BPM - 10}-${TACHYCARDIA_BPM - 1} bpm, labelled sinus rhythm or tachycardia`,
    labelled: 'sinus tachycardia',
    among: (r) => sinusAt(r, TACHYCARDIA_BPM - 10, TACHYCARDIA_BPM) && (has(r, SR) || has(r, TACHY)),
    has: (r) => has(r, TACHY),
  },
  {
    measured: 'labelled sinus tachycardia or bradycardia',
    labelled: 'normal sinus rhythm as well',
    among: (r) => has(r, TACHY) || has(r, BRADY),
    has: (r) => has(r, SR),
  },
  {
    measured: 'normal sinus rhythm by the criterion (≥ 0.5)',
    labelled: 'normal sinus rhythm',
    among: (r) => criteriaScores(r.features)[SR] >= 0.5,
    has: (r) => has(r, SR),
  },
  {
    measured: 'normal sinus rhythm by the criterion (≥ 0.5), with another of the ten classes labelled',
    labelled: 'normal sinus rhythm as well',
    among: (r) => criteriaScores(r.features)[SR] >= 0.5 && r.classes.some((c) => c !== SR && c !== TACHY && c !== BRADY),
    has: (r) => has(r, SR),
  },
  {
    measured: 'a bundle branch block pattern (LBBB or RBBB criterion ≥ 0.9)',
    labelled: 'that bundle branch block',
    among: (r) => { const s = criteriaScores(r.features); return s[LBBB] >= CLEAR || s[RBBB] >= CLEAR; },
    has: (r) => { const s = criteriaScores(r.features); return (s[LBBB] >= CLEAR && has(r, LBBB)) || (s[RBBB] >= CLEAR && has(r, RBBB)); },
  },
  {
    measured: 'every record',
    labelled: 'leads normalised per lead (voltages unreadable)',
    among: () => true,
    has: (r) => r.leadsNormalised,
  },
];

/** One row per question: per source, how many of the records it picks carry the label. */
export function labelConventions(records: readonly ConventionRecord[]): ConventionRow[] {
  return QUESTIONS.map((q) => {
    const bySource = new Map<string, ConventionCount>();
    for (const r of records) {
      if (!q.among(r)) continue;
      const c = bySource.get(r.source) ?? { labelled: 0, of: 0 };
      c.of++;
      if (q.has(r)) c.labelled++;
      bySource.set(r.source, c);
    }
    return { measured: q.measured, labelled: q.labelled, bySource };
  });
}

/** The rows as a Markdown table, a column per source ("k of n"; "—" where a source has none). */
export function conventionsMarkdown(rows: readonly ConventionRow[], sources: readonly string[]): string {
  const cell = (c: ConventionCount | undefined) => (c ? `${c.labelled} of ${c.of}` : '—');
  return [
    `| records, as measured | labelled | ${sources.join(' | ')} |`,
    `|---|---|${sources.map(() => '--:').join('|')}|`,
    ...rows.map((r) => `| ${r.measured} | ${r.labelled} | ${sources.map((s) => cell(r.bySource.get(s))).join(' | ')} |`),
  ].join('\n');
}
