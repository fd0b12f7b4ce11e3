"""A small image classifier for measuring which classes a generator covers, with its training and file format.

The classifier sees images as the generative model does (same size, channels and padding) in mmagic's
[0, 255] layout (BGR for colour), so generated samples need no conversion. Its file is a plain dict that
``torch.load(..., weights_only=True)`` reads: ``state_dict`` plus ``meta`` (class names, input shape, accuracy).
"""
import math
import os
import os.path as osp
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch
from torch import Tensor, nn
from torch.nn import functional as F

DEFAULT_CLASSIFIER = osp.join(osp.dirname(osp.abspath(__file__)), 'classifiers', 'fashion_mnist_32x32.pth')


class CoverageClassifier(nn.Module):
    """Three stages of two 3×3 conv–BN–ReLU layers and a 2× max-pool, then a global average pool and a linear
    head. About 70k parameters at ``width`` 16 (0.3 MB): small enough to ship.

    Args:
        num_classes (int): number of classes.
        in_channels (int): 1 (grayscale) or 3 (BGR).
        width (int): channels of the first stage; the next two have 2× and 4×.
    """

    def __init__(self, num_classes: int, in_channels: int = 1, width: int = 16):
        super().__init__()
        layers, channels = [], in_channels
        for out_channels in (width, 2 * width, 4 * width):
            for _ in range(2):
                layers += [nn.Conv2d(channels, out_channels, 3, padding=1, bias=False),
                           nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]
                channels = out_channels
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(channels, num_classes)

    def forward(self, images: Tensor) -> Tensor:
        """Class logits of N×C×H×W images with values in [0, 255]."""
        features = self.features(images.float() / 127.5 - 1)
        return self.head(features.mean(dim=(2, 3)))

    @torch.no_grad()
    def predict(self, images: Tensor, batch_size: int = 500) -> Tensor:
        """Predicted class index of each image (evaluation mode, in batches)."""
        self.eval()
        return torch.cat([self(chunk).argmax(dim=1) for chunk in images.split(batch_size)])


def effective_classes(counts: Tensor) -> float:
    """exp(H) of the class histogram ``counts``: 1 for a single class, the number of classes when uniform."""
    shares = counts.double() / counts.sum()
    shares = shares[shares > 0]
    return math.exp(-(shares * shares.log()).sum().item())


def augment(images: Tensor, generator: torch.Generator, shift: int = 2) -> Tensor:
    """Random horizontal flips and translations by up to ``shift`` pixels (zero fill), per image."""
    flip = torch.rand(len(images), generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(3), images)
    padded = F.pad(images, (shift,) * 4)
    num, size = len(images), images.shape[-1]
    rows, cols = (torch.arange(size) + torch.randint(0, 2 * shift + 1, (num, 1), generator=generator)
                  for _ in range(2))
    shifted = padded[torch.arange(num)[:, None, None], :, rows[:, :, None], cols[:, None, :]]
    return shifted.permute(0, 3, 1, 2)


def train_classifier(images: Tensor, labels: Tensor, num_classes: int, epochs: int = 5, batch_size: int = 128,
                     lr: float = 3e-3, seed: int = 0, width: int = 16,
                     log: Optional[Callable[[str], None]] = print) -> CoverageClassifier:
    """Train a :class:`CoverageClassifier` on uint8 N×C×H×W ``images`` with integer ``labels``: Adam with a
    one-cycle learning rate, flips and small shifts as augmentation."""
    if images.ndim != 4 or len(images) != len(labels):
        raise ValueError(f'expected N×C×H×W images and N labels, got {tuple(images.shape)} and {len(labels)}')
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = CoverageClassifier(num_classes, images.shape[1], width)
    steps = epochs * math.ceil(len(images) / batch_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        total = 0.0
        for batch in order.split(batch_size):
            loss = F.cross_entropy(model(augment(images[batch].float(), generator)), labels[batch].long())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(batch)
        if log:
            log(f'epoch {epoch + 1}/{epochs}: training loss {total / len(images):.4f}')
    return model.eval()


def save_classifier(path: str, model: CoverageClassifier, class_names: Sequence[str], accuracy: float,
                    image_shape: Tuple[int, int, int], source: str) -> None:
    """Write the classifier and what it was trained on; refuses to replace an existing file."""
    if osp.exists(path):
        raise FileExistsError(f'{path} exists; remove it or choose another --out (nothing was overwritten)')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    meta = dict(class_names=list(class_names), image_shape=list(image_shape), accuracy=float(accuracy),
                width=model.head.in_features // 4, source=source)
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path + '.part')
    os.replace(path + '.part', path)


def load_classifier(path: str = DEFAULT_CLASSIFIER) -> Tuple[CoverageClassifier, Dict]:
    """The classifier in ``path`` (in evaluation mode) and its ``meta`` dict."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'coverage classifier {path} not found; train one with '
                                'tools/analysis_tools/train_coverage_classifier.py')
    try:
        saved = torch.load(path, map_location='cpu', weights_only=True)
        meta = saved['meta']
        model = CoverageClassifier(len(meta['class_names']), meta['image_shape'][0], meta['width'])
        model.load_state_dict(saved['state_dict'])
    except Exception as err:
        raise ValueError(f'{path} is not a coverage classifier written by mmbegan ({err})') from err
    return model.eval(), meta
