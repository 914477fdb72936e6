/** The Classify page: a dropped record or a bundled sample → the Classifier → ECG, probabilities, decision, Grad-CAM. */
import { Classifier, type Classification } from '../../src/classifier/classifier.js';
import { readRecordFiles, type RecordFile } from '../../src/ecg/read-bytes.js';
import { renderRecord } from '../../src/ecg/render.js';
import type { EcgRecord } from '../../src/ecg/types.js';
import { modelRenderOptions } from '../../src/classifier/model-input.js';
import { pictureOptions } from '../../src/inference/saliency.js';
import { hooks } from './hooks.js';

interface Sample { name: string; cls: number; label: string; files: string[] }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
/** The picture's size (px): what saliencyPicture draws, so the overlay and the plain view match. */
const DISPLAY_SIZE = 880;

let clf: Classifier | undefined;
let shown: { result: Classification; plain: ImageData; overlay?: ImageData } | undefined;

function status(text: string, error = false): void {
  const s = $('classify-status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function imageData(rgba: Uint8Array, width: number, height: number): ImageData {
  return new ImageData(new Uint8ClampedArray(rgba.buffer.slice(rgba.byteOffset, rgba.byteOffset + rgba.byteLength) as ArrayBuffer), width, height);
}

async function paint(): Promise<void> {
  if (!shown) return;
  const canvas = $<HTMLCanvasElement>('ecg');
  const wantOverlay = $<HTMLInputElement>('gradcam').checked;
  if (wantOverlay && !shown.overlay) {
    const s = await shown.result.saliency({ size: DISPLAY_SIZE });
    shown.overlay = imageData(s.rgba, s.width, s.height);
  }
  const img = wantOverlay ? shown.overlay! : shown.plain;
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
  $('ecg-caption').textContent = wantOverlay ? `Grad-CAM for ${shown.result.classNames[shown.result.decision.index]}: red = strongest evidence.` : '';
}

/** Where the network ran, for the run line: the WebGPU adapter, or the CPU. */
function where(c: Classifier): string {
  if (c.backend === 'cpu') return 'on the CPU (plain JavaScript: no WebGPU here)';
  const a = c.adapter;
  const name = a?.description || [a?.vendor, a?.architecture].filter(Boolean).join(' ') || 'the WebGPU adapter';
  return `on WebGPU, ${name}${a?.isFallbackAdapter ? ' (software fallback)' : ''}`;
}

/** A line of the result that only some models give (multi-label findings, heart rate): hidden when absent. */
function showOptional(id: string, text: string | undefined): void {
  const el = $(id);
  el.hidden = text === undefined;
  el.textContent = text ?? '';
}

function showResult(name: string, r: Classification): void {
  const model = clf!;
  const big = renderRecord(r.record, pictureOptions(modelRenderOptions(model.meta), DISPLAY_SIZE));
  shown = { result: r, plain: imageData(big.rgba, big.width, big.height) };
  $<HTMLCanvasElement>('ecg').setAttribute('aria-label', `Rendered ECG of ${name}, the 12 standard leads`);
  // A multi-label model answers each class on its own: its "decision" is the most probable finding.
  $('decision-title').textContent = r.multiLabel ? 'Most probable finding' : 'Decision';
  $('bars-title').textContent = r.multiLabel ? 'Probability of each finding (independent per class)' : 'Calibrated probabilities';
  $('decision').textContent = `${r.decision.name} (${(100 * r.decision.probability).toFixed(1)}%)${r.decision.thresholded && !r.multiLabel ? ', after per-class thresholds' : ''}`;
  const bars = $('bars');
  bars.replaceChildren(...r.top(r.classNames.length).map((c) => {
    const li = document.createElement('li');
    if (c.index === r.decision.index) li.className = 'chosen';
    const pct = (100 * c.probability).toFixed(1);
    li.innerHTML = `<span class="name"></span><span class="track" aria-hidden="true"><span class="fill" style="width:${pct}%"></span></span><span class="pct">${pct}%</span>`;
    li.querySelector('.name')!.textContent = c.name;
    return li;
  }));
  $('warnings').replaceChildren(...r.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: `Note: ${w}` })));
  showOptional('findings', !r.multiLabel ? undefined : (r.findings.length
    ? `Findings: ${r.findings.map((f) => `${f.name} (${(100 * f.probability).toFixed(1)}%)`).join(', ')}`
    : 'Findings: none of the classes above its threshold'));
  showOptional('heart-rate', r.heartRate && `Heart rate ${r.heartRate.bpm.toFixed(0)} bpm over ${r.heartRate.beats} beats (RR irregularity ${r.heartRate.rrIrregularity.toFixed(2)})`);
  $('run-info').textContent = `${name}: ${r.record.fs} Hz, ${(r.record.signals[0].length / r.record.fs).toFixed(1)} s. ` +
    `Inference ${r.milliseconds.toFixed(0)} ms ${where(model)}; temperature ${r.temperature.toFixed(2)}.`;
  $('result').hidden = false;
  hooks.lastResult = { name, probabilities: Array.from(r.probabilities), logits: Array.from(r.logits), decision: r.decision.index, backend: r.backend, milliseconds: r.milliseconds };
  status(`Classified ${name}.`);
  void paint();
}

