/**
 * Device acquisition for Node (Dawn, npm `webgpu`) and browsers (`navigator.gpu`) behind one function.
 *
 * In Node on a machine without a GPU driver, Dawn finds no adapter. We then point the Vulkan loader at
 * SwiftShader (a CPU Vulkan driver shipped in Debian's `chromium` package) and try again; that works
 * because the loader reads VK_ICD_FILENAMES each time Dawn creates a new instance.
 */
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
  '(ecgpu then finds /usr/lib/chromium/vk_swiftshader_icd.json by itself; or set VK_ICD_FILENAMES to it).';

export interface DeviceOptions {
  /** Force SwiftShader even if another adapter exists (Node only). Also ECGPU_ADAPTER=swiftshader. */
  swiftshader?: boolean;
  powerPreference?: GPUPowerPreference;
}

function describe(adapter: GPUAdapter, runtime: AdapterDescription['runtime']): AdapterDescription {
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
  };
}

const liveInstances: GPU[] = [];

async function nodeAdapter(opts: DeviceOptions): Promise<GPUAdapter | null> {
  const env = process.env;
  const { existsSync } = await import('node:fs');
  // The Vulkan loader complains on stderr when XDG_RUNTIME_DIR is unset (CI, containers).
  env.XDG_RUNTIME_DIR ??= (await import('node:os')).tmpdir();
  const webgpu = await import('webgpu');
  Object.assign(globalThis, webgpu.globals);
  const want = opts.swiftshader || env.ECGPU_ADAPTER === 'swiftshader';
  const icd = SWIFTSHADER_ICD_PATHS.find((p) => existsSync(p));
  const useSwiftShader = () => {
    if (!icd) return false;
    env.VK_ICD_FILENAMES = icd;
    return true;
  };
  if (want && !useSwiftShader()) throw new NoAdapterError(`SwiftShader was asked for but not found.\n${NO_ADAPTER_HELP}`);
  const request = () => {
    const gpu = webgpu.create([]);
    liveInstances.push(gpu); // dawn.node tears the instance down when its GPU object is collected
    return gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  };
  let adapter = await request();
  if (!adapter && !env.VK_ICD_FILENAMES && useSwiftShader()) adapter = await request();
  return adapter;
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
  if (inBrowser) {
    adapter = await nav!.gpu!.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  } else if (inNode) {
    adapter = await nodeAdapter(opts);
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
  return { device, adapter: describe(adapter, inBrowser ? 'browser' : 'node-dawn'), hasTimestamps };
}
