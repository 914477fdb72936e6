/**
 * The Adapt page: the visitor picks (or drops) a folder of labelled records; a worker reads it and the
 * page lists what it found (records read, labelled, refused with reasons, class counts, the split); on
 * Start the worker fine-tunes the bundled network on this device's GPU (progress, loss, Stop), then the
 * page shows each class's validation AUROC before and after and offers the adapted model for download.
 * The records are read by the page's own code and never sent anywhere.
 */
import { CLASS_NAMES } from '../../src/ecg/types.js';
import type { AdaptDone, FromAdaptWorker, ToAdaptWorker } from './adapt-protocol.js';
import type { AdaptWhat } from './adapt-run.js';
import { drawChart } from './chart.js';
import { hooks } from './hooks.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const clock = (s: number) => (Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : '–');
const auc = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

type Picked = { file: File; path: string };

/** Every file under a dropped folder (or the dropped files themselves), with its path inside the drop. */
async function droppedFiles(dt: DataTransfer): Promise<Picked[]> {
  const entries = Array.from(dt.items).map((it) => it.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => Boolean(e));
  if (!entries.length) return Array.from(dt.files).map((file) => ({ file, path: file.name }));
  const out: Picked[] = [];
  const walk = async (e: FileSystemEntry): Promise<void> => {
    if (e.isFile) {
      const file = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      out.push({ file, path: e.fullPath.replace(/^\/+/, '') });
      return;
    }
    const reader = (e as FileSystemDirectoryEntry).createReader();
    // readEntries gives at most ~100 entries per call: read until it gives none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) break;
      for (const child of batch) await walk(child);
    }
  };
  for (const e of entries) await walk(e);
  return out;
}

function summaryHtml(s: import('./adapt-protocol.js').FolderSummary): string {
  const counts = CLASS_NAMES.map((n, c) => `<li>${esc(n)}: ${s.classCounts[c]}${s.classCounts[c] ? ` (validation ${s.valPositives[c]})` : ''}</li>`).join('');
  const refused = s.refused.slice(0, 50).map((r) => `<li>${esc(r.reason)}</li>`).join('') + (s.refused.length > 50 ? `<li>… and ${s.refused.length - 50} more</li>` : '');
  return `<p id="adapt-counts">${s.files} files: ${s.records} records read, ${s.labelled} labelled with one of the ${CLASS_NAMES.length} classes, ${s.usable} usable, ${s.refused.length} refused.</p>
${s.notes.map((n) => `<p class="muted">${esc(n)}</p>`).join('')}
${s.problem ? '' : `<p id="adapt-split">Split (seed ${s.seed}, stratified by each record's primary class): <strong>${s.train} train / ${s.val} validation</strong> records.</p>`}
<details${s.refused.length && s.refused.length <= 10 ? ' open' : ''}><summary>Refused: ${s.refused.length}</summary><ul class="refused">${refused}</ul></details>
<details open><summary>Usable records per class (a record may have several)</summary><ul class="class-counts">${counts}</ul></details>`;
}

function aurocTable(d: AdaptDone): HTMLTableElement {
  const t = document.createElement('table');
  t.id = 'adapt-auroc';
  t.className = 'auroc';
  const c = d.comparison;
  const delta = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${b - a >= 0 ? '+' : '−'}${Math.abs(b - a).toFixed(3)}` : '—');
  t.innerHTML = `<caption class="muted">Validation AUROC per class on the same ${c.records} records, bundled model and adapted model (the model's answer: criteria blended with the network). “—”: fewer than 2 positives in validation.</caption>
<thead><tr><th scope="col">class</th><th scope="col">positives</th><th scope="col">before</th><th scope="col">after</th><th scope="col">change</th><th scope="col">threshold</th></tr></thead>
<tbody>${c.perClass.map((r) => `<tr><th scope="row">${esc(r.name)}</th><td>${r.positives}</td><td>${auc(r.before)}</td><td>${auc(r.after)}</td><td>${delta(r.before, r.after)}</td><td>${d.thresholdsBefore[r.cls].toFixed(2)} → ${d.thresholdsAfter[r.cls].toFixed(2)}</td></tr>`).join('')}</tbody>
<tfoot><tr><th scope="row">macro (${c.macroClasses.length} classes)</th><td></td><td>${auc(c.macroBefore)}</td><td>${auc(c.macroAfter)}</td><td>${delta(c.macroBefore, c.macroAfter)}</td><td></td></tr></tfoot>`;
  return t;
}

