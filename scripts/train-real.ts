/**
 * `npm run train:real`: the recipe for real records that the validation split chose (README,
 * "Real-record training"): AlexNet-M-SE trained on every real record folder of ../shared/data (the
 * Challenge records and LUDB together, all records that carry one of the 10 classes) with
 * class-balanced sampling, 20 epochs, from scratch (validation macro AUROC 0.83 against 0.67-0.82 for
 * fine-tuning the bundled synthetic model and 0.76 for 10 epochs). Writes runs/real/alexnet-m-se/model.ecgpu.
 * Extra arguments go to `ecgpu train` (e.g. `npm run train:real -- --epochs 5`, or
 * `-- --init models/default.ecgpu --lr 1e-3` to fine-tune the bundled model, pretrained on synthetic records, instead).
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
console.error(`train:real: training on ${folders.join(' + ')}`);
process.exit(await main(['train', '--arch', 'alexnet-m-se', '--preset', 'quick', '--data', folders.join(','), '--level', 'all',
  '--balance', '--epochs', '20', '--out', join('runs', 'real'), '--no-progress', ...process.argv.slice(2)]));
