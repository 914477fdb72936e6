/**
 * `ecgpu predict DIR|RECORD… [--out FILE.csv|FILE.jsonl]`: scores every record of folders (recursively)
 * and of the records named, in one process with one loaded Classifier, and writes one row per record
 * the moment it is scored. Folders are walked lazily and no row or record is kept after it is written,
 * so memory stays flat in the number of records. A record the model cannot read is a row with the
 * reason single-record predict gives, never the end of the run.
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Classifier } from '../classifier/classifier.js';
import { DataError } from '../ecg/data-error.js';
import { readRecord } from '../ecg/read-record.js';
import { firstLine, walkRecords } from '../ecg/record-walk.js';
import { EcgInputError } from '../ecg/types.js';
import { ProgressBar } from '../train/progress-bar.js';
import { parse, UsageError } from './args.js';
import { csvSink, jsonlSink, recordName, tableSink, type BatchRow, type RowSink } from './batch-rows.js';
import { EXIT, OutputError } from './exit-codes.js';

const OPTIONS = { model: { type: 'string' }, top: { type: 'string' }, saliency: { type: 'string' }, out: { type: 'string' } } as const;

export const BATCH_PREDICT_USAGE = `Several records (a folder, several folders or files, or --out): every record is scored in one
process and written as one row the moment it is scored: record, path, status (ok / refused), reason,
one calibrated probability per class (columns named by the model's classes), decision, findings,
heart_rate_bpm, rr_irregularity, warnings. Folders are searched recursively for .hea headers and
Chapman .csv records; a .dat/.mat without its header is a refused row. A progress bar and a summary
go to stderr.

  --out FILE.csv|FILE.jsonl   write the rows there (CSV, or one JSON object per line); an existing
                              file is replaced only when it is an earlier ecgpu predict result
                              (default: a compact table on stdout)`;

const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** Whether `ecgpu predict …argv` scores a batch: --out given, several records, or a folder. */
export function isBatchPredict(argv: string[]): boolean {
  let parsed;
  try {
    parsed = parse(argv, OPTIONS);
  } catch {
    return false; // the single-record parser names the problem
  }
  const { values, positionals } = parsed;
  if (values.help) return false;
  return values.out !== undefined || positionals.length > 1 || (positionals.length === 1 && isFolder(positionals[0]));
}

/** An earlier result of this command (or an empty file): the only kind of existing file --out replaces. */
function isBatchResult(path: string): boolean {
  const line = firstLine(path);
  if (line === '' || line.startsWith('record,path,status,reason,')) return true;
  try {
    const o = JSON.parse(line);
    return typeof o === 'object' && o !== null && 'record' in o && 'path' in o && 'status' in o;
  } catch {
    return false;
  }
}

/** Checks --out (before anything is read or loaded): its format, or a one-line usage/output error. */
function checkOut(out: string): 'csv' | 'jsonl' {
  const ext = extname(out).toLowerCase();
  if (ext !== '.csv' && ext !== '.jsonl') throw new UsageError(`--out ${out}: the file name must end in .csv or .jsonl`);
  const dir = dirname(resolve(out));
  if (!isFolder(dir)) throw new OutputError(`--out ${out}: folder ${dir} does not exist`);
  if (existsSync(out)) {
    const st = statSync(out);
    if (st.isDirectory()) throw new OutputError(`--out ${out}: is a directory`);
    // A device or named pipe is written as a stream; only a regular file can hold something to lose.
    if (st.isFile() && !isBatchResult(out)) throw new OutputError(`--out ${out}: exists and is not an ecgpu predict result; not replaced (remove it or choose another name)`);
  }
  return ext === '.csv' ? 'csv' : 'jsonl';
}

/** The records the arguments name, lazily: a folder's records (recursively, never `skip`), a file or record name as given. */
function* records(args: readonly string[], skip: string | undefined): Generator<string> {
  for (const a of args) {
    if (!isFolder(a)) yield a;
    else for (const p of walkRecords(a)) if (resolve(p) !== skip) yield p;
  }
}

