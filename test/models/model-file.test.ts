/**
 * Every malformed model file gives one ModelFileError naming the file and the problem — from bytes
 * (readModelHeader/loadModel) and from paths (Classifier.load and `ecgpu predict --model`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpu } from '../helpers/gpu.js';
import { encodeModel, headerOf, payloadOf, problemOf, type Json } from '../helpers/model-variants.js';
import { createModel, type AlexNetConfig } from '../../src/models/alexnet.js';
import { crc32 } from '../../src/image/crc32.js';
import { loadModel, ModelFileError, readModelHeader, saveModel } from '../../src/models/model-file.js';
import { Classifier } from '../../src/classifier/classifier.js';
import { CLASS_NAMES } from '../../src/ecg/types.js';

const config: AlexNetConfig = {
  architecture: 'alexnet-m-se', inputSize: 64, inChannels: 1, numClasses: 10, width: 0.0625, fcWidth: 8, dropout: 0, seReduction: 2, seed: 3,
};
let good: Uint8Array;

beforeAll(async () => {
  await gpu();
  const model = createModel(config);
  good = await saveModel(model, {
    classNames: [...CLASS_NAMES], input: { render: { width: 64, height: 64, layout: 'stacked', channels: 1 }, mean: [0.9], std: [0.2] },
    calibration: { temperature: 1.5, thresholds: [] },
  });
  model.dispose();
});


/** Re-encodes a file with a changed header (and payload); the checksum follows unless `keepCrc`. */
function rebuild(edit: (h: Json) => void, payload = payloadOf(good), keepCrc = false): Uint8Array {
  const h = headerOf(good);
  if (!keepCrc) h.payloadCrc32 = crc32(payload);
  edit(h);
  return encodeModel(good, h, payload);
}
const problem = (bytes: Uint8Array): string => problemOf((b, source) => loadModel(b, source).model.dispose(), bytes);

