/** Says, before anything else runs, whether this browser has WebGPU, and if not what works and what to use instead. */
const HELP = `<details><summary>How to get WebGPU</summary>
<ul>
  <li><strong>Chrome or Edge 113+</strong> on Windows, macOS or ChromeOS have WebGPU on by default.</li>
  <li><strong>Chrome on Linux or Android</strong>: enable <code>chrome://flags/#enable-unsafe-webgpu</code> (or start Chrome with
    <code>--enable-unsafe-webgpu</code>; on Linux it also needs Vulkan drivers).</li>
  <li><strong>Safari 26+</strong> (macOS, iOS) has WebGPU; older Safari: Develop → Feature Flags → WebGPU.</li>
  <li><strong>Firefox 141+</strong> on Windows has WebGPU; elsewhere Firefox Nightly with <code>dom.webgpu.enabled</code> in <code>about:config</code>.</li>
  <li>No GPU at all: the command line runs the same models on the CPU —
    <code>npx ecgpu predict record.hea --backend cpu</code> (see the project README).</li>
</ul></details>`;

/** What still works without WebGPU, said before the help. */
const STILL_WORKS = '<p><strong>Classify still works here:</strong> the network runs on the CPU in plain JavaScript, with the same answers. <strong>Training needs WebGPU.</strong></p>';

/** undefined when WebGPU and an adapter are available; otherwise the HTML of the explanation. */
export async function webGpuProblem(): Promise<string | undefined> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return `<h2>This browser has no WebGPU</h2><p>The demo runs its networks on the GPU through WebGPU, and <code>navigator.gpu</code> is missing here (or this page is not served from https or localhost).</p>${STILL_WORKS}${HELP}`;
  try {
    if (await gpu.requestAdapter()) return undefined;
  } catch { /* reported below */ }
  return `<h2>WebGPU is here, but no GPU adapter is available</h2><p>The browser exposes WebGPU but gave no adapter: the GPU may be blocklisted, disabled, or busy.</p>${STILL_WORKS}${HELP}`;
}
