/**
 * A model file whose structure is sound but whose contents cannot give meaningful answers is refused
 * when it is read, with one line naming the file and the problem: wiped or constant weight tensors,
 * render options no renderer draws with (or drawing another image than the network takes), duplicate
 * class names. Variants are made from the bundled models/default.ecgpu with its checksum fixed, so
 * only the check under test can refuse them; every file ecgpu itself writes still loads.
 */
import { describe, expect, it } from 'vitest';
import { checkModelFile, ModelFileError } from '../../src/models/model-file.js';
import { LEAD_PLANES, renderOptionsProblem } from '../../src/models/render-geometry.js';
import { STANDARD_LEADS } from '../../src/ecg/types.js';
import { PRESETS } from '../../src/train/presets.js';
import { inputDims } from '../../src/models/alexnet.js';
import { bundled, fillTensor, problemOf, variant, type Json } from '../helpers/model-variants.js';


const problem = (bytes: Uint8Array): string => problemOf(checkModelFile, bytes);

describe('files ecgpu writes pass every check', () => {
  it('the bundled default model', () => {
    expect(checkModelFile(bundled, 'default').warnings).toEqual([]);
  });

  it('the edit helper alone changes nothing a check sees', () => {
    expect(() => checkModelFile(variant(() => {}), 'm')).not.toThrow();
  });

  it("lead-channels' plane count is the number of standard leads", () => {
    expect(LEAD_PLANES).toBe(STANDARD_LEADS.length);
  });

  it('every preset describes a render its network takes (a model trained with it loads)', () => {
    for (const p of Object.values(PRESETS)) {
      const [height, width] = inputDims(p.model);
      expect(renderOptionsProblem({ ...p.render }, { channels: p.model.inChannels, height, width }), p.name).toBeUndefined();
    }
  });
});

describe('weights: wiped, constant, non-finite, impossible statistics', () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['all of a convolution 0', () => variant(() => {}, fillTensor('features.0.weight', 0)), /^tensor features\.0\.weight: all 18876 weights are 0 \(a wiped or never-trained file\)/],
    ['all of the last layer 0', () => variant(() => {}, fillTensor('head.7.weight', 0)), /^tensor head\.7\.weight: all 1280 weights are 0/],
    ['a linear layer constant', () => variant(() => {}, fillTensor('head.4.weight', 0.01)), /^tensor head\.4\.weight: all 16384 weights are 0\.009999/],
    ['a batch-norm scale all 0', () => variant(() => {}, fillTensor('features.5.weight', 0)), /^tensor features\.5\.weight: all 32 weights are 0/],
    ['Infinity in a bias', () => variant(() => {}, fillTensor('head.7.bias', (i) => (i === 3 ? Infinity : 0))), /^tensor head\.7\.bias has 1 non-finite weight\(s\) \(first at index 3: Infinity\)/],
    ['NaN in a running variance', () => variant(() => {}, fillTensor('features.1.running_var', NaN)), /^tensor features\.1\.running_var has 12 non-finite weight\(s\)/],
    ['a negative running variance', () => variant(() => {}, fillTensor('features.9.running_var', (i) => (i === 5 ? -1 : 1))), /^tensor features\.9\.running_var holds a negative variance \(-1\)/],
  ];
  for (const [name, make, want] of cases) it(name, () => expect(problem(make())).toMatch(want));

  it('constant biases, batch-norm shifts and running statistics are allowed (a fresh model has them)', () => {
    const fresh = variant(() => {}, (p, h) => {
      for (const t of h.tensors as Json[]) {
        const v = t.name.endsWith('running_var') || (t.shape.length === 1 && t.name.endsWith('.weight')) ? 1 : 0;
        if (t.shape.length === 1) fillTensor(t.name, v)(p, h);
      }
    });
    expect(() => checkModelFile(fresh, 'fresh')).not.toThrow();
  });
});

