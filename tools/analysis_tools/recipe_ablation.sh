#!/usr/bin/env bash
# The recipe ablation of configs/began/README.md: 3,000 iterations of the n = 32 baseline per setting, one lever
# changed at a time, seed 2022, scored at the end (FID-1k of the orig generator; class coverage over 2k samples
# of the orig and the EMA generator).
#   bash tools/analysis_tools/recipe_ablation.sh [NAME ...]     # all settings, or the named ones
# Runs go to $ABLATION_DIR (default work_dirs/ablation/<name>), $JOBS at a time (default 1) with
# $THREADS torch threads each (default: cores / JOBS). A setting is --cfg-options for the baseline config, or a
# config of its own (a .py path), optionally followed by --cfg-options for it. A setting whose work dir holds a
# finished run is skipped; tools/analysis_tools/ablation_table.py prints the table. A NAME may end in +seed-N
# (another seed) and then +bf16 or +bf16-emulated (another precision): dcgan-generator+seed-2023+bf16.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=configs/began/ablation/began_n32-ablation-base_1xb16-3kiters_fashion-mnist-32x32.py
RECIPE=configs/began/ablation/began_n32-ablation-dcgan-generator_1xb16-3kiters_fashion-mnist-32x32.py  # batch-norm generator
FINAL=configs/began/ablation/began_n32-ablation-g512-h128_1xb16-3kiters_fashion-mnist-32x32.py  # 512-channel G, Nh 128
OUT=${ABLATION_DIR:-work_dirs/ablation}
JOBS=${JOBS:-1}
THREADS=${THREADS:-$(( $(nproc) / JOBS > 0 ? $(nproc) / JOBS : 1 ))}
PY=.venv/bin/python

declare -A SETTINGS=(
    [baseline]=''
    [init-author]='model.generator.init_cfg=None model.discriminator.init_cfg=None'
    [gamma-0.75]='model.gamma=0.75'
    [gamma-0.5]='model.gamma=0.5'
    [lambda_k-1e-3]='model.lambda_k=0.001'
    [lr-1e-4]='optim_wrapper.generator.optimizer.lr=0.0001 optim_wrapper.discriminator.optimizer.lr=0.0001'
    [no-lr-decay]='configs/began/ablation/began_n32-ablation-no-lr-decay_1xb16-3kiters_fashion-mnist-32x32.py'
    [batch-32]='train_dataloader.batch_size=32'
    [latent-0.1]='model.latent_constraint=0.1'
    [pull-away-0.1]='model.pull_away=0.1'
    [dcgan-generator]="$RECIPE"
    [dcgan-generator+batch-32]="$RECIPE train_dataloader.batch_size=32"
    [dcgan-generator+init-author]="$RECIPE model.discriminator.init_cfg=None"
    [g512-h128]="$FINAL"
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(baseline lambda_k-1e-3 pull-away-0.1 latent-0.1 gamma-0.75 lr-1e-4 init-author
                                 gamma-0.5 batch-32 no-lr-decay dcgan-generator
                                 dcgan-generator+seed-2023 dcgan-generator+batch-32 dcgan-generator+init-author
                                 dcgan-generator+bf16-emulated dcgan-generator+seed-2023+bf16-emulated
                                 dcgan-generator+seed-2024 dcgan-generator+seed-2024+bf16-emulated
                                 dcgan-generator+bf16 dcgan-generator+seed-2023+bf16 dcgan-generator+seed-2024+bf16)

# The setting of NAME: its SETTINGS entry, plus the --cfg-options of a trailing +seed-N and +bf16[-emulated].
setting_of() {
    local name=$1 extra=''
    if [[ $name =~ ^(.+)\+(bf16|bf16-emulated)$ ]]; then
        name=${BASH_REMATCH[1]}; extra="precision=${BASH_REMATCH[2]}"
    fi
    if [[ $name =~ ^(.+)\+seed-([0-9]+)$ ]]; then
        name=${BASH_REMATCH[1]}; extra="randomness.seed=${BASH_REMATCH[2]}${extra:+ $extra}"
    fi
    [ -n "${SETTINGS[$name]+x}" ] || return 1
    local setting=${SETTINGS[$name]}
    echo "${setting}${setting:+${extra:+ }}${extra}"
}

run() {
    local name=$1 work="$OUT/$1"
    if ls "$work"/*/vis_data/scalars.json >/dev/null 2>&1 && grep -q 'coverage-2k/effective_classes' \
            "$work"/*/vis_data/scalars.json; then
        echo "== $name: finished before, skipped"; return
    fi
    local setting config=$BASE
    setting=$(setting_of "$name")
    echo "== $name: ${setting:-(baseline)}"
    if [[ ${setting%% *} == *.py ]]; then config=${setting%% *}; setting=${setting#"$config"}; setting=${setting# }; fi
    # shellcheck disable=SC2086
    OMP_NUM_THREADS=$THREADS $PY tools/train.py "$config" --work-dir "$work" \
        ${setting:+--cfg-options $setting} > "$work.log" 2>&1 \
        && echo "== $name: done" || echo "== $name: FAILED, see $work.log"
}

mkdir -p "$OUT"
for name in "${names[@]}"; do
    setting_of "$name" >/dev/null || { echo "unknown setting $name (known: ${!SETTINGS[*]}, each optionally" \
        "followed by +seed-N and +bf16 or +bf16-emulated)" >&2; exit 2; }
done
for name in "${names[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    run "$name" &
done
wait
