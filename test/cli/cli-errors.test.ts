/**
 * The ecgpu command as a person meets it, run as a subprocess: every bad option, missing folder, bad
 * split file, bad checkpoint, unwritable output and absurd header ends in one line on stderr naming
 * the option or file and the problem, with the exit code of its kind (src/cli/exit-codes.ts), and no
 * stack trace; a closed output pipe ends quietly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare, gpu } from '../helpers/gpu.js';
import { EXIT } from '../../src/cli/exit-codes.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { prepareSynthetic } from '../../src/ecg/dataset.js';
import { createModel } from '../../src/models/alexnet.js';
import { loadModel, saveModel } from '../../src/models/model-file.js';
import { PRESETS } from '../../src/train/presets.js';
import { tempDir } from '../ecg/wfdb-fixtures.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repo, 'src/cli/main.ts');

interface Run { code: number | null; out: string; err: string }
function ecgpu(args: string[], opts: { env?: Record<string, string>; stopReadingAfter?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repo, env: { ...process.env, ...opts.env } });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      // Like `| head -c N`: the reader goes away while ecgpu is still writing.
      if (opts.stopReadingAfter !== undefined && out.length >= opts.stopReadingAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
/** stderr without Dawn's own start-up warnings about Vulkan drivers. */
const ours = (err: string) => err.split('\n').filter((l) => l && !/^Warning: vk|^\s+at CheckVkSuccessImpl/.test(l));
function expectOneLine(r: Run, code: number, re: RegExp) {
  expect(r.code, r.err).toBe(code);
  const lines = ours(r.err);
  expect(lines.at(-1)).toMatch(re);
  expect(r.err).not.toMatch(/\n\s+at .*\.(ts|js):\d+/);
}

let dir: string, record: string;
beforeAll(() => {
  dir = tempDir('ecgpu-cli-');
  record = writeRecord(dir, generateRecord(4, 7), 'R1').replace(/\.hea$/, '');
});

describe('bad options: exit 2 and one line naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['train', '--batch', '0'], /^ecgpu train: --batch must be an integer ≥ 2 and ≤ 4096, got '0'$/],
    [['train', '--epochs', '0'], /^ecgpu train: --epochs must be an integer ≥ 1/],
    [['compare', '--epochs', '2.5'], /--epochs must be an integer/],
    [['train', '--lr', '-1'], /^ecgpu train: --lr must be a number > 0 and ≤ 10, got '-1'$/],
    [['train', '--lr', 'NaN'], /--lr must be a number > 0/],
    [['train', '--weight-decay', '-0.5'], /--weight-decay must be a number ≥ 0/],
    [['prepare', '--seed', '-3'], /--seed must be an integer ≥ 0/],
    [['prepare', '--level', '0'], /--level must be paper204, paper440, all or a number/],
    [['train', '--preset', 'nosuch'], /^ecgpu train: --preset nosuch: no such preset \(choose from paper, quick, demo, tiny\)$/],
    [['train', '--optimizer', 'rmsprop'], /--optimizer must be sgd, adam or adamw/],
    [['compare', '--best-by', 'f1'], /^ecgpu compare: --best-by f1: choose accuracy or loss$/],
    [['predict', 'x.hea', '--top', '0'], /^ecgpu predict: --top must be an integer ≥ 1, got '0'$/],
    [['predict', 'x.hea', '--top', '1.5'], /--top must be an integer ≥ 1, got '1.5'/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
  ];
  it.each(cases)('%j', async (args, re) => expectOneLine(await ecgpu(args), EXIT.usage, re));

  it('inspect --from after --to', async () => {
    expectOneLine(await ecgpu(['inspect', record, '--from', '2', '--to', '1']), EXIT.usage, /--to 1 \(sample 500\) comes before --from 2 \(sample 1000\)/);
  });
});

describe('bad data and split files: exit 7', () => {
  it('--data naming a missing folder, a file, or one bad folder among several', async () => {
    expectOneLine(await ecgpu(['prepare', '--data', join(dir, 'nope')]), EXIT.data, /^ecgpu prepare: --data .*nope: no such folder$/);
    expectOneLine(await ecgpu(['train', '--data', `${record}.hea`]), EXIT.data, /--data .*R1\.hea: is a file, not a folder/);
    expectOneLine(await ecgpu(['prepare', '--data', dir, '--data', join(dir, 'gone')]), EXIT.data, /--data .*gone: no such folder/);
    expectOneLine(await ecgpu(['prepare', '--data', `${dir},${join(dir, 'gone2')}`]), EXIT.data, /--data .*gone2: no such folder/);
  });

  it('--out naming a file: exit 8', async () => {
    expectOneLine(await ecgpu(['prepare', '--out', `${record}.hea`]), EXIT.output, /^ecgpu prepare: --out .*R1\.hea: is a file, not a folder$/);
  });

  it('eval on a file that is not a split', async () => {
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'train: 3 records\nval: 1\n');
    expectOneLine(await ecgpu(['eval', '--split', notJson]), EXIT.data, /^ecgpu eval: .*notes\.txt: not a split file: not valid JSON \(.*\); give the split\.json/);
    const otherJson = join(dir, 'other.json');
    writeFileSync(otherJson, '{"version": 1, "train": "all"}');
    expectOneLine(await ecgpu(['eval', '--split', otherJson]), EXIT.data, /other\.json: its 'train' list is missing or malformed/);
    expectOneLine(await ecgpu(['eval', '--split', join(dir, 'missing.json')]), EXIT.data, /missing\.json: split file not found/);
  });

  it('a --labels table with a bad rule', async () => {
    const t = join(dir, 'phrases.tsv');
    writeFileSync(t, 'sinus rhythm\tzero\n');
    expectOneLine(await ecgpu(['prepare', '--data', dir, '--labels', t]), EXIT.data, /phrases\.tsv: line 1: 'zero' is not a list of class ids 0-9/);
  });
});