describe('model file: checksum', () => {
  it('a good file loads without warnings and carries a CRC-32 of its payload', () => {
    const { warnings, header } = readModelHeader(good, 'm');
    expect(warnings).toEqual([]);
    expect(header.payloadCrc32).toBe(crc32(payloadOf(good)));
    loadModel(good).model.dispose();
  });

  it('one flipped bit in the weights is found', () => {
    const bad = Uint8Array.from(good);
    bad[bad.length - 101] ^= 0x04;
    expect(problem(bad)).toMatch(/^payload checksum mismatch \(CRC-32 [0-9a-f]{8}, header says [0-9a-f]{8}\): the file is damaged or was altered$/);
  });

  it('a file written before checksums loads, with a warning', () => {
    const old = rebuild((h) => delete h.payloadCrc32);
    const r = loadModel(old, 'old.ecgpu');
    expect(r.warnings).toEqual(['old.ecgpu: no payload checksum (written by an older ecgpu), so damaged weights cannot be detected']);
    r.model.dispose();
  });

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('model file: every malformed variant is one line naming the file', () => {
  const nanPayload = () => { const p = Uint8Array.from(payloadOf(good)); new DataView(p.buffer).setFloat32(40, NaN, true); return p; };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /^empty file$/],
    ['5 bytes', () => good.subarray(0, 5), /bad magic/],
    ['bad magic', () => { const b = Uint8Array.from(good); b[0] = 0x50; return b; }, /not an ecgpu model file \(bad magic/],
    ['a PNG', () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0]), /bad magic/],
    ['header cut off', () => good.subarray(0, 40), /^truncated header \(\d+ bytes announced, 28 present\)$/],
    ['payload cut off', () => good.subarray(0, good.length - 8), /^truncated: the tensors need \d+ bytes of data, the file has \d+$/],
    ['trailing bytes', () => rebuild(() => {}, Uint8Array.from([...payloadOf(good), 1, 2, 3, 4])), /^4 unexpected bytes after the last tensor$/],
    ['broken JSON', () => { const b = Uint8Array.from(good); b[12] = 0x7b; b[13] = 0x2c; return b; }, /^header is not valid JSON \(/],
    ['JSON array', () => { const j = new TextEncoder().encode('[1,2]'); const b = new Uint8Array(20); b.set(good.subarray(0, 8)); new DataView(b.buffer).setUint32(8, j.length, true); b.set(j, 12); return b; }, /^header is not a JSON object$/],
    ['other format', () => rebuild((h) => { h.format = 'onnx'; }), /^not an ecgpu model header \(format "onnx"\)$/],
    ['version 2', () => rebuild((h) => { h.version = 2; }), /^unsupported model file version 2/],
    ['no config', () => rebuild((h) => { delete h.config; }), /^header has no model config$/],
    ['unknown architecture', () => rebuild((h) => { h.config.architecture = 'resnet'; }), /^unknown architecture "resnet"/],
    ['numClasses 0', () => rebuild((h) => { h.config.numClasses = 0; }), /^config\.numClasses must be a positive integer, got 0$/],
    ['short class names', () => rebuild((h) => { h.classNames = h.classNames.slice(0, 4); }), /^4 class names for a model with 10 classes$/],
    ['empty class name', () => rebuild((h) => { h.classNames[2] = ' '; }), /^classNames must be a list of non-empty names$/],
    ['no input', () => rebuild((h) => { delete h.input; }), /^header has no input description/],
    ['mean per channel', () => rebuild((h) => { h.input.mean = [0.1, 0.2, 0.3]; }), /^input normalisation has 3 means and 1 stds for 1 input channel\(s\)$/],
    ['zero std', () => rebuild((h) => { h.input.std = [0]; }), /^input\.std must be positive/],
    ['temperature 0', () => rebuild((h) => { h.calibration.temperature = 0; }), /^calibration temperature must be a positive number, got 0$/],
    ['short thresholds', () => rebuild((h) => { h.calibration.thresholds = [1, 1]; }), /^calibration thresholds must be empty or 10 finite numbers$/],
    ['no tensor table', () => rebuild((h) => { h.tensors = []; }), /^header has no tensor table$/],
    ['length vs shape', () => rebuild((h) => { h.tensors[0].length += 1; }), /^tensor \S+: length \d+ does not match its shape/],
    ['odd offset', () => rebuild((h) => { h.tensors[1].offset += 2; }), /^tensor \S+: bad offset \d+$/],
    ['wrong shapes', () => rebuild((h) => { h.tensors[0].shape = [...h.tensors[0].shape].reverse(); }), /^tensor \S+ has shape \[.*\], the model expects \[.*\]$/],
    ['config vs tensors', () => rebuild((h) => { h.config.width = 0.125; }), /^tensor \S+ has shape \[.*\], the model expects \[.*\]$/],
    ['tensor missing', () => rebuild((h) => { h.tensors[0].name = 'nosuch.weight'; }), /^tensor \S+ missing$/],
    ['input too small', () => rebuild((h) => { h.config.inputSize = 8; h.input.render.width = 8; h.input.render.height = 8; }), /^its config does not describe a buildable model \(input 8×8 is too small/],
    ['NaN weights', () => rebuild(() => {}, nanPayload()), /^tensor \S+ has 1 non-finite weight\(s\) \(first at index \d+: NaN\); the model cannot give meaningful answers$/],
    ['Infinity in config (JSON writes null)', () => rebuild((h) => { h.config.dropout = 1e999; }), /^config\.dropout is missing \(null\)$/],
  ];
  for (const [name, make, want] of cases) it(name, () => expect(problem(make())).toMatch(want));
  it('the Classifier\'s CPU backend refuses each of them with the same line', async () => {
    for (const [name, make] of cases) {
      const bytes = make();
      const onCpu = await Classifier.load(bytes, { backend: 'cpu' }).then(() => 'loaded', (e) => { expect(e, name).toBeInstanceOf(ModelFileError); return (e as Error).message; });
      expect(onCpu, name).toBe(`model bytes: ${problem(bytes)}`);
    }
  });

  it('paths: not found, a directory, an empty file — through Classifier.load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecgpu-mf-'));
    mkdirSync(join(dir, 'folder.ecgpu'));
    writeFileSync(join(dir, 'empty.ecgpu'), '');
    const msg = async (p: string) => Classifier.load(p).then(() => 'loaded', (e) => { expect(e).toBeInstanceOf(ModelFileError); return (e as Error).message; });
    expect(await msg(join(dir, 'nope.ecgpu'))).toBe(`${join(dir, 'nope.ecgpu')}: file not found`);
    expect(await msg(join(dir, 'folder.ecgpu'))).toBe(`${join(dir, 'folder.ecgpu')}: is a directory, not a model file`);
    expect(await msg(join(dir, 'empty.ecgpu'))).toBe(`${join(dir, 'empty.ecgpu')}: empty file`);
  });
});
