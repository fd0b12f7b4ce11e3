"""Reading a config as mmagic's tools do, for this project's command-line tools (tools/train.py, tools/test.py,
...)."""
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config, DictAction


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """The options every mmagic tool takes: --work-dir, --cfg-options, --launcher, --local-rank."""
    parser.add_argument('--work-dir', help='the directory to save logs and models')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override settings of the config, key=value pairs, e.g. train_cfg.max_iters=10')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'], default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(config: str, cfg_options: Optional[dict] = None, work_dir: Optional[str] = None,
                launcher: str = 'none') -> Config:
    """Read ``config``, apply ``cfg_options`` (``--cfg-options``) and the launcher, and choose the work dir as
    mmagic does (``work_dir`` > the config's > ./work_dirs/<config name>)."""
    if not osp.isfile(config):
        raise FileNotFoundError(f'config file not found: {config}')
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(config))[0])
    return cfg


def load_config_from_args(args: argparse.Namespace) -> Config:
    """:func:`load_config` from the options of :func:`add_common_args` (also exporting ``LOCAL_RANK``)."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return load_config(args.config, args.cfg_options, args.work_dir, args.launcher)


def check_work_dir(work_dir: str) -> None:
    """Fail before any training when the work dir cannot be created or written."""
    target = osp.abspath(work_dir)
    existing = target
    while not osp.exists(existing):
        existing = osp.dirname(existing)
    if not osp.isdir(existing) or not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(f'work dir {target} is not writable (checked {existing}); '
                              'pass a writable --work-dir')
