import { describe, expect, it } from 'vitest';
import { driverFolders, findVulkanDrivers, swiftShaderFirst } from '../../src/engine/vulkan-drivers.js';

const machine = (files: Record<string, string[]>) => (folder: string) => files[folder] ?? [];
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('which Vulkan drivers the loader would find', () => {
  it('looks in the loader folders, XDG variables first', () => {
    expect(driverFolders({ HOME: '/home/u' })).toEqual([
      '/home/u/.config/vulkan/icd.d', '/etc/xdg/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d', '/etc/vulkan/icd.d',
      '/home/u/.local/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d',
    ]);
    expect(driverFolders({ XDG_DATA_DIRS: '/opt/share/', XDG_CONFIG_DIRS: '/opt/etc' })).toEqual([
      '/opt/etc/vulkan/icd.d', '/usr/local/etc/vulkan/icd.d', '/etc/vulkan/icd.d', '/opt/share/vulkan/icd.d',
    ]);
  });

  it('no driver installed: SwiftShader before the first try (Dawn would print "Found no drivers!")', () => {
    const search = findVulkanDrivers({ HOME: '/root' }, machine({}));
    expect(search.manifests).toEqual([]);
    expect(swiftShaderFirst(search)).toBe(true);
  });

  it('a GPU driver installed: the GPU is tried first', () => {
    const search = findVulkanDrivers({}, machine({ '/usr/share/vulkan/icd.d': ['nvidia_icd.json'] }));
    expect(search.manifests).toEqual(['/usr/share/vulkan/icd.d/nvidia_icd.json']);
    expect(swiftShaderFirst(search)).toBe(false);
  });

  it('only SwiftShader installed as a system driver: SwiftShader first', () => {
    const search = findVulkanDrivers({}, machine({ '/usr/share/vulkan/icd.d': ['vk_swiftshader_icd.json'] }));
    expect(swiftShaderFirst(search)).toBe(true);
  });

  it('a driver added by VK_ADD_DRIVER_FILES counts', () => {
    expect(swiftShaderFirst(findVulkanDrivers({ VK_ADD_DRIVER_FILES: '/opt/gpu/icd.json' }, machine({})))).toBe(false);
  });

  it('drivers named by VK_DRIVER_FILES or VK_ICD_FILENAMES are left as the user named them', () => {
    for (const name of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES']) {
      const search = findVulkanDrivers({ [name]: `/opt/a.json:${SWIFTSHADER}` }, machine({ '/usr/share/vulkan/icd.d': ['x.json'] }));
      expect(search).toEqual({ namedBy: name, manifests: ['/opt/a.json', SWIFTSHADER], folders: [] });
      expect(swiftShaderFirst(search)).toBe(false);
    }
  });
});
