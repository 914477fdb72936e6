/**
 * `npm run eval:real`: how the findings recipe generalises to hospitals it has not seen. Every real
 * record in ../shared/data (or ECGPU_SHARED_DATA) goes once through the bundled synthetic-trained image
 * network and the measurements (cached under .cache/findings/); then, for each source database, each
 * recipe is fitted on the other sources and tested on it (src/train/findings/protocol.ts); 200
 * independent synthetic records are a further held-out column.
 * Printed, and written to runs/eval-real/results.md and results.json:
 *  - per held-out source: the recipe's macro AUROC [95% CI] and per-class AUROC / F1 at threshold;
 *  - the same for the alternatives: criteria alone, the synthetic-trained network alone, another blend,
 *    learned heads (on criteria, measurements, the network's logits) and a head on recording-setup
 *    statistics alone (the confound probe);
 *  - adapting to one hospital: each source with ≥ 100 records split 70/30, the recipe and the local
 *    recipe (a head fitted on that hospital's own records) fitted on its 70%, scored on its 30%;
 *  - how well the source database alone ranks each class (the confound itself).
 * Options: --resamples N (bootstrap draws, default 1000), --members N and --epochs N (learned heads),
 * --quick (the recipe only).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Classifier } from '../src/classifier/classifier.js';
import { listRealRecords, SOURCE_GROUPS } from '../src/ecg/sources.js';
import type { MultiLabelReport } from '../src/train/eval/multilabel.js';
import { extractExamples, SYNTHETIC_SOURCE, syntheticExamples } from '../src/train/findings/examples.js';
import {
  adaptWithinSource, CRITERIA_MEASUREMENTS_CNN, CRITERIA_ONLY, leaveOneSourceOut, LOCAL_RECIPE, MEASUREMENTS_AND_CNN, TIMING_CLASSES, RECIPE, SETUP_ONLY, sourcePrevalenceAuroc,
  type HeadInputs, type HeldOutResult, type Recipe, type WithinSourceResult,
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
const real = await extractExamples(records, clf, { cacheFile: join('.cache', 'findings', 'examples.json'), progress: true });
// Independent synthetic records (20 per class; generator seeds 123456789 + class·100000 + i, far from
// the seed·1000003 + i of the synthetic training and test sets): a
// recipe must keep what the image network knows of them.
const examples = [...real, ...await syntheticExamples(20, 123_456_789, clf)];
const refused = real.filter((e) => e.refused);
console.log(`${real.length} records, ${refused.length} refused by the classifier's quality checks (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
for (const e of refused) console.log(`  refused ${e.name} (${e.source}): ${e.refused}`);
const sources = [...SOURCE_GROUPS, SYNTHETIC_SOURCE].filter((s) => examples.some((e) => e.source === s && !e.refused));

const log = (s: string) => console.log(s);
const variants: { name: string; results: HeldOutResult[] }[] = [];
const T = clf.meta.calibration.temperature;
const runRecipe = async (r: Recipe) => {
  console.log(`leave-one-source-out, ${r.name}:`);
  variants.push({ name: r.name, results: await leaveOneSourceOut(examples, r, classNames, T, sources, { resamples, log }) });
};
const headRecipe = (inputs: HeadInputs, criteriaClasses: number[], criteriaWeight = 0): Recipe => ({
  name: `learned head on ${inputs.name}${criteriaWeight ? `, ${criteriaWeight} criteria` : ''}${criteriaClasses.length ? '; rate and ectopy by criteria' : ''}`,
  criteriaWeight, criteriaClasses, head: { inputs, options: head },
});
await runRecipe(RECIPE);
if (!values.quick) {
  for (const r of [
    { name: 'criteria alone', criteriaWeight: 1, criteriaClasses: [] },
    { name: 'image network alone (synthetic-trained softmax)', criteriaWeight: 0, criteriaClasses: [] },
    { name: 'criteria ¾ + image network ¼; rate and ectopy by criteria', criteriaWeight: 0.75, criteriaClasses: TIMING_CLASSES },
    headRecipe(CRITERIA_MEASUREMENTS_CNN, TIMING_CLASSES), headRecipe(CRITERIA_ONLY, []),
    headRecipe(MEASUREMENTS_AND_CNN, []), headRecipe(SETUP_ONLY, []),
  ]) await runRecipe(r);
}
// Adapting to one hospital: its own records split 70/30 (3 seeds), the recipe and the local recipe
// fitted on the 70% of that hospital alone, both scored on its 30%.
const within: WithinSourceResult[] = [];
if (!values.quick) {
  console.log('within one source (adapting to a hospital\'s own labelled records):');
  for (const s of SOURCE_GROUPS) {
    if (real.filter((e) => e.source === s && !e.refused).length < 100) continue;
    within.push(...await adaptWithinSource(real, s, [RECIPE, { ...LOCAL_RECIPE, head: { ...LOCAL_RECIPE.head!, options: head } }], classNames, T, { resamples, log }));
  }
}
const confound = sourcePrevalenceAuroc(real, k);
clf.dispose();

const ci = (r: MultiLabelReport) => `${r.macroAuroc.estimate.toFixed(3)} [${r.macroAuroc.lower.toFixed(2)}, ${r.macroAuroc.upper.toFixed(2)}]`;
const md: string[] = [];
md.push(`Leave-one-source-out macro AUROC [95% bootstrap CI, ${resamples} draws] over the classes with ≥ 4 positives in the held-out source (\`npm run eval:real\`):`, '');
md.push(`| recipe | ${sources.map((s) => `${s} (${examples.filter((e) => e.source === s && !e.refused).length})`).join(' | ')} |`);
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
if (within.length) {
  md.push('', 'Adapting to one hospital (sources with ≥ 100 records): its records split 70/30 (seeds 1-3), each recipe fitted on that hospital\'s 70% alone and scored on its 30%; macro AUROC [95% CI]:', '');
  md.push(`| source, seed (fitted / scored) | ${RECIPE.name} | ${LOCAL_RECIPE.name} |`, '|---|---|---|');
  for (const w of within) md.push(`| ${w.source}, ${w.seed} (${w.trainRecords} / ${w.testRecords}) | ${w.reports.map(ci).join(' | ')} |`);
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
writeFileSync(join(out, 'results.json'), JSON.stringify({ resamples, sources, refused: refused.map((e) => ({ name: e.name, source: e.source, reason: e.refused })), variants, within, confound }, null, 1));
console.log(`\nwritten: ${join(out, 'results.md')}, ${join(out, 'results.json')} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
process.exit(0);
