/**
 * Checks the SiLU op (silu.mjs) as ecgpu checks its own ops: forward against the float64 reference,
 * backward against finite differences, with the same tolerances. Prints one line per check; exit 1 if
 * any fails.   node examples/custom-op/check-silu.mjs   (after `npm i ecgpu`)
 */
import { init } from 'ecgpu';
import { checkOp, formatResults } from 'ecgpu/testing';
import { siluOp } from './silu.mjs';

await init();
const report = await checkOp(siluOp);
console.log(formatResults(report.results));
console.log(`${report.op}: ${report.passed} passed, ${report.failed} failed`);
process.exitCode = report.failed ? 1 : 0;
