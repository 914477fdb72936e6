/**
 * Runs the ecgpu command line in this process (no tsx start-up per case): `main(argv)` with console and
 * process.stdout/stderr captured, so a test sees exactly what a person would, and the exit status.
 */
import { main } from '../../src/cli/main.js';

export interface CliRun { code: number; out: string; err: string }

export async function runCli(...argv: string[]): Promise<CliRun> {
  let out = '', err = '';
  const saved = { log: console.log, error: console.error, warn: console.warn, outWrite: process.stdout.write, errWrite: process.stderr.write };
  console.log = (...a: unknown[]) => { out += a.join(' ') + '\n'; };
  console.error = console.warn = (...a: unknown[]) => { err += a.join(' ') + '\n'; };
  process.stdout.write = ((chunk: string | Uint8Array) => { out += String(chunk); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { err += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { code: await main(argv), out, err };
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stdout.write = saved.outWrite;
    process.stderr.write = saved.errWrite;
  }
}

/** Control characters that must never reach a terminal from a message (tab and newline are layout). */
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The one line a refusal prints: stderr is exactly one line, without a stack trace or raw control bytes. */
export function refusal(r: CliRun): string {
  const lines = r.err.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${r.err.slice(0, 2000)}`);
  if (RAW_CONTROL.test(r.err)) throw new Error(`raw control characters on stderr: ${JSON.stringify(r.err.slice(0, 300))}`);
  return lines[0];
}
