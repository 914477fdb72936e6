/**
 * `npm run train:real`: the real-record recipe (RECIPE in src/train/findings/protocol.ts;
 * docs/real-records.md). The image network is the bundled one, trained on synthetic records only
 * (`npm start`, then `npm run train:default-model`); the multi-label findings blend its softmax with the
 * criterion scores of the measurements, and every class's threshold is fitted on a seeded 20% validation
 * part of every real record in ../shared/data (or ECGPU_SHARED_DATA); a recipe with a learned head also
 * trains the head there. Writes runs/real/model.ecgpu; `--bundle` also replaces models/default.ecgpu
 * (what `predict`, the Classifier and the demo load). How well the recipe does on hospitals it has not
 * seen: `npm run eval:real`.
 *   npm run train:real [-- --bundle] [--out FILE]
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { init } from '../src/engine/engine.js';
import { Classifier } from '../src/classifier/classifier.js';
import { listRealRecords, SOURCE_GROUPS } from '../src/ecg/sources.js';
import { loadModel, saveModel } from '../src/models/model-file.js';
import { extractExamples } from '../src/train/findings/examples.js';
import { fitRecipe, RECIPE } from '../src/train/findings/protocol.js';

const { values } = parseArgs({ options: { bundle: { type: 'boolean' }, out: { type: 'string' } } });
const shared = process.env.ECGPU_SHARED_DATA ?? join('..', 'shared', 'data');
const records = listRealRecords(shared);
if (!records.length) {
  console.error(`train:real: no real records under ${shared} (expected real-ecg/, ludb/, ptb-xl/; set ECGPU_SHARED_DATA)`);
  process.exit(7);
}
const out = values.out ?? join('runs', 'real', 'model.ecgpu');
const base = join('models', 'default.ecgpu');
const t0 = performance.now();
const clf = await Classifier.load(base);
const examples = (await extractExamples(records, clf, { cacheFile: join('.cache', 'findings', 'examples.json'), progress: true })).filter((e) => !e.refused);
const classNames = clf.classNames;
const bySource = SOURCE_GROUPS.map((g) => `${g} ${examples.filter((e) => e.source === g).length}`).join(', ');
console.log(`fitting the findings (${RECIPE.name}) on ${examples.length} real records (${bySource})`);
const findings = await fitRecipe(examples, RECIPE, classNames, clf.meta.calibration.temperature);
console.log(`thresholds ${findings.spec.thresholds.map((t) => t.toFixed(2)).join(' ')}`);

// The image network is the bundled one, unchanged: its weights and metadata are carried over.
await init();
const { model, meta } = loadModel(new Uint8Array(readFileSync(base)), base);
const { config: _config, findings: _old, ...rest } = meta;
clf.dispose();
findings.spec.info = {
  ...findings.spec.info,
  command: 'npm run train:real',
  records: examples.length,
  sources: Object.fromEntries(SOURCE_GROUPS.map((g) => [g, examples.filter((e) => e.source === g).length])),
  date: new Date().toISOString().slice(0, 10),
};
const bytes = await saveModel(model, { ...rest, findings: findings.spec }, findings.entries);
model.dispose();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`wrote ${out} (${(bytes.length / 1e6).toFixed(2)} MB) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (values.bundle) {
  copyFileSync(out, base);
  console.log(`bundled: ${base}`);
}
process.exit(0);
