/**
 * The plausibility gate through `ecgpu predict` with the bundled model, run as a subprocess: a broken
 * record is refused with exit 5 and one line naming the file, the check and its numbers (and no
 * probabilities); a µV record under a 1/mV gain is rescaled with a warning line and answered.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { generateRecord } from '../../src/ecg/synthetic.js';
import { writeRecord } from '../../src/ecg/wfdb-writer.js';
import { BROKEN_VARIANTS } from '../../src/ecg/broken-records.js';
import { tempDir } from '../ecg/wfdb-fixtures.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(repo, 'src/cli/main.ts');
const model = join(repo, 'models/default.ecgpu');
const samples = join(repo, 'web/demo/samples');

interface Run { code: number | null; out: string; err: string }
function ecgpu(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: repo });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}
/** stderr without Dawn's own start-up warnings about Vulkan drivers. */
const ours = (err: string) => err.split('\n').filter((l) => l && !/^Warning: vk|^\s+at CheckVkSuccessImpl/.test(l));

let dir: string, record: string;
beforeAll(() => {
  dir = tempDir('ecgpu-gate-cli-');
  record = writeRecord(dir, generateRecord(0, 11), 'OK');
});

describe('ecgpu predict behind the plausibility gate', () => {
  it('Gaussian noise on 12 leads: exit 5, one line naming the file, the check and the numbers; no answer', async () => {
    const noisy = writeRecord(dir, BROKEN_VARIANTS.noise(generateRecord(0, 11)), 'NOISE');
    const r = await ecgpu(['predict', noisy, '--model', model, '--saliency', join(dir, 'n.png')]);
    expect(r.code, r.err).toBe(EXIT.record);
    const lines = ours(r.err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ecgpu predict: .*NOISE\.hea: QRS consistency check: the \d+ beats found are not alike .*correlation 0\.\d+/);
    expect(r.out).not.toMatch(/%/);
  }, 120_000);

  it('demo sample-0 (500 Hz) under a header saying 1000 Hz: exit 5 with the sampling-rate check and its numbers', async () => {
    const hea = join(dir, 'FAST.hea');
    writeFileSync(hea, readFileSync(join(samples, 'sample-0.hea'), 'utf8').replace(/^sample-0 12 500 /, 'FAST 12 1000 ').replaceAll('sample-0.mat', 'FAST.mat'));
    writeFileSync(join(dir, 'FAST.mat'), readFileSync(join(samples, 'sample-0.mat')));
    const r = await ecgpu(['predict', hea, '--model', model, '--saliency', join(dir, 'f.png')]);
    expect(r.code, r.err).toBe(EXIT.record);
    expect(ours(r.err)).toEqual([expect.stringMatching(/FAST\.hea: sampling-rate check: at the stated 1000 Hz the heart rate is \d+ bpm and the QRS \d+ ms wide .*looks higher/)]);
  }, 120_000);

  it('µV samples under a gain of 1/mV: rescaled, a warning line with the evidence, then the answer (exit 0)', async () => {
    const hea = join(dir, 'MICRO.hea');
    writeFileSync(hea, readFileSync(record, 'utf8').replace(/^OK /, 'MICRO ').replaceAll('OK.mat', 'MICRO.mat').replace(/ 1000\/mV /g, ' 1/mV '));
    writeFileSync(join(dir, 'MICRO.mat'), readFileSync(join(dir, 'OK.mat')));
    const r = await ecgpu(['predict', hea, '--model', model, '--saliency', join(dir, 'm.png')]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.out).toMatch(/^warning: amplitude check: median QRS peak-to-peak \d+ mV over the 12 leads .*header gain 1 adu\/mV.*rescaled by 1\/1000/m);
    expect(r.out).toMatch(/calibrated probabilities|probability of each finding/);
  }, 180_000);
});
