#!/usr/bin/env bash
# The CPU demo: set up, prepare Fashion-MNIST, train BEGAN (~12 minutes on 2 cores), then write sample grids,
# discriminator reconstructions, training curves and an FID/SWD report into the work dir.
#   bash tools/demo.sh                          # the full demo
#   bash tools/demo.sh train_cfg.max_iters=20   # extra --cfg-options for training and evaluation (CI shortens it)
# WORK_DIR overrides the work dir (default: work_dirs/began_demo), DEMO_CONFIG the config (CI: a shortened one).
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${DEMO_CONFIG:-configs/began/began_n32_1xb16-3kiters_fashion-mnist-32x32.py}
WORK=${WORK_DIR:-work_dirs/began_demo}
PY=.venv/bin/python
OPTIONS=()
[ $# -gt 0 ] && OPTIONS=(--cfg-options "$@")

bash tools/setup_env.sh
echo "==> data: Fashion-MNIST -> data/fashion-mnist/train"
"$PY" tools/dataset_converters/prepare_fashion_mnist.py
echo "==> training $CONFIG into $WORK"
start=$(date +%s)
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK" "${OPTIONS[@]}"
train_seconds=$(( $(date +%s) - start ))
echo "==> training took ${train_seconds} s; plotting curves"
"$PY" tools/analysis_tools/plot_curves.py "$WORK"
echo "==> evaluating the untrained generator for comparison and writing the report"
"$PY" tools/analysis_tools/demo_report.py "$CONFIG" "$WORK" --train-seconds "$train_seconds" "${OPTIONS[@]}"