describe('a closed output pipe', () => {
  it('inspect … | head ends quietly with exit 0', async () => {
    const r = await ecgpu(['inspect', record], { stopReadingAfter: 100 });
    expect(r.code).toBe(EXIT.ok);
    expect(ours(r.err).filter((l) => /EPIPE|Error/.test(l))).toEqual([]);
    expect(r.out.length).toBeLessThan(5000 * 12 * 8); // it stopped early
  });
});

describe('with the GPU: checkpoints, outputs, absurd headers', () => {
  let model: string, data: string, out: string;
  const env = () => ({ ECGPU_CACHE: join(dir, 'cache') });
  beforeAll(async () => {
    await gpu();
    const preset = PRESETS.tiny;
    const m = createModel({ ...preset.model, architecture: 'alexnet-m-se', seed: 99 }); // not the CLI's default seed: --init must matter
    model = join(dir, 'tiny.ecgpu');
    writeFileSync(model, await saveModel(m, { classNames: ['normal sinus rhythm', 'sinus tachycardia', 'sinus bradycardia', 'LBBB', 'RBBB', 'LVH', 'RVH', 'ST elevation', 'ST depression', 'ectopy'], input: { render: { ...preset.render }, mean: [0.5], std: [0.25] }, calibration: { temperature: 1, thresholds: [] } }));
    m.dispose();
    data = join(dir, 'db');
    mkdirSync(data);
    prepareSynthetic(data, 1, 3);
    out = join(dir, 'run');
  });

  it('every bad --resume checkpoint: exit 6 naming the file', async () => {
    const ckptDir = join(out, 'alexnet-m-se');
    mkdirSync(ckptDir, { recursive: true });
    const last = join(ckptDir, 'last.ckpt');
    const args = ['train', '--preset', 'tiny', '--data', data, '--level', 'all', '--out', out, '--resume', '--no-progress'];
    writeFileSync(last, 'not a checkpoint at all');
    expectOneLine(await ecgpu(args, { env: env() }), EXIT.checkpoint, /^ecgpu train: checkpoint .*last\.ckpt: not an ecgpu checkpoint \(bad magic\); delete it/);
    writeFileSync(last, Buffer.concat([Buffer.from('ECGPUCK1'), Buffer.from([200, 0, 0, 0]), Buffer.from('{"trainer"')]));
    expectOneLine(await ecgpu(args, { env: env() }), EXIT.checkpoint, /last\.ckpt: truncated header \(200 bytes announced, 10 present\)/);
  }, 180_000);

  it('--saliency into a missing folder: exit 8 naming --saliency and the folder, before any work', async () => {
    const r = await ecgpu(['predict', record, '--model', model, '--saliency', join(dir, 'no/such/dir/s.png')]);
    expect(r.out).toBe('');
    expectOneLine(r, EXIT.output, /^ecgpu predict: --saliency .*no\/such\/dir\/s\.png: folder .*no\/such\/dir does not exist$/);
  }, 120_000);

  it('--init with a model of another preset: exit 2 naming --init; a missing one: exit 4; before any training', async () => {
    const r = await ecgpu(['train', '--preset', 'quick', '--data', data, '--init', model, '--out', join(dir, 'init-run')]);
    expectOneLine(r, EXIT.usage, /^ecgpu train: --init .*tiny\.ecgpu: an alexnet-m-se at 64×64×1, width 0\.125, FC 32; this run trains alexnet-m-se with --preset quick \(64×256×13/);
    expectOneLine(await ecgpu(['train', '--init', join(dir, 'none.ecgpu')]), EXIT.modelFile, /^ecgpu train: model file .*none\.ecgpu: file not found$/);
  });

  it('--init starts training from the given model: at a negligible learning rate its weights come out unchanged', async () => {
    const runDir = join(dir, 'init-ok');
    const r = await ecgpu(['train', '--preset', 'tiny', '--data', data, '--level', 'all', '--init', model, '--balance', '--epochs', '1', '--lr', '1e-12', '--out', runDir, '--no-progress'], { env: env() });
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toMatch(/starting from the weights of .*tiny\.ecgpu/);
    const [before, after] = [model, join(runDir, 'alexnet-m-se', 'model.ecgpu')].map((f) => loadModel(new Uint8Array(readFileSync(f)), f));
    expect(after.meta.info?.init).toBe(model);
    const weightsOf = async (m: typeof before) => Promise.all(m.model.parameters().map((t) => t.read()));
    const [wb, wa] = [await weightsOf(before), await weightsOf(after)];
    expect(wb.length).toBe(25);
    wb.forEach((w, i) => expect(compare(wa[i], w, 1e-6, 0).ok, `tensor ${i}`).toBe(true));
    before.model.dispose();
    after.model.dispose();
  }, 180_000);

  it('a header with fs 1e9: exit 5 naming the file and the rate', async () => {
    const bad = join(dir, 'fast');
    mkdirSync(bad);
    const hea = readFileSync(`${record}.hea`, 'utf8').split('\n');
    hea[0] = hea[0].replace(/^(\S+ \d+ )\d+/, '$11e9');
    writeFileSync(join(bad, 'R1.hea'), hea.join('\n'));
    writeFileSync(join(bad, 'R1.mat'), readFileSync(`${record}.mat`));
    const r = await ecgpu(['predict', join(bad, 'R1.hea'), '--model', model, '--saliency', join(dir, 's.png')]);
    expectOneLine(r, EXIT.record, /R1\.hea: (record is 0\.0000050 s long|sampling frequency 1000000000 Hz is outside 50-100000 Hz)/);
  }, 120_000);
});
