#!/usr/bin/env bash
# The GPU rows of the README's Performance section in one go: the 64 px n = 64 CelebA config at batch 16 and 64 in
# fp32, bf16 and fp16 mixed precision, and the 128 px n = 128 config at batch 16 in fp32 and bf16, each through
# benchmark.py (random images where the config's data folder is missing).
#   bash tools/analysis_tools/gpu_benchmark.sh OUT_DIR [benchmark.py options, e.g. --iters 30 --repeats 2]
# Writes OUT_DIR/<row>.json and <row>.log for every row, and OUT_DIR/summary.txt with each row's main figures; a row
# that fails is marked there and the others still run (exit status 1 at the end).
# PYTHON (default: the repository's .venv, else python3) runs it; WORKERS (default 8) data-loader processes.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
OUT=$1
shift
cd "$(dirname "$0")/../.."
VENV_PYTHON=.venv/bin/python
[ -x "$VENV_PYTHON" ] && DEFAULT_PYTHON=$VENV_PYTHON || DEFAULT_PYTHON=python3
PYTHON=${PYTHON:-$DEFAULT_PYTHON}
"$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else "gpu_benchmark.sh: torch sees no CUDA device")'
C64=configs/began/began_1xb16-200kiters_celeba-cropped-64x64.py
C128=configs/began/began_n128_1xb16-200kiters_celeba-cropped-128x128.py
ROWS=(  # name config batch precision
    "64px-n64-b16-fp32 $C64 16 fp32" "64px-n64-b16-bf16 $C64 16 bf16" "64px-n64-b16-fp16 $C64 16 fp16"
    "64px-n64-b64-fp32 $C64 64 fp32" "64px-n64-b64-bf16 $C64 64 bf16" "64px-n64-b64-fp16 $C64 64 fp16"
    "128px-n128-b16-fp32 $C128 16 fp32" "128px-n128-b16-bf16 $C128 16 bf16")
# the lines of benchmark.py's report that summary.txt keeps
LINES='^(machine:|precision:|runner \(img/s\)|bare loop \(img/s\)|runner / fp32 bare|bare / conv fwd\+bwd peak|data loader alone|runner data wait|data preprocessor)'
mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
: > "$SUMMARY"
FAILED=0
for row in "${ROWS[@]}"; do
    read -r name config batch precision <<< "$row"
    echo "== $name" | tee -a "$SUMMARY"
    if "$PYTHON" tools/analysis_tools/benchmark.py "$config" --precision "$precision" --out "$OUT/$name.json" \
        --work-dir "$OUT/work-$name" --cfg-options train_dataloader.batch_size="$batch" \
        train_dataloader.num_workers="${WORKERS:-8}" "$@" > "$OUT/$name.log" 2>&1; then
        grep -E "$LINES" "$OUT/$name.log" >> "$SUMMARY"
    else
        echo "FAILED: see $OUT/$name.log" | tee -a "$SUMMARY"
        tail -n 5 "$OUT/$name.log"
        FAILED=$((FAILED + 1))
    fi
done
cat "$SUMMARY"
[ "$FAILED" = 0 ] || { echo "$FAILED of ${#ROWS[@]} rows failed" >&2; exit 1; }
