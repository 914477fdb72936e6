/**
 * The Bench page (#bench): ecgpu against tfjs-backend-webgpu on this device's GPU, in a worker, with the
 * rows of `npm run bench` (GEMM, AlexNet's convolutions, training steps), each cross-checked; the result
 * copies as the same markdown and downloads as the same JSON that `npm run bench` writes.
 * `#bench?size=tiny&runs=1&budget=1&only=gemm,conv` presets the form (the browser test's small run).
 */
import { SIZES, type SizeName } from '../../bench/cases/common.js';
import { markdown, speedup, type FrameworkResult, type Report, type RowResult } from '../../bench/table.js';
import type { FromBench, ToBench } from './bench-protocol.js';
import { hooks } from './hooks.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const PAGE_SIZES: SizeName[] = ['web', 'tiny'];
const DEFAULT_GROUPS = 'gemm,conv,e2e';

/** Options given after `#bench?` (size, runs, budget, only). */
function hashOptions(): URLSearchParams {
  const q = location.hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : location.hash.slice(q + 1));
}

const ms = (r?: FrameworkResult) => (r?.timing ? r.timing.medianMs.toFixed(r.timing.medianMs >= 100 ? 0 : 2) : r?.na ? 'n/a' : r?.error ? 'error' : '');
const gflops = (row: RowResult, r?: FrameworkResult) => (r?.timing && row.flops > 0 ? (row.flops / r.timing.medianMs / 1e6).toFixed(1) : '');
const err = (x?: number) => (x === undefined ? '' : Number.isNaN(x) ? 'NaN' : x === 0 ? '0' : x.toExponential(1));
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function renderTable(table: HTMLTableElement, about: HTMLElement, report: Report): void {
  about.textContent = `Adapter: ${report.meta.adapter} · ${report.meta.date}${report.meta.partial ? ` · ${report.meta.partial}` : ''}`;
  const body = report.rows.map((row) => {
    const peer = row.peers[0];
    const ratio = peer ? speedup(row, peer) : undefined;
    const note = [row.ecgpu?.error && `ecgpu: ${row.ecgpu.error}`, row.ecgpu?.na && `ecgpu: ${row.ecgpu.na}`, peer?.error && `tfjs: ${peer.error}`, peer?.na, peer?.note].filter(Boolean).join('; ');
    return `<tr><th scope="row">${esc(row.name)}</th><td>${esc(row.shape)}</td><td>${ms(row.ecgpu)}</td><td>${gflops(row, row.ecgpu)}</td><td>${ms(peer)}</td><td>${gflops(row, peer)}</td>`
      + `<td>${ratio === undefined ? '' : ratio.toFixed(2) + '×'}</td><td class="check">${err(peer?.check?.maxAbs)}</td><td class="check">${err(peer?.check?.maxRel)}</td><td class="note">${esc(note)}</td></tr>`;
  }).join('');
  table.innerHTML = `<thead><tr><th scope="col">case</th><th scope="col">shape</th><th scope="col">ecgpu ms</th><th scope="col">ecgpu GFLOP/s</th><th scope="col">tfjs-webgpu ms</th><th scope="col">tfjs GFLOP/s</th>`
    + `<th scope="col">ecgpu speed-up</th><th scope="col">max abs diff</th><th scope="col">max rel diff</th><th scope="col">notes</th></tr></thead><tbody>${body}</tbody>`;
}

export function startBenchPage(): void {
  const start = $<HTMLButtonElement>('bench-start'), stop = $<HTMLButtonElement>('bench-stop');
  const size = $<HTMLSelectElement>('bench-size'), status = $('bench-status'), progress = $<HTMLProgressElement>('bench-progress');
  const table = $<HTMLTableElement>('bench-table'), copy = $<HTMLButtonElement>('bench-copy'), download = $<HTMLAnchorElement>('bench-download');
  const md = $<HTMLPreElement>('bench-markdown'), about = $('bench-about');
  size.replaceChildren(...PAGE_SIZES.map((s) => Object.assign(document.createElement('option'), {
    value: s, textContent: s === 'web' ? 'full: GEMM 1024³–4096³, AlexNet batch 16 @224 (minutes on a GPU)' : 'tiny: a quick check (seconds)',
  })));
  const preset = () => {
    const s = hashOptions().get('size');
    if (s && PAGE_SIZES.includes(s as SizeName)) size.value = s;
  };
  preset();
  addEventListener('hashchange', preset);
  let worker: Worker | undefined;
  let report: Report | undefined;
  let url = '';

  const show = (r: Report) => {
    report = r;
    hooks.bench = { ...hooks.bench, report: r };
    renderTable(table, about, r);
    md.textContent = markdown(r);
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([JSON.stringify(r, null, 1) + '\n'], { type: 'application/json' }));
    download.href = url;
    download.hidden = false;
    copy.disabled = false;
  };
  const end = () => { worker?.terminate(); worker = undefined; start.disabled = false; stop.disabled = true; };

  start.addEventListener('click', () => {
    const q = hashOptions();
    const sz = size.value as SizeName;
    const msg: ToBench = {
      type: 'start', size: sz, only: (q.get('only') ?? DEFAULT_GROUPS).split(',').filter(Boolean),
      runs: Math.max(1, Number(q.get('runs')) || 5), budgetS: Math.max(0.1, Number(q.get('budget')) || (sz === 'tiny' ? 1 : 10)),
      command: `ecgpu demo Bench page (#bench?size=${sz}), ${SIZES[sz].name} size`,
    };
    hooks.bench = { running: true };
    start.disabled = true; stop.disabled = false; copy.disabled = true; download.hidden = true;
    progress.value = 0;
    status.textContent = 'loading tfjs…';
    status.classList.remove('error');
    worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<FromBench>) => {
      const m = e.data;
      if (m.type === 'status') status.textContent = m.text;
      else if (m.type === 'row') { show(m.report); progress.value = m.total ? m.report.rows.length / m.total : 0; }
      else if (m.type === 'done') {
        show(m.report);
        progress.value = 1;
        status.textContent = `done: ${m.report.rows.length} rows in ${m.report.meta.totalS?.toFixed(0)} s${m.report.meta.partial ? ` (${m.report.meta.partial})` : ''}`;
        hooks.bench = { ...hooks.bench, running: false, done: true };
        end();
      } else {
        status.textContent = `error: ${m.message}`;
        status.classList.add('error');
        hooks.bench = { ...hooks.bench, running: false, error: m.message };
        end();
      }
    };
    worker.onerror = (e) => {
      status.textContent = `error: ${e.message || 'the bench worker failed to start'}`;
      status.classList.add('error');
      hooks.bench = { ...hooks.bench, running: false, error: e.message || 'worker failed' };
      end();
    };
    worker.postMessage(msg);
  });
  stop.addEventListener('click', () => { worker?.postMessage({ type: 'stop' } satisfies ToBench); stop.disabled = true; status.textContent = 'stopping after this row…'; });
  copy.addEventListener('click', async () => {
    if (!report) return;
    try {
      await navigator.clipboard.writeText(markdown(report));
      copy.textContent = 'Copied';
    } catch {
      // No clipboard permission (e.g. an insecure context): select the markdown below for Ctrl+C instead.
      md.parentElement!.setAttribute('open', '');
      getSelection()?.selectAllChildren(md);
      copy.textContent = 'Selected below: press Ctrl+C';
    }
    setTimeout(() => { copy.textContent = 'Copy as markdown'; }, 2500);
  });
}
