"""BatchedDataPreprocessor returns what mmagic's DataPreprocessor returns, on batches of the configs' pipelines."""
import copy

import pytest
import torch
from mmagic.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

from tests.helpers import CELEBA_CFG, FASHION_CFG, write_images


def batch_of(config: str, folder: str) -> dict:
    """Eight samples of ``config``'s training pipeline on ``folder``, collated as the data loader does."""
    init_default_scope('mmagic')  # the pipelines' transforms are found through mmagic's registries
    dataset_cfg = Config.fromfile(config).train_dataloader.dataset
    dataset_cfg.update(data_root=folder, data_prefix=dict(gt=''))
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate([dataset[i] for i in range(8)])


def assert_same_output(expected: dict, actual: dict) -> None:
    assert torch.equal(expected['inputs'], actual['inputs']) if torch.is_tensor(expected['inputs']) else (
        expected['inputs'] == actual['inputs'])
    want, got = expected['data_samples'], actual['data_samples']
    assert want.keys() == got.keys()
    for key in want.keys():
        assert torch.equal(want.get(key), got.get(key)), key
    assert want.metainfo.keys() == got.metainfo.keys()
    for key, values in want.metainfo.items():
        assert len(values) == len(got.metainfo[key]) == 8, key
        for value, other in zip(values, got.metainfo[key]):
            assert torch.equal(value, other) if torch.is_tensor(value) else value == other, key


@pytest.mark.parametrize('config, channels, size, preprocessor', [
    (FASHION_CFG, 1, 28, dict(mean=[127.5], std=[127.5])),
    (CELEBA_CFG, 3, 64, dict()),
    (CELEBA_CFG, 3, 64, dict(output_channel_order='RGB', mean=[100, 110, 120], std=[50, 60, 70])),
], ids=['fashion-mnist', 'celeba', 'celeba-rgb'])
@pytest.mark.parametrize('training', [True, False], ids=['train', 'test'])
def test_same_output_as_mmagic(tmp_path, config, channels, size, preprocessor, training):
    folder = write_images(tmp_path / 'imgs', 8, size, channels=channels)
    data = batch_of(config, folder)
    mmagic_version = MODELS.build(dict(type='DataPreprocessor', **preprocessor))
    batched = MODELS.build(dict(type='BatchedDataPreprocessor', **preprocessor))
    expected, actual = mmagic_version(copy.deepcopy(data), training), batched(copy.deepcopy(data), training)
    if training:
        assert actual['data_samples'].gt_img.dtype == torch.float32 and actual['data_samples'].gt_img.shape[0] == 8
    assert_same_output(expected, actual)


def test_samples_missing_a_key_are_left_to_mmagic(tmp_path):
    """mmagic warns and skips such samples' keys; the batched path does not guess and hands the batch back."""
    folder = write_images(tmp_path / 'imgs', 8, 28, channels=1)
    data = batch_of(FASHION_CFG, folder)
    batched = MODELS.build(dict(type='BatchedDataPreprocessor', mean=[127.5], std=[127.5],
                                data_keys=['gt_img', 'img']))
    reference = MODELS.build(dict(type='DataPreprocessor', mean=[127.5], std=[127.5], data_keys=['gt_img', 'img']))
    assert_same_output(reference(copy.deepcopy(data), True), batched(copy.deepcopy(data), True))