async function classify(name: string, read: () => Promise<EcgRecord>): Promise<void> {
  if (!clf) return;
  status(`Classifying ${name}…`);
  try {
    showResult(name, await clf.classify(await read()));
  } catch (e) {
    $('result').hidden = true;
    status((e as Error).message, true);
  } finally {
    hooks.attempts = (hooks.attempts ?? 0) + 1;
  }
}

async function sampleFiles(s: Sample): Promise<RecordFile[]> {
  return Promise.all(s.files.map(async (f) => {
    const res = await fetch(`samples/${f}`);
    if (!res.ok) throw new Error(`samples/${f}: HTTP ${res.status}`);
    return { name: f, bytes: new Uint8Array(await res.arrayBuffer()) };
  }));
}

export async function startClassifyPage(): Promise<void> {
  const samples: Sample[] = await (await fetch('samples/index.json')).json();
  const select = $<HTMLSelectElement>('sample');
  select.replaceChildren(...samples.map((s, i) => new Option(`${s.label} (${s.name})`, String(i))));
  const classifySample = () => {
    const s = samples[Number(select.value)];
    return classify(`${s.name} (synthetic ${s.label})`, async () => readRecordFiles(await sampleFiles(s), { digital: false }));
  };
  $('classify-sample').addEventListener('click', () => void classifySample());
  const file = $<HTMLInputElement>('file');
  const fromFiles = (files: FileList | File[]) => {
    const list = Array.from(files);
    if (list.length) void classify(list.map((f) => f.name).join(' + '), () => readRecordFiles(list, { digital: false }));
  };
  file.addEventListener('change', () => {
    fromFiles(file.files ?? []);
    file.value = ''; // so that picking the same files again (after fixing them, say) classifies again
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); fromFiles(e.dataTransfer?.files ?? []); });
  $('gradcam').addEventListener('change', () => void paint());
  try {
    clf = await Classifier.load();
  } catch (e) {
    status(`The default model could not be loaded: ${(e as Error).message}`, true);
    return;
  }
  const info = clf.meta.info ?? {};
  status(`Model ready: ${clf.meta.config.architecture === 'alexnet' ? 'AlexNet' : 'AlexNet-M-SE'}` +
    `${info.preset ? `, preset ${String(info.preset)}` : ''}, input ${clf.inputShape.join('×')}, running ${clf.backend === 'cpu' ? 'on the CPU' : 'on WebGPU'}. Pick a sample or drop a record.`);
  hooks.classifyReady = true;
}
