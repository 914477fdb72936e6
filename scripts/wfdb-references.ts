/**
 * Regenerates test/ecg/wfdb-reference/: writes the records of test/ecg/wfdb-reference-cases.ts and
 * stores what the reference WFDB tools print for them. Needs rdsamp and rdann (the WFDB software
 * package, built from its C sources) in $WFDB_BIN or on PATH:
 *
 *   WFDB_BIN=/path/to/wfdb/bin npx tsx scripts/wfdb-references.ts
 *
 * Each `ecgpu inspect` argument list maps to rdsamp options (`--physical` → -p, `--precise` → -P,
 * `--high-res` → -H, `--from`/`--to` → -f/-t, `--signals a,b` → -s a b); stored as `cut -f 2-`.
 * The FLAC cases need `xform` built with libFLAC; their records are stored in wfdb-reference/flac/.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FLAC_INSPECT, flacCases, referenceCases } from '../test/ecg/wfdb-reference-cases.js';

const outDir = fileURLToPath(new URL('../test/ecg/wfdb-reference', import.meta.url));
const bin = (tool: string) => (process.env.WFDB_BIN ? join(process.env.WFDB_BIN, tool) : tool);

/** The rdsamp options for an inspect argument list. */
function rdsampArgs(inspect: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < inspect.length; i++) {
    const a = inspect[i];
    if (a === '--physical') out.push('-p');
    else if (a === '--precise') out.push('-P');
    else if (a === '--high-res') out.push('-H');
    else if (a === '--from') out.push('-f', inspect[++i]);
    else if (a === '--to') out.push('-t', inspect[++i]);
    else if (a === '--signals') out.push('-s', ...inspect[++i].split(','));
    else throw new Error(`no rdsamp option for ${a}`);
  }
  return out;
}

/** The reference file name for a case and an inspect argument list. */
export function referenceName(caseName: string, inspect: string[]): string {
  return `${caseName}${inspect.length ? '.' + inspect.join('').replace(/[^A-Za-z0-9.,]+/g, '_') : ''}.rdsamp.txt`;
}

/** rdsamp's output for an inspect argument list, as `cut -f 2-`. */
function rdsamp(dir: string, record: string, args: string[]): string {
  const text = execFileSync(bin('rdsamp'), ['-r', record, ...rdsampArgs(args)], { cwd: dir, env: { ...process.env, WFDB: dir }, encoding: 'utf8' });
  return text.split('\n').map((l) => l.split('\t').slice(1).join('\t')).join('\n');
}

function main(): void {
  mkdirSync(join(outDir, 'flac'), { recursive: true });
  for (const c of flacCases()) {
    const dir = mkdtempSync(join(tmpdir(), `wfdbref-${c.name}-`));
    for (const [name, content] of Object.entries(c.source)) writeFileSync(join(dir, name), content);
    writeFileSync(join(dir, 'spec.hea'), c.spec.replace(new RegExp(`^${c.name} `), 'spec '));
    const src = Object.keys(c.source).find((n) => n.endsWith('.hea'))!.slice(0, -4);
    execFileSync(bin('xform'), ['-i', src, '-o', 'spec', '-n', c.name, ...(c.multiFrequency ? ['-M'] : [])], { cwd: dir, env: { ...process.env, ...c.env, WFDB: dir }, stdio: 'ignore' });
    for (const f of [`${c.name}.hea`, `${c.name}.dat`]) copyFileSync(join(dir, f), join(outDir, 'flac', f));
    for (const args of FLAC_INSPECT) writeFileSync(join(outDir, referenceName(c.name, args)), rdsamp(dir, c.name, args));
    console.log(`${c.name}: FLAC record and ${FLAC_INSPECT.length} rdsamp outputs`);
  }
  for (const c of referenceCases()) {
    const dir = mkdtempSync(join(tmpdir(), `wfdbref-${c.name}-`));
    for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
    const env = { ...process.env, WFDB: dir };
    for (const args of c.inspect) writeFileSync(join(outDir, referenceName(c.name, args)), rdsamp(dir, c.record, args));
    for (const [record, ext] of c.annotations ?? []) {
      const text = execFileSync(bin('rdann'), ['-r', record, '-a', ext], { cwd: dir, env, encoding: 'latin1' });
      writeFileSync(join(outDir, `${record}.${ext}.rdann.txt`), text, 'latin1');
    }
    console.log(`${c.name}: ${c.inspect.length} rdsamp, ${(c.annotations ?? []).length} rdann outputs`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
