/**
 * The Train page: one worker per architecture, live charts, progress with images/s and ETA, pause/stop,
 * results. After a run it offers the largest run this device trains in about three minutes, sized from
 * the speed it measured (a fast GPU gets more records and epochs than the defaults, which fit SwiftShader).
 */
import { CLASS_NAMES } from '../../src/ecg/types.js';
import type { EpochLog } from '../../src/train/trainer.js';
import { drawChart } from './chart.js';
import { hooks } from './hooks.js';
import { LIMITS, OFFER_SECONDS, offerRun } from './offer.js';
import type { FromWorker, ToWorker } from './protocol.js';

const ARCHS = [['alexnet-m-se', 'AlexNet-M-SE', '#b4232c'], ['alexnet', 'AlexNet', '#1f5fa8']] as const;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Run {
  arch: string;
  title: string;
  color: string;
  worker?: Worker;
  steps: [number, number][];
  stepsPerEpoch: number;
  epochs: EpochLog[];
  finished: boolean;
  el: { status: HTMLElement; progress: HTMLProgressElement; line: HTMLElement; loss: HTMLCanvasElement; acc: HTMLCanvasElement; result: HTMLElement };
}

const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '–');

function panel(arch: string, title: string, color: string): Run {
  const root = $(`run-${arch}`);
  root.querySelectorAll(':scope > :not(h3)').forEach((n) => n.remove());
  const make = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}) => root.appendChild(Object.assign(document.createElement(tag), props));
  const status = make('p', { className: 'line', textContent: 'waiting' });
  status.setAttribute('role', 'status');
  const progress = make('progress', { max: 1, value: 0 });
  progress.setAttribute('aria-label', `${title} training progress`);
  const line = make('p', { className: 'line' });
  const loss = make('canvas');
  loss.setAttribute('role', 'img');
  loss.setAttribute('aria-label', `${title}: training loss per step`);
  const acc = make('canvas');
  acc.setAttribute('role', 'img');
  acc.setAttribute('aria-label', `${title}: accuracy per epoch`);
  const result = make('div');
  return { arch, title, color, steps: [], stepsPerEpoch: 1, epochs: [], finished: false, el: { status, progress, line, loss, acc, result } };
}

function drawCharts(r: Run): void {
  const e = r.epochs, end = (x: EpochLog): number => x.epoch * r.stepsPerEpoch;
  drawChart(r.el.loss, [
    { label: 'step', color: r.color, points: r.steps },
    { label: 'epoch mean', color: '#1b1f24', points: e.map((x) => [end(x), x.trainLoss]) },
    { label: 'validation', color: '#444', dashed: true, points: e.map((x) => [end(x), x.valLoss]) },
  ], { title: `${r.title} loss`, xLabel: 'step' });
  drawChart(r.el.acc, [
    { label: 'train', color: r.color, points: e.map((x) => [x.epoch, x.trainAcc]) },
    { label: 'validation', color: '#444', dashed: true, points: e.map((x) => [x.epoch, x.valAcc]) },
  ], { title: 'accuracy per epoch', xLabel: 'epoch', xMin: 1, yMin: 0, yMax: 1 });
  const last = e[e.length - 1];
  if (last) r.el.acc.setAttribute('aria-label', `${r.title}: epoch ${last.epoch} train accuracy ${last.trainAcc.toFixed(2)}, validation ${last.valAcc.toFixed(2)}`);
}

