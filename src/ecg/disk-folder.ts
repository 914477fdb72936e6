/**
 * A folder on disk as a browser's folder input gives it (Node only): every file under `dir`, in name
 * order, with its path relative to the folder's parent — what the Adapt page's folder reader
 * (record-folder.ts) takes, for running its steps in Node (scripts/adapt-probe.ts, tests).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { FolderFile } from './record-folder.js';

export function folderFilesOnDisk(dir: string): FolderFile[] {
  const out: FolderFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(dirname(dir), p), size: statSync(p).size, read: async () => new Uint8Array(readFileSync(p)) });
    }
  };
  walk(dir);
  return out;
}
