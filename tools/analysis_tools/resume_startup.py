"""Seconds from the start of a resumed run to the end of its first trained iteration, at several resume iterations:
the configs' ResumableIterBasedTrainLoop + ResumableInfiniteSampler (the data position is set, nothing is
replayed) against mmengine's IterBasedTrainLoop + InfiniteSampler (every consumed batch is loaded again).

    python tools/analysis_tools/resume_startup.py [CONFIG] [--iters 0 1000 10000] [--loops new old] [--work-dir DIR]

One checkpoint of CONFIG is trained (1 iteration; a ``base/iter_1.pth`` in ``--work-dir`` is reused) and copied
with its iteration and data position set to each of ``--iters`` (world size 1). Each (loop, iteration) then
resumes in a fresh process and trains one iteration; it reports the seconds from its launch (imports, config,
runner, checkpoint, loader workers included) and from its ``runner.train()`` call to the end of that iteration.
Validation and checkpoints are off in the timed runs.
CONFIG's training data must be prepared (default: the Fashion-MNIST demo config, ``data/fashion-mnist``).
"""
import argparse
import json
import os.path as osp
import subprocess
import sys
import tempfile
import time

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmbegan.apis import load_config
from mmbegan.datasets import check_data_roots
from mmbegan.engine.runner.resumable_iter_loop import DATA_POSITION_KEY

DEFAULT_CONFIG = 'configs/began/began_n32_1xb16-3kiters_fashion-mnist-32x32.py'
LOOPS = dict(new=('ResumableIterBasedTrainLoop', 'ResumableInfiniteSampler'),
             old=('IterBasedTrainLoop', 'InfiniteSampler'))
RESULT = 'RESULT '


class FirstIterationTimer(Hook):
    """Note the time at the end of the first trained iteration (before any other hook's work of that step)."""

    priority = 'HIGHEST'

    def __init__(self) -> None:
        self.done = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self.done is None:
            self.done = time.time()


def training_cfg(config: str, work_dir: str, max_iters: int, loop: str) -> Config:
    """CONFIG with ``loop``'s train loop and sampler, ``max_iters``, and no validation or checkpoint of its own."""
    cfg = load_config(config, work_dir=work_dir)
    loop_type, sampler = LOOPS[loop]
    cfg.train_cfg = dict(type=loop_type, max_iters=max_iters, val_interval=10 ** 9)
    cfg.train_dataloader.sampler = dict(type=sampler, shuffle=True)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=10 ** 9, save_last=False)
    return cfg


def train_one_checkpoint(args) -> None:
    """(child) Train one iteration of CONFIG and save ``iter_1.pth`` in the work dir."""
    cfg = training_cfg(args.config, args.work_dir, 1, 'new')
    cfg.default_hooks.checkpoint.interval = 1
    Runner.from_cfg(cfg).train()


def time_resume(args) -> None:
    """(child) Resume ``--checkpoint`` (of ``--iteration``) for one iteration with ``--loop``; print the seconds
    to its end."""
    cfg = training_cfg(args.config, args.work_dir, args.iteration + 1, args.loop)
    cfg.resume, cfg.load_from = True, args.checkpoint
    runner = Runner.from_cfg(cfg)
    timer = FirstIterationTimer()
    runner.register_hook(timer)
    train_called = time.time()
    runner.train()
    print(RESULT + json.dumps(dict(launch=timer.done - args.launched, train_call=timer.done - train_called)))


def checkpoint_at(base: str, iteration: int, batch_size: int, folder: str) -> str:
    """A copy of ``base`` that says it was written after ``iteration`` iterations of ``batch_size`` (1 rank)."""
    ckpt = torch.load(base, map_location='cpu')
    ckpt['meta']['iter'] = iteration
    info = ckpt['message_hub']['runtime_info']
    info['iter'] = iteration
    info[DATA_POSITION_KEY] = dict(info[DATA_POSITION_KEY], position=iteration * batch_size)
    path = osp.join(folder, f'iter_{iteration}.pth')
    torch.save(ckpt, path)
    return path


def child(args, *extra: str) -> subprocess.CompletedProcess:
    """Run this script in a fresh process; fail with its output's tail if it fails."""
    command = [sys.executable, __file__, args.config, '--work-dir', args.work_dir, *extra]
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f'{" ".join(command)} failed:\n{(proc.stdout + proc.stderr)[-3000:]}')
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', default=DEFAULT_CONFIG)
    parser.add_argument('--iters', type=int, nargs='+', default=[0, 1000, 10000], help='resume iterations')
    parser.add_argument('--loops', nargs='+', choices=sorted(LOOPS), default=['new', 'old'])
    parser.add_argument('--work-dir', help='folder for the checkpoints and runs (default: a temporary one)')
    parser.add_argument('--train-one', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--checkpoint', help=argparse.SUPPRESS)
    parser.add_argument('--iteration', type=int, help=argparse.SUPPRESS)
    parser.add_argument('--loop', choices=sorted(LOOPS), help=argparse.SUPPRESS)
    parser.add_argument('--launched', type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.train_one:
        return train_one_checkpoint(args)
    if args.checkpoint:
        return time_resume(args)

    cfg = load_config(args.config)
    check_data_roots(cfg)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.work_dir or tmp
        args.work_dir = osp.join(root, 'base')
        base = osp.join(args.work_dir, 'iter_1.pth')
        if not osp.isfile(base):
            child(args, '--train-one')
        print(f'{"loop":>4} {"resume at":>9} {"launch→1st iter (s)":>20} {"train()→1st iter (s)":>21}', flush=True)
        for iteration in args.iters:
            ckpt = checkpoint_at(base, iteration, cfg.train_dataloader.batch_size, root)
            for loop in args.loops:
                args.work_dir = osp.join(root, f'{loop}_{iteration}')
                proc = child(args, '--checkpoint', ckpt, '--iteration', str(iteration), '--loop', loop,
                             '--launched', str(time.time()))
                result = json.loads(proc.stdout.split(RESULT)[-1].splitlines()[0])
                print(f'{loop:>4} {iteration:>9} {result["launch"]:>20.2f} {result["train_call"]:>21.2f}', flush=True)


if __name__ == '__main__':
    main()
