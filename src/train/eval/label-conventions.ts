/**
 * How each source database labels the same measured situation: the conventions a model trained on some
 * hospitals carries to the next. Every row picks records by what the criteria measure (src/ecg/criteria.ts,
 * the same quantities for every source) and counts how many of them a source gives a label; where the
 * sources disagree, no single score can rank both sources' positives first. `npm run label-conventions`
 * prints the table for ../shared/data (docs/real-records.md quotes it).
 */
import { BRADYCARDIA_BPM, criteriaParts, criteriaScores, TACHYCARDIA_BPM, type CriteriaParts } from '../../ecg/criteria.js';
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

/** A record with what the criteria read on it, computed once for every question. */
interface Read {
  r: ConventionRecord;
  scores: Float64Array;
  rhythm: CriteriaParts['rhythm'];
}

interface Question {
  measured: string;
  labelled: string;
  /** Whether the record is counted, and whether it carries the label. */
  among: (x: Read) => boolean;
  has: (x: Read) => boolean;
}

const has = (x: Read, c: number) => x.r.classes.includes(c);
const sinusAt = ({ rhythm }: Read, lo: number, hi: number) => !!rhythm && rhythm.sinus >= 0.5 && rhythm.rate >= lo && rhythm.rate < hi;

const QUESTIONS: readonly Question[] = [
  {
    measured: `sinus at ${BRADYCARDIA_BPM - 10}-${BRADYCARDIA_BPM - 1} bpm, labelled sinus rhythm or bradycardia`,
    labelled: 'normal sinus rhythm (not bradycardia)',
    among: (x) => sinusAt(x, BRADYCARDIA_BPM - 10, BRADYCARDIA_BPM) && (has(x, SR) || has(x, BRADY)),
    has: (x) => has(x, SR) && !has(x, BRADY),
  },
  {
    measured: `sinus at ${TACHYCARDIA_BPM - 10}-${TACHYCARDIA_BPM - 1} bpm, labelled sinus rhythm or tachycardia`,
    labelled: 'sinus tachycardia',
    among: (x) => sinusAt(x, TACHYCARDIA_BPM - 10, TACHYCARDIA_BPM) && (has(x, SR) || has(x, TACHY)),
    has: (x) => has(x, TACHY),
  },
  {
    measured: 'labelled sinus tachycardia or bradycardia',
    labelled: 'normal sinus rhythm as well',
    among: (x) => has(x, TACHY) || has(x, BRADY),
    has: (x) => has(x, SR),
  },
  {
    measured: 'normal sinus rhythm by the criterion (≥ 0.5)',
    labelled: 'normal sinus rhythm',
    among: (x) => x.scores[SR] >= 0.5,
    has: (x) => has(x, SR),
  },
  {
    measured: 'normal sinus rhythm by the criterion (≥ 0.5), with another of the ten classes labelled',
    labelled: 'normal sinus rhythm as well',
    among: (x) => x.scores[SR] >= 0.5 && x.r.classes.some((c) => c !== SR && c !== TACHY && c !== BRADY),
    has: (x) => has(x, SR),
  },
  {
    measured: 'a bundle branch block pattern (LBBB or RBBB criterion ≥ 0.9)',
    labelled: 'that bundle branch block',
    among: (x) => x.scores[LBBB] >= CLEAR || x.scores[RBBB] >= CLEAR,
    has: (x) => (x.scores[LBBB] >= CLEAR && has(x, LBBB)) || (x.scores[RBBB] >= CLEAR && has(x, RBBB)),
  },
  {
    measured: 'every record',
    labelled: 'leads normalised per lead (voltages unreadable)',
    among: () => true,
    has: (x) => x.r.leadsNormalised,
  },
];

/** One row per question: per source, how many of the records it picks carry the label. */
export function labelConventions(records: readonly ConventionRecord[]): ConventionRow[] {
  const read: Read[] = records.map((r) => ({ r, scores: criteriaScores(r.features), rhythm: criteriaParts(r.features).rhythm }));
  return QUESTIONS.map((q) => {
    const bySource = new Map<string, ConventionCount>();
    for (const x of read) {
      if (!q.among(x)) continue;
      const c = bySource.get(x.r.source) ?? { labelled: 0, of: 0 };
      c.of++;
      if (q.has(x)) c.labelled++;
      bySource.set(x.r.source, c);
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
