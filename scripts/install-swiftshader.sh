#!/usr/bin/env bash
# WebGPU on a machine without a GPU: Dawn runs on SwiftShader, a CPU Vulkan driver that Debian ships in
# its `chromium` package, and needs the Vulkan loader (libvulkan1). Headless Chromium (same package) runs
# the browser kernel tests. Installs them if missing; prints what to do when it cannot.
set -euo pipefail
need=()
[ -f /usr/lib/chromium/vk_swiftshader_icd.json ] && [ -x /usr/bin/chromium ] || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || need+=(libvulkan1)
if [ ${#need[@]} -eq 0 ]; then
  echo "SwiftShader and the Vulkan loader are present."
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "Missing: ${need[*]}. Install them as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  echo "Missing: ${need[*]} (Debian/Ubuntu: apt-get install -y chromium libvulkan1); no apt-get here." >&2
  exit 1
fi
echo "Installing ${need[*]} (SwiftShader WebGPU driver, Vulkan loader, headless Chromium)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium libvulkan1 >/dev/null
echo "Installed."
