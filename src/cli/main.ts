#!/usr/bin/env node
/** The `ecgpu` command line. With no command it runs the paper's comparison on synthetic data. */
import { endQuietlyOnClosedPipe, EXIT, EXIT_MEANINGS, failure } from './exit-codes.js';
import { experimentCommand } from './experiment-commands.js';
import { evalCommand, predictCommand } from './model-commands.js';
import { inspectCommand } from './inspect.js';
import { annotationsCommand } from './annotations.js';
import { infoCommand } from './info.js';
import { quoted } from '../ecg/printable.js';

const USAGE = `usage: ecgpu [command] [options]     (ecgpu <command> --help for each)

  (none)     same as "compare": AlexNet vs AlexNet-M-SE on synthetic ECGs, quick preset (~10 min on 2 CPU cores)
  compare    train both architectures on the same split and report them side by side
  train      train one architecture
  prepare    build the dataset: scan or generate records, balanced level, 70/15/15 split, render cache
  eval       evaluate a saved model on a split and write its report
  predict    classify one record (probabilities, findings, heart rate; --saliency FILE: Grad-CAM), or score folders into CSV/JSONL
  inspect    print a record's samples as the WFDB tool rdsamp does
  annotations print a record's annotation file (.atr, .qrs, LUDB's .i ... .v6) as rdann does
  info       the WebGPU adapter ecgpu finds, and its limits

exit status:
${EXIT_MEANINGS.map(([c, m]) => `  ${c}  ${m}`).join('\n')}`;

export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined: return await experimentCommand('compare', []);
      case 'compare': case 'train': case 'prepare': return await experimentCommand(cmd, rest);
      case 'eval': return await evalCommand(rest);
      case 'predict': return await predictCommand(rest);
      case 'inspect': return await inspectCommand(rest);
      case 'annotations': return await annotationsCommand(rest);
      case 'info': return await infoCommand(rest);
      case '--help': case '-h': case 'help': console.log(USAGE); return EXIT.ok;
      default:
        if (cmd.startsWith('--')) return await experimentCommand('compare', argv);
        console.error(`ecgpu: unknown command ${quoted(cmd)} (see ecgpu --help)`);
        return EXIT.usage;
    }
  } catch (e) {
    const f = failure(e, cmd && !cmd.startsWith('-') ? cmd : '');
    console.error(f.line);
    return f.code;
  }
}

// Run when executed directly (tsx src/cli/main.ts, node dist/cli.js); bin/ecgpu.mjs imports and calls main().
const invoked = process.argv[1] ?? '';
if (/(?:main\.ts|cli\.js)$/.test(invoked)) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    console.error(failure(e, '').line);
    process.exit(EXIT.internal);
  });
}
