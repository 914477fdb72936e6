import { readFileSync } from 'node:fs';
import { listRealRecords } from '../work/main/src/ecg/sources.js';
import { FEATURE_NAMES } from '../work/main/src/ecg/measurements.js';
import { rocCurve } from '../work/main/src/train/eval/metrics.js';
const cache = JSON.parse(readFileSync('/work/main/.cache/findings/examples.json', 'utf8'));
const recs = listRealRecords('/work/shared/data');
const byPath = new Map<string, any>();
for (const [id, e] of Object.entries<any>(cache.entries)) byPath.set(id.split('|')[0], e);
const ex = recs.map((r) => ({ ...r, ...byPath.get(r.path) })).filter((e) => !e.refused && e.features?.length);
const hr = FEATURE_NAMES.indexOf('heart_rate_bpm'), irr = FEATURE_NAMES.indexOf('rr_irregularity'), qrs = FEATURE_NAMES.indexOf('qrs_duration_ms');
for (const src of ['CPSC', 'PTB', 'Chapman-Ningbo', 'LUDB']) {
  const s = ex.filter((e) => e.source === src);
  const auc = (c: number, f: number, sign: number) => rocCurve(s.map((e) => (e.classes.includes(c) ? 1 : 0)), s.map((e) => sign * e.features[f])).auc.toFixed(2);
  console.log(src, s.length, 'brady(-hr)', auc(2, hr, -1), 'tachy(hr)', auc(1, hr, 1), 'SR(-irr)', auc(0, irr, -1), 'LBBB(qrs)', auc(3, qrs, 1), 'RBBB(qrs)', auc(4, qrs, 1), 'ectopy(irr)', auc(9, irr, 1));
  // brady records with hr
  console.log('  brady hr:', s.filter((e) => e.classes.includes(2)).map((e) => e.features[hr].toFixed(0)).join(' '));
  console.log('  non-brady hr<60:', s.filter((e) => !e.classes.includes(2) && e.features[hr] < 60).map((e) => `${e.name}:${e.features[hr].toFixed(0)}:${e.classes}`).join(' '));
}
