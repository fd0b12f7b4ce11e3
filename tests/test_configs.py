"""Every shipped config parses, builds its model, and the mixing configs train a few iterations."""
import glob
import os.path as osp

import pytest
import torch
from mmagic.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tests.helpers import REPO, tiny_cfg, write_images

CONFIGS = sorted(p for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'), recursive=True)
                 if '_base_' not in p)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert 'mmbegan' in cfg.custom_imports['imports']
    assert cfg.default_hooks.param_scheduler.type == 'ResumableParamSchedulerHook'
    init_default_scope('mmagic')
    model = MODELS.build(cfg.model)
    assert model.noise_size == cfg.model.generator.noise_size
    if cfg.model.type == 'BEGAN':
        assert any(h['type'] == 'BEGANEquilibriumHook' for h in cfg.custom_hooks)
        root = cfg.train_dataloader.dataset.data_root
        assert root.startswith('data/'), 'default data roots point where the prepare tools write'


def test_paper_config_keeps_the_paper_setup():
    cfg = Config.fromfile(osp.join(REPO, 'configs/began/began_1xb16-200kiters_celeba-cropped-64x64.py'))
    m = cfg.model
    assert (m.gamma, m.lambda_k, m.k_init, m.recon_norm) == (0.5, 1e-3, 0.0, 'l1')
    assert m.generator.noise_size == m.discriminator.embedding_size == 64
    assert m.generator.output_scale == 64 and cfg.train_dataloader.batch_size == 16
    assert cfg.train_dataloader.dataset.data_root == 'data/celeba-cropped/64x64'
    assert cfg.optim_wrapper.generator.optimizer.type == 'Adam'


def test_began_celeba_is_the_recipe_and_the_fashion_configs_share_it():
    short = Config.fromfile(osp.join(REPO, 'configs/began_celeba.py'))
    fashion = Config.fromfile(osp.join(REPO, 'configs/began/began_n32_1xb16-20kiters_fashion-mnist-32x32.py'))
    demo = Config.fromfile(osp.join(REPO, 'configs/began/began_n32_1xb16-3kiters_fashion-mnist-32x32.py'))
    wide = Config.fromfile(osp.join(REPO, 'configs/began/began_n32-g512_1xb16-25kiters_fashion-mnist-32x32.py'))
    wide_d = Config.fromfile(osp.join(REPO, 'configs/began/began_n64_1xb16-20kiters_fashion-mnist-32x32.py'))
    batch32 = Config.fromfile(osp.join(REPO, 'configs/began/began_n48-g512-h128_1xb32-20kiters_fashion-mnist-32x32.py'))
    for cfg in (short, fashion, demo, wide, wide_d, batch32):
        m = cfg.model
        assert (m.gamma, m.lambda_k, m.discriminator.init_cfg.type, m.ema_config.momentum) == (1.0, 0.02, 'Kaiming',
                                                                                                  1e-3)
        assert m.generator.type == 'DCGANGenerator'
        assert cfg.optim_wrapper.generator.optimizer.lr == 3e-4
        assert all(metric.sample_model == 'ema' for metric in cfg.test_evaluator.metrics)
        assert any(hook['type'] == 'EMABatchNormHook' for hook in cfg.custom_hooks)
    assert short.train_dataloader.dataset.data_root == 'data/celeba-cropped/64x64'
    assert wide.model.generator.base_channels == 512
    assert wide_d.model.discriminator.base_channels == 64
    assert (batch32.train_dataloader.batch_size, batch32.train_cfg.max_iters) == (32, 20000)
    assert (batch32.model.discriminator.base_channels, batch32.model.discriminator.embedding_size) == (48, 128)
    assert batch32.model.generator.base_channels == 512 and batch32.randomness.seed == 2022
    for cfg in (wide, wide_d, batch32):
        assert not any(hook['type'] == 'MGlobalPlateauHook' for hook in cfg.custom_hooks)
    assert batch32.param_scheduler == dict(type='MultiStepLR', by_epoch=False, milestones=[15000], gamma=0.5)
    assert all(cfg.get('param_scheduler') is None for cfg in (short, fashion, demo, wide, wide_d))


def test_demo_init_lets_samples_depend_on_z():
    """The demo's generator: before any training, different z already give different images.

    With BEGAN's generator under PyTorch's default init the per-pixel spread over z is ≈ 0.004 and every tuning run
    collapsed to footwear.
    """
    cfg = Config.fromfile(osp.join(REPO, 'configs/began/began_n32_1xb16-3kiters_fashion-mnist-32x32.py'))
    init_default_scope('mmagic')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    with torch.no_grad():
        samples = model.generator(model.noise_fn(num_batches=64))
    assert samples.std(dim=0).mean() > 0.05


@pytest.mark.integration
@pytest.mark.parametrize('name', [
    'mixing/began_dcgan-generator_1xb16-200kiters_celeba-cropped-64x64.py',
    'mixing/lsgan_began-generator_1xb16-200kiters_celeba-cropped-64x64.py',
])
def test_mixing_configs_train(name, tmp_path):
    data = write_images(tmp_path / 'data', 8, 64, channels=3)
    cfg = tiny_cfg(osp.join(REPO, 'configs', name), tmp_path / 'work', data, max_iters=2, width=16,
                   image_shape=(3, 64, 64), began=name.startswith('mixing/began'))
    runner = Runner.from_cfg(cfg)
    before = {k: v.clone() for k, v in runner.model.generator.state_dict().items()}
    runner.train()
    after = runner.model.generator.state_dict()
    assert any(not torch.equal(before[k], after[k]) for k in before if after[k].is_floating_point())
    assert osp.isfile(tmp_path / 'work' / 'iter_2.pth')


def test_model_zoo_metafile_points_at_existing_configs():
    import yaml
    index = yaml.safe_load(open(osp.join(REPO, 'model-index.yml')))
    for metafile in index['Import']:
        meta = yaml.safe_load(open(osp.join(REPO, metafile)))
        assert meta['Collections'][0]['Name'] == 'BEGAN'
        for model in meta['Models']:
            assert osp.isfile(osp.join(REPO, model['Config'])), model['Config']
