"""Make a release file of a training checkpoint: the model's weights (G, D, EMA generator, k_t) and its meta.

    python tools/model_converters/publish_model.py IN.pth OUT.pth

Optimizer states, the message hub and hook states are dropped: a release is for sampling, testing and fine-tuning
(``load_from``), not for ``--resume``. As with mmagic's publish_model, OUT's name gets ``-<sha256[:8]>`` before
its suffix; an existing file is never overwritten.
"""
import argparse
import hashlib
import io
import os
import os.path as osp

import torch

import mmbegan  # noqa: F401  allow-lists the globals of mmengine checkpoints for weights-only loading

KEPT_KEYS = ('meta', 'state_dict')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('checkpoint', help='a training checkpoint (iter_N.pth)')
    parser.add_argument('out', help='release file name; -<sha256[:8]> is inserted before its suffix')
    args = parser.parse_args()
    checkpoint = torch.load(args.checkpoint, map_location='cpu', weights_only=True)
    missing = [key for key in KEPT_KEYS if key not in checkpoint]
    if missing:
        raise SystemExit(f'{args.checkpoint} is not an mmengine training checkpoint: it lacks {missing}')
    buffer = io.BytesIO()
    torch.save({key: checkpoint[key] for key in KEPT_KEYS}, buffer)
    data = buffer.getvalue()
    stem, suffix = osp.splitext(args.out)
    final = f'{stem}-{hashlib.sha256(data).hexdigest()[:8]}{suffix or ".pth"}'
    if osp.exists(final):
        raise SystemExit(f'{final} exists; not overwritten')
    os.makedirs(osp.dirname(osp.abspath(final)), exist_ok=True)
    with open(final + '.part', 'wb') as f:
        f.write(data)
    os.replace(final + '.part', final)
    print(f'{final}: {len(data) / 2 ** 20:.2f} MiB (from {args.checkpoint}, iteration '
          f'{checkpoint["meta"].get("iter", "?")})')


if __name__ == '__main__':
    main()
