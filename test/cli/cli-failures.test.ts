/**
 * Every command fails before it works and leaves nothing half-made: bad and conflicting options, empty
 * or unusable data folders, outputs that cannot be written and damaged model files are each refused
 * with one line and the exit code of their kind (src/cli/exit-codes.ts), before any rendering or
 * training, and without leaving an output folder, a split file or a report behind. Run in-process
 * (main()), so the many cases cost no process start-ups.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { INCOMPLETE_MARKER, RunFolder } from '../../src/cli/outputs.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { tempDir } from '../ecg/wfdb-fixtures.js';
import { bundledPath as bundled, fillTensor, variant } from '../helpers/model-variants.js';
import { refusal, runCli, type CliRun } from '../helpers/cli-run.js';

let dir: string, record: string;

beforeAll(() => {
  dir = tempDir('ecgpu-fail-');
  process.env.ECGPU_CACHE = join(dir, 'cache');
  record = writeRecord(dir, generateRecord(4, 7), 'R1');
});

/** A fresh folder under the test's temp folder holding `files` (name → content). */
function folder(name: string, files: Record<string, string | Uint8Array> = {}): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, content] of Object.entries(files)) writeFileSync(join(d, f), content);
  return d;
}
const expectRefused = (r: CliRun, code: number, re: RegExp) => {
  expect(r.code, r.err).toBe(code);
  expect(refusal(r)).toMatch(re);
};

describe('options: unknown, repeated and conflicting ones are refused on every command (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['info', '--bogus'], /^ecgpu info: Unknown option '--bogus'/],
    [['info', 'extra'], /^ecgpu info: Unexpected argument 'extra'/],
    [['prepare', '--epochs', '3'], /^ecgpu prepare: Unknown option '--epochs'/],
    [['prepare', '--init', 'x.ecgpu'], /^ecgpu prepare: Unknown option '--init'/],
    [['train', '--model', 'x.ecgpu'], /^ecgpu train: Unknown option '--model'/],
    [['compare', '--epochs', '2', '--epochs', '3'], /^ecgpu compare: --epochs given twice \(give it once\)/],
    [['predict', 'x.hea', '--model', 'a', '--model', 'b'], /^ecgpu predict: --model given twice/],
    [['predict', 'x.hea', '--top', '0'], /^ecgpu predict: --top must be an integer ≥ 1, got '0'/],
    [['predict', 'x.hea', '--saliency'], /^ecgpu predict: Option '--saliency <value>' argument missing/],
    [['eval', '--split', 's.json', '--data', 'd'], /^ecgpu eval: give --split or --data \(one of them\)/],
    [['eval', '--bogus'], /^ecgpu eval: Unknown option '--bogus'/],
    [['annotations', 'R1', 'atr', '--bogus'], /^ecgpu annotations: unknown option --bogus/],
    [['--bogus'], /^ecgpu: Unknown option '--bogus'$/],
    [['prepare', '--labels', 'phrases.tsv'], /^ecgpu prepare: --labels reads the diagnoses of --data records: give --data too$/],
    [['eval', '--data', 'd', '--model', 'm.ecgpu', '--out', ''], /^ecgpu eval: --out needs a value, got ''$/],
    [['predict', 'x.hea', '--saliency', ' '], /^ecgpu predict: --saliency needs a value, got ' '$/],
    [['train', '--seed', ''], /^ecgpu train: --seed needs a value, got ''$/],
    [['train', '--data', ''], /^ecgpu train: --data needs a folder name, got ''$/],
  ];
  it.each(cases)('%j', async (...args) => {
    const [argv, re] = args as unknown as [string[], RegExp];
    expectRefused(await runCli(...argv), EXIT.usage, re);
  });

  it('--independent with --data: refused (it only applies to synthetic runs)', async () => {
    expectRefused(await runCli('train', '--data', dir, '--independent', '50'), EXIT.usage, /^ecgpu train: --independent draws a synthetic test set for synthetic runs: it does not apply with --data$/);
  });

  it('annotations of a record without the annotation file: only the refusal, no warning about its header first', async () => {
    expectRefused(await runCli('annotations', join(dir, 'nope'), 'atr'), EXIT.record, /^ecgpu annotations: .*nope\.atr: annotation file not found$/);
  });

  it('inspect: --physical with --precise, a repeated option, a bad --signals: refused before the header summary', async () => {
    const cases: [string[], RegExp][] = [
      [['--physical', '--precise'], /--physical and --precise conflict \(choose one\)/],
      [['-p', '-P'], /-p and -P conflict/],
      [['--from', '1', '--from', '2'], /--from given twice/],
      [['--signals', 'nosuch'], /no signal named 'nosuch' \(the record has I, II, III/],
      [['--from', 'soon'], /bad time 'soon'/],
      [['--from', '99'], /--from 99 is sample 49500, past the end of the record \(5000 samples\)/],
    ];
    for (const [opts, re] of cases) {
      const r = await runCli('inspect', record, ...opts);
      expectRefused(r, EXIT.usage, re); // one line on stderr: no 15-line summary before it
      expect(r.out).toBe('');
    }
  });
});

