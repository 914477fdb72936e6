// A Node consumer of the installed package: one small forward pass on the adapter, printed as JSON.
// Run by test/package/pack-install.test.ts inside a temporary project that installed the tarball.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { init, matmul, relu, Tensor, tidy } from 'ecgpu';

const [a, b] = JSON.parse(process.argv[2]);
const e = await init();
const y = tidy(() => relu(matmul(Tensor.from(a, [2, 3]), Tensor.from(b, [3, 2]))));
const out = Array.from(await y.read());
y.dispose();
const wgsl = readFileSync(createRequire(import.meta.url).resolve('ecgpu/wgsl/gemm.wgsl'), 'utf8');
console.log(JSON.stringify({ runtime: e.adapter.runtime, adapterClass: e.adapter.adapterClass, out, gemmWgslHasCompute: wgsl.includes('@compute') }));
