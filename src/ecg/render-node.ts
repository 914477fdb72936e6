/** Node-only: renders a record straight to a zlib-compressed PNG file. */
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { renderPng, type RenderOptions } from './render.js';
import type { EcgRecord } from './types.js';

export function writeRenderPng(path: string, rec: EcgRecord, opts: RenderOptions = {}): void {
  writeFileSync(path, renderPng(rec, opts, (d) => new Uint8Array(deflateSync(d, { level: 6 }))));
}
