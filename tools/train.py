"""Train a model from an mmagic-style config, like mmagic's tools/train.py (BEGAN or any mmagic model).

    python tools/train.py configs/began_celeba.py [--work-dir DIR] [--resume [CKPT]] [--precision P | --amp]
                                                   [--cfg-options k=v ...] [--launcher pytorch]
"""
import argparse
import sys

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmbegan.apis import add_common_args, check_work_dir, choose_start, load_config_from_args
from mmbegan.datasets import check_data_roots
from mmbegan.engine import end_launched_rank, init_cpu_distributed, set_precision
from mmbegan.engine.hooks.preemption_hook import PREEMPTED_BARRIER_TIMEOUT, PREEMPTED_EXIT_CODE, PreemptionHook
from mmbegan.engine.optimizers import PRECISIONS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from the latest checkpoint in the work dir, or from the given checkpoint')
    precision = parser.add_mutually_exclusive_group()
    precision.add_argument('--precision', choices=PRECISIONS,
                           help="training precision (default: the config's `precision`, else fp32): auto = bf16 AMP "
                                'on CUDA (fp16 on GPUs without bf16), bf16 autocast on a CPU with native bf16, fp32 '
                                'elsewhere; bf16-emulated = '
                                "bf16's numbers from fp32 kernels (to check bf16's effect where it is not native)")
    precision.add_argument('--amp', action='store_const', const='amp', dest='precision',
                           help='mixed precision: fp16 AMP on CUDA, bf16 autocast on CPU')
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config_from_args(args)
    check_work_dir(cfg.work_dir)
    check_data_roots(cfg)
    try:  # an impossible precision or a broken checkpoint is refused before anything is built
        precision_line = set_precision(cfg, args.precision or cfg.get('precision', 'fp32'))
        start = choose_start(cfg, args.resume)
    except (ValueError, RuntimeError) as err:
        sys.exit(str(err))
    init_cpu_distributed(args.launcher)
    runner = Runner.from_cfg(cfg)
    print_log(start, logger='current')
    print_log(precision_line, logger='current')
    print_log(f'Working directory: {cfg.work_dir}')
    print_log(f'Log directory: {runner._log_dir}')
    runner.train()
    print_log(f'Log saved under {runner._log_dir}')
    print_log(f'Checkpoint saved under {cfg.work_dir}')
    preempted = any(isinstance(hook, PreemptionHook) and hook.preempted for hook in runner.hooks)
    code = PREEMPTED_EXIT_CODE if preempted else 0
    del runner
    # the ranks agreed on the stop and are all here; the bound covers a peer the scheduler killed meanwhile
    end_launched_rank(code, timeout=PREEMPTED_BARRIER_TIMEOUT if preempted else None)
    sys.exit(code)


if __name__ == '__main__':
    main()
