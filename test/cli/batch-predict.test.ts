/**
 * `ecgpu predict DIR|RECORD… --out`: one row per record (folders walked recursively, metadata tables
 * passed over), refused records as rows with the reason single-record predict gives, probabilities equal
 * to Classifier.classify on the same file, CSV quoting that a CSV reader undoes, JSONL, the terminal
 * table, progress and summary on stderr, and every bad --out refused before the model loads.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { createModel, type AlexNetConfig } from '../../src/models/alexnet.js';
import { saveModel } from '../../src/models/model-file.js';
import { Classifier, type Classification } from '../../src/classifier/classifier.js';
import { readRecord } from '../../src/ecg/read-record.js';
import { recordFromArrays } from '../../src/ecg/read-bytes.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';
import { columns, csvField } from '../../src/cli/batch-rows.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { main } from '../../src/cli/main.js';

const config: AlexNetConfig = {
  architecture: 'alexnet-m-se', inputSize: 64, inChannels: 1, numClasses: 10, width: 0.125, fcWidth: 16, dropout: 0, seReduction: 4, seed: 8,
};
const samples = fileURLToPath(new URL('../../web/demo/samples', import.meta.url));

let dir: string, recs: string, model: string, clf: Classifier;
const p = (...parts: string[]) => join(recs, ...parts);

/** Runs `ecgpu …args` in this process; stdout and stderr as the command wrote them. */
async function ecgpu(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const log = vi.spyOn(console, 'log').mockImplementation((s) => void (out += `${String(s)}\n`));
  const error = vi.spyOn(console, 'error').mockImplementation((s) => void (err += `${String(s)}\n`));
  try {
    return { code: await main(args), out, err };
  } finally {
    [o, e, log, error].forEach((s) => s.mockRestore());
  }
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** What single-record predict says about a record: its classification, or the one-line reason it refuses it. */
async function single(path: string): Promise<Classification | string> {
  try {
    return await clf.classify(readRecord(path, { digital: false }));
  } catch (e) {
    return (e as Error).message;
  }
}

beforeAll(async () => {
  await gpu();
  const m = createModel(config);
  dir = mkdtempSync(join(tmpdir(), 'ecgpu-batch-'));
  model = join(dir, 'tiny.ecgpu');
  writeFileSync(model, await saveModel(m, {
    classNames: [...CLASS_NAMES], input: { render: { width: 64, height: 64, layout: 'stacked', channels: 1 }, mean: [0.93], std: [0.2] },
    calibration: { temperature: 1.5, thresholds: [] },
  }));
  m.dispose();
  clf = await Classifier.load(model);
  // recs/a: two records; recs/b: a Chapman CSV, a lone .dat, a header without its signal file, a 1-lead
  // record and a metadata table; recs/b/sub: a demo sample (the recursion PTB-XL's layout needs).
  recs = join(dir, 'recs');
  for (const cls of [0, 4]) writeRecord(p('a'), generateRecord(cls, 70 + cls), `S${cls}`);
  const r9 = generateRecord(9, 79);
  mkdirSync(p('b', 'sub'), { recursive: true });
  const csv = Array.from({ length: r9.signals[0].length }, (_, i) => r9.signals.map((s) => Math.round(1000 * s[i])).join(','));
  writeFileSync(p('b', 'chapman.csv'), csv.join('\n') + '\n');
  writeFileSync(p('b', 'lone.dat'), new Uint8Array(2400));
  writeRecord(p('b'), generateRecord(2, 72), 'nosig');
  unlinkSync(p('b', 'nosig.mat'));
  writeRecord(p('b'), recordFromArrays({ leads: ['II'], fs: 500, signals: [r9.signals[1]] }), 'one-lead');
  writeFileSync(p('b', 'table.csv'), 'ecg_id,scp_codes\n1,"{\'NORM\': 100.0}"\n');
  for (const ext of ['hea', 'mat']) copyFileSync(join(samples, `sample-1.${ext}`), p('b', 'sub', `sample-1.${ext}`));
}, 120_000);

afterAll(() => clf?.dispose());
afterEach(() => vi.restoreAllMocks());

const order = ['a/S0.hea', 'a/S4.hea', 'b/chapman.csv', 'b/lone.dat', 'b/nosig.hea', 'b/one-lead.hea', 'b/sub/sample-1.hea'];
const refused = new Map([['lone', /lone\.hea: file not found \(the header of lone\.dat: a signal file alone cannot be read\)$/], ['nosig', /nosig\.mat: file not found \(signal file named in .*nosig\.hea\)$/], ['one-lead', /needs leads I, II and V1-V6 .*the record has 1 lead\(s\): II$/]]);

/** Checks rows (as objects keyed by column) against single-record classification of the same files. */
async function expectRowsMatchSingle(rows: Record<string, unknown>[], paths: string[], emptyAs: unknown) {
  expect(rows.map((r) => r.path)).toEqual(paths);
  for (const [i, row] of rows.entries()) {
    const name = paths[i].split('/').pop()!.replace(/\.[^.]+$/, '');
    expect(row.record).toBe(name);
    const want = await single(paths[i]);
    if (typeof want === 'string') {
      expect(row.status, name).toBe('refused');
      expect(row.reason).toBe(want);
      expect(row.reason).toMatch(refused.get(name)!);
      expect(row.decision).toBe(emptyAs);
      for (const c of CLASS_NAMES) expect(row[c]).toBe(emptyAs);
      continue;
    }
    expect(row.status, `${name}: ${row.reason}`).toBe('ok');
    expect(refused.has(name)).toBe(false);
    CLASS_NAMES.forEach((c, k) => expect(Math.abs(Number(row[c]) - want.probabilities[k]), `${name} ${c}`).toBeLessThan(1e-6));
    expect(row.decision).toBe(want.decision.name);
    const hr = want.heartRate;
    expect(row.heart_rate_bpm === emptyAs ? undefined : Number(row.heart_rate_bpm)).toBe(hr ? Number(hr.bpm.toPrecision(8)) : undefined);
  }
}

describe('ecgpu predict DIR --out', () => {
  it('CSV: one row per record, the refused ones with their reason, probabilities of single-record classify', async () => {
    const out = join(dir, 'results.csv');
    const r = await ecgpu(['predict', recs, '--out', out, '--model', model]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toBe('');
    const [head, ...rows] = parseCsv(readFileSync(out, 'utf8'));
    expect(head).toEqual(columns(CLASS_NAMES));
    expect(head.slice(0, 4)).toEqual(['record', 'path', 'status', 'reason']);
    expect(rows.every((row) => row.length === head.length)).toBe(true);
    const objects = rows.map((row) => Object.fromEntries(head.map((h, i) => [h, row[i]])));
    // The records score differently, so a row matched to the wrong record would show.
    const scored = objects.filter((o) => o.status === 'ok').map((o) => CLASS_NAMES.map((c) => Number(o[c])));
    for (let i = 1; i < scored.length; i++) expect(Math.max(...scored[i].map((v, k) => Math.abs(v - scored[i - 1][k])))).toBeGreaterThan(1e-4);
    await expectRowsMatchSingle(objects, order.map((o) => p(...o.split('/'))), '');
    // findings: the model's findings by name ("(none)" when it has findings but none pass), empty when it gives none
    for (const row of objects.filter((o) => o.status === 'ok')) {
      const want = (await single(row.path)) as Classification;
      expect(row.findings).toBe(want.multiLabel ? want.findings.map((f) => f.name).join('; ') || '(none)' : '');
      expect(row.warnings).toBe(want.warnings.join('; '));
    }
    expect(r.err).toMatch(/predict \[#+\] 7\/7 /);
    expect(r.err).toMatch(/ecgpu predict: 7 records: 4 scored, 3 refused in [\d.]+ s .*→ .*results\.csv\n$/);
  }, 300_000);

  it('JSONL from folders and files together, replacing an earlier result file', async () => {
    const out = join(dir, 'results.jsonl');
    writeFileSync(out, '{"record":"old","path":"old.hea","status":"ok"}\n');
    const paths = [p('a', 'S0.hea'), p('a', 'S4.hea'), p('b', 'sub', 'sample-1.hea'), p('b', 'lone.dat'), p('b', 'one-lead.hea')];
    const r = await ecgpu(['predict', p('a'), p('b', 'sub'), p('b', 'lone.dat'), p('b', 'one-lead.hea'), '--out', out, '--model', model]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const row of rows) expect(Object.keys(row)).toEqual(columns(CLASS_NAMES));
    await expectRowsMatchSingle(rows, paths, null);
    expect(rows.map((row) => row.reason === null)).toEqual([true, true, true, false, false]);
    expect(rows.every((row) => Array.isArray(row.warnings))).toBe(true);
    expect(r.err).toMatch(/5 records: 3 scored, 2 refused/);
  }, 300_000);

  it('without --out: a table on stdout, the refusal reason on its row', async () => {
    const r = await ecgpu(['predict', p('a', 'S0.hea'), p('b', 'one-lead.hea'), '--model', model]);
    expect(r.code, r.err).toBe(EXIT.ok);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^record\s+decision\s+p\s+HR\s+findings \/ reason$/);
    const want = (await single(p('a', 'S0.hea'))) as Classification;
    expect(lines[1]).toMatch(new RegExp(`^S0\\s+${want.decision.name}\\s+${(100 * want.probabilities[want.decision.index]).toFixed(1)}%`));
    expect(lines[2]).toBe(`${'one-lead'.padEnd(18)} refused: ${await single(p('b', 'one-lead.hea'))}`);
  }, 300_000);
});

describe('bad --out: refused before the model loads (a missing --model would otherwise be exit 4)', () => {
  const noModel = () => join(dir, 'no-such-model.ecgpu');
  it.each([
    ['x.txt', EXIT.usage, /^ecgpu predict: --out .*x\.txt: the file name must end in \.csv or \.jsonl$/],
    ['no/such/dir/r.csv', EXIT.output, /^ecgpu predict: --out .*r\.csv: folder .*no\/such\/dir does not exist$/],
  ])('--out %s', async (name, code, re) => {
    const r = await ecgpu(['predict', recs, '--out', join(dir, name), '--model', noModel()]);
    expect(r.code).toBe(code);
    expect(r.err.trimEnd().split('\n').at(-1)).toMatch(re);
    expect(r.err).not.toMatch(/predict \[/);
  });

  it('--out naming a folder, or an existing file that is no earlier result (a record): exit 8, the file untouched', async () => {
    mkdirSync(join(dir, 'folder.csv'), { recursive: true });
    let r = await ecgpu(['predict', recs, '--out', join(dir, 'folder.csv'), '--model', noModel()]);
    expect(r.code).toBe(EXIT.output);
    expect(r.err).toMatch(/--out .*folder\.csv: is a directory/);
    const before = readFileSync(p('b', 'chapman.csv'), 'utf8');
    r = await ecgpu(['predict', p('a'), '--out', p('b', 'chapman.csv'), '--model', noModel()]);
    expect(r.code).toBe(EXIT.output);
    expect(r.err).toMatch(/--out .*chapman\.csv: exists and is not an ecgpu predict result; not replaced/);
    expect(readFileSync(p('b', 'chapman.csv'), 'utf8')).toBe(before);
  });

  it('--saliency or --top with a folder: usage error', async () => {
    for (const opt of [['--saliency', join(dir, 's.png')], ['--top', '2']]) {
      const r = await ecgpu(['predict', recs, ...opt, '--model', noModel()]);
      expect(r.code).toBe(EXIT.usage);
      expect(r.err).toMatch(new RegExp(`^ecgpu predict: ${opt[0]}: it (draws|lists the classes of) one record; batch scoring .* does not take it`));
    }
  });

  it('--out without records: usage error', async () => {
    const r = await ecgpu(['predict', '--out', join(dir, 'r.csv'), '--model', noModel()]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/^ecgpu predict: give the records or folders to score/);
  });

  it('a folder with no records: exit 7 before the model loads', async () => {
    mkdirSync(join(dir, 'empty'), { recursive: true });
    const r = await ecgpu(['predict', join(dir, 'empty'), '--model', noModel()]);
    expect(r.code).toBe(EXIT.data);
    expect(r.err).toMatch(/empty: no ECG records found/);
  });

  it('a write that fails (a full device): exit 8 naming --out', async () => {
    const full = join(dir, 'full.csv');
    symlinkSync('/dev/full', full);
    const r = await ecgpu(['predict', p('a', 'S0.hea'), '--out', full, '--model', model]);
    expect(r.code).toBe(EXIT.output);
    expect(r.err.trimEnd().split('\n').at(-1)).toMatch(/^ecgpu predict: --out .*full\.csv: cannot write \(no space left on device\)$/);
  }, 120_000);
});

describe('CSV quoting', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and a CSV reader gets the text back', () => {
    const texts = ['plain', 'a,b', 'say "hi"', 'two\nlines', ' lead', 'x; y'];
    const line = texts.map(csvField).join(',') + '\n';
    expect(parseCsv(line)).toEqual([texts]);
    expect(csvField('plain')).toBe('plain');
  });
});