function count(paths: Iterable<string>): number {
  let n = 0;
  for (const _ of paths) n++;
  return n;
}

/** One record's row: scored, refused with the reader's or the classifier's reason, or an internal error. */
async function scoreRecord(clf: Classifier, path: string): Promise<BatchRow> {
  const base = { record: recordName(path), path, warnings: [] as string[] };
  try {
    const r = await clf.classify(readRecord(path, { digital: false }));
    return {
      ...base, status: 'ok', probabilities: r.probabilities, decision: r.decision.name,
      findings: r.multiLabel ? r.findings.map((f) => f.name) : undefined, heartRate: r.heartRate, warnings: r.warnings,
    };
  } catch (e) {
    if (e instanceof EcgInputError) return { ...base, status: 'refused', reason: e.message };
    return { ...base, status: 'error', reason: `internal error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Opens --out for writing and returns a writer that turns a failed write into an OutputError. */
function outputWriter(out: string): { write: (text: string) => void; close: () => void } {
  let fd: number;
  const fail = (e: unknown): never => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OutputError(`--out ${out}: cannot write (${code === 'EACCES' ? 'permission denied' : code === 'ENOSPC' ? 'no space left on device' : code ?? (e as Error).message})`);
  };
  try {
    fd = openSync(out, 'w');
  } catch (e) {
    return fail(e);
  }
  return {
    write: (text) => {
      try {
        writeSync(fd, text);
      } catch (e) {
        fail(e);
      }
    },
    close: () => closeSync(fd),
  };
}

export async function batchPredictCommand(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const { values, positionals } = parse(argv, OPTIONS);
  const why = 'it draws one record; batch scoring (a folder, several records or --out) does not take it';
  if (values.saliency !== undefined) throw new UsageError(`--saliency: ${why}`);
  if (values.top !== undefined) throw new UsageError(`--top: ${why.replace('draws', 'lists the classes of')}`);
  if (positionals.length === 0) throw new UsageError('give the records or folders to score');
  const format = values.out !== undefined ? checkOut(values.out) : 'table';
  const skip = values.out !== undefined ? resolve(values.out) : undefined;
  const total = count(records(positionals, skip));
  if (total === 0) throw new DataError(positionals.join(', '), 'no ECG records found (.hea headers or Chapman .csv files)');

  const file = values.out !== undefined ? outputWriter(values.out) : undefined;
  const write = file?.write ?? ((text: string) => void process.stdout.write(text));
  try {
    const clf = await Classifier.load(values.model);
    try {
      for (const w of clf.warnings) process.stderr.write(`warning: ${w}\n`);
      const sink: RowSink = format === 'csv' ? csvSink(clf.classNames, write) : format === 'jsonl' ? jsonlSink(clf.classNames, write) : tableSink(clf.classNames, write);
      // A table on a terminal shows its own progress; a bar redrawn between its lines would garble both.
      const bar = new ProgressBar('predict', total, 'rec', format === 'table' && process.stdout.isTTY ? undefined : process.stderr);
      const tally = { ok: 0, refused: 0, error: 0 };
      const t1 = performance.now();
      let n = 0;
      for (const path of records(positionals, skip)) {
        const row = await scoreRecord(clf, path);
        sink(row);
        tally[row.status]++;
        bar.update(++n);
      }
      const secs = (performance.now() - t0) / 1000, per = (performance.now() - t1) / 1000 / Math.max(n, 1);
      const failed = tally.error ? `, ${tally.error} failed (internal errors: see their rows)` : '';
      process.stderr.write(`ecgpu predict: ${n} record${n === 1 ? '' : 's'}: ${tally.ok} scored, ${tally.refused} refused${failed} in ${secs.toFixed(1)} s ` +
        `(${per.toFixed(2)} s per record after loading the model)${values.out !== undefined ? ` → ${values.out}` : ''}\n`);
      return tally.error ? EXIT.internal : EXIT.ok;
    } finally {
      clf.dispose();
    }
  } finally {
    file?.close();
  }
}
