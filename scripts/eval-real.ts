/**
 * `npm run eval:real`: how the findings recipe generalises to hospitals it has not seen. Every real
 * record in ../shared/data (or ECGPU_SHARED_DATA) goes once through the bundled synthetic-trained image
 * network and the measurements (cached under .cache/findings/); then, for each source database, the
 * findings head is trained on the other sources and tested on it (src/train/findings/protocol.ts).
 * Printed, and written to runs/eval-real/results.md and results.json:
 *  - per held-out source: the recipe's macro AUROC [95% CI] and per-class AUROC / F1 at threshold;
 *  - the same for the measurements alone, the image network alone, recording-setup statistics alone
 *    (the confound probe), and the synthetic-only bundled network's own softmax (no real training);
 *  - how well the source database alone ranks each class (the confound itself).
 * Options: --resamples N (bootstrap draws, default 1000), --members N, --epochs N, --quick (recipe only).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Classifier } from '../src/classifier/classifier.js';
import { listRealRecords, SOURCE_GROUPS } from '../src/ecg/sources.js';
import { softmax } from '../src/train/eval/metrics.js';
import type { MultiLabelReport } from '../src/train/eval/multilabel.js';
import { extractExamples } from '../src/train/findings/examples.js';
import { criteriaScores } from '../src/ecg/criteria.js';
import {
  CNN_ONLY, CRITERIA_ONLY, leaveOneSourceOut, MEASUREMENTS_AND_CNN, RATE_CLASSES, RECIPE, scoreBySource, SETUP_ONLY, sourcePrevalenceAuroc,
  type HeldOutResult, type Recipe,
} from '../src/train/findings/protocol.js';

const { values } = parseArgs({ options: { resamples: { type: 'string' }, members: { type: 'string' }, epochs: { type: 'string' }, quick: { type: 'boolean' } } });
const shared = process.env.ECGPU_SHARED_DATA ?? join('..', 'shared', 'data');
const records = listRealRecords(shared);
if (!records.length) {
  console.error(`eval:real: no real records under ${shared} (expected real-ecg/, ludb/, ptb-xl/; set ECGPU_SHARED_DATA)`);
  process.exit(7);
}
const resamples = Number(values.resamples ?? 1000);
const head = { ...(values.members ? { members: Number(values.members) } : {}), ...(values.epochs ? { epochs: Number(values.epochs) } : {}) };
const clf = await Classifier.load(join('models', 'default.ecgpu'));
const classNames = clf.classNames;
const k = classNames.length;
const t0 = performance.now();
const examples = await extractExamples(records, clf, { cacheFile: join('.cache', 'findings', 'examples.json'), progress: true });
const refused = examples.filter((e) => e.refused);
console.log(`${examples.length} records, ${refused.length} refused by the classifier's quality checks (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
for (const e of refused) console.log(`  refused ${e.name} (${e.source}): ${e.refused}`);
const sources = [...SOURCE_GROUPS].filter((s) => examples.some((e) => e.source === s && !e.refused));

const log = (s: string) => console.log(s);
const variants: { name: string; results: HeldOutResult[] }[] = [];
const recipeName = (r: Recipe) => `head on ${r.inputs.name}${r.criteriaClasses.length ? `; ${r.criteriaClasses.map((c) => classNames[c]).join(', ')} by criteria` : ''}`;
const runRecipe = async (r: Recipe, label = recipeName(r)) => {
  console.log(`leave-one-source-out, ${label}:`);
  variants.push({ name: label, results: await leaveOneSourceOut(examples, { ...r, ...head }, classNames, sources, { resamples, log }) });
};
await runRecipe(RECIPE, `the recipe: ${recipeName(RECIPE)}`);
if (!values.quick) {
  variants.push({
    name: 'criteria alone (src/ecg/criteria.ts, nothing learnt)',
    results: scoreBySource(examples, (e) => criteriaScores(e.features), k, sources, new Array(k).fill(0.5), resamples),
  });
  for (const r of [
    { inputs: CRITERIA_ONLY, criteriaClasses: [] }, { inputs: CRITERIA_ONLY, criteriaClasses: RATE_CLASSES },
    { inputs: MEASUREMENTS_AND_CNN, criteriaClasses: [] }, { inputs: CNN_ONLY, criteriaClasses: [] }, { inputs: SETUP_ONLY, criteriaClasses: [] },
  ]) await runRecipe(r);
  const T = clf.meta.calibration.temperature;
  variants.push({
    name: 'bundled synthetic-only network (softmax, no real training)',
    results: scoreBySource(examples, (e) => softmax(Float32Array.from(e.logits), k, T), k, sources, new Array(k).fill(0.5), resamples),
  });
}
const confound = sourcePrevalenceAuroc(examples, k);
clf.dispose();

const ci = (r: MultiLabelReport) => `${r.macroAuroc.estimate.toFixed(3)} [${r.macroAuroc.lower.toFixed(2)}, ${r.macroAuroc.upper.toFixed(2)}]`;
const md: string[] = [];
md.push(`Leave-one-source-out macro AUROC [95% bootstrap CI, ${resamples} draws] over the classes with ≥ 4 positives in the held-out source (\`npm run eval:real\`):`, '');
md.push(`| head inputs | ${sources.map((s) => `${s} (${examples.filter((e) => e.source === s && !e.refused).length})`).join(' | ')} |`);
md.push(`|---|${sources.map(() => '---').join('|')}|`);
for (const v of variants) md.push(`| ${v.name} | ${sources.map((s) => { const r = v.results.find((x) => x.source === s); return r ? ci(r.report) : '—'; }).join(' | ')} |`);
md.push('', 'Per class, the recipe (AUROC [95% CI] / F1 at the threshold fitted on validation / positives):', '');
md.push(`| class | ${sources.join(' | ')} |`);
md.push(`|---|${sources.map(() => '---').join('|')}|`);
for (let c = 0; c < k; c++) {
  md.push(`| ${classNames[c]} | ${sources.map((s) => {
    const r = variants[0].results.find((x) => x.source === s)?.report.perClass[c];
    if (!r || !Number.isFinite(r.auroc)) return `— (${r?.positives ?? 0})`;
    return `${r.auroc.toFixed(2)} [${Number.isFinite(r.ci.lower) ? r.ci.lower.toFixed(2) : '?'}, ${Number.isFinite(r.ci.upper) ? r.ci.upper.toFixed(2) : '?'}] / ${r.f1.toFixed(2)} / ${r.positives}`;
  }).join(' | ')} |`);
}
md.push('', 'The confound: AUROC of scoring each record with its source database\'s prevalence of the class (all records pooled; 0.5 = the class is spread evenly over the sources):', '');
md.push(`| ${classNames.map((n, c) => `${n} (${confound.perClass[c].positives})`).join(' | ')} |`);
md.push(`|${classNames.map(() => '---').join('|')}|`);
md.push(`| ${confound.perClass.map((r) => (Number.isFinite(r.auroc) ? r.auroc.toFixed(2) : '—')).join(' | ')} |`);
const text = md.join('\n');
console.log(`\n${text}`);
const out = join('runs', 'eval-real');
if (!existsSync(out)) mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.md'), `${text}\n`);
writeFileSync(join(out, 'results.json'), JSON.stringify({ resamples, sources, refused: refused.map((e) => ({ name: e.name, source: e.source, reason: e.refused })), variants, confound }, null, 1));
console.log(`\nwritten: ${join(out, 'results.md')}, ${join(out, 'results.json')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(0);
