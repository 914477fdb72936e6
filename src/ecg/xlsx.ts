/**
 * The first worksheet of an `.xlsx` file as rows of strings: just enough of the zip container and of
 * SpreadsheetML to read a table such as Chapman's Diagnostics sheet. Browser-safe: the caller passes
 * the raw-deflate decompressor (node:zlib's inflateRawSync in Node, DecompressionStream's
 * 'deflate-raw' in a browser), and nothing here touches fs.
 */
import { EcgInputError } from './types.js';

export type InflateRaw = (data: Uint8Array) => Uint8Array;

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Every file of a zip archive (stored or deflated), read through its central directory. */
export function unzip(bytes: Uint8Array, inflateRaw: InflateRaw, file: string): Map<string, Uint8Array> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) if (v.getUint32(i, true) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new EcgInputError(file, 'not an .xlsx file (no zip directory found)');
  const count = v.getUint16(eocd + 10, true);
  let p = v.getUint32(eocd + 16, true);
  const out = new Map<string, Uint8Array>();
  const text = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || v.getUint32(p, true) !== 0x02014b50) throw new EcgInputError(file, 'corrupt zip directory');
    const [method, crc, size, nameLen, extraLen, commentLen, local] = [v.getUint16(p + 10, true), v.getUint32(p + 16, true),
      v.getUint32(p + 20, true), v.getUint16(p + 28, true), v.getUint16(p + 30, true), v.getUint16(p + 32, true), v.getUint32(p + 42, true)];
    const name = text.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > bytes.length || v.getUint32(local, true) !== 0x04034b50) throw new EcgInputError(file, `corrupt zip entry ${name}`);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + size);
    if (raw.length !== size) throw new EcgInputError(file, `zip entry ${name} is truncated`);
    if (method !== 0 && method !== 8) throw new EcgInputError(file, `zip entry ${name} uses compression method ${method} (only stored and deflate are read)`);
    let data = raw;
    try {
      if (method === 8) data = inflateRaw(raw);
    } catch (e) {
      throw new EcgInputError(file, `zip entry ${name} does not decompress (${(e as Error).message}): the file is damaged`);
    }
    if (crc32(data) !== crc) throw new EcgInputError(file, `zip entry ${name} fails its CRC check (the file is damaged)`);
    out.set(name, data);
  }
  return out;
}

const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_, e: string) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
    : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e.toLowerCase()]);

/** The text of every `<t>` inside `xml` (a shared string or an inline string may be split into runs). */
const textRuns = (xml: string) => [...xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((m) => unescapeXml(m[1])).join('');

/** Column letters of a cell reference (`AB12`) → 0-based index. */
function columnIndex(ref: string): number {
  let c = 0;
  for (const ch of /^[A-Z]+/i.exec(ref)?.[0].toUpperCase() ?? '') c = c * 26 + ch.charCodeAt(0) - 64;
  return c - 1;
}

/** The rows of the workbook's first worksheet, cells as strings (missing cells are ''). */
export function readXlsxRows(bytes: Uint8Array, inflateRaw: InflateRaw, file: string): string[][] {
  const files = unzip(bytes, inflateRaw, file);
  const dec = new TextDecoder();
  const xml = (name: string) => { const d = files.get(name); return d ? dec.decode(d) : undefined; };
  const workbook = xml('xl/workbook.xml');
  if (workbook === undefined) throw new EcgInputError(file, 'not an .xlsx workbook (no xl/workbook.xml)');
  // The first <sheet> names its part through the workbook's relationships.
  const rid = /<sheet\b[^>]*\br:id="([^"]+)"/.exec(workbook)?.[1];
  const rels = xml('xl/_rels/workbook.xml.rels') ?? '';
  const target = rid ? new RegExp(`<Relationship\\b[^>]*\\bId="${rid}"[^>]*\\bTarget="([^"]+)"`).exec(rels)?.[1]
    ?? new RegExp(`<Relationship\\b[^>]*\\bTarget="([^"]+)"[^>]*\\bId="${rid}"`).exec(rels)?.[1] : undefined;
  const sheetPath = target ? (target.startsWith('/') ? target.slice(1) : `xl/${target}`) : 'xl/worksheets/sheet1.xml';
  const sheet = xml(sheetPath);
  if (sheet === undefined) throw new EcgInputError(file, `workbook names a worksheet ${sheetPath} that is not in the file`);
  const shared = [...(xml('xl/sharedStrings.xml') ?? '').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => textRuns(m[1]));
  const rows: string[][] = [];
  for (const r of sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const row: string[] = [];
    for (const c of r[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1], body = c[2] ?? '';
      const ref = /\br="([^"]+)"/.exec(attrs)?.[1];
      const type = /\bt="([^"]+)"/.exec(attrs)?.[1];
      const value = /<v>([^<]*)<\/v>/.exec(body)?.[1];
      const cell = type === 's' ? shared[Number(value)] ?? '' : type === 'inlineStr' ? textRuns(body) : unescapeXml(value ?? '');
      const at = ref ? columnIndex(ref) : row.length;
      while (row.length < at) row.push('');
      row[at] = cell;
    }
    if (row.some((x) => x !== '')) rows.push(row);
  }
  return rows;
}