describe('data folders with no usable record: exit 7 saying what was found, nothing left behind', () => {
  const hea = () => readFileSync(record, 'utf8');
  const cases: [string, () => string, RegExp][] = [
    ['only a .dat', () => folder('only-dat', { 'a.dat': new Uint8Array(100) }), /: no records: 1 \.dat without header$/],
    ['nothing at all', () => folder('empty'), /: no records: the folder holds no files$/],
    ['notes and pictures', () => folder('notes', { 'a.txt': 'x', 'b.txt': 'y', 'c.png': 'z' }), /: no records: 2 \.txt, 1 \.png file\(s\), none a record/],
    ['a header that is not one', () => folder('garbage', { 'G.hea': 'this is not a header\n' }), /: no usable records: 1 record\(s\), all unreadable \(first: .*G\.hea: /],
    ['records without a known diagnosis', () => folder('unlabelled', { 'U.hea': hea().replace(/^#Dx:.*$/m, '#Dx: Unknown').replace(/R1\.mat/g, 'U.mat'), 'U.mat': readFileSync(record.replace(/hea$/, 'mat')) }),
      /: no usable records: 1 record\(s\), none labelled with one of the 10 classes/],
  ];
  for (const [name, make, re] of cases) {
    it(`${name}: train, prepare and eval refuse it`, async () => {
      const data = make();
      const out = join(dir, `out-${name.replace(/\W+/g, '-')}`);
      for (const cmd of ['train', 'prepare']) {
        expectRefused(await runCli(cmd, '--data', data, '--out', out, '--preset', 'tiny', '--no-progress'), EXIT.data, new RegExp(`^ecgpu ${cmd}: --data ${data}${re.source}`));
        expect(existsSync(out), `${cmd} left ${out}`).toBe(false);
      }
      expectRefused(await runCli('eval', '--data', data, '--model', bundled, '--out', out), EXIT.data, new RegExp(`^ecgpu eval: --data ${data}${re.source}`));
      expect(existsSync(out)).toBe(false);
    }, 60_000);
  }

  it('a run folder that existed keeps what it had and gets nothing new', async () => {
    const out = folder('existing-run', { 'notes.txt': 'mine' });
    expectRefused(await runCli('prepare', '--data', folder('empty2'), '--out', out), EXIT.data, /no records/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
  });

  it('too few records to split (2 labelled records): exit 7, no split.json', async () => {
    const two = folder('two');
    writeRecord(two, generateRecord(0, 1), 'A');
    writeRecord(two, generateRecord(1, 2), 'B');
    const out = join(dir, 'out-two');
    expectRefused(await runCli('prepare', '--data', two, '--out', out, '--preset', 'tiny', '--level', 'all', '--no-progress'), EXIT.data,
      /^ecgpu prepare: --data .*two: too few usable records to split: 2 give 2 \/ 0 \/ 0 train \/ val \/ test/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a saved split whose records have gone: train refuses it (exit 7) and leaves the run folder as it was', async () => {
    const gone = folder('gone-run');
    const split = join(gone, 'split.json');
    const item = (name: string, cls: number) => [name, cls, [cls]];
    writeFileSync(split, JSON.stringify({ version: 1, root: join(dir, 'moved'), level: 'all', seed: 1, classes: [], train: [item('A.hea', 0), item('B.hea', 1)], val: [item('C.hea', 2)], test: [item('D.hea', 3)], report: {} }));
    const data = folder('gone-data');
    writeRecord(data, generateRecord(6, 6), 'F');
    expectRefused(await runCli('train', '--data', data, '--out', gone, '--preset', 'tiny', '--no-progress'), EXIT.data,
      /^ecgpu train: .*gone-run\/split\.json: none of the 2 records of its train part can be read \(first: .*moved\/A\.hea: .*\); delete it to split again$/);
    expect(readdirSync(gone)).toEqual(['split.json']);
  });

  it('eval --split with an empty test part, and --data naming a file: exit 7', async () => {
    const split = join(dir, 'empty-split.json');
    writeFileSync(split, JSON.stringify({ version: 1, root: dir, level: 'all', seed: 1, classes: [], train: [['R1.hea', 4, [4]]], val: [], test: [], report: {} }));
    expectRefused(await runCli('eval', '--split', split, '--model', bundled, '--out', join(dir, 'ev-split')), EXIT.data, /empty-split\.json: its test part is empty \(1 train \/ 0 val \/ 0 test\)/);
    expectRefused(await runCli('eval', '--data', record, '--model', bundled), EXIT.data, /--data .*R1\.hea: is a file, not a folder/);
    expect(existsSync(join(dir, 'ev-split'))).toBe(false);
  });
});

describe('outputs that cannot be written: exit 8 before any work', () => {
  it('eval --out naming a file, and a folder below a file', async () => {
    const data = folder('one-rec');
    writeRecord(data, generateRecord(3, 3), 'E');
    expectRefused(await runCli('eval', '--data', data, '--model', bundled, '--out', record), EXIT.output, /^ecgpu eval: --out .*R1\.hea: is a file, not a folder$/);
    expectRefused(await runCli('prepare', '--out', join(record, 'sub')), EXIT.output, /^ecgpu prepare: --out .*R1\.hea\/sub: cannot be made \(.*R1\.hea is a file, not a folder\)$/);
  });

  it('predict --saliency naming a folder: refused before the answer is printed', async () => {
    const r = await runCli('predict', record, '--saliency', dir);
    expectRefused(r, EXIT.output, /^ecgpu predict: --saliency .*: is a folder \(give a file name\)$/);
    expect(r.out).toBe('');
  });

  it.skipIf(process.getuid?.() === 0)('a read-only folder (not testable as root, who may write anywhere)', async () => {
    const ro = folder('read-only');
    chmodSync(ro, 0o555);
    try {
      expectRefused(await runCli('predict', record, '--saliency', join(ro, 's.png')), EXIT.output, /--saliency .*s\.png: cannot write in .*read-only \(permission denied\)$/);
      expectRefused(await runCli('prepare', '--out', join(ro, 'run')), EXIT.output, /--out .*run: cannot be made in .*read-only \(permission denied\)$/);
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});

describe('damaged model files: exit 4 before any work', () => {
  it('train --init: missing, a folder, all weights zero, a bogus layout; no run folder made', async () => {
    const zero = join(dir, 'zero.ecgpu');
    writeFileSync(zero, variant(() => {}, fillTensor('head.7.weight', 0)));
    const bogus = join(dir, 'bogus-layout.ecgpu');
    writeFileSync(bogus, variant((h) => { h.input.render.layout = 'bogus'; }));
    const out = join(dir, 'init-run');
    const cases: [string, RegExp][] = [
      [join(dir, 'missing.ecgpu'), /^ecgpu train: model file .*missing\.ecgpu: file not found$/],
      [dir, /^ecgpu train: model file .*: is a directory, not a model file$/],
      [zero, /^ecgpu train: model file .*zero\.ecgpu: tensor head\.7\.weight: all 1280 weights are 0/],
      [bogus, /^ecgpu train: model file .*bogus-layout\.ecgpu: input\.render\.layout must be one of 12lead, stacked, lead-channels, got "bogus"$/],
    ];
    for (const [model, re] of cases) {
      expectRefused(await runCli('train', '--init', model, '--out', out, '--no-progress'), EXIT.modelFile, re);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('predict: all weights zero, a bogus layout, a NaN temperature: refused at load, nothing printed on stdout', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [variant(() => {}, (p, h) => { for (const t of h.tensors) if (t.name.endsWith('.weight') && t.shape.length > 1) fillTensor(t.name, 0)(p, h); }), /tensor features\.0\.weight: all 18876 weights are 0/],
      [variant((h) => { h.input.render.layout = 'bogus'; }), /input\.render\.layout must be one of 12lead, stacked, lead-channels, got "bogus"$/],
      [variant((h) => { h.calibration.temperature = null; }), /calibration temperature must be a positive number, got null$/],
    ];
    for (const [i, [bytes, re]] of cases.entries()) {
      const model = join(dir, `predict-${i}.ecgpu`);
      writeFileSync(model, bytes);
      const r = await runCli('predict', record, '--model', model, '--saliency', join(dir, `p${i}.png`));
      expectRefused(r, EXIT.modelFile, new RegExp(`^ecgpu predict: model file .*predict-${i}\\.ecgpu: ${re.source}`));
      expect(r.out).toBe('');
      expect(existsSync(join(dir, `p${i}.png`))).toBe(false);
    }
  }, 120_000);

  it('eval: a model with leadSpanMv 0, ten classes all "a", five classes: refused before rendering, no report', async () => {
    const data = folder('eval-data');
    writeRecord(data, generateRecord(5, 5), 'V');
    const cases: [(h: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [(h) => { h.input.render.leadSpanMv = 0; }, /input\.render\.leadSpanMv must be a positive finite number, got 0$/],
      [(h) => { h.classNames = new Array(10).fill('a'); }, /class names 0 and 1 are both "a"/],
      [(h) => { h.config.inChannels = -1; }, /config\.inChannels must be a positive integer, got -1$/],
    ];
    for (const [i, [edit, re]] of cases.entries()) {
      const model = join(dir, `eval-${i}.ecgpu`);
      writeFileSync(model, variant(edit));
      const out = join(dir, `eval-out-${i}`);
      expectRefused(await runCli('eval', '--data', data, '--model', model, '--out', out), EXIT.modelFile, new RegExp(`^ecgpu eval: model file .*eval-${i}\\.ecgpu: ${re.source}`));
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('RunFolder: what a failed run leaves', () => {
  it('a folder it made is removed; a folder that existed loses only what the run added', () => {
    const made = join(dir, 'rf-new');
    const a = RunFolder.open(made, '--out');
    expect(readdirSync(made)).toEqual([INCOMPLETE_MARKER]);
    writeFileSync(join(made, 'split.json'), '{}');
    expect(a.undo('boom')).toBeUndefined();
    expect(existsSync(made)).toBe(false);

    const kept = folder('rf-old', { 'keep.txt': 'x' });
    const b = RunFolder.open(kept, '--out');
    mkdirSync(join(kept, 'alexnet'));
    writeFileSync(join(kept, 'report.html'), '');
    b.undo('boom');
    expect(readdirSync(kept)).toEqual(['keep.txt']);
  });

  it('checkpoints written by the run are kept and the folder says why it is incomplete; success removes the mark', () => {
    const d = join(dir, 'rf-ckpt');
    const r = RunFolder.open(d, '--out');
    mkdirSync(join(d, 'alexnet-m-se'));
    writeFileSync(join(d, 'alexnet-m-se', 'last.ckpt'), 'x');
    expect(r.undo('ecgpu train: training diverged')).toMatch(/kept with its checkpoints and marked INCOMPLETE \(continue with --resume\)/);
    expect(readFileSync(join(d, INCOMPLETE_MARKER), 'utf8')).toMatch(/this run failed: ecgpu train: training diverged\nIts checkpoints are kept: run the same command with --resume/);
    const again = RunFolder.open(d, '--out');
    again.done();
    expect(existsSync(join(d, INCOMPLETE_MARKER))).toBe(false);
    expect(existsSync(join(d, 'alexnet-m-se', 'last.ckpt'))).toBe(true);
  });
});
