/**
 * `npm run demo`: builds the demo into dist/demo, rebuilds on change and serves it on localhost with
 * esbuild's own server (WebGPU needs a secure context; localhost is one). PORT=… picks the port.
 */
import { context } from 'esbuild';
import { join } from 'node:path';
import { root } from './build.mjs';
import { copyDemoAssets, demoOptions } from './build-demo.mjs';

const outdir = join(root, 'dist', 'demo');
copyDemoAssets(outdir);
const ctx = await context(await demoOptions(outdir));
await ctx.watch();
const { hosts, port } = await ctx.serve({ servedir: outdir, host: '127.0.0.1', ...(process.env.PORT ? { port: Number(process.env.PORT) } : {}) });
console.log(`ecgpu demo: http://${hosts?.[0] ?? '127.0.0.1'}:${port}/   (Ctrl+C to stop)`);