export function startAdaptPage(): void {
  const input = $<HTMLInputElement>('adapt-folder'), drop = $('adapt-drop'), start = $<HTMLButtonElement>('adapt-start'), stop = $<HTMLButtonElement>('adapt-stop');
  const status = $('adapt-status'), summary = $('adapt-summary'), progress = $<HTMLProgressElement>('adapt-progress'), line = $('adapt-line');
  const chart = $<HTMLCanvasElement>('adapt-loss'), result = $('adapt-result');
  let worker: Worker | undefined;
  let busy = false;
  let steps: [number, number][] = [];
  let what: AdaptWhat = 'findings';
  const say = (text: string, error = false) => { status.textContent = text; status.classList.toggle('error', error); };
  hooks.adapt = {};

  const ensureWorker = () => {
    if (worker) return worker;
    worker = new Worker(new URL('./adapt-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromAdaptWorker>) => onMessage(e.data);
    worker.onerror = (e) => onMessage({ type: 'error', message: e.message || 'the fine-tuning worker failed to start' });
    return worker;
  };
  const read = (files: Picked[]) => {
    if (busy) { say('Busy with the folder already given: wait for it, or stop the fine-tuning, before giving another.', true); return; }
    if (!files.length) { say('The folder holds no files.', true); return; }
    busy = true;
    start.disabled = true;
    result.replaceChildren();
    summary.replaceChildren();
    hooks.adapt = { reading: true };
    say(`Reading ${files.length} files in this page…`);
    ensureWorker().postMessage({ type: 'read', files, seed: 1 } satisfies ToAdaptWorker);
  };

  input.addEventListener('change', () => read(Array.from(input.files ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }))));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer) droppedFiles(e.dataTransfer).then(read, (err) => say(`Could not read the dropped folder: ${(err as Error).message}`, true));
  });
  start.addEventListener('click', () => {
    const epochsInput = $<HTMLInputElement>('adapt-epochs');
    const epochs = Math.max(1, Math.min(20, Math.round(Number(epochsInput.value) || Number(epochsInput.defaultValue))));
    what = $<HTMLSelectElement>('adapt-what').value === 'network' ? 'network' : 'findings';
    busy = true;
    start.disabled = true; stop.disabled = false; input.disabled = true;
    steps = [];
    result.replaceChildren();
    progress.value = 0;
    hooks.adapt = { ...hooks.adapt, stepLosses: [], done: undefined, error: undefined };
    ensureWorker().postMessage({ type: 'start', epochs, what } satisfies ToAdaptWorker);
  });
  stop.addEventListener('click', () => { worker?.postMessage({ type: 'stop' } satisfies ToAdaptWorker); stop.disabled = true; say('stopping after this step…'); });

  const idle = (canStart: boolean) => { busy = false; start.disabled = !canStart; stop.disabled = true; input.disabled = false; };
  const redraw = () => drawChart(chart, [{ label: what === 'network' ? 'step' : 'epoch', color: '#b4232c', points: steps }], what === 'network'
    ? { title: 'fine-tuning loss (binary cross-entropy)', xLabel: 'step' }
    : { title: 'findings head: validation loss (binary cross-entropy), epoch by epoch of each ensemble member', xLabel: 'epoch' });
  addEventListener('resize', () => { if (steps.length) redraw(); }); // the canvas follows the page's width (a phone turned, a window resized)
  const onMessage = (m: FromAdaptWorker) => {
    if (m.type === 'status') say(m.text);
    else if (m.type === 'summary') {
      const s = m.summary;
      hooks.adapt = { summary: s };
      summary.innerHTML = summaryHtml(s);
      if (s.problem) say(s.problem, true);
      else say(`Ready: ${s.usable} records (${s.train} to adapt on, ${s.val} to validate on). Press Start.`);
      idle(!s.problem);
    } else if (m.type === 'step') {
      const s = m.step;
      steps.push([s.step, s.loss]);
      hooks.adapt?.stepLosses?.push(s.loss);
      progress.value = ((s.epoch - 1) * s.total + s.seen) / (s.epochs * s.total);
      line.textContent = `epoch ${s.epoch}/${s.epochs} · step ${s.batch}/${s.batches} · loss ${s.loss.toFixed(4)} · ${m.imagesPerSecond.toFixed(1)} records/s · ETA ${clock(m.etaSeconds)}`;
      redraw();
    } else if (m.type === 'headEpoch') {
      const e = m.epoch, done = (e.member - 1) * e.epochs + e.epoch;
      steps.push([done, e.valLoss]);
      hooks.adapt?.stepLosses?.push(e.valLoss);
      progress.value = done / (e.members * e.epochs);
      line.textContent = `findings head: member ${e.member}/${e.members} · epoch ${e.epoch}/${e.epochs} · validation loss ${e.valLoss.toFixed(4)} · ETA ${clock(m.etaSeconds)}`;
      redraw();
    } else if (m.type === 'done') {
      const { bytes, ...rest } = m;
      hooks.adapt = { ...hooks.adapt, done: rest };
      progress.value = m.stopped ? progress.value : 1;
      const c = m.comparison;
      say(`${m.stopped ? 'Stopped' : 'Done'}: validation macro AUROC ${auc(c.macroBefore)} before, ${auc(c.macroAfter)} after (${c.macroClasses.length} classes, ${c.records} records); ${m.what === 'network' ? 'fine-tuning the network' : 'learning the findings head'} took ${clock(m.trainSeconds)} (min:s) on ${m.adapter}.`);
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { id: 'adapt-download', href: url, download: 'adapted.ecgpu', className: 'download', textContent: `Download the adapted model (${(bytes.byteLength / 1024).toFixed(0)} KB)` });
      const note = Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Loadable by Classifier.load(…) and by: ecgpu predict record.hea --model adapted.ecgpu. Made in this page; nothing was uploaded.' });
      const answered = m.what === 'findings' && m.headClasses
        ? Object.assign(document.createElement('p'), { id: 'adapt-head-classes', textContent: `The learned findings answer ${m.headClasses.map((c) => CLASS_NAMES[c] ?? `class ${c}`).join(', ')}; the other classes keep the bundled answer (fewer than 10 positives or negatives among the training records).` })
        : undefined;
      const scroll = Object.assign(document.createElement('div'), { className: 'table-scroll', tabIndex: 0 });
      scroll.setAttribute('role', 'region');
      scroll.setAttribute('aria-label', 'Validation AUROC before and after (scrolls sideways)');
      scroll.append(aurocTable(m));
      result.replaceChildren(...(answered ? [answered] : []), scroll, a, note);
      redraw();
      idle(true);
    } else if (m.type === 'error') {
      hooks.adapt = { ...hooks.adapt, error: m.message };
      say(`error: ${m.message}`, true);
      idle(Boolean(hooks.adapt.summary && !hooks.adapt.summary.problem));
    }
  };
}
