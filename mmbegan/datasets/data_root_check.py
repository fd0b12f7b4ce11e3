"""A check that a config's image folders exist and hold images, before any work is done."""
import os
import os.path as osp

from mmengine.config import Config

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


def check_data_roots(cfg: Config, loaders=('train_dataloader',)) -> None:
    """Fail before any work when an image folder of the config is missing or holds no images."""
    for key in loaders:
        dataset = (cfg.get(key) or {}).get('dataset')
        if not dataset or dataset.get('data_root') is None:
            continue
        folder = osp.normpath(osp.join(dataset.data_root, (dataset.get('data_prefix') or {}).get('gt', '')))
        hint = ('prepare the data (tools/dataset_converters/prepare_celeba.py or prepare_fashion_mnist.py) or pass '
                f'--cfg-options {key}.dataset.data_root=DIR')
        if not osp.isdir(folder):
            raise FileNotFoundError(f'{key}: data folder {folder} does not exist; {hint}')
        has_image = any(name.lower().endswith(IMAGE_SUFFIXES) for _, _, files in os.walk(folder) for name in files)
        if not has_image:
            raise FileNotFoundError(f'{key}: data folder {folder} holds no images ({", ".join(IMAGE_SUFFIXES)}); '
                                    f'{hint}')
