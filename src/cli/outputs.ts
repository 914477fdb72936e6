/**
 * Where commands write, checked before any work starts, and undone when the work fails: a command
 * that fails leaves either nothing it made, or — when it made checkpoints that `--resume` continues
 * from — a folder marked INCOMPLETE with the reason.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OutputError } from './exit-codes.js';

/** The file in a run's folder while it runs, and after it failed with checkpoints to resume from (removed when a run succeeds). */
export const INCOMPLETE_MARKER = 'INCOMPLETE';

const why = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOTDIR' ? 'a part of the path is a file' : code ?? (e as Error).message;
};

const writable = (path: string): string | undefined => {
  try {
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (e) {
    return why(e);
  }
};

/** The deepest part of `abs` that exists (the root always does). */
function existingAncestor(abs: string): string {
  let p = abs;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return p;
}

/** An output file `path` (chosen with `option`) can be written: not a folder, its folder exists and is writable. */
export function checkOutputFile(path: string, option: string): void {
  const abs = resolve(path);
  if (existsSync(abs)) {
    if (statSync(abs).isDirectory()) throw new OutputError(`${option} ${path}: is a folder (give a file name)`);
    const no = writable(abs);
    if (no) throw new OutputError(`${option} ${path}: cannot write (${no})`);
    return;
  }
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OutputError(`${option} ${path}: folder ${dir} does not exist`);
  const no = writable(dir);
  if (no) throw new OutputError(`${option} ${path}: cannot write in ${dir} (${no})`);
}

/** An output folder `path` (chosen with `option`) is a folder, or can be made one; throws OutputError. */
export function checkOutputFolder(path: string, option: string): void {
  const abs = resolve(path);
  const base = existingAncestor(abs);
  if (!statSync(base).isDirectory()) {
    throw new OutputError(base === abs ? `${option} ${path}: is a file, not a folder` : `${option} ${path}: cannot be made (${base} is a file, not a folder)`);
  }
  const no = writable(base);
  if (no) throw new OutputError(base === abs ? `${option} ${path}: cannot write in it (${no})` : `${option} ${path}: cannot be made in ${base} (${no})`);
}

/**
 * What a run adds to its output folder. `open` checks and makes the folder and marks it INCOMPLETE;
 * after a failure `undo` removes what the run added (the folder too, when the run made it), unless the
 * run wrote checkpoints, in which case the folder is kept, marked with the reason; `done` (success)
 * removes the mark. A run killed outright leaves the mark.
 */
export class RunFolder {
  private constructor(readonly dir: string, private readonly existed: boolean, private readonly before: ReadonlySet<string>, private readonly startMs: number) {}

  static open(path: string, option: string): RunFolder {
    checkOutputFolder(path, option);
    const dir = resolve(path);
    const startMs = Date.now() - 1000; // file times may be coarser than the clock
    const existed = existsSync(dir);
    const before = new Set(existed ? readdirSync(dir) : []);
    try {
      mkdirSync(dir, { recursive: true });
      // Marked until it succeeds, so a run killed midway (Ctrl-C, out of memory) is recognisable too.
      writeFileSync(join(dir, INCOMPLETE_MARKER), `${new Date().toISOString()} started; this run has not finished\n`);
    } catch (e) {
      throw new OutputError(`${option} ${path}: cannot ${existed ? 'write in' : 'make'} the folder (${why(e)})`);
    }
    return new RunFolder(dir, existed, before, startMs);
  }

  /** Undoes a failed run; returns a line saying what was kept, if anything. */
  undo(reason: string): string | undefined {
    if (!existsSync(this.dir)) return undefined;
    if (hasCheckpoint(this.dir, this.startMs)) {
      try {
        writeFileSync(join(this.dir, INCOMPLETE_MARKER), `${new Date().toISOString()} this run failed: ${reason}\nIts checkpoints are kept: run the same command with --resume to continue, or delete this folder.\n`);
      } catch {
        // A folder that can no longer be written keeps what it has; the failure itself was reported.
      }
      return `${this.dir} kept with its checkpoints and marked ${INCOMPLETE_MARKER} (continue with --resume)`;
    }
    try {
      if (!this.existed) rmSync(this.dir, { recursive: true, force: true });
      else for (const name of readdirSync(this.dir)) if (!this.before.has(name)) rmSync(join(this.dir, name), { recursive: true, force: true });
    } catch {
      // Best effort: what could not be removed stays, and the failure itself was reported.
    }
    return undefined;
  }

  done(): void {
    rmSync(join(this.dir, INCOMPLETE_MARKER), { force: true });
  }
}

/** Whether a folder holds a training checkpoint (`*.ckpt`) written since `sinceMs`, at any depth. */
function hasCheckpoint(dir: string, sinceMs: number): boolean {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() ? hasCheckpoint(p, sinceMs) : e.name.endsWith('.ckpt') && statSync(p).mtimeMs >= sinceMs) return true;
  }
  return false;
}
