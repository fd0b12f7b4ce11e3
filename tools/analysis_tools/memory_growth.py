"""Resident memory of a BEGAN training run over its iterations: does it grow once training is under way?

    python tools/analysis_tools/memory_growth.py [--iters 5000] [--points 1000 2000 3000 4000 5000]
        [--size 16] [--width 8] [--batch-size 16] [--workers 2] [--max-growth 5] [--work-dir DIR]

Trains, in this process, the configs' runtime (configs/_base_/began_runtime.py: its train loop, hooks, logging and
checkpoint hook, checkpoints every 1,000 iterations) with a small BEGAN (``--size`` px grayscale, ``--width``
channels) on random images (mmbegan/datasets/random_images.py), and at each of ``--points`` prints the RSS of the
training process (from /proc, so mmengine's message-hub history buffers and everything else are included), the
summed RSS of its loader workers and the number of values the message hub's history holds. The growth in % is
taken from the first to the last point; the exit code is 1 when it exceeds ``--max-growth``.
"""
import argparse
import os
import os.path as osp
import tempfile
from typing import List

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

from mmbegan.datasets import write_random_images

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MIB = 1024 * 1024
CONFIG = """_base_ = [{model!r}, {runtime!r}]
model = dict(
    data_preprocessor=dict(mean=[127.5], std=[127.5]),
    generator=dict(output_scale={size}, out_channels=1, base_channels={width}),
    discriminator=dict(input_scale={size}, in_channels=1, base_channels={width}))
optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))),
    discriminator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))))
train_dataloader = dict(
    batch_size={batch_size}, num_workers={workers}, persistent_workers={workers} > 0,
    sampler=dict(type='ResumableInfiniteSampler', shuffle=True),
    dataset=dict(type='BasicImageDataset', data_root={data_root!r}, data_prefix=dict(gt=''),
                 pipeline=[dict(type='LoadImageFromFile', key='gt', color_type='grayscale'), dict(type='PackInputs')]))
train_cfg = dict(max_iters={iters}, val_interval=10 ** 9)
val_cfg = val_dataloader = val_evaluator = None
test_cfg = test_dataloader = test_evaluator = None
default_hooks = dict(checkpoint=dict(interval=1000, max_keep_ckpts=2))
randomness = dict(seed=0)
"""


def rss_bytes(pid: int) -> int:
    """Resident set size of process ``pid`` (VmRSS)."""
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def child_pids() -> List[int]:
    """The processes this one started (the loader workers)."""
    pids = []
    for task in os.listdir('/proc/self/task'):
        with open(f'/proc/self/task/{task}/children') as f:
            pids += [int(pid) for pid in f.read().split()]
    return pids


class MemoryProbe(Hook):
    """At the given iterations, note the RSS of the process and of its workers, and the hub's history length."""

    priority = 'LOWEST'

    def __init__(self, points: List[int]) -> None:
        self.points = set(points)
        self.rows = []

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 not in self.points:
            return
        history = sum(len(buffer.data[0]) for buffer in runner.message_hub.log_scalars.values())
        row = (runner.iter + 1, rss_bytes(os.getpid()), sum(rss_bytes(pid) for pid in child_pids()), history)
        self.rows.append(row)
        print(f'{row[0]:>9} {row[1] / MIB:>12.1f} {row[2] / MIB:>14.1f} {row[3]:>15}', flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--iters', type=int, default=5000)
    parser.add_argument('--points', type=int, nargs='+', default=[1000, 2000, 3000, 4000, 5000])
    parser.add_argument('--size', type=int, default=16, help='image size (px)')
    parser.add_argument('--width', type=int, default=8, help='base channels n of G and D')
    parser.add_argument('--batch-size', type=int, default=16)
    parser.add_argument('--workers', type=int, default=2, help='loader workers (persistent)')
    parser.add_argument('--images', type=int, default=512, help='random training images')
    parser.add_argument('--max-growth', type=float, default=5.0, help='allowed growth from first to last point, %%')
    parser.add_argument('--work-dir', help='folder for data, logs and checkpoints (default: a temporary one)')
    args = parser.parse_args()
    if not args.points or max(args.points) > args.iters:
        parser.error('--points must be iterations within --iters')

    with tempfile.TemporaryDirectory() as tmp:
        root = args.work_dir or tmp
        data_root = write_random_images(osp.join(root, 'images'), args.images, args.size, channels=1)
        config = osp.join(root, 'memory_growth_config.py')
        with open(config, 'w') as f:
            f.write(CONFIG.format(model=osp.join(REPO, 'configs/_base_/models/began_64x64.py'),
                                  runtime=osp.join(REPO, 'configs/_base_/began_runtime.py'), data_root=data_root,
                                  **{key: getattr(args, key) for key in ('size', 'width', 'batch_size', 'workers',
                                                                         'iters')}))
        cfg = Config.fromfile(config)
        cfg.work_dir = osp.join(root, 'work')
        runner = Runner.from_cfg(cfg)
        probe = MemoryProbe(args.points)
        runner.register_hook(probe)
        print(f'{"iteration":>9} {"RSS (MiB)":>12} {"workers (MiB)":>14} {"history values":>15}', flush=True)
        runner.train()

    (first, first_rss, _, _), (last, last_rss, _, _) = probe.rows[0], probe.rows[-1]
    growth = 100 * (last_rss - first_rss) / first_rss
    print(f'RSS growth from iteration {first} to {last}: {growth:+.2f} % '
          f'({(last_rss - first_rss) / MIB:+.1f} MiB; limit {args.max_growth} %)')
    return int(growth > args.max_growth)


if __name__ == '__main__':
    raise SystemExit(main())
