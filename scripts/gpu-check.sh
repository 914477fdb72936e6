#!/usr/bin/env bash
# The GPU check, run from the kit that scripts/gpu-kit.sh builds (it is copied there as gpu-check.sh):
#
#   bash .gpu-kit/gpu-check.sh OUTDIR            on the GPU machine (NVIDIA Vulkan driver)
#   bash .gpu-kit/gpu-check.sh OUTDIR --tiny     here, on SwiftShader, at the bench's tiny size
#
# Unpacks Node, Dawn and the Vulkan loader into a work folder, points the loader at the NVIDIA ICD
# (SwiftShader's with --tiny), prints the adapter, then runs each part in its own process under its
# own time box: adapter, ops (op table + GEMM variants), kernels (GEMM 1024³–8192³, AlexNet's convs
# fwd/bwd at batch 16 @224, vs tfjs-webgpu), e2e (AlexNet, AlexNet-M-SE training step and forward),
# torch (the same networks in PyTorch CUDA, TF32 off/on), compare (`ecgpu compare --preset paper`).
# OUTDIR gets five files (the device machine returns at most eight, none in subfolders past two):
#   gpu-check.md, gpu-check.json, gpu-check.log, report.html (or .html.gz), results.json
#
# Environment: GPU_CHECK_TOTAL_S (whole run, default 450 s), GPU_CHECK_PARTS (e.g. "e2e,torch" to
# rerun some), GPU_CHECK_COMPARE_ARGS (more `ecgpu compare` options, e.g. "--epochs 5"),
# GPU_CHECK_WORK (default /tmp/ecgpu-gpu-check), VK_ICD_FILENAMES (use this ICD).
set -uo pipefail

KIT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
usage() { echo "usage: bash $0 OUTDIR [--tiny]" >&2; exit 2; }
[ $# -ge 1 ] || usage
OUT=$1; shift
TINY=0
for a in "$@"; do
  case "$a" in --tiny) TINY=1 ;; *) echo "gpu-check: unknown option '$a'" >&2; usage ;; esac
done
case "$OUT" in -*) usage ;; esac
mkdir -p "$OUT" || { echo "gpu-check: cannot create $OUT" >&2; exit 2; }
OUT=$(cd "$OUT" && pwd)
WORK=${GPU_CHECK_WORK:-${TMPDIR:-/tmp}/ecgpu-gpu-check}
rm -rf "$WORK" && mkdir -p "$WORK/bin"
LOG="$OUT/gpu-check.log"
: >"$LOG"
exec > >(tee -a "$LOG") 2>&1

START=$(date +%s)
TOTAL=${GPU_CHECK_TOTAL_S:-450}
declare -A BUDGET
if [ $TINY = 1 ]; then
  BUDGET=([adapter]=60 [ops]=90 [kernels]=90 [e2e]=90 [torch]=60 [compare]=120)
else
  # Sized for one device call of ≤ 8 minutes: the compare run takes what the others leave.
  BUDGET=([adapter]=40 [ops]=60 [kernels]=100 [e2e]=100 [torch]=75 [compare]=400)
fi
PARTS=${GPU_CHECK_PARTS:-adapter,ops,kernels,e2e,torch,compare}
elapsed() { echo $(($(date +%s) - START)); }
say() { echo "gpu-check [$(elapsed) s]: $*"; }

# ---- unpack ------------------------------------------------------------------------------------
unxz_to() { # xz where there is one, else Python's lzma
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
for f in node.xz dawn.node.xz check.mjs lib/libvulkan.so.1; do
  [ -e "$KIT/$f" ] || { echo "gpu-check: $KIT/$f is missing: rebuild the kit with scripts/gpu-kit.sh" >&2; exit 2; }
done
unxz_to "$KIT/node.xz" "$WORK/bin/node" && chmod +x "$WORK/bin/node" || { echo "gpu-check: could not unpack Node" >&2; exit 1; }
unxz_to "$KIT/dawn.node.xz" "$WORK/dawn.node" || { echo "gpu-check: could not unpack dawn.node" >&2; exit 1; }
NODE="$WORK/bin/node"
export ECGPU_DAWN_NODE="$WORK/dawn.node"
export PATH="$WORK/bin:$PATH"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK}
export ECGPU_CACHE="$WORK/ecgpu-cache"
say "unpacked Node $("$NODE" --version) and dawn.node into $WORK"

# ---- Vulkan: loader from the kit, driver from the machine --------------------------------------
NV_LIBS=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/x86_64-linux-gnu/nvidia/current /usr/lib64/nvidia; do
  [ -d "$d" ] && NV_LIBS="$NV_LIBS$d:"
done
# The driver's own folders first (its libGLdispatch, where it ships one), then the kit's loader.
export LD_LIBRARY_PATH="$NV_LIBS$KIT/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

