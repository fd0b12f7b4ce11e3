"""Config handling shared by the command-line tools (tools/train.py, tools/test.py, ...)."""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The options every mmagic tool takes: --work-dir, --cfg-options, --launcher, --local-rank."""
    parser.add_argument('--work-dir', help='the directory to save logs and models')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Read the config, apply --cfg-options and --launcher, and choose the work dir as mmagic does
    (CLI > config > ./work_dirs/<config name>)."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config file not found: {args.config}')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    return cfg


def check_work_dir(work_dir: str) -> None:
    """Fail before any training when the work dir cannot be created or written."""
    target = osp.abspath(work_dir)
    existing = target
    while not osp.exists(existing):
        existing = osp.dirname(existing)
    if not osp.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f'work dir {target} is not writable (checked {existing}); '
                              'pass a writable --work-dir')


IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def check_data_roots(cfg: Config, loaders=('train_dataloader',)) -> None:
    """Fail before any work when an image folder of the config is missing or holds no images."""
    for key in loaders:
        dataset = (cfg.get(key) or {}).get('dataset')
        if not dataset or dataset.get('data_root') is None:
            continue
        folder = osp.normpath(osp.join(dataset.data_root, (dataset.get('data_prefix') or {}).get('gt', '')))
        hint = (f'prepare the data (tools/prepare_celeba.py, tools/prepare_fashion_mnist.py) or pass '
                f'--cfg-options {key}.dataset.data_root=DIR')
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{key}: data folder {folder} does not exist; {hint}')
        has_image = any(name.lower().endswith(IMAGE_SUFFIXES) for _, _, files in os.walk(folder) for name in files)
        if not has_image:
            raise FileNotFoundError(f'{key}: data folder {folder} holds no images ({", ".join(IMAGE_SUFFIXES)}); '
                                    f'{hint}')


def enable_amp(cfg: Config) -> str:
    """Switch every optimizer wrapper of ``cfg`` to mixed precision; returns the kind chosen.

    On CUDA this is mmengine's ``AmpOptimWrapper`` (fp16 with dynamic loss scaling); on CPU it is
    :class:`~mmbegan.engine.BF16AutocastOptimWrapper`, or a clear error where bf16 is not supported.
    """
    from mmbegan.engine.optimizers import cpu_bf16_supported
    if torch.cuda.is_available():
        new_type, extra, kind = 'AmpOptimWrapper', dict(loss_scale='dynamic'), 'cuda fp16'
    elif cpu_bf16_supported():
        new_type, extra, kind = 'BF16AutocastOptimWrapper', {}, 'cpu bf16'
    else:
        raise RuntimeError('--amp: no CUDA device and bf16 autocast does not work on this CPU; '
                           'train without --amp')
    wrappers = [cfg.optim_wrapper] if 'optimizer' in cfg.optim_wrapper else [
        value for value in cfg.optim_wrapper.values() if isinstance(value, dict)]
    for wrapper in wrappers:
        if wrapper.get('type', 'OptimWrapper') not in ('OptimWrapper', new_type):
            raise ValueError(f'--amp needs OptimWrapper, the config uses {wrapper["type"]}')
        wrapper['type'] = new_type
        wrapper.update(extra)
    return kind
