"""Train a model from an mmagic-style config, like mmagic's tools/train.py (BEGAN or any mmagic model).

    python tools/train.py configs/began_celeba.py [--work-dir DIR] [--resume [CKPT]] [--amp]
                                                   [--cfg-options k=v ...] [--launcher pytorch]
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmagic.utils import print_colored_log  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

from mmbegan.engine.hooks.preemption_hook import PREEMPTED_EXIT_CODE, PreemptionHook  # noqa: E402
from mmbegan.utils import init_cpu_distributed  # noqa: E402
from mmbegan.utils.cli import add_common_args, check_data_roots, check_work_dir, enable_amp, load_config  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from the latest checkpoint in the work dir, or from the given checkpoint')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: fp16 AMP on CUDA, bf16 autocast on CPU')
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args)
    check_work_dir(cfg.work_dir)
    check_data_roots(cfg)
    if args.amp:
        print_colored_log(f'mixed precision: {enable_amp(cfg)}')
    if args.resume == 'auto':
        cfg.resume = True
    elif args.resume:
        cfg.resume, cfg.load_from = True, args.resume
    init_cpu_distributed(args.launcher)
    runner = Runner.from_cfg(cfg)
    print_colored_log(f'Working directory: {cfg.work_dir}')
    print_colored_log(f'Log directory: {runner._log_dir}')
    runner.train()
    print_colored_log(f'Log saved under {runner._log_dir}')
    print_colored_log(f'Checkpoint saved under {cfg.work_dir}')
    if any(isinstance(hook, PreemptionHook) and hook.preempted for hook in runner.hooks):
        sys.exit(PREEMPTED_EXIT_CODE)


if __name__ == '__main__':
    main()
