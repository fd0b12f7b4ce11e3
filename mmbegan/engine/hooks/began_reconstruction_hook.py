"""BEGAN's main diagnostic: what the auto-encoder discriminator makes of real and generated images."""
from contextlib import contextmanager
from typing import Iterator

import torch
from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn
from torchvision.utils import make_grid

NOISE_SEED = 2017


@HOOKS.register_module()
class BEGANReconstructionHook(Hook):
    """Every ``interval`` iterations, write a grid to the visualizer (``reconstruction_<iter>.png`` with mmagic's
    VisBackend, or TensorBoard) with four rows: real images x, D(x), generated images G(z), D(G(z)).

    The real images are the first ``n_samples`` of the first training batch and z is drawn once from a private
    generator (the training RNG stream is untouched), so successive frames show the same inputs. The networks'
    buffers (batch-norm running statistics) are left as training made them.
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 1000, n_samples: int = 8):
        if interval < 1 or n_samples < 1:
            raise ValueError(f'BEGANReconstructionHook: interval and n_samples must be >= 1, got {interval}, '
                             f'{n_samples}')
        self.interval = interval
        self.n_samples = n_samples
        self.real = None
        self.noise = None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if self.real is None:
            with torch.no_grad():
                real = model.data_preprocessor(data_batch, True)['data_samples'].gt_img
            self.real = real[:self.n_samples].clone()
            noise_gen = torch.Generator().manual_seed(NOISE_SEED)
            self.noise = (torch.rand(len(self.real), model.noise_size, generator=noise_gen) * 2 - 1)
        if not self.every_n_train_iters(runner, self.interval):
            return
        with torch.no_grad(), buffers_kept(model.generator, model.discriminator):
            fake = model.generator(self.noise.to(self.real.device), return_noise=False)
            rows = [self.real, model.discriminator(self.real), fake, model.discriminator(fake)]
            images = model.data_preprocessor.destruct(torch.cat(rows))
        runner.visualizer.add_image('reconstruction', to_rgb_grid(images, nrow=len(self.real)), step=runner.iter + 1)


@contextmanager
def buffers_kept(*modules: nn.Module) -> Iterator[None]:
    """Puts every buffer of ``modules`` back as it was after the block: a batch norm in training mode would
    otherwise fold the grid's few samples into its running statistics."""
    saved = [(buffer, buffer.clone()) for module in modules for buffer in module.buffers()]
    try:
        yield
    finally:
        for buffer, value in saved:
            buffer.copy_(value)


def to_rgb_grid(images: torch.Tensor, nrow: int):
    """[0, 255] BGR (or grayscale) N×C×H×W, as the data preprocessor's ``destruct`` returns, → H×W×3 uint8 RGB
    grid for the visualizer."""
    images = images.float().cpu().clamp(0, 255)
    images = images.flip(1) if images.shape[1] == 3 else images.expand(-1, 3, -1, -1)
    return make_grid(images, nrow=nrow, padding=2, pad_value=255).permute(1, 2, 0).to(torch.uint8).numpy()
