#!/usr/bin/env bash
# Builds an mmcv 2.1.0 wheel with compiled ops for the Python and torch that PYTHON runs (mmagic imports mmcv.ops,
# and no prebuilt 2.1.0 wheel matches recent torch). Used by tools/setup_env.sh and tools/offline_stack.sh.
#   bash tools/build_mmcv.sh SDIST.tar.gz WHEEL_DIR   # PYTHON (default python3), MAX_JOBS, MMCV_WITH_CUDA=1
# CPU ops by default, with the GPUs hidden from the build so that mmcv's setup.py does not switch to CUDA ops.
set -euo pipefail
SDIST=$1
WHEEL_DIR=$2
PYTHON=${PYTHON:-python3}
[ -f "$SDIST" ] || { echo "build_mmcv.sh: no mmcv source archive at $SDIST" >&2; exit 1; }
BUILD="$(mktemp -d -t mmcv-build.XXXXXX)"
trap 'rm -rf "$BUILD"' EXIT
tar -xzf "$SDIST" -C "$BUILD"
SRC="$(find "$BUILD" -mindepth 1 -maxdepth 1 -type d -name 'mmcv-*')"
# torch 2.14 headers require C++20; mmcv 2.1.0's setup.py asks for C++17.
sed -i "s/'-std=c++17'/'-std=c++20'/g" "$SRC/setup.py"
grep -q -- "-std=c++20" "$SRC/setup.py"
mkdir -p "$WHEEL_DIR"
LOG="$WHEEL_DIR/mmcv-build.log"
echo "compiling mmcv ops (77 files on CPU: about 15-30 minutes on 2 cores); [done/77] lines show progress (log: $LOG)"
if [ "${MMCV_WITH_CUDA:-0}" = 1 ]; then HIDE_GPUS=(); else HIDE_GPUS=(env CUDA_VISIBLE_DEVICES=); fi
MMCV_WITH_OPS=1 MAX_JOBS="${MAX_JOBS:-$(nproc)}" FORCE_CUDA="${MMCV_WITH_CUDA:-0}" \
    "${HIDE_GPUS[@]}" "$PYTHON" -m pip wheel -v --no-build-isolation --no-deps -w "$WHEEL_DIR" "$SRC" 2>&1 \
    | tee "$LOG" | grep --line-buffered -E '^ *\[[0-9]+/[0-9]+\]|Successfully|ERROR|error:' | cut -c1-160
ls "$WHEEL_DIR"/mmcv-*.whl
