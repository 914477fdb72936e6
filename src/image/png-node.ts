import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { encodePng } from './png.js';

/** Writes a PNG compressed with Node's zlib. */
export function writePngFile(path: string, pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4): void {
  writeFileSync(path, encodePng(pixels, width, height, channels, (d) => new Uint8Array(deflateSync(d, { level: 6 }))));
}
