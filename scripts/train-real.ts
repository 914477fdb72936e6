/**
 * `npm run train:real`: the best recipe measured for real records (README, "Real-record training"):
 * AlexNet-M-SE pretrained on synthetic records (quick preset; reused when runs/synthetic already holds
 * it), then fine-tuned on every real record folder of ../shared/data (the Challenge records and LUDB)
 * with class-balanced sampling and a lower learning rate. Writes runs/real/alexnet-m-se/model.ecgpu.
 * Extra arguments go to the fine-tuning run (e.g. `npm run train:real -- --epochs 5`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';

const shared = process.env.ECGPU_SHARED_DATA ?? join('..', 'shared', 'data');
const folders = ['real-ecg', 'ludb'].map((f) => join(shared, f)).filter((f) => existsSync(f));
if (!folders.length) {
  console.error(`train:real: no real record folders in ${shared} (looked for real-ecg/ and ludb/; set ECGPU_SHARED_DATA)`);
  process.exit(7);
}
const arch = 'alexnet-m-se';
const pretrained = join('runs', 'synthetic', arch, 'model.ecgpu');
const common = ['--arch', arch, '--preset', 'quick', '--no-progress'];
if (!existsSync(pretrained)) {
  console.error(`train:real: pretraining on synthetic records first (${pretrained})`);
  const code = await main(['train', ...common, '--out', join('runs', 'synthetic')]);
  if (code !== 0) process.exit(code);
}
console.error(`train:real: fine-tuning ${pretrained} on ${folders.join(' + ')}`);
process.exit(await main(['train', ...common, '--data', folders.join(','), '--level', 'all', '--init', pretrained, '--balance',
  '--lr', '3e-4', '--epochs', '10', '--out', join('runs', 'real'), ...process.argv.slice(2)]));
