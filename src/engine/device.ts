/**
 * Device acquisition for Node (Dawn, npm `webgpu`) and browsers (`navigator.gpu`) behind one function.
 *
 * In Node on a machine without a GPU driver, Dawn finds no adapter; we point the Vulkan loader at
 * SwiftShader (a CPU Vulkan driver shipped in Debian's `chromium` package) through VK_ICD_FILENAMES,
 * which the loader reads each time Dawn creates an instance. When no Vulkan driver is installed at all
 * (vulkan-drivers.ts reads the loader's folders) SwiftShader is chosen before the first try: letting
 * Dawn try first makes it print "vkCreateInstance: Found no drivers!" and a source location from native
 * code straight to fd 2, which no console override can hold back. With a GPU driver installed the GPU
 * is tried first and SwiftShader only after it gives no adapter. Each step of the search is kept in
 * `AdapterDescription.search` (`ecgpu info` prints it; ECGPU_DEBUG=1 prints it as it happens).
 */
import { findVulkanDrivers, swiftShaderFirst } from './vulkan-drivers.js';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** 'swiftshader' for the CPU Vulkan driver, 'gpu' for anything else: kernels are tuned per class. */
  adapterClass: 'swiftshader' | 'gpu';
  /** Where the device came from. */
  runtime: 'node-dawn' | 'browser';
  /** How the adapter was found, one step a line. */
  search: string[];
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: AdapterDescription;
  hasTimestamps: boolean;
}

export class NoAdapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoAdapterError';
  }
}

export const SWIFTSHADER_ICD_PATHS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib64/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

export const NO_ADAPTER_HELP =
  'No WebGPU adapter found. ecgpu needs a GPU driver with Vulkan, Metal or D3D12, or the SwiftShader CPU driver.\n' +
  'On Debian/Ubuntu without a GPU:  sudo apt-get install -y chromium libvulkan1\n' +
  '(ecgpu then finds /usr/lib/chromium/vk_swiftshader_icd.json by itself; or set VK_ICD_FILENAMES to it).\n' +
  'In a clone of the ecgpu repository, `npm run setup` installs them (npm start and npm test run it first).';

export interface DeviceOptions {
  /** Force SwiftShader even if another adapter exists (Node only). Also ECGPU_ADAPTER=swiftshader. */
  swiftshader?: boolean;
  powerPreference?: GPUPowerPreference;
}

function describe(adapter: GPUAdapter, runtime: AdapterDescription['runtime'], search: string[]): AdapterDescription {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  const isFallback = Boolean((info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: isFallback,
    adapterClass: /swiftshader/i.test(text) ? 'swiftshader' : 'gpu',
    runtime,
    search,
  };
}

const liveInstances: GPU[] = [];

/** One step of the adapter search: kept for `ecgpu info`, printed at once under ECGPU_DEBUG. */
function searchLog(): { steps: string[]; note(step: string): void } {
  const steps: string[] = [];
  const debug = typeof process !== 'undefined' && Boolean(process.env?.ECGPU_DEBUG);
  return {
    steps,
    note(step) {
      steps.push(step);
      if (debug) console.error(`ecgpu: adapter search: ${step}`);
    },
  };
}

async function nodeAdapter(opts: DeviceOptions, log: ReturnType<typeof searchLog>): Promise<GPUAdapter | null> {
  const env = process.env;
  const { existsSync, readdirSync } = await import('node:fs');
  // The Vulkan loader complains on stderr when XDG_RUNTIME_DIR is unset (CI, containers).
  env.XDG_RUNTIME_DIR ??= (await import('node:os')).tmpdir();
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  const want = opts.swiftshader || env.ECGPU_ADAPTER === 'swiftshader';
  const icd = SWIFTSHADER_ICD_PATHS.find((p) => existsSync(p));
  const useSwiftShader = (why: string) => {
    if (!icd) return false;
    env.VK_ICD_FILENAMES = icd;
    log.note(`${why}: VK_ICD_FILENAMES=${icd} (SwiftShader, a CPU Vulkan driver)`);
    return true;
  };
  if (want && !useSwiftShader('SwiftShader asked for')) throw new NoAdapterError(`SwiftShader was asked for but not found.\n${NO_ADAPTER_HELP}`);
  if (!want && process.platform === 'linux') {
    const listJson = (folder: string) => {
      try {
        return readdirSync(folder).filter((n) => n.endsWith('.json'));
      } catch {
        return []; // a folder that does not exist holds no driver
      }
    };
    const drivers = findVulkanDrivers(env, listJson);
    if (drivers.namedBy) log.note(`${drivers.namedBy} names the Vulkan drivers: ${drivers.manifests.join(', ')}`);
    else log.note(`Vulkan drivers installed: ${drivers.manifests.join(', ') || 'none'} (looked in ${drivers.folders.join(', ')})`);
    if (swiftShaderFirst(drivers)) useSwiftShader('no GPU driver installed');
  }
  const request = () => {
    const gpu = webgpu.create([]);
    liveInstances.push(gpu); // dawn.node tears the instance down when its GPU object is collected
    return gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  };
  let adapter = await request();
  log.note(`requestAdapter: ${adapter ? adapterName(adapter) : 'no adapter'}`);
  if (!adapter && !env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && useSwiftShader('the installed drivers gave no adapter')) {
    adapter = await request();
    log.note(`requestAdapter: ${adapter ? adapterName(adapter) : 'no adapter'}`);
  }
  return adapter;
}

function adapterName(adapter: GPUAdapter): string {
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  return [info.description || info.device, info.vendor && `(vendor ${info.vendor})`].filter(Boolean).join(' ') || 'an adapter';
}

/** Limits we need beyond the defaults: AlexNet's FC6 weight alone is 151 MB. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function acquireDevice(opts: DeviceOptions = {}): Promise<AcquiredDevice> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  // Pages and Web Workers alike (a worker has navigator.gpu but no window); Node never takes this path.
  const inNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
  const inBrowser = !inNode && Boolean(nav?.gpu);
  let adapter: GPUAdapter | null;
  const log = searchLog();
  if (inBrowser) {
    adapter = await nav!.gpu!.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
    log.note(`navigator.gpu.requestAdapter: ${adapter ? adapterName(adapter) : 'no adapter'}`);
  } else if (inNode) {
    adapter = await nodeAdapter(opts, log);
  } else {
    throw new NoAdapterError('This JavaScript runtime has neither navigator.gpu nor Node.js: WebGPU is not available.');
  }
  if (!adapter) throw new NoAdapterError(NO_ADAPTER_HELP);
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) requiredLimits[k] = adapter.limits[k] as number;
  const hasTimestamps = adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    requiredFeatures: hasTimestamps ? ['timestamp-query'] : [],
    requiredLimits,
  });
  return { device, adapter: describe(adapter, inBrowser ? 'browser' : 'node-dawn', log.steps), hasTimestamps };
}
