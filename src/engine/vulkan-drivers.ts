/**
 * Which Vulkan drivers the Vulkan loader would find on Linux, read the way the loader reads them: the
 * driver manifests (`*.json`) in its search folders, unless VK_DRIVER_FILES / VK_ICD_FILENAMES name the
 * drivers outright. Knowing this before Dawn creates its first instance lets device.ts go straight to
 * SwiftShader on a machine with no GPU driver, instead of letting Dawn try the system drivers first and
 * print "vkCreateInstance: Found no drivers!" from native code, which a user reads as an error.
 *
 * Pure: the folder listing is handed in, so the rule is testable without touching the machine.
 */

export type ListJson = (folder: string) => string[];

/** The loader's driver-manifest folders (Vulkan loader docs, "Linux Driver Discovery"), in its order. */
export function driverFolders(env: Record<string, string | undefined>): string[] {
  const home = env.HOME;
  const configHome = env.XDG_CONFIG_HOME || (home ? `${home}/.config` : undefined);
  const dataHome = env.XDG_DATA_HOME || (home ? `${home}/.local/share` : undefined);
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const folders = [
    ...(configHome ? [configHome] : []), ...configDirs, '/usr/local/etc', '/etc',
    ...(dataHome ? [dataHome] : []), ...dataDirs,
  ].map((d) => `${d.replace(/\/$/, '')}/vulkan/icd.d`);
  return [...new Set(folders)];
}

export interface DriverSearch {
  /** The variable that names the drivers outright, when one does (the loader then reads nothing else). */
  namedBy?: 'VK_DRIVER_FILES' | 'VK_ICD_FILENAMES';
  /** Driver manifests found (or named), SwiftShader's included. */
  manifests: string[];
  /** The folders looked in (empty when a variable names the drivers). */
  folders: string[];
}

export function findVulkanDrivers(env: Record<string, string | undefined>, listJson: ListJson): DriverSearch {
  for (const name of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES'] as const) {
    const value = env[name];
    if (value) return { namedBy: name, manifests: value.split(':').filter(Boolean), folders: [] };
  }
  const folders = driverFolders(env);
  const added = (env.VK_ADD_DRIVER_FILES ?? '').split(':').filter(Boolean);
  return { manifests: [...added, ...folders.flatMap((f) => listJson(f).map((n) => `${f}/${n}`))], folders };
}

/** SwiftShader's manifest, whichever package put it there. */
export const isSwiftShaderManifest = (path: string) => /swiftshader/i.test(path);

/**
 * Whether to point the loader at SwiftShader before the first try: only when nothing names the drivers
 * and the only drivers installed (if any) are SwiftShader itself, so a machine with a GPU driver always
 * tries its GPU first.
 */
export function swiftShaderFirst(search: DriverSearch): boolean {
  return search.namedBy === undefined && search.manifests.every(isSwiftShaderManifest);
}
