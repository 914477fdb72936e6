#!/usr/bin/env node
/**
 * The GPU kit's one JavaScript file (called by scripts/gpu-kit.sh): bench/gpu/check.ts with ecgpu,
 * the bench harness, the CLI and tfjs (+ its webgpu backend) in one ESM bundle, so the kit needs no
 * node_modules.
 *
 * - WGSL sources are inlined as in scripts/build.mjs.
 * - `webgpu` (Dawn) is bundled too, but its index.js loads dawn.node from its own dist/<platform>/
 *   folder: here it loads `$ECGPU_DAWN_NODE` (set by gpu-check.sh to the unpacked copy), else
 *   `dawn.node` beside the bundle.
 * - ESM entry points first (`module` before `main`): tfjs and tfjs-backend-webgpu then share one
 *   tfjs-core, so the backend registers into the engine the bench uses.
 * - tfjs-backend-wasm stays out (bench/peers/tfjs.ts loads it only for the tfjs-wasm peer, which reads
 *   .wasm files from node_modules and is not part of the GPU check).
 *
 * Usage: node scripts/gpu-kit-bundle.mjs OUTFILE
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineWgslPlugin, nodeOptions, root } from './build.mjs';

const DAWN_PATH_LINE = /const dawnNodePath = [^;]+;/;

/** Rewrites where webgpu's index.js finds dawn.node (the rest of the file, its buffer-unmap patch, stays). */
export function dawnPathPlugin() {
  return {
    name: 'ecgpu-kit-dawn-path',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/]webgpu[\\/]index\.js$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!DAWN_PATH_LINE.test(src)) {
          return { errors: [{ text: `${args.path}: no 'const dawnNodePath = …;' line to redirect (the webgpu package changed; update scripts/gpu-kit-bundle.mjs)` }] };
        }
        const contents = src.replace(DAWN_PATH_LINE, "const dawnNodePath = process.env.ECGPU_DAWN_NODE || join(__dirname, 'dawn.node');");
        return { contents, loader: 'js' };
      });
    },
  };
}

async function main() {
  const outfile = process.argv[2];
  if (!outfile) {
    console.error('usage: node scripts/gpu-kit-bundle.mjs OUTFILE');
    process.exit(2);
  }
  await build(nodeOptions(join(root, 'bench/gpu/check.ts'), outfile, {
    external: ['@tensorflow/tfjs-backend-wasm'],
    mainFields: ['module', 'main'],
    plugins: [inlineWgslPlugin(), dawnPathPlugin()],
    sourcemap: false,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'error',
  }));
}

main().catch((e) => {
  if (!e?.errors) console.error(e); // esbuild has already printed its errors with their locations
  process.exit(1);
});
