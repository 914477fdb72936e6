/**
 * The exit status of every ecgpu command, one per kind of failure, and the one line a person sees for
 * it (no stack trace unless ECGPU_DEBUG is set). README's "Exit status" table is this table.
 */
import { writeFileSync } from 'node:fs';
import { NoAdapterError } from '../engine/device.js';
import { DataError } from '../ecg/data-error.js';
import { EcgInputError } from '../ecg/types.js';
import { ModelFileError } from '../models/model-file.js';
import { CheckpointError } from '../train/checkpoint.js';
import { TrainingDivergedError } from '../train/trainer.js';
import { printableField, printableLine } from '../ecg/printable.js';
import { UsageError } from './args.js';

export const EXIT = {
  ok: 0, internal: 1, usage: 2, noAdapter: 3, modelFile: 4, record: 5, checkpoint: 6, data: 7, output: 8, diverged: 9,
} as const;

export const EXIT_MEANINGS: readonly [number, string][] = [
  [EXIT.ok, 'success (also when a reader such as `head` closes the output early)'],
  [EXIT.internal, 'internal error (a bug: please report it with ECGPU_DEBUG=1 output)'],
  [EXIT.usage, 'bad command line: unknown command or option, bad or out-of-range option value, missing argument'],
  [EXIT.noAdapter, 'no WebGPU adapter found'],
  [EXIT.modelFile, 'model file unusable (missing, truncated, damaged, not a model)'],
  [EXIT.record, 'ECG record unreadable or refused'],
  [EXIT.checkpoint, 'checkpoint unusable for --resume'],
  [EXIT.data, 'data folder, split file or label table unusable'],
  [EXIT.output, 'an output file cannot be written'],
  [EXIT.diverged, 'training diverged (loss became NaN)'],
];

/** An output file that cannot be written, named with the option that chose it. */
export class OutputError extends Error {}

/** Writes `bytes` to `path`, or throws an OutputError naming `what` (an option or a description). */
export function writeOutput(path: string, bytes: Uint8Array | string, what: string): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new OutputError(`${what} ${path}: cannot write (${why})`);
  }
}

/** Exit code and message line of an error thrown by a command. */
export function failure(e: unknown, cmd: string): { code: number; line: string } {
  const prefix = `ecgpu${printableField(cmd ? ` ${cmd}` : '')}: `;
  // Messages quote what files and arguments said: control bytes escaped, one line, a long one cut.
  const m = printableLine(e instanceof Error ? e.message : String(e));
  if (e instanceof UsageError) return { code: EXIT.usage, line: prefix + m };
  if (e instanceof NoAdapterError) return { code: EXIT.noAdapter, line: m };
  if (e instanceof ModelFileError) return { code: EXIT.modelFile, line: `${prefix}model file ${m}` };
  if (e instanceof EcgInputError) return { code: EXIT.record, line: prefix + m };
  if (e instanceof CheckpointError) return { code: EXIT.checkpoint, line: `${prefix}checkpoint ${m}` };
  if (e instanceof DataError) return { code: EXIT.data, line: prefix + m };
  if (e instanceof OutputError) return { code: EXIT.output, line: prefix + m };
  if (e instanceof TrainingDivergedError) return { code: EXIT.diverged, line: prefix + m };
  const stack = process.env.ECGPU_DEBUG && e instanceof Error && e.stack ? `\n${e.stack}` : ' (ECGPU_DEBUG=1 shows the stack trace)';
  return { code: EXIT.internal, line: `${prefix}internal error: ${m}${stack}` };
}

/** Writes an error's one line through `err` (a usage error points at the command's --help) and returns its exit code. */
export function reportFailure(e: unknown, cmd: string, err: (line: string) => void): number {
  const f = failure(e, cmd);
  err(`${f.line}${e instanceof UsageError ? ` (see ecgpu${cmd ? ` ${cmd}` : ''} --help)` : ''}\n`);
  return f.code;
}

/** EPIPE on stdout/stderr (`ecgpu inspect … | head -1`): the reader has gone, end quietly. */
let pipesWatched = false;
export function endQuietlyOnClosedPipe(): void {
  if (pipesWatched) return; // main() may run several times in one process (tests, scripts)
  pipesWatched = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT.ok);
      throw e;
    });
  }
}