describe('render options: values a renderer cannot draw with, or another image than the network takes', () => {
  const cases: [string, (h: Json) => void, RegExp][] = [
    ['leadSpanMv 0', (h) => { h.input.render.leadSpanMv = 0; }, /^input\.render\.leadSpanMv must be a positive finite number, got 0$/],
    ['leadSpanMv negative', (h) => { h.input.render.leadSpanMv = -4; }, /^input\.render\.leadSpanMv must be a positive finite number, got -4$/],
    ['leadSpanMv NaN (JSON null)', (h) => { h.input.render.leadSpanMv = null; }, /^input\.render\.leadSpanMv must be a positive finite number, got null \(JSON writes NaN and Infinity as null\)$/],
    ['leadSpanMv a string', (h) => { h.input.render.leadSpanMv = '4'; }, /^input\.render\.leadSpanMv must be a positive finite number, got "4"$/],
    ['seconds 0', (h) => { h.input.render.seconds = 0; }, /^input\.render\.seconds must be a positive finite number, got 0$/],
    ['gain negative', (h) => { h.input.render.gain = -10; }, /^input\.render\.gain must be/],
    ['layout bogus', (h) => { h.input.render.layout = 'bogus'; }, /^input\.render\.layout must be one of 12lead, stacked, lead-channels, got "bogus"$/],
    ['grid bogus', (h) => { h.input.render.grid = 'dots'; }, /^input\.render\.grid must be one of auto, full, major, none, got "dots"$/],
    ['width 0', (h) => { h.input.render.width = 0; }, /^input\.render\.width must be an integer from 1 to 8192, got 0$/],
    ['width fractional', (h) => { h.input.render.width = 255.5; }, /^input\.render\.width must be an integer/],
    ['height huge', (h) => { h.input.render.height = 1e9; }, /^input\.render\.height must be an integer from 1 to 8192, got 1000000000$/],
    ['rhythmPlane a string', (h) => { h.input.render.rhythmPlane = 'yes'; }, /^input\.render\.rhythmPlane must be true or false, got "yes"$/],
    ['channels against the layout', (h) => { h.input.render.channels = 12; }, /^input\.render: layout lead-channels with the rhythm plane renders 13 planes, not channels: 12$/],
    ['a picture layout with 2 channels', (h) => { Object.assign(h.input.render, { layout: 'stacked', channels: 2 }); }, /^input\.render\.channels must be 1 \(luminance\) or 3 \(RGB\) for layout stacked, got 2$/],
    ['another image size than the network takes', (h) => { h.input.render.width = 128; }, /^its render options draw 13×64×128 images but the network takes 13×64×256$/],
    ['another plane count than the network takes', (h) => { h.input.render.rhythmPlane = false; delete h.input.render.channels; }, /^its render options draw 12×64×256 images but the network takes 13×64×256$/],
    ['no size at all (the 224 default) for a 64×256 network', (h) => { delete h.input.render.width; delete h.input.render.height; }, /^its render options draw 13×224×224 images but the network takes 13×64×256$/],
  ];
  for (const [name, edit, want] of cases) it(name, () => expect(problem(variant(edit))).toMatch(want));
});

describe('config, classes and calibration', () => {
  const cases: [string, (h: Json) => void, RegExp][] = [
    ['ten class names all "a"', (h) => { h.classNames = new Array(10).fill('a'); }, /^class names 0 and 1 are both "a": a model's classes must be told apart by name$/],
    ['two names differing only in case and spaces', (h) => { h.classNames[4] = ' lbbb '; }, /^class names 3 and 4 are both "lbbb"/],
    ['an empty class name', (h) => { h.classNames[9] = ''; }, /^classNames must be a list of non-empty names$/],
    ['a class name that is a number', (h) => { h.classNames[9] = 9; }, /^classNames must be a list of non-empty names$/],
    ['a class name with an escape sequence', (h) => { h.classNames[0] = 'normal\u001b[2J'; }, /^class name 0 "normal\\u001b\[2J" holds control characters$/],
    ['a class name 100 000 characters long', (h) => { h.classNames[0] = 'x'.repeat(100_000); }, /^class name 0 is 100000 characters long \(at most 100\)$/],
    ['a negative channel count', (h) => { h.config.inChannels = -13; }, /^config\.inChannels must be a positive integer, got -13$/],
    ['inputWidth 0', (h) => { h.config.inputWidth = 0; }, /^config\.inputWidth must be a positive integer, got 0$/],
    ['inputSize a string', (h) => { h.config.inputSize = '64'; delete h.config.inputHeight; }, /^config\.inputSize must be a positive integer, got "64"$/],
    ['NaN temperature (JSON null)', (h) => { h.calibration.temperature = null; }, /^calibration temperature must be a positive number, got null$/],
    ['negative temperature', (h) => { h.calibration.temperature = -1; }, /^calibration temperature must be a positive number, got -1$/],
    ['a zero threshold', (h) => { h.calibration.thresholds[4] = 0; }, /^calibration thresholds must be positive \(the decision divides by them\), got \[1, 1, 1, 1, 0, 1/],
    ['a negative threshold', (h) => { h.calibration.thresholds[0] = -0.5; }, /^calibration thresholds must be positive/],
    ['a width multiplier of 1000 (would exhaust memory)', (h) => { h.config.width = 1000; }, /^config\.width must be a number in \(0, 16\], got 1000$/],
    ['fcWidth negative', (h) => { h.config.fcWidth = -128; }, /^config\.fcWidth must be an integer from 1 to 65536, got -128$/],
    ['channels of 4 convolutions', (h) => { h.config.channels = [8, 8, 8, 8]; }, /^config\.channels must be 5 channel counts/],
    ['dropout 1.5', (h) => { h.config.dropout = 1.5; }, /^config\.dropout must be a number in \[0, 1\), got 1\.5$/],
    ['a NaN threshold (JSON null)', (h) => { h.calibration.thresholds[2] = null; }, /^calibration thresholds must be empty or 10 finite numbers$/],
  ];
  for (const [name, edit, want] of cases) it(name, () => expect(problem(variant(edit))).toMatch(want));
});
