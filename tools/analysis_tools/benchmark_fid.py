"""Time the FID Inception's feature extraction on this machine and check that the fast path changes no FID.

    python tools/analysis_tools/benchmark_fid.py [--images 1000] [--batch-size 50] [--threads N]

Features of Fashion-MNIST test images (28 px, grey to 3 channels, bilinear to 299, as in Lucic et al.'s
protocol) are extracted with the plain TorchScript Inception and with ``OfflineFID``'s CPU fast path (frozen
graph, oneDNN layout, channels-last input); optionally with bf16 autocast. Prints ms per image for each, and the
FID between the first and second half of the images computed from each path's features (the fast path must
agree to 1e-3 relative).
"""
import argparse
import time

import numpy as np
import torch
from mmagic.evaluation.metrics import FrechetInceptionDistance

from mmbegan.datasets.fashion_mnist import DEBIAN_DIR, read_split
from mmbegan.evaluation.offline_fid import fast_cpu_inception
from mmbegan.evaluation.offline_inception import offline_inception_path


def features(network, images: torch.Tensor, batch_size: int, bf16: bool = False):
    """Features of uint8 N×3×H×W images and the seconds it took (after one warm-up batch)."""
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        network(images[:batch_size], return_features=True)
        start = time.perf_counter()
        feats = torch.cat([network(chunk, return_features=True).float() for chunk in images.split(batch_size)])
    return feats, time.perf_counter() - start


def fid_between_halves(feats: torch.Tensor) -> float:
    """FID between the features of the first and the second half of the images."""
    a, b = (x.double().numpy() for x in feats.chunk(2))
    return FrechetInceptionDistance._calc_fid(a.mean(0), np.cov(a, rowvar=False), b.mean(0),
                                              np.cov(b, rowvar=False))[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--images', type=int, default=1000)
    parser.add_argument('--batch-size', type=int, default=50)
    parser.add_argument('--threads', type=int, default=torch.get_num_threads())
    parser.add_argument('--bf16', action='store_true', help='also time bf16 autocast on the fast path')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    images, _ = read_split(DEBIAN_DIR, 'test')
    images = torch.from_numpy(images[:args.images].copy())[:, None].expand(-1, 3, -1, -1).contiguous()
    plain = torch.jit.load(offline_inception_path(), map_location='cpu').eval()
    paths = [('plain TorchScript fp32', plain, False), ('fast path fp32', fast_cpu_inception(plain), False)]
    if args.bf16:
        paths.append(('fast path bf16 autocast', paths[1][1], True))
    print(f'{args.images} Fashion-MNIST test images, batch {args.batch_size}, {args.threads} threads, '
          f'torch {torch.__version__}')
    reference = None
    for name, network, bf16 in paths:
        feats, seconds = features(network, images, args.batch_size, bf16)
        fid = fid_between_halves(feats)
        reference = reference if reference is not None else (seconds, fid)
        print(f'{name:>24}: {1000 * seconds / len(images):7.1f} ms/image ({reference[0] / seconds:.2f}× plain), '
              f'FID(half, half) {fid:.4f} (relative change {abs(fid - reference[1]) / reference[1]:.1e})')


if __name__ == '__main__':
    main()
