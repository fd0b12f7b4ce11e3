"""The BEGAN model: BaseGAN's training flow with the boundary-equilibrium losses."""
import math
from typing import Dict, Optional, Tuple, Union

import torch
from mmagic.models.base_models import BaseGAN
from mmagic.registry import MODELS
from mmagic.structures import DataSample
from mmengine.dist import all_reduce
from mmengine.logging import MessageHub
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper, OptimWrapperDict
from torch import Tensor, nn

from .began_generator import uniform_noise
from .checkpoint_fit import check_checkpoint_fits, strip_wrapper_keys

RECON_NORMS = ('l1', 'l2')
UPDATE_MODES = ('alternating', 'simultaneous')


@MODELS.register_module()
class BEGAN(BaseGAN):
    """`BEGAN: Boundary Equilibrium Generative Adversarial Networks <https://arxiv.org/abs/1703.10717>`_.

    With L(v) = mean |v − D(v)|^η, the discriminator minimises L_D = L(x) − k_t·L(G(z_D)) and the generator
    L_G = L(G(z_G)). ``k_t`` is a buffer of this model (so every checkpoint holds it); only
    :class:`~mmbegan.engine.BEGANEquilibriumHook` updates it, from the ``recon_real`` and ``recon_fake`` that
    :meth:`train_step` returns: means over all ranks, so that every rank applies the same update. Noise is
    uniform in [−1, 1] everywhere the model samples.

    Args:
        generator (dict | nn.Module): the generator, e.g. ``BEGANGenerator`` (any mmagic generator works).
        discriminator (dict | nn.Module): an auto-encoder whose output has its input's shape.
        data_preprocessor (dict, optional): mmagic's ``DataPreprocessor`` config.
        gamma (float): diversity ratio γ = E[L(G(z))] / E[L(x)] at equilibrium, in (0, 1].
        lambda_k (float): proportional gain λ_k of the k_t control law, >= 0.
        k_init (float): k_0, in [0, 1].
        recon_norm (str): 'l1' (η = 1, the paper's choice) or 'l2' (η = 2).
        update_mode (str): 'alternating': mmagic's flow, a D step then a G step measured with the updated D, with
            separate noise draws z_D and z_G. 'simultaneous': the paper's single step, one D forward on real and
            generated images serves both losses, both measured with the same not-yet-updated D (one noise draw
            feeds both losses).
        generator_steps (int): G updates per G iteration, as in mmagic's ``BaseGAN``; alternating updates only.
        discriminator_steps (int): iterations per G iteration, as in mmagic's ``BaseGAN``: every iteration is a
            D step and every ``discriminator_steps``-th (times D's ``accumulative_counts``) also G's; the other
            iterations are D-only, and k_t is then driven by the D step's L(G(z_D)) (``recon_fake_disc``).
            Alternating updates only.
        latent_constraint (float): weight α of BEGAN-CS's latent constraint (Chang et al., ECCV 2018):
            α·mean|Enc_D(G(z_D)) − z_D| is added to L_D (D's encoder learns to recover z from fakes, which
            keeps fakes of different z apart in D's code). 0 (default) is plain BEGAN. Needs Nh = Nz and a
            discriminator whose forward takes ``return_embedding``.
        pull_away (float): weight β of EBGAN's pull-away term (Zhao et al., ICLR 2017) added to L_G: the mean
            squared cosine similarity between D's codes Enc_D(G(z)) of different samples of the batch, a direct
            push for fakes that D tells apart. 0 (default) is plain BEGAN; alternating updates only.
        noise_size (int, optional): Nz; taken from the generator when None.
        ema_config (dict, optional): BaseGAN's EMA generator config.
        channels_last (bool): keep conv weights and images in the channels-last memory layout, which oneDNN
            (CPU) and cuDNN run faster; the computed values are the same up to float rounding.
    """

    def __init__(self, generator: Union[dict, nn.Module], discriminator: Union[dict, nn.Module],
                 data_preprocessor: Optional[Union[dict, nn.Module]] = None, gamma: float = 0.5,
                 lambda_k: float = 1e-3, k_init: float = 0.0, recon_norm: str = 'l1',
                 update_mode: str = 'alternating', generator_steps: int = 1, discriminator_steps: int = 1,
                 latent_constraint: float = 0.0, pull_away: float = 0.0,
                 noise_size: Optional[int] = None, ema_config: Optional[dict] = None, channels_last: bool = False):
        check_range(gamma, 'gamma', 0.0, 1.0, low_open=True)
        check_range(lambda_k, 'lambda_k', 0.0, math.inf)
        check_range(latent_constraint, 'latent_constraint', 0.0, math.inf)
        check_range(pull_away, 'pull_away', 0.0, math.inf)
        if pull_away and update_mode != 'alternating':
            raise ValueError('pull_away needs update_mode="alternating" (the G step has its own D forward)')
        check_range(k_init, 'k_init', 0.0, 1.0)
        if recon_norm not in RECON_NORMS:
            raise ValueError(f'recon_norm must be one of {RECON_NORMS}, got {recon_norm!r}')
        if update_mode not in UPDATE_MODES:
            raise ValueError(f'update_mode must be one of {UPDATE_MODES}, got {update_mode!r}')
        for name, steps in (('generator_steps', generator_steps), ('discriminator_steps', discriminator_steps)):
            if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
                raise ValueError(f'{name} must be an integer >= 1, got {steps!r}')
            if steps != 1 and update_mode != 'alternating':
                raise ValueError(f'{name}={steps} needs update_mode="alternating" (the simultaneous step updates '
                                 'D and G once each)')
        super().__init__(generator, discriminator, data_preprocessor, generator_steps=generator_steps,
                         discriminator_steps=discriminator_steps, noise_size=noise_size, ema_config=ema_config)
        self.gamma = float(gamma)
        self.lambda_k = float(lambda_k)
        self.recon_norm = recon_norm
        self.update_mode = update_mode
        self.latent_constraint = float(latent_constraint)
        self.pull_away = float(pull_away)
        embedding_size = getattr(self.discriminator, 'embedding_size', None)
        if self.latent_constraint and embedding_size != self.noise_size:
            raise ValueError(f'latent_constraint needs the discriminator\'s embedding size (Nh = {embedding_size}) '
                             f'to equal the noise size (Nz = {self.noise_size})')
        self.register_buffer('k_t', torch.tensor(float(k_init)))
        self.equilibrium_hook_attached = False
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format
        self.to(memory_format=self.memory_format)
        # checkpoints hold the same keys whether or not G and D are wrapped for distributed training
        self._register_state_dict_hook(canonical_keys_hook)

    def noise_fn(self, noise=None, num_batches: int = 1) -> Tensor:
        """Sample z from U(−1, 1) unless ``noise`` (a tensor or a sampler) is given."""
        return super().noise_fn(uniform_noise if noise is None else noise, num_batches=num_batches)

    def recon_error(self, img: Tensor, recon: Tensor) -> Tensor:
        """L(v) = mean |v − D(v)|^η over every pixel of the batch."""
        diff = img - recon
        return diff.abs().mean() if self.recon_norm == 'l1' else diff.square().mean()

    def train_step(self, data: dict, optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """One BEGAN iteration; returns ``loss_disc``, ``recon_real``, ``recon_fake_disc`` (L(G(z_D)) before D's
        update) and, when G trains in it, ``loss_gen`` and ``recon_fake`` (L(G(z_G))), detached, each the mean over
        all ranks."""
        if not self.equilibrium_hook_attached:
            raise RuntimeError(
                'BEGAN is training without BEGANEquilibriumHook, so k_t would never change. Add '
                "custom_hooks=[dict(type='BEGANEquilibriumHook')] to the config.")
        if self.update_mode == 'alternating':
            return self.agree_across_ranks(super().train_step(data, optim_wrapper))
        return self.agree_across_ranks(self._simultaneous_step(self.data_preprocessor(data, True), optim_wrapper))

    @staticmethod
    def agree_across_ranks(outputs: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """The mean over all ranks of every value of ``outputs`` (one all-reduce; unchanged in one process).

        k_t's controller then applies the same update on every rank, and the log shows global means."""
        keys = list(outputs)
        stacked = torch.stack([outputs[key].detach().float().reshape(()) for key in keys])
        all_reduce(stacked, op='mean')
        return dict(zip(keys, stacked.unbind()))

    def real_images(self, data_samples: DataSample, fake: Tensor) -> Tensor:
        """Real images of the batch, checked against the generator's output before they meet D."""
        real = data_samples.gt_img
        if real.shape[1:] != fake.shape[1:]:
            raise ValueError(
                f'real images have shape {tuple(real.shape[1:])} (C, H, W) but the generator makes '
                f'{tuple(fake.shape[1:])}; make the data pipeline (color_type, image size) match the model')
        return real.contiguous(memory_format=self.memory_format)

    def train_discriminator(self, inputs: dict, data_samples: DataSample,
                            optimizer_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        """D step: minimise L(x) − k_t·L(G(z_D)) with the generated images held constant."""
        num_batches = len(data_samples)
        noise = self.noise_fn(num_batches=num_batches)
        with torch.no_grad():
            fake = self.generator(noise, return_noise=False)
        real = self.real_images(data_samples, fake)
        recon, loss_latent = self.reconstruct_pair(real, fake, noise)
        recon_real = self.recon_error(real, recon[:num_batches])
        recon_fake = self.recon_error(fake, recon[num_batches:])
        loss_disc = recon_real - self.k_t * recon_fake + loss_latent
        optimizer_wrapper.update_params(loss_disc)
        return dict(loss_disc=loss_disc.detach(), recon_real=recon_real.detach(),
                    recon_fake_disc=recon_fake.detach(), **self.latent_log(loss_latent))

    def reconstruct_pair(self, real: Tensor, fake: Tensor, noise: Tensor) -> Tuple[Tensor, Tensor]:
        """D's reconstruction of the real and generated batch in one forward, and BEGAN-CS's latent constraint
        α·mean|Enc_D(G(z)) − z| (0 when ``latent_constraint`` is 0)."""
        if not self.latent_constraint:
            return self.discriminator(torch.cat([real, fake])), real.new_zeros(())
        recon, embedding = self.discriminator(torch.cat([real, fake]), return_embedding=True)
        return recon, self.latent_constraint * (embedding[len(real):] - noise.to(embedding)).abs().mean()

    def latent_log(self, loss_latent: Tensor) -> Dict[str, Tensor]:
        """``loss_latent`` for the log when the latent constraint is on."""
        return dict(loss_latent=loss_latent.detach()) if self.latent_constraint else {}

    def train_generator(self, inputs: dict, data_samples: DataSample,
                        optimizer_wrapper: OptimWrapper) -> Dict[str, Tensor]:
        """G step: minimise L(G(z_G)); the gradient flows through G(z) as both input and target of D."""
        fake = self.generator(self.noise_fn(num_batches=len(data_samples)), return_noise=False)
        if not self.pull_away:
            recon_fake = self.recon_error(fake, self.discriminator(fake))
            optimizer_wrapper.update_params(recon_fake)
            return dict(loss_gen=recon_fake.detach(), recon_fake=recon_fake.detach())
        recon, embedding = self.discriminator(fake, return_embedding=True)
        recon_fake = self.recon_error(fake, recon)
        loss_pull_away = self.pull_away * pull_away_term(embedding)
        loss_gen = recon_fake + loss_pull_away
        optimizer_wrapper.update_params(loss_gen)
        return dict(loss_gen=loss_gen.detach(), recon_fake=recon_fake.detach(),
                    loss_pull_away=loss_pull_away.detach())

    def _simultaneous_step(self, data: dict, optim_wrapper: OptimWrapperDict) -> Dict[str, Tensor]:
        """The paper's single step: D and G losses from one forward of the current D, then both updates."""
        disc_ow, gen_ow = optim_wrapper['discriminator'], optim_wrapper['generator']
        num_batches = len(data['data_samples'])
        with disc_ow.optim_context(self.discriminator), gen_ow.optim_context(self.generator):
            noise = self.noise_fn(num_batches=num_batches)
            fake = self.generator(noise, return_noise=False)
            real = self.real_images(data['data_samples'], fake)
            recon, loss_latent = self.reconstruct_pair(real, fake, noise)
            recon_real = self.recon_error(real, recon[:num_batches])
            recon_fake = self.recon_error(fake, recon[num_batches:])
            loss_disc = recon_real - self.k_t * recon_fake + loss_latent
            # Each loss reaches only its own network's parameters: in L_D the generated images are constants,
            # and L_G must not train D to reconstruct fakes.
            disc_ow.backward(disc_ow.scale_loss(loss_disc), retain_graph=True,
                             inputs=list(self.discriminator.parameters()))
            gen_ow.backward(gen_ow.scale_loss(recon_fake), inputs=list(self.generator.parameters()))
        for ow in (disc_ow, gen_ow):
            if ow.should_update():
                ow.step()
                ow.zero_grad()
        self._update_ema()
        return dict(loss_disc=loss_disc.detach(), loss_gen=recon_fake.detach(), recon_real=recon_real.detach(),
                    recon_fake=recon_fake.detach(), recon_fake_disc=recon_fake.detach(), **self.latent_log(loss_latent))

    def _update_ema(self) -> None:
        """Follow BaseGAN's EMA rule: copy G before ``ema_start``, average it afterwards."""
        if not self.with_ema_gen:
            return
        generator = self.generator.module if is_model_wrapper(self.generator) else self.generator
        curr_iter = MessageHub.get_current_instance().get_info('iter')
        if curr_iter + 1 >= self.ema_start:
            self.generator_ema.update_parameters(generator)
            if not self.generator_ema.update_buffers:
                self.generator_ema.sync_buffers(generator)
        else:
            self.generator_ema.sync_parameters(generator)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        """Accept checkpoints saved with wrapped G / D keys, and refuse a whole-model checkpoint of another
        architecture, naming the keys that differ (mmengine loads with ``strict=False`` and would only warn,
        leaving a half-initialised model)."""
        if prefix == '':
            strip_wrapper_keys(self, state_dict)
            check_checkpoint_fits(self, state_dict)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def reconstruct(self, img: Tensor) -> Tensor:
        """D(img) without gradients: what the discriminator sees (BEGAN's main diagnostic)."""
        with torch.no_grad():
            return self.discriminator(img)


def pull_away_term(embedding: Tensor) -> Tensor:
    """EBGAN's pull-away term: mean over pairs i ≠ j of the batch of cos²(s_i, s_j), in [0, 1]."""
    unit = nn.functional.normalize(embedding.flatten(1), dim=1)
    num = len(unit)
    if num < 2:
        return embedding.new_zeros(())
    cosine = unit @ unit.t()
    return (cosine.square().sum() - cosine.diagonal().square().sum()) / (num * (num - 1))


def canonical_keys_hook(module: nn.Module, state_dict: dict, prefix: str, local_metadata: dict) -> None:
    """State-dict hook: drop the ``module.`` level that distributed wrappers add to G's and D's keys."""
    strip_wrapper_keys(module, state_dict, prefix)


def check_range(value: float, name: str, low: float, high: float, low_open: bool = False) -> None:
    """Raise a ValueError naming ``name`` unless ``value`` is a finite number in [low, high] ((low, high])."""
    left = '(' if low_open else '['
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and (value > low if low_open else value >= low) and value <= high
    if not ok:
        raise ValueError(f'{name} must be a finite number in {left}{low}, {high}], got {value!r}')

