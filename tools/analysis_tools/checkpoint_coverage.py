"""Class coverage of saved checkpoints, e.g. every checkpoint of a run, to see whether a generator keeps its modes.

    python tools/analysis_tools/checkpoint_coverage.py CONFIG CKPT [CKPT ...] [--num 2000] [--seed 0] [--classifier F]

For each checkpoint and each of its generators (orig, and EMA when the model has one), ``--num`` samples from
z ~ U(−1, 1) (the same noise for every checkpoint: ``--seed``) are classified by the coverage classifier (default:
the shipped Fashion-MNIST one); prints the effective classes exp(H) and every class's share.
"""
import argparse

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import torch
from mmagic.apis.inferencers.inference_functions import init_model

from mmbegan.evaluation.coverage_classifier import DEFAULT_CLASSIFIER, effective_classes, load_classifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoints', nargs='+')
    parser.add_argument('--num', type=int, default=2000, help='samples per generator')
    parser.add_argument('--seed', type=int, default=0, help='seed of the noise (the same for every checkpoint)')
    parser.add_argument('--classifier', default=DEFAULT_CLASSIFIER)
    args = parser.parse_args()
    if args.num < 1:
        parser.error(f'--num must be >= 1, got {args.num}')
    classifier, meta = load_classifier(args.classifier)
    names = meta['class_names']
    print('checkpoint | generator | effective classes | ' + ' | '.join(names))
    for path in args.checkpoints:
        model = init_model(args.config, path, device='cpu')
        generators = ['generator'] + (['generator_ema'] if model.with_ema_gen else [])
        for name in generators:
            noise = torch.rand(args.num, model.noise_size, generator=torch.Generator().manual_seed(args.seed)) * 2 - 1
            with torch.no_grad():
                images = model.data_preprocessor.destruct(getattr(model, name)(noise))
            counts = torch.bincount(classifier.predict(images.round().clamp(0, 255)), minlength=len(names))
            shares = (counts.double() / counts.sum()).tolist()
            print(f'{path} | {name} | {effective_classes(counts):.2f} | ' + ' | '.join(f'{s:.3f}' for s in shares))


if __name__ == '__main__':
    main()
