"""Write samples and interpolations of a trained generator.

    python tools/generate.py CONFIG CHECKPOINT [--out-dir DIR] [--real-images A.png B.png] [--num-files N]

Writes into ``--out-dir`` (default: ``work_dirs/<config name>/generate``):
  samples.png            a grid of ``--num-samples`` images from z ~ U(−1, 1)
  interpolation.png      ``--num-interps`` rows, each a slerp between two random codes
  real_interpolation.png (with --real-images) the paper's real-image interpolation: both images are embedded
                         into z by minimising |x − G(z)|, then interpolated; rows: x_a, G(z_a), ..., G(z_b), x_b
  samples/000000.png ... (with --num-files N) N single samples at the generator's size, e.g. for other FID tools
"""
import argparse
import os
import os.path as osp

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
import cv2
import torch
from mmagic.apis.inferencers.inference_functions import init_model
from mmagic.models.data_preprocessors import DataPreprocessor
from torchvision.utils import save_image

from mmbegan.apis import embed_images, slerp


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--out-dir', help='output folder')
    parser.add_argument('--num-samples', type=int, default=64)
    parser.add_argument('--num-files', type=int, default=0,
                        help='also write this many single-sample PNGs into OUT_DIR/samples (never overwritten)')
    parser.add_argument('--num-interps', type=int, default=4, help='rows of the latent interpolation')
    parser.add_argument('--steps', type=int, default=10, help='images per interpolation row')
    parser.add_argument('--real-images', nargs=2, metavar='IMG', help='two real images to embed and interpolate')
    parser.add_argument('--embed-iters', type=int, default=500, help='Adam steps of the z embedding')
    parser.add_argument('--sample-model', choices=['orig', 'ema'], default='orig')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return parser.parse_args()


def to_display(images: torch.Tensor, preprocessor: DataPreprocessor) -> torch.Tensor:
    """Generator output (normalised BGR, the training layout) → [0, 1] RGB for saving."""
    images = (preprocessor.destruct(images) / 255).clamp(0, 1)
    return images.flip(1) if images.shape[1] == 3 else images


def write_sample_files(generator, model, num: int, folder: str, device: str, batch_size: int = 250) -> None:
    """Write ``num`` samples as single PNGs (grayscale or colour, as the model makes them) into ``folder``."""
    os.makedirs(folder, exist_ok=True)
    for start in range(0, num, batch_size):
        with torch.no_grad():
            images = generator(model.noise_fn(num_batches=min(batch_size, num - start)).to(device))
        # destruct gives [0, 255] in the training layout (BGR for colour), which is what cv2 writes
        images = model.data_preprocessor.destruct(images).round().clamp(0, 255).byte().permute(0, 2, 3, 1).cpu()
        for offset, image in enumerate(images.numpy()):
            cv2.imwrite(osp.join(folder, f'{start + offset:06d}.png'), image)


def read_real(path: str, size: int, preprocessor: DataPreprocessor, device: str) -> torch.Tensor:
    """Load an image as the training pipeline does (BGR or grayscale, normalised), resized to ``size``."""
    channels = preprocessor.mean.shape[0]
    flag = cv2.IMREAD_GRAYSCALE if channels == 1 else cv2.IMREAD_COLOR
    image = cv2.imread(path, flag)
    if image is None:
        raise FileNotFoundError(f'--real-images: cannot read {path}')
    if image.shape[:2] != (size, size):
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    tensor = torch.from_numpy(image).float().reshape(size, size, channels).permute(2, 0, 1)
    return (tensor.to(device) - preprocessor.mean) / preprocessor.std


def main() -> None:
    args = parse_args()
    out_dir = args.out_dir or osp.join('work_dirs', osp.splitext(osp.basename(args.config))[0], 'generate')
    files_dir = osp.join(out_dir, 'samples')
    if args.num_files < 0:
        raise ValueError(f'--num-files must be >= 0, got {args.num_files}')
    if args.num_files and osp.isdir(files_dir) and os.listdir(files_dir):
        raise FileExistsError(f'--num-files: {files_dir} is not empty; choose another --out-dir '
                              '(nothing was overwritten)')
    torch.manual_seed(args.seed)
    # mmagic's loader; a BEGAN refuses a checkpoint of another architecture itself (naming the keys)
    model = init_model(args.config, args.checkpoint, device=args.device)
    if args.sample_model == 'ema' and not model.with_ema_gen:
        raise ValueError('--sample-model ema: this model was trained without an EMA generator')
    preprocessor = model.data_preprocessor
    generator = model.generator_ema if args.sample_model == 'ema' else model.generator
    os.makedirs(out_dir, exist_ok=True)

    with torch.no_grad():
        samples = generator(model.noise_fn(num_batches=args.num_samples).to(args.device))
        save_image(to_display(samples, preprocessor), osp.join(out_dir, 'samples.png'),
                   nrow=int(args.num_samples ** 0.5))
        ends = model.noise_fn(num_batches=2 * args.num_interps).to(args.device)
        codes = torch.cat([slerp(ends[2 * i], ends[2 * i + 1], args.steps) for i in range(args.num_interps)])
        save_image(to_display(generator(codes), preprocessor), osp.join(out_dir, 'interpolation.png'), nrow=args.steps)
    written = ['samples.png', 'interpolation.png']
    if args.num_files:
        write_sample_files(generator, model, args.num_files, files_dir, args.device)
        written.append(f'{args.num_files} single samples in samples/')

    if args.real_images:
        reals = torch.stack([read_real(p, samples.shape[-1], preprocessor, args.device) for p in args.real_images])
        codes = embed_images(generator, reals, model.noise_size, iters=args.embed_iters)
        with torch.no_grad():
            path = generator(slerp(codes[0], codes[1], args.steps))
            errors = (generator(codes) - reals).abs().mean(dim=(1, 2, 3)).tolist()
        row = torch.cat([reals[:1], path, reals[1:]])
        save_image(to_display(row, preprocessor), osp.join(out_dir, 'real_interpolation.png'), nrow=row.shape[0])
        written.append('real_interpolation.png')
        print('embedding L1 error |x - G(z)| per image: ' + ', '.join(f'{e:.4f}' for e in errors))
    print(f'wrote {", ".join(written)} to {out_dir}')


if __name__ == '__main__':
    main()
