/**
 * Per-class test AUROC of several runs as one Markdown table (README's real-record table):
 *   tsx scripts/auroc-table.ts "from scratch=runs/real-scratch/results.json" "synthetic only=runs/real-synth/results.json" …
 * Each results.json is the one `ecgpu train/compare/eval` wrote; its first model is taken.
 */
import { readFileSync } from 'node:fs';

interface Auc { class: string; auc: number | null; positives: number }
interface Results { models: { test: { n: number; accuracy: number; auc: { perClass: Auc[]; macro: number | null } } }[] }

const runs = process.argv.slice(2).map((arg) => {
  const eq = arg.indexOf('=');
  if (eq < 1) { console.error(`auroc-table: expected LABEL=results.json, got '${arg}'`); process.exit(2); }
  const file = arg.slice(eq + 1);
  try {
    return { label: arg.slice(0, eq), test: (JSON.parse(readFileSync(file, 'utf8')) as Results).models[0].test };
  } catch (e) {
    console.error(`auroc-table: ${file}: not a results.json of ecgpu (${(e as Error).message})`);
    process.exit(7);
  }
});
if (!runs.length) { console.error('usage: tsx scripts/auroc-table.ts LABEL=results.json ...'); process.exit(2); }
const f = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
const classes = runs[0].test.auc.perClass;
console.log(`| class (test positives) | ${runs.map((r) => r.label).join(' | ')} |`);
console.log(`|---|${runs.map(() => '--:').join('|')}|`);
classes.forEach((c, i) => console.log(`| ${c.class} (${c.positives}) | ${runs.map((r) => f(r.test.auc.perClass[i].auc)).join(' | ')} |`));
console.log(`| **macro AUROC** | ${runs.map((r) => `**${f(r.test.auc.macro)}**`).join(' | ')} |`);
console.log(`| test accuracy (n = ${runs[0].test.n}) | ${runs.map((r) => f(r.test.accuracy)).join(' | ')} |`);
