/**
 * The plausibility gate (src/ecg/plausibility.ts) on every real record in ../shared/data (or the folder
 * given): which records it refuses or warns about, with the reason, and the distribution of each check's
 * statistic on the real records and on broken variants of them (src/ecg/broken-records.ts), with the
 * share of each variant caught. `npm run plausibility-survey [-- DATA_DIR] [--records-only]`.
 * Markdown on stdout (docs/plausibility.md quotes it).
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { measurePlausibility, type PlausibilityStats } from '../src/ecg/plausibility.js';
import { readableTwelveLead } from '../src/ecg/quality.js';
import { readRecord } from '../src/ecg/read-record.js';
import { STANDARD_LEADS, type EcgRecord } from '../src/ecg/types.js';
import { BROKEN_VARIANTS } from '../src/ecg/broken-records.js';

const args = process.argv.slice(2);
const root = args.find((a) => !a.startsWith('--')) ?? join(import.meta.dirname, '../../shared/data');
const recordsOnly = args.includes('--records-only');
/** Broken variants are built from every n-th record (default 5: the survey's CPU time stays a few minutes). */
const every = Number(args.find((a) => a.startsWith('--variants-every='))?.split('=')[1] ?? 5);
const jsonOut = args.find((a) => a.startsWith('--json='))?.split('=')[1];
const dump: { file: string; variant: string; verdict: string; stats?: PlausibilityStats }[] = [];
if (!existsSync(root)) { console.error(`plausibility-survey: ${root}: no such folder`); process.exit(7); }

/** Every record under the real-record folders: WFDB headers and Chapman CSVs (not wfdb-conformance's format tests). */
function listRecords(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listRecords(p));
    else if (name.endsWith('.hea') || (name.endsWith('.csv') && !/database|statements/.test(name))) out.push(p);
  }
  return out;
}
const groups = ['real-ecg', 'ludb', 'ptb-xl'].filter((g) => existsSync(join(root, g)));
const files = groups.flatMap((g) => listRecords(join(root, g)));

type Outcome = { verdict: 'pass' | 'warn' | 'refuse'; message: string; stats?: PlausibilityStats };

/** The gate's verdict, and the statistics (measured also for refused records, with the gate off). */
function judge(rec: EcgRecord): Outcome {
  let off;
  try { off = readableTwelveLead(rec, {}, { plausibility: false }); } catch (e) { return { verdict: 'refuse', message: (e as Error).message }; }
  try {
    const r = readableTwelveLead(rec);
    const added = r.warnings.slice(off.warnings.length);
    return { verdict: added.length ? 'warn' : 'pass', message: added.join(' | '), stats: r.plausibility };
  } catch (e) {
    const n = Math.min(off.record.signals[0].length, Math.ceil(10 * rec.fs));
    const stats = measurePlausibility(off.record.signals.map((s) => s.subarray(0, n)), STANDARD_LEADS.map((l) => !off.derived.includes(l)), rec.fs, off.record.header.signals?.map((s) => s.gain));
    return { verdict: 'refuse', message: (e as Error).message, stats };
  }
}

const STATS: [string, (s: PlausibilityStats) => number | undefined][] = [
  ['amplitude (median QRS p-p, mV)', (s) => s.amplitudeMv],
  ['limb residual', (s) => s.limbResidual?.residual],
  ['limb residual, ADC units where gains differ', (s) => s.limbResidualAdc?.residual ?? s.limbResidual?.residual],
  ['beat coherence', (s) => s.coherence],
  ['heart rate (bpm)', (s) => s.rateBpm],
  ['QRS width (ms)', (s) => s.qrsWidthMs],
  ['polarity aVR', (s) => s.polarity[3]],
  ['polarity II', (s) => s.polarity[1]],
  ['polarity I', (s) => s.polarity[0]],
  ['P wave I (mV)', (s) => s.pWaveMv?.[0]],
  ['P wave aVR (mV)', (s) => s.pWaveMv?.[3]],
];
const Q = [0, 0.01, 0.05, 0.5, 0.95, 0.99, 1];
function quantiles(values: number[]): string {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return Q.map(() => '–').join(' | ');
  return Q.map((q) => { const x = v[Math.round(q * (v.length - 1))]; return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3); }).join(' | ');
}
function table(title: string, rows: Map<string, PlausibilityStats[]>): void {
  console.log(`\n### ${title}\n\n| statistic | set | n | min | 1% | 5% | median | 95% | 99% | max |\n|---|---|---|---|---|---|---|---|---|---|`);
  for (const [name, get] of STATS) {
    for (const [set, stats] of rows) {
      const v = stats.map(get).filter((x): x is number => x !== undefined);
      console.log(`| ${name} | ${set} | ${v.length} | ${quantiles(v)} |`);
    }
  }
}

