"""Evaluate a checkpoint with the config's test metrics, like mmagic's tools/test.py.

    python tools/test.py CONFIG CHECKPOINT [--out metrics.json] [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import sys

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import mmengine
from mmengine.dist import is_main_process
from mmengine.logging import print_log
from mmengine.runner import Runner

from mmbegan.apis import add_common_args, check_work_dir, load_config_from_args, run_test
from mmbegan.datasets import check_data_roots
from mmbegan.engine import check_checkpoint_file, end_launched_rank, init_cpu_distributed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='write the metrics to this JSON/YAML file')
    add_common_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    try:
        check_checkpoint_file(args.checkpoint, 'checkpoint')
    except ValueError as err:
        sys.exit(str(err))
    cfg = load_config_from_args(args)
    check_work_dir(cfg.work_dir)
    check_data_roots(cfg, ('test_dataloader',))
    cfg.load_from = args.checkpoint
    init_cpu_distributed(args.launcher)
    runner = Runner.from_cfg(cfg)
    print_log(f'Working directory: {cfg.work_dir}')
    metrics = run_test(runner)
    if is_main_process():
        print_log(f'Metrics: {metrics}')
        if args.out:
            mmengine.dump(metrics, args.out)
    del runner
    end_launched_rank(0)


if __name__ == '__main__':
    main()