function confusionTable(cm: number[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.className = 'confusion';
  const max = Math.max(1, ...cm.flat());
  const short = (n: string) => n.replace('normal sinus rhythm', 'normal').replace('sinus ', '');
  t.innerHTML = `<caption class="muted">Confusion matrix on the test split (rows: true class, columns: predicted)</caption>
<thead><tr><th scope="col">true \\ pred</th>${CLASS_NAMES.map((_, c) => `<th scope="col" title="${CLASS_NAMES[c]}">${c}</th>`).join('')}</tr></thead>
<tbody>${cm.map((row, i) => `<tr><th scope="row">${i} ${short(CLASS_NAMES[i])}</th>${row.map((v, j) => {
    const a = v / max;
    return `<td style="background:rgba(31,95,168,${(0.85 * a).toFixed(2)});color:${a > 0.55 ? '#fff' : 'inherit'}"${i === j ? ' class="diag"' : ''}>${v}</td>`;
  }).join('')}</tr>`).join('')}</tbody>`;
  return t;
}

export function startTrainPage(): void {
  const start = $<HTMLButtonElement>('train-start'), pause = $<HTMLButtonElement>('train-pause'), stop = $<HTMLButtonElement>('train-stop');
  let runs: Run[] = [];
  let isPaused = false;
  let partsShared = 0;
  const send = (m: ToWorker) => runs.forEach((r) => r.worker?.postMessage(m));
  const finish = () => {
    if (!runs.every((r) => r.finished)) return;
    start.disabled = false; pause.disabled = true; stop.disabled = true; isPaused = false; pause.textContent = 'Pause';
    offer();
  };
  /** Sizes the next run from this one's speed: the slower network's images/s while both trained. */
  const offer = () => {
    const done = runs.map((r) => hooks.train[r.arch]?.done).filter((d) => d && !d.stopped && d.history.length);
    if (done.length !== runs.length) return;
    const rate = Math.min(...done.map((d) => d!.history[d!.history.length - 1].imagesPerSecond));
    const perClassInput = $<HTMLInputElement>('per-class'), epochsInput = $<HTMLInputElement>('epochs');
    const next = offerRun(rate, Number(perClassInput.value), Number(epochsInput.value), CLASS_NAMES.length);
    const note = $('train-offer');
    hooks.trainOffer = { imagesPerSecond: rate, ...next };
    if (!next) { note.textContent = `This device trained at ${rate.toFixed(1)} images/s per network.`; return; }
    perClassInput.value = String(next.perClass);
    epochsInput.value = String(next.epochs);
    note.textContent = `This device trained at ${rate.toFixed(1)} images/s per network: ${next.perClass} records per class × ${next.epochs} epochs fit in about ${Math.round(OFFER_SECONDS / 60 + 0.5)} minutes, and the fields above now offer them (more data and epochs learn more).`;
  };

  start.addEventListener('click', () => {
    const perClassInput = $<HTMLInputElement>('per-class'), epochsInput = $<HTMLInputElement>('epochs');
    const perClass = Math.max(LIMITS.perClass[0], Math.min(LIMITS.perClass[1], Math.round(Number(perClassInput.value) || Number(perClassInput.defaultValue))));
    const epochs = Math.max(LIMITS.epochs[0], Math.min(LIMITS.epochs[1], Math.round(Number(epochsInput.value) || Number(epochsInput.defaultValue))));
    $('train-offer').textContent = '';
    start.disabled = true; pause.disabled = false; stop.disabled = false;
    runs = ARCHS.map(([arch, title, color]) => panel(arch, title, color));
    partsShared = 0;
    for (const [i, r] of runs.entries()) {
      hooks.train[r.arch] = { stepLosses: [] };
      const w = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
      r.worker = w;
      w.onmessage = (e: MessageEvent<FromWorker>) => onMessage(r, e.data);
      w.onerror = (e) => onMessage(r, { type: 'error', arch: r.arch, message: e.message || 'the training worker failed to start' });
      w.postMessage({ type: 'start', arch: r.arch, perClass, epochs, seed: 1, part: i, parts: ARCHS.length } satisfies ToWorker);
      drawCharts(r);
    }
  });
  pause.addEventListener('click', () => {
    isPaused = !isPaused;
    send({ type: isPaused ? 'pause' : 'resume' });
    pause.textContent = isPaused ? 'Resume' : 'Pause';
  });
  stop.addEventListener('click', () => { send({ type: 'stop' }); stop.disabled = true; pause.disabled = true; });

  let frame = 0;
  const redraw = () => { frame = 0; runs.forEach(drawCharts); };
  const onMessage = (r: Run, m: FromWorker) => {
    if (m.type === 'status') r.el.status.textContent = m.text;
    else if (m.type === 'data') {
      partsShared++;
      const { part, train, val, test } = m;
      for (const other of runs) if (other !== r) other.worker?.postMessage({ type: 'data', part, train, val, test } satisfies ToWorker);
    }
    else if (m.type === 'paused') r.el.status.textContent = 'paused';
    else if (m.type === 'step') {
      const s = m.step;
      r.steps.push([s.step, s.loss]);
      r.stepsPerEpoch = s.batches;
      hooks.train[r.arch].stepLosses.push(s.loss);
      r.el.progress.value = m.done / m.total;
      r.el.status.textContent = isPaused ? 'pausing after this step…' : 'training';
      r.el.line.textContent = `epoch ${s.epoch}/${s.epochs} · step ${s.batch}/${s.batches} · loss ${s.loss.toFixed(3)} · ${m.imagesPerSecond.toFixed(1)} images/s · ETA ${clock(m.etaSeconds)}`;
      frame ||= requestAnimationFrame(redraw);
    } else if (m.type === 'epoch') {
      r.epochs.push(m.entry);
      frame ||= requestAnimationFrame(redraw);
    } else if (m.type === 'done') {
      r.finished = true;
      const { bytes, ...rest } = m;
      hooks.train[r.arch].done = rest;
      r.el.progress.value = m.stopped ? r.el.progress.value : 1;
      r.el.status.textContent = `${m.stopped ? 'stopped' : 'done'}: test accuracy ${(100 * m.testAccuracy).toFixed(1)}% on ${m.testIds.length} records in ${clock(m.wallSeconds)} (min:s) on ${m.adapter}, temperature ${m.temperature.toFixed(2)}`;
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: `${r.arch}-demo.ecgpu`, className: 'download', textContent: `Download the ${r.title} model (${(bytes.byteLength / 1024).toFixed(0)} KB)` });
      const note = Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Loadable by Classifier.load(…) and by: ecgpu predict record.hea --model ' + a.download });
      r.el.result.replaceChildren(confusionTable(m.confusion), a, note);
      r.worker?.terminate();
      drawCharts(r);
      finish();
    } else if (m.type === 'error') {
      r.finished = true;
      hooks.train[r.arch].error = m.message;
      r.el.status.textContent = `error: ${m.message}`;
      r.worker?.terminate();
      // The others may still wait for the records this worker was drawing for them.
      if (partsShared < runs.length) for (const other of runs) if (!other.finished) onMessage(other, { type: 'error', arch: other.arch, message: `no training data: the ${r.title} worker, which draws part of the records, failed` });
      finish();
    }
  };
}