const real: PlausibilityStats[] = [];
const variantStats = new Map<string, PlausibilityStats[]>(Object.keys(BROKEN_VARIANTS).map((k) => [k, []]));
const caught = new Map<string, { refuse: number; warn: number; n: number; checks: Map<string, number> }>(Object.keys(BROKEN_VARIANTS).map((k) => [k, { refuse: 0, warn: 0, n: 0, checks: new Map() }]));
const flagged: { file: string; group: string; o: Outcome }[] = [];
const counts = new Map<string, { n: number; refuse: number; warn: number; unreadable: number }>();

for (const file of files) {
  const group = relative(root, file).split(/[\\/]/)[0];
  const c = counts.get(group) ?? { n: 0, refuse: 0, warn: 0, unreadable: 0 };
  counts.set(group, c);
  c.n++;
  let rec: EcgRecord;
  try { rec = readRecord(file, { digital: false }); } catch (e) { c.unreadable++; flagged.push({ file, group, o: { verdict: 'refuse', message: `(reader) ${(e as Error).message}` } }); continue; }
  const o = judge(rec);
  if (!o.stats) { c.unreadable++; continue; } // refused by quality.ts before the gate: not the gate's doing
  real.push(o.stats);
  dump.push({ file: relative(root, file), variant: 'real', verdict: o.verdict, stats: o.stats });
  if (o.verdict !== 'pass') { c[o.verdict]++; flagged.push({ file, group, o }); }
  if (recordsOnly || (c.n - 1) % every !== 0) continue;
  for (const [name, make] of Object.entries(BROKEN_VARIANTS)) {
    const v = judge(make(rec)), k = caught.get(name)!;
    dump.push({ file: relative(root, file), variant: name, verdict: v.verdict, stats: v.stats });
    k.n++;
    if (v.stats) variantStats.get(name)!.push(v.stats);
    if (v.verdict === 'pass') continue;
    k[v.verdict]++;
    // Every check the verdict names (a LUDB record's gain-consistency warning comes with the variant's own).
    const checks = new Set(v.message.match(/[a-zA-Z-]+(?: [a-zA-Z-]+)? check\b|leads I and II cannot be read|\d+ of 12 leads cannot be read/g) ?? [v.message.slice(0, 40)]);
    for (const check of checks) k.checks.set(check, (k.checks.get(check) ?? 0) + 1);
  }
}

console.log(`## Real records (${root})\n\n| group | records | unreadable before the gate | refused by the gate | warned by the gate |\n|---|---|---|---|---|`);
let tot = { n: 0, refuse: 0, warn: 0, unreadable: 0 };
for (const [g, c] of counts) {
  console.log(`| ${g} | ${c.n} | ${c.unreadable} | ${c.refuse} | ${c.warn} |`);
  tot = { n: tot.n + c.n, refuse: tot.refuse + c.refuse, warn: tot.warn + c.warn, unreadable: tot.unreadable + c.unreadable };
}
const judged = tot.n - tot.unreadable;
console.log(`| all | ${tot.n} | ${tot.unreadable} | ${tot.refuse} (${((100 * tot.refuse) / judged).toFixed(2)}% of ${judged}) | ${tot.warn} (${((100 * tot.warn) / judged).toFixed(2)}%) |`);
console.log('\n### Records the gate refuses or warns about\n');
// A refusal's message starts with the file's path: shown once, relative.
for (const f of flagged) console.log(`- ${f.o.verdict} ${relative(root, f.file)}: ${f.o.verdict === 'refuse' ? f.o.message.slice(f.o.message.indexOf(': ') + 2) : f.o.message}`);
if (!flagged.length) console.log('(none)');

if (!recordsOnly) {
  console.log(`\n## Broken variants of the same records\n\n| variant | records | refused | warned | passed | checks named (a verdict may name several) |\n|---|---|---|---|---|---|`);
  for (const [name, k] of caught) {
    console.log(`| ${name} | ${k.n} | ${k.refuse} | ${k.warn} | ${k.n - k.refuse - k.warn} | ${[...k.checks].map(([c, n]) => `${c} ${n}`).join('; ')} |`);
  }
  table('Statistics: real records vs broken variants', new Map([['real', real], ...variantStats]));
} else {
  table('Statistics on real records', new Map([['real', real]]));
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(dump));
