#!/usr/bin/env bash
# Distributed training with torchrun, like mmagic's tools/dist_train.sh:
#   bash tools/dist_train.sh CONFIG NUM_PROCESSES [train.py options]
# Multi-node: run it on every node with the same NNODES, MASTER_ADDR (the first node's address) and PORT; node
# ranks are assigned when the nodes meet (torchrun's c10d rendezvous). Without CUDA it runs on CPU with gloo.
# Elastic restart: when a worker fails, torchrun stops the others and restarts all of them, up to MAX_RESTARTS
# times (default 3; 0 turns restarting off). A restarted attempt resumes from the newest complete checkpoint this
# job has written (tools/train.py logs which one), or, before the first checkpoint, starts as the first attempt did.
# Every attempt gets a fresh rendezvous store (TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1): with the store shared across
# attempts, restarted workers can read their predecessors' addresses and fail to connect.
# torchrun runs in place of this script (exec), so a SIGTERM sent to it (pre-emption) reaches the workers, which
# save a checkpoint within TORCH_ELASTIC_SHUTDOWN_TIMEOUT (default 30 s) and exit with 143.
set -euo pipefail
CONFIG=$1
NPROC=$2
NNODES=${NNODES:-1}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
MAX_RESTARTS=${MAX_RESTARTS:-3}
# the repository's .venv (tools/setup_env.sh) when there is one, else python from PATH; PYTHON overrides both
VENV_PYTHON="$(dirname "$0")/../.venv/bin/python"
[ -x "$VENV_PYTHON" ] && DEFAULT_PYTHON=$VENV_PYTHON || DEFAULT_PYTHON=python
PYTHON=${PYTHON:-$DEFAULT_PYTHON}

export PYTHONPATH="$(dirname "$0")/..":${PYTHONPATH:-}
export TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --nproc_per_node="$NPROC" \
    --rdzv_backend=c10d \
    --rdzv_endpoint="$MASTER_ADDR:$PORT" \
    --rdzv_id="mmbegan-$PORT" \
    --max_restarts="$MAX_RESTARTS" \
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
