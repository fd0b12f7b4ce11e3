"""Shared helpers: tiny image folders and shrunken versions of the project's real configs."""
import os
import os.path as osp
import sys
import uuid

import torch
from mmengine.config import Config

from mmbegan.datasets.random_images import write_random_images

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
FASHION_CFG = osp.join(REPO, 'configs/began/began_n32_1xb16-20kiters_fashion-mnist-32x32.py')
CELEBA_CFG = osp.join(REPO, 'configs/began_celeba.py')
PYTHON = sys.executable  # the subprocesses' interpreter: the one running the tests


write_images = write_random_images  # the name the tests use


def runner_device() -> str:
    """The device mmengine's runner trains on here: the GPU where torch sees one."""
    return 'cuda' if torch.cuda.is_available() else 'cpu'


BEGAN_HOOKS = ("dict(type='BEGANEquilibriumHook'), dict(type='MGlobalPlateauHook', window=2, patience=1), "
               "dict(type='BEGANReconstructionHook', interval={interval}, n_samples=2),")


def tiny_config_file(folder, base_config: str, data_root: str, max_iters: int = 4, batch_size: int = 4,
                     width: int = 4, image_shape=(1, 32, 32), began: bool = True, vis_interval: int = 0,
                     pipeline: str = '', extra: str = '') -> str:
    """Write a config inheriting ``base_config`` shrunk to a seconds-long CPU run on ``data_root``.

    Grids are written every ``vis_interval`` iterations (default: at the end); ``image_shape`` is the (C, H, W)
    the test metric expects; ``began=False`` leaves out BEGAN's hooks (for other mmagic models); ``pipeline``
    (config code) replaces the data pipeline; ``extra`` is appended as config code (later assignments win).
    Returns the file path.
    """
    vis_interval = vis_interval or max_iters
    pipeline_arg = ', pipeline=' + pipeline if pipeline else ''
    loader = (f"dict(batch_size={batch_size}, num_workers=0, persistent_workers=False, "
              f"dataset=dict(data_root={str(data_root)!r}, data_prefix=dict(gt=''){pipeline_arg}))")
    text = f"""_base_ = [{base_config!r}]
model = dict(generator=dict(base_channels={width}), discriminator=dict(base_channels={width}))
train_dataloader = {loader}
test_dataloader = {loader}
train_cfg = dict(max_iters={max_iters}, val_interval=10 ** 6)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_evaluator = dict(metrics=[dict(type='SWD', prefix='swd', fake_nums=8, sample_model='orig',
                                    image_shape={tuple(image_shape)!r})])
default_hooks = dict(checkpoint=dict(interval={max(1, max_iters // 2)}, backend_args=dict(backend='atomic_local')),
                     logger=dict(interval=1))
custom_hooks = [
    {BEGAN_HOOKS.format(interval=vis_interval) if began else ''}
    dict(type='ResumableVisualizationHook', interval={vis_interval}, fixed_input=True, n_samples=4,
         vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]
randomness = dict(seed=0, diff_rank_seed=True)
"""
    os.makedirs(str(folder), exist_ok=True)
    path = osp.join(str(folder), f'tiny_{uuid.uuid4().hex[:8]}.py')
    with open(path, 'w') as f:
        f.write(text + extra)
    return path


def tiny_cfg(config: str, work_dir, data_root: str, **kwargs) -> Config:
    """Load a shrunk version of one of the project's configs with a unique experiment name."""
    cfg = Config.fromfile(tiny_config_file(osp.join(str(work_dir), '..', 'cfgs'), config, data_root, **kwargs))
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'test-{uuid.uuid4().hex[:8]}'
    return cfg
