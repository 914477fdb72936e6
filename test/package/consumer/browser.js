// A browser consumer of the installed package; test/package/pack-install.test.ts bundles it with
// esbuild (platform browser) and checks that the bundle carries no Node built-ins.
import { init, matmul, Tensor, tidy } from 'ecgpu';

export async function run() {
  await init();
  const y = tidy(() => matmul(Tensor.from([1, 2, 3, 4], [2, 2]), Tensor.from([1, 0, 0, 1], [2, 2])));
  return y.read();
}
