// A browser consumer of the installed package. test/package/pack-install.test.ts bundles it with
// esbuild (platform browser), checks that the bundle carries no Node built-ins, and runs it in Chromium.
import { init, matmul, relu, Tensor, tidy } from 'ecgpu';

async function run(a, b) {
  const e = await init();
  const y = tidy(() => relu(matmul(Tensor.from(a, [2, 3]), Tensor.from(b, [3, 2]))));
  const out = Array.from(await y.read());
  y.dispose();
  return { runtime: e.adapter.runtime, out };
}

globalThis.ecgpuConsumerRun = run;
