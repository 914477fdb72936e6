/**
 * The ecgpu demo page: Classify (the bundled model on a dropped record or a bundled sample; on the CPU
 * where the browser has no WebGPU), Train (both architectures in Web Workers), Bench (ecgpu against
 * tfjs-webgpu, in a Web Worker) and Adapt (fine-tuning the bundled model on the visitor's own labelled
 * records, in a Web Worker); Train, Bench and Adapt need WebGPU. Built by scripts/build-demo.mjs; `npm run
 * demo` serves it.
 */
import { startAdaptPage } from './adapt-page.js';
import { startBenchPage } from './bench-page.js';
import { startClassifyPage } from './classify-page.js';
import { hooks } from './hooks.js';
import { startTrainPage } from './train-page.js';
import { webGpuProblem } from './webgpu-check.js';

const pages = ['classify', 'train', 'bench', 'adapt'] as const;

function route(): void {
  const page = pages.find((p) => location.hash.split('?')[0] === `#${p}`) ?? 'classify'; // #bench?size=tiny: options after '?'
  for (const p of pages) {
    document.getElementById(`page-${p}`)!.hidden = p !== page;
    const link = document.getElementById(`nav-${p}`)!;
    if (p === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function main(): Promise<void> {
  route();
  addEventListener('hashchange', route);
  const problem = await webGpuProblem();
  hooks.webgpu = !problem;
  if (problem) {
    // Classify runs on the CPU (the Classifier picks it when there is no adapter); training cannot.
    const box = document.getElementById('no-webgpu')!;
    box.innerHTML = problem;
    box.hidden = false;
    document.querySelectorAll<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>('#train-form button, #train-form input, #page-bench button, #page-bench input, #page-bench select, #adapt-form button, #adapt-form input').forEach((el) => { el.disabled = true; });
    document.getElementById('train-needs-webgpu')!.hidden = false;
    document.getElementById('adapt-needs-webgpu')!.hidden = false;
  } else {
    startTrainPage();
    startBenchPage();
    startAdaptPage();
  }
  await startClassifyPage();
}

main().catch((e) => {
  const s = document.getElementById('classify-status')!;
  s.textContent = `The demo failed to start: ${(e as Error).message}`;
  s.classList.add('error');
});
