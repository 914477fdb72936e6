/**
 * The label-conventions table (src/train/eval/label-conventions.ts) on hand-made measurements: which
 * records each row picks by what is measured, and how it counts their labels per source.
 */
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../../src/ecg/measurements.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { conventionsMarkdown, labelConventions, type ConventionRecord } from '../../src/train/eval/label-conventions.js';

/** A regular sinus rhythm with a narrow QRS at `bpm`, then `set` applied. */
function features(bpm: number, set: Record<string, number> = {}): Float32Array {
  const f = new Float32Array(FEATURE_NAMES.length);
  for (const [n, v] of Object.entries({ rhythm_measured: 1, qrs_measured: 1, heart_rate_bpm: bpm, p_correlation_II: 0.95, qrs_duration_ms: 60, ...set })) {
    const i = FEATURE_NAMES.indexOf(n);
    expect(i, n).toBeGreaterThanOrEqual(0);
    f[i] = v;
  }
  return f;
}
const c = (name: string) => (CLASS_NAMES as readonly string[]).indexOf(name);
const rec = (source: string, classes: string[], f: Float32Array, leadsNormalised = false): ConventionRecord =>
  ({ source, classes: classes.map(c), features: f, leadsNormalised });

describe('label conventions', () => {
  const records = [
    // 55 bpm sinus: A calls it sinus rhythm, B bradycardia; a 55-bpm record without a P wave is not asked about
    rec('A', ['normal sinus rhythm'], features(55)),
    rec('A', ['normal sinus rhythm'], features(57)),
    rec('B', ['sinus bradycardia'], features(55)),
    rec('B', ['sinus bradycardia'], features(55, { p_correlation_II: 0.1 })),
    // 75 bpm sinus with LVH labelled: A also labels the rhythm, B does not
    rec('A', ['normal sinus rhythm', 'LVH'], features(75)),
    rec('B', ['LVH'], features(75)),
    // a complete RBBB pattern that B leaves unlabelled
    rec('B', [], features(75, { qrs_duration_ms: 130, qrs_terminal_V1_mv: 0.5 }), true),
  ];
  const rows = labelConventions(records);
  const row = (text: RegExp) => rows.find((r) => text.test(`${r.measured} → ${r.labelled}`))!;

  it('sinus at 50-59 bpm: how many each source calls sinus rhythm', () => {
    const r = row(/→ normal sinus rhythm \(not bradycardia\)/);
    expect(r.bySource.get('A')).toEqual({ labelled: 2, of: 2 });
    expect(r.bySource.get('B')).toEqual({ labelled: 0, of: 1 });
  });
  it('sinus rhythm with another finding; a bundle branch block pattern; normalised leads', () => {
    const withAnother = row(/another of the ten classes labelled → normal sinus rhythm as well/);
    expect(withAnother.bySource.get('A')).toEqual({ labelled: 1, of: 1 });
    expect(withAnother.bySource.get('B')).toEqual({ labelled: 0, of: 1 });
    // B's two 75-bpm sinus records (LVH, the unlabelled block) read as normal sinus rhythm; its 55-bpm ones do not
    expect(row(/criterion \(≥ 0\.5\) → normal sinus rhythm$/).bySource.get('B')).toEqual({ labelled: 0, of: 2 });
    expect(row(/^labelled sinus tachycardia or bradycardia/).bySource.get('B')).toEqual({ labelled: 0, of: 2 }); // by label: P wave or not
    expect(row(/bundle branch block/).bySource.get('B')).toEqual({ labelled: 0, of: 1 });
    expect(row(/bundle branch block/).bySource.get('A')).toBeUndefined();
    expect(row(/normalised/).bySource.get('B')).toEqual({ labelled: 1, of: 4 });
  });
  it('Markdown: a column per source, "—" where a source has no such record', () => {
    const md = conventionsMarkdown(rows, ['A', 'B', 'C']).split('\n');
    expect(md[0]).toBe('| records, as measured | labelled | A | B | C |');
    expect(md).toHaveLength(2 + rows.length);
    expect(md.find((l) => l.includes('not bradycardia'))).toMatch(/\| 2 of 2 \| 0 of 1 \| — \|$/);
  });
});
