/** `ecgpu info`: which adapter ecgpu finds and what it allows. */
import { init } from '../engine/engine.js';
import { parse } from './args.js';

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {}, false); // no options, no arguments: anything else is refused
  if (values.help) return console.log('usage: ecgpu info\n\nPrints the WebGPU adapter ecgpu uses, how it was found, and its limits.\n(ECGPU_DEBUG=1 prints the adapter search on stderr for any command.)'), 0;
  const e = await init();
  const a = e.adapter;
  console.log(`adapter: ${a.description || a.device} (vendor ${a.vendor}, architecture ${a.architecture})`);
  console.log('adapter search:');
  for (const step of a.search) console.log(`  ${step}`);
  console.log(`class: ${a.adapterClass}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}, runtime ${a.runtime}`);
  console.log(`timestamp queries: ${e.hasTimestamps ? 'yes' : 'no'}`);
  const l = e.limits;
  console.log(`limits: storage binding ${(l.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB, buffer ${(l.maxBufferSize / 2 ** 20).toFixed(0)} MiB, ` +
    `workgroup storage ${l.maxComputeWorkgroupStorageSize} B, invocations/workgroup ${l.maxComputeInvocationsPerWorkgroup}`);
  e.destroy();
  return 0;
}
