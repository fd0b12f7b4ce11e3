"""BEGAN's convergence measure as an mmagic evaluation metric."""
from typing import Sequence

import torch
from mmagic.evaluation.metrics.base_gen_metric import GenMetric
from mmagic.registry import METRICS
from mmengine.model import is_model_wrapper
from torch import nn

from ..models.equilibrium import convergence_measure


@METRICS.register_module()
class MGlobal(GenMetric):
    """M_global = L(x) + |γ L(x) − L(G(z))| over ``fake_nums`` real and generated images, measured with the
    model's current discriminator (lower is better). Also reports L(x) (``recon_real``) and L(G(z))
    (``recon_fake``). Needs a BEGAN model (its ``gamma``, ``recon_error`` and auto-encoder discriminator).
    """

    name = 'MGlobal'

    def __init__(self, fake_nums: int, sample_model: str = 'orig', prefix: str = 'm_global', **kwargs):
        super().__init__(fake_nums, real_nums=fake_nums, sample_model=sample_model, prefix=prefix, **kwargs)

    def prepare(self, module: nn.Module, dataloader) -> None:
        super().prepare(module, dataloader)
        model = module.module if is_model_wrapper(module) else module
        if not hasattr(model, 'gamma') or not hasattr(model, 'recon_error'):
            raise TypeError(f'MGlobal needs a BEGAN model, got {type(model).__name__}')
        self.model = model

    def per_image_error(self, images: torch.Tensor) -> torch.Tensor:
        """Per-image reconstruction error of [0, 255] BGR images, taken to the training layout first (the data
        preprocessor's channel order, mean and std), so it is the model's own L(x)."""
        preprocessor = self.data_preprocessor
        images = images.to(preprocessor.device).float()
        if preprocessor.output_channel_order == 'RGB' and images.shape[1] == 3:
            images = images.flip(1)
        images = (images - preprocessor.mean) / preprocessor.std
        with torch.no_grad():
            recon = self.model.discriminator(images)
        diff = (images - recon).flatten(1)
        return (diff.abs() if self.model.recon_norm == 'l1' else diff.square()).mean(dim=1).cpu()

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        if len(self.fake_results) >= self.fake_nums_per_device:
            return
        real = torch.stack([sample['gt_img'] for sample in data_samples])
        fake = torch.stack([(sample[self.sample_model] if self.sample_model in sample else sample)['fake_img']
                            for sample in data_samples])
        self.real_results.append(self.per_image_error(real))
        self.fake_results.append(self.per_image_error(fake))

    def compute_metrics(self, results_fake, results_real) -> dict:
        recon_real = torch.cat(results_real).mean().item()
        recon_fake = torch.cat(results_fake).mean().item()
        return dict(m_global=convergence_measure(self.model.gamma, recon_real, recon_fake), recon_real=recon_real,
                    recon_fake=recon_fake)
