/**
 * Where a model file comes from: the bundled default, a URL, a path (Node) or bytes. Same code in Node
 * and in browsers; Node built-ins are imported only on Node paths, so a browser bundle never calls them.
 */
import { ModelFileError } from '../models/model-file.js';

/** `'default'` (or nothing): the model shipped in the package (models/default.ecgpu). */
export type ModelSource = 'default' | string | URL | Uint8Array | ArrayBuffer | Blob;

export const DEFAULT_MODEL_FILE = 'default.ecgpu';

export const isNode = () => typeof process !== 'undefined' && Boolean(process.versions?.node) && typeof window === 'undefined';

/**
 * Where the default model lives. Node: models/default.ecgpu in the package (found by walking up from
 * this module, so it works from src/ and from a bundle in dist/). Browser: `default.ecgpu` next to the
 * page's script bundle (the demo build copies it there), else `../models/default.ecgpu` from it (the
 * package's own layout, dist/ecgpu.browser.js served as it is installed); `defaultModelUrl` moves it.
 */
async function defaultModelLocation(override?: string | URL): Promise<string | URL | URL[]> {
  if (override) return override;
  if (!isNode()) return [new URL(DEFAULT_MODEL_FILE, import.meta.url), new URL(`../models/${DEFAULT_MODEL_FILE}`, import.meta.url)];
  const { existsSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++, dir = dirname(dir)) {
    const p = join(dir, 'models', DEFAULT_MODEL_FILE);
    if (existsSync(p)) return p;
  }
  throw new ModelFileError(`models/${DEFAULT_MODEL_FILE}`, 'the bundled default model is not installed with this copy of ecgpu (train one with: npm run train:default-model)');
}

async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  const name = String(url);
  if (name.startsWith('file:') && isNode()) return readPath((await import('node:url')).fileURLToPath(name));
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelFileError(name, `could not be fetched (${(e as Error).message})`);
  }
  if (!res.ok) throw new ModelFileError(name, `could not be fetched (HTTP ${res.status} ${res.statusText})`);
  return new Uint8Array(await res.arrayBuffer());
}

async function readPath(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a model file' : `cannot be read (${code ?? (e as Error).message})`;
    throw new ModelFileError(path, why);
  }
}

/** The bytes of a model and a name for messages. */
export async function modelBytes(source: ModelSource | undefined, defaultUrl?: string | URL): Promise<{ bytes: Uint8Array; name: string }> {
  if (source === undefined || source === 'default') {
    const where = await defaultModelLocation(defaultUrl);
    if (!Array.isArray(where)) return modelBytes(where);
    const tried: string[] = [];
    for (const url of where) {
      try {
        return await modelBytes(url);
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw e;
        tried.push(e.message);
      }
    }
    throw new ModelFileError(DEFAULT_MODEL_FILE, `the default model was not found (${tried.join('; ')}); pass its URL to Classifier.load`);
  }
  if (source instanceof Uint8Array) return { bytes: source, name: 'model bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: 'model bytes' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as File).name || 'model blob';
    return { bytes: new Uint8Array(await source.arrayBuffer()), name };
  }
  if (source instanceof URL) return { bytes: await fetchBytes(source), name: source.href };
  if (typeof source === 'string') {
    if (/^(https?|blob|data|file):/i.test(source) || !isNode()) return { bytes: await fetchBytes(source), name: source };
    return { bytes: await readPath(source), name: source };
  }
  throw new ModelFileError(String(source), 'is not a model source (give a path, a URL, bytes or a Blob)');
}
