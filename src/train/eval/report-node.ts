/** Writes report.html, results.json and every figure (SVG + PNG) into a directory (Node only). */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildReport, type BuiltReport, type ReportInput } from './report.js';
import { figureToPng, figureToSvg } from './figure.js';

export interface WrittenReport extends BuiltReport {
  /** Paths written: report.html, results.json, then figures/<stem>.svg and .png. */
  files: string[];
}

/**
 * Builds the report and writes `dir/report.html`, `dir/results.json` and `dir/figures/<stem>.{svg,png}`
 * (PNG at `pngScale`× the SVG size, default 2). Saliency images given by path are read and embedded.
 */
export function writeReport(dir: string, input: ReportInput, opts: { pngScale?: number; figures?: boolean } = {}): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const withImages: ReportInput = {
    ...input,
    models: input.models.map((m) => ({
      ...m,
      saliency: m.saliency?.map((s) => (s.png || !s.path || !existsSync(s.path) ? s : { ...s, png: new Uint8Array(readFileSync(s.path)) })),
    })),
  };
  const built = buildReport(withImages);
  const files: string[] = [];
  const put = (p: string, data: string | Uint8Array) => { writeFileSync(p, data); files.push(p); };
  put(join(dir, 'report.html'), built.html);
  put(join(dir, 'results.json'), JSON.stringify(built.json, null, 1) + '\n');
  if (opts.figures !== false) {
    const figDir = join(dir, 'figures');
    mkdirSync(figDir, { recursive: true });
    const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d, { level: 6 }));
    for (const [stem, fig] of Object.entries(built.figures)) {
      put(join(figDir, `${stem}.svg`), `<?xml version="1.0" encoding="UTF-8"?>\n${figureToSvg(fig)}\n`);
      put(join(figDir, `${stem}.png`), figureToPng(fig, opts.pngScale ?? 2, deflate));
    }
  }
  return { ...built, files };
}
