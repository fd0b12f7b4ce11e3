"""Bad input gets a clear error that names the problem before work is lost."""
import io
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmbegan.datasets import check_data_roots
from tests.helpers import FASHION_CFG, tiny_cfg, write_images


def loader_cfg(root):
    return Config(dict(train_dataloader=dict(dataset=dict(data_root=str(root), data_prefix=dict(gt='')))))


def test_missing_and_empty_data_root(tmp_path):
    with pytest.raises(FileNotFoundError, match=r'data folder .*nowhere does not exist; prepare the data'):
        check_data_roots(loader_cfg(tmp_path / 'nowhere'))
    (tmp_path / 'empty').mkdir()
    (tmp_path / 'empty' / 'notes.txt').write_text('not an image')
    with pytest.raises(FileNotFoundError, match='holds no images'):
        check_data_roots(loader_cfg(tmp_path / 'empty'))
    check_data_roots(loader_cfg(write_images(tmp_path / 'ok', 1, 8)))


def train(cfg):
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


@pytest.mark.integration
def test_corrupt_image_is_named(tmp_path, image_folder):
    with open(os.path.join(image_folder, '0003.png'), 'wb') as f:
        f.write(b'not a png')
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, max_iters=8, batch_size=8)
    with pytest.raises(ValueError, match=r'cannot decode image .*0003\.png'):
        train(cfg)


@pytest.mark.integration
def test_channels_that_do_not_match_the_model(tmp_path):
    data = write_images(tmp_path / 'rgb', 8, 28, channels=3)
    pipeline = ("[dict(type='CheckedLoadImageFromFile', key='gt'), "
                "dict(type='NumpyPad', keys='gt', padding=((2, 2), (2, 2), (0, 0))), dict(type='PackInputs')]")
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', data, pipeline=pipeline)
    with pytest.raises(ValueError, match=r'real images have shape \(3, 32, 32\).*generator makes \(1, 32, 32\)'):
        train(cfg)


@pytest.mark.integration
def test_image_size_the_architecture_cannot_take(tmp_path, image_folder):
    pipeline = "[dict(type='CheckedLoadImageFromFile', key='gt', color_type='grayscale'), dict(type='PackInputs')]"
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, pipeline=pipeline)
    with pytest.raises(ValueError, match=r'real images have shape \(1, 28, 28\).*\(1, 32, 32\)'):
        train(cfg)


@pytest.mark.integration
def test_began_config_without_equilibrium_hook(tmp_path, image_folder):
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder, began=False)
    with pytest.raises(RuntimeError, match='without BEGANEquilibriumHook'):
        train(cfg)
    assert not (tmp_path / 'work' / 'iter_1.pth').exists()


@pytest.mark.integration
def test_checkpoint_of_another_architecture(tmp_path, image_folder):
    train(tiny_cfg(FASHION_CFG, tmp_path / 'small', image_folder, max_iters=2))
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'wide', image_folder, width=8)
    cfg.load_from = str(tmp_path / 'small' / 'iter_2.pth')
    with pytest.raises(ValueError, match=r'does not match the model(.|\n)*checkpoint \(4, 4, 3, 3\), model \(8, 8'):
        train(cfg)


class Payload:
    def __reduce__(self):
        return (os.system, ('touch pwned',))


@pytest.mark.integration
def test_checkpoint_with_unexpected_global_is_refused_not_executed(tmp_path, image_folder):
    buf = io.BytesIO()
    torch.save({'state_dict': {}, 'meta': Payload()}, buf)
    (tmp_path / 'evil.pth').write_bytes(buf.getvalue())
    cfg = tiny_cfg(FASHION_CFG, tmp_path / 'work', image_folder)
    cfg.load_from = str(tmp_path / 'evil.pth')
    os.chdir(tmp_path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        train(cfg)
    assert not (tmp_path / 'pwned').exists()


def test_numpy_state_in_checkpoints_still_loads():
    buf = io.BytesIO()
    torch.save({'rng': np.random.get_state(), 'x': np.float64(1.5)}, buf)
    buf.seek(0)
    assert torch.load(buf)['x'] == 1.5
