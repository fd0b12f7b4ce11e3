"""How much of a Fashion-MNIST FID the generator's class shares alone account for: real training images drawn
with those shares, scored against the 10k test images with Lucic et al.'s protocol (28 px, fp32 Inception), next
to as many training images drawn uniformly. The difference is the FID cost of the class imbalance; what the
generator scores above the class-matched real images comes from within the classes.

    python tools/analysis_tools/class_share_fid.py --shares-from WORK_DIR/TIMESTAMP/TIMESTAMP.json
    python tools/analysis_tools/class_share_fid.py --shares 0.11 0.14 0.12 0.12 0.09 0.07 0.10 0.11 0.03 0.11
        [--src DIR] [--num-train 10000] [--draws 3] [--seed 0] [--resize pytorch|tf1] [--cache FEATURES.npz]

``--shares-from`` reads the ``…/share_<i>_<class>`` values that ``ClassCoverage`` wrote into a ``tools/test.py``
(or ``time_to_quality.py``) metrics JSON; ``--shares`` takes the ten values in Fashion-MNIST's class order. The
count of each draw is the largest the first ``--num-train`` training images can fill at those shares without
repeating an image (about 7k of 10k for a 14 % class), so both draws are scored at that count; FIDs at other
counts are not comparable. Inception features of the real images take about 25 minutes on 2 CPU cores;
``--cache`` keeps them in a file for the next call (a cache made with other options is refused, not replaced).
"""
import argparse
import json
import os.path as osp
import re
from typing import Dict, Tuple

import numpy as np
import torch

from mmbegan.datasets.fashion_mnist import CLASS_NAMES, DEBIAN_DIR, read_split
from mmbegan.evaluation import OfflineFID
from mmbegan.evaluation.fid_inception import RESIZES

SHARE_KEY = re.compile(r'(?:^|/)share_(\d+)_')


def shares_from_metrics(path: str) -> np.ndarray:
    """The class shares ``ClassCoverage`` wrote into the metrics JSON at ``path``, in class order."""
    with open(path) as f:
        metrics = json.load(f)
    found = {int(m.group(1)): value for key, value in metrics.items() if (m := SHARE_KEY.search(key))}
    if sorted(found) != list(range(len(CLASS_NAMES))):
        raise ValueError(f'{path} holds class shares for classes {sorted(found)}, expected one for each of the '
                         f'{len(CLASS_NAMES)} Fashion-MNIST classes (a ClassCoverage metric in the test evaluator)')
    return np.array([found[i] for i in range(len(CLASS_NAMES))], dtype=np.float64)


def normalised(shares) -> np.ndarray:
    """``shares`` scaled to sum to 1, or an error naming what is wrong with them."""
    shares = np.asarray(shares, dtype=np.float64)
    if shares.shape != (len(CLASS_NAMES), ):
        raise ValueError(f'expected {len(CLASS_NAMES)} class shares, got {shares.size}')
    if (shares < 0).any() or not np.isfinite(shares).all() or shares.sum() <= 0:
        raise ValueError(f'class shares must be finite, non-negative and not all 0, got {shares.tolist()}')
    return shares / shares.sum()


def matched_count(labels: np.ndarray, shares: np.ndarray) -> int:
    """The largest number of images that ``labels``' class pools fill at ``shares`` without repeats."""
    pools = np.bincount(labels, minlength=len(shares))
    return int(min(pool / share for pool, share in zip(pools, shares) if share > 0))