find_icd() {
  local c
  if [ $TINY = 1 ]; then
    for c in /usr/lib/chromium/vk_swiftshader_icd.json /usr/lib64/chromium/vk_swiftshader_icd.json /usr/lib/chromium-browser/vk_swiftshader_icd.json; do
      [ -f "$c" ] && { echo "$c"; return; }
    done
    return 1
  fi
  for c in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json \
    /usr/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json \
    /etc/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$c" ] && { echo "$c"; return; }
  done
  c=$(find /usr/local/nvidia /usr/share/vulkan /etc/vulkan -maxdepth 5 -name 'nvidia_icd*.json' 2>/dev/null | head -n1)
  [ -n "$c" ] && { echo "$c"; return; }
  # No manifest, but the driver's Vulkan library is there: write the manifest it would have.
  local lib
  lib=$(for d in ${NV_LIBS//:/ } /usr/lib/x86_64-linux-gnu /usr/lib64; do ls "$d"/libGLX_nvidia.so.0 2>/dev/null; done | head -n1)
  [ -z "$lib" ] && lib=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia.so.0/ { print $NF; exit }')
  [ -n "$lib" ] || return 1
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$lib" >"$WORK/nvidia_icd.json"
  echo "$WORK/nvidia_icd.json"
}
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  ICD=$(find_icd) || { say "no $([ $TINY = 1 ] && echo SwiftShader || echo NVIDIA) Vulkan ICD found (looked in /usr/local/nvidia, /usr/share/vulkan, /etc/vulkan)"; ICD=""; }
  [ -n "$ICD" ] && export VK_ICD_FILENAMES="$ICD" VK_DRIVER_FILES="$ICD"
fi
say "Vulkan ICD: ${VK_ICD_FILENAMES:-none}$( [ -n "${VK_ICD_FILENAMES:-}" ] && grep -o '"library_path"[^,}]*' "$VK_ICD_FILENAMES" | sed 's/^/ → /')"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader >"$WORK/driver.txt" 2>&1 || true
  say "nvidia-smi: $(cat "$WORK/driver.txt")"
fi

# ---- the parts ---------------------------------------------------------------------------------
TINYFLAG=(); [ $TINY = 1 ] && TINYFLAG=(--tiny)
status() { # part rc seconds budget [skipped]
  local timed=false; { [ "$2" = 124 ] || [ "$2" = 137 ]; } && timed=true
  printf '{"part":"%s","rc":%d,"seconds":%d,"budgetS":%d,"timedOut":%s%s}\n' "$1" "$2" "$3" "$4" "$timed" "${5:+,\"skipped\":\"$5\"}" >"$WORK/status-$1.json"
}
run_part() { # part command...
  local part=$1; shift
  case ",$PARTS," in *",$part,"*) ;; *) return 0 ;; esac
  local budget=${BUDGET[$part]} left=$((TOTAL - $(elapsed) - 15))
  [ "$budget" -gt "$left" ] && budget=$left
  if [ "$budget" -lt 10 ]; then say "$part: skipped, no time left"; status "$part" 0 0 0 "no time left of the $TOTAL s"; return 0; fi
  say "== $part (time box $budget s)"
  local t0 rc
  t0=$(date +%s)
  timeout --kill-after=10 "$budget" "$@"
  rc=$?
  status "$part" "$rc" $(($(date +%s) - t0)) "$budget"
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && say "$part: stopped by its time box ($budget s)"
  [ "$rc" != 0 ] && say "$part: exit $rc"
  return "$rc"
}
node_part() { run_part "$1" "$NODE" "$KIT/check.mjs" "$1" --work "$WORK" --out "$OUT" ${TINYFLAG[@]+"${TINYFLAG[@]}"}; }

if ! node_part adapter; then
  # Nothing else can run without an adapter: show why, in this same call, and stop.
  say "no usable adapter: the Vulkan loader's view of it follows"
  VK_LOADER_DEBUG=error,warn,driver timeout 30 "$NODE" "$KIT/check.mjs" adapter --work "$WORK/debug" ${TINYFLAG[@]+"${TINYFLAG[@]}"} 2>&1 |
    grep -iE 'error|warn|fail|nvidia|library|loading|found the following|adapter' | awk '!seen[$0]++' | head -n 40
  "$NODE" "$KIT/check.mjs" summary --work "$WORK" --out "$OUT" ${TINYFLAG[@]+"${TINYFLAG[@]}"} >/dev/null
  cat "$WORK/short.md" 2>/dev/null
  exit 1
fi
node_part ops
node_part kernels
node_part e2e
if command -v python3 >/dev/null; then
  export PYTHONUNBUFFERED=1
  run_part torch python3 "$KIT/torch_alexnet.py" --out "$WORK/torch.json" ${TINYFLAG[@]+"${TINYFLAG[@]}"}
else
  status torch 0 0 0 "no python3 on this machine"
fi
node_part compare

"$NODE" "$KIT/check.mjs" summary --work "$WORK" --out "$OUT" ${TINYFLAG[@]+"${TINYFLAG[@]}"} || say "summary failed"
say "done; results in $OUT: $(cd "$OUT" && ls | tr '\n' ' ')"
echo
cat "$WORK/short.md" 2>/dev/null
fails=$(grep -l '"rc":[1-9]' "$WORK"/status-*.json 2>/dev/null | wc -l)
exit $((fails > 0 ? 1 : 0))
