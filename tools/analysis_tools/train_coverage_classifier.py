"""Train the classifier that the ``ClassCoverage`` metric uses to count which classes a generator produces.

    python tools/analysis_tools/train_coverage_classifier.py --fashion-mnist [DIR] --out CLS.pth
    python tools/analysis_tools/train_coverage_classifier.py --folder ROOT --channels 3 --out CLS.pth

``--fashion-mnist`` reads the IDX files (default: Debian's dataset-fashion-mnist), trains on the 60k training
images and reports accuracy on the 10k test images. ``--folder`` takes one subfolder per class (its name is the
class name) and holds out ``--val-fraction`` of every class for the reported accuracy. Images are classified as
the generative model sees them: give ``--pad`` to pad them as the training pipeline does (Fashion-MNIST's
configs pad 28 px by 2 px to 32 px, the default for ``--fashion-mnist``). The printed effective classes of the
held-out real images is what a perfectly diverse generator would score.
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np
import torch
from torch.nn import functional as F

from mmbegan.datasets.fashion_mnist import CLASS_NAMES, DEBIAN_DIR, read_split
from mmbegan.evaluation.coverage_classifier import effective_classes, save_classifier, train_classifier

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp')


def read_folder(root: str, channels: int):
    """Images (N×C×H×W uint8), labels and class names of a folder with one subfolder per class."""
    if not osp.isdir(root):
        raise FileNotFoundError(f'--folder {root} is not a directory')
    class_names = sorted(d for d in os.listdir(root) if osp.isdir(osp.join(root, d)))
    if len(class_names) < 2:
        raise ValueError(f'--folder {root} needs one subfolder per class, found {len(class_names)}')
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    images, labels = [], []
    for label, name in enumerate(class_names):
        files = sorted(f for f in os.listdir(osp.join(root, name)) if f.lower().endswith(IMAGE_SUFFIXES))
        if not files:
            raise ValueError(f'class folder {osp.join(root, name)} holds no images')
        for file in files:
            path = osp.join(root, name, file)
            image = cv2.imread(path, flag)
            if image is None:
                raise ValueError(f'cannot read image {path}')
            if images and image.shape != images[0].shape:
                raise ValueError(f'{path} has shape {image.shape}, the first image {images[0].shape}: prepare the '
                                 'folder at the size the model is trained on')
            images.append(image)
            labels.append(label)
    array = np.stack(images).reshape(len(images), *images[0].shape[:2], channels).transpose(0, 3, 1, 2)
    return torch.from_numpy(np.ascontiguousarray(array)), torch.tensor(labels), class_names


def split_per_class(labels: torch.Tensor, fraction: float, seed: int):
    """Indices of a training and a held-out part with ``fraction`` of every class held out (at least one)."""
    generator = torch.Generator().manual_seed(seed)
    train, held_out = [], []
    for label in labels.unique():
        members = (labels == label).nonzero().flatten()
        members = members[torch.randperm(len(members), generator=generator)]
        cut = max(1, round(fraction * len(members)))
        held_out.append(members[:cut])
        train.append(members[cut:])
    return torch.cat(train), torch.cat(held_out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--fashion-mnist', nargs='?', const=DEBIAN_DIR, metavar='DIR',
                        help='folder of the Fashion-MNIST IDX files (default: %(const)s)')
    source.add_argument('--folder', help='labelled images: ROOT/<class name>/<image>')
    parser.add_argument('--out', required=True, help='classifier file to write (never overwritten)')
    parser.add_argument('--channels', type=int, choices=[1, 3], default=1, help='for --folder: 1 grey, 3 colour')
    parser.add_argument('--pad', type=int, help='pixels of zero padding per side (default: 2 for Fashion-MNIST, 0)')
    parser.add_argument('--val-fraction', type=float, default=0.1, help='for --folder: held-out share per class')
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--batch-size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=3e-3)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if osp.exists(args.out):
        parser.error(f'--out {args.out} exists; remove it or choose another path (nothing was overwritten)')
    if args.fashion_mnist:
        train_images, train_labels = (torch.from_numpy(a.copy()) for a in read_split(args.fashion_mnist, 'train'))
        test_images, test_labels = (torch.from_numpy(a.copy()) for a in read_split(args.fashion_mnist, 'test'))
        train_images, test_images = train_images[:, None], test_images[:, None]
        class_names, pad, source = list(CLASS_NAMES), 2 if args.pad is None else args.pad, 'Fashion-MNIST'
    else:
        if not 0 < args.val_fraction < 1:
            parser.error(f'--val-fraction must be in (0, 1), got {args.val_fraction}')
        images, labels, class_names = read_folder(args.folder, args.channels)
        train_idx, test_idx = split_per_class(labels, args.val_fraction, args.seed)
        train_images, train_labels = images[train_idx], labels[train_idx]
        test_images, test_labels = images[test_idx], labels[test_idx]
        pad, source = args.pad or 0, osp.abspath(args.folder)
    train_images, test_images = (F.pad(x, (pad,) * 4) for x in (train_images, test_images))
    print(f'{source}: {len(train_images)} training and {len(test_images)} held-out images of shape '
          f'{tuple(train_images.shape[1:])}, {len(class_names)} classes')
    model = train_classifier(train_images, train_labels, len(class_names), epochs=args.epochs,
                             batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    predicted = model.predict(test_images)
    accuracy = (predicted == test_labels).float().mean().item()
    for label, name in enumerate(class_names):
        members = test_labels == label
        print(f'  {name:>20}: accuracy {(predicted[members] == label).float().mean().item():.3f}')
    counts = torch.bincount(predicted, minlength=len(class_names))
    smallest = counts.min().item() / len(predicted)
    print(f'held-out accuracy {accuracy:.4f}; effective classes of the held-out real images '
          f'{effective_classes(counts):.3f} of {len(class_names)} (smallest share {smallest:.3f})')
    save_classifier(args.out, model, class_names, accuracy, tuple(train_images.shape[1:]), source)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