def draw(labels: np.ndarray, shares: np.ndarray, count: int,
         rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """Indices of ``count`` images drawn uniformly and of about ``count`` drawn with ``shares`` (each class
    rounded down), both without repeats."""
    uniform = rng.choice(len(labels), count, replace=False)
    per_class = np.floor(shares * count + 1e-9).astype(int)  # 3/11 of 220 is 59.999… in floating point
    matched = np.concatenate([rng.choice(np.flatnonzero(labels == c), k, replace=False)
                              for c, k in enumerate(per_class)])
    return uniform, matched


def inception_features(metric: OfflineFID, images: np.ndarray, batch_size: int = 100) -> np.ndarray:
    """Inception features of N×28×28 uint8 images, as ``OfflineFID`` computes them."""
    feats = []
    for start in range(0, len(images), batch_size):
        batch = torch.from_numpy(np.ascontiguousarray(images[start:start + batch_size]))[:, None]
        with torch.no_grad():
            feats.append(metric.forward_inception(batch).float().numpy())
    return np.concatenate(feats)


def real_features(args: argparse.Namespace) -> Dict[str, np.ndarray]:
    """Test and training features with training labels, from ``--cache`` when it was made with these options."""
    options = dict(src=osp.abspath(args.src), num_train=args.num_train, resize=args.resize)
    if args.cache and osp.exists(args.cache):
        cached = np.load(args.cache)
        made_with = json.loads(str(cached['options']))
        if made_with != options:
            raise ValueError(f'--cache {args.cache} was made with {made_with}, not {options}: name another file')
        return dict(cached)
    test_images, _ = read_split(args.src, 'test')
    train_images, train_labels = read_split(args.src, 'train')
    if args.num_train > len(train_images):
        raise ValueError(f'--num-train {args.num_train} exceeds the {len(train_images)} training images in {args.src}')
    metric = OfflineFID(fake_nums=len(test_images), resize=args.resize)
    features = dict(test=inception_features(metric, test_images),
                    train=inception_features(metric, train_images[:args.num_train]),
                    train_labels=train_labels[:args.num_train], options=json.dumps(options))
    if args.cache:
        np.savez(args.cache, **features)
    return features


def statistics(features: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of Inception features, in float64 as FID needs them."""
    features = features.astype(np.float64)
    return features.mean(0), np.cov(features, rowvar=False)


def fid(features: np.ndarray, reference: Tuple[np.ndarray, np.ndarray]) -> Tuple[float, float, float]:
    """FID, mean term and covariance term of ``features`` against the reference mean and covariance."""
    return OfflineFID._calc_fid(*statistics(features), *reference)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--shares-from', metavar='JSON', help='metrics JSON with ClassCoverage shares')
    source.add_argument('--shares', type=float, nargs='+', help='ten class shares in Fashion-MNIST order')
    parser.add_argument('--src', default=DEBIAN_DIR, help="Fashion-MNIST's IDX files (default: %(default)s)")
    parser.add_argument('--num-train', type=int, default=10000,
                        help='training images the draws come from (default: %(default)s)')
    parser.add_argument('--draws', type=int, default=3, help='pairs of draws (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--resize', choices=RESIZES, default='pytorch',
                        help='how images are resized to 299 px (default: %(default)s)')
    parser.add_argument('--cache', help='.npz file keeping the real images\' features between calls')
    args = parser.parse_args()
    try:
        args.shares = normalised(shares_from_metrics(args.shares_from) if args.shares_from else args.shares)
    except (OSError, ValueError) as error:
        parser.error(str(error))
    if args.num_train < len(CLASS_NAMES) or args.draws < 1:
        parser.error(f'--num-train must be at least {len(CLASS_NAMES)} and --draws at least 1, got '
                     f'{args.num_train} and {args.draws}')
    if args.cache and not args.cache.endswith('.npz'):
        parser.error(f'--cache must name a .npz file, got {args.cache}')
    return args


def main() -> None:
    args = parse_args()
    features = real_features(args)
    reference = statistics(features['test'])
    num_test = len(features['test'])
    labels = features['train_labels']
    count = matched_count(labels, args.shares)
    print('class shares: ' + ', '.join(f'{name} {share:.3f}' for name, share in zip(CLASS_NAMES, args.shares)))
    print(f'{count} training images per draw (of the first {len(labels)}) against {num_test} test images, '
          f'{args.resize} resize')
    rng = np.random.default_rng(args.seed)
    costs = []
    for index in range(args.draws):
        uniform, matched = (fid(features['train'][idx], reference) for idx in draw(labels, args.shares, count, rng))
        costs.append(matched[0] - uniform[0])
        print(f'draw {index}: uniform FID {uniform[0]:.2f} ({uniform[1]:.2f} + {uniform[2]:.2f}), with the shares '
              f'{matched[0]:.2f} ({matched[1]:.2f} + {matched[2]:.2f})', flush=True)
    print(f'FID cost of the class shares: {np.mean(costs):.2f} (draws {min(costs):.2f} to {max(costs):.2f})')


if __name__ == '__main__':
    main()
