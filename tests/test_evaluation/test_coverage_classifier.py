"""The coverage classifier: effective classes, training on separable data, its file, and the shipped weights."""
import os.path as osp

import pytest
import torch

from mmbegan.datasets.fashion_mnist import DEBIAN_DIR, read_split
from mmbegan.evaluation.coverage_classifier import (
    DEFAULT_CLASSIFIER,
    effective_classes,
    load_classifier,
    save_classifier,
    train_classifier,
)


def test_effective_classes_by_hand():
    assert effective_classes(torch.tensor([7, 0, 0])) == pytest.approx(1.0)
    assert effective_classes(torch.tensor([5, 5])) == pytest.approx(2.0)
    assert effective_classes(torch.tensor([3, 3, 3, 3])) == pytest.approx(4.0)
    # shares 3/4, 1/4: H = −(0.75 ln 0.75 + 0.25 ln 0.25) = 0.5623, exp(H) = 1.7548
    assert effective_classes(torch.tensor([3, 1])) == pytest.approx(1.7548, abs=1e-4)


def bars(num_per_class: int, size: int = 16, seed: int = 0):
    """Three classes of noisy images: a bright row band, a bright column band, or a bright centre square."""
    rng = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 60, (3 * num_per_class, 1, size, size), generator=rng)
    images[:num_per_class, :, 4:8, :] += 180
    images[num_per_class:2 * num_per_class, :, :, 4:8] += 180
    images[2 * num_per_class:, :, 5:11, 5:11] += 180
    return images.clamp(0, 255).to(torch.uint8), torch.arange(3).repeat_interleave(num_per_class)


def test_classifier_learns_separable_classes_and_round_trips(tmp_path):
    images, labels = bars(40)
    model = train_classifier(images, labels, 3, epochs=4, batch_size=20, log=None)
    test_images, test_labels = bars(20, seed=1)
    assert (model.predict(test_images) == test_labels).float().mean() > 0.95
    path = str(tmp_path / 'cls.pth')
    save_classifier(path, model, ['rows', 'columns', 'square'], 1.0, (1, 16, 16), 'bars')
    loaded, meta = load_classifier(path)
    assert meta['class_names'] == ['rows', 'columns', 'square'] and meta['image_shape'] == [1, 16, 16]
    assert torch.equal(loaded.predict(test_images), model.predict(test_images))
    with pytest.raises(FileExistsError, match='nothing was overwritten'):
        save_classifier(path, model, ['rows', 'columns', 'square'], 1.0, (1, 16, 16), 'bars')


def test_load_classifier_names_missing_and_foreign_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='train_coverage_classifier'):
        load_classifier(str(tmp_path / 'none.pth'))
    foreign = tmp_path / 'foreign.pth'
    torch.save({'weights': torch.zeros(2)}, foreign)
    with pytest.raises(ValueError, match='not a coverage classifier'):
        load_classifier(str(foreign))


def test_shipped_classifier_is_small_and_accurate_on_the_fashion_mnist_test_split():
    """The requirement: < 1 MB and ≥ 90 % on the 10k test images as the 32 px model sees them (padded by 2)."""
    assert osp.getsize(DEFAULT_CLASSIFIER) < 1 << 20
    model, meta = load_classifier()
    assert meta['image_shape'] == [1, 32, 32] and len(meta['class_names']) == 10
    images, labels = read_split(DEBIAN_DIR, 'test')
    images = torch.nn.functional.pad(torch.from_numpy(images.copy())[:, None], (2, 2, 2, 2))
    predicted = model.predict(images)
    assert (predicted == torch.from_numpy(labels.copy()).long()).float().mean() >= 0.90
    assert effective_classes(torch.bincount(predicted, minlength=10)) > 9.9
